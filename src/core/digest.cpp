#include "lift/core/digest.hpp"

// OpenSSL 3 marks the low-level digest functions deprecated in favour of EVP. They are used here
// on purpose: EVP's first use loads OpenSSL's default provider, its whole algorithm table (about
// 5 million instructions and 1.6 MiB of resident pages), and the embedded DynamoDB engine hashes
// every partition key with MD5 and DynamORM signs its cursors with HMAC-SHA256 on the first
// invocations. The low-level functions run the same block code (SHA instructions included)
// with nothing to load.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/md5.h>
#include <openssl/sha.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace lift::digest {
namespace {

void check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("libcrypto failed in ") + what);
}

std::string raw(const unsigned char* bytes, std::size_t size) { return std::string(reinterpret_cast<const char*>(bytes), size); }

class Sha256 {
 public:
  Sha256() { check(SHA256_Init(&ctx_), "SHA256_Init"); }
  void update(std::string_view data) { check(SHA256_Update(&ctx_, data.data(), data.size()), "SHA256_Update"); }
  std::array<unsigned char, SHA256_DIGEST_LENGTH> finish() {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> out{};
    check(SHA256_Final(out.data(), &ctx_), "SHA256_Final");
    return out;
  }

 private:
  SHA256_CTX ctx_{};
};

}  // namespace

std::string md5(std::string_view data) {
  MD5_CTX ctx;
  check(MD5_Init(&ctx), "MD5_Init");
  check(MD5_Update(&ctx, data.data(), data.size()), "MD5_Update");
  std::array<unsigned char, MD5_DIGEST_LENGTH> out{};
  check(MD5_Final(out.data(), &ctx), "MD5_Final");
  return raw(out.data(), out.size());
}

std::string sha256(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  const auto out = hash.finish();
  return raw(out.data(), out.size());
}

// RFC 2104 over libcrypto's SHA-256: H((K ^ opad) || H((K ^ ipad) || data)), the key hashed
// first when it is longer than a block.
std::string hmac_sha256(std::string_view key, std::string_view data) {
  constexpr std::size_t kBlock = SHA256_CBLOCK;
  std::array<unsigned char, kBlock> padded{};
  if (key.size() > kBlock) {
    Sha256 hashed_key;
    hashed_key.update(key);
    const auto short_key = hashed_key.finish();
    std::memcpy(padded.data(), short_key.data(), short_key.size());
  } else if (!key.empty()) {
    std::memcpy(padded.data(), key.data(), key.size());
  }
  std::array<unsigned char, kBlock> inner_pad{}, outer_pad{};
  for (std::size_t i = 0; i < kBlock; ++i) {
    inner_pad[i] = static_cast<unsigned char>(padded[i] ^ 0x36);
    outer_pad[i] = static_cast<unsigned char>(padded[i] ^ 0x5c);
  }
  Sha256 inner;
  inner.update(std::string_view(reinterpret_cast<const char*>(inner_pad.data()), kBlock));
  inner.update(data);
  const auto inner_digest = inner.finish();
  Sha256 outer;
  outer.update(std::string_view(reinterpret_cast<const char*>(outer_pad.data()), kBlock));
  outer.update(std::string_view(reinterpret_cast<const char*>(inner_digest.data()), inner_digest.size()));
  const auto out = outer.finish();
  return raw(out.data(), out.size());
}

}  // namespace lift::digest
