// examples/todo-api: the flagship — typed routes, DynamORM on DynamoDB (or the embedded engine),
// optimistic locking, JWT auth with tenant isolation, structured logs and EMF metrics.
// The routes are in todo_api.hpp; this file reads the configuration and serves.
//
//   TODO_TABLE              the table (default "todos"; created on first use when
//                           LIFT_DYNAMODB_ENDPOINT is memory: or a local endpoint)
//   LIFT_DYNAMODB_ENDPOINT  unset: DynamoDB; memory: the embedded engine; http://...: local
//   LIFT_JWT_JWKS | LIFT_JWT_SECRET, LIFT_JWT_ISSUER, LIFT_JWT_AUDIENCE
//                           turn authentication on (lift/security/environment.hpp)
//   LIFT_CURSOR_KEY         the key list cursors are signed with (32 random bytes, the same
//                           for every instance); unset: a key of this process, with a warning
//   TODO_IDEMPOTENCY_TABLE  the table of Idempotency-Key records (local default
//                           "todo-idempotency", created on first use; in AWS unset or "off":
//                           keys are ignored)
//   TODO_WRITE_LIMIT        writes a minute per tenant (a DynamoDB sliding window); unset: no limit
//   TODO_RATE_LIMIT_TABLE   the table of its counters (default "todo-rate-limits")
//   TODO_SEED               on a local table only: store this many todos at start-up (benchmarks, demos)
//   LIFT_DYNAMODB_BREAKER   tunes (or, "off", removes) the breaker in front of DynamoDB

#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include "lift/app/database.hpp"
#include "lift/core/env.hpp"
#include "lift/core/random.hpp"
#include "lift/idempotency/idempotency.hpp"
#include "lift/lift.hpp"
#include "lift/middleware/observability.hpp"
#include "lift/resilience/errors.hpp"
#include "lift/security/environment.hpp"
#include "todo_api.hpp"

int main() {
  // Service and metrics namespace default to the function's own name when the deployment sets
  // none (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE win).
  lift::mw::Observability obs = lift::mw::observability_for("todo-api", "lift-examples");

  // The app is built in Lambda's init phase: a bad configuration is reported to /init/error.
  return lift::run([&obs]() -> lift::Result<lift::App> {
    LIFT_TRY(verifier, lift::security::jwt_verifier_from_environment());
    if (!verifier)
      obs.logger.warn("authentication is off: every caller shares one tenant; set LIFT_JWT_JWKS or LIFT_JWT_SECRET");

    // Every DynamoDB call goes through the breaker "dynamodb": once half of the last 10 calls
    // (at least 5) failed on the service (refused, timed out, 5xx, throttled), requests answer
    // 503 CircuitOpen at once for 5 s instead of each waiting for its timeouts and retries; then
    // 3 probe calls decide whether it closes. /health shows it; readiness fails while it is open.
    LIFT_TRY_VOID(lift::use_dynamodb_breaker(
        {.window_size = 10, .minimum_calls = 5, .failure_rate_threshold = 50, .open_duration = std::chrono::seconds(5)}));

    lift::App app;
    app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::observability(obs), lift::mw::deadline(),
            lift::mw::body_limit(64 * 1024), lift::mw::security_headers());

    todo_api::Options options;
    options.table = lift::env_or("TODO_TABLE", "todos");
    options.verifier = std::move(verifier);
    options.observability = &obs;
    // Cursors are signed so that a client cannot make one up. The key must be the same in every
    // instance of the function; without one, this process makes its own.
    options.cursor_key = lift::env_or("LIFT_CURSOR_KEY", "");
    if (options.cursor_key.empty()) {
      options.cursor_key = lift::random_hex(64);
      obs.logger.warn("LIFT_CURSOR_KEY is unset: list cursors are signed with a key of this process only");
    }
    // Idempotency-Key on POST /todos: the records live in their own table (partition key `id`,
    // TTL on `expiration`), created on first use when local. In AWS the table is deployed with
    // the function and named by TODO_IDEMPOTENCY_TABLE; without it, keys are ignored.
    const std::string table = lift::env_or("TODO_IDEMPOTENCY_TABLE", lift::dynamodb_is_local() ? "todo-idempotency" : "off");
    if (table != "off") {
      LIFT_TRY(idempotency, lift::idempotency::Idempotency::create(lift::dynamodb(), {.table = table}));
      options.idempotency = std::move(idempotency);
    } else {
      obs.logger.warn("TODO_IDEMPOTENCY_TABLE is unset: Idempotency-Key is ignored on POST /todos");
    }
    if (const auto limit = lift::env_or("TODO_WRITE_LIMIT", ""); !limit.empty()) {
      std::int64_t per_minute = 0;
      const auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), per_minute);
      if (ec != std::errc{} || end != limit.data() + limit.size() || per_minute < 1)
        return lift::resilience::invalid_configuration("todo-api", "TODO_WRITE_LIMIT",
                                                       "must be a whole number of writes a minute (at least 1), got \"" + limit + "\"");
      LIFT_TRY(writes, todo_api::write_limit(lift::dynamodb(), per_minute, lift::env_or("TODO_RATE_LIMIT_TABLE", "todo-rate-limits")));
      options.write_limit = std::move(writes);
    }
    if (const auto seed = lift::env_or("TODO_SEED", ""); !seed.empty()) {
      std::int64_t count = 0;
      const auto [end, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), count);
      if (ec != std::errc{} || end != seed.data() + seed.size())
        return lift::resilience::invalid_configuration("todo-api", "TODO_SEED", "must be a number of todos, got \"" + seed + "\"");
      LIFT_TRY_VOID(todo_api::seed(lift::dynamodb(), options, count));
    }
    LIFT_TRY_VOID(todo_api::add_health(app, nullptr, options));
    todo_api::add_routes(app, lift::dynamodb(), std::move(options));
    return app;
  });
}
