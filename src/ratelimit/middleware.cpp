#include "lift/ratelimit/middleware.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "lift/app/errors.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "lift/core/log_line.hpp"
#include "lift/middleware/auth.hpp"
#include "lift/middleware/observability.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::mw {

namespace {

namespace json = boost::json;

constexpr std::string_view kWhat = "rate limit middleware";

Error no_key(std::string message) { return Error{std::string(ratelimit::kKeyInvalid), std::move(message), 400, {}}; }

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

// A whole number of requests from a plan claim; nullopt when it is not one.
std::optional<std::int64_t> plan_requests(const json::value& claim) {
  if (claim.is_int64()) return claim.get_int64();
  if (claim.is_uint64() && claim.get_uint64() <= static_cast<std::uint64_t>(ratelimit::kMaxRequests))
    return static_cast<std::int64_t>(claim.get_uint64());
  if (claim.is_double() && std::trunc(claim.get_double()) == claim.get_double() && std::abs(claim.get_double()) < 1e15)
    return static_cast<std::int64_t>(claim.get_double());
  return std::nullopt;
}

void log_warning(const Context& ctx, std::string_view message, std::string_view error, std::string_view detail) {
  if (auto* obs = observability_of(ctx)) {
    obs->logger.warn(message, {{"error_code", error}, {"detail", detail}, {"route", ctx.route()}});
    return;
  }
  json::object line{{"level", "WARN"}, {"message", message}, {"error_code", error}, {"detail", detail},
                    {"route", ctx.route()}, {"request_id", ctx.request_id()}};
  write_log_line(stdout, json::serialize(line) + "\n");
}

void count(const Context& ctx, observability::MetricName metric) {
  if (auto* obs = observability_of(ctx)) (void)obs->metrics.add(metric, 1, observability::Unit::count);
}

void set_headers(Context& ctx, const ratelimit::Decision& decision, const ratelimit::Limit& limit) {
  const auto limit_text = std::to_string(decision.limit);
  const auto remaining = std::to_string(decision.remaining);
  const auto reset = std::to_string(decision.reset.count());
  auto& headers = ctx.response().headers;
  headers.set("ratelimit-limit", limit_text);
  headers.set("ratelimit-remaining", remaining);
  headers.set("ratelimit-reset", reset);
  headers.set("ratelimit-policy", limit_text + ";w=" + std::to_string(limit.period.count()));
  headers.set("x-ratelimit-limit", limit_text);
  headers.set("x-ratelimit-remaining", remaining);
  headers.set("x-ratelimit-reset", reset);
  if (!decision.allowed) headers.set("retry-after", std::to_string(decision.retry_after.count()));
}

struct Resolved {
  ratelimit::Limit limit;
  std::string_view scope;  // what the count is per: the route, or "plan" for a tenant's plan
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitOptions options) : o_(std::move(options)) {
    if (!o_.key) o_.key = rate_limit_caller_key;
  }

  Result<void> operator()(Context& ctx, const Next& next) const {
    // Only HTTP requests and WebSocket messages: an app's middleware also runs for its queue and
    // stream records, which have no caller to limit.
    if (ctx.request().source == http::Source::direct && ctx.request().method.empty()) return next();
    const auto limit = resolve(ctx);
    if (!limit) return next();
    LIFT_TRY(caller, o_.key(ctx));
    if (caller.empty()) return no_key("the rate limit key of this request is empty");
    std::string key = o_.name;
    if (o_.per_route) {
      key.append("|").append(ctx.request().method).append(" ").append(ctx.route().empty() ? std::string_view("-") : ctx.route());
    }
    key.append("|").append(caller);

    auto decision = o_.limiter->acquire(key, *limit);
    if (!decision) {
      const Error& error = decision.error();
      if (error.code == ratelimit::kKeyInvalid) return error;
      count(ctx, "RateLimitStoreErrors");
      log_warning(ctx, o_.fail_open ? "rate limit store failed: request let through" : "rate limit store failed: request refused",
                  error.code, error.message);
      if (o_.fail_open) return next();
      return errors::unavailable("rate limiting is unavailable: retry later");
    }
    set_headers(ctx, *decision, *limit);
    if (!decision->allowed) {
      count(ctx, "RateLimitLimited");
      return errors::too_many_requests("rate limit exceeded: " + std::to_string(limit->requests) + " requests per " +
                                       std::to_string(limit->period.count()) + " s; retry in " +
                                       std::to_string(decision->retry_after.count()) + " s");
    }
    count(ctx, "RateLimitAllowed");
    auto result = next();
    // The handler's answer may have replaced the response: the headers go on it too (a streamed
    // answer already left with those set above).
    if (!ctx.response_started()) set_headers(ctx, *decision, *limit);
    return result;
  }

 private:
  std::optional<ratelimit::Limit> base_limit(const Context& ctx) const {
    const auto& method = ctx.request().method;
    for (const auto& route : o_.routes) {
      if (route.pattern == ctx.route() && (route.method == "*" || route.method == method)) return route.limit;
    }
    return o_.limit;
  }

  std::optional<ratelimit::Limit> resolve(const Context& ctx) const {
    auto base = base_limit(ctx);
    const auto* principal = principal_of(ctx);
    if (principal == nullptr || !principal->tenant) return base;
    if (o_.tenant_limit) {
      if (auto plan = o_.tenant_limit(ctx, *principal->tenant)) {
        if (auto valid = ratelimit::validate(*plan, "tenant plan"); valid) return plan;
        else log_warning(ctx, "tenant plan ignored", valid.error().code, valid.error().message);
      }
    }
    if (!o_.plan_claim.empty()) {
      if (const auto* claim = principal->claims.if_contains(o_.plan_claim)) {
        const ratelimit::Limit plan{plan_requests(*claim).value_or(0), base ? base->period : std::chrono::seconds(60)};
        if (auto valid = ratelimit::validate(plan, "plan claim"); valid) return plan;
        log_warning(ctx, "plan claim ignored", "InvalidPlanClaim", o_.plan_claim + " is " + json::serialize(*claim));
      }
    }
    return base;
  }

  RateLimitOptions o_;
};

}  // namespace

Result<std::string> rate_limit_caller_key(const Context& ctx) {
  if (const auto* principal = principal_of(ctx)) {
    if (!principal->subject.empty()) return "user:" + principal->subject;
    if (principal->tenant && !principal->tenant->empty()) return "tenant:" + *principal->tenant;
  }
  // Only REST and WebSocket APIs have API keys (and only their events need a DOM to read them).
  const auto source = ctx.request().source;
  if (source == http::Source::api_gateway_rest || source == http::Source::websocket) {
    if (const auto api_key = request_identity_field(ctx, "apiKey"); !api_key.empty())
      return "apikey:" + hex::encode(digest::sha256(api_key));  // never the key itself in a table
  }
  if (auto ip = trusted_source_ip(ctx); !ip.empty()) return "ip:" + ip;
  return no_key("the request has no principal, API key or source address to rate-limit it by");
}

Result<std::string> rate_limit_tenant_key(const Context& ctx) {
  if (const auto* principal = principal_of(ctx); principal != nullptr && principal->tenant && !principal->tenant->empty())
    return "tenant:" + *principal->tenant;
  return rate_limit_caller_key(ctx);
}

Result<std::string> rate_limit_connection_key(const Context& ctx) {
  if (const auto* ws = ctx.request().websocket(); ws != nullptr && !ws->connection_id.empty()) return "connection:" + ws->connection_id;
  return no_key("the request is not a WebSocket message: it has no connection to rate-limit by");
}

Result<Middleware> rate_limit(RateLimitOptions options) {
  if (!options.limiter) return resilience::invalid_configuration(kWhat, "limiter", "is required");
  if (!valid_name(options.name))
    return resilience::invalid_configuration(kWhat, "name", "must be 1 to 64 letters, digits, - _ . or :, got \"" + options.name + "\"");
  if (options.limit) LIFT_TRY_VOID(ratelimit::validate(*options.limit, kWhat));
  for (const auto& route : options.routes) {
    if (route.pattern.empty()) return resilience::invalid_configuration(kWhat, "routes.pattern", "must not be empty");
    if (route.method.empty()) return resilience::invalid_configuration(kWhat, "routes.method", "must not be empty (\"*\" is any)");
    LIFT_TRY_VOID(ratelimit::validate(route.limit, "rate limit of " + route.method + " " + route.pattern));
  }
  if (!options.limit && options.routes.empty() && !options.tenant_limit && options.plan_claim.empty())
    return resilience::invalid_configuration(kWhat, "limit", "give a limit, route limits, tenant_limit or plan_claim");
  return Middleware(RateLimiter(std::move(options)));
}

}  // namespace lift::mw
