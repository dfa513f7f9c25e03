#pragma once
// Verification keys for JWS/JWT. A Key carries its algorithm: the token never chooses it. An
// HMAC key is only ever built from raw secret bytes or an "oct" JWK, so a public key (PEM or
// JWK) can never be used as an HMAC secret (the RS/HS confusion attack).
//
//   auto key = lift::security::Key::from_pem(pem, lift::security::Algorithm::RS256);
//   auto hmac = lift::security::Key::hmac(lift::security::Algorithm::HS256, secret);

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "lift/core/result.hpp"

namespace lift::security {

enum class Algorithm : std::uint8_t {
  HS256, HS384, HS512,
  RS256, RS384, RS512,
  PS256, PS384, PS512,
  ES256, ES384, ES512,
  EdDSA,  // Ed25519
};

// The JOSE name ("RS256", "EdDSA").
std::string_view to_string(Algorithm algorithm) noexcept;
// Exact, case-sensitive JOSE names; nullopt for "none" and anything unknown.
std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept;
[[nodiscard]] bool is_hmac(Algorithm algorithm) noexcept;

enum class KeyType : std::uint8_t { oct, rsa, ec, okp };

// Errors of key construction: code "InvalidKey", status 500 (a configuration problem).
inline constexpr std::string_view kInvalidKey = "InvalidKey";

// An immutable, cheaply copyable key; safe to share between threads.
class Key {
 public:
  // HMAC secret bytes. RFC 7518 section 3.2: at least as long as the hash (32, 48, 64 bytes).
  // Text that looks like a PEM block is refused.
  static Result<Key> hmac(Algorithm algorithm, std::string_view secret, std::string kid = {});

  // A JWK: RSA (n, e), EC (crv P-256/P-384/P-521, x, y), OKP (crv Ed25519, x) or oct (k; only
  // with an HS algorithm). The algorithm is `algorithm`, else the JWK's "alg", else implied by
  // the curve (EC, OKP); both given and different is an error, as is an RSA or oct JWK
  // without any. Private members are ignored except "d" of OKP/EC keys, which is not needed.
  static Result<Key> from_jwk(const boost::json::object& jwk, std::optional<Algorithm> algorithm = std::nullopt);
  static Result<Key> from_jwk(std::string_view jwk_json, std::optional<Algorithm> algorithm = std::nullopt);

  // A PEM "PUBLIC KEY" (SPKI), "RSA PUBLIC KEY" (PKCS#1), "CERTIFICATE" (its public key), or a
  // private key ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"; unencrypted), which can
  // also sign. The key's type (and curve) must fit `algorithm`; RSA keys need 2048 bits.
  static Result<Key> from_pem(std::string_view pem, Algorithm algorithm, std::string kid = {});

  [[nodiscard]] Algorithm algorithm() const noexcept { return algorithm_; }
  [[nodiscard]] const std::string& kid() const noexcept { return kid_; }
  [[nodiscard]] KeyType type() const noexcept;
  // True for HMAC keys and asymmetric keys built from a private key.
  [[nodiscard]] bool can_sign() const noexcept;

  // The key material, opaque outside the security layer.
  struct Material;
  [[nodiscard]] const Material& material() const noexcept { return *material_; }

 private:
  Key(Algorithm algorithm, std::string kid, std::shared_ptr<const Material> material)
      : algorithm_(algorithm), kid_(std::move(kid)), material_(std::move(material)) {}
  Algorithm algorithm_;
  std::string kid_;
  std::shared_ptr<const Material> material_;
};

// RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order, base64url.
// Errors ("InvalidKey"): an unknown "kty" or a missing required member.
Result<std::string> jwk_thumbprint(const boost::json::object& jwk);

}  // namespace lift::security
