// Standard-mode retries: the policy's backoff, quota, deadline bounds (the classification and
// the jitter are core's: tests/unit/core/failure_kind_test.cpp, backoff_test.cpp).
#include "lift/aws/retry.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Retry, BackoffIsFullJitterUnderAnExponentialCeiling) {
  RetryPolicy policy;
  EXPECT_EQ(backoff(policy, FailureKind::transient, 1, 0.0), 0ms);
  EXPECT_EQ(backoff(policy, FailureKind::transient, 1, 0.5), 50ms);
  EXPECT_EQ(backoff(policy, FailureKind::transient, 3, 0.5), 200ms);
  EXPECT_EQ(backoff(policy, FailureKind::throttling, 1, 0.5), 250ms);  // throttling backs off harder
  EXPECT_EQ(backoff(policy, FailureKind::transient, 40, 0.999999), 19999ms);  // capped at 20 s
}

TEST(Retry, QuotaChargesRetriesAndRefundsSuccess) {
  RetryQuota quota(12);
  EXPECT_TRUE(quota.acquire(FailureKind::transient));  // 5
  EXPECT_FALSE(quota.acquire(FailureKind::timeout));   // 10 > 7 left
  EXPECT_EQ(quota.available(), 7);
  quota.on_success(5);
  EXPECT_EQ(quota.available(), 12);
  quota.on_success(0);  // never above capacity
  EXPECT_EQ(quota.available(), 12);
}

// A scripted call: fails with the given kinds, then succeeds.
struct Script {
  std::vector<FailureKind> failures{};
  int calls = 0;
  std::vector<std::chrono::milliseconds> budgets{};
  Attempt<int> operator()(std::chrono::milliseconds budget) {
    budgets.push_back(budget);
    const int n = calls++;
    if (n < static_cast<int>(failures.size()))
      return {lift::Error{"call.failed", "attempt " + std::to_string(n + 1), 503}, failures[n]};
    return {42, FailureKind::fatal};
  }
};

struct FakeTime {
  Clock::time_point now = Clock::time_point(1000h);
  std::vector<std::chrono::milliseconds> slept;
  RetryEnvironment environment() {
    RetryEnvironment e;
    e.now = [this] { return now; };
    e.sleep = [this](std::chrono::milliseconds d) {
      slept.push_back(d);
      now += d;
    };
    e.random = [] { return 0.5; };
    return e;
  }
};

TEST(Retry, RetriesTransientFailuresThenSucceeds) {
  Script script{{FailureKind::throttling, FailureKind::transient}};
  RetryQuota quota;
  FakeTime time;
  auto result = with_retries<int>(RetryPolicy{}, quota, std::nullopt, std::ref(script), time.environment());
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(script.calls, 3);
  EXPECT_EQ(time.slept, (std::vector<std::chrono::milliseconds>{250ms, 100ms}));
  EXPECT_EQ(quota.available(), 500);  // refunded on success
}

TEST(Retry, FatalFailuresAreNotRetried) {
  Script script{{FailureKind::fatal}};
  RetryQuota quota;
  FakeTime time;
  auto result = with_retries<int>(RetryPolicy{}, quota, std::nullopt, std::ref(script), time.environment());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "attempt 1");
  EXPECT_EQ(script.calls, 1);
}

TEST(Retry, GivesTheLastErrorAfterMaxAttempts) {
  Script script{{FailureKind::transient, FailureKind::transient, FailureKind::transient, FailureKind::transient}};
  RetryQuota quota;
  FakeTime time;
  auto result = with_retries<int>(RetryPolicy{}, quota, std::nullopt, std::ref(script), time.environment());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "attempt 3");
  EXPECT_EQ(script.calls, 3);
  EXPECT_EQ(quota.available(), 490);  // two retries paid for, not refunded
}

TEST(Retry, AnEmptyQuotaStopsRetrying) {
  Script script{{FailureKind::timeout, FailureKind::timeout}};
  RetryQuota quota(9);  // cannot pay for a timeout retry (10)
  FakeTime time;
  auto result = with_retries<int>(RetryPolicy{}, quota, std::nullopt, std::ref(script), time.environment());
  ASSERT_FALSE(result);
  EXPECT_EQ(script.calls, 1);
}

TEST(Retry, EveryAttemptIsBoundedByTheDeadline) {
  Script script{{FailureKind::transient}};
  RetryQuota quota;
  FakeTime time;
  const auto deadline = time.now + 1000ms;
  auto result = with_retries<int>(RetryPolicy{}, quota, deadline, std::ref(script), time.environment());
  ASSERT_TRUE(result);
  ASSERT_EQ(script.budgets.size(), 2u);
  EXPECT_EQ(script.budgets[0], 800ms);  // 1000 ms minus the 200 ms margin
  EXPECT_EQ(script.budgets[1], 750ms);  // after a 50 ms backoff
}

TEST(Retry, NoAttemptOrSleepPastTheDeadline) {
  RetryQuota quota;
  FakeTime time;
  Script never{{}};
  auto late = with_retries<int>(RetryPolicy{}, quota, time.now + 150ms, std::ref(never), time.environment());
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "aws.deadline_exceeded");
  EXPECT_EQ(late.error().status, 504);
  EXPECT_EQ(never.calls, 0);

  // A backoff that would cross the deadline ends the call with the attempt's own error.
  Script throttled{{FailureKind::throttling}};
  auto result = with_retries<int>(RetryPolicy{}, quota, time.now + 400ms, std::ref(throttled), time.environment());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "attempt 1");
  EXPECT_TRUE(time.slept.empty());
}

}  // namespace
