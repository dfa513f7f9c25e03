// Signatures over OpenSSL's EVP interface. JOSE writes ECDSA signatures as raw r||s of fixed
// size; OpenSSL reads and writes DER, so both directions are converted here.
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <array>

#include "openssl.hpp"

namespace lift::security::detail {

namespace {

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

bool is_pss(Algorithm a) { return a == Algorithm::PS256 || a == Algorithm::PS384 || a == Algorithm::PS512; }

// RFC 7518 section 3.5: PSS with MGF1 over the same hash and a salt as long as the hash.
bool set_pss(EVP_PKEY_CTX* pctx, const EVP_MD* md) {
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
}

// Raw r||s (each `size` bytes) to the DER that OpenSSL verifies; empty when malformed.
std::string ecdsa_raw_to_der(std::string_view raw, std::size_t size) {
  if (size == 0 || raw.size() != 2 * size) return {};
  Bignum r(BN_bin2bn(bytes(raw), static_cast<int>(size), nullptr));
  Bignum s(BN_bin2bn(bytes(raw.substr(size)), static_cast<int>(size), nullptr));
  EcdsaSig sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
  (void)r.release();  // owned by sig now
  (void)s.release();
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return {};
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != length) return {};
  return der;
}

std::string ecdsa_der_to_raw(std::string_view der, std::size_t size) {
  const auto* in = bytes(der);
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!sig) return {};
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(2 * size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, static_cast<int>(size)) < 0 || BN_bn2binpad(s, out + size, static_cast<int>(size)) < 0) return {};
  return raw;
}

}  // namespace

const EVP_MD* digest_for(Algorithm algorithm) noexcept {
  switch (algorithm) {
    case Algorithm::HS256: case Algorithm::RS256: case Algorithm::PS256: case Algorithm::ES256: return EVP_sha256();
    case Algorithm::HS384: case Algorithm::RS384: case Algorithm::PS384: case Algorithm::ES384: return EVP_sha384();
    case Algorithm::HS512: case Algorithm::RS512: case Algorithm::PS512: case Algorithm::ES512: return EVP_sha512();
    case Algorithm::EdDSA: return nullptr;
  }
  return nullptr;
}

std::size_t ecdsa_component_size(Algorithm algorithm) noexcept {
  switch (algorithm) {
    case Algorithm::ES256: return 32;
    case Algorithm::ES384: return 48;
    case Algorithm::ES512: return 66;
    default: return 0;
  }
}

std::string hmac(Algorithm algorithm, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (HMAC(digest_for(algorithm), key.data(), static_cast<int>(key.size()), bytes(data), data.size(), digest.data(),
           &length) == nullptr) {
    ERR_clear_error();
    return {};
  }
  return {reinterpret_cast<const char*>(digest.data()), length};
}

bool verify_signature(const Key& key, std::string_view signing_input, std::string_view signature) {
  const auto& material = key.material();
  const Algorithm algorithm = key.algorithm();
  if (material.type == KeyType::oct) {
    const std::string expected = hmac(algorithm, material.secret, signing_input);
    return !expected.empty() && expected.size() == signature.size() &&
           CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
  }
  std::string der;
  if (material.type == KeyType::ec) {
    der = ecdsa_raw_to_der(signature, ecdsa_component_size(algorithm));
    if (der.empty()) return false;
    signature = der;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const EVP_MD* md = digest_for(algorithm);
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, material.pkey.get()) == 1 &&
            (!is_pss(algorithm) || set_pss(pctx, md)) &&
            EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(signing_input), signing_input.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

std::string sign(const Key& key, std::string_view signing_input) {
  const auto& material = key.material();
  const Algorithm algorithm = key.algorithm();
  if (material.type == KeyType::oct) return hmac(algorithm, material.secret, signing_input);
  if (!material.has_private) return {};
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = digest_for(algorithm);
  std::size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, material.pkey.get()) != 1 ||
      (is_pss(algorithm) && !set_pss(pctx, md)) ||
      EVP_DigestSign(ctx.get(), nullptr, &length, bytes(signing_input), signing_input.size()) != 1) {
    ERR_clear_error();
    return {};
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes(signing_input),
                     signing_input.size()) != 1) {
    ERR_clear_error();
    return {};
  }
  signature.resize(length);
  if (material.type == KeyType::ec) return ecdsa_der_to_raw(signature, ecdsa_component_size(algorithm));
  return signature;
}

}  // namespace lift::security::detail
