// DynamoDB error answers as typed errors (canned bodies in DynamoDB's documented shapes), the
// client's endpoint configuration and the before-attempt hook. No network.
#include "lift/aws/dynamodb.hpp"

#include <gtest/gtest.h>

#include "support/scoped_env.hpp"

#include <cstdlib>
#include <memory>
#include <vector>

#include <boost/json.hpp>

namespace {

namespace json = boost::json;
using namespace lift::aws;

TEST(DynamoDbError, TransactionCanceledSkipsNoneAndKeepsRealIndexes) {
  const auto error = parse_dynamodb_error(400, R"({
    "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
    "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed, None, TransactionConflict]",
    "CancellationReasons": [
      {"Code": "None"}, {"Code": "None"},
      {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {"PK": {"S": "a"}, "version": {"N": "3"}}},
      {"Code": "None"},
      {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
    ]})");
  EXPECT_EQ(error.code, kDynamoDbTransactionCanceled);
  EXPECT_EQ(error.status, 400);
  EXPECT_NE(error.message.find("Transaction cancelled"), std::string::npos);
  ASSERT_EQ(error.details.size(), 3u);
  EXPECT_EQ(error.details[0].field, "TransactItems[2]");
  EXPECT_EQ(error.details[0].message, "ConditionalCheckFailed: The conditional request failed");
  EXPECT_EQ(error.details[1].field, "TransactItems[2].Item");
  EXPECT_EQ(error.details[2].field, "TransactItems[4]");

  const auto reasons = cancellation_reasons(error);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].index, 2u);
  EXPECT_EQ(reasons[0].code, "ConditionalCheckFailed");
  EXPECT_EQ(reasons[0].message, "The conditional request failed");
  ASSERT_TRUE(reasons[0].item);
  EXPECT_EQ(reasons[0].item->at("version").at("N"), "3");
  EXPECT_EQ(reasons[1].index, 4u);
  EXPECT_EQ(reasons[1].code, "TransactionConflict");
  EXPECT_FALSE(reasons[1].item);
  EXPECT_EQ(classify_error(error), FailureKind::fatal);
}

TEST(DynamoDbError, ReasonsBeyondTheFirstHundredKeepTheirIndex) {
  json::array reasons;
  for (int i = 0; i < 100; ++i) reasons.push_back(json::object{{"Code", i == 99 ? "ValidationError" : "None"}});
  json::object body{{"__type", "com.amazonaws.dynamodb.v20120810#TransactionCanceledException"}, {"Message", "cancelled"},
                    {"CancellationReasons", reasons}};
  const auto parsed = cancellation_reasons(parse_dynamodb_error(400, json::serialize(body)));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].index, 99u);
  EXPECT_EQ(parsed[0].code, "ValidationError");
  EXPECT_TRUE(parsed[0].message.empty());
}

TEST(DynamoDbError, ConditionalCheckFailedCarriesTheItem) {
  const auto error = parse_dynamodb_error(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
      "message":"The conditional request failed","Item":{"PK":{"S":"a"},"version":{"N":"9"}}})");
  EXPECT_EQ(error.code, kDynamoDbConditionalCheckFailed);
  EXPECT_EQ(error.message, "The conditional request failed");
  const auto item = condition_failed_item(error);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->at("version").at("N"), "9");
  EXPECT_TRUE(cancellation_reasons(error).empty());

  const auto without = parse_dynamodb_error(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"})");
  EXPECT_FALSE(condition_failed_item(without));
  EXPECT_EQ(without.message, "ConditionalCheckFailed");
}

TEST(DynamoDbError, ThrottlingIsRetryableAndOthersKeepTheirName) {
  const auto throughput = parse_dynamodb_error(
      400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"Rate exceeded"})");
  EXPECT_EQ(throughput.code, kDynamoDbThroughputExceeded);
  EXPECT_EQ(classify_error(throughput), FailureKind::throttling);
  const auto throttling = parse_dynamodb_error(400, R"({"__type":"com.amazon.coral.availability#ThrottlingException","message":"slow down"})");
  EXPECT_EQ(throttling.code, kDynamoDbThrottling);
  EXPECT_EQ(classify_error(throttling), FailureKind::throttling);
  const auto internal = parse_dynamodb_error(500, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"x"})");
  EXPECT_EQ(internal.code, "DynamoDB.InternalServerError");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(classify_error(internal), FailureKind::transient);
  EXPECT_EQ(parse_dynamodb_error(400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"})").code,
            kDynamoDbResourceNotFound);
  EXPECT_EQ(parse_dynamodb_error(400, R"({"__type":"com.amazon.coral.validate#ValidationException","message":"bad"})").code,
            kDynamoDbValidation);
  EXPECT_EQ(parse_dynamodb_error(400, R"({"__type":"ItemCollectionSizeLimitExceededException"})").code,
            "DynamoDB.ItemCollectionSizeLimitExceeded");
  EXPECT_EQ(parse_dynamodb_error(413, R"({"__type":"RequestEntityTooLarge:http://internal.amazon.com/"})").code,
            "DynamoDB.RequestEntityTooLarge");
}

TEST(DynamoDbError, UnreadableAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "<html>Bad Gateway</html>", "[]", "{}", R"({"__type": 5})", R"({"__type": "#"})",
                           R"({"__type": "a#Bad Name"})", "{\"__type\": \"\\u0000\"}"}) {
    const auto error = parse_dynamodb_error(502, body);
    EXPECT_EQ(error.code, kDynamoDbMalformedResponse) << body;
    EXPECT_EQ(error.status, 502) << body;
  }
  EXPECT_EQ(parse_dynamodb_error(200, "nope").status, 502);  // a 2xx is never an error status
  // Odd reason lists are skipped, not trusted.
  const auto odd = parse_dynamodb_error(400, R"({"__type":"x#TransactionCanceledException","CancellationReasons":
      [5, {"Code": 7}, {"Code": "ConditionalCheckFailed", "Item": "not an object"}, null]})");
  const auto reasons = cancellation_reasons(odd);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].index, 2u);
  EXPECT_FALSE(reasons[0].item);
  const lift::Error forged{std::string(kDynamoDbTransactionCanceled), "", 400,
                           {{"TransactItems[x]", "A"}, {"TransactItems[1].Item", "{"}, {"TransactItems[", ""}}};
  EXPECT_TRUE(cancellation_reasons(forged).empty());
}

using lift::testing_support::ScopedEnv;

TEST(DynamoDbClientConfig, EndpointFromOptionsEnvironmentOrRegion) {
  ScopedEnv endpoint("LIFT_DYNAMODB_ENDPOINT", nullptr);
  ScopedEnv region("AWS_REGION", "eu-west-1");
  auto aws = DynamoDbClient::create();
  ASSERT_TRUE(aws) << aws.error().message;
  EXPECT_EQ(aws->endpoint(), "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws->region(), "eu-west-1");

  DynamoDbOptions china;
  china.region = "cn-north-1";
  EXPECT_EQ(DynamoDbClient::create(china)->endpoint(), "https://dynamodb.cn-north-1.amazonaws.com.cn");

  ScopedEnv local("LIFT_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
  auto from_env = DynamoDbClient::create();
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->endpoint(), "http://127.0.0.1:8000");

  DynamoDbOptions explicit_endpoint;
  explicit_endpoint.endpoint = "https://localhost:4566";
  EXPECT_EQ(DynamoDbClient::create(explicit_endpoint)->endpoint(), "https://localhost:4566");
}

TEST(DynamoDbClientConfig, UnusableEndpointsAreConfigErrors) {
  ScopedEnv region("AWS_REGION", "us-east-1");
  for (const char* bad : {"memory:", "memory:todos", "localhost:8000", "ftp://127.0.0.1/", "http://"}) {
    ScopedEnv endpoint("LIFT_DYNAMODB_ENDPOINT", bad);
    auto client = DynamoDbClient::create();
    ASSERT_FALSE(client) << bad;
    EXPECT_EQ(client.error().code, "Config") << bad;
  }
  ScopedEnv endpoint("LIFT_DYNAMODB_ENDPOINT", "memory:");
  EXPECT_NE(DynamoDbClient::create().error().message.find("embedded"), std::string::npos);
  DynamoDbOptions odd_region;
  odd_region.endpoint = "";
  odd_region.region = "eu-west-1/../x";
  ScopedEnv unset("LIFT_DYNAMODB_ENDPOINT", nullptr);
  EXPECT_EQ(DynamoDbClient::create(odd_region).error().code, "Config");
}

TEST(DynamoDbClientConfig, AnEmptyOperationNameIsRefused) {
  DynamoDbOptions options;
  options.endpoint = "http://127.0.0.1:9";
  auto client = DynamoDbClient::create(options);
  ASSERT_TRUE(client);
  auto result = client->call("", {}, std::chrono::steady_clock::now() + std::chrono::seconds(1));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, kDynamoDbValidation);
  EXPECT_EQ(client->call("Get Item", {}, std::chrono::steady_clock::now()).error().code, kDynamoDbValidation);
}

// The hook fault injection uses: what it returns is each attempt's answer, retried as the
// service's own would be; nothing is sent while it fails the attempts.
TEST(DynamoDbClientHooks, BeforeAttemptFailuresAreRetriedLikeTheServices) {
  std::vector<CallInfo> seen;
  HttpClientOptions http;
  http.before_attempt = [&](const CallInfo& call) -> lift::Result<void> {
    seen.push_back(call);
    return lift::Error{"Fault.Throttling", "injected", 429};
  };
  DynamoDbOptions options;
  options.endpoint = "http://127.0.0.1:9";  // nothing listens: a request sent would fail otherwise
  options.region = "eu-west-1";
  options.http = std::make_shared<HttpClient>(http);
  options.retry.base_delay = options.retry.throttling_base_delay = std::chrono::milliseconds(1);
  auto client = DynamoDbClient::create(options);
  ASSERT_TRUE(client);
  auto result = client->call("GetItem", {{"TableName", "todos"}}, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "Fault.Throttling");
  ASSERT_EQ(seen.size(), 3u);  // every attempt of standard mode
  EXPECT_EQ(seen[0].service, "DynamoDB");
  EXPECT_EQ(seen[0].operation, "GetItem");
  EXPECT_EQ(seen[0].table_name, "todos");

  // A hook that lets the attempt go ahead leaves the call to the transport.
  http.before_attempt = [](const CallInfo&) -> lift::Result<void> { return {}; };
  options.http = std::make_shared<HttpClient>(http);
  options.retry.max_attempts = 1;
  auto through = DynamoDbClient::create(options);
  ASSERT_TRUE(through);
  auto refused = through->call("GetItem", {{"TableName", "todos"}}, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kHttpConnectFailed);
}

}  // namespace
