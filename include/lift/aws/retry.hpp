#pragma once
// The AWS SDKs' "standard" retry mode: which failures are worth another attempt, exponential
// backoff with full jitter, a retry quota shared by a client's calls (so a struggling service
// is not hammered), and every attempt bounded by the invocation's deadline.

#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "lift/core/backoff.hpp"
#include "lift/core/failure_kind.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Which failures are retried, and how hard to back off, is the classification all of lift
// shares (lift/core/failure_kind.hpp); the backoff is lift::full_jitter_backoff.
using lift::classify_error;
using lift::classify_failure;
using lift::FailureKind;
using lift::RetryEnvironment;

// The token bucket of standard mode: 500 tokens; a retry costs 5 (10 after a timeout); a call
// that succeeds gives back what its retries took, or 1 when it needed none. Thread-safe.
class RetryQuota {
 public:
  explicit RetryQuota(int capacity = 500) : capacity_(capacity), tokens_(capacity) {}
  // Takes the cost of one retry; false (and nothing taken) when the bucket cannot pay.
  bool acquire(FailureKind kind);
  // After a successful call: `retry_cost` is what its retries took.
  void on_success(int retry_cost);
  [[nodiscard]] int available() const;

  static int cost(FailureKind kind) { return kind == FailureKind::timeout ? 10 : 5; }

 private:
  int capacity_;
  mutable std::mutex mutex_;
  int tokens_;
};

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds throttling_base_delay{500};
  std::chrono::milliseconds max_delay{20000};
  // Left free before the deadline: a call is not started, and a backoff not slept, if it would
  // reach into this margin (the handler still needs time to answer).
  std::chrono::milliseconds deadline_margin{200};
};

// One attempt's outcome: the result, and on failure how to treat it.
template <class T>
struct Attempt {
  Result<T> result;
  FailureKind kind = FailureKind::fatal;
};

// The delay before retry number `retry` (1 for the first retry): lift::full_jitter_backoff from
// the policy's base delay (its throttling one after throttling) up to its max_delay.
std::chrono::milliseconds backoff(const RetryPolicy& policy, FailureKind kind, int retry, double random);

// Calls `attempt(budget)` until it succeeds, fails fatally, runs out of attempts or quota, or the
// deadline (minus the margin) leaves no time; `budget` is the time the attempt may take. The
// failure returned is the last attempt's, or "aws.deadline_exceeded" (504) when time ran out first.
template <class T>
Result<T> with_retries(const RetryPolicy& policy, RetryQuota& quota,
                       std::optional<std::chrono::steady_clock::time_point> deadline,
                       const std::function<Attempt<T>(std::chrono::milliseconds budget)>& attempt,
                       const RetryEnvironment& environment = {}) {
  using std::chrono::milliseconds;
  const auto time_left = [&]() -> std::optional<milliseconds> {
    if (!deadline) return std::nullopt;
    return std::chrono::duration_cast<milliseconds>(*deadline - environment.now()) - policy.deadline_margin;
  };
  const auto out_of_time = [] {
    return Error{"aws.deadline_exceeded", "the call could not finish before the invocation's deadline", 504};
  };
  int retry_cost = 0;
  for (int number = 1;; ++number) {
    const auto left = time_left();
    if (left && left->count() <= 0) return out_of_time();
    auto outcome = attempt(left.value_or(milliseconds::max()));
    if (outcome.result) {
      quota.on_success(retry_cost);
      return std::move(outcome.result);
    }
    if (outcome.kind == FailureKind::fatal || number >= policy.max_attempts || !quota.acquire(outcome.kind))
      return std::move(outcome.result);
    retry_cost += RetryQuota::cost(outcome.kind);
    const auto delay = backoff(policy, outcome.kind, number, environment.random());
    if (const auto remaining = time_left(); remaining && delay >= *remaining) return std::move(outcome.result);
    environment.sleep(delay);
  }
}

}  // namespace lift::aws
