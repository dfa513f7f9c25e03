#pragma once
// JWT verification configured by the function's environment, the way lift's examples and
// `lift new` projects turn auth on without code changes:
//
//   LIFT_JWT_JWKS      a JWKS URL: https://, http:// to a loopback host, or file://
//   LIFT_JWT_SECRET    an HS256 secret (at least 32 bytes)         (one of the two, not both)
//   LIFT_JWT_ISSUER    comma-separated issuers the "iss" claim must be one of (optional)
//   LIFT_JWT_AUDIENCE  comma-separated audiences the "aud" claim must name one of (optional)
//
//   auto verifier = lift::security::jwt_verifier_from_environment();
//   if (!verifier) ... fail init ...;
//   if (*verifier) app.use(lift::mw::jwt_auth(*verifier));   // else: no auth configured

#include <memory>

#include "lift/core/result.hpp"
#include "lift/security/verifier.hpp"

namespace lift::security {

// Null when neither LIFT_JWT_JWKS nor LIFT_JWT_SECRET is set. Errors (code
// "Security.Configuration", naming the variable): both set, an unusable URL, a short secret.
Result<std::shared_ptr<const JwtVerifier>> jwt_verifier_from_environment();

}  // namespace lift::security
