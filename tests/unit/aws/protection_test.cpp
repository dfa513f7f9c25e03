// Breakers and faults inside the AWS clients, on the embedded DynamoDB engine (no network):
// injected throttling retried, failures opening the breaker and the engine no longer asked,
// 4xx answers not counted, probes closing it again, LIFT_FAULTS read when a client is made.
#include "lift/aws/protection.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/aws/secrets_manager.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/resilience/errors.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::Error;
using lift::aws::DynamoDbClient;
using lift::aws::DynamoDbOptions;
using lift::resilience::BreakerState;
using lift::resilience::CircuitBreaker;
using lift::resilience::CircuitBreakerOptions;
using lift::resilience::FaultPlan;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

// Retries that do not make a test wait.
lift::aws::RetryPolicy quick_retries(int attempts = 3) {
  lift::aws::RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.base_delay = 1ms;
  policy.throttling_base_delay = 1ms;
  policy.max_delay = 2ms;
  policy.deadline_margin = 0ms;
  return policy;
}

// A fake clock the breaker reads.
struct FakeClock {
  std::atomic<std::int64_t> ns{0};
  [[nodiscard]] Clock::time_point now() const { return Clock::time_point(std::chrono::nanoseconds(ns.load())); }
  void advance(std::chrono::nanoseconds by) { ns += by.count(); }
};

// A breaker counting what the AWS clients count, opening after `calls` failed calls of as many.
CircuitBreaker breaker(const FakeClock& clock, int calls = 2) {
  CircuitBreakerOptions options;
  options.window_size = calls;
  options.minimum_calls = calls;
  options.open_duration = 1s;
  options.half_open_calls = 1;
  options.is_failure = lift::aws::is_service_failure;
  options.now = [&clock] { return clock.now(); };
  options.log = nullptr;
  return CircuitBreaker::create("dynamodb-test", std::move(options)).value();
}

// Random draws for a fault plan, given in order (then 0.99: no fault).
struct Draws {
  std::mutex mutex;
  std::deque<double> values;
  int taken = 0;
  lift::RetryEnvironment environment() {
    lift::RetryEnvironment out;
    out.random = [this] {
      const std::lock_guard lock(mutex);
      ++taken;
      if (values.empty()) return 0.99;
      const double next = values.front();
      values.pop_front();
      return next;
    };
    out.sleep = [](std::chrono::milliseconds) {};
    return out;
  }
};

class ClientOnEngine : public ::testing::Test {
 protected:
  // A client of `engine_` whose transport counts the calls that reached it; `fail_with` set:
  // the transport answers that instead of the engine.
  DynamoDbClient client(std::optional<CircuitBreaker> with_breaker = {}, std::optional<FaultPlan> faults = FaultPlan{},
                        int attempts = 3) {
    DynamoDbOptions options;
    options.region = "us-east-1";
    options.retry = quick_retries(attempts);
    options.breaker = std::move(with_breaker);
    options.faults = std::move(faults);
    options.transport = [this, inner = lift::dynamorm::memory_transport(engine_)](std::string_view operation,
                                                                               std::string_view body) {
      ++reached_;
      if (fail_with) return *fail_with;
      return inner(operation, body);
    };
    return DynamoDbClient::create(std::move(options)).value();
  }

  static Clock::time_point soon() { return Clock::now() + 5s; }

  void create_table(DynamoDbClient& client) {
    auto made = client.create_table(obj(R"({"TableName":"todos","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})"),
                                    soon());
    ASSERT_TRUE(made) << made.error().message;
  }

  lift::dynamorm::MemoryEngine engine_;
  std::atomic<int> reached_{0};
  std::optional<std::pair<int, std::string>> fail_with;
};

TEST_F(ClientOnEngine, AnInjectedThrottlingIsRetriedAndTheCallSucceeds) {
  Draws draws;
  draws.values = {0.10, 0.99};  // the first attempt throttled (10 < 50), the second not
  auto plan = FaultPlan::parse("dynamodb=throttling@50%", draws.environment()).value();
  auto c = client({}, std::move(plan));
  const auto answer = c.list_tables({}, soon());
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(draws.taken, 2);
  EXPECT_EQ(reached_, 1);  // the throttled attempt never reached the engine
}

TEST_F(ClientOnEngine, ThrottlingOnEveryAttemptFailsAfterTheRetriesAndOpensTheBreaker) {
  FakeClock clock;
  auto b = breaker(clock);
  auto c = client(b, FaultPlan::parse("dynamodb=throttling@100%").value());
  for (int call = 0; call < 2; ++call) {
    const auto answer = c.list_tables({}, soon());
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, "Fault.Throttling");
    EXPECT_EQ(answer.error().status, 429);
  }
  EXPECT_EQ(b.state(), BreakerState::open);
  const auto refused = c.list_tables({}, soon());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, lift::resilience::kCircuitOpen);
  EXPECT_EQ(refused.error().status, 503);
  EXPECT_EQ(reached_, 0);
}

TEST_F(ClientOnEngine, AFailingEngineOpensTheBreakerAndProbesCloseItWhenItIsBack) {
  FakeClock clock;
  auto b = breaker(clock);
  auto c = client(b);
  fail_with = {500, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"boom"})"};
  for (int call = 0; call < 2; ++call) EXPECT_FALSE(c.list_tables({}, soon()));
  EXPECT_EQ(b.state(), BreakerState::open);
  const int before = reached_;
  for (int call = 0; call < 10; ++call) {
    const auto refused = c.list_tables({}, soon());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, lift::resilience::kCircuitOpen);
  }
  EXPECT_EQ(reached_, before);  // refused calls never reach DynamoDB

  fail_with.reset();  // DynamoDB is back
  clock.advance(1s);
  const auto probe = c.list_tables({}, soon());
  ASSERT_TRUE(probe) << probe.error().message;
  EXPECT_EQ(b.state(), BreakerState::closed);
  EXPECT_TRUE(c.list_tables({}, soon()));
}

TEST_F(ClientOnEngine, ClientErrorsDoNotOpenTheBreaker) {
  FakeClock clock;
  auto b = breaker(clock);
  auto c = client(b);
  create_table(c);
  for (int call = 0; call < 5; ++call) {
    // A table that does not exist: 400 ResourceNotFound.
    const auto missing = c.get_item(obj(R"({"TableName":"nope","Key":{"id":{"S":"1"}}})"), soon());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, lift::aws::kDynamoDbResourceNotFound);
    // A condition that does not hold: 400 ConditionalCheckFailed.
    const auto conflict = c.put_item(
        obj(R"j({"TableName":"todos","Item":{"id":{"S":"1"}},"ConditionExpression":"attribute_exists(id)"})j"), soon());
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code, lift::aws::kDynamoDbConditionalCheckFailed);
    // A request DynamoDB cannot read: 400 Validation.
    const auto invalid = c.put_item(obj(R"({"TableName":"todos","Item":{}})"), soon());
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().code, lift::aws::kDynamoDbValidation);
  }
  EXPECT_EQ(b.state(), BreakerState::closed);
}

TEST_F(ClientOnEngine, InjectedErrorsCountByTheirStatus) {
  FakeClock clock;
  auto client_errors = breaker(clock);
  auto c = client(client_errors, FaultPlan::parse("dynamodb=error:403").value());
  for (int call = 0; call < 4; ++call) {
    const auto answer = c.list_tables({}, soon());
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().status, 403);
  }
  EXPECT_EQ(client_errors.state(), BreakerState::closed);
  EXPECT_EQ(reached_, 0);

  auto server_errors = CircuitBreaker::create("dynamodb-test-5xx", {.window_size = 2, .minimum_calls = 2, .log = nullptr}).value();
  auto d = client(server_errors, FaultPlan::parse("dynamodb=timeout").value(), 1);
  for (int call = 0; call < 2; ++call) {
    const auto answer = d.list_tables({}, soon());
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, lift::kHttpTimeout);
  }
  EXPECT_EQ(server_errors.state(), BreakerState::open);
}

TEST_F(ClientOnEngine, AnInjectedExceptionPropagatesAndCountsAsAFailure) {
  FakeClock clock;
  auto b = breaker(clock);
  auto c = client(b, FaultPlan::parse("dynamodb=exception").value());
  for (int call = 0; call < 2; ++call) EXPECT_THROW((void)c.list_tables({}, soon()), lift::resilience::InjectedFault);
  EXPECT_EQ(b.state(), BreakerState::open);
}

TEST_F(ClientOnEngine, WithoutFaultsOrBreakerTheEngineIsCalledOnceAsBefore) {
  auto c = client();
  fail_with = {503, R"({"__type":"com.amazonaws.dynamodb.v20120810#ServiceUnavailable","message":"busy"})"};
  EXPECT_FALSE(c.list_tables({}, soon()));
  EXPECT_EQ(reached_, 1);
}

TEST_F(ClientOnEngine, LiftFaultsIsReadWhenTheClientIsMadeForItsServiceOnly) {
  {
    const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "ssm=error:500; dynamo*=error:418");
    auto c = client({}, std::nullopt);
    const auto answer = c.list_tables({}, soon());
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().status, 418);
    EXPECT_EQ(answer.error().code, "Fault.Injected");
  }
  {
    const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "ssm=error:500");
    auto c = client({}, std::nullopt);
    EXPECT_TRUE(c.list_tables({}, soon()));
  }
  {
    // A plan given in code is used instead of the variable.
    const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "dynamodb=error:500");
    auto c = client({}, FaultPlan{});
    EXPECT_TRUE(c.list_tables({}, soon()));
  }
}

TEST(ServiceProtection, AnUnreadableLiftFaultsIsAnErrorWhenAClientIsMade) {
  const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "dynamodb=throttling@150%");
  DynamoDbOptions options;
  options.transport = lift::dynamorm::memory_transport();
  const auto dynamodb = DynamoDbClient::create(std::move(options));
  ASSERT_FALSE(dynamodb);
  EXPECT_EQ(dynamodb.error().code, lift::resilience::kInvalidConfiguration);
  EXPECT_NE(dynamodb.error().message.find("LIFT_FAULTS"), std::string::npos);

  lift::aws::SecretsManagerOptions secrets;
  secrets.endpoint = "http://127.0.0.1:9";
  const auto secrets_client = lift::aws::SecretsManagerClient::create(std::move(secrets));
  ASSERT_FALSE(secrets_client);
  EXPECT_EQ(secrets_client.error().code, lift::resilience::kInvalidConfiguration);
}

TEST(ServiceProtection, WhatCountsAgainstAService) {
  using lift::aws::is_service_failure;
  EXPECT_TRUE(is_service_failure({std::string(lift::kHttpConnectFailed), "refused", 0}));
  EXPECT_TRUE(is_service_failure({std::string(lift::kHttpConnectionLost), "reset", 0}));
  EXPECT_TRUE(is_service_failure({std::string(lift::kHttpTimeout), "slow", 504}));
  EXPECT_TRUE(is_service_failure({"DynamoDB.InternalServerError", "boom", 500}));
  EXPECT_TRUE(is_service_failure({std::string(lift::aws::kDynamoDbThroughputExceeded), "slow down", 400}));
  EXPECT_TRUE(is_service_failure({"SecretsManager.InternalServiceError", "boom", 500}));
  EXPECT_FALSE(is_service_failure({std::string(lift::aws::kDynamoDbConditionalCheckFailed), "no", 400}));
  EXPECT_FALSE(is_service_failure({std::string(lift::aws::kDynamoDbValidation), "bad", 400}));
  EXPECT_FALSE(is_service_failure({std::string(lift::aws::kDynamoDbResourceNotFound), "none", 400}));
  EXPECT_FALSE(is_service_failure({"SecretsManager.AccessDenied", "no", 403}));
  EXPECT_FALSE(is_service_failure({"aws.credentials_not_found", "none", 500}));
  EXPECT_FALSE(is_service_failure({"aws.deadline_exceeded", "late", 504}));
  EXPECT_FALSE(is_service_failure({std::string(lift::resilience::kCircuitOpen), "open", 503}));
}

TEST(ServiceProtection, ServiceBreakersAreSharedByNameAndCountServiceFailures) {
  auto first = lift::aws::service_breaker("protection-test", {.window_size = 2, .minimum_calls = 2, .log = nullptr}).value();
  auto second = lift::aws::service_breaker("protection-test").value();
  const auto fail_with = [&](Error error) { (void)second.call([&]() -> lift::Result<int> { return error; }); };
  fail_with({std::string(lift::aws::kDynamoDbConditionalCheckFailed), "no", 400});
  fail_with({std::string(lift::aws::kDynamoDbConditionalCheckFailed), "no", 400});
  EXPECT_EQ(first.state(), BreakerState::closed);
  fail_with({std::string(lift::kHttpConnectFailed), "refused", 0});
  fail_with({std::string(lift::kHttpConnectFailed), "refused", 0});
  EXPECT_EQ(first.state(), BreakerState::open);
  EXPECT_FALSE(lift::aws::service_breaker("protection-test", {.minimum_calls = 0}));
}

}  // namespace
