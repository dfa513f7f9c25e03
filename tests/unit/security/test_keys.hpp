#pragma once
// Fresh key pairs for the security tests, made with OpenSSL and exported as PEM and public JWK;
// generated once per algorithm family and process (RSA generation is slow).

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/security/key.hpp"

namespace lift::security::testing {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
  boost::json::object public_jwk;  // without "alg" and "kid"
};

namespace detail_keys {

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

inline std::string bn_bytes(EVP_PKEY* key, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("no BN param");
  std::string out(static_cast<std::size_t>(pad > 0 ? pad : BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

inline KeyPair export_pair(EVP_PKEY* key, const std::string& family) {
  KeyPair pair;
  std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub.get(), key);
  pair.private_pem = bio_text(priv.get());
  pair.public_pem = bio_text(pub.get());
  if (family == "RSA") {
    pair.public_jwk = {{"kty", "RSA"}, {"n", base64::encode_url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_N))},
                       {"e", base64::encode_url(bn_bytes(key, OSSL_PKEY_PARAM_RSA_E))}};
  } else if (family == "ED25519") {
    unsigned char raw[32];
    std::size_t length = sizeof raw;
    EVP_PKEY_get_raw_public_key(key, raw, &length);
    pair.public_jwk = {{"kty", "OKP"}, {"crv", "Ed25519"},
                       {"x", base64::encode_url(std::string(reinterpret_cast<char*>(raw), length))}};
  } else {
    const int size = family == "P-256" ? 32 : family == "P-384" ? 48 : 66;
    pair.public_jwk = {{"kty", "EC"}, {"crv", family},
                       {"x", base64::encode_url(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_X, size))},
                       {"y", base64::encode_url(bn_bytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, size))}};
  }
  return pair;
}

inline std::string family_of(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::ES256: return "P-256";
    case Algorithm::ES384: return "P-384";
    case Algorithm::ES512: return "P-521";
    case Algorithm::EdDSA: return "ED25519";
    default: return "RSA";
  }
}

}  // namespace detail_keys

// The key pair for an asymmetric algorithm; `variant` > 0 gives other pairs of the same family.
inline const KeyPair& key_pair(Algorithm algorithm, int variant = 0) {
  static std::mutex mutex;
  static std::map<std::string, KeyPair> pairs;
  const std::string family = detail_keys::family_of(algorithm);
  const std::string name = family + "#" + std::to_string(variant);
  std::lock_guard lock(mutex);
  if (auto found = pairs.find(name); found != pairs.end()) return found->second;
  EVP_PKEY* key = nullptr;
  if (family == "RSA") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  else if (family == "ED25519") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  else key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", family.c_str());
  if (key == nullptr) throw std::runtime_error("key generation failed");
  auto pair = detail_keys::export_pair(key, family);
  EVP_PKEY_free(key);
  return pairs.emplace(name, std::move(pair)).first->second;
}

inline Key signing_key(Algorithm algorithm, std::string kid = {}, int variant = 0) {
  auto key = Key::from_pem(key_pair(algorithm, variant).private_pem, algorithm, std::move(kid));
  if (!key) throw std::runtime_error(key.error().message);
  return std::move(*key);
}

inline Key verification_key(Algorithm algorithm, std::string kid = {}, int variant = 0) {
  auto key = Key::from_pem(key_pair(algorithm, variant).public_pem, algorithm, std::move(kid));
  if (!key) throw std::runtime_error(key.error().message);
  return std::move(*key);
}

inline Key hmac_key(Algorithm algorithm, std::string kid = {}) {
  auto key = Key::hmac(algorithm, std::string(64, 'k'), std::move(kid));
  if (!key) throw std::runtime_error(key.error().message);
  return std::move(*key);
}

inline std::string reason(const Error& error) {
  for (const auto& detail : error.details)
    if (detail.field == "reason") return detail.message;
  return "(no reason) " + error.code + ": " + error.message;
}

}  // namespace lift::security::testing
