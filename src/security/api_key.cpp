#include "lift/security/api_key.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "lift/security/errors.hpp"
#include "openssl.hpp"

namespace lift::security {

std::string hash_api_key(std::string_view key) { return hex::encode(digest::sha256(key)); }

std::string hash_api_key(std::string_view key, std::string_view pepper) {
  return hex::encode(detail::hmac(Algorithm::HS256, pepper, key));
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> api_key_id(std::string_view key) noexcept {
  const auto dot = key.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == key.size()) return std::nullopt;
  return key.substr(0, dot);
}

IssuedApiKey generate_api_key(std::string_view prefix, std::string_view pepper) {
  unsigned char random[8 + 32];
  if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("OpenSSL's random generator failed");
  const std::string_view bytes(reinterpret_cast<const char*>(random), sizeof random);
  IssuedApiKey issued;
  issued.id = std::string(prefix) + (prefix.empty() ? "" : "_") + hex::encode(bytes.substr(0, 8));
  issued.key = issued.id + "." + base64::encode_url(bytes.substr(8));
  issued.hash = pepper.empty() ? hash_api_key(issued.key) : hash_api_key(issued.key, pepper);
  OPENSSL_cleanse(random, sizeof random);
  return issued;
}

void MemoryApiKeyStore::put(ApiKeyRecord record) {
  std::lock_guard lock(mutex_);
  auto id = record.id;
  records_.insert_or_assign(std::move(id), std::move(record));
}

bool MemoryApiKeyStore::remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  const auto found = records_.find(id);
  if (found == records_.end()) return false;
  records_.erase(found);
  return true;
}

Result<std::optional<ApiKeyRecord>> MemoryApiKeyStore::find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto found = records_.find(id);
  if (found == records_.end()) return std::optional<ApiKeyRecord>{};
  return std::optional<ApiKeyRecord>{found->second};
}

ApiKeyVerifier::ApiKeyVerifier(std::shared_ptr<const ApiKeyStore> store, ApiKeyOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

Result<Principal> ApiKeyVerifier::verify(std::string_view presented) const {
  if (presented.empty()) return unauthorized(AuthReason::no_token, "no API key");
  const auto invalid = [] { return unauthorized(AuthReason::invalid_api_key, "the API key is not valid"); };
  const auto id = api_key_id(presented);
  if (presented.size() > options_.max_key_bytes || !id) return invalid();
  auto record = store_->find(*id);
  if (!record) return std::move(record).error();
  const std::string hash = options_.pepper.empty() ? hash_api_key(presented) : hash_api_key(presented, options_.pepper);
  // An unknown id costs the same comparison as a known one, so timing does not tell them apart.
  const std::string& expected = *record ? (*record)->hash : hash;
  const bool matches = constant_time_equal(hash, expected);
  if (!*record || !matches) return invalid();
  const auto& found = **record;
  if (found.revoked) return unauthorized(AuthReason::revoked, "the API key was revoked");
  const auto now = options_.clock ? options_.clock() : std::chrono::system_clock::now();
  if (found.expires_at && *found.expires_at <= now) return unauthorized(AuthReason::revoked, "the API key has expired");
  Principal principal = found.principal;
  if (principal.subject.empty()) principal.subject = found.id;
  principal.method = "api_key";
  return principal;
}

}  // namespace lift::security
