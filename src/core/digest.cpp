#include "lift/core/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <stdexcept>

namespace lift::digest {
namespace {

using Md = std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)>;

Md fetch(const char* name) {
  Md md(EVP_MD_fetch(nullptr, name, nullptr), &EVP_MD_free);
  if (!md) throw std::runtime_error(std::string(name) + " is not available in libcrypto");
  return md;
}

// Fetched once: an implicit fetch on every call costs more than hashing a short key.
const EVP_MD* md5_md() {
  static const Md md = fetch("MD5");
  return md.get();
}

const EVP_MD* sha256_md() {
  static const Md md = fetch("SHA256");
  return md.get();
}

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) != 1)
    throw std::runtime_error("a digest failed in libcrypto");  // only on allocation failure
  return {reinterpret_cast<const char*>(out), length};
}

}  // namespace

std::string md5(std::string_view data) { return digest(md5_md(), data); }

std::string sha256(std::string_view data) { return digest(sha256_md(), data); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(sha256_md(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out, &length) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed in libcrypto");
  return {reinterpret_cast<const char*>(out), length};
}

}  // namespace lift::digest
