// Circuit breakers inside the AWS clients over real connections: against an endpoint where
// nothing listens, calls fail fast with CircuitOpen once the breaker opened; against dynalite
// stopped and started again on the same port, probes close the breaker and calls succeed.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/aws/protection.hpp"
#include "lift/aws/secrets_manager.hpp"
#include "lift/resilience/errors.hpp"
#include "support/dynalite.hpp"
#include "support/requirements.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::aws::DynamoDbClient;
using lift::aws::DynamoDbOptions;
using lift::resilience::BreakerState;
using lift::resilience::CircuitBreaker;
using lift::resilience::CircuitBreakerOptions;
using lift::resilience::FaultPlan;
using lift::testing_support::Dynalite;

std::shared_ptr<lift::aws::CredentialsChain> test_credentials() {
  return std::make_shared<lift::aws::CredentialsChain>(std::vector<lift::aws::CredentialsProvider>{
      []() -> lift::Result<lift::aws::Credentials> { return lift::aws::Credentials{"AKIDTEST", "test-secret", "", std::nullopt, "test"}; }});
}

std::shared_ptr<lift::aws::HttpClient> direct_http() {
  lift::aws::HttpClientOptions http;
  http.proxy = "";
  http.connect_timeout = 500ms;
  return std::make_shared<lift::aws::HttpClient>(http);
}

lift::aws::RetryPolicy quick_retries() {
  lift::aws::RetryPolicy policy;
  policy.max_attempts = 2;
  policy.base_delay = 5ms;
  policy.max_delay = 10ms;
  policy.deadline_margin = 0ms;
  return policy;
}

CircuitBreaker breaker(std::string name, std::chrono::milliseconds open_for) {
  CircuitBreakerOptions options;
  options.window_size = 3;
  options.minimum_calls = 3;
  options.open_duration = open_for;
  options.half_open_calls = 1;
  options.is_failure = lift::aws::is_service_failure;
  options.log = nullptr;
  return CircuitBreaker::create(std::move(name), std::move(options)).value();
}

DynamoDbClient dynamodb_at(const std::string& endpoint, const CircuitBreaker& with_breaker) {
  DynamoDbOptions options;
  options.endpoint = endpoint;
  options.region = "us-east-1";
  options.retry = quick_retries();
  options.credentials = test_credentials();
  options.http = direct_http();
  options.breaker = with_breaker;
  options.faults = FaultPlan{};
  return DynamoDbClient::create(std::move(options)).value();
}

Clock::time_point soon() { return Clock::now() + 5s; }

TEST(ClientBreaker, NothingListeningOpensTheBreakerAndThenEveryCallFailsFast) {
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(lift::testing_support::free_local_port());
  const auto dynamodb_breaker = breaker("breaker-test-dynamodb", 60s);
  auto dynamodb = dynamodb_at(endpoint, dynamodb_breaker);
  for (int call = 0; call < 3; ++call) {
    const auto refused = dynamodb.list_tables({}, soon());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, lift::kHttpConnectFailed);
  }
  ASSERT_EQ(dynamodb_breaker.state(), BreakerState::open);
  for (int call = 0; call < 20; ++call) {
    const auto started = Clock::now();
    const auto answer = dynamodb.list_tables({}, soon());
    const auto took = Clock::now() - started;
    ASSERT_FALSE(answer);
    EXPECT_EQ(answer.error().code, lift::resilience::kCircuitOpen);
    EXPECT_EQ(answer.error().status, 503);
    EXPECT_LT(took, 5ms);
  }

  // Every client of the shared service core behaves alike: Secrets Manager here.
  const auto secrets_breaker = breaker("breaker-test-secrets", 60s);
  lift::aws::SecretsManagerOptions options;
  options.endpoint = endpoint;
  options.region = "us-east-1";
  options.retry = quick_retries();
  options.credentials = test_credentials();
  options.http = direct_http();
  options.breaker = secrets_breaker;
  options.faults = FaultPlan{};
  auto secrets = lift::aws::SecretsManagerClient::create(std::move(options)).value();
  for (int call = 0; call < 3; ++call) EXPECT_FALSE(secrets.get_secret_value({.secret_id = "db"}, soon()));
  ASSERT_EQ(secrets_breaker.state(), BreakerState::open);
  const auto started = Clock::now();
  const auto answer = secrets.get_secret_value({.secret_id = "db"}, soon());
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, lift::resilience::kCircuitOpen);
  EXPECT_LT(Clock::now() - started, 5ms);
}

TEST(ClientBreaker, DynaliteStoppedAndStartedAgainIsFoundByTheProbes) {
  auto dynalite = std::make_optional<Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR);
  if (!dynalite->available()) LIFT_SKIP_WITHOUT() << dynalite->why_unavailable();
  const auto port = dynalite->port();
  const auto b = breaker("breaker-test-dynalite", 300ms);
  auto client = dynamodb_at(dynalite->endpoint(), b);
  ASSERT_TRUE(client.list_tables({}, soon()));

  dynalite.reset();  // DynamoDB goes away
  for (int call = 0; call < 3; ++call) EXPECT_FALSE(client.list_tables({}, soon()));
  ASSERT_EQ(b.state(), BreakerState::open);
  const auto refused = client.list_tables({}, soon());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, lift::resilience::kCircuitOpen);

  dynalite.emplace(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR, port);  // and comes back
  ASSERT_TRUE(dynalite->available()) << dynalite->why_unavailable();
  // Once open_for has passed, the next call is the probe: it reaches dynalite and closes it.
  const auto until = Clock::now() + 5s;
  lift::Result<boost::json::object> answer = lift::Error{};
  while (Clock::now() < until) {
    answer = client.list_tables({}, soon());
    if (answer) break;
    EXPECT_EQ(answer.error().code, lift::resilience::kCircuitOpen);
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(b.state(), BreakerState::closed);
  for (int call = 0; call < 5; ++call) EXPECT_TRUE(client.list_tables({}, soon()));
}

}  // namespace
