#pragma once
// Middleware over lift::resilience: fault injection per route (chaos tests of a deployed
// function), load shedding, and the deadline's per-route and per-tenant budgets.
//
//   LIFT_TRY(chaos, lift::mw::faults_from_environment());   // LIFT_FAULTS="route:POST /todos=error:503@10%"
//   app.use(lift::mw::recover(), std::move(chaos));
//
// Thread safety: each returns a Middleware that keeps its settings (and, for load shedding, its
// shared statistics, which are thread-safe); lift::run(app) calls it from every worker at once.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"
#include "lift/resilience/faults.hpp"

namespace lift::mw {

// Applies the "route:" rules of `plan` to each request of a matched route, by "METHOD /pattern"
// ("route:POST /todos", "route:* /admin/*"): a latency delays the handler, an error or a
// throttling answers in the one error body without running it (a throttling answers 429), an
// exception throws lift::resilience::InjectedFault (put recover() outside). While the plan has
// route rules, every invocation writes one WARN line to `log` saying that faults are on and
// which ones; without any, the middleware does nothing at all.
Middleware faults(resilience::FaultPlan plan, std::FILE* log = stderr);

// faults() over LIFT_FAULTS. InvalidConfiguration (at start-up, from the factory) when the
// variable cannot be read.
Result<Middleware> faults_from_environment(std::FILE* log = stderr);

// How much a route matters when the function is overloaded.
enum class Priority : std::uint8_t {
  critical,   // never shed: health checks, the cheap reads callers cannot do without
  normal,     // shed over the in-flight limit, or when it cannot finish in the time left
  sheddable,  // shed first: from `sheddable_share` of the in-flight limit on (writes, batch work)
};

struct LoadSheddingOptions {
  // Requests in flight in this process (every worker's) above which normal requests are shed;
  // 0: no limit (only the time check below).
  int max_in_flight = 0;
  // Sheddable requests are shed once this share of max_in_flight is in flight (0 to 1].
  double sheddable_share = 0.5;
  // A route's latency that must fit in the invocation's remaining time (less `margin`): this
  // percentile (50 to 100) of its last `window` completions (1..10,000), once it has
  // `min_samples` (1..window) of them.
  double percentile = 95;
  int window = 200;
  int min_samples = 20;
  std::chrono::milliseconds margin{100};
  // The Retry-After of a shed request, in whole seconds (1 or more).
  std::chrono::seconds retry_after{1};
  // Priorities by "METHOD /pattern" or "/pattern" (any method); other routes get `otherwise`.
  std::map<std::string, Priority, std::less<>> priorities{};
  Priority otherwise = Priority::normal;
  // The clock latencies are measured with (a fake one in tests).
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
};

// Answers 503 ServiceUnavailable with Retry-After (the one error body) instead of running a
// route that is not critical when more requests are in flight than allowed, or when the route's
// observed latency (its p95 by default) does not fit in the invocation's remaining time: work
// that would only time out is not begun, and the requests in flight keep the function's time.
// Latencies are kept per route (method and pattern) in a bounded window, shared by every worker
// and updated without locks; requests that match no route pass untouched. Put it after the
// request id and the logging middleware and before the rest. InvalidConfiguration (at start-up)
// for options that cannot work.
Result<Middleware> load_shedding(LoadSheddingOptions options = {});

}  // namespace lift::mw
