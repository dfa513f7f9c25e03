// lift::App for every event source that is not HTTP: routing by resource (globs and ARNs),
// per-record and whole-batch handlers, partial batch responses, the middleware around events,
// and the answers of authorizers and Cognito triggers in AWS's shapes.
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/core/base64.hpp"
#include "support/json.hpp"
#include "support/files.hpp"
#include "support/invoke.hpp"
#include "support/local_server.hpp"
#include "support/sample_events.hpp"
#include "support/requirements.hpp"

namespace event_routes_test {

struct OrderPlaced {
  std::string order_id;
  double total = 0;
};
BOOST_DESCRIBE_STRUCT(OrderPlaced, (), (order_id, total))

}  // namespace event_routes_test

namespace {

using event_routes_test::OrderPlaced;
using lift::App;
using lift::Context;
using lift::Next;
using lift::Result;
using lift::testing_support::json_of;
namespace events = lift::events;
using Json = boost::json::value;

using lift::testing_support::invocation;

using lift::testing_support::invoke;

using lift::testing_support::read_file;

Json sqs_message(const std::string& id, const std::string& body, const std::string& queue = "orders") {
  return Json{{"messageId", id},
              {"receiptHandle", "handle-" + id},
              {"body", body},
              {"attributes",
               {{"ApproximateReceiveCount", "1"},
                {"SentTimestamp", "1700000000000"},
                {"SenderId", "AIDAEXAMPLE"},
                {"ApproximateFirstReceiveTimestamp", "1700000000001"}}},
              {"messageAttributes", boost::json::object{}},
              {"md5OfBody", "0"},
              {"eventSource", "aws:sqs"},
              {"eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:" + queue},
              {"awsRegion", "us-east-1"}};
}

Json sqs_event(const std::vector<std::string>& bodies, const std::string& queue = "orders") {
  boost::json::array records;
  for (std::size_t i = 0; i < bodies.size(); ++i) records.push_back(sqs_message("m" + std::to_string(i + 1), bodies[i], queue));
  return Json{{"Records", records}};
}

std::vector<std::string> failed_ids(const Json& answer) {
  std::vector<std::string> ids;
  for (const auto& failure : answer.at("batchItemFailures").as_array())
    ids.emplace_back(failure.at("itemIdentifier").as_string());
  return ids;
}

Json kinesis_event(const std::vector<std::string>& data, const std::string& stream = "clicks") {
  boost::json::array records;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto sequence = "4959" + std::to_string(i + 1);
    records.push_back(Json{{"kinesis",
                            {{"kinesisSchemaVersion", "1.0"},
                             {"partitionKey", "p"},
                             {"sequenceNumber", sequence},
                             {"data", lift::base64::encode(data[i])},
                             {"approximateArrivalTimestamp", 1700000000.5}}},
                           {"eventSource", "aws:kinesis"},
                           {"eventVersion", "1.0"},
                           {"eventID", "shardId-000000000000:" + sequence},
                           {"eventName", "aws:kinesis:record"},
                           {"invokeIdentityArn", "arn:aws:iam::123456789012:role/r"},
                           {"awsRegion", "us-east-1"},
                           {"eventSourceARN", "arn:aws:kinesis:us-east-1:123456789012:stream/" + stream}});
  }
  return Json{{"Records", records}};
}

Json dynamodb_event(const std::vector<std::string>& ids, const std::string& table = "Orders") {
  boost::json::array records;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    records.push_back(
        Json{{"eventID", "e" + std::to_string(i)},
             {"eventName", "INSERT"},
             {"eventVersion", "1.1"},
             {"eventSource", "aws:dynamodb"},
             {"awsRegion", "us-east-1"},
             {"dynamodb",
              {{"Keys", {{"id", {{"S", ids[i]}}}}},
               {"NewImage", {{"id", {{"S", ids[i]}}}}},
               {"SequenceNumber", "10" + std::to_string(i)},
               {"SizeBytes", 10},
               {"StreamViewType", "NEW_IMAGE"}}},
             {"eventSourceARN", "arn:aws:dynamodb:us-east-1:123456789012:table/" + table + "/stream/2024-01-01T00:00:00.000"}});
  }
  return Json{{"Records", records}};
}

Json s3_event(const std::string& bucket, const std::string& encoded_key) {
  return Json{{"Records",
               {{{"eventVersion", "2.1"},
                 {"eventSource", "aws:s3"},
                 {"awsRegion", "us-east-1"},
                 {"eventTime", "2024-01-01T00:00:00.000Z"},
                 {"eventName", "ObjectCreated:Put"},
                 {"s3",
                  {{"s3SchemaVersion", "1.0"},
                   {"configurationId", "c"},
                   {"bucket", {{"name", bucket}, {"arn", "arn:aws:s3:::" + bucket}}},
                   {"object", {{"key", encoded_key}, {"size", 3}}}}}}}}};
}

Json eventbridge_event(const std::string& source, const std::string& type, Json detail) {
  return Json{{"version", "0"},
              {"id", "e-1"},
              {"detail-type", type},
              {"source", source},
              {"account", "123456789012"},
              {"time", "2024-01-01T00:00:00Z"},
              {"region", "us-east-1"},
              {"resources", {"arn:aws:events:us-east-1:123456789012:rule/orders-rule"}},
              {"detail", std::move(detail)}};
}

// ---- every AWS sample reaches its handler ----

// Which handler a sample must reach, and how many records it must bring.
struct Hit {
  std::string handler;
  std::size_t records = 0;
};

TEST(EventRoutes, EverySampleEventReachesTheHandlerOfItsSource) {
  if (lift::testing_support::sample_events().empty()) LIFT_SKIP_WITHOUT() << "sample events not available";

  std::vector<Hit> hits;
  const auto hit = [&hits](std::string handler, std::size_t records) { hits.push_back(Hit{std::move(handler), records}); };
  // Per-record handlers add up their records in one hit per invocation.
  const auto count_record = [&hits](const std::string& handler) {
    if (hits.empty() || hits.back().handler != handler) hits.push_back(Hit{handler, 0});
    ++hits.back().records;
  };
  App app;
  app.any("/*rest", [&hit](Context&) {
    hit("http", 1);
    return lift::no_content();
  });
  app.sqs("*", [&count_record](Context& ctx, const events::SqsMessage& m) -> Result<void> {
    count_record("sqs");
    EXPECT_EQ(ctx.record().at("messageId").as_string(), m.messageId);
    return {};
  });
  app.sns("*", [&count_record](Context&, const events::SnsMessage&) { count_record("sns"); });
  app.s3("*", [&count_record](Context&, const events::S3Record& r) {
    EXPECT_FALSE(r.s3.bucket.name.empty());
    count_record("s3");
  });
  app.dynamodb_stream("*", [&count_record](Context&, const events::DynamoDBRecord&) { count_record("dynamodb-stream"); });
  app.kinesis("*", [&hit](Context&, const events::KinesisEvent& e) -> events::BatchItemFailures {
    hit("kinesis", e.Records.size());
    return {};
  });
  app.schedule("*", [&hit](Context&, const events::ScheduledEvent&) { hit("scheduled", 1); });
  app.eventbridge("*", [&hit](Context&, const events::EventBridgeEvent<>&) { hit("eventbridge", 1); });
  app.logs([&hit](Context&, const events::CloudWatchLogsData& data) { hit("cloudwatch-logs", data.logEvents.size()); });
  app.authorizer([&hit](Context&, const events::TokenAuthorizerEvent& e) {
    hit("authorizer-token", 1);
    return events::IamPolicyResponse::allow("user", e.methodArn);
  });
  app.authorizer([&hit](Context&, const events::AnyRequestAuthorizerEvent&) {
    hit("authorizer-request", 1);
    return events::SimpleAuthorizerResponse::allow();
  });
  app.cognito("*", [&hit](Context&, const events::CognitoEvent&) { hit("cognito", 1); });
  app.graphql("*", [&count_record](Context& ctx, const events::AppSyncResolverEvent& e) {
    EXPECT_EQ(ctx.record<events::AppSyncResolverEvent>(), &e);
    count_record("appsync-resolver");
  });
  app.kafka("*", [&count_record](Context& ctx, const events::KafkaRecord& r) {
    EXPECT_EQ(ctx.record().at("offset").to_number<std::int64_t>(), r.offset);
    count_record("kafka");
  });
  app.firehose("*", [&count_record](Context& ctx, const events::FirehoseRecord& r) {
    EXPECT_EQ(ctx.record().at("recordId").as_string(), r.recordId);
    count_record("firehose");
    return events::FirehoseResult::dropped();
  });
  app.ses("*", [&count_record](Context&, const events::SesRecord&) { count_record("ses"); });
  app.custom_resource("*", [&hit](Context&, const events::CloudFormationCustomResourceEvent&) {
    hit("cloudformation-custom-resource", 1);
  });
  app.alarm("*", [&hit](Context&, const events::CloudWatchAlarmEvent&) { hit("cloudwatch-alarm", 1); });
  // CloudFormation's samples name a real S3 URL: their answers go to this one on 127.0.0.1.
  lift::testing_support::LocalServer response_url([](auto& socket) {
    lift::testing_support::serve_http(socket, [](const auto&, int) { return lift::testing_support::make_response(200, ""); });
  });
  app.on_event([&hit](Context&, const Json&) -> Result<Json> {
    hit("unknown", 1);
    return Json();
  });
  ASSERT_TRUE(app.check());

  int checked = 0;
  for (const auto& sample : lift::testing_support::sample_events()) {
    const auto& kind = sample.kind;
    const auto& file = sample.file;
    const auto records = sample.records;
    auto payload = read_file(sample.path);
    if (kind == "cloudformation-custom-resource") {
      auto local = json_of(payload);
      local.as_object()["ResponseURL"] = "http://127.0.0.1:" + std::to_string(response_url.port()) + "/response";
      payload = boost::json::serialize(local);
    }
    const auto event = json_of(payload);
    std::string expected = kind;
    if (kind == "apigw-rest" || kind == "apigw-http" || kind == "alb" || kind == "function-url" || kind == "apigw-websocket")
      expected = "http";
    // S3 notifications through EventBridge go to the s3 routes.
    if (kind == "eventbridge" && event.at("source") == "aws.s3" &&
        (event.at("detail-type") == "Object Created" || event.at("detail-type") == "Object Deleted")) {
      expected = "s3";
    }
    hits.clear();
    auto answer = app.invoke(invocation(payload));
    ASSERT_TRUE(answer) << file << ": " << answer.error().code << ": " << answer.error().message;
    ASSERT_EQ(hits.size(), 1u) << file;
    EXPECT_EQ(hits[0].handler, expected) << file;
    EXPECT_EQ(hits[0].records, records) << file;
    if (kind == "sqs" || kind == "dynamodb-stream" || kind == "kafka") {
      EXPECT_EQ(json_of(answer->body), json_of(R"({"batchItemFailures":[]})")) << file;
    }
    if (kind == "firehose") {
      const auto answered = json_of(answer->body);
      ASSERT_EQ(answered.at("records").as_array().size(), records) << file;
      for (const auto& record : answered.at("records").as_array()) EXPECT_EQ(record.at("result"), "Dropped") << file;
    }
    if (kind == "cognito") {
      EXPECT_TRUE(json_of(answer->body).as_object().contains("triggerSource")) << file;
    }
    if (kind == "cloudformation-custom-resource") {
      EXPECT_EQ(json_of(answer->body).at("Status"), "SUCCESS") << file;
    }
    ++checked;
  }
  EXPECT_GE(checked, 102);
}

// ---- patterns ----

TEST(EventRoutes, GlobsMatchStarsAndQuestionMarks) {
  EXPECT_TRUE(lift::glob_match("*", ""));
  EXPECT_TRUE(lift::glob_match("*", "anything/at all"));
  EXPECT_TRUE(lift::glob_match("orders-*", "orders-eu"));
  EXPECT_TRUE(lift::glob_match("orders-*", "orders-"));
  EXPECT_FALSE(lift::glob_match("orders-*", "orders"));
  EXPECT_TRUE(lift::glob_match("*.fifo", "jobs.fifo"));
  EXPECT_TRUE(lift::glob_match("a?c", "abc"));
  EXPECT_FALSE(lift::glob_match("a?c", "ac"));
  EXPECT_TRUE(lift::glob_match("a*b*c", "aXXbYYbZc"));
  EXPECT_FALSE(lift::glob_match("a*b*c", "aXXbYY"));
  EXPECT_TRUE(lift::glob_match("exact", "exact"));
  EXPECT_FALSE(lift::glob_match("exact", "exactly"));
  EXPECT_FALSE(lift::glob_match("", "x"));
  // No exponential blow-up on many stars.
  EXPECT_FALSE(lift::glob_match("*a*a*a*a*a*a*a*a*a*a*b", std::string(200, 'a')));
}

TEST(EventRoutes, QueueNamesAndArnsPickTheFirstMatchingRoute) {
  std::vector<std::string> seen;
  App app;
  app.sqs("arn:aws:sqs:eu-west-1:*:orders", [&seen](Context&, const events::SqsMessage&) { seen.push_back("eu-arn"); });
  app.sqs("orders", [&seen](Context&, const events::SqsMessage&) { seen.push_back("orders"); });
  app.sqs("orders*", [&seen](Context&, const events::SqsMessage&) { seen.push_back("orders*"); });
  app.sqs("?obs", [&seen](Context&, const events::SqsMessage&) { seen.push_back("?obs"); });
  ASSERT_TRUE(invoke(app, sqs_event({"a"}, "orders")));
  ASSERT_TRUE(invoke(app, sqs_event({"a"}, "orders-eu")));
  ASSERT_TRUE(invoke(app, sqs_event({"a"}, "jobs")));
  auto eu = sqs_event({"a"});
  eu.at("Records").at(0).as_object()["eventSourceARN"] = "arn:aws:sqs:eu-west-1:123456789012:orders";
  ASSERT_TRUE(invoke(app, eu));
  EXPECT_EQ(seen, (std::vector<std::string>{"orders", "orders*", "?obs", "eu-arn"}));

  auto unrouted = invoke(app, sqs_event({"a"}, "payments"));
  ASSERT_FALSE(unrouted);
  EXPECT_EQ(unrouted.error().code, "NoRoute");
  EXPECT_NE(unrouted.error().message.find("arn:aws:sqs:us-east-1:123456789012:payments"), std::string::npos)
      << unrouted.error().message;
  EXPECT_EQ(seen.size(), 4u);
}

TEST(EventRoutes, S3RoutesMatchBucketAndDecodedKeyOrArn) {
  std::vector<std::string> seen;
  App app;
  app.s3("media/raw/*.jpg", [&seen](Context&, const events::S3Record& r) { seen.push_back("jpg:" + r.s3.object.decoded_key()); });
  app.s3("arn:aws:s3:::logs-*",
         [&seen](Context&, const events::S3Record& r) { seen.push_back("logs-bucket:" + r.s3.bucket.name); });
  app.s3("arn:aws:s3:::archive/2024/*",
         [&seen](Context&, const events::S3Record& r) { seen.push_back("archive:" + r.s3.object.key); });
  app.s3("media", [&seen](Context&, const events::S3Record&) { seen.push_back("media"); });
  ASSERT_TRUE(invoke(app, s3_event("media", "raw/Happy+Face%21.jpg")));
  ASSERT_TRUE(invoke(app, s3_event("media", "raw/notes.txt")));
  ASSERT_TRUE(invoke(app, s3_event("logs-eu", "x")));
  ASSERT_TRUE(invoke(app, s3_event("archive", "2024/a.bin")));
  EXPECT_EQ(seen, (std::vector<std::string>{"jpg:raw/Happy Face!.jpg", "media", "logs-bucket:logs-eu", "archive:2024/a.bin"}));
  auto other = invoke(app, s3_event("archive", "2023/a.bin"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "NoRoute");
  EXPECT_NE(other.error().message.find("archive/2023/a.bin"), std::string::npos);

  App bad;
  bad.s3("/key-only", [](Context&, const events::S3Record&) {});
  EXPECT_FALSE(bad.check());
}

TEST(EventRoutes, S3ThroughEventBridgeReachesTheS3RouteAsARecord) {
  std::vector<events::S3Record> seen;
  std::vector<std::string> eventbridge;
  App app;
  app.s3("photos/uploads/*", [&seen](Context& ctx, const events::S3Record& r) {
    EXPECT_EQ(ctx.record().at("detail-type"), "Object Created");
    seen.push_back(r);
  });
  app.eventbridge("aws.s3",
                  [&eventbridge](Context&, const events::EventBridgeEvent<>& e) { eventbridge.push_back(e.detail_type); });
  Json detail{{"version", "0"},
              {"bucket", {{"name", "photos"}}},
              {"object", {{"key", "uploads/my cat+dog.jpg"}, {"size", 5}, {"etag", "abc"}}},
              {"request-id", "R1"},
              {"requester", "123456789012"},
              {"source-ip-address", "203.0.113.1"},
              {"reason", "PutObject"}};
  auto created = eventbridge_event("aws.s3", "Object Created", detail);
  created.as_object()["resources"] = {"arn:aws:s3:::photos"};
  auto answer = invoke(app, created);
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].eventName, "ObjectCreated:Put");
  EXPECT_EQ(seen[0].s3.bucket.name, "photos");
  EXPECT_EQ(seen[0].s3.bucket.arn, "arn:aws:s3:::photos");
  EXPECT_EQ(seen[0].s3.object.decoded_key(), "uploads/my cat+dog.jpg");
  EXPECT_EQ(seen[0].s3.object.size, 5);
  EXPECT_EQ(seen[0].eventSource, "aws:s3");
  // Not under uploads/: the S3 route does not match, the EventBridge one does.
  detail.at("object").as_object()["key"] = "elsewhere/x.jpg";
  ASSERT_TRUE(invoke(app, eventbridge_event("aws.s3", "Object Deleted", detail)));
  EXPECT_EQ(eventbridge, (std::vector<std::string>{"Object Deleted"}));
  EXPECT_EQ(seen.size(), 1u);
}

TEST(EventRoutes, OtherSourcesRouteByTheirResourceNames) {
  std::vector<std::string> seen;
  App app;
  app.sns("alerts-*", [&seen](Context&, const events::SnsRecord& r) { seen.push_back("sns:" + r.Sns.Message); });
  app.kinesis("arn:aws:kinesis:*:stream/clicks",
              [&seen](Context&, const events::KinesisRecord& r) { seen.push_back("kinesis:" + *r.data()); });
  app.dynamodb_stream("Ord?rs", [&seen](Context&, const events::DynamoDBRecord& r) {
    seen.push_back("ddb:" + *r.dynamodb.Keys.at("id").as_string());
  });
  app.eventbridge("Order Placed", [&seen](Context&, const events::EventBridgeEvent<OrderPlaced>& e) {
    seen.push_back("order:" + e.detail.order_id);
    return Json{{"accepted", e.detail.order_id}};
  });
  app.eventbridge("com.example.*",
                  [&seen](Context&, const events::EventBridgeEvent<>& e) { seen.push_back("example:" + e.detail_type); });
  app.schedule("nightly-*", [&seen](Context&) { seen.push_back("nightly"); });
  app.cognito("PreSignUp_*", [&seen](Context&, const events::CognitoEvent& e) { seen.push_back("cognito:" + e.triggerSource); });
  app.logs("/aws/lambda/*", [&seen](Context&, const events::CloudWatchLogsData& d) { seen.push_back("logs:" + d.logGroup); });

  const Json sns{{"Records",
                  {{{"EventSource", "aws:sns"},
                    {"EventVersion", "1.0"},
                    {"EventSubscriptionArn", "arn:aws:sns:us-east-1:123456789012:alerts-high:sub"},
                    {"Sns",
                     {{"Type", "Notification"},
                      {"MessageId", "n-1"},
                      {"TopicArn", "arn:aws:sns:us-east-1:123456789012:alerts-high"},
                      {"Message", "disk full"},
                      {"Timestamp", "2024-01-01T00:00:00Z"},
                      {"SignatureVersion", "1"},
                      {"Signature", "x"}}}}}}};
  ASSERT_TRUE(invoke(app, sns));
  ASSERT_TRUE(invoke(app, kinesis_event({"click-1"})));
  ASSERT_TRUE(invoke(app, dynamodb_event({"o-1"})));
  auto placed = invoke(app, eventbridge_event("com.shop", "Order Placed", Json{{"order_id", "o-9"}, {"total", 12.5}}));
  ASSERT_TRUE(placed) << placed.error().message;
  EXPECT_EQ(*placed, json_of(R"({"accepted":"o-9"})"));
  ASSERT_TRUE(invoke(app, eventbridge_event("com.example.billing", "Invoice Paid", Json(boost::json::object()))));
  auto schedule = eventbridge_event("aws.events", "Scheduled Event", Json(boost::json::object()));
  schedule.as_object()["resources"] = {"arn:aws:events:us-east-1:123456789012:rule/nightly-report"};
  ASSERT_TRUE(invoke(app, schedule));
  const Json cognito{{"version", "1"},
                     {"triggerSource", "PreSignUp_SignUp"},
                     {"region", "us-east-1"},
                     {"userPoolId", "us-east-1_x"},
                     {"userName", "ann"},
                     {"callerContext", {{"awsSdkVersion", "1"}, {"clientId", "c"}}},
                     {"request", {{"userAttributes", {{"email", "ann@example.com"}}}}},
                     {"response", Json(boost::json::object())}};
  ASSERT_TRUE(invoke(app, cognito));
  EXPECT_EQ(seen, (std::vector<std::string>{"sns:disk full", "kinesis:click-1", "ddb:o-1", "order:o-9", "example:Invoice Paid",
                                            "nightly", "cognito:PreSignUp_SignUp"}));

  // Non-matching resources of each routed source are errors naming the resource.
  auto other_table = invoke(app, dynamodb_event({"o-1"}, "Users"));
  ASSERT_FALSE(other_table);
  EXPECT_EQ(other_table.error().code, "NoRoute");
  EXPECT_NE(other_table.error().message.find("table/Users/stream"), std::string::npos);
  auto other_stream = invoke(app, kinesis_event({"x"}, "views"));
  ASSERT_FALSE(other_stream);
  EXPECT_EQ(other_stream.error().code, "NoRoute");
  auto other_rule = eventbridge_event("aws.events", "Scheduled Event", Json(boost::json::object()));
  other_rule.as_object()["resources"] = {"arn:aws:events:us-east-1:123456789012:rule/hourly"};
  auto unscheduled = invoke(app, other_rule);
  ASSERT_FALSE(unscheduled);
  EXPECT_EQ(unscheduled.error().code, "NoRoute");
  auto other_detail = invoke(app, eventbridge_event("com.shop", "Order Cancelled", Json(boost::json::object())));
  ASSERT_FALSE(other_detail);
  EXPECT_EQ(other_detail.error().code, "NoRoute");
  EXPECT_NE(other_detail.error().message.find("Order Cancelled"), std::string::npos);
  auto typed_detail = invoke(app, eventbridge_event("com.shop", "Order Placed", Json{{"order_id", 5}}));
  ASSERT_FALSE(typed_detail);
  EXPECT_EQ(typed_detail.error().code, "InvalidEvent");
  EXPECT_NE(typed_detail.error().message.find("detail.order_id"), std::string::npos) << typed_detail.error().message;
}

// ---- batches ----

TEST(EventRoutes, FailedAndThrowingRecordsAreReportedByMessageId) {
  std::vector<std::string> handled;
  App app;
  app.sqs("orders", [&handled](Context&, const events::SqsMessage& m) -> Result<void> {
    handled.push_back(m.messageId);
    if (m.body == "bad") return lift::errors::unprocessable("bad order");
    if (m.body == "throw") throw std::runtime_error("boom");
    return {};
  });
  auto answer = invoke(app, sqs_event({"ok", "bad", "ok", "throw", "ok"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(failed_ids(*answer), (std::vector<std::string>{"m2", "m4"}));
  EXPECT_EQ(handled.size(), 5u);

  // The golden shape of AWS's sample response.
  const std::string golden = LIFT_TESTDATA_DIR "/event-responses/rs-example-sqs-batch-response.json";
  if (std::ifstream(golden)) {
    auto event = sqs_event({"ok", "bad", "ok", "bad"});
    for (std::size_t i = 0; i < 4; ++i) event.at("Records").at(i).as_object()["messageId"] = "id" + std::to_string(i + 1);
    auto shaped = invoke(app, event);
    ASSERT_TRUE(shaped);
    EXPECT_EQ(*shaped, json_of(read_file(golden)));
  }

  auto all_failed = invoke(app, sqs_event({"bad", "throw"}));
  ASSERT_FALSE(all_failed);
  EXPECT_EQ(all_failed.error().code, "BatchProcessingFailed");
  EXPECT_NE(all_failed.error().message.find("ValidationFailed: bad order"), std::string::npos) << all_failed.error().message;
  ASSERT_EQ(all_failed.error().details.size(), 2u);
}

TEST(EventRoutes, AFifoQueueStopsAtTheFirstFailureAndReportsTheRest) {
  std::vector<std::string> handled;
  App app;
  app.sqs("*.fifo", [&handled](Context&, const events::SqsMessage& m) -> Result<void> {
    handled.push_back(m.messageId);
    if (m.body == "bad") return lift::Error{"Rejected", "no", 400};
    return {};
  });
  auto answer = invoke(app, sqs_event({"ok", "bad", "ok", "ok"}, "jobs.fifo"));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(failed_ids(*answer), (std::vector<std::string>{"m2", "m3", "m4"}));
  EXPECT_EQ(handled, (std::vector<std::string>{"m1", "m2"}));
  // The first record failing fails the whole batch.
  handled.clear();
  auto first = invoke(app, sqs_event({"bad", "ok"}, "jobs.fifo"));
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, "BatchProcessingFailed");
  EXPECT_EQ(handled, (std::vector<std::string>{"m1"}));
}

TEST(EventRoutes, StreamsReportSequenceNumbers) {
  App app;
  app.kinesis("*", [](Context&, const events::KinesisRecord& r) -> Result<void> {
    if (*r.data() == "bad") return lift::Error{"Rejected", "no", 400};
    return {};
  });
  app.dynamodb_stream("*", [](Context&, const events::DynamoDBRecord& r) {
    if (*r.dynamodb.Keys.at("id").as_string() == "bad") throw std::invalid_argument("bad key");
  });
  auto kinesis = invoke(app, kinesis_event({"a", "bad", "c"}));
  ASSERT_TRUE(kinesis) << kinesis.error().message;
  EXPECT_EQ(failed_ids(*kinesis), (std::vector<std::string>{"49592"}));
  auto dynamodb = invoke(app, dynamodb_event({"bad", "b", "bad"}));
  ASSERT_TRUE(dynamodb) << dynamodb.error().message;
  EXPECT_EQ(failed_ids(*dynamodb), (std::vector<std::string>{"100", "102"}));
  auto all = invoke(app, kinesis_event({"bad"}));
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code, "BatchProcessingFailed");
}

TEST(EventRoutes, SnsAndS3FailuresFailTheInvocation) {
  int calls = 0;
  App app;
  app.s3("*", [&calls](Context&, const events::S3Record& r) -> Result<void> {
    ++calls;
    if (r.s3.object.key == "bad") return lift::Error{"CorruptObject", "cannot read", 422};
    return {};
  });
  auto failed = invoke(app, s3_event("b", "bad"));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "CorruptObject");
  auto fine = invoke(app, s3_event("b", "good"));
  ASSERT_TRUE(fine);
  EXPECT_TRUE(fine->is_null());
  EXPECT_EQ(calls, 2);

  App throwing;
  throwing.sns("*", [](Context&, const events::SnsMessage&) { throw std::runtime_error("nope"); });
  const auto sample = LIFT_TESTDATA_DIR "/events/sns/go-sns-event.json";
  if (std::ifstream(sample)) {
    auto thrown = invoke(throwing, read_file(sample));
    ASSERT_FALSE(thrown);
    EXPECT_EQ(thrown.error().code, "InternalError");
  }
}

TEST(EventRoutes, WholeBatchHandlersChooseTheirFailures) {
  App app;
  app.sqs("orders", [](Context& ctx, const events::SqsEvent& e) -> Result<events::BatchItemFailures> {
    EXPECT_TRUE(ctx.record().is_null());
    events::BatchItemFailures failures;
    for (const auto& m : e.Records) {
      if (m.body == "bad") failures.add(m.messageId);
    }
    return failures;
  });
  app.sqs("audit", [](Context&, const events::SqsEvent&) {});
  app.sqs("broken", [](Context&, const events::SqsEvent&) -> Result<void> { return lift::errors::unavailable(); });
  auto answer = invoke(app, sqs_event({"ok", "bad", "ok"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(failed_ids(*answer), (std::vector<std::string>{"m2"}));
  auto audit = invoke(app, sqs_event({"x"}, "audit"));
  ASSERT_TRUE(audit);
  EXPECT_EQ(*audit, json_of(R"({"batchItemFailures":[]})"));
  auto broken = invoke(app, sqs_event({"x", "y"}, "broken"));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, "BatchProcessingFailed");
}

TEST(EventRoutes, WholeBatchHandlersMayTakeTheRecordsAlone) {
  App app;
  app.sqs("orders", [](Context&, std::span<const events::SqsMessage> messages) {
    events::BatchItemFailures failures;
    for (const auto& m : messages) {
      if (m.body == "bad") failures.add(m.messageId);
    }
    return failures;
  });
  app.sqs("audit", [](Context&, const std::vector<events::SqsMessage>& messages) { EXPECT_EQ(messages.size(), 2u); });
  auto answer = invoke(app, sqs_event({"ok", "bad"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(failed_ids(*answer), (std::vector<std::string>{"m2"}));
  // A batch split between routes: each gets its own records.
  auto mixed = sqs_event({"bad", "x", "y"});
  for (auto i : {1, 2}) mixed.at("Records").at(i).as_object()["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:audit";
  auto split = invoke(app, mixed);
  ASSERT_TRUE(split) << split.error().message;
  EXPECT_EQ(failed_ids(*split), (std::vector<std::string>{"m1"}));
}

// ---- middleware, on_event, unsupported and malformed events ----

TEST(EventRoutes, MiddlewareRunsAroundEachRecordAndSeesIt) {
  std::vector<std::string> log;
  App app;
  app.use([&log](Context& ctx, const Next& next) -> Result<void> {
    if (ctx.record().is_null()) {
      log.push_back("event:" + std::string(lift::events::to_string(ctx.kind())));
    } else {
      log.push_back("record " + std::to_string(ctx.record_index()) + ":" + std::string(ctx.record().at("body").as_string()));
      if (ctx.record().at("body") == "blocked") return lift::errors::forbidden("blocked by middleware");
    }
    return next();
  });
  app.sqs("orders", [&log](Context& ctx, const events::SqsMessage& m) {
    EXPECT_EQ(ctx.request_id(), "lambda-req");
    log.push_back("handler:" + m.body);
  });
  app.eventbridge("*", [&log](Context&) { log.push_back("handler:eventbridge"); });
  auto answer = invoke(app, sqs_event({"a", "blocked", "c"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(failed_ids(*answer), (std::vector<std::string>{"m2"}));
  ASSERT_TRUE(invoke(app, eventbridge_event("x", "y", Json(boost::json::object()))));
  EXPECT_EQ(log, (std::vector<std::string>{"record 0:a", "handler:a", "record 1:blocked", "record 2:c", "handler:c",
                                           "event:eventbridge", "handler:eventbridge"}));
}

TEST(EventRoutes, UnroutedRecordsGoToOnEventWhenThereIsOne) {
  std::vector<std::string> routed;
  std::vector<std::size_t> unrouted_sizes;
  App app;
  app.sqs("orders", [&routed](Context&, const events::SqsMessage& m) { routed.push_back(m.messageId); });
  app.on_event([&unrouted_sizes](Context&, const Json& event) -> Result<Json> {
    unrouted_sizes.push_back(event.at("Records").as_array().size());
    return json_of(R"({"batchItemFailures":[{"itemIdentifier":"m2"}]})");
  });
  auto mixed = sqs_event({"a", "b", "c"});
  mixed.at("Records").at(1).as_object()["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:other";
  auto answer = invoke(app, mixed);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(routed, (std::vector<std::string>{"m1", "m3"}));
  EXPECT_EQ(unrouted_sizes, (std::vector<std::size_t>{1}));
  EXPECT_EQ(failed_ids(*answer), (std::vector<std::string>{"m2"}));
  // A batch nothing routes is on_event's alone, answered as it answers.
  auto other = invoke(app, sqs_event({"x", "y"}, "other"));
  ASSERT_TRUE(other);
  EXPECT_EQ(unrouted_sizes.back(), 2u);
}

TEST(EventRoutes, KindsWithoutRoutesAreUnsupportedAndBadEventsInvalid) {
  App app;
  app.sqs("*", [](Context&, const events::SqsMessage&) {});
  app.kinesis("*", [](Context&, const events::KinesisRecord&) {});
  app.logs([](Context&, const events::CloudWatchLogsData&) {});
  app.eventbridge("*", [](Context&, const events::EventBridgeEvent<>&) {});

  auto sns = invoke(app, R"({"Records":[{"EventSource":"aws:sns","Sns":{"Message":"x"}}]})");
  ASSERT_FALSE(sns);
  EXPECT_EQ(sns.error().code, "UnsupportedEvent");
  auto unknown = invoke(app, R"({"hello":"world"})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "UnsupportedEvent");

  for (const char* bad : {
           R"({"Records":[{"eventSource":"aws:sqs"}]})",                                                    // no messageId
           R"({"Records":[{"eventSource":"aws:sqs","messageId":"1","body":5}]})",                           // wrong type
           R"({"Records":[{"eventSource":"aws:sqs","messageId":"1"},"not a record"]})",                     // not an object
           R"({"Records":[{"eventSource":"aws:kinesis","kinesis":{"sequenceNumber":"1","data":"%%%"}}]})",  // bad base64
           R"({"awslogs":{"data":"not base64!"}})",                                                         // bad base64
           R"({"awslogs":{"data":"aGVsbG8gd29ybGQ="}})",                                                    // base64, not gzip
           R"({"source":"x","detail-type":"y","detail":{},"resources":"not a list"})",                      // wrong type
       }) {
    auto answer = invoke(app, bad);
    ASSERT_FALSE(answer) << bad;
    EXPECT_EQ(answer.error().code, "InvalidEvent") << bad << ": " << answer.error().message;
  }
  auto not_json = invoke(app, "{\"Records\":[");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, "InvalidEvent");
}

TEST(EventRoutes, RegistrationMistakesAreReportedByCheck) {
  App app;
  app.sqs("", [](Context&, const events::SqsMessage&) {});
  auto checked = app.check();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("the sqs route \"\" is refused: it needs a pattern"), std::string::npos)
      << checked.error().message;
  app.kinesis("*", [](Context&, const events::KinesisRecord&) {});
  EXPECT_NE(app.check().error().message.find("after the app started serving"), std::string::npos);
}

// ---- authorizers and Cognito answer in AWS's shapes ----

TEST(EventRoutes, AuthorizersAnswerWithPoliciesAndSimpleResponses) {
  App app;
  app.authorizer([](Context&, const events::TokenAuthorizerEvent& e) -> Result<events::IamPolicyResponse> {
    if (e.authorizationToken != "allow") return lift::errors::unauthorized("Unauthorized");
    auto policy = events::IamPolicyResponse::allow("yyyyyyyy", e.methodArn);
    policy.with_context("stringKey", "value").with_context("numberKey", "1").with_context("booleanKey", "true");
    policy.with_usage_identifier_key("{api-key}");
    return policy;
  });
  app.authorizer([](Context&, const events::RequestAuthorizerV2Event& e) {
    return events::SimpleAuthorizerResponse{e.rawPath == "/open", std::nullopt}.with_context("exampleKey", "exampleValue");
  });
  app.authorizer([](Context&, const events::RequestAuthorizerEvent& e) {
    return events::IamPolicyResponse::deny("anonymous", e.methodArn);
  });

  const std::string arn = "arn:aws:execute-api:{regionId}:{accountId}:{appId}/{stage}/{httpVerb}/[{resource}/[child-resources]]";
  auto allowed = invoke(app, Json{{"type", "TOKEN"}, {"authorizationToken", "allow"}, {"methodArn", arn}});
  ASSERT_TRUE(allowed) << allowed.error().message;
  const std::string golden = LIFT_TESTDATA_DIR "/event-responses/go-apigw-custom-auth-response.json";
  if (std::ifstream(golden)) {
    auto expected = json_of(read_file(golden));
    expected.at("policyDocument").at("Statement").at(0).as_object()["Effect"] = "Allow";  // the sample writes "Allow|Deny"
    EXPECT_EQ(*allowed, expected);
  }
  auto refused = invoke(app, Json{{"type", "TOKEN"}, {"authorizationToken", "nope"}, {"methodArn", arn}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "Unauthorized");

  const Json v2{
      {"version", "2.0"},        {"type", "REQUEST"},  {"routeArn", "arn:aws:execute-api:us-east-1:1:api/$default/GET/open"},
      {"routeKey", "GET /open"}, {"rawPath", "/open"}, {"requestContext", Json(boost::json::object())}};
  auto simple = invoke(app, v2);
  ASSERT_TRUE(simple) << simple.error().message;
  const std::string simple_golden = LIFT_TESTDATA_DIR "/event-responses/dn-custom-authorizer-v2-simple-response.json";
  if (std::ifstream(simple_golden)) {
    EXPECT_EQ(*simple, json_of(read_file(simple_golden)));
  }

  auto v1 = invoke(app, Json{{"type", "REQUEST"}, {"methodArn", "arn:aws:execute-api:us-east-1:1:api/prod/GET/x"}});
  ASSERT_TRUE(v1) << v1.error().message;
  EXPECT_EQ(v1->at("policyDocument").at("Statement").at(0).at("Effect"), "Deny");
  EXPECT_EQ(v1->at("principalId"), "anonymous");

  App token_only;
  token_only.authorizer(
      [](Context&, const events::TokenAuthorizerEvent& e) { return events::IamPolicyResponse::allow("u", e.methodArn); });
  auto request = invoke(token_only, v2);
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().code, "UnsupportedEvent");  // TOKEN and REQUEST authorizers are two sources

  App v1_only;
  v1_only.authorizer(
      [](Context&, const events::RequestAuthorizerEvent& e) { return events::IamPolicyResponse::allow("u", e.methodArn); });
  auto declined = invoke(v1_only, v2);
  ASSERT_FALSE(declined);
  EXPECT_EQ(declined.error().code, "NoRoute");
  EXPECT_NE(declined.error().message.find("payload 2.0"), std::string::npos) << declined.error().message;
}

TEST(EventRoutes, CognitoTriggersGetTheEventBackWithTheirResponse) {
  const std::string sample = LIFT_TESTDATA_DIR "/events/cognito/go-cognito-event-userpools-presignup.json";
  if (!std::ifstream(sample)) LIFT_SKIP_WITHOUT() << "sample events not available";
  const auto event = json_of(read_file(sample));
  App app;
  app.cognito("PreSignUp_*", [](Context&, const events::CognitoEvent& e) {
    EXPECT_EQ(e.request.at("userAttributes").at("email"), "<email>");
    return Json{{"autoConfirmUser", true}, {"autoVerifyEmail", false}, {"autoVerifyPhone", false}};
  });
  app.cognito("PostAuthentication_*", [](Context&, const events::CognitoEvent&) {});
  auto answer = invoke(app, event);
  ASSERT_TRUE(answer) << answer.error().message;
  auto expected = event;
  expected.as_object()["response"] = {{"autoConfirmUser", true}, {"autoVerifyEmail", false}, {"autoVerifyPhone", false}};
  EXPECT_EQ(*answer, expected);

  const std::string post = LIFT_TESTDATA_DIR "/events/cognito/jv-cognito__cognito_userpool_postauthentication.json";
  const auto post_event = json_of(read_file(post));
  auto echoed = invoke(app, post_event);
  ASSERT_TRUE(echoed) << echoed.error().message;
  EXPECT_EQ(*echoed, post_event);

  const std::string other = LIFT_TESTDATA_DIR "/events/cognito/go-cognito-event-userpools-migrateuser.json";
  auto unrouted = invoke(app, read_file(other));
  ASSERT_FALSE(unrouted);
  EXPECT_EQ(unrouted.error().code, "NoRoute");
}

}  // namespace

namespace {

// ---- one generic entry, groups, typed access ----

TEST(EventRoutes, EverySourceRegistersThroughItsDescriptor) {
  std::vector<std::string> seen;
  App app;
  app.on<events::Sqs>("orders", [&seen](Context& ctx, const events::SqsMessage& m) {
    // The typed record is the one the handler got; other types are not it.
    const auto* typed = ctx.record<events::SqsMessage>();
    ASSERT_NE(typed, nullptr);
    EXPECT_EQ(typed->messageId, m.messageId);
    EXPECT_EQ(ctx.record<events::KinesisRecord>(), nullptr);
    seen.push_back("sqs:" + m.body);
  });
  app.on<events::EventBridge>("Order Placed", [&seen](Context& ctx, const events::EventBridgeEvent<OrderPlaced>& e) {
    EXPECT_TRUE(ctx.record().is_null());  // a single-event source has no record
    seen.push_back("eventbridge:" + e.detail.order_id);
    return OrderPlaced{e.detail.order_id, e.detail.total * 2};
  });
  auto batch = invoke(app, sqs_event({"a", "b"}));
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_TRUE(batch->at("batchItemFailures").as_array().empty());
  auto placed = invoke(app, eventbridge_event("shop", "Order Placed", Json{{"order_id", "o-1"}, {"total", 2.5}}));
  ASSERT_TRUE(placed) << placed.error().message;
  EXPECT_EQ(placed->at("total").as_double(), 5.0);  // what the handler returned is the answer
  EXPECT_EQ(seen, (std::vector<std::string>{"sqs:a", "sqs:b", "eventbridge:o-1"}));
}

TEST(EventRoutes, GroupsRegisterEventAndWebSocketRoutesWithTheirMiddleware) {
  std::vector<std::string> log;
  const auto tag = [&log](std::string name) {
    return [&log, name](Context&, const Next& next) -> Result<void> {
      log.push_back(name);
      return next();
    };
  };
  App app;
  app.use(tag("app"));
  auto workers = app.group("/workers");
  workers.use(tag("workers"));
  workers.sqs("orders", [&log](Context&, const events::SqsMessage& m) { log.push_back("handler:" + m.body); });
  auto nested = workers.group("/sockets");
  nested.use(tag("sockets"));
  nested.websocket("$default", [&log](Context& ctx) {
    log.push_back("socket:" + ctx.request().body);
    return lift::no_content();
  });
  app.kinesis("*", [&log](Context&, const events::KinesisRecord&) { log.push_back("kinesis"); });
  ASSERT_TRUE(app.check()) << app.check().error().message;

  ASSERT_TRUE(invoke(app, sqs_event({"a"})));
  ASSERT_TRUE(invoke(app, kinesis_event({"x"})));
  const Json message{{"requestContext",
                      {{"routeKey", "$default"},
                       {"eventType", "MESSAGE"},
                       {"connectionId", "c-1"},
                       {"requestId", "r-1"},
                       {"stage", "prod"},
                       {"domainName", "x.execute-api.us-east-1.amazonaws.com"}}},
                     {"body", "hi"},
                     {"isBase64Encoded", false}};
  auto answer = invoke(app, message);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->at("statusCode"), 204);
  EXPECT_EQ(log, (std::vector<std::string>{"app", "workers", "handler:a", "app", "kinesis", "app", "workers", "sockets",
                                           "socket:hi"}));
}

TEST(EventRoutes, EmptyHandlersAndImpossiblePatternsAreRegistrationErrors) {
  App app;
  app.sqs("orders", std::function<void(Context&, const events::SqsMessage&)>());
  app.on<events::S3>("/no-bucket", [](Context&, const events::S3Record&) {});
  auto checked = app.check();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("the sqs route \"orders\" is refused: its handler is empty"), std::string::npos)
      << checked.error().message;
  EXPECT_NE(checked.error().message.find("the s3 route \"/no-bucket\" is refused: it starts with the bucket"), std::string::npos)
      << checked.error().message;
}

TEST(EventRoutes, ValuesKeyedByTypeLiveForOneRecord) {
  struct Tenant {
    std::string id;
  };
  std::vector<std::string> seen;
  App app;
  app.use([](Context& ctx, const Next& next) -> Result<void> {
    EXPECT_EQ(ctx.get<Tenant>(), nullptr);  // nothing from the previous record
    ctx.set(Tenant{"t-" + std::to_string(ctx.record_index())});
    ctx.set(Tenant{"tenant-" + std::to_string(ctx.record_index())});  // one value per type
    return next();
  });
  app.sqs("*", [&seen](Context& ctx, const events::SqsMessage&) {
    const auto* tenant = ctx.get<Tenant>();
    ASSERT_NE(tenant, nullptr);
    EXPECT_EQ(ctx.get<std::string>(), nullptr);
    seen.push_back(tenant->id);
  });
  ASSERT_TRUE(invoke(app, sqs_event({"a", "b"})));
  EXPECT_EQ(seen, (std::vector<std::string>{"tenant-0", "tenant-1"}));
}

}  // namespace
