#pragma once
// Authentication and authorization middleware over the security layer:
//
//   auto verifier = std::make_shared<lift::security::JwtVerifier>(jwks_provider, options);
//   app.use(lift::mw::jwt_auth(verifier));              // 401 without a valid token
//   auto admin = app.group("/admin");
//   admin.use(lift::mw::require_role("admin"));          // 403 otherwise
//   app.get("/me", [](lift::Context& ctx) {
//     return lift::mw::principal_of(ctx)->subject;
//   });
//
// The principal (subject, tenant, roles, scopes, claims) is stored on the context for the rest
// of the chain. A refused request is the security layer's typed error (401 Unauthorized or
// 403 Forbidden with a machine-readable reason in its details), rendered like every error.
//
// Thread safety: the middleware share their verifier (thread-safe) across workers; the principal
// belongs to the request's Context.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lift/app/context.hpp"
#include "lift/app/middleware.hpp"
#include "lift/events/authorizer.hpp"
#include "lift/observability/logger.hpp"
#include "lift/security/api_key.hpp"
#include "lift/security/masking.hpp"
#include "lift/security/principal.hpp"
#include "lift/security/token.hpp"
#include "lift/security/verifier.hpp"

namespace lift::mw {

struct JwtAuthOptions {
  // Where the token may be, in order of preference (default: Authorization: Bearer).
  std::vector<security::TokenSource> sources{security::TokenSource{}};
  security::PrincipalOptions principal{};
  // No token at all: carry on without a principal (a present but bad token is still 401).
  bool optional = false;
};
Middleware jwt_auth(std::shared_ptr<const security::JwtVerifier> verifier, JwtAuthOptions options = {});

// A key in `header` (default x-api-key), checked against the verifier's store.
Middleware api_key_auth(std::shared_ptr<const security::ApiKeyVerifier> verifier, std::string header = "x-api-key",
                        bool optional = false);

// The principal API Gateway already verified: an HTTP API JWT authorizer's claims and scopes
// (requestContext.authorizer.jwt), a Lambda authorizer's context (requestContext.authorizer.lambda,
// or requestContext.authorizer on REST APIs), or a Cognito user-pool authorizer's claims
// (requestContext.authorizer.claims). 401 when the request carries none, unless `optional`.
Middleware gateway_principal(security::PrincipalOptions options = {}, bool optional = false);

// 403 unless the principal has the role / the scope / any of the roles; 401 without one.
Middleware require_role(std::string role);
Middleware require_scope(std::string scope);
Middleware require_any_role(std::vector<std::string> roles);
// Attribute-based: 403 with `reason` unless allow(principal, ctx) holds (e.g. the resource's
// owner is the principal's subject, or its tenant is the principal's tenant).
Middleware require(std::function<bool(const security::Principal&, const Context&)> allow, std::string reason);

// Tenancy. The tenant of this request's principal, to scope data by (DynamORM's
// Table::for_tenant): 401 without a principal, 403 (wrong_tenant, "the credentials name no
// usable tenant") when it carries none or one DynamORM cannot scope by: only a string claim is
// a tenant (a number is refused, never read as its digits), of 1 to 128 letters, digits and
// - _ . : @ (lift/dynamorm/tenant.hpp).
Result<std::string_view> tenant_of(const Context& ctx);
// For routes that name a tenant ("/tenants/:tenant/..."): 403 (wrong_tenant) unless the route
// parameter `param` is the principal's tenant; 401 without a principal. Use it on a group, where
// the route's parameters are known.
Middleware require_tenant(std::string param = "tenant");

// Lambda authorizers built on the same verification, for app.authorizer(...):
//
//   app.authorizer(lift::mw::jwt_token_authorizer(verifier));   // REST API, TOKEN authorizer
//   app.authorizer(lift::mw::jwt_simple_authorizer(verifier));  // HTTP API, simple responses
//
// A valid token is allowed with the principal's subject as principalId and its tenant, roles
// and scopes in the context (what the API's handlers then read from requestContext.authorizer,
// see gateway_principal). The TOKEN form allows the whole stage by default (method_arn_wildcard),
// so that a cached answer serves every route; an invalid token fails the invocation with the
// message "Unauthorized", which API Gateway turns into 401. The simple form denies instead (403).
struct JwtAuthorizerOptions {
  security::PrincipalOptions principal{};
  bool allow_whole_stage = true;
};
std::function<Result<events::IamPolicyResponse>(Context&, const events::TokenAuthorizerEvent&)> jwt_token_authorizer(
    std::shared_ptr<const security::JwtVerifier> verifier, JwtAuthorizerOptions options = {});
std::function<Result<events::SimpleAuthorizerResponse>(Context&, const events::RequestAuthorizerV2Event&)>
jwt_simple_authorizer(std::shared_ptr<const security::JwtVerifier> verifier, JwtAuthorizerOptions options = {});

// The principal of this request, or null (no auth middleware, or an optional one found none).
const security::Principal* principal_of(const Context& ctx) noexcept;
// Sets the principal of this request, for authentication done outside these middleware (a
// WebSocket message's connection restored from its store).
void set_principal(Context& ctx, security::Principal principal);

// The security layer's PII masking as the logger's mask hook: a value under a sensitive key
// (password, token, authorization, ...) is replaced, and emails, card numbers and tokens in any
// other text are masked.
//
//   lift::observability::LoggerOptions options;
//   options.mask = lift::mw::log_masking(std::make_shared<lift::security::Masker>());
observability::MaskHook log_masking(std::shared_ptr<const security::Masker> masker);

}  // namespace lift::mw
