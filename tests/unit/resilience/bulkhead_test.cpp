// The bulkhead under 8 threads: never more calls in flight than its limit, refusals when full,
// the bounded wait (and the invocation's deadline bounding it), places given back however a
// call ends, validation of the options.
#include "lift/resilience/bulkhead.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <latch>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lift/core/deadline.hpp"
#include "lift/resilience/errors.hpp"

namespace {

using namespace std::chrono_literals;
using lift::Result;
using lift::resilience::Bulkhead;
using lift::resilience::BulkheadOptions;
using Clock = std::chrono::steady_clock;

constexpr int kThreads = 8;

Bulkhead make(BulkheadOptions options) {
  auto bulkhead = Bulkhead::create("backend", options);
  EXPECT_TRUE(bulkhead) << bulkhead.error().message;
  return *bulkhead;
}

// Counts the calls in flight and the most seen at once.
struct Gauge {
  std::atomic<int> now{0};
  std::atomic<int> most{0};
  void enter() {
    const int n = ++now;
    int seen = most.load();
    while (n > seen && !most.compare_exchange_weak(seen, n)) {
    }
  }
  void leave() { --now; }
};

TEST(Bulkhead, NeverMoreCallsInFlightThanItsLimit) {
  auto bulkhead = make({.max_concurrent = 3, .max_wait = 10s});
  Gauge gauge;
  std::barrier start(kThreads);
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < 50; ++i) {
        auto result = bulkhead.call([&] {
          gauge.enter();
          std::this_thread::sleep_for(100us);
          gauge.leave();
          return Result<int>(1);
        });
        if (result) ++done;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(done.load(), kThreads * 50);  // the wait was long enough for everyone
  EXPECT_LE(gauge.most.load(), 3);
  EXPECT_EQ(gauge.most.load(), 3);  // and the limit was used
  EXPECT_EQ(bulkhead.in_flight(), 0);
}

TEST(Bulkhead, RefusesAtOnceWhenFullWithoutAWait) {
  auto bulkhead = make({.max_concurrent = 3});
  std::latch release(1);
  std::atomic<int> entered{0};
  std::atomic<int> refused{0};
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto result = bulkhead.call([&] {
        ++entered;
        release.wait();
        return Result<int>(1);
      });
      if (!result) {
        EXPECT_EQ(result.error().code, "BulkheadFull");
        EXPECT_EQ(result.error().status, 503);
        ASSERT_EQ(result.error().details.size(), 1u);
        EXPECT_EQ(result.error().details[0].field, "bulkhead");
        EXPECT_EQ(result.error().details[0].message, "backend");
        EXPECT_TRUE(lift::resilience::is_rejection(result.error()));
        ++refused;
        // Counted only once the three are in: no place could free up before they are released.
        if (refused.load() == kThreads - 3) release.count_down();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(entered.load(), 3);
  EXPECT_EQ(refused.load(), kThreads - 3);
  EXPECT_EQ(bulkhead.in_flight(), 0);
}

TEST(Bulkhead, AWaitingCallGetsTheFirstPlaceThatFreesUp) {
  auto bulkhead = make({.max_concurrent = 1, .max_wait = 5s});
  std::latch inside(1);
  std::latch release(1);
  std::thread holder([&] {
    (void)bulkhead.call([&] {
      inside.count_down();
      release.wait();
      return Result<int>(1);
    });
  });
  inside.wait();
  std::thread freer([&] {
    std::this_thread::sleep_for(30ms);
    release.count_down();
  });
  const auto began = Clock::now();
  auto result = bulkhead.call([] { return Result<int>(2); });
  const auto waited = Clock::now() - began;
  holder.join();
  freer.join();
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, 2);
  EXPECT_GE(waited, 25ms);
  EXPECT_LT(waited, 4s);
}

TEST(Bulkhead, TheWaitIsBounded) {
  auto bulkhead = make({.max_concurrent = 1, .max_wait = 50ms});
  auto held = bulkhead.acquire();
  ASSERT_TRUE(held);
  const auto began = Clock::now();
  auto result = bulkhead.call([] { return Result<int>(1); });
  const auto waited = Clock::now() - began;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "BulkheadFull");
  EXPECT_GE(waited, 45ms);
  EXPECT_LT(waited, 2s);
}

TEST(Bulkhead, TheWaitEndsAtTheInvocationsDeadline) {
  auto bulkhead = make({.max_concurrent = 1, .max_wait = 10s});
  auto held = bulkhead.acquire();
  ASSERT_TRUE(held);
  const lift::InvocationDeadline invocation(Clock::now() + 50ms);
  const auto began = Clock::now();
  auto result = bulkhead.call([] { return Result<int>(1); });
  ASSERT_FALSE(result);
  EXPECT_LT(Clock::now() - began, 5s);
}

TEST(Bulkhead, PlacesAreGivenBackHoweverTheCallEnds) {
  auto bulkhead = make({.max_concurrent = 1});
  EXPECT_THROW((void)bulkhead.call([]() -> Result<int> { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_EQ(bulkhead.in_flight(), 0);
  EXPECT_FALSE(bulkhead.call([] { return Result<int>(lift::Error{"Backend.Down", "", 503}); }));
  EXPECT_EQ(bulkhead.in_flight(), 0);
  {
    auto permit = bulkhead.acquire();
    ASSERT_TRUE(permit);
    EXPECT_EQ(bulkhead.in_flight(), 1);
    EXPECT_FALSE(bulkhead.acquire());
    auto moved = std::move(*permit);
    EXPECT_EQ(bulkhead.in_flight(), 1);
  }
  EXPECT_EQ(bulkhead.in_flight(), 0);
  // A permit keeps its bulkhead alive.
  auto permit = Bulkhead::create("short-lived", {.max_concurrent = 1})->acquire();
  ASSERT_TRUE(permit);
}

TEST(Bulkhead, CopiesShareOneLimit) {
  auto bulkhead = make({.max_concurrent = 1});
  const Bulkhead copy = bulkhead;
  auto held = bulkhead.acquire();
  ASSERT_TRUE(held);
  EXPECT_EQ(copy.call([] { return Result<int>(1); }).error().code, "BulkheadFull");
  EXPECT_EQ(copy.name(), "backend");
}

TEST(Bulkhead, InvalidOptionsAreRefusedWithTheFieldNamed) {
  for (const auto& [options, field] : std::vector<std::pair<BulkheadOptions, const char*>>{
           {{.max_concurrent = 0}, "max_concurrent"},
           {{.max_concurrent = -4}, "max_concurrent"},
           {{.max_wait = -1ms}, "max_wait"},
       }) {
    auto bulkhead = Bulkhead::create("bad", options);
    ASSERT_FALSE(bulkhead) << field;
    EXPECT_EQ(bulkhead.error().code, "InvalidConfiguration");
    ASSERT_EQ(bulkhead.error().details.size(), 1u);
    EXPECT_EQ(bulkhead.error().details[0].field, field);
    EXPECT_NE(bulkhead.error().message.find("bulkhead \"bad\""), std::string::npos);
  }
  EXPECT_EQ(Bulkhead::create("").error().details[0].field, "name");
}

}  // namespace
