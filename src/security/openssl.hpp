#pragma once
// Owning handles for the OpenSSL objects the security layer uses, and the key material behind
// lift::security::Key. Private to the layer.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "lift/security/key.hpp"

namespace lift::security::detail {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

// The shared, immutable EVP_PKEY of an asymmetric key, or the secret of an HMAC key.
// EVP_PKEY is safe for concurrent read-only use (verification) in OpenSSL 3.
struct KeyMaterialData {
  KeyType type = KeyType::oct;
  std::shared_ptr<EVP_PKEY> pkey{};  // asymmetric keys
  std::string secret{};              // HMAC keys
  bool has_private = false;
};

const EVP_MD* digest_for(Algorithm algorithm) noexcept;  // null for EdDSA
// Bytes of r and s in a JOSE ECDSA signature: 32, 48, 66 (0 for other algorithms).
std::size_t ecdsa_component_size(Algorithm algorithm) noexcept;

// HMAC of `data`; empty on failure.
std::string hmac(Algorithm algorithm, std::string_view key, std::string_view data);
bool verify_signature(const Key& key, std::string_view signing_input, std::string_view signature);
// Empty on failure.
std::string sign(const Key& key, std::string_view signing_input);

}  // namespace lift::security::detail

namespace lift::security {
struct Key::Material : detail::KeyMaterialData {};
}  // namespace lift::security
