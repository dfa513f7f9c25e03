// The circuit breaker's state machine on a fake clock: every transition, the windows, probes
// and their concurrency, outcomes of calls from an earlier state, logging, the registry and
// validation of the options.
#include "lift/resilience/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lift/resilience/errors.hpp"
#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using lift::Error;
using lift::Result;
using lift::resilience::BreakerState;
using lift::resilience::BreakerTransition;
using lift::resilience::CircuitBreaker;
using lift::resilience::CircuitBreakerOptions;
using lift::resilience::SlidingWindow;
using lift::resilience::testing::CapturedLog;
using lift::resilience::testing::FakeClock;

const Error kDown{"Backend.Unavailable", "down", 503};

Result<int> succeed() { return 1; }
Result<int> fail() { return kDown; }

// Options on a fake clock, logging nowhere unless a test asks.
CircuitBreakerOptions on(const FakeClock& clock, CircuitBreakerOptions options = {}) {
  options.now = clock.function();
  options.log = nullptr;
  return options;
}

CircuitBreaker make(const FakeClock& clock, CircuitBreakerOptions options) {
  auto breaker = CircuitBreaker::create("backend", on(clock, std::move(options)));
  EXPECT_TRUE(breaker) << breaker.error().message;
  return *breaker;
}

// minimum 4 calls in a window of 10, opens at 50 % failures, open 5 s, 2 probes.
CircuitBreakerOptions small() {
  return {.window_size = 10, .minimum_calls = 4, .failure_rate_threshold = 50, .open_duration = 5s, .half_open_calls = 2};
}

void open_it(const CircuitBreaker& breaker) {
  for (int i = 0; i < 10 && breaker.state() != BreakerState::open; ++i) (void)breaker.call(fail);
  ASSERT_EQ(breaker.state(), BreakerState::open);
}

TEST(CircuitBreaker, StaysClosedUntilTheMinimumNumberOfCalls) {
  FakeClock clock;
  auto breaker = make(clock, small());
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(breaker.call(fail));
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 100 % failures, but only 3 calls
  EXPECT_FALSE(breaker.call(fail));
  EXPECT_EQ(breaker.state(), BreakerState::open);
}

TEST(CircuitBreaker, OpensWhenTheFailureRateReachesTheThreshold) {
  FakeClock clock;
  auto breaker = make(clock, small());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(breaker.call(succeed));
  EXPECT_FALSE(breaker.call(fail));
  EXPECT_FALSE(breaker.call(fail));
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 2 of 5: 40 %
  EXPECT_FALSE(breaker.call(fail));
  EXPECT_EQ(breaker.state(), BreakerState::open);  // 3 of 6: 50 %
}

TEST(CircuitBreaker, TheCountWindowForgetsTheOldestCalls) {
  FakeClock clock;
  auto breaker = make(clock, small());
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(breaker.call([] { return Result<int>(Error{"NotFound", "", 404}); }));
  // Four failures spread over ten-call windows never reach half of them.
  for (int round = 0; round < 5; ++round) {
    (void)breaker.call(fail);
    for (int i = 0; i < 9; ++i) (void)breaker.call(succeed);
  }
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  // Five failures among the last ten calls do.
  for (int i = 0; i < 5; ++i) (void)breaker.call(fail);
  EXPECT_EQ(breaker.state(), BreakerState::open);
}

TEST(CircuitBreaker, AnOpenBreakerRefusesWithoutCalling) {
  FakeClock clock;
  auto breaker = make(clock, small());
  open_it(breaker);
  int calls = 0;
  auto result = breaker.call([&] {
    ++calls;
    return succeed();
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(result.error().code, "CircuitOpen");
  EXPECT_EQ(result.error().status, 503);
  ASSERT_EQ(result.error().details.size(), 1u);
  EXPECT_EQ(result.error().details[0].field, "breaker");
  EXPECT_EQ(result.error().details[0].message, "backend");
  EXPECT_TRUE(lift::resilience::is_rejection(result.error()));
}

TEST(CircuitBreaker, HalfOpensOnlyAfterTheOpenDuration) {
  FakeClock clock;
  auto breaker = make(clock, small());
  open_it(breaker);
  clock.advance(4999ms);
  EXPECT_FALSE(breaker.call(succeed));
  EXPECT_EQ(breaker.state(), BreakerState::open);
  clock.advance(1ms);
  EXPECT_EQ(breaker.state(), BreakerState::open);  // until a call comes
  EXPECT_TRUE(breaker.call(succeed));
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
}

TEST(CircuitBreaker, SuccessfulProbesCloseItWithAnEmptyWindow) {
  FakeClock clock;
  auto breaker = make(clock, small());
  open_it(breaker);
  clock.advance(5s);
  EXPECT_TRUE(breaker.call(succeed));
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  EXPECT_TRUE(breaker.call(succeed));
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  // The failures that opened it are forgotten: three more stay under the minimum.
  for (int i = 0; i < 3; ++i) (void)breaker.call(fail);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, FailedProbesOpenItAgainForAnotherOpenDuration) {
  FakeClock clock;
  auto breaker = make(clock, small());
  open_it(breaker);
  clock.advance(5s);
  EXPECT_TRUE(breaker.call(succeed));
  EXPECT_FALSE(breaker.call(fail));  // 1 of 2 probes failed: 50 %
  EXPECT_EQ(breaker.state(), BreakerState::open);
  clock.advance(4s);
  EXPECT_EQ(breaker.call(succeed).error().code, "CircuitOpen");
  clock.advance(1s);
  EXPECT_TRUE(breaker.call(succeed));
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
}

TEST(CircuitBreaker, OnlyTheProbesPassWhileTheyAreInFlight) {
  FakeClock clock;
  auto breaker = make(clock, small());
  open_it(breaker);
  clock.advance(5s);
  const auto first = breaker.acquire();
  const auto second = breaker.acquire();
  ASSERT_TRUE(first.granted);
  ASSERT_TRUE(second.granted);
  EXPECT_FALSE(breaker.acquire().granted);  // both probes taken, neither finished
  auto refused = breaker.call(succeed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "CircuitOpen");
  EXPECT_NE(refused.error().message.find("half-open"), std::string::npos);
  breaker.record(first, nullptr);
  EXPECT_EQ(breaker.state(), BreakerState::half_open);  // one probe still out
  EXPECT_FALSE(breaker.acquire().granted);
  breaker.record(second, nullptr);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, ConcurrentCallersGetExactlyTheProbes) {
  FakeClock clock;
  auto options = small();
  options.half_open_calls = 3;
  auto breaker = make(clock, options);
  open_it(breaker);
  clock.advance(5s);
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::vector<lift::resilience::detail::BreakerPermit> permits(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      permits[static_cast<std::size_t>(t)] = breaker.acquire();
    });
  }
  for (auto& thread : threads) thread.join();
  int granted = 0;
  for (const auto& permit : permits) granted += permit.granted ? 1 : 0;
  EXPECT_EQ(granted, 3);
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  // The probes finish on their threads at once: the last one decides.
  threads.clear();
  for (const auto& permit : permits) {
    if (!permit.granted) continue;
    threads.emplace_back([&, permit] { breaker.record(permit, nullptr); });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, OutcomesOfCallsFromAnEarlierStateAreDropped) {
  FakeClock clock;
  auto breaker = make(clock, small());
  const auto early = breaker.acquire();  // a call that began while closed
  open_it(breaker);
  clock.advance(5s);
  const auto probe = breaker.acquire();
  ASSERT_TRUE(probe.granted);
  breaker.record(early, &kDown);  // finishes now, late: not a probe
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  breaker.record(probe, nullptr);
  const auto last = breaker.acquire();
  ASSERT_TRUE(last.granted);
  breaker.record(last, nullptr);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, AnswersAboutTheRequestAreNotFailures) {
  FakeClock clock;
  auto breaker = make(clock, small());
  for (int i = 0; i < 20; ++i) (void)breaker.call([] { return Result<int>(Error{"NotFound", "no such item", 404}); });
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  // is_failure chooses otherwise.
  auto options = small();
  options.is_failure = [](const Error& e) { return e.status == 404; };
  auto strict = make(clock, options);
  for (int i = 0; i < 4; ++i) (void)strict.call([] { return Result<int>(Error{"NotFound", "no such item", 404}); });
  EXPECT_EQ(strict.state(), BreakerState::open);
}

TEST(CircuitBreaker, AThrowIsAFailureAndPropagates) {
  FakeClock clock;
  auto breaker = make(clock, small());
  for (int i = 0; i < 4; ++i) {
    EXPECT_THROW((void)breaker.call([]() -> Result<int> { throw std::runtime_error("boom"); }), std::runtime_error);
  }
  EXPECT_EQ(breaker.state(), BreakerState::open);
}

TEST(CircuitBreaker, OpensOnTheSlowCallRate) {
  FakeClock clock;
  auto options = small();
  options.slow_call_duration = 100ms;
  options.slow_call_rate_threshold = 75;
  auto breaker = make(clock, options);
  const auto slow = [&] {
    clock.advance(150ms);
    return succeed();
  };
  const auto quick = [&] {
    clock.advance(99ms);
    return succeed();
  };
  (void)breaker.call(quick);
  for (int i = 0; i < 2; ++i) (void)breaker.call(slow);
  (void)breaker.call(quick);
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 2 of 4 slow: 50 %
  for (int i = 0; i < 4; ++i) (void)breaker.call(slow);
  EXPECT_EQ(breaker.state(), BreakerState::open);  // 6 of 8: 75 %
}

TEST(CircuitBreaker, SlowProbesReopenIt) {
  FakeClock clock;
  auto options = small();
  options.slow_call_duration = 100ms;
  auto breaker = make(clock, options);
  open_it(breaker);
  clock.advance(5s);
  for (int i = 0; i < 2; ++i) {
    (void)breaker.call([&] {
      clock.advance(200ms);
      return succeed();
    });
  }
  EXPECT_EQ(breaker.state(), BreakerState::open);  // every probe slow: 100 %
}

TEST(CircuitBreaker, TheTimeWindowCountsOnlyTheLastSeconds) {
  FakeClock clock;
  auto breaker = make(clock, {.window = SlidingWindow::time_based, .window_size = 10, .minimum_calls = 4, .open_duration = 5s});
  // Two failures and two successes 11 s ago are out of the window by now.
  (void)breaker.call(fail);
  (void)breaker.call(fail);
  (void)breaker.call(succeed);
  clock.advance(11s);
  (void)breaker.call(succeed);
  (void)breaker.call(fail);
  (void)breaker.call(succeed);
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 3 calls in the window: under the minimum
  clock.advance(3s);
  (void)breaker.call(fail);
  EXPECT_EQ(breaker.state(), BreakerState::open);  // 2 of 4 over 3 s
}

TEST(CircuitBreaker, TheTimeWindowReusesItsBucketsAsTimeGoesOn) {
  FakeClock clock;
  auto breaker = make(clock, {.window = SlidingWindow::time_based, .window_size = 3, .minimum_calls = 2, .open_duration = 5s});
  // One failure every 4 s among successes never shares a 3 s window with another.
  for (int second = 0; second < 40; ++second) {
    if (second % 4 == 0) (void)breaker.call(fail);
    (void)breaker.call(succeed);
    (void)breaker.call(succeed);
    clock.advance(1s);
  }
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  // The window is now seconds 38 to 40: four successes, then failures.
  for (int i = 0; i < 3; ++i) (void)breaker.call(fail);
  EXPECT_EQ(breaker.state(), BreakerState::closed);  // 3 of 7
  (void)breaker.call(fail);
  EXPECT_EQ(breaker.state(), BreakerState::open);  // 4 of 8
}

TEST(CircuitBreaker, EachStateChangeIsLoggedOnceAndReported) {
  FakeClock clock;
  CapturedLog log;
  std::vector<BreakerTransition> seen;
  auto options = on(clock, small());
  options.log = log.stream();
  options.on_state_change = [&](const BreakerTransition& change) { seen.push_back(change); };
  auto breaker = CircuitBreaker::create("orders-db", options);
  ASSERT_TRUE(breaker);
  (void)breaker->call(succeed);
  for (int i = 0; i < 3; ++i) (void)breaker->call(fail);
  for (int i = 0; i < 5; ++i) (void)breaker->call(fail);  // refused: no more lines
  clock.advance(5s);
  (void)breaker->call(succeed);
  (void)breaker->call(succeed);

  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            R"({"level":"WARN","message":"circuit breaker opened","breaker":"orders-db","from":"closed","to":"open",)"
            R"("calls":4,"failure_rate":75,"slow_call_rate":0,"open_ms":5000})");
  EXPECT_EQ(lines[1],
            R"({"level":"INFO","message":"circuit breaker half-open","breaker":"orders-db","from":"open","to":"half_open"})");
  EXPECT_EQ(lines[2],
            R"({"level":"INFO","message":"circuit breaker closed","breaker":"orders-db","from":"half_open","to":"closed",)"
            R"("calls":2,"failure_rate":0,"slow_call_rate":0})");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].breaker, "orders-db");
  EXPECT_EQ(seen[0].to, BreakerState::open);
  EXPECT_EQ(seen[0].calls, 4);
  EXPECT_DOUBLE_EQ(seen[0].failure_rate, 75);
  EXPECT_EQ(seen[1].to, BreakerState::half_open);
  EXPECT_EQ(seen[2].from, BreakerState::half_open);
  EXPECT_EQ(seen[2].to, BreakerState::closed);
}

TEST(CircuitBreaker, ManyThreadsFailingTogetherOpenItOnce) {
  FakeClock clock;
  CapturedLog log;
  std::atomic<int> opened{0};
  auto options = on(clock, {.window_size = 50, .minimum_calls = 10, .open_duration = 5s});
  options.log = log.stream();
  options.on_state_change = [&](const BreakerTransition& change) {
    if (change.to == BreakerState::open) ++opened;
  };
  auto breaker = CircuitBreaker::create("shared", options);
  ASSERT_TRUE(breaker);
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < 200; ++i) {
        auto result = breaker->call(fail);
        if (result.error().code == "CircuitOpen") ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(breaker->state(), BreakerState::open);
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(log.lines().size(), 1u);
  EXPECT_GT(refused.load(), kThreads * 200 - 100);  // once open, every call is refused
}

TEST(CircuitBreaker, ManyThreadsSucceedingKeepItClosed) {
  FakeClock clock;
  auto breaker = make(clock, {.window_size = 100, .minimum_calls = 10});
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        // One call in ten fails: well under the threshold however the threads interleave.
        auto result = breaker.call((i + t) % 10 == 0 ? fail : succeed);
        if (!result && result.error().code == "CircuitOpen") ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_EQ(failed.load(), 0);
}

TEST(CircuitBreaker, ResetClosesIt) {
  FakeClock clock;
  auto breaker = make(clock, small());
  open_it(breaker);
  breaker.reset();
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  for (int i = 0; i < 3; ++i) (void)breaker.call(fail);
  EXPECT_EQ(breaker.state(), BreakerState::closed);
}

TEST(CircuitBreaker, CopiesShareOneBreaker) {
  FakeClock clock;
  auto breaker = make(clock, small());
  const CircuitBreaker copy = breaker;
  open_it(breaker);
  EXPECT_EQ(copy.state(), BreakerState::open);
  EXPECT_EQ(copy.name(), "backend");
}

TEST(BreakerRegistry, OneBreakerPerName) {
  FakeClock clock;
  lift::resilience::BreakerRegistry registry;
  auto first = registry.get_or_create("dynamodb", on(clock, small()));
  auto again = registry.get_or_create("dynamodb", on(clock, {}));
  auto other = registry.get_or_create("payments", on(clock, small()));
  ASSERT_TRUE(first && again && other);
  open_it(*first);
  EXPECT_EQ(again->state(), BreakerState::open);  // the same breaker, with its first options
  EXPECT_EQ(other->state(), BreakerState::closed);
  ASSERT_TRUE(registry.find("dynamodb"));
  EXPECT_EQ(registry.find("dynamodb")->state(), BreakerState::open);
  EXPECT_FALSE(registry.find("nothing"));
  const auto all = registry.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name(), "dynamodb");
  EXPECT_EQ(all[1].name(), "payments");
  // Invalid options are refused even for a name that exists.
  auto bad = registry.get_or_create("dynamodb", on(clock, {.window_size = 0}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidConfiguration");
}

TEST(BreakerRegistry, TheProcessRegistryIsSharedByEveryThread) {
  constexpr int kThreads = 8;
  std::barrier start(kThreads);
  std::vector<std::thread> threads;
  std::vector<std::optional<CircuitBreaker>> got(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      auto breaker = lift::resilience::breakers().get_or_create("registry-test", {.log = nullptr});
      if (breaker) got[static_cast<std::size_t>(t)] = *breaker;
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(got[0]);
  got[0]->reset();
  for (auto& breaker : got) {
    ASSERT_TRUE(breaker);
    for (int i = 0; i < 3; ++i) (void)breaker->call(fail);
  }
  // 24 failures through 8 handles went into one window.
  EXPECT_EQ(lift::resilience::breakers().find("registry-test")->state(), BreakerState::open);
}

TEST(CircuitBreaker, InvalidOptionsAreRefusedWithTheFieldNamed) {
  struct Case {
    CircuitBreakerOptions options;
    const char* field;
  };
  const std::vector<Case> cases{
      {{.window_size = 0}, "window_size"},
      {{.window_size = -5}, "window_size"},
      {{.window_size = 1'000'001}, "window_size"},
      {{.window = SlidingWindow::time_based, .window_size = 3601}, "window_size"},
      {{.minimum_calls = 0}, "minimum_calls"},
      {{.window_size = 10, .minimum_calls = 11}, "minimum_calls"},
      {{.failure_rate_threshold = 0}, "failure_rate_threshold"},
      {{.failure_rate_threshold = 100.5}, "failure_rate_threshold"},
      {{.failure_rate_threshold = -10}, "failure_rate_threshold"},
      {{.failure_rate_threshold = std::numeric_limits<double>::quiet_NaN()}, "failure_rate_threshold"},
      {{.slow_call_rate_threshold = 150}, "slow_call_rate_threshold"},
      {{.slow_call_duration = -1ms}, "slow_call_duration"},
      {{.open_duration = 0ms}, "open_duration"},
      {{.open_duration = -1s}, "open_duration"},
      {{.half_open_calls = 0}, "half_open_calls"},
      {{.half_open_calls = 1001}, "half_open_calls"},
      {{.now = nullptr}, "now"},
  };
  for (const auto& c : cases) {
    auto breaker = CircuitBreaker::create("bad", c.options);
    ASSERT_FALSE(breaker) << c.field;
    EXPECT_EQ(breaker.error().code, "InvalidConfiguration");
    EXPECT_EQ(breaker.error().status, 500);
    ASSERT_EQ(breaker.error().details.size(), 1u);
    EXPECT_EQ(breaker.error().details[0].field, c.field);
    EXPECT_NE(breaker.error().message.find("circuit breaker \"bad\""), std::string::npos) << breaker.error().message;
  }
  EXPECT_EQ(CircuitBreaker::create("").error().details[0].field, "name");
  // A time window may be shorter than the minimum number of calls: many calls fit in a second.
  EXPECT_TRUE(CircuitBreaker::create("ok", {.window = SlidingWindow::time_based, .window_size = 5, .minimum_calls = 50}));
}

}  // namespace

namespace {

using lift::resilience::parse_breaker_options;

TEST(BreakerOptionsText, EveryKeyIsRead) {
  const auto options = parse_breaker_options(
      " failure_rate=40%, slow_rate=80 ,window=20,min_calls=5,slow_call=1.5s,open_for=500ms,probes=2", "LIFT_X");
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->failure_rate_threshold, 40);
  EXPECT_EQ(options->slow_call_rate_threshold, 80);
  EXPECT_EQ(options->window, SlidingWindow::count_based);
  EXPECT_EQ(options->window_size, 20);
  EXPECT_EQ(options->minimum_calls, 5);
  EXPECT_EQ(options->slow_call_duration, 1500ms);
  EXPECT_EQ(options->open_duration, 500ms);
  EXPECT_EQ(options->half_open_calls, 2);
}

TEST(BreakerOptionsText, ASecondsWindowIsTimeBasedAndOnKeepsTheBase) {
  const auto timed = parse_breaker_options("window=30s,min_calls=50", "LIFT_X");
  ASSERT_TRUE(timed) << timed.error().message;
  EXPECT_EQ(timed->window, SlidingWindow::time_based);
  EXPECT_EQ(timed->window_size, 30);
  EXPECT_EQ(timed->minimum_calls, 50);

  CircuitBreakerOptions base;
  base.minimum_calls = 7;
  const auto on = parse_breaker_options("on", "LIFT_X", base);
  ASSERT_TRUE(on);
  EXPECT_EQ(on->minimum_calls, 7);
  const auto changed = parse_breaker_options("open_for=2s", "LIFT_X", base);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->minimum_calls, 7);
  EXPECT_EQ(changed->open_duration, 2s);
}

TEST(BreakerOptionsText, BadTextIsAnErrorNamingTheVariableAndThePair) {
  for (const char* text : {"", "failure_rate", "failure_rate=lots", "window=0.5s", "window=many", "min_calls=2.5",
                           "open_for=5", "open_for=5 minutes", "probes=x", "colour=red", "failure_rate=50%,,"}) {
    const auto parsed = parse_breaker_options(text, "LIFT_X");
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, lift::resilience::kInvalidConfiguration) << text;
    EXPECT_NE(parsed.error().message.find("LIFT_X"), std::string::npos) << parsed.error().message;
  }
}

TEST(BreakerOptionsText, OptionsThatCannotWorkAreRefusedAsCreateRefusesThem) {
  for (const char* text : {"failure_rate=0", "failure_rate=150%", "window=0", "window=10,min_calls=11", "open_for=0s",
                           "probes=0", "min_calls=-1", "window=7200s", "window=99999999999s", "slow_call=-1s"}) {
    const auto parsed = parse_breaker_options(text, "LIFT_X");
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, lift::resilience::kInvalidConfiguration) << text;
    EXPECT_NE(parsed.error().message.find("LIFT_X"), std::string::npos) << parsed.error().message;
  }
}

}  // namespace

namespace {

TEST(BreakerRegistry, ListenersHearEveryStateChangeUntilTheirSubscriptionEnds) {
  FakeClock clock;
  lift::resilience::BreakerRegistry registry;
  std::vector<std::string> heard;
  std::vector<std::string> own;
  auto options = on(clock, {.window_size = 2, .minimum_calls = 2, .open_duration = 1s, .half_open_calls = 1});
  options.on_state_change = [&](const BreakerTransition& change) { own.emplace_back(lift::resilience::to_string(change.to)); };
  auto breaker = registry.get_or_create("listened", options).value();
  {
    auto subscription = registry.on_state_change([&](const BreakerTransition& change) {
      heard.push_back(std::string(change.breaker) + ":" + std::string(lift::resilience::to_string(change.to)));
    });
    (void)breaker.call(fail);
    (void)breaker.call(fail);
    clock.advance(1s);
    (void)breaker.call(succeed);
    auto moved = std::move(subscription);
    breaker.reset();  // already closed: no change
    (void)breaker.call(fail);
    (void)breaker.call(fail);
  }
  (void)breaker.call(fail);
  clock.advance(1s);
  (void)breaker.call(succeed);  // after the subscription ended: not heard
  EXPECT_EQ(heard, (std::vector<std::string>{"listened:open", "listened:half_open", "listened:closed", "listened:open"}));
  EXPECT_EQ(own, (std::vector<std::string>{"open", "half_open", "closed", "open", "half_open", "closed"}));
}

TEST(BreakerRegistry, BreakersAndSubscriptionsMayOutliveTheirRegistry) {
  FakeClock clock;
  int heard = 0;
  std::optional<lift::resilience::BreakerSubscription> subscription;
  std::optional<CircuitBreaker> breaker;
  {
    lift::resilience::BreakerRegistry registry;
    breaker = registry.get_or_create("outlives", on(clock, {.window_size = 1, .minimum_calls = 1, .open_duration = 1s})).value();
    subscription.emplace(registry.on_state_change([&](const BreakerTransition&) { ++heard; }));
  }
  (void)breaker->call(fail);
  EXPECT_EQ(heard, 1);
  subscription.reset();
  breaker->reset();
  EXPECT_EQ(heard, 1);
}

}  // namespace
