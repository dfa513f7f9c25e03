// The error notifier against a fake SNS on 127.0.0.1: what it publishes (and never), the
// de-duplicating window with its count of suppressed errors, a slow or failing SNS that neither
// delays the answer beyond the timeout nor fails it, and configuration refused at start-up.
#include "lift/middleware/error_notifier.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <thread>

#include <boost/json.hpp>

#include "integration/aws/fake_service.hpp"
#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/middleware/middleware.hpp"
#include "lift/runtime/context.hpp"
#include "support/http_request.hpp"

namespace {

namespace json = boost::json;
using lift::App;
using lift::Context;
using lift::Result;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;
using namespace std::chrono_literals;

constexpr const char* kTopic = "arn:aws:sns:us-east-1:123456789012:partner-a-prod-errors";

lift::http::Request request(std::string method, std::string path, std::string body = {}) {
  auto r = lift::testing_support::request(std::move(method), std::move(path));
  r.body = std::move(body);
  return r;
}

FakeAnswer published() {
  return FakeAnswer{200, "<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>", "text/xml"};
}

// The form parameters of a query protocol request, decoded.
std::map<std::string, std::string> form(const std::string& body) {
  std::map<std::string, std::string> out;
  const auto decode = [](std::string_view text) {
    std::string value;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        value.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        value.push_back(text[i] == '+' ? ' ' : text[i]);
      }
    }
    return value;
  };
  for (std::size_t start = 0; start < body.size();) {
    const auto amp = std::min(body.find('&', start), body.size());
    const auto pair = std::string_view(body).substr(start, amp - start);
    const auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    start = amp + 1;
  }
  return out;
}

std::shared_ptr<lift::aws::SnsClient> sns_for(const FakeService& fake) {
  auto options = lift::testing_support::options_for<lift::aws::SnsOptions>(fake.endpoint(), lift::testing_support::quick_retries(1));
  return std::make_shared<lift::aws::SnsClient>(std::move(*lift::aws::SnsClient::create(std::move(options))));
}

App app_with(lift::Middleware notifier) {
  App app;
  app.use(std::move(notifier), lift::mw::recover());
  app.post("/orders/:id", [](Context&) -> Result<void> { return lift::errors::unavailable("the orders table is throttled"); });
  app.get("/boom", [](Context&) -> Result<void> { throw std::runtime_error("password=hunter2"); });
  app.get("/bad", [](Context&) -> Result<void> { return lift::errors::bad_request("no"); });
  app.get("/gateway", [](Context& ctx) -> Result<void> {
    ctx.response().status = 502;
    return {};
  });
  app.get("/ok", [](Context&) -> Result<void> { return {}; });
  return app;
}

TEST(ErrorNotifier, PublishesWhatAnOperatorNeedsAndNothingElse) {
  FakeService fake([](const SeenRequest&, int) { return published(); });
  auto notifier = lift::mw::error_notifier({.topic_arn = kTopic, .sns = sns_for(fake), .function_name = "orders-api"});
  ASSERT_TRUE(notifier) << notifier.error().message;
  auto app = app_with(*notifier);

  lift::runtime::InvocationContext invocation;
  invocation.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
  invocation.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  invocation.deadline = std::chrono::system_clock::now() + 10s;
  auto response = app.handle(request("POST", "/orders/42", R"({"card":"4111111111111111"})"), &invocation);
  EXPECT_EQ(response.status, 503);
  ASSERT_EQ(fake.requests(), 1);
  auto parameters = form(fake.seen()[0].body);
  EXPECT_EQ(parameters["Action"], "Publish");
  EXPECT_EQ(parameters["TopicArn"], kTopic);
  EXPECT_EQ(parameters["Subject"], "lift error: orders-api ServiceUnavailable");
  EXPECT_EQ(parameters["MessageAttributes.entry.1.Name"], "error_code");
  EXPECT_EQ(parameters["MessageAttributes.entry.1.Value.StringValue"], "ServiceUnavailable");
  EXPECT_EQ(parameters["MessageAttributes.entry.2.Name"], "function");
  const auto message = json::parse(parameters["Message"]);
  EXPECT_EQ(message, json::parse(R"({"source": "lift.error_notifier", "function": "orders-api", "route": "/orders/:id",
    "method": "POST", "error_code": "ServiceUnavailable", "status": 503, "request_id": "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
    "trace_id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "suppressed": 0,
    "window_seconds": 300})"));
  // Neither the body nor the error's message travel.
  EXPECT_EQ(fake.seen()[0].body.find("4111"), std::string::npos);
  EXPECT_EQ(fake.seen()[0].body.find("throttled"), std::string::npos);
}

TEST(ErrorNotifier, FiveHundredsAndExceptionsOnlyNeverClientErrors) {
  FakeService fake([](const SeenRequest&, int) { return published(); });
  auto app = app_with(*lift::mw::error_notifier({.topic_arn = kTopic, .sns = sns_for(fake), .function_name = "f"}));
  EXPECT_EQ(app.handle(request("GET", "/ok")).status, 200);
  EXPECT_EQ(app.handle(request("GET", "/bad")).status, 400);
  EXPECT_EQ(app.handle(request("GET", "/nope")).status, 404);
  EXPECT_EQ(fake.requests(), 0);
  EXPECT_EQ(app.handle(request("GET", "/gateway")).status, 502);
  EXPECT_EQ(app.handle(request("GET", "/boom")).status, 500);
  ASSERT_EQ(fake.requests(), 2);
  EXPECT_EQ(json::parse(form(fake.seen()[0].body)["Message"]).at("error_code"), "Http502");
  auto boom = form(fake.seen()[1].body);
  EXPECT_EQ(json::parse(boom["Message"]).at("error_code"), "InternalError");  // recover, inside, made it a 500
  EXPECT_EQ(fake.seen()[1].body.find("hunter2"), std::string::npos);

  // Without recover inside, the exception itself is reported, then goes on its way.
  App bare;
  bare.use(*lift::mw::error_notifier({.topic_arn = kTopic, .sns = sns_for(fake), .function_name = "f"}));
  bare.get("/boom", [](Context&) -> Result<void> { throw std::runtime_error("x"); });
  fake.clear();
  (void)bare.handle(request("GET", "/boom"));
  ASSERT_EQ(fake.requests(), 1);
  EXPECT_EQ(json::parse(form(fake.seen()[0].body)["Message"]).at("error_code"), "UnhandledException");
}

TEST(ErrorNotifier, OneMessagePerRouteAndCodePerWindowThenTheSuppressedCount) {
  FakeService fake([](const SeenRequest&, int) { return published(); });
  auto app = app_with(*lift::mw::error_notifier({.topic_arn = kTopic, .window = 1s, .sns = sns_for(fake), .function_name = "f"}));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(app.handle(request("POST", "/orders/" + std::to_string(i))).status, 503);
  EXPECT_EQ(app.handle(request("GET", "/gateway")).status, 502);  // another route: its own window
  ASSERT_EQ(fake.requests(), 2);
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(app.handle(request("POST", "/orders/9")).status, 503);
  ASSERT_EQ(fake.requests(), 3);
  const auto next = json::parse(form(fake.seen()[2].body)["Message"]);
  EXPECT_EQ(next.at("route"), "/orders/:id");
  EXPECT_EQ(next.at("suppressed"), 4);
  EXPECT_EQ(next.at("window_seconds"), 1);
}

TEST(ErrorNotifier, ASlowOrFailingSnsNeitherDelaysNorFailsTheAnswer) {
  FakeService slow([](const SeenRequest&, int) {
    auto answer = published();
    answer.delay = 3s;
    return answer;
  });
  std::FILE* log = std::tmpfile();
  ASSERT_NE(log, nullptr);
  auto app = app_with(*lift::mw::error_notifier(
      {.topic_arn = kTopic, .publish_timeout = 200ms, .sns = sns_for(slow), .function_name = "f", .log = log}));
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(app.handle(request("POST", "/orders/1")).status, 503);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1500ms);

  FakeService failing([](const SeenRequest&, int) {
    return FakeAnswer{403, "<ErrorResponse><Error><Code>AuthorizationError</Code><Message>not allowed</Message></Error></ErrorResponse>",
                      "text/xml"};
  });
  auto denied = app_with(*lift::mw::error_notifier({.topic_arn = kTopic, .sns = sns_for(failing), .function_name = "f", .log = log}));
  EXPECT_EQ(denied.handle(request("POST", "/orders/1")).status, 503);

  std::rewind(log);
  std::string lines(4096, '\0');
  lines.resize(std::fread(lines.data(), 1, lines.size(), log));
  std::fclose(log);
  EXPECT_NE(lines.find(R"("message":"error notification not published")"), std::string::npos) << lines;
  EXPECT_NE(lines.find("Http.Timeout"), std::string::npos) << lines;
  EXPECT_NE(lines.find("SNS.AuthorizationError"), std::string::npos) << lines;
}

TEST(ErrorNotifier, BadConfigurationIsAStartUpError) {
  for (const char* topic : {"", "alerts", "arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:sns::123456789012:t", "arn:aws:sns:us-east-1:1:"}) {
    auto notifier = lift::mw::error_notifier({.topic_arn = topic});
    ASSERT_FALSE(notifier) << topic;
    EXPECT_EQ(notifier.error().code, "Config");
  }
  EXPECT_FALSE(lift::mw::error_notifier({.topic_arn = kTopic, .window = 0s}));
  EXPECT_FALSE(lift::mw::error_notifier({.topic_arn = kTopic, .publish_timeout = 0ms}));
  EXPECT_FALSE(lift::mw::error_notifier({.topic_arn = kTopic, .max_tracked = 0}));
  EXPECT_TRUE(lift::mw::error_notifier({.topic_arn = kTopic}));  // its own client, for us-east-1
}

}  // namespace
