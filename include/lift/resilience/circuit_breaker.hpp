#pragma once
// A circuit breaker: calls to a dependency that keeps failing are refused at once (CircuitOpen,
// 503) instead of each waiting for its timeout, and a few probe calls find out when it is back.
//
//   LIFT_TRY(breaker, lift::resilience::breakers().get_or_create("dynamodb", {.minimum_calls = 10}));
//   auto item = breaker.call([&] { return table.get(id); });   // any call returning a lift::Result
//
// States:
//   closed     calls pass; each outcome goes into a sliding window (the last `window_size` calls,
//              or the calls of the last `window_size` seconds). When a failed or slow call is
//              recorded and the window holds at least `minimum_calls`, a failure rate at or over
//              `failure_rate_threshold` (or a slow-call rate at or over
//              `slow_call_rate_threshold`) opens the breaker.
//   open       calls are refused for `open_duration`; the first call after it half-opens it.
//   half_open  `half_open_calls` probe calls pass (more are refused, even while probes are in
//              flight); once they all finished, the same rates over the probes reopen the breaker
//              or close it with an empty window.
// Outcomes of calls that began in an earlier state are dropped: a slow call that began before
// the breaker opened does not count against the probes.
//
// A CircuitBreaker is a handle: copies share one breaker, safe to use from every worker thread
// at once (AWS_LAMBDA_MAX_CONCURRENCY > 1). A call in the closed state takes no lock and
// allocates nothing; state changes (rare) take a mutex. Each state change is written once as a
// JSON line (lift::write_log_line) and passed to `on_state_change` (an EMF metric, say).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::resilience {

enum class BreakerState : std::uint8_t { closed, open, half_open };

// "closed", "open", "half_open".
[[nodiscard]] std::string_view to_string(BreakerState state) noexcept;

enum class SlidingWindow : std::uint8_t {
  count_based,  // the last window_size calls
  time_based,   // the calls of the last window_size seconds
};

// What a breaker saw when its state changed (for on_state_change).
struct BreakerTransition {
  std::string_view breaker;
  BreakerState from = BreakerState::closed;
  BreakerState to = BreakerState::closed;
  int calls = 0;               // calls judged: the window's (closed) or the probes' (half-open); 0 otherwise
  double failure_rate = 0;     // percent of `calls`
  double slow_call_rate = 0;   // percent of `calls`
};

struct CircuitBreakerOptions {
  SlidingWindow window = SlidingWindow::count_based;
  // Calls (count_based, 1..1,000,000) or seconds (time_based, 1..3,600).
  int window_size = 100;
  // Calls the window must hold before its rates are judged (1.., at most window_size when
  // count_based: the breaker could never open otherwise).
  int minimum_calls = 20;
  // Percent, in (0, 100].
  double failure_rate_threshold = 50;
  double slow_call_rate_threshold = 100;
  // A call that takes at least this long is slow; zero: calls are never slow (and not timed).
  std::chrono::milliseconds slow_call_duration{0};
  // How long the breaker stays open before probing (more than zero).
  std::chrono::milliseconds open_duration{10000};
  // Probe calls in the half-open state (1..1,000).
  int half_open_calls = 3;
  // Which failures count against the dependency; empty: is_dependency_failure (throttling,
  // 5xx, timeouts). Other failures count as successful calls: the dependency answered. A call
  // that throws always counts as failed.
  std::function<bool(const Error&)> is_failure{};
  // Called after each state change, on the thread that made it; empty: nothing.
  std::function<void(const BreakerTransition&)> on_state_change{};
  // Where state changes are logged (one JSON line each); null: nowhere.
  std::FILE* log = stderr;
  // The clock (a fake one in tests).
  std::function<std::chrono::steady_clock::time_point()> now = std::chrono::steady_clock::now;
};

// Options written as text, for an environment variable such as LIFT_DYNAMODB_BREAKER: "on"
// (the defaults) or KEY=VALUE pairs separated by ',', each changing one option of `base`:
//   failure_rate=50%    failure_rate_threshold        slow_rate=80%   slow_call_rate_threshold
//   window=20           the last 20 calls             window=30s      the calls of the last 30 s
//   min_calls=5         minimum_calls                 slow_call=2s    slow_call_duration
//   open_for=5s         open_duration                 probes=3        half_open_calls
// Durations in ms or s ("500ms", "5s"), percentages with or without '%'. InvalidConfiguration
// (detail field `source`, the variable's name) naming the pair that cannot be read, or the
// option that cannot work, as CircuitBreaker::create checks them.
Result<CircuitBreakerOptions> parse_breaker_options(std::string_view text, std::string_view source,
                                                    CircuitBreakerOptions base = {});

namespace detail {

class BreakerCore;

// Leave to make one call: the state word it was given in, and when it started (when timed).
struct BreakerPermit {
  std::uint64_t ticket = 0;
  std::int64_t started_ns = 0;
  bool granted = false;
};

}  // namespace detail

class CircuitBreaker {
 public:
  // InvalidConfiguration when `options` cannot work (see CircuitBreakerOptions) or `name` is
  // empty.
  static Result<CircuitBreaker> create(std::string name, CircuitBreakerOptions options = {});

  // Calls `fn` (returning any lift::Result<T>) when the breaker lets it through, and records
  // the outcome; CircuitOpen (503, detail {"breaker": name}) when it does not. An exception
  // thrown by `fn` counts as a failure and propagates.
  template <class F>
  auto call(F&& fn) const -> std::remove_cvref_t<std::invoke_result_t<F&>> {
    using R = std::remove_cvref_t<std::invoke_result_t<F&>>;
    static_assert(is_result_v<R>, "lift::resilience::CircuitBreaker::call: the call must return a lift::Result");
    const auto permit = acquire();
    if (!permit.granted) return R(rejection());
    try {
      R result = std::invoke(fn);
      record(permit, result.ok() ? nullptr : &result.error());
      return result;
    } catch (...) {
      record_exception(permit);
      throw;
    }
  }

  [[nodiscard]] const std::string& name() const noexcept;
  // The state now: an open breaker whose open_duration has passed still reads open until a
  // call half-opens it.
  [[nodiscard]] BreakerState state() const noexcept;
  // Back to closed with an empty window (an operator's override; logged like any change).
  void reset();

  // The lower-level protocol of `call`, for code that cannot wrap its call in a function: every
  // granted permit must be recorded exactly once.
  [[nodiscard]] detail::BreakerPermit acquire() const;
  void record(const detail::BreakerPermit& permit, const Error* failure) const;
  void record_exception(const detail::BreakerPermit& permit) const;
  // The error of a refused call.
  [[nodiscard]] Error rejection() const;

 private:
  explicit CircuitBreaker(std::shared_ptr<detail::BreakerCore> core) : core_(std::move(core)) {}
  std::shared_ptr<detail::BreakerCore> core_;
};

// A listener's registration (BreakerRegistry::on_state_change): the listener is called until
// this is destroyed. Movable, not copyable.
class BreakerSubscription {
 public:
  BreakerSubscription() = default;
  explicit BreakerSubscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  BreakerSubscription(BreakerSubscription&& other) noexcept : cancel_(std::exchange(other.cancel_, {})) {}
  BreakerSubscription& operator=(BreakerSubscription&& other) noexcept {
    if (this != &other) {
      cancel();
      cancel_ = std::exchange(other.cancel_, {});
    }
    return *this;
  }
  BreakerSubscription(const BreakerSubscription&) = delete;
  BreakerSubscription& operator=(const BreakerSubscription&) = delete;
  ~BreakerSubscription() { cancel(); }

 private:
  void cancel() noexcept {
    if (cancel_) std::exchange(cancel_, {})();
  }
  std::function<void()> cancel_;
};

// Named breakers, one per dependency, shared by whoever asks for the same name. Thread-safe.
class BreakerRegistry {
 public:
  BreakerRegistry();

  // The breaker named `name`, made with `options` on first use. A later call with the same name
  // gets the same breaker and its first options (which cannot be compared to these), but invalid
  // `options` are refused every time.
  Result<CircuitBreaker> get_or_create(std::string_view name, CircuitBreakerOptions options = {});
  [[nodiscard]] std::optional<CircuitBreaker> find(std::string_view name) const;
  // Every breaker, by name (health checks report their states).
  [[nodiscard]] std::vector<CircuitBreaker> all() const;

  // Calls `listener` after every state change of every breaker this registry made (after the
  // breaker's own on_state_change), on the thread that made the change, until the subscription
  // is destroyed; once destroyed, the listener is not running and will not run again. For what
  // watches every breaker of the process: EMF metrics (lift::mw::observability), health checks.
  // A listener must not subscribe or unsubscribe from within.
  [[nodiscard]] BreakerSubscription on_state_change(std::function<void(const BreakerTransition&)> listener);

 private:
  struct Listeners;
  std::shared_ptr<Listeners> listeners_;
  mutable std::mutex mutex_;
  std::map<std::string, CircuitBreaker, std::less<>> breakers_;
};

// The process's registry. Process-wide on purpose, as the runtime is: a dependency's health is
// one fact for the whole execution environment, so every worker thread (one per
// AWS_LAMBDA_MAX_CONCURRENCY) must see the same breaker, and one invocation's observations must
// protect the next. A function-local static: made once, thread-safe, on first use.
BreakerRegistry& breakers();

}  // namespace lift::resilience
