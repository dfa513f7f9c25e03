// The README's rate limiting example, compiled and run as it is written there, on the embedded
// engine (LIFT_DYNAMODB_ENDPOINT=memory:, set by the test's registration).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "lift/app/database.hpp"
#include "lift/lift.hpp"
#include "lift/middleware/auth.hpp"
#include "lift/testing/invoke.hpp"
#include "support/readme_example.hpp"

// README begin
#include <lift/ratelimit/dynamodb.hpp>
#include <lift/ratelimit/middleware.hpp>

namespace rl = lift::ratelimit;
using namespace std::chrono_literals;

// In lift::run's factory: a bad limit fails the start (/init/error). The limit goes after the
// authentication middleware, whose principal it keys by.
lift::Result<void> limit_requests(lift::App& app, lift::Middleware authentication) {
  LIFT_TRY(limiter, rl::DynamoDbLimiter::create(lift::dynamodb(), {.table = "rate-limits"}));
  LIFT_TRY(limits, lift::mw::rate_limit({
      .limiter = limiter,
      .limit = rl::Limit{600, 60s},                                   // every route
      .routes = {{"POST", "/payments", rl::Limit{20, 60s}}},          // this one
      .tenant_limit = [](const lift::Context&, std::string_view tenant) -> std::optional<rl::Limit> {
        if (tenant == "enterprise") return rl::Limit{6000, 60s};      // a tenant's plan
        return std::nullopt;
      },
  }));
  app.use(std::move(authentication), std::move(limits));
  return {};
}
// README end

namespace {

namespace json = boost::json;

json::object request_as(const lift::testing::Http& http, const std::string& method, const std::string& tenant) {
  auto event = http.event(method, "/payments", method == "POST" ? "{}" : "", method == "POST" ? "application/json" : "").as_object();
  event["requestContext"].as_object()["authorizer"] =
      json::object{{"jwt", json::object{{"claims", json::object{{"sub", "u-" + tenant}, {"tenant_id", tenant}}}, {"scopes", json::array{}}}}};
  return event;
}

TEST(RateLimitReadme, LimitsTheRouteAndHonoursThePlan) {
  // On AWS the table is deployed with the function; here the embedded engine needs it made.
  ASSERT_TRUE((*rl::DynamoDbLimiter::create(lift::dynamodb(), {.table = "rate-limits"}))->create_table());
  lift::App app;
  ASSERT_TRUE(limit_requests(app, lift::mw::gateway_principal({}, true)));
  app.post("/payments", [](lift::Context&) { return json::value{{"paid", true}}; });
  app.get("/payments", [](lift::Context&) { return json::value{{"items", json::array{}}}; });
  const auto http = lift::testing::http(app);

  for (int i = 0; i < 20; ++i) ASSERT_EQ(lift::testing::invoke_http(app, request_as(http, "POST", "acme")).status, 200) << i;
  auto refused = lift::testing::invoke_http(app, request_as(http, "POST", "acme"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_TRUE(refused.headers.get("retry-after"));
  auto listed = lift::testing::invoke_http(app, request_as(http, "GET", "acme"));
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.headers.get("ratelimit-limit").value_or(""), "600");
  auto enterprise = lift::testing::invoke_http(app, request_as(http, "POST", "enterprise"));
  EXPECT_EQ(enterprise.headers.get("ratelimit-limit").value_or(""), "6000");
}

TEST(RateLimitReadme, TheReadmeShowsThisExample) {
  EXPECT_EQ(lift::testing_support::readme_example_problem("tests/unit/ratelimit/readme_example_test.cpp"), "");
}

}  // namespace
