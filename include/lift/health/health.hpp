#pragma once
// Health endpoints for load balancers, orchestrators and operators, answered in the shape of the
// IETF health check response draft (draft-inadarei-api-health-check, application/health+json).
//
//   namespace health = lift::health;
//   LIFT_TRY(checker, health::Checker::create({health::dynamodb_table("todos"),
//                                              health::circuit_breaker("dynamodb")},
//                                             {.cache_for = std::chrono::seconds(5)}));
//   LIFT_TRY_VOID(health::mount(app, checker));
//
// mount() registers, under `prefix` ("/health" by default):
//   GET /health/live    the process is up: always 200 {"status":"pass"}; runs no check
//   GET /health/ready   200 when no check fails (pass or warn), 503 otherwise; the body names the
//                       checks that did not pass
//   GET /health         the detail: every check ("<name>:responseTime": its status, observed
//                       latency in ms, componentType, time, output) and the state of every
//                       circuit breaker in lift::resilience::breakers(); 503 when a check fails.
//                       EndpointOptions::detail_middleware puts it behind authentication.
//
// Checks run concurrently, each on a thread of its own and bounded by its own timeout: a check
// that overruns is reported `fail` ("timed out after N ms") when its timeout is up, and its
// thread is left to finish on its own (it owns everything it uses). While a check is still
// running from an earlier refresh, a refresh does not start it again but reports it failed, so a
// dependency that hangs on every poll ties up at most one thread per check. Results are cached
// for `cache_for`: a load balancer polling every second does not call the dependencies every
// second, and callers that arrive while a refresh runs wait for that one refresh (single flight)
// instead of starting their own.
//
// Thread safety: a Checker is safe to use from every worker at once (AWS_LAMBDA_MAX_CONCURRENCY
// > 1): its cache is behind a mutex, the report it hands out is immutable. The check functions
// run on threads of the checker's own, concurrently with each other and with the handlers: what
// they capture must be thread-safe and must not be captured by reference unless it lives as long
// as the process (a check thread may outlive its Checker).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"
#include "lift/core/time.hpp"

namespace lift::aws {
class DynamoDbClient;
class HttpClient;
}  // namespace lift::aws

namespace lift::health {

// The draft's statuses; a warn is healthy enough to receive traffic.
enum class Status : std::uint8_t { pass, warn, fail };
[[nodiscard]] std::string_view to_string(Status status) noexcept;

// The content type of every answer.
inline constexpr std::string_view kContentType = "application/health+json";

using Deadline = std::chrono::steady_clock::time_point;

// What one run of a check found.
struct Outcome {
  Status status = Status::pass;
  std::string output{};  // why it is not a pass (the draft's "output"); empty for a pass

  static Outcome pass() { return {}; }
  static Outcome warn(std::string why) { return {Status::warn, std::move(why)}; }
  static Outcome fail(std::string why) { return {Status::fail, std::move(why)}; }
  // ok: pass; an error: fail with its code and message.
  static Outcome of(const Result<void>& result);
};

struct CheckOptions {
  // How long one run may take ((0, 60 s]); past it the check is reported failed.
  std::chrono::milliseconds timeout{2000};
  // The draft's componentType ("datastore", "component", "system", or a URI); empty: the kind of
  // check's own ("datastore" for DynamoDB, "component" for the others).
  std::string component_type{};
};

// One named check. Make them with the functions below.
struct Check {
  // The component's name in the report ("todos" in "todos:responseTime"): not empty, no ':'.
  std::string name{};
  std::string component_type = "component";
  std::chrono::milliseconds timeout{2000};
  // Runs the check; `deadline` is when its timeout is up (pass it to the calls it makes). It may
  // throw: an exception is a fail. Shared so that a run still going after its timeout keeps it.
  std::shared_ptr<const std::function<Outcome(Deadline)>> run{};
  // Set by a factory given arguments that cannot work; Checker::create refuses the check.
  std::optional<Error> configuration_error{};
};

// A check of your own: `fn` takes the deadline or nothing, and returns an Outcome, a
// Result<void> (an error is a fail naming it) or a bool (false: fail).
//   health::function("cache", [&] { return cache.ping(); }, {.timeout = std::chrono::milliseconds(200)});
template <class F>
Check function(std::string name, F fn, CheckOptions options = {});

// DynamoDB table `table`: DescribeTable answers TableStatus ACTIVE (pass), UPDATING (warn),
// anything else or an error (fail). `client` null: lift::dynamodb(), the process's client.
struct DynamoDbCheckOptions {
  std::chrono::milliseconds timeout{2000};  // as CheckOptions
  std::string component_type{};
  std::string name{};  // empty: the table's name
  std::shared_ptr<aws::DynamoDbClient> client{};
};
Check dynamodb_table(std::string table, DynamoDbCheckOptions options = {});

// An HTTP dependency: GET `url` (https, or http anywhere) through lift's pooled HTTP client;
// pass when the status is one of `expected_statuses` (empty: any 2xx).
struct HttpCheckOptions {
  std::chrono::milliseconds timeout{2000};  // as CheckOptions
  std::string component_type{};
  std::vector<int> expected_statuses{};
  std::shared_ptr<aws::HttpClient> client{};  // null: one of the check's own
};
Check http_dependency(std::string name, std::string url, HttpCheckOptions options = {});

// A JSON Web Key Set: fetched from `url` (https, http to a loopback host, file://) and parsed by
// the security layer (lift::security::KeySet); pass when it holds at least one usable key.
struct JwksCheckOptions {
  std::chrono::milliseconds timeout{2000};  // as CheckOptions
  std::string component_type{};
  std::shared_ptr<aws::HttpClient> client{};  // null: one of the check's own
};
Check jwks(std::string name, std::string url, JwksCheckOptions options = {});

// The circuit breaker named `breaker` in lift::resilience::breakers(), looked up on every run:
// closed or not made yet (no call so far) pass, half-open warn, open fail.
Check circuit_breaker(std::string breaker, CheckOptions options = {});

struct CheckerOptions {
  // How long a report is served before the next request refreshes it (zero: every request
  // runs the checks; not negative).
  std::chrono::milliseconds cache_for{5000};
  // The draft's top-level serviceId, version and description; empty: left out.
  std::string service_id{};
  std::string version{};
  std::string description{};
  // Report the states of lift::resilience::breakers() in the detail.
  bool include_breakers = true;
  // Clocks (fake ones in tests): `now` ages the cache, `wall_clock` stamps the reports' "time".
  // Check timeouts always run on the steady clock.
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
  std::function<SystemTime()> wall_clock = std::chrono::system_clock::now;
};

struct CheckReport {
  std::string name;
  std::string component_type;
  Status status = Status::pass;
  std::chrono::microseconds latency{0};  // how long the run took (its timeout when it overran)
  std::string output;
  SystemTime time{};  // when the run's outcome was taken (its end, or its timeout)
};

struct BreakerReport {
  std::string name;
  std::string state;  // "closed", "open", "half_open"
};

// One refresh: immutable once made, shared by every request served from the cache.
struct Report {
  Status status = Status::pass;  // the worst of the checks'
  std::vector<CheckReport> checks;
  std::vector<BreakerReport> breakers;
  SystemTime time{};
  // The answers' bodies, made once per refresh.
  std::string ready_body;
  std::string detail_body;
};

class Checker {
 public:
  // InvalidConfiguration (500) for a check a factory refused, a name that is empty, holds ':' or
  // is used twice, a timeout outside (0, 60 s], a missing run function, a negative cache_for or
  // a missing clock.
  static Result<std::shared_ptr<Checker>> create(std::vector<Check> checks, CheckerOptions options = {});

  ~Checker();
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;

  // The cached report, or a fresh one when it is older than cache_for (one refresh at a time;
  // concurrent callers wait for it). Takes at most the longest check timeout.
  [[nodiscard]] std::shared_ptr<const Report> report();
  // Runs every check now, whatever the cache holds, and caches the result.
  std::shared_ptr<const Report> refresh();
  // Refreshes done so far (tests, metrics).
  [[nodiscard]] std::uint64_t refreshes() const;

 private:
  struct Impl;
  struct Private {
    explicit Private() = default;
  };

 public:
  Checker(Private, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

struct EndpointOptions {
  // Where the endpoints are: `prefix`, `prefix`/live, `prefix`/ready. Starts with '/', does not
  // end with one.
  std::string prefix = "/health";
  // Run around the detail endpoint only (authentication: lift::mw::jwt_auth(...)): the detail
  // names the dependencies, the liveness and readiness answers do not.
  std::vector<Middleware> detail_middleware{};
};

// Registers the three endpoints on `app`. InvalidConfiguration for a malformed prefix or a null
// checker.
Result<void> mount(App& app, std::shared_ptr<Checker> checker, EndpointOptions options = {});

// `middleware` for every request except the liveness and readiness probes under `prefix`: an
// app-wide authentication (app.use) that load balancers, which carry no credentials, must get
// past. The detail endpoint stays behind it.
//   app.use(lift::health::except_probes(lift::mw::jwt_auth(verifier)));
[[nodiscard]] Middleware except_probes(Middleware middleware, std::string prefix = "/health");

// The answers, for code that serves them its own way (mount uses these).
[[nodiscard]] http::Response live_response();
[[nodiscard]] http::Response ready_response(const Report& report);
[[nodiscard]] http::Response detail_response(const Report& report);

namespace detail {
// A check a factory refuses: Checker::create answers `error`.
Check refused_check(std::string name, Error error);
Check make_check(std::string name, std::string default_component_type, const CheckOptions& options,
                 std::function<Outcome(Deadline)> run);
}  // namespace detail

template <class F>
Check function(std::string name, F fn, CheckOptions options) {
  auto adapted = [fn = std::move(fn)](Deadline deadline) -> Outcome {
    auto call = [&] {
      if constexpr (std::is_invocable_v<const F&, Deadline>) {
        return std::invoke(fn, deadline);
      } else {
        static_assert(std::is_invocable_v<const F&>, "lift::health::function: the check takes a Deadline or nothing");
        return std::invoke(fn);
      }
    };
    using R = std::remove_cvref_t<decltype(call())>;
    if constexpr (std::is_same_v<R, Outcome>) {
      return call();
    } else if constexpr (std::is_same_v<R, Result<void>>) {
      return Outcome::of(call());
    } else {
      static_assert(std::is_same_v<R, bool>, "lift::health::function: the check returns an Outcome, a Result<void> or a bool");
      return call() ? Outcome::pass() : Outcome::fail("the check returned false");
    }
  };
  return detail::make_check(std::move(name), "component", options, std::move(adapted));
}

}  // namespace lift::health
