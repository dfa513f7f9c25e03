#include "lift/dynamorm/encryption.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lift/core/base64.hpp"
#include "lift/core/random.hpp"
#include "lift/dynamorm/errors.hpp"

namespace lift::dynamorm {

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.wipe();
  }
  return *this;
}

void SecretBytes::wipe() noexcept {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
  bytes_.clear();
}

namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kLocalMarker = "L1";  // a LocalKeyProvider edk, version 1

Error invalid_envelope(std::string_view table, std::string_view attribute, std::string_view why) {
  return Error{std::string(kInvalidEncryptedEnvelope),
               "table " + std::string(table) + ", attribute " + std::string(attribute) + ": the encrypted value does not open (" +
                   std::string(why) + "); nothing returned",
               500};
}

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

CipherContext new_context() {
  CipherContext c(EVP_CIPHER_CTX_new());
  if (!c) throw std::runtime_error("OpenSSL cannot allocate a cipher context");
  return c;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// AES-256-GCM: ciphertext followed by the 16-byte tag.
std::string seal(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view plaintext) {
  auto c = new_context();
  std::string out(plaintext.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int n = 0;
  if (EVP_EncryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_EncryptInit_ex(c.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(c.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(c.get(), o, &n, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c.get(), o + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), o + plaintext.size()) != 1)
    throw std::runtime_error("OpenSSL's AES-256-GCM failed");
  return out;
}

// The plaintext, or nothing when the tag does not match (a wrong key, nonce, associated data or
// any changed byte).
std::optional<SecretBytes> open(std::string_view key, std::string_view nonce, std::string_view aad, std::string_view sealed) {
  if (sealed.size() < kTagBytes) return std::nullopt;
  const auto length = sealed.size() - kTagBytes;
  auto c = new_context();
  std::string out(length, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::string tag(sealed.substr(length));
  int n = 0;
  if (EVP_DecryptInit_ex(c.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_DecryptInit_ex(c.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(c.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(c.get(), o, &n, bytes(sealed), static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) != 1)
    throw std::runtime_error("OpenSSL's AES-256-GCM failed");
  // The tag is checked last: what was decrypted before it is wiped when it does not match.
  const bool authentic = EVP_DecryptFinal_ex(c.get(), o + n, &n) == 1;
  SecretBytes plain(std::move(out));
  if (!authentic) return std::nullopt;
  return plain;
}

std::string random_string(std::size_t size) {
  std::string out(size, '\0');
  random_bytes(out.data(), out.size());
  return out;
}

// The context as associated data: each key and value prefixed by its length, so that no two
// contexts share a text.
std::string associated_data(std::string_view purpose, const EncryptionContext& context) {
  std::string out(purpose);
  for (const auto& [k, v] : context) {
    out += '|';
    out += std::to_string(k.size()) + ':' + k;
    out += std::to_string(v.size()) + ':' + v;
  }
  return out;
}

const std::string* envelope_bytes(const AttributeMap& m, std::string_view name) {
  const auto found = m.find(name);
  if (found == m.end()) return nullptr;
  const auto* b = found->second.as_binary();
  return b != nullptr ? &b->bytes : nullptr;
}

}  // namespace

Result<std::shared_ptr<const LocalKeyProvider>> LocalKeyProvider::create(std::string_view key) {
  if (key.size() != kKeyBytes)
    return validation_error("a local key provider's master key is 32 bytes (got " + std::to_string(key.size()) + ")");
  return std::make_shared<const LocalKeyProvider>(SecretBytes(std::string(key)));
}

Result<std::shared_ptr<const LocalKeyProvider>> LocalKeyProvider::from_base64(std::string_view key) {
  auto raw = base64::decode(key);
  if (!raw) return validation_error("a local key provider's master key is 32 bytes in base64 (44 characters): not base64");
  SecretBytes secret(std::move(*raw));
  return create(secret.view());
}

Result<DataKey> LocalKeyProvider::generate_data_key(const EncryptionContext& context) const {
  DataKey key{SecretBytes(random_string(kKeyBytes)), {}};
  const auto nonce = random_string(kNonceBytes);
  key.encrypted = std::string(kLocalMarker) + nonce + seal(key_.view(), nonce, associated_data("lift.local-key.v1", context), key.plaintext.view());
  return key;
}

Result<SecretBytes> LocalKeyProvider::decrypt_data_key(std::string_view encrypted, const EncryptionContext& context) const {
  const auto where = [&] {
    const auto t = context.find("table");
    const auto a = context.find("attribute");
    return std::pair<std::string, std::string>(t == context.end() ? "" : t->second, a == context.end() ? "" : a->second);
  }();
  if (!encrypted.starts_with(kLocalMarker) || encrypted.size() != kLocalMarker.size() + kNonceBytes + kKeyBytes + kTagBytes)
    return invalid_envelope(where.first, where.second, "edk is not a local key provider's data key");
  const auto nonce = encrypted.substr(kLocalMarker.size(), kNonceBytes);
  auto key = open(key_.view(), nonce, associated_data("lift.local-key.v1", context), encrypted.substr(kLocalMarker.size() + kNonceBytes));
  if (!key) return invalid_envelope(where.first, where.second, "the data key does not open under this master key and context");
  return std::move(*key);
}

EncryptionContext encryption_context(std::string_view table, std::string_view attribute) {
  return EncryptionContext{{"attribute", std::string(attribute)}, {"table", std::string(table)}};
}

Result<AttributeValue> encrypt_attribute(const KeyProvider& keys, std::string_view table, std::string_view attribute,
                                         const AttributeValue& value) {
  const auto context = encryption_context(table, attribute);
  auto key = keys.generate_data_key(context);
  if (!key) return std::move(key).error();
  if (key->plaintext.size() != kKeyBytes)
    return Error{std::string(kEncryptionNotConfigured), "the key provider gave a data key that is not 32 bytes", 500};
  const auto nonce = random_string(kNonceBytes);
  SecretBytes plaintext(boost::json::serialize(to_dynamodb_json(value)));
  AttributeMap envelope;
  envelope.emplace("v", AttributeValue::number(1));
  envelope.emplace("edk", AttributeValue::binary(std::move(key->encrypted)));
  envelope.emplace("ct", AttributeValue::binary(seal(key->plaintext.view(), nonce, associated_data("lift.dynamorm.field.v1", context), plaintext.view())));
  envelope.emplace("nonce", AttributeValue::binary(nonce));
  return AttributeValue::map(std::move(envelope));
}

Result<AttributeValue> decrypt_attribute(const KeyProvider& keys, std::string_view table, std::string_view attribute,
                                         const AttributeValue& envelope) {
  const auto* m = envelope.as_map();
  if (m == nullptr) return invalid_envelope(table, attribute, "not an envelope map");
  const auto v = m->find("v");
  const auto* version = v == m->end() ? nullptr : v->second.as_number();
  if (version == nullptr) return invalid_envelope(table, attribute, "no version v");
  if (version->as_integer<int>() != 1) return invalid_envelope(table, attribute, "unknown version " + version->text());
  const auto* edk = envelope_bytes(*m, "edk");
  const auto* nonce = envelope_bytes(*m, "nonce");
  const auto* ct = envelope_bytes(*m, "ct");
  if (edk == nullptr || nonce == nullptr || ct == nullptr) return invalid_envelope(table, attribute, "edk, nonce and ct are binary values");
  if (m->size() != 4) return invalid_envelope(table, attribute, "members other than v, edk, nonce and ct");
  if (nonce->size() != kNonceBytes) return invalid_envelope(table, attribute, "the nonce is not 12 bytes");
  const auto context = encryption_context(table, attribute);
  auto key = keys.decrypt_data_key(*edk, context);
  if (!key) return std::move(key).error();
  if (key->size() != kKeyBytes) return invalid_envelope(table, attribute, "the data key is not 32 bytes");
  auto plaintext = open(key->view(), *nonce, associated_data("lift.dynamorm.field.v1", context), *ct);
  if (!plaintext) return invalid_envelope(table, attribute, "the tag does not match: changed, or written for another attribute or table");
  boost::system::error_code ec;
  const auto json = boost::json::parse(plaintext->view(), ec);
  if (ec) return invalid_envelope(table, attribute, "the plaintext is not an attribute value");
  auto value = from_dynamodb_json(json);
  if (!value) return invalid_envelope(table, attribute, "the plaintext is not an attribute value");
  return std::move(*value);
}

}  // namespace lift::dynamorm
