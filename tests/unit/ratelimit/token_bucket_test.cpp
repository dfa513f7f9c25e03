// The in-memory token bucket with a fake clock: bursts, refill, Retry-After, the bound on keys,
// and bad keys and limits.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "lift/ratelimit/token_bucket.hpp"
#include "lift/resilience/errors.hpp"

namespace {

using namespace std::chrono_literals;
using lift::ratelimit::Limit;
using lift::ratelimit::TokenBucket;

struct FakeSteadyClock {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::time_point(1000h));
  void advance(std::chrono::steady_clock::duration d) const { *now += d; }
  [[nodiscard]] auto function() const {
    return [now = now] { return *now; };
  }
};

std::shared_ptr<TokenBucket> bucket(const FakeSteadyClock& clock, std::size_t max_keys = 100) {
  auto made = TokenBucket::create({.max_keys = max_keys, .clock = clock.function()});
  EXPECT_TRUE(made);
  return *made;
}

TEST(TokenBucket, AllowsABurstOfTheLimitThenRefusesWithRetryAfter) {
  FakeSteadyClock clock;
  auto limiter = bucket(clock);
  const Limit limit{5, 10s};  // one token every 2 s
  for (int i = 0; i < 5; ++i) {
    auto decision = limiter->acquire("user:1", limit);
    ASSERT_TRUE(decision);
    EXPECT_TRUE(decision->allowed) << i;
    EXPECT_EQ(decision->limit, 5);
    EXPECT_EQ(decision->remaining, 4 - i);
    EXPECT_EQ(decision->retry_after, 0s);
  }
  auto refused = limiter->acquire("user:1", limit);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->remaining, 0);
  EXPECT_EQ(refused->retry_after, 2s);
  EXPECT_EQ(refused->reset, 10s);
  // Another key has its own bucket.
  EXPECT_TRUE(limiter->acquire("user:2", limit)->allowed);
}

TEST(TokenBucket, RefillsAtTheRateAndNeverBeyondTheLimit) {
  FakeSteadyClock clock;
  auto limiter = bucket(clock);
  const Limit limit{4, 4s};  // one token a second
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(limiter->acquire("k", limit)->allowed);
  EXPECT_FALSE(limiter->acquire("k", limit)->allowed);
  clock.advance(500ms);
  auto half = limiter->acquire("k", limit);
  EXPECT_FALSE(half->allowed);
  EXPECT_EQ(half->retry_after, 1s);  // half a token missing: rounded up to a whole second
  clock.advance(500ms);
  EXPECT_TRUE(limiter->acquire("k", limit)->allowed);
  EXPECT_FALSE(limiter->acquire("k", limit)->allowed);
  clock.advance(1h);  // a long pause fills the bucket, no more
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter->acquire("k", limit)->allowed) << i;
  EXPECT_FALSE(limiter->acquire("k", limit)->allowed);
}

TEST(TokenBucket, ARefusedRequestTakesNothing) {
  FakeSteadyClock clock;
  auto limiter = bucket(clock);
  const Limit limit{1, 2s};
  EXPECT_TRUE(limiter->acquire("k", limit)->allowed);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter->acquire("k", limit)->allowed);
  clock.advance(2s);
  EXPECT_TRUE(limiter->acquire("k", limit)->allowed);
}

TEST(TokenBucket, KeepsAtMostMaxKeysForgettingTheLeastRecentlyUsed) {
  FakeSteadyClock clock;
  auto limiter = bucket(clock, 32);  // two per shard
  const Limit limit{1, 60s};
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter->acquire("ip:" + std::to_string(i), limit)->allowed);
  EXPECT_LE(limiter->size(), 32U);
  // A key used just now is kept: still empty.
  ASSERT_TRUE(limiter->acquire("recent", limit)->allowed);
  EXPECT_FALSE(limiter->acquire("recent", limit)->allowed);
}

TEST(TokenBucket, HashesLongAndNonUtf8KeysAndRefusesEmptyOnes) {
  FakeSteadyClock clock;
  auto limiter = bucket(clock);
  const Limit limit{1, 60s};
  const std::string long_key(100'000, 'x');
  EXPECT_TRUE(limiter->acquire(long_key, limit)->allowed);
  EXPECT_FALSE(limiter->acquire(long_key, limit)->allowed);  // the same hash: the same bucket
  EXPECT_TRUE(limiter->acquire(std::string(100'000, 'y'), limit)->allowed);
  const std::string bad_utf8("user:\xff\xfe", 7);
  EXPECT_TRUE(limiter->acquire(bad_utf8, limit)->allowed);
  EXPECT_FALSE(limiter->acquire(bad_utf8, limit)->allowed);

  auto empty = limiter->acquire("", limit);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, lift::ratelimit::kKeyInvalid);
  EXPECT_EQ(empty.error().status, 400);

  auto stored = lift::ratelimit::storage_key(long_key);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 7U + 64U);
  EXPECT_TRUE(stored->starts_with("sha256:"));
  EXPECT_EQ(*lift::ratelimit::storage_key("tenant:acme"), "tenant:acme");
}

TEST(TokenBucket, RefusesLimitsAndOptionsThatCannotWork) {
  FakeSteadyClock clock;
  auto limiter = bucket(clock);
  for (const Limit bad : {Limit{0, 1s}, Limit{-3, 1s}, Limit{1, 0s}, Limit{1, -5s},
                          Limit{lift::ratelimit::kMaxRequests + 1, 1s}, Limit{1, lift::ratelimit::kMaxPeriod + 1s}}) {
    auto refused = limiter->acquire("k", bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, lift::resilience::kInvalidConfiguration);
  }
  auto none = TokenBucket::create({.max_keys = 0});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, lift::resilience::kInvalidConfiguration);
  EXPECT_EQ(limiter->algorithm(), "token_bucket");
}

}  // namespace
