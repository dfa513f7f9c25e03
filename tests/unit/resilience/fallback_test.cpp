// Fallbacks: every form of fallback, which failures it answers, the log line with the reason,
// and the fallback composed with a breaker and a bulkhead.
#include "lift/resilience/fallback.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "lift/resilience/bulkhead.hpp"
#include "lift/resilience/circuit_breaker.hpp"
#include "test_support.hpp"

namespace {

using lift::Error;
using lift::Result;
using lift::resilience::FallbackOptions;
using lift::resilience::with_fallback;
using lift::resilience::testing::CapturedLog;

const Error kBackendDown{"Backend.Unavailable", "the backend is down", 503};

Result<std::string> fresh() { return std::string("fresh"); }
Result<std::string> broken() { return kBackendDown; }

FallbackOptions quiet() { return {.log = nullptr}; }

TEST(Fallback, ASuccessIsAnsweredAsItIs) {
  CapturedLog log;
  auto result = with_fallback(fresh, std::string("stale"), {.log = log.stream()});
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, "fresh");
  EXPECT_TRUE(log.lines().empty());
}

TEST(Fallback, AFailureIsAnsweredByTheFallbackInEveryForm) {
  EXPECT_EQ(*with_fallback(broken, std::string("a value"), quiet()), "a value");
  EXPECT_EQ(*with_fallback(broken, "converted", quiet()), "converted");
  EXPECT_EQ(*with_fallback(broken, [] { return std::string("made"); }, quiet()), "made");
  EXPECT_EQ(*with_fallback(broken, [](const Error& e) { return "after " + e.code; }, quiet()), "after Backend.Unavailable");
  EXPECT_EQ(*with_fallback(broken, []() -> Result<std::string> { return std::string("a result"); }, quiet()), "a result");
  // A fallback may fail too: its failure is the answer.
  auto both = with_fallback(broken, [](const Error&) -> Result<std::string> { return Error{"Cache.Empty", "nothing cached", 503}; },
                            quiet());
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().code, "Cache.Empty");
}

TEST(Fallback, VoidCallsTakeAFunction) {
  bool fell_back = false;
  auto result = with_fallback([]() -> Result<void> { return kBackendDown; }, [&] { fell_back = true; }, quiet());
  EXPECT_TRUE(result);
  EXPECT_TRUE(fell_back);
}

TEST(Fallback, WhenChoosesTheFailures) {
  const auto only_unavailable = [](const Error& e) { return e.status == 503; };
  auto answered = with_fallback(broken, "stale", {.when = only_unavailable, .log = nullptr});
  EXPECT_EQ(*answered, "stale");
  auto passed_on = with_fallback([] { return Result<std::string>(Error{"NotFound", "no such rate", 404}); }, "stale",
                                 {.when = only_unavailable, .log = nullptr});
  ASSERT_FALSE(passed_on);
  EXPECT_EQ(passed_on.error().code, "NotFound");
}

TEST(Fallback, AThrowIsNotAFailureToAnswer) {
  EXPECT_THROW((void)with_fallback([]() -> Result<int> { throw std::runtime_error("bug"); }, 0, quiet()), std::runtime_error);
}

TEST(Fallback, TheReasonIsLogged) {
  CapturedLog log;
  (void)with_fallback(broken, "stale", {.name = "exchange rates", .log = log.stream()});
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], R"({"level":"WARN","message":"fallback used","fallback":"exchange rates","reason":"call_failed",)"
                      R"("error_code":"Backend.Unavailable","error":"the backend is down"})");
}

TEST(Fallback, AnsweringForAnOpenBreakerOrAFullBulkhead) {
  CapturedLog log;
  auto breaker = lift::resilience::CircuitBreaker::create("rates", {.window_size = 2, .minimum_calls = 2, .log = nullptr});
  ASSERT_TRUE(breaker);
  for (int i = 0; i < 2; ++i) (void)breaker->call(broken);
  ASSERT_EQ(breaker->state(), lift::resilience::BreakerState::open);
  auto cached = with_fallback([&] { return breaker->call(fresh); }, "cached", {.name = "rates", .log = log.stream()});
  EXPECT_EQ(*cached, "cached");

  auto bulkhead = lift::resilience::Bulkhead::create("rates", {.max_concurrent = 1});
  ASSERT_TRUE(bulkhead);
  auto held = bulkhead->acquire();
  ASSERT_TRUE(held);
  auto shed = with_fallback([&] { return bulkhead->call(fresh); }, "cached", {.name = "rates", .log = log.stream()});
  EXPECT_EQ(*shed, "cached");

  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(R"("reason":"circuit_open","error_code":"CircuitOpen")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("reason":"bulkhead_full","error_code":"BulkheadFull")"), std::string::npos) << lines[1];
}

}  // namespace
