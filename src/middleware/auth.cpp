#include "lift/middleware/auth.hpp"

#include <chrono>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include <boost/json.hpp>

#include "lift/dynamorm/tenant.hpp"
#include "lift/security/errors.hpp"

namespace lift::mw {
namespace {

constexpr std::string_view kKey = "lift.principal";

// What is left of the invocation for fetching keys, with a margin to answer in.
security::Deadline deadline_of(const Context& ctx) {
  const auto left = ctx.remaining_time() - std::chrono::milliseconds(200);
  return std::chrono::steady_clock::now() + std::max(left, std::chrono::milliseconds(0));
}

Result<void> unauthenticated() {
  return security::unauthorized(security::AuthReason::no_token, "authentication is required");
}

const boost::json::object* object_at(const boost::json::object& o, std::string_view key) {
  const auto* member = o.if_contains(key);
  return member != nullptr ? member->if_object() : nullptr;
}
// A value holding an object. (An object passed here would be copied into a temporary value,
// and the pointer returned would dangle: objects take the overload above.)
const boost::json::object* object_at(const boost::json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  return o != nullptr ? object_at(*o, key) : nullptr;
}

}  // namespace

const security::Principal* principal_of(const Context& ctx) noexcept { return ctx.get<security::Principal>(kKey); }

void set_principal(Context& ctx, security::Principal principal) { ctx.set(kKey, std::move(principal)); }

Middleware jwt_auth(std::shared_ptr<const security::JwtVerifier> verifier, JwtAuthOptions options) {
  return [verifier = std::move(verifier), options = std::move(options)](Context& ctx, const Next& next) -> Result<void> {
    security::TokenLookups lookups;
    lookups.header = [&ctx](std::string_view name) { return ctx.header(name); };
    lookups.cookie = [&ctx](std::string_view name) { return ctx.request().cookie(name); };
    lookups.query = [&ctx](std::string_view name) -> std::optional<std::string> {
      auto v = ctx.request().query_param(name);
      return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
    };
    auto token = security::extract_token(lookups, options.sources);
    if (!token) {
      if (options.optional && security::reason_of(token.error()) == security::to_string(security::AuthReason::no_token)) return next();
      return std::move(token).error();
    }
    auto jwt = verifier->verify(*token, deadline_of(ctx));
    if (!jwt) return std::move(jwt).error();
    auto principal = security::principal_from_claims(jwt->claims, options.principal);
    principal.method = "jwt";
    ctx.set(kKey, std::move(principal));
    return next();
  };
}

Middleware api_key_auth(std::shared_ptr<const security::ApiKeyVerifier> verifier, std::string header, bool optional) {
  return [verifier = std::move(verifier), header = std::move(header), optional](Context& ctx, const Next& next) -> Result<void> {
    const auto presented = ctx.header(header);
    if (!presented || presented->empty()) return optional ? next() : unauthenticated();
    auto principal = verifier->verify(*presented);
    if (!principal) return std::move(principal).error();
    ctx.set(kKey, std::move(*principal));
    return next();
  };
}

Middleware gateway_principal(security::PrincipalOptions options, bool optional) {
  return [options = std::move(options), optional](Context& ctx, const Next& next) -> Result<void> {
    const auto* context = object_at(ctx.event(), "requestContext");
    const auto* authorizer = context != nullptr ? context->if_contains("authorizer") : nullptr;
    std::optional<security::Principal> principal;
    if (authorizer != nullptr && authorizer->is_object()) {
      const auto& a = authorizer->get_object();
      if (const auto* jwt = object_at(*authorizer, "jwt")) {
        // HTTP API JWT authorizer: claims, and the scopes it checked.
        if (const auto* claims = object_at(*jwt, "claims")) {
          principal = security::principal_from_claims(*claims, options);
          if (const auto* scopes = jwt->if_contains("scopes"); scopes != nullptr && scopes->is_array()) {
            for (const auto& s : scopes->get_array()) {
              if (s.is_string() && !principal->has_scope(s.get_string())) principal->scopes.emplace_back(s.get_string());
            }
          }
        }
      } else if (const auto* lambda = object_at(*authorizer, "lambda")) {
        principal = security::principal_from_claims(*lambda, options);  // HTTP API Lambda authorizer context
      } else if (const auto* claims = object_at(*authorizer, "claims")) {
        principal = security::principal_from_claims(*claims, options);  // REST Cognito authorizer
      } else if (const auto* id = a.if_contains("principalId"); id != nullptr && id->is_string()) {
        principal = security::principal_from_claims(a, options);  // REST Lambda authorizer context
        if (principal->subject.empty()) principal->subject = std::string(id->get_string());
      }
    }
    if (!principal || principal->subject.empty()) return optional ? next() : unauthenticated();
    principal->method = "gateway";
    ctx.set(kKey, std::move(*principal));
    return next();
  };
}

observability::MaskHook log_masking(std::shared_ptr<const security::Masker> masker) {
  return [masker = std::move(masker)](std::string_view key, observability::LogValue& value) {
    auto& stored = value.get();
    if (masker->sensitive_field(key)) {
      stored = masker->rules().replacement;  // whatever its type
      return;
    }
    if (auto* text = std::get_if<std::string>(&stored)) {
      *text = masker->mask_text(*text);
    } else if (auto* json = std::get_if<boost::json::value>(&stored)) {
      masker->mask_in_place(*json);
    }
  };
}

namespace {

// What the API's handlers get back in requestContext.authorizer: the principal in brief.
template <class Response>
void add_principal_context(Response& response, const security::Principal& principal) {
  if (principal.tenant) response.with_context("tenant_id", *principal.tenant);
  std::string roles, scopes;
  for (const auto& r : principal.roles) roles += (roles.empty() ? "" : " ") + r;
  for (const auto& s : principal.scopes) scopes += (scopes.empty() ? "" : " ") + s;
  if (!roles.empty()) response.with_context("roles", roles);
  if (!scopes.empty()) response.with_context("scope", scopes);
  response.with_context("sub", principal.subject);
}

Result<security::Principal> verify_bearer(const security::JwtVerifier& verifier, std::string_view authorization,
                                          const Context& ctx, const security::PrincipalOptions& options) {
  auto token = security::bearer_token(authorization);
  if (!token) return std::move(token).error();
  auto jwt = verifier.verify(*token, deadline_of(ctx));
  if (!jwt) return std::move(jwt).error();
  auto principal = security::principal_from_claims(jwt->claims, options);
  principal.method = "jwt";
  return principal;
}

}  // namespace

std::function<Result<events::IamPolicyResponse>(Context&, const events::TokenAuthorizerEvent&)> jwt_token_authorizer(
    std::shared_ptr<const security::JwtVerifier> verifier, JwtAuthorizerOptions options) {
  return [verifier = std::move(verifier), options = std::move(options)](
             Context& ctx, const events::TokenAuthorizerEvent& event) -> Result<events::IamPolicyResponse> {
    auto principal = verify_bearer(*verifier, event.authorizationToken, ctx, options.principal);
    // API Gateway answers 401 only for this exact error message.
    if (!principal) return Error{"Unauthorized", "Unauthorized", 401};
    const auto resource = options.allow_whole_stage ? events::method_arn_wildcard(event.methodArn) : event.methodArn;
    auto policy = events::IamPolicyResponse::allow(principal->subject, resource);
    add_principal_context(policy, *principal);
    return policy;
  };
}

std::function<Result<events::SimpleAuthorizerResponse>(Context&, const events::RequestAuthorizerV2Event&)>
jwt_simple_authorizer(std::shared_ptr<const security::JwtVerifier> verifier, JwtAuthorizerOptions options) {
  return [verifier = std::move(verifier), options = std::move(options)](
             Context& ctx, const events::RequestAuthorizerV2Event& event) -> Result<events::SimpleAuthorizerResponse> {
    std::string_view authorization;
    if (event.headers) {
      if (auto it = event.headers->find("authorization"); it != event.headers->end()) authorization = it->second;
    }
    if (authorization.empty() && event.identitySource && !event.identitySource->empty()) authorization = event.identitySource->front();
    auto principal = verify_bearer(*verifier, authorization, ctx, options.principal);
    if (!principal) return events::SimpleAuthorizerResponse::deny();
    auto answer = events::SimpleAuthorizerResponse::allow();
    add_principal_context(answer, *principal);
    return answer;
  };
}

Middleware require_role(std::string role) {
  return [role = std::move(role)](Context& ctx, const Next& next) -> Result<void> {
    const auto* principal = principal_of(ctx);
    if (principal == nullptr) return unauthenticated();
    if (auto allowed = principal->require_role(role); !allowed) return allowed;
    return next();
  };
}

Middleware require_scope(std::string scope) {
  return [scope = std::move(scope)](Context& ctx, const Next& next) -> Result<void> {
    const auto* principal = principal_of(ctx);
    if (principal == nullptr) return unauthenticated();
    if (auto allowed = principal->require_scope(scope); !allowed) return allowed;
    return next();
  };
}

Middleware require_any_role(std::vector<std::string> roles) {
  return [roles = std::move(roles)](Context& ctx, const Next& next) -> Result<void> {
    const auto* principal = principal_of(ctx);
    if (principal == nullptr) return unauthenticated();
    for (const auto& role : roles) {
      if (principal->has_role(role)) return next();
    }
    return security::forbidden(security::AuthReason::missing_role, "one of the roles this route needs is required");
  };
}

Result<std::string_view> tenant_of(const Context& ctx) {
  const auto* principal = principal_of(ctx);
  if (principal == nullptr) return unauthenticated().error();
  // One answer for every tenant that cannot scope data: none, a number, too long, odd characters.
  if (!principal->tenant || !dynamorm::is_valid_tenant_id(*principal->tenant))
    return security::forbidden(security::AuthReason::wrong_tenant,
                               "the credentials name no usable tenant (" + std::string(dynamorm::kTenantIdRule) + ")");
  return std::string_view(*principal->tenant);
}

Middleware require_tenant(std::string param) {
  return [param = std::move(param)](Context& ctx, const Next& next) -> Result<void> {
    const auto* principal = principal_of(ctx);
    if (principal == nullptr) return unauthenticated();
    const auto wanted = ctx.param(param);
    if (!wanted) return security::forbidden(security::AuthReason::wrong_tenant, "the route names no tenant");
    if (auto allowed = principal->require_tenant(*wanted); !allowed) return allowed;
    return next();
  };
}

Middleware require(std::function<bool(const security::Principal&, const Context&)> allow, std::string reason) {
  return [allow = std::move(allow), reason = std::move(reason)](Context& ctx, const Next& next) -> Result<void> {
    const auto* principal = principal_of(ctx);
    if (principal == nullptr) return unauthenticated();
    // The reason travels as the security layer's own 403s do: a detail named "reason".
    if (!allow(*principal, ctx)) return Error{std::string(security::kForbidden), "access denied: " + reason, 403, {ErrorDetail{"reason", reason}}};
    return next();
  };
}

}  // namespace lift::mw
