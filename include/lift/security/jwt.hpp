#pragma once
// JWS compact serialization and JWT claims (RFC 7515, 7519, 7518, 8037) on OpenSSL 3.
//
//   auto key = lift::security::Key::hmac(lift::security::Algorithm::HS256, secret);
//   auto jwt = lift::security::verify_jwt(token, *key, {.issuers = {"https://issuer.example"},
//                                                       .audiences = {"my-api"}});
//   if (!jwt) return jwt.error();  // 401 Unauthorized, reason in the error's details
//
// Checks, in order: size, three segments of strict base64url (no padding), a JSON object
// header with a known "alg" ("none" is refused), no "crit", the key's algorithm equal to the
// header's, the signature, a JSON object payload, then the claims. Tokens whose key comes
// from a key set or a JWKS URL are verified by JwtVerifier (verifier.hpp). A member repeated in
// the header or payload counts with its last value (RFC 7515 section 5.2), as in JavaScript.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/core/result.hpp"
#include "lift/security/key.hpp"

namespace lift::security {

inline constexpr std::size_t kDefaultMaxTokenBytes = 8 * 1024;

// A compact JWS split and decoded but NOT verified: only for choosing a key.
struct UnverifiedJws {
  boost::json::object header{};
  Algorithm algorithm{};           // the header's "alg", known and not "none"
  std::optional<std::string> kid{};
  std::string signing_input{};     // the first two segments as received, with the '.'
  std::string payload{};           // decoded bytes, unverified
  std::string signature{};         // decoded bytes
};

// Structure only: size, segments, base64url, header object, "alg", "crit". Errors are 401s
// with reason no_token (empty), too_large, malformed, unsupported_algorithm or crit_unsupported.
Result<UnverifiedJws> parse_jws(std::string_view token, std::size_t max_bytes = kDefaultMaxTokenBytes);

// The verified content of a JWS whose payload may be any bytes.
struct VerifiedJws {
  boost::json::object header{};
  std::string payload{};
};

// Checks the signature of `token` with `key` (reasons as parse_jws, plus algorithm_mismatch,
// bad_signature).
Result<VerifiedJws> verify_jws(std::string_view token, const Key& key, std::size_t max_bytes = kDefaultMaxTokenBytes);
// The same for a token already parsed.
Result<VerifiedJws> verify_jws(const UnverifiedJws& jws, const Key& key);

struct VerifyOptions {
  std::vector<std::string> issuers{};    // empty: "iss" not checked; else it must be one of these
  std::vector<std::string> audiences{};  // empty: "aud" not checked; else it must name one of these
  std::chrono::seconds leeway{30};       // clock skew allowed for exp, nbf and iat
  std::optional<std::chrono::seconds> max_age{};  // "iat" required and no older than this
  std::vector<std::string> required_claims{};     // present and not null
  bool require_exp = true;
  std::size_t max_token_bytes = kDefaultMaxTokenBytes;
  std::function<std::chrono::system_clock::time_point()> clock{};  // null: the system clock
};

// A verified JWT.
struct Jwt {
  boost::json::object header{};
  boost::json::object claims{};

  // A claim that is a string, else nullopt.
  [[nodiscard]] std::optional<std::string_view> string_claim(std::string_view name) const;
  [[nodiscard]] std::optional<std::string_view> subject() const { return string_claim("sub"); }
  [[nodiscard]] std::optional<std::string_view> issuer() const { return string_claim("iss"); }
  [[nodiscard]] std::optional<std::string_view> kid() const;
};

// The claim checks alone, for a payload already verified. Reasons: expired, not_yet_valid,
// too_old, wrong_issuer, wrong_audience, missing_claim, malformed (a time claim that is not a
// number, an "iss" or "aud" of the wrong type).
Result<void> check_claims(const boost::json::object& claims, const VerifyOptions& options);

// verify_jws, the payload parsed as a JSON object, then check_claims.
Result<Jwt> verify_jwt(std::string_view token, const Key& key, const VerifyOptions& options = {});
Result<Jwt> verify_jwt(const UnverifiedJws& jws, const Key& key, const VerifyOptions& options = {});

// Signing, for issuing tokens and for tests. The key must can_sign(). The header is
// {"alg", "typ": "JWT", "kid"?} plus `extra_header` members. Errors: "InvalidKey" (500).
Result<std::string> sign_jws(std::string_view payload, const Key& key, const boost::json::object& extra_header = {});
Result<std::string> sign_jwt(const boost::json::object& claims, const Key& key,
                             const boost::json::object& extra_header = {});

}  // namespace lift::security
