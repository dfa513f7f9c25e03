// Compact JWS parsing, signature verification and JWT claim checks.
#include "lift/security/jwt.hpp"

#include <algorithm>
#include <cmath>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/core/base64.hpp"
#include "lift/security/errors.hpp"
#include "openssl.hpp"

namespace lift::security {

namespace json = boost::json;

namespace {

Error malformed(std::string message) { return unauthorized(AuthReason::malformed, std::move(message)); }

// RFC 7515 section 2: base64url without padding; anything else (padding, whitespace, the
// standard alphabet's '+' and '/') is refused rather than tolerated.
Result<std::string> strict_base64url(std::string_view segment) {
  if (segment.find('=') != std::string_view::npos) return malformed("base64url padding is not allowed");
  auto decoded = base64::decode_url(segment);
  if (!decoded) return malformed("a segment is not base64url");
  return std::move(*decoded);
}

Result<json::object> parse_object(std::string_view text, std::string_view what) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return malformed(std::string(what) + " is not a JSON object");
  return std::move(value.get_object());
}

// A NumericDate (RFC 7519 section 2): a JSON number of seconds since the epoch.
Result<std::optional<double>> numeric_date(const json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) return std::optional<double>{};
  double seconds = 0;
  if (value->is_int64()) seconds = static_cast<double>(value->get_int64());
  else if (value->is_uint64()) seconds = static_cast<double>(value->get_uint64());
  else if (value->is_double() && std::isfinite(value->get_double())) seconds = value->get_double();
  else return malformed("claim \"" + std::string(name) + "\" is not a number");
  return std::optional<double>{seconds};
}

Error missing(std::string_view name) {
  return unauthorized(AuthReason::missing_claim, "claim \"" + std::string(name) + "\" is required");
}

}  // namespace

Result<UnverifiedJws> parse_jws(std::string_view token, std::size_t max_bytes) {
  if (token.size() > max_bytes) return unauthorized(AuthReason::too_large, "the token is too large");
  if (token.empty()) return unauthorized(AuthReason::no_token, "no token");
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return malformed("a token has three segments");
  if (first == 0) return malformed("the header segment is empty");

  UnverifiedJws jws;
  auto header_bytes = strict_base64url(token.substr(0, first));
  if (!header_bytes) return header_bytes.error();
  auto header = parse_object(*header_bytes, "the header");
  if (!header) return header.error();
  jws.header = std::move(*header);

  const auto* alg = jws.header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return malformed("the header has no \"alg\"");
  const auto algorithm = parse_algorithm(alg->get_string());
  if (!algorithm)
    return unauthorized(AuthReason::unsupported_algorithm, "algorithm \"" + std::string(alg->get_string()) + "\" is not accepted");
  jws.algorithm = *algorithm;
  // No extension is implemented, so every critical one is unknown (RFC 7515 section 4.1.11).
  if (jws.header.contains("crit")) return unauthorized(AuthReason::crit_unsupported, "critical header extensions are not supported");
  if (const auto* kid = jws.header.if_contains("kid"); kid != nullptr) {
    if (!kid->is_string()) return malformed("\"kid\" is not a string");
    jws.kid = std::string(kid->get_string());
  }

  auto payload = strict_base64url(token.substr(first + 1, second - first - 1));
  if (!payload) return payload.error();
  jws.payload = std::move(*payload);
  auto signature = strict_base64url(token.substr(second + 1));
  if (!signature) return signature.error();
  jws.signature = std::move(*signature);
  jws.signing_input = std::string(token.substr(0, second));
  return jws;
}

Result<VerifiedJws> verify_jws(const UnverifiedJws& jws, const Key& key) {
  if (jws.algorithm != key.algorithm())
    return unauthorized(AuthReason::algorithm_mismatch, "the token's algorithm " + std::string(to_string(jws.algorithm)) +
                                                            " is not the key's " + std::string(to_string(key.algorithm())));
  if (!detail::verify_signature(key, jws.signing_input, jws.signature))
    return unauthorized(AuthReason::bad_signature, "the signature does not verify");
  return VerifiedJws{jws.header, jws.payload};
}

Result<VerifiedJws> verify_jws(std::string_view token, const Key& key, std::size_t max_bytes) {
  auto jws = parse_jws(token, max_bytes);
  if (!jws) return jws.error();
  return verify_jws(*jws, key);
}

std::optional<std::string_view> Jwt::string_claim(std::string_view name) const {
  const auto* value = claims.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string_view(value->get_string());
}

std::optional<std::string_view> Jwt::kid() const {
  const auto* value = header.if_contains("kid");
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string_view(value->get_string());
}

Result<void> check_claims(const json::object& claims, const VerifyOptions& options) {
  for (const auto& name : options.required_claims) {
    const auto* value = claims.if_contains(name);
    if (value == nullptr || value->is_null()) return missing(name);
  }
  const auto now_point = options.clock ? options.clock() : std::chrono::system_clock::now();
  const double now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(now_point.time_since_epoch()).count());
  const double leeway = static_cast<double>(options.leeway.count());

  auto exp = numeric_date(claims, "exp");
  if (!exp) return exp.error();
  if (!*exp && options.require_exp) return missing("exp");
  if (*exp && **exp <= now - leeway) return unauthorized(AuthReason::expired, "the token has expired");

  auto nbf = numeric_date(claims, "nbf");
  if (!nbf) return nbf.error();
  if (*nbf && **nbf > now + leeway) return unauthorized(AuthReason::not_yet_valid, "the token is not valid yet");

  auto iat = numeric_date(claims, "iat");
  if (!iat) return iat.error();
  if (*iat && **iat > now + leeway) return unauthorized(AuthReason::not_yet_valid, "the token was issued in the future");
  if (options.max_age) {
    if (!*iat) return missing("iat");
    if (now - **iat > static_cast<double>(options.max_age->count()) + leeway)
      return unauthorized(AuthReason::too_old, "the token is older than allowed");
  }

  if (!options.issuers.empty()) {
    const auto* iss = claims.if_contains("iss");
    if (iss == nullptr) return missing("iss");
    if (!iss->is_string()) return malformed("claim \"iss\" is not a string");
    if (std::find(options.issuers.begin(), options.issuers.end(), std::string_view(iss->get_string())) == options.issuers.end())
      return unauthorized(AuthReason::wrong_issuer, "the token's issuer is not accepted");
  }

  if (!options.audiences.empty()) {
    const auto* aud = claims.if_contains("aud");
    if (aud == nullptr) return missing("aud");
    const auto accepted = [&](const json::value& v) {
      return std::find(options.audiences.begin(), options.audiences.end(), std::string_view(v.get_string())) !=
             options.audiences.end();
    };
    bool found = false;
    if (aud->is_string()) {
      found = accepted(*aud);
    } else if (aud->is_array()) {
      for (const auto& entry : aud->get_array()) {
        if (!entry.is_string()) return malformed("claim \"aud\" holds a non-string");
        found = found || accepted(entry);
      }
    } else {
      return malformed("claim \"aud\" is neither a string nor an array");
    }
    if (!found) return unauthorized(AuthReason::wrong_audience, "the token is not meant for this audience");
  }
  return {};
}

Result<Jwt> verify_jwt(const UnverifiedJws& jws, const Key& key, const VerifyOptions& options) {
  auto verified = verify_jws(jws, key);
  if (!verified) return verified.error();
  auto claims = parse_object(verified->payload, "the payload");
  if (!claims) return claims.error();
  if (auto checked = check_claims(*claims, options); !checked) return std::move(checked).error();
  return Jwt{std::move(verified->header), std::move(*claims)};
}

Result<Jwt> verify_jwt(std::string_view token, const Key& key, const VerifyOptions& options) {
  auto jws = parse_jws(token, options.max_token_bytes);
  if (!jws) return jws.error();
  return verify_jwt(*jws, key, options);
}

namespace {
Result<std::string> sign_with_header(std::string_view payload, const Key& key, json::object header) {
  if (!key.can_sign()) return Error{std::string(kInvalidKey), "the key cannot sign (no private key)", 500};
  header["alg"] = to_string(key.algorithm());
  if (!key.kid().empty() && !header.contains("kid")) header["kid"] = key.kid();
  std::string token = base64::encode_url(json::serialize(header));
  token += '.';
  token += base64::encode_url(payload);
  const std::string signature = detail::sign(key, token);
  if (signature.empty()) return Error{std::string(kInvalidKey), "signing failed", 500};
  token += '.';
  token += base64::encode_url(signature);
  return token;
}
}  // namespace

Result<std::string> sign_jws(std::string_view payload, const Key& key, const json::object& extra_header) {
  return sign_with_header(payload, key, extra_header);
}

Result<std::string> sign_jwt(const json::object& claims, const Key& key, const json::object& extra_header) {
  json::object header{{"typ", "JWT"}};
  for (const auto& member : extra_header) header[member.key()] = member.value();
  return sign_with_header(json::serialize(claims), key, std::move(header));
}

}  // namespace lift::security
