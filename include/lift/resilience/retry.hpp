#pragma once
// Retrying any call that returns a lift::Result: a bounded number of attempts, exponential
// backoff with full jitter between them (lift::full_jitter_backoff, the AWS clients' own), only
// for the failures worth another try, and never past the deadline.
//
//   auto item = lift::resilience::retry({.max_attempts = 4}, [&] { return fetch(key); });
//
//   // made once (bad options are an error here, not at the first call), used from any thread:
//   LIFT_TRY(policy, lift::resilience::Retry::create({.max_attempts = 4, .base_delay = 50ms}));
//   auto item = policy.call([&](const lift::resilience::AttemptInfo& attempt) {
//     return fetch(key, attempt.time_left);   // an attempt may bound itself by the time left
//   });
//
// Inside an invocation the deadline is the invocation's, less the margin lift leaves for
// answering (lift::call_deadline); no attempt starts, and no backoff is slept, past it. An
// exception thrown by the call is not retried: it propagates as it is.

#include <chrono>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "lift/core/backoff.hpp"
#include "lift/core/result.hpp"

namespace lift::resilience {

// What an attempt may want to know: its number (1 for the first) and the time left before the
// deadline (nullopt: no deadline).
struct AttemptInfo {
  int number = 1;
  std::optional<std::chrono::milliseconds> time_left{};
};

// A failed attempt about to be retried, for on_retry (a log line, a metric).
struct RetryEvent {
  int attempt = 1;                      // the attempt that failed
  const Error* error = nullptr;         // its failure
  std::chrono::milliseconds delay{0};   // the backoff slept before the next one
};

struct RetryOptions {
  // Attempts in all, the first call included (at least 1).
  int max_attempts = 3;
  // Before retry n, a random delay below min(max_delay, base_delay * 2^(n-1)).
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{5000};
  // Which failures are retried; empty: is_dependency_failure (throttling, 5xx, timeouts).
  std::function<bool(const Error&)> retry_on{};
  // No attempt starts, and no backoff is slept, at or past this time. Unset: inside an
  // invocation, lift::call_deadline of the invocation's (lift/core/deadline.hpp); outside one,
  // no deadline.
  std::optional<std::chrono::steady_clock::time_point> deadline{};
  // Told of each retry before its backoff; empty: nothing.
  std::function<void(const RetryEvent&)> on_retry{};
  // Clock, sleep and jitter (fake ones in tests).
  RetryEnvironment environment{};
};

namespace detail {

// Calls `fn` with the attempt's information when it takes it, without otherwise.
template <class F>
decltype(auto) invoke_attempt(F& fn, const AttemptInfo& info) {
  if constexpr (std::is_invocable_v<F&, const AttemptInfo&>) {
    return std::invoke(fn, info);
  } else {
    return std::invoke(fn);
  }
}

template <class F>
using attempt_result_t =
    std::remove_cvref_t<decltype(invoke_attempt(std::declval<std::remove_reference_t<F>&>(), std::declval<const AttemptInfo&>()))>;

// The bookkeeping of one retried call (attempts, deadline, backoff), apart from the template.
class RetryLoop {
 public:
  explicit RetryLoop(const RetryOptions& options);
  // The next attempt, or nullopt when the deadline leaves no time to start it.
  [[nodiscard]] std::optional<AttemptInfo> next_attempt();
  // After the current attempt failed with `error`: whether another should follow; when so, its
  // backoff has been slept.
  [[nodiscard]] bool retry_after(const Error& error);

 private:
  const RetryOptions& options_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  int number_ = 0;
};

// DeadlineExceeded: the deadline left no time for a first attempt.
Error no_time_for_a_first_attempt();

}  // namespace detail

// A validated retry policy. Copyable; `call` is const and may run on many threads at once.
class Retry {
 public:
  // InvalidConfiguration when `options` cannot work (no attempts, negative delays, a cap below
  // the base delay, an empty clock, sleep or random).
  static Result<Retry> create(RetryOptions options);

  // Calls `fn` (taking nothing, or a const AttemptInfo&; returning any lift::Result<T>) until it
  // succeeds, fails in a way `retry_on` does not retry, runs out of attempts, or the deadline
  // leaves no time for the next one. The result is the last attempt's, or DeadlineExceeded
  // (504) when there was no time for a first one.
  template <class F>
  auto call(F&& fn) const -> detail::attempt_result_t<F> {
    using R = detail::attempt_result_t<F>;
    static_assert(is_result_v<R>, "lift::resilience::retry: the call must return a lift::Result");
    detail::RetryLoop loop(options_);
    auto info = loop.next_attempt();
    if (!info) return R(detail::no_time_for_a_first_attempt());
    for (;;) {
      R result = detail::invoke_attempt(fn, *info);
      if (result.ok() || !loop.retry_after(result.error())) return result;
      info = loop.next_attempt();
      if (!info) return result;
    }
  }

  [[nodiscard]] const RetryOptions& options() const noexcept { return options_; }

 private:
  explicit Retry(RetryOptions options) : options_(std::move(options)) {}
  RetryOptions options_;
};

// Retry::create(options) and call(fn) at once: invalid options are the call's error.
template <class F>
auto retry(RetryOptions options, F&& fn) -> detail::attempt_result_t<F> {
  auto policy = Retry::create(std::move(options));
  if (!policy) return std::move(policy).error();
  return policy->call(std::forward<F>(fn));
}

}  // namespace lift::resilience
