// The README's example of the AWS clients and the error notifier, compiled and run as it is
// written there against a scripted AWS on 127.0.0.1 (the standard AWS_ENDPOINT_URL_<SERVICE>
// variables point every client at it); the last test checks that the README still holds it.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "integration/aws/fake_service.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "support/http_request.hpp"
#include "support/readme_example.hpp"
#include "support/scoped_env.hpp"

// README begin
#include <lift/aws/eventbridge.hpp>
#include <lift/aws/s3.hpp>
#include <lift/aws/sqs.hpp>
#include <lift/core/env.hpp>
#include <lift/lift.hpp>
#include <lift/middleware/error_notifier.hpp>

using namespace std::chrono_literals;

struct Clients {  // made once at init, shared by every worker: the clients are thread-safe
  lift::aws::S3Client s3;
  lift::aws::SqsClient sqs;
  lift::aws::EventBridgeClient events;
};

lift::Result<lift::App> make_app() {
  LIFT_TRY(s3, lift::aws::S3Client::create());
  LIFT_TRY(sqs, lift::aws::SqsClient::create());
  LIFT_TRY(events, lift::aws::EventBridgeClient::create());
  auto clients = std::make_shared<Clients>(Clients{std::move(s3), std::move(sqs), std::move(events)});
  // 5xx answers and unhandled errors to SNS, one message per route and code every 5 minutes.
  LIFT_TRY(notify, lift::mw::error_notifier({.topic_arn = lift::env_or("ERRORS_TOPIC_ARN", ""), .window = 5min}));

  lift::App app;
  app.use(std::move(notify), lift::mw::recover());
  app.post("/orders/:id", [clients](lift::Context& ctx) -> lift::Result<void> {
    const auto deadline = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(ctx.remaining_time() / 2, 5s);
    const std::string id(ctx.param("id").value_or(""));
    LIFT_TRY(stored, clients->s3.put_object({.bucket = "orders-archive", .key = "orders/" + id + ".json",
                                             .body = std::string(ctx.body()), .content_type = "application/json"}, deadline));
    LIFT_TRY(queued, clients->sqs.send_message({.queue_url = lift::env_or("ORDERS_QUEUE_URL", ""), .body = std::string(ctx.body()),
                                                .attributes = {{"order", lift::aws::MessageAttribute::string(id)}}}, deadline));
    LIFT_TRY(put, clients->events.put_events({{.source = "com.example.orders", .detail_type = "OrderPlaced",
                                               .detail = std::string(ctx.body())}}, deadline));
    if (put.failed_count > 0) return lift::errors::unavailable("OrderPlaced not accepted: " + put.entries[0].error_code);
    ctx.response().status = 202;
    return {};
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

TEST(ClientsReadme, TheExampleStoresQueuesAndPublishes) {
  bool events_fail = false;
  FakeService aws([&](const SeenRequest& request, int) {
    const auto target = request.header("X-Amz-Target");
    if (target == "AmazonSQS.SendMessage") {
      const auto body = json::parse(request.body).at("MessageBody").as_string();
      return FakeAnswer{200, R"({"MessageId": "m", "MD5OfMessageBody": ")" + lift::hex::encode(lift::digest::md5(body)) + "\"}",
                        "application/x-amz-json-1.0"};
    }
    if (target == "AWSEvents.PutEvents")
      return FakeAnswer{200, events_fail ? R"({"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "x"}]})"
                                         : R"({"FailedEntryCount": 0, "Entries": [{"EventId": "e"}]})"};
    if (request.body.starts_with("Action=Publish"))
      return FakeAnswer{200, "<PublishResponse><PublishResult><MessageId>n</MessageId></PublishResult></PublishResponse>", "text/xml"};
    return FakeAnswer{200, "", "application/xml"};  // S3 PutObject
  });
  const ScopedEnv region("AWS_REGION", "eu-west-1");
  const ScopedEnv s3("AWS_ENDPOINT_URL_S3", aws.endpoint()), sqs("AWS_ENDPOINT_URL_SQS", aws.endpoint()),
      events("AWS_ENDPOINT_URL_EVENTBRIDGE", aws.endpoint()), sns("AWS_ENDPOINT_URL_SNS", aws.endpoint());
  const ScopedEnv topic("ERRORS_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:orders-errors");
  const ScopedEnv queue("ORDERS_QUEUE_URL", aws.endpoint() + "/123456789012/orders");
  const ScopedEnv no_keys("AWS_ACCESS_KEY_ID", std::nullopt), no_profile("AWS_PROFILE", "lift-readme-none");

  auto app = make_app();
  ASSERT_TRUE(app) << app.error().message;
  auto request = lift::testing_support::request("POST", "/orders/42");
  request.body = R"({"total": 12})";
  EXPECT_EQ(app->handle(request).status, 202);
  ASSERT_EQ(aws.requests(), 3);
  EXPECT_EQ(aws.seen()[0].target, "/orders-archive/orders/42.json");

  events_fail = true;
  EXPECT_EQ(app->handle(request).status, 503);
  const auto seen = aws.seen();
  ASSERT_EQ(seen.size(), 7u);  // S3, SQS, EventBridge, then the notification
  EXPECT_TRUE(seen.back().body.starts_with("Action=Publish")) << seen.back().body;
}

TEST(ClientsReadme, TheReadmeShowsThisExample) {
  EXPECT_EQ(lift::testing_support::readme_example_problem("tests/unit/middleware/readme_clients_test.cpp"), "");
}

}  // namespace
