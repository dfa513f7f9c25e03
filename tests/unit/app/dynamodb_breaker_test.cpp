// The process's DynamoDB client behind its breaker, in a process of its own (the client is made
// once per process): lift::use_dynamodb_breaker in code, LIFT_DYNAMODB_BREAKER over it, and a
// route answering 503 CircuitOpen in the one error body, at once, while DynamoDB (the embedded
// engine under LIFT_FAULTS) keeps failing.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include "lift/app/database.hpp"
#include "lift/events/http_events.hpp"
#include "lift/lift.hpp"
#include "lift/resilience/errors.hpp"
#include "support/invocation.hpp"
#include "support/scoped_env.hpp"

namespace breaker_app_test {
struct Item {
  std::string id{};
};
BOOST_DESCRIBE_STRUCT(Item, (), (id))
}  // namespace breaker_app_test

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using breaker_app_test::Item;

struct Answer {
  int status = 0;
  json::value body;
};

Answer get(const lift::App& app, const std::string& path) {
  lift::events::HttpRequestDescription request;
  request.path = path;
  auto response = app.invoke(lift::testing_support::invocation(json::serialize(lift::events::http_api_event(request))));
  EXPECT_TRUE(response) << (response ? "" : response.error().message);
  if (!response) return {};
  const auto event = json::parse(response->body).as_object();
  return {static_cast<int>(event.at("statusCode").as_int64()), json::parse(event.at("body").as_string())};
}

TEST(ProcessDynamoDbBreaker, OptionsThatCannotWorkAreRefusedInTheFactory) {
  const auto refused = lift::use_dynamodb_breaker({.window_size = 5, .minimum_calls = 10});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, lift::resilience::kInvalidConfiguration);
}

TEST(ProcessDynamoDbBreaker, ARouteAnswers503CircuitOpenAtOnceOnceTheBreakerOpened) {
  // Read when the client is made, on its first use below.
  const lift::testing_support::ScopedEnv endpoint("LIFT_DYNAMODB_ENDPOINT", "memory:");
  const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "dynamodb=unavailable");
  const lift::testing_support::ScopedEnv breaker_text("LIFT_DYNAMODB_BREAKER", "window=3,min_calls=3,open_for=60s");
  // In code: a large window. LIFT_DYNAMODB_BREAKER wins.
  ASSERT_TRUE(lift::use_dynamodb_breaker({.window_size = 50, .minimum_calls = 50}));
  const lift::RequestTable<Item> items(lift::dynamorm::Model<Item>("breaker_items").partition_key(&Item::id, "PK"),
                                       {.create_table = false});
  lift::App app;
  app.use(lift::mw::recover());
  app.get("/items/:id", [&](lift::Context& ctx) -> lift::Result<Item> {
    LIFT_TRY(table, items.for_request(ctx));
    return table.get(std::string(*ctx.param("id")));
  });

  for (int call = 0; call < 3; ++call) {
    const auto failed = get(app, "/items/1");
    EXPECT_EQ(failed.status, 503);  // LIFT_FAULTS: dynamodb=unavailable
    EXPECT_NE(failed.body.at("error").at("code").as_string(), lift::resilience::kCircuitOpen);
  }
  const auto breaker = lift::resilience::breakers().find(lift::aws::kDynamoDbService);
  ASSERT_TRUE(breaker);
  EXPECT_EQ(breaker->state(), lift::resilience::BreakerState::open);
  for (int call = 0; call < 10; ++call) {
    const auto started = Clock::now();
    const auto refused = get(app, "/items/1");
    EXPECT_LT(Clock::now() - started, 50ms);
    EXPECT_EQ(refused.status, 503);
    EXPECT_EQ(refused.body.at("error").at("code").as_string(), lift::resilience::kCircuitOpen) << refused.body;
    EXPECT_EQ(refused.body.at("error").at("message").as_string(), "the data store is unavailable right now");
  }
  // ctx.db() is the same client.
  const auto direct = lift::dynamodb().list_tables({}, Clock::now() + 1s);
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, lift::resilience::kCircuitOpen);

  // Asked again once the client has its breaker (a factory run twice): fine, nothing changes.
  EXPECT_TRUE(lift::use_dynamodb_breaker());
}

}  // namespace
