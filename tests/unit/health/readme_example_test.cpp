// The README's health check example, compiled and run as it is written there (the last test
// checks that the README still holds these exact lines).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "support/readme_example.hpp"

// README begin
#include <lift/health/health.hpp>
#include <lift/lift.hpp>

namespace health = lift::health;
using namespace std::chrono_literals;

// In lift::run's factory: a check or an option that cannot work fails the start (/init/error).
lift::Result<void> add_health(lift::App& app, std::shared_ptr<lift::aws::DynamoDbClient> db) {
  LIFT_TRY(checker, health::Checker::create(
                        {health::dynamodb_table("orders", {.timeout = 1s, .client = db}),
                         health::circuit_breaker("payments"),
                         health::function("disk", [] { return health::Outcome::warn("80% full"); })},
                        {.cache_for = 5s, .service_id = "orders-api"}));
  return health::mount(app, checker);  // GET /health/live, /health/ready, /health
}
// README end

namespace {

TEST(HealthReadme, TheExampleServesItsChecks) {
  lift::dynamorm::MemoryEngine engine;
  lift::aws::DynamoDbOptions options;
  options.endpoint = "memory:";
  options.transport = lift::dynamorm::memory_transport(engine);
  auto db = std::make_shared<lift::aws::DynamoDbClient>(lift::aws::DynamoDbClient::create(std::move(options)).value());
  lift::App app;
  ASSERT_TRUE(add_health(app, db));
  lift::http::Request request;
  request.method = "GET";
  request.path = request.raw_path = "/health";
  const auto answer = app.handle(request);
  // No "orders" table: not ready, and the detail says why.
  EXPECT_EQ(answer.status, 503);
  const auto body = boost::json::parse(answer.body);
  EXPECT_EQ(body.at("status"), "fail");
  EXPECT_EQ(body.at("checks").at("orders:responseTime").at(0).at("status"), "fail");
  EXPECT_EQ(body.at("checks").at("payments:responseTime").at(0).at("status"), "pass");
  EXPECT_EQ(body.at("checks").at("disk:responseTime").at(0).at("status"), "warn");
}

TEST(HealthReadme, TheReadmeShowsThisExample) {
  EXPECT_EQ(lift::testing_support::readme_example_problem("tests/unit/health/readme_example_test.cpp"), "");
}

}  // namespace
