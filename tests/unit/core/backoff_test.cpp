// Exponential backoff with full jitter, the one every retry loop of lift uses.
#include "lift/core/backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using lift::full_jitter_backoff;

TEST(Backoff, IsTheRandomShareOfAnExponentialCeiling) {
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 1, 0.0), 0ms);
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 1, 0.5), 50ms);
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 2, 0.5), 100ms);
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 3, 0.5), 200ms);
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 3, 0.999999), 399ms);  // below the ceiling, never at it
}

TEST(Backoff, StopsAtTheCapWhateverTheRetry) {
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 40, 0.999999), 19999ms);
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 1'000'000, 0.5), 10s);  // no overflow of the exponent
  EXPECT_EQ(full_jitter_backoff(100ms, 150ms, 2, 1.0), 150ms);
}

TEST(Backoff, OutOfRangeInputsAreClamped) {
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 1, -3.0), 0ms);
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 1, 7.0), 100ms);
  EXPECT_EQ(full_jitter_backoff(100ms, 20s, 0, 0.5), 50ms);  // "retry 0" is the first retry's ceiling
  EXPECT_EQ(full_jitter_backoff(-5ms, 20s, 3, 0.5), 0ms);
}

TEST(Backoff, JitterStaysInItsRangeAndSpreads) {
  std::vector<double> draws;
  for (int i = 0; i < 20000; ++i) draws.push_back(lift::jitter_random());
  EXPECT_GE(*std::min_element(draws.begin(), draws.end()), 0.0);
  EXPECT_LT(*std::max_element(draws.begin(), draws.end()), 1.0);
  // Full jitter: the delays cover the whole interval, not a band around its middle.
  int low = 0;
  int high = 0;
  for (const double d : draws) {
    low += d < 0.1 ? 1 : 0;
    high += d >= 0.9 ? 1 : 0;
  }
  EXPECT_GT(low, 1500);
  EXPECT_GT(high, 1500);
  for (const double d : draws) {
    const auto delay = full_jitter_backoff(100ms, 20s, 4, d);
    ASSERT_GE(delay, 0ms);
    ASSERT_LT(delay, 800ms);
  }
}

TEST(Backoff, ThreadsDrawDifferentJitter) {
  // Workers that failed together must not back off in step.
  double a = 0;
  double b = 0;
  std::thread first([&] { a = lift::jitter_random(); });
  std::thread second([&] { b = lift::jitter_random(); });
  first.join();
  second.join();
  EXPECT_NE(a, b);
}

}  // namespace
