// Fault injection: reading LIFT_FAULTS (and refusing what cannot be read), drawing the
// percentages, carrying faults out, and the faults driving retries, breakers and fallbacks.
#include "lift/resilience/faults.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <vector>

#include "lift/core/failure_kind.hpp"
#include "lift/resilience/circuit_breaker.hpp"
#include "lift/resilience/fallback.hpp"
#include "lift/resilience/retry.hpp"

namespace {

using namespace std::chrono_literals;
using lift::Error;
using lift::Result;
using lift::resilience::FaultKind;
using lift::resilience::FaultPlan;

// Draws from a script (then 0.5), and records the latencies slept.
struct FakeChance {
  std::deque<double> draws;
  std::vector<std::chrono::milliseconds> slept;
  lift::RetryEnvironment environment() {
    lift::RetryEnvironment e;
    e.random = [this] {
      if (draws.empty()) return 0.5;
      const double next = draws.front();
      draws.pop_front();
      return next;
    };
    e.sleep = [this](std::chrono::milliseconds d) { slept.push_back(d); };
    return e;
  }
};

FaultPlan plan(std::string_view text, FakeChance& chance) {
  auto parsed = FaultPlan::parse(text, chance.environment());
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed ? *parsed : FaultPlan();
}

TEST(Faults, ReadsEveryKindOfRule) {
  FakeChance chance;
  const auto faults = plan(
      " dynamodb=throttling@20% ;payments=latency:300ms@50;; route:POST /todos=error:503@12.5%; *=timeout; ssm=unavailable;"
      "secrets=exception@0%; slow=latency:2s",
      chance);
  const auto& rules = faults.rules();
  ASSERT_EQ(rules.size(), 7u);
  EXPECT_EQ(rules[0].target, "dynamodb");
  EXPECT_EQ(rules[0].kind, FaultKind::throttling);
  EXPECT_DOUBLE_EQ(rules[0].percent, 20);
  EXPECT_EQ(rules[0].text, "dynamodb=throttling@20%");
  EXPECT_EQ(rules[1].kind, FaultKind::latency);
  EXPECT_EQ(rules[1].latency, 300ms);
  EXPECT_DOUBLE_EQ(rules[1].percent, 50);
  EXPECT_TRUE(rules[2].route);
  EXPECT_EQ(rules[2].target, "POST /todos");
  EXPECT_EQ(rules[2].kind, FaultKind::error);
  EXPECT_EQ(rules[2].status, 503);
  EXPECT_DOUBLE_EQ(rules[2].percent, 12.5);
  EXPECT_EQ(rules[3].kind, FaultKind::timeout);
  EXPECT_DOUBLE_EQ(rules[3].percent, 100);
  EXPECT_EQ(rules[4].kind, FaultKind::unavailable);
  EXPECT_EQ(rules[5].kind, FaultKind::exception);
  EXPECT_DOUBLE_EQ(rules[5].percent, 0);
  EXPECT_EQ(rules[6].latency, 2s);
  EXPECT_EQ(faults.describe(),
            "dynamodb=throttling@20%; payments=latency:300ms@50; route:POST /todos=error:503@12.5%; *=timeout; ssm=unavailable; "
            "secrets=exception@0%; slow=latency:2s");
  EXPECT_TRUE(FaultPlan::parse("").value().empty());
  EXPECT_TRUE(FaultPlan::parse(" ; ").value().empty());
}

TEST(Faults, RefusesRulesItCannotRead) {
  for (const char* text : {"dynamodb", "=throttling", "route:=timeout", "dynamodb=slow", "dynamodb=throttling@120%",
                           "dynamodb=throttling@-1%", "dynamodb=throttling@lots", "dynamodb=throttling@", "dynamodb=latency:300",
                           "dynamodb=latency:0ms", "dynamodb=latency:-5ms", "dynamodb=latency:16m", "dynamodb=latency:20min",
                           "dynamodb=error:200", "dynamodb=error:600", "dynamodb=error:abc", "ok=timeout; dynamodb=latency:1h"}) {
    auto parsed = FaultPlan::parse(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, "InvalidConfiguration");
    ASSERT_EQ(parsed.error().details.size(), 1u);
    EXPECT_EQ(parsed.error().details[0].field, "LIFT_FAULTS");
    EXPECT_NE(parsed.error().message.find("LIFT_FAULTS rule \""), std::string::npos) << parsed.error().message;
  }
  EXPECT_NE(FaultPlan::parse("dynamodb=slow").error().message.find("unknown fault \"slow\""), std::string::npos);
}

TEST(Faults, AppliesARuleToItsShareOfTheCalls) {
  FakeChance chance;
  const auto faults = plan("dynamodb=unavailable@20%", chance);
  chance.draws = {0.19, 0.2, 0.99, 0.0};
  EXPECT_TRUE(faults.decide_for_dependency("dynamodb").failure);  // 19 < 20
  EXPECT_FALSE(faults.decide_for_dependency("dynamodb").failure);  // 20: not under 20
  EXPECT_FALSE(faults.decide_for_dependency("dynamodb").failure);
  EXPECT_TRUE(faults.decide_for_dependency("DynamoDB").failure);  // names in any case
  EXPECT_TRUE(faults.decide_for_dependency("ssm").none());
  EXPECT_TRUE(faults.decide_for_route("GET", "dynamodb").none());  // a dependency rule is not a route rule
}

TEST(Faults, LatenciesAddUpAndTheFirstFailureWins) {
  FakeChance chance;
  const auto faults = plan("*=latency:100ms; pay*=latency:50ms; payments=error:502; *=unavailable; other=timeout", chance);
  const auto decision = faults.decide_for_dependency("payments");
  EXPECT_EQ(decision.latency, 150ms);
  ASSERT_TRUE(decision.failure);
  EXPECT_EQ(decision.failure->status, 502);
  const auto route = plan("route:GET /todos/*=latency:10ms; route:* /todos/:id=error:418", chance).decide_for_route("GET", "/todos/:id");
  EXPECT_EQ(route.latency, 10ms);
  ASSERT_TRUE(route.failure);
  EXPECT_EQ(route.failure->status, 418);
}

TEST(Faults, CallsCarryTheFaultsOut) {
  FakeChance chance;
  const auto faults = plan("slow=latency:300ms; broken=error:503; thrown=exception", chance);
  int calls = 0;
  const auto fn = [&] { return Result<int>(++calls); };

  EXPECT_EQ(*faults.call("slow", fn), 1);
  EXPECT_EQ(chance.slept, (std::vector<std::chrono::milliseconds>{300ms}));

  auto broken = faults.call("broken", fn);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, "Fault.Injected");
  EXPECT_EQ(broken.error().status, 503);
  ASSERT_EQ(broken.error().details.size(), 1u);
  EXPECT_EQ(broken.error().details[0].field, "fault");
  EXPECT_EQ(broken.error().details[0].message, "broken=error:503");

  EXPECT_THROW((void)faults.call("thrown", fn), lift::resilience::InjectedFault);
  EXPECT_EQ(*faults.call("healthy", fn), 2);
  EXPECT_EQ(calls, 2);  // the failed and thrown calls were never made
  EXPECT_EQ(*FaultPlan().call("broken", fn), 3);  // no plan, no faults
}

TEST(Faults, InjectedFailuresAreClassifiedAsTheRealOnes) {
  FakeChance chance;
  const auto faults = plan("t=throttling; u=unavailable; o=timeout; n=error:404", chance);
  const auto error_of = [&](std::string_view name) { return faults.call(name, [] { return Result<int>(1); }).error(); };
  EXPECT_EQ(lift::classify_error(error_of("t")), lift::FailureKind::throttling);
  EXPECT_EQ(error_of("t").status, 429);
  EXPECT_EQ(lift::classify_error(error_of("u")), lift::FailureKind::transient);
  EXPECT_EQ(lift::classify_error(error_of("o")), lift::FailureKind::timeout);
  EXPECT_EQ(error_of("o").code, "Http.Timeout");
  EXPECT_EQ(lift::classify_error(error_of("n")), lift::FailureKind::fatal);
}

TEST(Faults, FromTheEnvironment) {
  ::setenv("LIFT_FAULTS", "dynamodb=timeout@5%", 1);
  auto parsed = FaultPlan::from_environment();
  ::unsetenv("LIFT_FAULTS");
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->rules().size(), 1u);
  EXPECT_EQ(parsed->rules()[0].kind, FaultKind::timeout);
  auto unset = FaultPlan::from_environment();
  ASSERT_TRUE(unset);
  EXPECT_TRUE(unset->empty());
}

// Chaos: what the other utilities promise, shown under injected faults.
TEST(Faults, ARetriedCallSucceedsThroughIntermittentFailures) {
  FakeChance chance;
  const auto faults = plan("payments=unavailable@50%", chance);
  chance.draws = {0.1, 0.3, 0.7};  // fails, fails, goes through
  int charged = 0;
  auto receipt = lift::resilience::retry({.max_attempts = 5, .environment = {.sleep = [](auto) {}}},
                                         [&] { return faults.call("payments", [&] { return Result<int>(++charged); }); });
  ASSERT_TRUE(receipt);
  EXPECT_EQ(charged, 1);
}

TEST(Faults, AnOpenBreakerFailsFastAndTheFallbackAnswers) {
  FakeChance chance;
  const auto faults = plan("payments=unavailable", chance);
  auto breaker = lift::resilience::CircuitBreaker::create("chaos-payments",
                                                          {.window_size = 10, .minimum_calls = 5, .open_duration = 1h, .log = nullptr});
  ASSERT_TRUE(breaker);
  int reached = 0;
  const auto charge = [&] {
    return breaker->call([&] { return faults.call("payments", [&] { return Result<int>(++reached); }); });
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(charge().error().code, "Fault.ServiceUnavailable");
  EXPECT_EQ(breaker->state(), lift::resilience::BreakerState::open);
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    auto answer = lift::resilience::with_fallback(charge, -1, {.log = nullptr});
    ASSERT_EQ(*answer, -1);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - began, 100ms);  // microseconds each, no timeouts
  EXPECT_EQ(reached, 0);
}

}  // namespace
