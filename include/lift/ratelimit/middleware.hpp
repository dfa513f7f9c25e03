#pragma once
// Rate limiting for HTTP routes and WebSocket messages, over any lift::ratelimit::Limiter:
//
//   LIFT_TRY(limiter, lift::ratelimit::DynamoDbLimiter::create(lift::dynamodb(), {.table = "rate-limits"}));
//   LIFT_TRY(limit, lift::mw::rate_limit({
//       .limiter = limiter,
//       .limit = lift::ratelimit::Limit{100, std::chrono::minutes(1)},          // every route
//       .routes = {{"POST", "/orders", lift::ratelimit::Limit{10, std::chrono::minutes(1)}}},
//   }));
//   app.use(lift::mw::jwt_auth(verifier), std::move(limit));   // after auth: it keys by the principal
//
// The key, unless `key` gives one: the principal's subject ("user:..."), else its tenant
// ("tenant:..."), else the API key API Gateway verified (requestContext.identity.apiKey, stored as
// its SHA-256, never in clear), else the source IP from the event's request context ("ip:...").
// The source IP never comes from a header a client can write: X-Forwarded-For is read only
// behind an Application Load Balancer, and then its last address, the one the balancer saw. A
// request with none of these is refused (400 RateLimitKeyInvalid). rate_limit_tenant_key keys
// by tenant; rate_limit_connection_key limits each WebSocket connection's messages.
//
// The limit of a request, first found: the tenant's plan (`tenant_limit`, else the principal's
// `plan_claim`), the route's entry in `routes`, else `limit`; with none, the request is not
// limited and passes untouched, as do events that are not HTTP requests or WebSocket messages
// (queue and stream records through the app's middleware). Counters are per route (the matched pattern) unless
// `per_route` is false, and per limit `name`, so that two middleware never share a count.
//
// Every limited route's answers carry RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset
// (seconds until the quota is whole again), RateLimit-Policy ("100;w=60") and the same values
// as X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset. Over the limit: 429
// TooManyRequests in the one error body, with Retry-After (seconds); the handler does not run.
//
// When the limiter fails (the store is down, a counter item is damaged): fail open by default,
// the request goes on without RateLimit headers, one WARN log line and the RateLimitStoreErrors
// metric; with fail_open = false the answer is 503 ServiceUnavailable. Metrics (through the
// observability middleware, when installed outside this one, so each carries its route,
// method and status dimensions): RateLimitAllowed, RateLimitLimited, RateLimitStoreErrors.
//
// Thread safety: the middleware keeps no state of its own; the limiter and the functions in
// the options are called from every worker at once and must be thread-safe (lift's limiters are).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/app/context.hpp"
#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"
#include "lift/middleware/source_ip.hpp"  // trusted_source_ip, the address rate limits key by
#include "lift/ratelimit/limiter.hpp"

namespace lift::mw {

// A route's own limit: `method` ("POST", or "*" for any) and the route's pattern as registered
// ("/todos/:id").
struct RouteRateLimit {
  std::string method = "*";
  std::string pattern{};
  ratelimit::Limit limit{};
};

struct RateLimitOptions {
  std::shared_ptr<ratelimit::Limiter> limiter{};  // required
  // For every request no other limit applies to; unset: only `routes` and plans are limited.
  std::optional<ratelimit::Limit> limit{};
  std::vector<RouteRateLimit> routes{};
  // A tenant's plan: its limit, or nullopt for the route's. Called only for requests whose
  // principal has a tenant.
  std::function<std::optional<ratelimit::Limit>(const Context&, std::string_view tenant)> tenant_limit{};
  // A claim of the principal that holds its plan's requests per period (a whole number), over the
  // period of the limit it replaces; empty: none. A malformed claim is ignored (logged).
  std::string plan_claim{};
  // The caller's key; null: rate_limit_caller_key.
  std::function<Result<std::string>(const Context&)> key{};
  // Names this middleware's counters (letters, digits, - _ . :).
  std::string name = "default";
  bool per_route = true;
  // When the limiter fails: true lets the request through, false answers 503.
  bool fail_open = true;
};

// InvalidConfiguration (at start-up) for no limiter, an invalid limit, a route entry without a
// pattern or method, a bad name, or nothing to limit by (no limit, routes, tenant_limit or plan_claim).
Result<Middleware> rate_limit(RateLimitOptions options);

// The default key: "user:<subject>", "tenant:<tenant>", "apikey:<sha-256 hex>" or "ip:<address>"
// as described above; RateLimitKeyInvalid (400) when the request has none.
Result<std::string> rate_limit_caller_key(const Context& ctx);
// "tenant:<tenant>" of the principal, else the caller key.
Result<std::string> rate_limit_tenant_key(const Context& ctx);
// "connection:<id>" of a WebSocket message; RateLimitKeyInvalid for any other request.
Result<std::string> rate_limit_connection_key(const Context& ctx);

}  // namespace lift::mw
