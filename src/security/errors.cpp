#include "lift/security/errors.hpp"

namespace lift::security {

std::string_view to_string(AuthReason reason) noexcept {
  switch (reason) {
    case AuthReason::no_token: return "no_token";
    case AuthReason::malformed: return "malformed";
    case AuthReason::too_large: return "too_large";
    case AuthReason::unsupported_algorithm: return "unsupported_algorithm";
    case AuthReason::algorithm_mismatch: return "algorithm_mismatch";
    case AuthReason::crit_unsupported: return "crit_unsupported";
    case AuthReason::unknown_kid: return "unknown_kid";
    case AuthReason::bad_signature: return "bad_signature";
    case AuthReason::expired: return "expired";
    case AuthReason::not_yet_valid: return "not_yet_valid";
    case AuthReason::too_old: return "too_old";
    case AuthReason::wrong_issuer: return "wrong_issuer";
    case AuthReason::wrong_audience: return "wrong_audience";
    case AuthReason::missing_claim: return "missing_claim";
    case AuthReason::invalid_api_key: return "invalid_api_key";
    case AuthReason::revoked: return "revoked";
    case AuthReason::keys_unavailable: return "keys_unavailable";
    case AuthReason::missing_role: return "missing_role";
    case AuthReason::missing_scope: return "missing_scope";
    case AuthReason::wrong_tenant: return "wrong_tenant";
  }
  return "unknown";
}

namespace {
Error make(std::string_view code, int status, AuthReason reason, std::string message) {
  return Error{std::string(code), std::move(message), status, {ErrorDetail{"reason", std::string(to_string(reason))}}};
}
}  // namespace

Error unauthorized(AuthReason reason, std::string message) {
  return make(kUnauthorized, 401, reason, std::move(message));
}

Error forbidden(AuthReason reason, std::string message) { return make(kForbidden, 403, reason, std::move(message)); }

Error keys_unavailable(std::string message) {
  return make(kUnavailable, 503, AuthReason::keys_unavailable, std::move(message));
}

std::string_view reason_of(const Error& error) noexcept {
  if (error.code != kUnauthorized && error.code != kForbidden && error.code != kUnavailable) return {};
  for (const auto& detail : error.details)
    if (detail.field == "reason") return detail.message;
  return {};
}

}  // namespace lift::security
