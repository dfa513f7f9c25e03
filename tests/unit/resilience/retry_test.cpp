// lift::resilience::retry: attempts, which failures are retried, full-jitter backoff, the
// deadline (given, or the invocation's), validation of the options.
#include "lift/resilience/retry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lift/core/deadline.hpp"
#include "lift/resilience/errors.hpp"

namespace {

using namespace std::chrono_literals;
using lift::Error;
using lift::Result;
using lift::resilience::AttemptInfo;
using lift::resilience::Retry;
using lift::resilience::RetryOptions;
using Clock = std::chrono::steady_clock;

// A clock that moves only when the retry sleeps (or the test moves it).
struct FakeTime {
  Clock::time_point now = Clock::time_point(1000h);
  std::vector<std::chrono::milliseconds> slept;
  double random = 0.5;

  lift::RetryEnvironment environment() {
    lift::RetryEnvironment e;
    e.now = [this] { return now; };
    e.sleep = [this](std::chrono::milliseconds d) {
      slept.push_back(d);
      now += d;
    };
    e.random = [this] { return random; };
    return e;
  }
};

// Fails with the given errors in turn, then answers 42.
struct Flaky {
  std::vector<Error> failures;
  int calls = 0;
  Result<int> operator()() {
    const auto n = static_cast<std::size_t>(calls++);
    if (n < failures.size()) return failures[n];
    return 42;
  }
};

const Error kUnavailable{"Backend.Unavailable", "try again", 503};
const Error kThrottled{"DynamoDB.ProvisionedThroughputExceeded", "slow down", 400};
const Error kNotFound{"NotFound", "no such item", 404};

TEST(ResilienceRetry, RetriesDependencyFailuresWithFullJitterBackoff) {
  FakeTime time;
  Flaky flaky{{kUnavailable, kThrottled}};
  auto result = lift::resilience::retry({.max_attempts = 3, .base_delay = 100ms, .environment = time.environment()}, std::ref(flaky));
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(flaky.calls, 3);
  // Half (the fake jitter) of 100 ms, then of 200 ms.
  EXPECT_EQ(time.slept, (std::vector<std::chrono::milliseconds>{50ms, 100ms}));
}

TEST(ResilienceRetry, JitterStaysUnderTheExponentialCeilingAndTheCap) {
  for (const double random : {0.0, 0.25, 0.999999}) {
    FakeTime time;
    time.random = random;
    Flaky flaky{std::vector<Error>(5, kUnavailable)};
    auto result = lift::resilience::retry(
        {.max_attempts = 6, .base_delay = 100ms, .max_delay = 500ms, .environment = time.environment()}, std::ref(flaky));
    ASSERT_TRUE(result);
    ASSERT_EQ(time.slept.size(), 5u);
    const std::chrono::milliseconds ceilings[] = {100ms, 200ms, 400ms, 500ms, 500ms};
    for (std::size_t i = 0; i < 5; ++i) {
      EXPECT_GE(time.slept[i], 0ms);
      EXPECT_LT(time.slept[i], ceilings[i]) << "retry " << i + 1 << " at " << random;
      EXPECT_EQ(time.slept[i], lift::full_jitter_backoff(100ms, 500ms, static_cast<int>(i) + 1, random));
    }
  }
}

TEST(ResilienceRetry, AnswersAboutTheRequestAreNotRetried) {
  FakeTime time;
  Flaky flaky{{kNotFound}};
  auto result = lift::resilience::retry({.environment = time.environment()}, std::ref(flaky));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), kNotFound);
  EXPECT_EQ(flaky.calls, 1);
  EXPECT_TRUE(time.slept.empty());
}

TEST(ResilienceRetry, RefusalsOfOpenBreakersAreNotRetried) {
  FakeTime time;
  Flaky flaky{{Error{"CircuitOpen", "open", 503}}};
  auto result = lift::resilience::retry({.environment = time.environment()}, std::ref(flaky));
  ASSERT_FALSE(result);
  EXPECT_EQ(flaky.calls, 1);
}

TEST(ResilienceRetry, RetryOnChoosesTheFailures) {
  FakeTime time;
  Flaky flaky{{kNotFound, kNotFound}};
  auto result = lift::resilience::retry(
      {.retry_on = [](const Error& e) { return e.code == "NotFound"; }, .environment = time.environment()}, std::ref(flaky));
  ASSERT_TRUE(result);
  EXPECT_EQ(flaky.calls, 3);
}

TEST(ResilienceRetry, GivesTheLastFailureAfterTheLastAttempt) {
  FakeTime time;
  Flaky flaky{{kUnavailable, kUnavailable, Error{"Backend.Down", "third", 502}, kUnavailable}};
  std::vector<int> retried;
  auto result = lift::resilience::retry({.max_attempts = 3,
                                         .on_retry = [&](const lift::resilience::RetryEvent& e) { retried.push_back(e.attempt); },
                                         .environment = time.environment()},
                                        std::ref(flaky));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "third");
  EXPECT_EQ(flaky.calls, 3);
  EXPECT_EQ(retried, (std::vector<int>{1, 2}));
}

TEST(ResilienceRetry, OneAttemptMeansNoRetry) {
  FakeTime time;
  Flaky flaky{{kUnavailable}};
  auto result = lift::resilience::retry({.max_attempts = 1, .environment = time.environment()}, std::ref(flaky));
  ASSERT_FALSE(result);
  EXPECT_EQ(flaky.calls, 1);
}

TEST(ResilienceRetry, NoBackoffIsSleptPastTheDeadline) {
  FakeTime time;
  Flaky flaky{std::vector<Error>(10, kUnavailable)};
  // Delays of 50, 100, 200, 400 ms (half of each ceiling): 350 ms of backoff fit before 400 ms,
  // the fourth would end past it.
  auto result = lift::resilience::retry(
      {.max_attempts = 10, .base_delay = 100ms, .max_delay = 10s, .deadline = time.now + 400ms, .environment = time.environment()},
      std::ref(flaky));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), kUnavailable);  // the last attempt's own failure
  EXPECT_EQ(flaky.calls, 4);
  EXPECT_EQ(time.slept, (std::vector<std::chrono::milliseconds>{50ms, 100ms, 200ms}));
}

TEST(ResilienceRetry, AttemptsSeeTheTimeLeft) {
  FakeTime time;
  std::vector<AttemptInfo> seen;
  auto result = lift::resilience::retry({.deadline = time.now + 1s, .environment = time.environment()},
                                        [&](const AttemptInfo& attempt) -> Result<int> {
                                          seen.push_back(attempt);
                                          time.now += 100ms;  // the attempt takes 100 ms
                                          if (attempt.number < 3) return kUnavailable;
                                          return attempt.number;
                                        });
  ASSERT_TRUE(result);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].number, 1);
  EXPECT_EQ(seen[0].time_left, 1000ms);
  EXPECT_EQ(seen[1].time_left, 850ms);  // 100 ms of work, 50 ms of backoff
  EXPECT_EQ(seen[2].time_left, 650ms);  // 100 ms of work, 100 ms of backoff
}

TEST(ResilienceRetry, NoTimeForAFirstAttemptIsDeadlineExceeded) {
  FakeTime time;
  Flaky flaky;
  auto result = lift::resilience::retry({.deadline = time.now, .environment = time.environment()}, std::ref(flaky));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "DeadlineExceeded");
  EXPECT_EQ(result.error().status, 504);
  EXPECT_EQ(flaky.calls, 0);
}

TEST(ResilienceRetry, InsideAnInvocationTheInvocationsDeadlineBoundsIt) {
  FakeTime time;
  // 2 s left: lift::call_deadline keeps a tenth (200 ms) to answer in, so 1800 ms for the retries.
  const lift::InvocationDeadline invocation(time.now + 2s);
  std::vector<std::optional<std::chrono::milliseconds>> left;
  auto result = lift::resilience::retry({.max_attempts = 2, .environment = time.environment()},
                                        [&](const AttemptInfo& attempt) -> Result<int> {
                                          left.push_back(attempt.time_left);
                                          return kUnavailable;
                                        });
  ASSERT_FALSE(result);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0], 1800ms);
  EXPECT_EQ(left[1], 1750ms);

  // Outside any invocation there is no deadline.
  std::optional<std::chrono::milliseconds> outside = 1ms;
  {
    const lift::InvocationDeadline none(std::nullopt);
    (void)lift::resilience::retry({.max_attempts = 1, .environment = time.environment()}, [&](const AttemptInfo& attempt) {
      outside = attempt.time_left;
      return Result<int>(1);
    });
  }
  EXPECT_EQ(outside, std::nullopt);
}

TEST(ResilienceRetry, WorksForVoidResultsAndThrowsThrough) {
  FakeTime time;
  int calls = 0;
  auto done = lift::resilience::retry({.environment = time.environment()}, [&]() -> Result<void> {
    if (++calls < 2) return kUnavailable;
    return {};
  });
  EXPECT_TRUE(done);
  EXPECT_EQ(calls, 2);

  int thrown = 0;
  EXPECT_THROW((void)lift::resilience::retry({.environment = time.environment()},
                                             [&]() -> Result<int> {
                                               ++thrown;
                                               throw std::runtime_error("bug");
                                             }),
               std::runtime_error);
  EXPECT_EQ(thrown, 1);
}

TEST(ResilienceRetry, AValidatedPolicyIsReused) {
  FakeTime time;
  auto policy = Retry::create({.max_attempts = 2, .environment = time.environment()});
  ASSERT_TRUE(policy);
  for (int i = 0; i < 3; ++i) {
    Flaky flaky{{kUnavailable}};
    auto result = policy->call(std::ref(flaky));
    ASSERT_TRUE(result);
    EXPECT_EQ(flaky.calls, 2);
  }
}

TEST(ResilienceRetry, InvalidOptionsAreRefusedWithTheFieldNamed) {
  struct Case {
    RetryOptions options;
    const char* field;
  };
  std::vector<Case> cases;
  cases.push_back({{.max_attempts = 0}, "max_attempts"});
  cases.push_back({{.max_attempts = -2}, "max_attempts"});
  cases.push_back({{.base_delay = -1ms}, "base_delay"});
  cases.push_back({{.base_delay = 200ms, .max_delay = 100ms}, "max_delay"});
  RetryOptions no_clock;
  no_clock.environment.now = nullptr;
  cases.push_back({no_clock, "environment"});
  for (auto& c : cases) {
    auto policy = Retry::create(c.options);
    ASSERT_FALSE(policy) << c.field;
    EXPECT_EQ(policy.error().code, "InvalidConfiguration");
    ASSERT_EQ(policy.error().details.size(), 1u);
    EXPECT_EQ(policy.error().details[0].field, c.field);
    EXPECT_NE(policy.error().message.find(c.field), std::string::npos) << policy.error().message;
  }
  // The one-call form gives the same error without calling.
  int calls = 0;
  auto result = lift::resilience::retry({.max_attempts = 0}, [&] { return Result<int>(++calls); });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "InvalidConfiguration");
  EXPECT_EQ(calls, 0);
}

}  // namespace
