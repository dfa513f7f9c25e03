// Known values of AWS's samples, the helpers of each model, the answers (batch failures,
// authorizer responses, Cognito) and malformed events of every kind.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>

#include "event_samples.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/compression.hpp"
#include "lift/events/models.hpp"
#include "support/requirements.hpp"

namespace {

namespace ev = lift::events;
using lift::dynamorm::AttributeType;
using lift::dynamorm::AttributeValue;

boost::json::value sample(const std::string& file) {
  for (const char* kind : {"sqs", "sns", "s3", "dynamodb-stream", "kinesis", "cloudwatch-logs", "eventbridge", "scheduled",
                           "authorizer-token", "authorizer-request", "cognito"}) {
    for (auto& s : lift_test::samples_of(kind)) {
      if (s.file == file) return std::move(s.event);
    }
  }
  return nullptr;
}

#define REQUIRE_SAMPLE(var, file)                                          \
  const boost::json::value var = sample(file);                             \
  if (var.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available"

std::string gzip(std::string_view data) {
  return *lift::compression::deflate(data, lift::compression::Framing::gzip, lift::compression::Level::best);
}

boost::json::value awslogs(std::string data) { return {{"awslogs", {{"data", std::move(data)}}}}; }

using lift_test::expect_invalid;

// ---- SQS ----

TEST(SqsModel, KnownValues) {
  REQUIRE_SAMPLE(json, "sqs/dn-sqs-event.json");
  auto event = ev::parse_sqs(json);
  ASSERT_TRUE(event);
  const auto& m = event->Records.at(0);
  EXPECT_EQ(m.messageId, "MessageID");
  EXPECT_EQ(m.attributes.receive_count(), 2u);
  EXPECT_EQ(m.attributes.sent_timestamp_ms(), 1520621625029);
  EXPECT_EQ(m.queue_name(), "SQSQueue");
  EXPECT_FALSE(m.is_fifo());
  const auto& a1 = m.messageAttributes.at("Attribute1");
  EXPECT_EQ(a1.dataType, "Number");
  EXPECT_EQ(*a1.binary(), "Smaug");
  EXPECT_FALSE(m.messageAttributes.at("Attribute2").binaryValue);  // null in the sample
}

TEST(SqsModel, FifoAttributes) {
  auto event = ev::parse_sqs(boost::json::parse(R"({"Records":[{"messageId":"1","body":"x",
    "attributes":{"ApproximateReceiveCount":"3","MessageGroupId":"g1","MessageDeduplicationId":"d1","SequenceNumber":"18"},
    "eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:orders.fifo"}]})"));
  ASSERT_TRUE(event) << event.error().message;
  const auto& m = event->Records[0];
  EXPECT_TRUE(m.is_fifo());
  EXPECT_EQ(m.queue_name(), "orders.fifo");
  EXPECT_EQ(*m.attributes.MessageGroupId, "g1");
  EXPECT_EQ(m.attributes.receive_count(), 3u);
}

TEST(SqsModel, BadInput) {
  expect_invalid(ev::parse_sqs(boost::json::parse(R"({})")), "Records: is required");
  expect_invalid(ev::parse_sqs(boost::json::parse(R"({"Records":{}})")), "Records: expected array");
  expect_invalid(ev::parse_sqs(boost::json::parse(R"([])")), "expected object");
  expect_invalid(ev::parse_sqs(boost::json::parse(R"({"Records":[{"messageId":"1","body":7}]})")), "Records[0].body: expected string");
  expect_invalid(ev::parse_sqs(boost::json::parse(R"({"Records":[{"body":"x"}]})")), "Records[0].messageId: is required");
  expect_invalid(ev::parse_sqs(boost::json::parse(R"({"Records":[{"messageId":"1","attributes":{"SentTimestamp":1}}]})")),
                 "Records[0].attributes.SentTimestamp: expected string");
  auto bad_binary = ev::parse_sqs(boost::json::parse(R"({"Records":[{"messageId":"1","messageAttributes":{"a":{"binaryValue":"%%%","dataType":"Binary"}}}]})"));
  ASSERT_TRUE(bad_binary);
  expect_invalid(bad_binary->Records[0].messageAttributes.at("a").binary(), "binaryValue: invalid base64");
}

// ---- SNS ----

TEST(SnsModel, PascalCaseAndBothUrlSpellings) {
  REQUIRE_SAMPLE(lower, "sns/go-sns-event.json");
  auto a = ev::parse_sns(lower);
  ASSERT_TRUE(a);
  const auto& n = a->Records.at(0).Sns;
  EXPECT_EQ(a->Records[0].EventSource, "aws:sns");
  EXPECT_EQ(n.Type, "Notification");
  EXPECT_EQ(n.Message, "Hello from SNS!");
  EXPECT_EQ(*n.Subject, "TestInvoke");
  EXPECT_EQ(n.MessageAttributes->at("TestBinary").Type, "Binary");
  EXPECT_EQ(n.signing_cert_url(), "EXAMPLE");
  EXPECT_TRUE(n.SigningCertUrl && !n.SigningCertURL);

  REQUIRE_SAMPLE(upper, "sns/rs-example-sns-event-obj.json");
  auto b = ev::parse_sns(upper);
  ASSERT_TRUE(b);
  const auto& m = b->Records.at(0).Sns;
  EXPECT_TRUE(m.SigningCertURL && !m.SigningCertUrl);
  EXPECT_EQ(m.signing_cert_url(), "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-d6d679a1d18e95c2f9ffcf11f4f9e198.pem");
  EXPECT_TRUE(m.unsubscribe_url().starts_with("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"));
  EXPECT_EQ(m.topic_name(), "snsNetTest");
  // Written back with the spelling it arrived with.
  EXPECT_TRUE(lift::json::to_json(m).as_object().contains("SigningCertURL"));
  EXPECT_FALSE(lift::json::to_json(m).as_object().contains("SigningCertUrl"));
}

TEST(SnsModel, BadInput) {
  expect_invalid(ev::parse_sns(boost::json::parse(R"({"Records":[{"EventSource":"aws:sns"}]})")), "Records[0].Sns: is required");
  expect_invalid(ev::parse_sns(boost::json::parse(R"({"Records":[{"Sns":{"Message":["x"]}}]})")), "Records[0].Sns.Message: expected string");
}

// ---- S3 ----

TEST(S3Model, KeysAreDecoded) {
  REQUIRE_SAMPLE(plus, "s3/dn-s3-event.json");
  auto a = ev::parse_s3(plus);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->Records.at(1).s3.object.key, "New+File.jpg");
  EXPECT_EQ(a->Records.at(1).s3.object.decoded_key(), "New File.jpg");
  EXPECT_EQ(a->Records[0].s3.bucket.name, "sourcebucket");
  EXPECT_EQ(*a->Records[0].s3.object.size, 1024);

  REQUIRE_SAMPLE(percent, "s3/go-s3-event.json");
  auto b = ev::parse_s3(percent);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->Records.at(0).s3.object.decoded_key(), "Happy Face.jpg");
  EXPECT_EQ(*b->Records[0].s3.object.versionId, "version");
  EXPECT_EQ(b->Records[0].requestParameters->sourceIPAddress, "127.0.0.1");

  REQUIRE_SAMPLE(dash, "s3/go-s3-replication-event.json");
  auto c = ev::parse_s3(dash);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->Records.at(0).s3.object.decoded_key(), *c->Records[0].s3.object.urlDecodedKey);
  EXPECT_EQ(c->Records[0].replicationEventData->at("failureReason"), "AssumeRoleNotPermitted");

  EXPECT_EQ(*ev::decode_s3_key("a%2Fb+c%7e%C3%A9"), "a/b c~\xC3\xA9");
  expect_invalid(ev::decode_s3_key("bad%2"), "invalid percent-encoding");
  expect_invalid(ev::decode_s3_key("bad%zz"), "invalid percent-encoding");
}

TEST(S3Model, ThroughEventBridge) {
  REQUIRE_SAMPLE(json, "eventbridge/pt-s3EventBridgeNotificationObjectCreatedEvent.json");
  auto event = ev::parse_s3_eventbridge(json);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->detail_type, "Object Created");
  EXPECT_EQ(event->detail.bucket.name, "example-bucket");
  EXPECT_EQ(event->detail.object.key, "IMG_m7fzo3.jpg");
  EXPECT_EQ(*event->detail.object.size, 184662);
  EXPECT_EQ(*event->detail.request_id, "57H08PA84AB1JZW0");
  EXPECT_EQ(*event->detail.source_ip_address, "34.252.34.74");

  REQUIRE_SAMPLE(restore, "eventbridge/dn-cloudwatchevents-s3objectrestore.json");
  auto r = ev::parse_s3_eventbridge(restore);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->detail.object.version_id, "KKsjUC1.6gIjqtvhfg5AdMI0eCePIiT3");
  EXPECT_EQ(*r->detail.source_storage_class, "GLACIER");
  const auto out = lift::json::to_json(*r);
  EXPECT_EQ(out.at("detail").at("object").at("version-id"), "KKsjUC1.6gIjqtvhfg5AdMI0eCePIiT3");
  EXPECT_EQ(out.at("detail-type"), "Object Restore Completed");

  // Keys through EventBridge are not URL-encoded: taken as they are.
  auto spaced = ev::parse_s3_eventbridge(boost::json::parse(
      R"({"detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"b"},"object":{"key":"a b+c%20"}}})"));
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->detail.object.key, "a b+c%20");
}

TEST(S3Model, BadInput) {
  expect_invalid(ev::parse_s3(boost::json::parse(R"({"Records":[{"eventName":"x"}]})")), "Records[0].s3: is required");
  expect_invalid(ev::parse_s3(boost::json::parse(R"({"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"k%"}}}]})")),
                 "Records[0].s3.object.key: invalid percent-encoding");
  expect_invalid(ev::parse_s3(boost::json::parse(R"({"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"k","size":"1"}}}]})")),
                 "Records[0].s3.object.size: expected integer");
  expect_invalid(ev::parse_s3_eventbridge(boost::json::parse(
                     R"({"detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"b"},"object":{"key":"k","version-id":3}}})")),
                 "detail.object.version-id: expected string");
  expect_invalid(ev::parse_s3_eventbridge(boost::json::parse(R"({"detail-type":"x","source":"aws.ec2","detail":{}})")), "source");
  expect_invalid(ev::parse_s3_eventbridge(boost::json::parse(R"({"detail-type":"x","source":"aws.s3","detail":{"bucket":{}}})")),
                 "detail.bucket.name: is required");
}

// ---- EventBridge ----

struct InstanceChange {
  std::string instance_id;
  std::string state;
};
BOOST_DESCRIBE_STRUCT(InstanceChange, (), (instance_id, state))
inline void lift_rules(lift::json::Rules<InstanceChange>& r) { r.field(&InstanceChange::state).one_of("pending", "running", "terminated"); }

TEST(EventBridgeModel, TypedDetail) {
  REQUIRE_SAMPLE(json, "eventbridge/pt-eventBridgeEvent.json");
  auto event = ev::parse_eventbridge<InstanceChange>(json);
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->detail_type, "EC2 Instance State-change Notification");
  EXPECT_EQ(event->detail.instance_id, "i-1234567890abcdef0");
  EXPECT_EQ(event->detail.state, "terminated");
  EXPECT_EQ(*event->replay_name, "replay_archive");
  EXPECT_EQ(event->resources.at(0), "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0");

  auto untyped = ev::parse_eventbridge(json);
  ASSERT_TRUE(untyped);
  EXPECT_EQ(untyped->detail.at("state"), "terminated");

  // The detail's rules run, and its errors name the path under detail.
  auto bad = boost::json::parse(R"({"detail-type":"x","source":"s","detail":{"instance_id":"i","state":"melted"}})");
  expect_invalid(ev::parse_eventbridge<InstanceChange>(bad), "detail.state");
  bad.as_object()["detail"] = {{"instance_id", 4}};
  expect_invalid(ev::parse_eventbridge<InstanceChange>(bad), "detail.instance_id: expected string");
}

TEST(EventBridgeModel, Scheduled) {
  REQUIRE_SAMPLE(json, "scheduled/rs-example-eventbridge-schedule.json");
  auto event = ev::parse_scheduled(json);
  ASSERT_TRUE(event);
  EXPECT_EQ(ev::rule_name(*event), "my-scheduled-rule");
  EXPECT_EQ(ev::rule_name_from_arn("arn:aws:events:us-east-1:123456789012:rule/orders-bus/nightly"), "nightly");
  EXPECT_EQ(ev::rule_name_from_arn("arn:aws:ec2:us-east-1:123456789012:instance/i-1"), "");
  EXPECT_EQ(ev::rule_name_from_arn("rule/x"), "");
}

TEST(EventBridgeModel, BadInput) {
  expect_invalid(ev::parse_eventbridge(boost::json::parse(R"({"source":"s","detail":{}})")), "detail-type: is required");
  expect_invalid(ev::parse_eventbridge(boost::json::parse(R"({"detail-type":"x","source":"s"})")), "detail: is required");
  expect_invalid(ev::parse_eventbridge(boost::json::parse(R"({"detail-type":"x","source":"s","detail":{},"resources":"r"})")),
                 "resources: expected array");
  expect_invalid(ev::parse_eventbridge(boost::json::parse(R"({"detail-type":7,"source":"s","detail":{}})")), "detail-type: expected string");
  expect_invalid(ev::parse_eventbridge(boost::json::parse(R"("x")")), "expected object");
  expect_invalid(ev::parse_scheduled(boost::json::parse(R"({"detail-type":"Scheduled Event","source":"my.app","detail":{}})")),
                 "source");
}

// ---- DynamoDB Streams ----

TEST(DynamoDBStreamModel, ImagesWithEveryAttributeType) {
  REQUIRE_SAMPLE(json, "dynamodb-stream/go-dynamodb-event.json");
  auto event = ev::parse_dynamodb_stream(json);
  ASSERT_TRUE(event);
  const auto& r = event->Records.at(1);
  EXPECT_EQ(r.operation(), ev::StreamOperation::insert);
  EXPECT_EQ(r.table_name(), "Example-Table");
  EXPECT_EQ(*r.dynamodb.Keys.at("key").as_string(), "binary");
  const auto& image = *r.dynamodb.NewImage;
  EXPECT_EQ(image.at("Binary").as_binary()->bytes, std::string("\x00\x01\x2a\x41", 4));
  EXPECT_TRUE(*image.at("Boolean").as_bool());
  EXPECT_EQ(image.at("BinarySet").type(), AttributeType::BS);
  EXPECT_EQ(image.at("List").as_list()->at(2).as_number()->text(), "3.14159");
  EXPECT_EQ(*image.at("Map").as_map()->at("Name").as_string(), "Joe");
  EXPECT_EQ(image.at("Map").as_map()->at("Age").as_number()->as_integer<int>(), 35);
  EXPECT_EQ(image.at("FloatNumber").as_number()->text(), "123.45");
  EXPECT_EQ(image.at("NumberSet").as_number_set()->size(), 2u);
  EXPECT_TRUE(image.at("Null").is_null());
  EXPECT_EQ(*image.at("String").as_string(), "Hello");
  EXPECT_EQ(image.at("StringSet").as_string_set()->at(1), "Zebra");
  EXPECT_TRUE(image.at("EmptyStringSet").as_string_set()->empty());  // as the sample has it
  EXPECT_EQ(r.dynamodb.SequenceNumber, "1405400000000002063282832");

  REQUIRE_SAMPLE(removal, "dynamodb-stream/dn-dynamodb-event.json");
  auto ttl = ev::parse_dynamodb_stream(removal);
  ASSERT_TRUE(ttl);
  EXPECT_TRUE(ttl->Records.at(1).is_ttl_removal());
  EXPECT_FALSE(ttl->Records.at(1).dynamodb.NewImage);
  EXPECT_EQ(ev::table_name_from_arn("stream-ARN"), "");
}

TEST(DynamoDBStreamModel, BadAttributeValuesNameTheirPath) {
  const auto with_image = [](const char* image) {
    std::string text = R"({"Records":[{"eventName":"INSERT","dynamodb":{"Keys":{},"SequenceNumber":"1","NewImage":)";
    text += image;
    text += "}}]}";
    return ev::parse_dynamodb_stream(boost::json::parse(text));
  };
  expect_invalid(with_image(R"({"price":{"N":"12x"}})"), R"(Records[0].dynamodb.NewImage["price"].N: not a number)");
  expect_invalid(with_image(R"({"a":{"S":"x","N":"1"}})"), R"(Records[0].dynamodb.NewImage["a"]: expected one type key, found 2)");
  expect_invalid(with_image(R"({"a":{"Q":"x"}})"), R"(NewImage["a"]: unknown attribute type "Q")");
  expect_invalid(with_image(R"({"a":{"B":"***"}})"), R"(NewImage["a"].B: invalid base64)");
  expect_invalid(with_image(R"({"a":{"M":{"b":{"L":[{"N":1}]}}}})"), R"(NewImage["a"].M["b"].L[0].N: expected a number as a string)");
  expect_invalid(with_image(R"([])"), "Records[0].dynamodb.NewImage: expected object");
  expect_invalid(ev::parse_dynamodb_stream(boost::json::parse(R"({"Records":[{"eventName":"INSERT"}]})")), "Records[0].dynamodb: is required");
  expect_invalid(ev::parse_dynamodb_stream(boost::json::parse(R"({"Records":[{"dynamodb":{"Keys":{}}}]})")),
                 "Records[0].dynamodb.SequenceNumber: is required");
}

// ---- Kinesis ----

TEST(KinesisModel, DataDecoded) {
  REQUIRE_SAMPLE(json, "kinesis/pt-kinesisStreamEvent.json");
  auto event = ev::parse_kinesis(json);
  ASSERT_TRUE(event);
  EXPECT_EQ(*event->Records.at(0).data(), "Hello, this is a test.");
  EXPECT_EQ(*event->Records.at(1).data(), "This is only a test.");
  EXPECT_EQ(event->Records[0].stream_name(), "lambda-stream");
  EXPECT_DOUBLE_EQ(event->Records[0].kinesis.approximateArrivalTimestamp, 1545084650.987);

  REQUIRE_SAMPLE(window, "kinesis/go-kinesis-time-window-event.json");
  auto w = ev::parse_kinesis(window);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->window->start, "2020-12-09T07:04:00Z");
  EXPECT_EQ(w->state->at("2"), "state 2");
  EXPECT_FALSE(*w->isFinalInvokeForWindow);
}

TEST(KinesisModel, CloudWatchLogsThroughKinesis) {
  REQUIRE_SAMPLE(json, "kinesis/pt-kinesisStreamCloudWatchLogsEvent.json");
  auto event = ev::parse_kinesis(json);
  ASSERT_TRUE(event);
  auto logs = ev::decode_cloudwatch_logs(event->Records.at(0).kinesis.data);
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_EQ(logs->logGroup, "/aws/lambda/pt-1488-DummyLogDataFunction-gnWXPvL6jJyG");
  EXPECT_TRUE(logs->logEvents.at(0).message.starts_with("START RequestId: 06e46194"));
}

TEST(KinesisModel, BadInput) {
  expect_invalid(ev::parse_kinesis(boost::json::parse(R"({"Records":[{"kinesis":{"data":"SGk=","sequenceNumber":"1"}},{"kinesis":{"data":"S=Gk","sequenceNumber":"2"}}]})")),
                 "Records[1].kinesis.data: invalid base64");
  expect_invalid(ev::parse_kinesis(boost::json::parse(R"({"Records":[{"kinesis":{"sequenceNumber":"2"}}]})")), "Records[0].kinesis.data: is required");
  expect_invalid(ev::parse_kinesis(boost::json::parse(R"({"Records":[{"kinesis":{"data":"","sequenceNumber":"2","approximateArrivalTimestamp":"x"}}]})")),
                 "Records[0].kinesis.approximateArrivalTimestamp: expected number");
  expect_invalid(ev::parse_kinesis(boost::json::parse(R"({"Records":null})")), "Records: expected array");
  ev::KinesisRecord bad;
  bad.kinesis.data = "!";
  expect_invalid(bad.data(), "kinesis.data: invalid base64");
}

// ---- CloudWatch Logs ----

TEST(CloudWatchLogsModel, EventsDecoded) {
  REQUIRE_SAMPLE(gz, "cloudwatch-logs/go-cloudwatch-logs-event.json");
  auto a = ev::parse_cloudwatch_logs(gz);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->messageType, "DATA_MESSAGE");
  EXPECT_EQ(a->owner, "123456789123");
  EXPECT_EQ(a->logGroup, "testLogGroup");
  EXPECT_EQ(a->subscriptionFilters, std::vector<std::string>{"testFilter"});
  ASSERT_EQ(a->logEvents.size(), 2u);
  EXPECT_EQ(a->logEvents[1].id, "eventId2");
  EXPECT_EQ(a->logEvents[1].timestamp, 1440442987001);
  EXPECT_EQ(a->logEvents[1].message, "[ERROR] Second test message");

  REQUIRE_SAMPLE(zlib, "cloudwatch-logs/pt-cloudWatchLogEventWithPolicyLevel.json");  // zlib, not gzip
  auto b = ev::parse_cloudwatch_logs(zlib);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(*b->policyLevel, "ACCOUNT_LEVEL_POLICY");
}

TEST(CloudWatchLogsModel, BadInput) {
  expect_invalid(ev::parse_cloudwatch_logs(boost::json::parse(R"({"awslogs":{}})")), "awslogs.data: is required");
  expect_invalid(ev::parse_cloudwatch_logs(boost::json::parse(R"({})")), "awslogs: is required");
  expect_invalid(ev::parse_cloudwatch_logs(awslogs("not base64!")), "awslogs.data: invalid base64");
  expect_invalid(ev::parse_cloudwatch_logs(awslogs(lift::base64::encode("plain text, not gzip"))), "awslogs.data: invalid gzip data");
  const std::string payload = R"({"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"m"}]})";
  const std::string compressed = gzip(payload);
  expect_invalid(ev::parse_cloudwatch_logs(awslogs(lift::base64::encode(compressed.substr(0, compressed.size() / 2)))),
                 "awslogs.data: invalid gzip data: truncated");
  expect_invalid(ev::parse_cloudwatch_logs(awslogs(lift::base64::encode(compressed + "junk"))), "trailing data");
  expect_invalid(ev::parse_cloudwatch_logs(awslogs(lift::base64::encode(gzip("{not json")))), "awslogs.data: ");
  expect_invalid(ev::parse_cloudwatch_logs(awslogs(lift::base64::encode(gzip(R"({"logEvents":[{"timestamp":"x"}]})")))),
                 "awslogs.data.logEvents[0].timestamp: expected integer");
  auto good = ev::parse_cloudwatch_logs(awslogs(lift::base64::encode(compressed)));
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->logEvents.at(0).message, "m");
}

TEST(CloudWatchLogsModel, GzipBombIsRefused) {
  // 64 MB of zeros compress to about 64 KB.
  const std::string bomb = gzip(std::string(64u << 20, '\0'));
  ASSERT_LT(bomb.size(), 200u * 1024);
  expect_invalid(ev::parse_cloudwatch_logs(awslogs(lift::base64::encode(bomb))),
                 "awslogs.data: inflated data larger than " + std::to_string(ev::kMaxCloudWatchLogsBytes) + " bytes");
  expect_invalid(ev::decode_cloudwatch_logs(lift::base64::encode(gzip(std::string(2000, ' ') + "{}")), 1000), "larger than 1000 bytes");
}

// ---- authorizers ----

TEST(AuthorizerModel, Events) {
  REQUIRE_SAMPLE(token, "authorizer-token/pt-apiGatewayAuthorizerTokenEvent.json");
  auto t = ev::parse_token_authorizer(token);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->authorizationToken, "allow");
  EXPECT_EQ(ev::method_arn_wildcard(t->methodArn), "arn:aws:execute-api:us-west-2:123456789012:ymy8tbxw7b/*/*/*");

  REQUIRE_SAMPLE(v1, "authorizer-request/ts-apigw-rest__authorizer-request.json");
  auto a = ev::parse_any_request_authorizer(v1);
  ASSERT_TRUE(a);
  const auto& r1 = std::get<ev::RequestAuthorizerEvent>(*a);
  EXPECT_EQ(r1.headers->at("Authorization"), "Bearer foo");
  EXPECT_EQ(r1.multiValueHeaders->at("Accept").at(0), "*/*");
  EXPECT_EQ(r1.requestContext.at("stage"), "prod");

  REQUIRE_SAMPLE(v2, "authorizer-request/pt-apiGatewayAuthorizerV2Event.json");
  auto b = ev::parse_any_request_authorizer(v2);
  ASSERT_TRUE(b);
  const auto& r2 = std::get<ev::RequestAuthorizerV2Event>(*b);
  EXPECT_EQ(r2.routeKey, "GET /merchants");
  EXPECT_EQ(*r2.identitySource, (std::vector<std::string>{"user1", "123"}));
  EXPECT_EQ(r2.cookies->size(), 2u);

  expect_invalid(ev::parse_token_authorizer(boost::json::parse(R"({"type":"REQUEST","authorizationToken":"t","methodArn":"a"})")),
                 R"(type: expected "TOKEN")");
  expect_invalid(ev::parse_token_authorizer(boost::json::parse(R"({"type":"TOKEN","methodArn":"a"})")), "authorizationToken: is required");
  expect_invalid(ev::parse_request_authorizer_v2(boost::json::parse(R"({"type":"REQUEST","version":"1.0","routeArn":"a"})")),
                 R"(version: expected "2.0")");
  expect_invalid(ev::parse_request_authorizer(boost::json::parse(R"({"type":"REQUEST","methodArn":"a","headers":{"h":1}})")),
                 R"(headers["h"]: expected string)");
}

TEST(AuthorizerModel, IamPolicyResponse) {
  auto response = ev::IamPolicyResponse::allow("user-1", "arn:aws:execute-api:us-east-1:1:api/prod/GET/pets")
                      .with_context("tenant", "acme")
                      .with_context("tier", 2)
                      .with_context("ratio", 0.5)
                      .with_context("admin", false)
                      .with_usage_identifier_key("key-1");
  const auto json = lift::json::to_json(response);
  EXPECT_EQ(json, boost::json::parse(R"({"principalId":"user-1","policyDocument":{"Version":"2012-10-17","Statement":[
    {"Action":["execute-api:Invoke"],"Effect":"Allow","Resource":["arn:aws:execute-api:us-east-1:1:api/prod/GET/pets"]}]},
    "context":{"tenant":"acme","tier":2,"ratio":0.5,"admin":false},"usageIdentifierKey":"key-1"})"));
  EXPECT_EQ(boost::json::parse(lift::json::serialize(response)), json);

  const auto deny = lift::json::to_json(ev::IamPolicyResponse::deny("anonymous", "*"));
  EXPECT_EQ(deny.at("policyDocument").at("Statement").at(0).at("Effect"), "Deny");
  EXPECT_FALSE(deny.as_object().contains("context"));

  // The shape of AWS's own sample answer.
  const auto golden = [](const char* file) {
    std::ifstream in(LIFT_TESTDATA_DIR "/event-responses/" + std::string(file));
    std::stringstream text;
    text << in.rdbuf();
    return text.str().empty() ? boost::json::value() : boost::json::parse(text.str());
  };
  const auto expected = golden("dn-custom-authorizer-v2-iam-response.json");
  if (!expected.is_null()) {
    const auto& statement = expected.at("policyDocument").at("Statement").at(0);
    auto built = ev::IamPolicyResponse::allow("abcdef", std::string(statement.at("Resource").at(0).as_string()))
                     .with_context("exampleKey", "exampleValue");
    EXPECT_EQ(lift::json::to_json(built), expected);
  }
  const auto simple_expected = golden("jv-response__simple_iam_policy_response.json");
  if (!simple_expected.is_null()) {
    auto simple = ev::SimpleAuthorizerResponse::allow().with_context("userId", "user-123").with_context("scope", "read:all");
    EXPECT_EQ(lift::json::to_json(simple), simple_expected);
  }
  EXPECT_EQ(lift::json::serialize(ev::SimpleAuthorizerResponse::deny()), R"({"isAuthorized":false})");
}

// ---- Cognito ----

TEST(CognitoModel, ResponseKeepsTheEvent) {
  REQUIRE_SAMPLE(json, "cognito/go-cognito-event-userpools-presignup.json");
  auto event = ev::parse_cognito(json);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->triggerSource, "PreSignUp_SignUp");
  EXPECT_EQ(event->callerContext.clientId, "<apps client id>");
  EXPECT_EQ(event->request.at("userAttributes").at("email"), "<email>");

  auto answer = ev::cognito_response(json, {{"autoConfirmUser", true}, {"autoVerifyEmail", false}, {"autoVerifyPhone", false}});
  ASSERT_TRUE(answer);
  auto expected = json;
  expected.as_object()["response"] = {{"autoConfirmUser", true}, {"autoVerifyEmail", false}, {"autoVerifyPhone", false}};
  EXPECT_EQ(*answer, expected);
  EXPECT_EQ(answer->as_object().size(), json.as_object().size());

  // An event without response gets one; members unknown to the model are kept.
  auto extra = boost::json::parse(R"({"triggerSource":"PostAuthentication_Authentication","userPoolId":"p","x-new":{"a":1}})");
  auto answered = ev::cognito_response(extra, boost::json::object{});
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->at("x-new").at("a"), 1);
  EXPECT_TRUE(answered->at("response").as_object().empty());

  expect_invalid(ev::cognito_response(boost::json::array{}, {}), "expected object");
  expect_invalid(ev::parse_cognito(boost::json::parse(R"({"userPoolId":"p"})")), "triggerSource: is required");
  expect_invalid(ev::parse_cognito(boost::json::parse(R"({"triggerSource":"t","userPoolId":"p","callerContext":[]})")),
                 "callerContext: expected object");
}

// ---- batch responses ----

TEST(BatchItemFailures, Serialise) {
  ev::BatchItemFailures failures;
  EXPECT_EQ(lift::json::serialize(failures), R"({"batchItemFailures":[]})");
  failures.add("id2");
  failures.add("id4");
  EXPECT_EQ(lift::json::serialize(failures), R"({"batchItemFailures":[{"itemIdentifier":"id2"},{"itemIdentifier":"id4"}]})");
  EXPECT_EQ(failures.size(), 2u);
  auto back = lift::json::from_json<ev::BatchItemFailures>(lift::json::to_json(failures));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, failures);

  std::ifstream in(LIFT_TESTDATA_DIR "/event-responses/rs-example-sqs-batch-response.json");
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(lift::json::to_json(failures), boost::json::parse(text.str()));
  }
}

}  // namespace

namespace {

TEST(S3Keys, EncodingAsNotificationsDoIsUndoneByDecoding) {
  EXPECT_EQ(lift::events::encode_s3_key("photos/2026/my cat (1).jpg"), "photos/2026/my+cat+%281%29.jpg");
  std::mt19937 bytes(11);  // fixed seed
  for (int round = 0; round < 2000; ++round) {
    std::string key(static_cast<std::size_t>(round % 30), '\0');
    for (auto& c : key) c = static_cast<char>(bytes() % 256);
    auto back = lift::events::decode_s3_key(lift::events::encode_s3_key(key));
    ASSERT_TRUE(back);
    ASSERT_EQ(*back, key) << round;
  }
}

}  // namespace
