// What each option of the older sources' samples changes in the event, read back through the
// typed models (or, for HTTP sources, the adapters the router uses), and the options that make
// no event: "InvalidSample", never a crash. (The newer sources test theirs beside their models:
// appsync_test.cpp, kafka_test.cpp, ...; every source's default sample: samples_test.cpp.)

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "lift/core/base64.hpp"
#include "lift/events/models.hpp"
#include "lift/http/adapters.hpp"

namespace {

namespace ev = lift::events;
using boost::json::value;

template <class T>
void expect_refused(const lift::Result<T>& sample, std::string_view words) {
  ASSERT_FALSE(sample) << "expected InvalidSample: " << words;
  EXPECT_EQ(sample.error().code, "InvalidSample");
  EXPECT_EQ(sample.error().status, 400);
  EXPECT_NE(sample.error().message.find(words), std::string::npos) << sample.error().message;
}

// The sample, which must be made.
template <class D>
value made(const typename D::SampleOptions& options) {
  auto sample = D::sample(options);
  EXPECT_TRUE(sample) << sample.error().message;
  return sample ? *sample : value();
}

TEST(SampleOptions, SqsBodiesFifoAndMd5) {
  ev::SqsSampleOptions options;
  options.queue = "jobs";
  options.body = {"one", "two"};
  options.fifo = true;
  options.group_id = "tenant-7";
  options.region = "eu-west-1";
  auto event = ev::parse_sqs(made<ev::Sqs>(options));
  ASSERT_TRUE(event) << event.error().message;
  ASSERT_EQ(event->Records.size(), 2u);
  EXPECT_EQ(event->Records[0].queue_name(), "jobs.fifo");
  EXPECT_EQ(event->Records[0].eventSourceARN, "arn:aws:sqs:eu-west-1:123456789012:jobs.fifo");
  EXPECT_EQ(event->Records[1].body, "two");
  EXPECT_EQ(event->Records[0].md5OfBody, "f97c5d29941bfb1b2fdab0874906ab82");  // MD5 of "one"
  EXPECT_EQ(event->Records[1].attributes.MessageGroupId, "tenant-7");
  EXPECT_TRUE(event->Records[0].attributes.SequenceNumber.has_value());

  const auto standard = ev::parse_sqs(made<ev::Sqs>({}));
  ASSERT_TRUE(standard);
  EXPECT_EQ(standard->Records[0].body, "Hello from SQS!");
  EXPECT_FALSE(standard->Records[0].is_fifo());
  EXPECT_FALSE(standard->Records[0].attributes.MessageGroupId.has_value());

  options.body.clear();
  expect_refused(ev::Sqs::sample(options), "at least one message");
  options = {};
  options.queue = "";
  expect_refused(ev::Sqs::sample(options), "queue");
  options = {};
  options.fifo = true;
  options.group_id = "";
  expect_refused(ev::Sqs::sample(options), "group id");
}

TEST(SampleOptions, SnsSubjectIsNullUnlessGiven) {
  const auto plain = made<ev::Sns>({});
  EXPECT_TRUE(plain.at("Records").at(0).at("Sns").at("Subject").is_null());
  ev::SnsSampleOptions options;
  options.topic = "orders";
  options.subject = "New order";
  options.message = R"({"id":1})";
  auto event = ev::parse_sns(made<ev::Sns>(options));
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->Records[0].Sns.topic_name(), "orders");
  EXPECT_EQ(event->Records[0].Sns.Subject, "New order");
  EXPECT_EQ(event->Records[0].Sns.Message, R"({"id":1})");
  options.topic = "";
  expect_refused(ev::Sns::sample(options), "topic");
}

TEST(SampleOptions, S3KeyIsEncodedAndDeletionsHaveNoSize) {
  ev::S3SampleOptions options;
  options.bucket = "photos";
  options.key = "2024/my cat+dog.jpg";
  options.size = 77;
  auto created = ev::parse_s3(made<ev::S3>(options));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->Records[0].s3.object.key, "2024/my+cat%2Bdog.jpg");
  EXPECT_EQ(created->Records[0].s3.object.decoded_key(), "2024/my cat+dog.jpg");
  EXPECT_EQ(created->Records[0].s3.object.size, 77);

  options.event_name = "ObjectRemoved:Delete";
  const auto removed = made<ev::S3>(options);
  const auto& object = removed.at("Records").at(0).at("s3").at("object").as_object();
  EXPECT_FALSE(object.contains("size"));
  EXPECT_FALSE(object.contains("eTag"));
  EXPECT_EQ(removed.at("Records").at(0).at("eventName"), "ObjectRemoved:Delete");

  options.size = -1;
  options.event_name = "ObjectCreated:Put";
  expect_refused(ev::S3::sample(options), "size");
  options = {};
  options.key = "";
  expect_refused(ev::S3::sample(options), "key");
}

TEST(SampleOptions, EventBridgeDetailIsJsonAndScheduledEventsAreTheirOwnSource) {
  ev::EventBridgeSampleOptions options;
  options.source = "com.shop";
  options.detail_type = "Order Placed";
  options.detail = R"({"id":7})";
  const auto event = made<ev::EventBridge>(options);
  EXPECT_EQ(event.at("detail").at("id"), 7);
  EXPECT_EQ(event.at("source"), "com.shop");

  options.detail = "{oops";
  expect_refused(ev::EventBridge::sample(options), "detail is not JSON");
  options.detail = "{}";
  options.source = "aws.events";
  options.detail_type = "Scheduled Event";
  expect_refused(ev::EventBridge::sample(options), "scheduled");
  options.source = "";
  expect_refused(ev::EventBridge::sample(options), "source");

  ev::ScheduledSampleOptions schedule;
  schedule.rule = "nightly-report";
  schedule.region = "eu-central-1";
  auto scheduled = ev::parse_scheduled(made<ev::Scheduled>(schedule));
  ASSERT_TRUE(scheduled) << scheduled.error().message;
  EXPECT_EQ(ev::rule_name(*scheduled), "nightly-report");
  EXPECT_EQ(scheduled->region, "eu-central-1");
  schedule.rule = "";
  expect_refused(ev::Scheduled::sample(schedule), "rule");
}

TEST(SampleOptions, DynamoDBImagesFollowTheEventName) {
  ev::DynamoDBStreamSampleOptions options;
  options.table = "Users";
  options.id = {"u1", "u2"};
  for (const char* name : {"INSERT", "MODIFY", "REMOVE"}) {
    options.event_name = name;
    auto event = ev::parse_dynamodb_stream(made<ev::DynamoDBStream>(options));
    ASSERT_TRUE(event) << name << ": " << event.error().message;
    ASSERT_EQ(event->Records.size(), 2u);
    const auto& change = event->Records[1].dynamodb;
    EXPECT_EQ(event->Records[0].table_name(), "Users");
    EXPECT_EQ(event->Records[1].eventName, name);
    EXPECT_EQ(change.NewImage.has_value(), std::string(name) != "REMOVE") << name;
    EXPECT_EQ(change.OldImage.has_value(), std::string(name) != "INSERT") << name;
    EXPECT_NE(event->Records[0].dynamodb.SequenceNumber, change.SequenceNumber);
  }
  options.event_name = "UPSERT";
  expect_refused(ev::DynamoDBStream::sample(options), "INSERT, MODIFY or REMOVE");
  options.event_name = "INSERT";
  options.id.clear();
  expect_refused(ev::DynamoDBStream::sample(options), "at least one record");
}

TEST(SampleOptions, KinesisDataIsBase64OfEachRecord) {
  ev::KinesisSampleOptions options;
  options.stream = "clicks";
  options.data = {"a", "b\nc"};
  options.partition_key = "user-9";
  auto event = ev::parse_kinesis(made<ev::Kinesis>(options));
  ASSERT_TRUE(event) << event.error().message;
  ASSERT_EQ(event->Records.size(), 2u);
  EXPECT_EQ(*event->Records[1].data(), "b\nc");
  EXPECT_EQ(event->Records[0].stream_name(), "clicks");
  EXPECT_EQ(event->Records[0].kinesis.partitionKey, "user-9");
  EXPECT_LT(event->Records[0].kinesis.sequenceNumber, event->Records[1].kinesis.sequenceNumber);
  options.data.clear();
  expect_refused(ev::Kinesis::sample(options), "at least one record");
}

TEST(SampleOptions, CloudWatchLogsMessagesAreGzippedIntoTheEnvelope) {
  ev::CloudWatchLogsSampleOptions options;
  options.log_group = "/aws/lambda/x";
  options.message = {"first line", "second \"quoted\" line"};
  auto logs = ev::parse_cloudwatch_logs(made<ev::CloudWatchLogs>(options));
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_EQ(logs->logGroup, "/aws/lambda/x");
  ASSERT_EQ(logs->logEvents.size(), 2u);
  EXPECT_EQ(logs->logEvents[1].message, "second \"quoted\" line");
  EXPECT_NE(logs->logStream.find("/[$LATEST]"), std::string::npos) << logs->logStream;  // 2024/01/20/[$LATEST]...

  options.log_stream = "custom-stream";
  auto named = ev::parse_cloudwatch_logs(made<ev::CloudWatchLogs>(options));
  ASSERT_TRUE(named);
  EXPECT_EQ(named->logStream, "custom-stream");

  options.log_stream = "";
  expect_refused(ev::CloudWatchLogs::sample(options), "log stream");
  options.log_stream.reset();
  options.message.clear();
  expect_refused(ev::CloudWatchLogs::sample(options), "at least one log event");
}

TEST(SampleOptions, AuthorizerCallsOfBothKinds) {
  ev::TokenAuthorizerSampleOptions token;
  token.token = "Bearer abc";
  auto call = ev::parse_token_authorizer(made<ev::TokenAuthorizer>(token));
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_EQ(call->authorizationToken, "Bearer abc");
  EXPECT_TRUE(call->methodArn.starts_with("arn:aws:execute-api:")) << call->methodArn;
  token.method_arn = "arn:aws:execute-api:eu-west-1:123456789012:api/prod/POST/orders";
  EXPECT_EQ(made<ev::TokenAuthorizer>(token).at("methodArn").as_string(), *token.method_arn);
  token.method_arn = "orders";
  expect_refused(ev::TokenAuthorizer::sample(token), "ARN");

  ev::RequestAuthorizerSampleOptions request;
  request.method = "POST";
  request.path = "/pets";
  request.header = {"X-Api-Key: k1", "authorization: Bearer xyz"};
  auto v1 = ev::parse_request_authorizer(made<ev::RequestAuthorizer>(request));
  ASSERT_TRUE(v1) << v1.error().message;
  EXPECT_TRUE(v1->methodArn.ends_with("/prod/POST/pets")) << v1->methodArn;
  EXPECT_EQ(v1->headers->at("X-Api-Key"), "k1");
  EXPECT_EQ(v1->headers->at("authorization"), "Bearer xyz");  // replaces the default Authorization
  EXPECT_FALSE(v1->headers->contains("Authorization"));

  request.version = "2.0";
  const auto v2_json = made<ev::RequestAuthorizer>(request);
  EXPECT_EQ(ev::detect(v2_json), ev::kind_of<ev::RequestAuthorizer>);
  auto v2 = ev::parse_request_authorizer_v2(v2_json);
  ASSERT_TRUE(v2) << v2.error().message;
  EXPECT_TRUE(v2->routeArn.ends_with("/$default/POST/pets")) << v2->routeArn;
  EXPECT_EQ(v2_json.at("routeKey"), "POST /pets");
  EXPECT_EQ(v2_json.at("identitySource"), boost::json::parse(R"(["Bearer xyz"])"));
  EXPECT_FALSE(v2_json.as_object().contains("body"));

  request.version = "3.0";
  expect_refused(ev::RequestAuthorizer::sample(request), "1.0 or 2.0");
  request.version = "1.0";
  request.header = {"no separator"};
  expect_refused(ev::RequestAuthorizer::sample(request), "header");
}

TEST(SampleOptions, CognitoTriggersHaveTheirFamilysRequestAndResponse) {
  ev::CognitoSampleOptions options;
  options.user_pool_id = "eu-west-1_abc";
  options.username = "sam";
  for (const char* trigger : {"PreSignUp_SignUp", "TokenGeneration_HostedAuth", "CustomMessage_SignUp", "UserMigration_Authentication",
                              "DefineAuthChallenge_Authentication", "CreateAuthChallenge_Authentication",
                              "VerifyAuthChallengeResponse_Authentication", "PostConfirmation_ConfirmSignUp"}) {
    options.trigger = trigger;
    const auto event = made<ev::Cognito>(options);
    EXPECT_EQ(ev::detect(event), ev::kind_of<ev::Cognito>) << trigger;
    auto parsed = ev::parse_cognito(event);
    ASSERT_TRUE(parsed) << trigger << ": " << parsed.error().message;
    EXPECT_EQ(parsed->triggerSource, trigger);
    EXPECT_EQ(parsed->region, "eu-west-1");
    EXPECT_EQ(parsed->userName, "sam");
  }
  options.trigger = "PreSignUp_SignUp";
  EXPECT_EQ(made<ev::Cognito>(options).at("response").at("autoConfirmUser"), false);
  options.trigger = "PreSignUp";
  expect_refused(ev::Cognito::sample(options), "Family_Action");
  options.trigger = "PreSignUp_SignUp";
  options.user_pool_id = "";
  expect_refused(ev::Cognito::sample(options), "user pool");
}

// ---- HTTP sources ----

template <class D>
lift::http::Request request_of(const ev::HttpSampleOptions& options) {
  const auto event = made<D>(options);
  EXPECT_EQ(ev::detect(event), ev::kind_of<D>) << boost::json::serialize(event);
  auto request = lift::http::request_from_event(event);
  EXPECT_TRUE(request) << (request ? "" : request.error().message);
  return request ? *request : lift::http::Request{};
}

template <class D>
void expect_http_options() {
  SCOPED_TRACE(D::info.name);
  ev::HttpSampleOptions options;
  options.method = "PUT";
  options.path = "/café/items";
  options.query = {"tag=a b", "tag=c&d", "q=1+1"};
  options.header = {"X-Tenant: t1", "user-agent=lift-test"};
  options.body = R"({"n":1})";
  const auto request = request_of<D>(options);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.path, "/café/items");
  EXPECT_EQ(request.query.get("q"), "1+1");
  EXPECT_EQ(request.query.all("tag").back(), "c&d");  // an ALB (single-value mode) keeps the last
  EXPECT_EQ(request.headers.get("x-tenant"), "t1");
  EXPECT_EQ(request.headers.get("user-agent"), "lift-test");  // replaces curl's
  EXPECT_EQ(request.body, R"({"n":1})");

  // A body of a binary type arrives base64-encoded, as API Gateway and ALBs send it.
  ev::HttpSampleOptions binary;
  binary.method = "POST";
  binary.header = {"Content-Type: image/png"};
  binary.body = "PNG";
  const auto event = made<D>(binary);
  EXPECT_EQ(event.at("isBase64Encoded"), true);
  EXPECT_EQ(event.at("body").as_string(), lift::base64::encode("PNG"));
  EXPECT_EQ(request_of<D>(binary).body, "PNG");

  const auto refused = [](auto change, std::string_view words) {
    ev::HttpSampleOptions bad;
    change(bad);
    expect_refused(D::sample(bad), words);
  };
  refused([](auto& o) { o.path = "orders"; }, "starts with '/'");
  refused([](auto& o) { o.method = "GE T"; }, "method");
  refused([](auto& o) { o.method = ""; }, "method");
  refused([](auto& o) { o.query = {"=1"}; }, "name=value");
  refused([](auto& o) { o.query = {"flag"}; }, "name=value");
  refused([](auto& o) { o.header = {"no separator"}; }, "Name: value");
  refused([](auto& o) { o.header = {": empty name"}; }, "Name: value");
}

TEST(SampleOptions, HttpSourcesShareTheirOptions) {
  expect_http_options<ev::ApiGatewayHttp>();
  expect_http_options<ev::ApiGatewayRest>();
  expect_http_options<ev::FunctionUrl>();
  expect_http_options<ev::Alb>();
}

TEST(SampleOptions, HttpSourcesAreTheirOwnShapes) {
  const auto url = made<ev::FunctionUrl>({});
  EXPECT_NE(url.at("requestContext").at("domainName").as_string().find(".lambda-url."), std::string::npos);
  EXPECT_EQ(url.at("requestContext").at("accountId"), "anonymous");
  const auto rest = made<ev::ApiGatewayRest>({});
  EXPECT_EQ(rest.at("requestContext").at("stage"), "prod");
  EXPECT_EQ(rest.at("resource"), "/");
  const auto alb = made<ev::Alb>({});
  EXPECT_EQ(alb.at("body"), "");
  EXPECT_TRUE(alb.at("requestContext").at("elb").at("targetGroupArn").as_string().starts_with("arn:aws:elasticloadbalancing:"));
}

TEST(SampleOptions, WebSocketEventTypes) {
  ev::WebSocketSampleOptions options;
  options.body = R"({"action":"send"})";
  options.route_key = "send";
  options.connection_id = "abc=";
  for (const char* type : {"CONNECT", "MESSAGE", "DISCONNECT"}) {
    options.event_type = type;
    const auto event = made<ev::ApiGatewayWebSocket>(options);
    EXPECT_EQ(ev::detect(event), ev::kind_of<ev::ApiGatewayWebSocket>) << type;
    auto request = lift::http::request_from_event(event);
    ASSERT_TRUE(request) << type << ": " << request.error().message;
    ASSERT_NE(request->websocket(), nullptr);
    EXPECT_EQ(request->websocket()->connection_id, "abc=");
    EXPECT_EQ(request->websocket()->event_type, type);
  }
  options.event_type = "CONNECT";
  EXPECT_EQ(made<ev::ApiGatewayWebSocket>(options).at("requestContext").at("routeKey"), "$connect");
  options.event_type = "DISCONNECT";
  EXPECT_EQ(made<ev::ApiGatewayWebSocket>(options).at("requestContext").at("routeKey"), "$disconnect");
  options.event_type = "MESSAGE";
  const auto message = made<ev::ApiGatewayWebSocket>(options);
  EXPECT_EQ(message.at("requestContext").at("routeKey"), "send");
  EXPECT_EQ(message.at("body"), R"({"action":"send"})");

  options.event_type = "OPEN";
  expect_refused(ev::ApiGatewayWebSocket::sample(options), "CONNECT, MESSAGE or DISCONNECT");
  options.event_type = "MESSAGE";
  options.connection_id = "";
  expect_refused(ev::ApiGatewayWebSocket::sample(options), "connection id");
}

}  // namespace
