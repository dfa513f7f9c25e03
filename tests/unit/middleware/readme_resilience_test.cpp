// The README's example of resilience in the AWS clients and the HTTP middleware, compiled and
// run as it is written there (the last test checks that the README still holds these lines).
#include <gtest/gtest.h>

#include <string>

#include "lift/resilience/circuit_breaker.hpp"
#include "support/http_request.hpp"
#include "support/readme_example.hpp"
#include "support/scoped_env.hpp"

// README begin
#include <lift/app/database.hpp>
#include <lift/lift.hpp>
#include <lift/middleware/resilience.hpp>

using namespace std::chrono_literals;

// lift::run's factory: options that cannot work fail the start (/init/error).
lift::Result<lift::App> make_app() {
  // lift::dynamodb() and ctx.db() go through the breaker "dynamodb" (LIFT_DYNAMODB_BREAKER tunes it).
  LIFT_TRY_VOID(lift::use_dynamodb_breaker({.minimum_calls = 5, .open_duration = 5s}));
  LIFT_TRY(shedding, lift::mw::load_shedding({.max_in_flight = 16,
                                              .priorities = {{"/health", lift::mw::Priority::critical},
                                                             {"POST /orders", lift::mw::Priority::sheddable}}}));
  LIFT_TRY(timeouts, lift::mw::deadline({.routes = {{"GET /search", 800ms}}}));
  LIFT_TRY(chaos, lift::mw::faults_from_environment());  // LIFT_FAULTS="route:POST /orders=error:503@10%"
  lift::App app;
  app.use(lift::mw::request_id(), lift::mw::recover(), std::move(shedding), std::move(timeouts), std::move(chaos));
  app.get("/health", [](lift::Context&) { return std::string("pass"); });
  app.post("/orders", [](lift::Context&) { return lift::created(std::string("ordered")); });
  return app;
}
// README end

namespace {

using lift::testing_support::request;

TEST(ResilienceMiddlewareReadme, TheExampleRunsAndItsFaultsAnswer) {
  {
    auto app = make_app();
    ASSERT_TRUE(app) << app.error().message;
    EXPECT_EQ(app->handle(request("GET", "/health")).status, 200);
    EXPECT_EQ(app->handle(request("POST", "/orders")).status, 201);
  }
  const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "route:POST /orders=error:503");
  auto app = make_app();
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_EQ(app->handle(request("POST", "/orders")).status, 503);
  EXPECT_EQ(app->handle(request("GET", "/health")).status, 200);
}

TEST(ResilienceMiddlewareReadme, TheReadmeShowsThisExample) {
  EXPECT_EQ(lift::testing_support::readme_example_problem("tests/unit/middleware/readme_resilience_test.cpp"), "");
}

}  // namespace
