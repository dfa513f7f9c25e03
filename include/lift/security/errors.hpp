#pragma once
// The errors of the security layer: 401 "Unauthorized" when a credential is missing or not
// accepted, 403 "Forbidden" when an authenticated principal lacks a role, scope or tenant, 503
// "ServiceUnavailable" when keys cannot be obtained. The machine-readable reason travels as the
// detail {"field": "reason", "message": <reason>} so that a middleware can log or branch on it
// without parsing the message.

#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::security {

inline constexpr std::string_view kUnauthorized = "Unauthorized";
inline constexpr std::string_view kForbidden = "Forbidden";
inline constexpr std::string_view kUnavailable = "ServiceUnavailable";

// Why a credential was refused (401) or why access was denied (403).
enum class AuthReason {
  no_token,               // nothing where a token was expected
  malformed,              // not three base64url segments of JSON objects, bad claim types
  too_large,              // longer than the configured limit
  unsupported_algorithm,  // "none", an unknown "alg", or a key that cannot do it
  algorithm_mismatch,     // the header's "alg" is not the configured key's
  crit_unsupported,       // a "crit" header (no extension is understood)
  unknown_kid,            // no key with that "kid" (after a refresh, when keys are remote)
  bad_signature,
  expired,
  not_yet_valid,          // "nbf" in the future, or "iat" in the future
  too_old,                // "iat" older than the maximum age
  wrong_issuer,
  wrong_audience,
  missing_claim,
  invalid_api_key,        // unknown id or wrong secret: deliberately the same reason
  revoked,
  keys_unavailable,       // 503: no key set could be fetched and none is cached
  missing_role,           // 403
  missing_scope,          // 403
  wrong_tenant,           // 403
};

// "expired", "bad_signature", ... (the enumerator's name).
std::string_view to_string(AuthReason reason) noexcept;

// 401 Unauthorized with `reason` as detail; `message` is for people ("token expired").
Error unauthorized(AuthReason reason, std::string message);
// 403 Forbidden with `reason` as detail.
Error forbidden(AuthReason reason, std::string message);
// 503 ServiceUnavailable with reason keys_unavailable.
Error keys_unavailable(std::string message);

// The reason of an error made above, or "" for any other error.
std::string_view reason_of(const Error& error) noexcept;

}  // namespace lift::security
