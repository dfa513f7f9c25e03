// The README's example of the Lambda client, compiled and run as it is written there against a
// scripted Lambda on 127.0.0.1 (AWS_ENDPOINT_URL_LAMBDA points the client at it); the last test
// checks that the README still holds it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/aws/fake_service.hpp"
#include "support/http_request.hpp"
#include "support/readme_example.hpp"
#include "support/scoped_env.hpp"

// README begin
#include <lift/aws/lambda.hpp>
#include <lift/core/env.hpp>
#include <lift/lift.hpp>

using namespace std::chrono_literals;

lift::Result<lift::App> make_quotes_app() {
  // One client, made at init and shared by every worker (it is thread-safe).
  LIFT_TRY(client, lift::aws::LambdaClient::create());
  auto lambda = std::make_shared<lift::aws::LambdaClient>(std::move(client));
  const std::string pricing = lift::env_or("PRICING_FUNCTION", "pricing:live");

  lift::App app;
  app.post("/quotes", [lambda, pricing](lift::Context& ctx) -> lift::Result<lift::http::Response> {
    const auto deadline = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(ctx.remaining_time() / 2, 10s);
    LIFT_TRY(quote, lambda->invoke({.function_name = pricing, .payload = std::string(ctx.body())}, deadline));
    // The function ran and failed (it threw, timed out, ran out of memory): a 502 naming its error type.
    if (quote.function_failed()) return lift::aws::lambda_function_error(quote);
    // Fire and forget: Lambda queues the event (202) and runs the function later.
    LIFT_TRY(queued, lambda->invoke({.function_name = "quote-audit", .payload = quote.payload,
                                     .invocation_type = lift::aws::LambdaInvocationType::event}, deadline));
    return lift::http::Response::json(200, quote.payload);
  });
  return app;
}
// README end

namespace {

namespace json = boost::json;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::ScopedEnv;
using lift::testing_support::SeenRequest;

TEST(LambdaReadme, TheExampleInvokesPricingAndQueuesTheAudit) {
  bool pricing_fails = false;
  FakeService lambda([&](const SeenRequest& request, int) {
    if (request.target.starts_with("/2015-03-31/functions/quote-audit/invocations")) return FakeAnswer{202, "", "application/json"};
    if (pricing_fails)
      return FakeAnswer{200, R"({"errorType":"PricingUnavailable","errorMessage":"no rates"})", "application/json", "",
                        std::chrono::milliseconds(0), {{"X-Amz-Function-Error", "Unhandled"}}};
    const auto order = json::parse(request.body);
    return FakeAnswer{200, json::serialize(json::object{{"total", order.at("items").as_int64() * 5}}), "application/json"};
  });
  const ScopedEnv region("AWS_REGION", "eu-west-1");
  const ScopedEnv endpoint("AWS_ENDPOINT_URL_LAMBDA", lambda.endpoint());
  const ScopedEnv no_keys("AWS_ACCESS_KEY_ID", std::nullopt), no_profile("AWS_PROFILE", "lift-readme-none");

  auto app = make_quotes_app();
  ASSERT_TRUE(app) << app.error().message;
  auto request = lift::testing_support::request("POST", "/quotes");
  request.body = R"({"items": 3})";
  const auto answer = app->handle(request);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(json::parse(answer.body), json::parse(R"({"total": 15})"));
  auto seen = lambda.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].target, "/2015-03-31/functions/pricing%3Alive/invocations");
  EXPECT_EQ(seen[1].header("X-Amz-Invocation-Type"), "Event");
  EXPECT_EQ(seen[1].body, R"({"total":15})");

  pricing_fails = true;
  const auto failed = app->handle(request);
  EXPECT_EQ(failed.status, 502);
  EXPECT_NE(failed.body.find("PricingUnavailable"), std::string::npos) << failed.body;
  EXPECT_EQ(lambda.requests(), 3);  // no audit for a failed quote
}

TEST(LambdaReadme, TheReadmeShowsThisExample) {
  EXPECT_EQ(lift::testing_support::readme_example_problem("tests/unit/aws/readme_lambda_test.cpp"), "");
}

}  // namespace
