// The DynamoDB client against dynalite (a real DynamoDB implementation from npm) started on
// 127.0.0.1, cross-checked with the AWS SDK for JavaScript; retries against a fake endpoint.
#include "lift/aws/dynamodb.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include <boost/json.hpp>

#include "support/dynalite.hpp"
#include "support/local_server.hpp"
#include "support/subprocess.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
namespace http = boost::beast::http;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::HttpServerRequest;
using lift::testing_support::LocalServer;
using lift::testing_support::make_response;
using lift::testing_support::serve_http;

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

std::shared_ptr<CredentialsChain> test_credentials() {
  return std::make_shared<CredentialsChain>(std::vector<CredentialsProvider>{
      []() -> lift::Result<Credentials> { return Credentials{"AKIDTEST", "test-secret", "", std::nullopt, "test"}; }});
}

DynamoDbClient client_for(const std::string& endpoint, RetryPolicy retry = {}) {
  DynamoDbOptions options;
  options.endpoint = endpoint;
  options.region = "us-east-1";
  options.retry = retry;
  options.credentials = test_credentials();
  HttpClientOptions http;
  http.proxy = "";
  options.http = std::make_shared<HttpClient>(http);
  auto client = DynamoDbClient::create(std::move(options));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

Clock::time_point soon() { return Clock::now() + 5s; }

class DynamoDbDynalite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR); }
  static void TearDownTestSuite() { dynalite_.reset(); }

  void SetUp() override {
    if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << dynalite_->why_unavailable();
    client_.emplace(client_for(dynalite_->endpoint()));
  }

  // A table with PK (hash) and SK (range), both strings, on demand.
  void create_table(const std::string& name) {
    json::object request = obj(R"({
      "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
      "BillingMode": "PAY_PER_REQUEST"})");
    request["TableName"] = name;
    auto created = client_->create_table(request, soon());
    ASSERT_TRUE(created) << created.error().code << ": " << created.error().message;
    for (int i = 0; i < 100; ++i) {
      auto described = client_->describe_table({{"TableName", name}}, soon());
      ASSERT_TRUE(described);
      if (described->at("Table").at("TableStatus") == "ACTIVE") return;
      std::this_thread::sleep_for(20ms);
    }
    FAIL() << "table " << name << " never became ACTIVE";
  }

  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
  std::optional<DynamoDbClient> client_;
};

TEST_F(DynamoDbDynalite, TableLifecycle) {
  create_table("lifecycle");
  auto listed = client_->list_tables({}, soon());
  ASSERT_TRUE(listed);
  const auto& names = listed->at("TableNames").as_array();
  EXPECT_NE(std::find(names.begin(), names.end(), json::value("lifecycle")), names.end());

  auto duplicate = client_->create_table(
      obj(R"({"TableName": "lifecycle", "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}],
              "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST"})"),
      soon());
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, "DynamoDB.ResourceInUse");

  auto deleted = client_->delete_table({{"TableName", "lifecycle"}}, soon());
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(deleted->at("TableDescription").at("TableName"), "lifecycle");
  for (int i = 0; i < 100; ++i) {
    auto gone = client_->describe_table({{"TableName", "lifecycle"}}, soon());
    if (!gone) {
      EXPECT_EQ(gone.error().code, kDynamoDbResourceNotFound);
      EXPECT_EQ(gone.error().status, 400);
      EXPECT_EQ(classify_error(gone.error()), FailureKind::fatal);
      return;
    }
    std::this_thread::sleep_for(20ms);
  }
  FAIL() << "the table was never deleted";
}

TEST_F(DynamoDbDynalite, PutGetUpdateDeleteWithConditions) {
  create_table("items");
  auto put = client_->put_item(obj(R"({"TableName": "items", "Item": {"PK": {"S": "todo#1"}, "SK": {"S": "v"},
                                       "title": {"S": "write tests"}, "version": {"N": "1"}}})"),
                               soon());
  ASSERT_TRUE(put) << put.error().message;

  auto again = client_->put_item(obj(R"json({"TableName": "items", "Item": {"PK": {"S": "todo#1"}, "SK": {"S": "v"}},
                                         "ConditionExpression": "attribute_not_exists(PK)"})json"),
                                 soon());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, kDynamoDbConditionalCheckFailed);
  EXPECT_EQ(again.error().status, 400);
  EXPECT_FALSE(again.error().message.empty());
  EXPECT_EQ(classify_error(again.error()), FailureKind::fatal);

  const auto key = obj(R"({"PK": {"S": "todo#1"}, "SK": {"S": "v"}})");
  auto got = client_->get_item({{"TableName", "items"}, {"Key", key}, {"ConsistentRead", true}}, soon());
  ASSERT_TRUE(got);
  EXPECT_EQ(got->at("Item").at("title"), obj(R"({"S": "write tests"})"));

  auto update_request = obj(R"({"TableName": "items", "UpdateExpression": "SET #t = :t ADD #v :one",
      "ConditionExpression": "#v = :expected", "ExpressionAttributeNames": {"#t": "title", "#v": "version"},
      "ExpressionAttributeValues": {":t": {"S": "ship it"}, ":one": {"N": "1"}, ":expected": {"N": "1"}},
      "ReturnValues": "ALL_NEW"})");
  update_request["Key"] = key;
  auto updated = client_->update_item(update_request, soon());
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->at("Attributes").at("version"), obj(R"({"N": "2"})"));
  EXPECT_EQ(updated->at("Attributes").at("title"), obj(R"({"S": "ship it"})"));

  auto stale = client_->update_item(update_request, soon());  // still expects version 1
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, kDynamoDbConditionalCheckFailed);

  auto refused_delete = client_->delete_item(
      {{"TableName", "items"}, {"Key", key}, {"ConditionExpression", "version = :v"},
       {"ExpressionAttributeValues", obj(R"({":v": {"N": "7"}})")}},
      soon());
  ASSERT_FALSE(refused_delete);
  EXPECT_EQ(refused_delete.error().code, kDynamoDbConditionalCheckFailed);
  auto deleted = client_->delete_item({{"TableName", "items"}, {"Key", key}, {"ReturnValues", "ALL_OLD"}}, soon());
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->at("Attributes").at("version"), obj(R"({"N": "2"})"));
  auto missing = client_->get_item({{"TableName", "items"}, {"Key", key}}, soon());
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->contains("Item"));
}

TEST_F(DynamoDbDynalite, QueryAndScanPaginate) {
  create_table("pages");
  for (int i = 0; i < 23; ++i) {
    char sk[8];
    std::snprintf(sk, sizeof sk, "%03d", i);
    json::object item{{"PK", {{"S", i < 20 ? "user#1" : "user#2"}}}, {"SK", {{"S", sk}}}, {"n", {{"N", std::to_string(i)}}}};
    ASSERT_TRUE(client_->put_item({{"TableName", "pages"}, {"Item", item}}, soon()));
  }
  std::vector<std::string> seen;
  json::object request = obj(R"({"TableName": "pages", "KeyConditionExpression": "PK = :pk",
      "ExpressionAttributeValues": {":pk": {"S": "user#1"}}, "Limit": 7, "ScanIndexForward": false})");
  int pages = 0;
  for (;;) {
    auto page = client_->query(request, soon());
    ASSERT_TRUE(page) << page.error().message;
    ++pages;
    for (const auto& item : page->at("Items").as_array()) seen.emplace_back(item.at("SK").at("S").as_string());
    if (!page->contains("LastEvaluatedKey")) break;
    request["ExclusiveStartKey"] = page->at("LastEvaluatedKey");
  }
  ASSERT_EQ(seen.size(), 20u);
  EXPECT_EQ(seen.front(), "019");  // newest first
  EXPECT_EQ(seen.back(), "000");
  EXPECT_GE(pages, 3);

  std::size_t scanned = 0;
  json::object scan{{"TableName", "pages"}, {"Limit", 5}};
  for (int round = 0; round < 20; ++round) {
    auto page = client_->scan(scan, soon());
    ASSERT_TRUE(page);
    scanned += page->at("Items").as_array().size();
    if (!page->contains("LastEvaluatedKey")) break;
    scan["ExclusiveStartKey"] = page->at("LastEvaluatedKey");
  }
  EXPECT_EQ(scanned, 23u);

  auto bad_expression = client_->query(obj(R"({"TableName": "pages", "KeyConditionExpression": "PK = = :pk",
      "ExpressionAttributeValues": {":pk": {"S": "x"}}})"), soon());
  ASSERT_FALSE(bad_expression);
  EXPECT_EQ(bad_expression.error().code, kDynamoDbValidation);
}

TEST_F(DynamoDbDynalite, BatchWriteAndGet) {
  create_table("batch");
  json::array puts;
  json::array keys;
  for (int i = 0; i < 20; ++i) {
    std::string pk = "k";
    pk += std::to_string(i);  // not `"k" + ...`: g++ 12 -O3 warns falsely (-Wrestrict) on that
    json::object key{{"PK", {{"S", pk}}}, {"SK", {{"S", "x"}}}};
    json::object item = key;
    item["payload"] = {{"S", std::string(100, static_cast<char>('a' + i))}};
    puts.push_back(json::object{{"PutRequest", json::object{{"Item", item}}}});
    keys.push_back(key);
  }
  auto written = client_->batch_write_item_all({{"RequestItems", {{"batch", puts}}}}, soon());
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(written->at("UnprocessedItems").as_object().empty());

  auto read = client_->batch_get_item_all({{"RequestItems", {{"batch", {{"Keys", keys}, {"ConsistentRead", true}}}}}}, soon());
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->at("Responses").at("batch").as_array().size(), 20u);

  auto raw = client_->batch_get_item({{"RequestItems", {{"batch", {{"Keys", json::array{keys[0], keys[1]}}}}}}}, soon());
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->at("Responses").at("batch").as_array().size(), 2u);

  auto deletes = client_->batch_write_item(
      {{"RequestItems", {{"batch", json::array{json::object{{"DeleteRequest", {{"Key", keys[0]}}}}}}}}}, soon());
  ASSERT_TRUE(deletes) << deletes.error().message;

  json::array too_many;
  for (int i = 0; i < 26; ++i) too_many.push_back(puts[static_cast<std::size_t>(i % 20)]);
  auto refused = client_->batch_write_item({{"RequestItems", {{"batch", too_many}}}}, soon());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kDynamoDbValidation);
}

TEST_F(DynamoDbDynalite, ErrorsAreMappedByType) {
  auto short_name = client_->describe_table({{"TableName", "ab"}}, soon());
  ASSERT_FALSE(short_name);
  EXPECT_EQ(short_name.error().code, kDynamoDbValidation);
  EXPECT_EQ(short_name.error().status, 400);

  auto no_table = client_->get_item(obj(R"({"TableName": "nowhere", "Key": {"PK": {"S": "x"}}})"), soon());
  ASSERT_FALSE(no_table);
  EXPECT_EQ(no_table.error().code, kDynamoDbResourceNotFound);

  // dynalite does not implement these: the answer is a clean, typed, final error.
  const auto transact = obj(R"({"TransactItems": [{"Put": {"TableName": "items", "Item": {"PK": {"S": "t"}, "SK": {"S": "t"}}}}]})");
  for (auto result : {client_->transact_write_items(transact, soon()),
                      client_->transact_get_items(obj(R"({"TransactItems": []})"), soon()),
                      client_->update_time_to_live(obj(R"({"TableName": "items", "TimeToLiveSpecification":
                                                          {"AttributeName": "ttl", "Enabled": true}})"), soon()),
                      client_->call("NoSuchOperation", {}, soon())}) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, "DynamoDB.UnknownOperation") << result.error().message;
    EXPECT_EQ(result.error().status, 400);
    EXPECT_EQ(classify_error(result.error()), FailureKind::fatal);
  }
}

// The AWS SDK for JavaScript reads what this client wrote, and the other way round.
TEST_F(DynamoDbDynalite, SameItemsAsTheAwsSdk) {
  const std::string script = std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/aws/sdk_crosscheck.js";
  if (!std::filesystem::exists(std::string(LIFT_TEST_SOURCE_DIR) + "/node_modules/@aws-sdk/client-dynamodb"))
    LIFT_SKIP_WITHOUT() << "node_modules/@aws-sdk/client-dynamodb is missing";
  create_table("crosscheck");
  const auto item = obj(R"({"PK": {"S": "item#1"}, "SK": {"S": "ünïcode ✓"}, "n": {"N": "-12.5"}, "big": {"N": "12345678901234567890"},
      "flag": {"BOOL": true}, "nothing": {"NULL": true}, "bytes": {"B": "AAEC/w=="}, "tags": {"SS": ["a", "b"]},
      "scores": {"NS": ["1", "2.5"]}, "blobs": {"BS": ["AQ==", "Ag=="]},
      "nested": {"M": {"list": {"L": [{"S": "x"}, {"N": "3"}, {"M": {"deep": {"BOOL": false}}}]}, "empty": {"S": ""}}}})");
  ASSERT_TRUE(client_->put_item({{"TableName", "crosscheck"}, {"Item", item}}, soon()));

  const auto sdk = [&](const char* mode, const json::object& payload) {
    return lift::testing_support::run_command(
        {LIFT_TEST_NODE, script, dynalite_->endpoint(), mode, "crosscheck", json::serialize(payload)}, "", 60s);
  };
  auto read_by_sdk = sdk("get", obj(R"({"PK": {"S": "item#1"}, "SK": {"S": "ünïcode ✓"}})"));
  ASSERT_EQ(read_by_sdk.exit_code, 0) << read_by_sdk.err;
  EXPECT_EQ(json::parse(read_by_sdk.out), json::value(item));

  auto written_by_sdk = item;
  written_by_sdk["PK"] = {{"S", "item#2"}};
  written_by_sdk["extra"] = {{"L", json::array{json::object{{"B", "3q2+7w=="}}}}};
  auto put_by_sdk = sdk("put", written_by_sdk);
  ASSERT_EQ(put_by_sdk.exit_code, 0) << put_by_sdk.err;
  auto ours = client_->get_item({{"TableName", "crosscheck"}, {"Key", obj(R"({"PK": {"S": "item#2"}, "SK": {"S": "ünïcode ✓"}})")},
                                 {"ConsistentRead", true}},
                                soon());
  ASSERT_TRUE(ours) << ours.error().message;
  EXPECT_EQ(ours->at("Item"), json::value(written_by_sdk));
}

// A fake DynamoDB endpoint that answers from a script, to test retries and what is sent.
struct FakeDynamoDb {
  std::function<std::pair<unsigned, std::string>(const HttpServerRequest&, int number)> answer;
  std::atomic<int> requests{0};
  std::mutex mutex;
  std::vector<HttpServerRequest> seen;
  LocalServer server{[this](LocalServer::Socket& socket) {
    serve_http(socket, [this](const HttpServerRequest& request, int) {
      const int number = ++requests;
      {
        std::lock_guard lock(mutex);
        seen.push_back(request);
      }
      auto [status, body] = answer(request, number);
      return make_response(status, body, "application/x-amz-json-1.0");
    });
  }};

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
};

RetryPolicy quick_retries(int attempts) {
  RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.base_delay = 5ms;
  policy.throttling_base_delay = 20ms;
  policy.deadline_margin = 50ms;
  return policy;
}

constexpr const char* kThrottled =
    R"({"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"Rate exceeded"})";

TEST(DynamoDbRetries, ThrottledTwiceThenSuccessTakesThreeAttempts) {
  FakeDynamoDb fake;
  fake.answer = [](const HttpServerRequest&, int number) -> std::pair<unsigned, std::string> {
    if (number <= 2) return {400, kThrottled};
    return {200, R"({"Item": {"PK": {"S": "a"}}})"};
  };
  auto client = client_for(fake.endpoint(), quick_retries(3));
  auto got = client.get_item(obj(R"({"TableName": "t", "Key": {"PK": {"S": "a"}}})"), Clock::now() + 5s);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->at("Item").at("PK").at("S"), "a");
  EXPECT_EQ(fake.requests.load(), 3);

  // What went on the wire: the JSON protocol, signed for dynamodb.
  std::lock_guard lock(fake.mutex);
  const auto& request = fake.seen.back();
  EXPECT_EQ(request.method(), http::verb::post);
  EXPECT_EQ(request.target(), "/");
  EXPECT_EQ(request["X-Amz-Target"], "DynamoDB_20120810.GetItem");
  EXPECT_EQ(request[http::field::content_type], "application/x-amz-json-1.0");
  EXPECT_EQ(request[http::field::host], "127.0.0.1:" + std::to_string(fake.server.port()));
  EXPECT_TRUE(request[http::field::authorization].starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"));
  EXPECT_NE(request[http::field::authorization].find("/us-east-1/dynamodb/aws4_request, SignedHeaders="), std::string::npos);
  EXPECT_FALSE(request["X-Amz-Date"].empty());
  EXPECT_EQ(json::parse(request.body()), json::parse(R"({"TableName": "t", "Key": {"PK": {"S": "a"}}})"));
}

TEST(DynamoDbRetries, AlwaysThrottledGivesUpWithinTheDeadline) {
  FakeDynamoDb fake;
  fake.answer = [](const HttpServerRequest&, int) -> std::pair<unsigned, std::string> { return {400, kThrottled}; };
  auto client = client_for(fake.endpoint(), quick_retries(1000));
  const auto start = Clock::now();
  auto got = client.put_item(obj(R"({"TableName": "t", "Item": {"PK": {"S": "a"}}})"), start + 800ms);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().code == kDynamoDbThroughputExceeded || got.error().code == "aws.deadline_exceeded") << got.error().code;
  EXPECT_LT(took, 800ms);
  EXPECT_GT(fake.requests.load(), 3);
}

TEST(DynamoDbRetries, OnlyRetryableFailuresAreRetried) {
  FakeDynamoDb fake;
  fake.answer = [](const HttpServerRequest& request, int number) -> std::pair<unsigned, std::string> {
    if (request["X-Amz-Target"] == "DynamoDB_20120810.PutItem")
      return {400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"version":{"N":"4"}}})"};
    if (number == 1) return {500, R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"oops"})"};
    if (number == 2) return {503, "<html>Service Unavailable</html>"};
    return {200, "{}"};
  };
  auto client = client_for(fake.endpoint(), quick_retries(3));
  auto described = client.describe_table({{"TableName", "t"}}, Clock::now() + 5s);
  ASSERT_TRUE(described) << described.error().message;
  EXPECT_EQ(fake.requests.load(), 3);

  auto conditional = client.put_item(obj(R"({"TableName": "t", "Item": {"PK": {"S": "a"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})"),
                                     Clock::now() + 5s);
  ASSERT_FALSE(conditional);
  EXPECT_EQ(conditional.error().code, kDynamoDbConditionalCheckFailed);
  EXPECT_EQ(fake.requests.load(), 4);  // not retried
  auto item = condition_failed_item(conditional.error());
  ASSERT_TRUE(item);
  EXPECT_EQ(item->at("version").at("N"), "4");
}

TEST(DynamoDbRetries, UnprocessedItemsAreSentAgain) {
  FakeDynamoDb fake;
  fake.answer = [](const HttpServerRequest& request, int number) -> std::pair<unsigned, std::string> {
    const auto body = json::parse(request.body()).as_object();
    if (number == 1)
      return {200, R"({"UnprocessedItems": {"t": [{"PutRequest": {"Item": {"PK": {"S": "late"}}}}]}, "ConsumedCapacity": [{"TableName": "t", "CapacityUnits": 1}]})"};
    // The second round carries exactly what was left over.
    if (body.at("RequestItems") == json::parse(R"({"t": [{"PutRequest": {"Item": {"PK": {"S": "late"}}}}]})"))
      return {200, R"({"UnprocessedItems": {}, "ConsumedCapacity": [{"TableName": "t", "CapacityUnits": 2}]})"};
    return {400, R"({"__type":"ValidationException","message":"unexpected second round"})"};
  };
  auto client = client_for(fake.endpoint(), quick_retries(3));
  auto written = client.batch_write_item_all(
      obj(R"({"RequestItems": {"t": [{"PutRequest": {"Item": {"PK": {"S": "early"}}}}, {"PutRequest": {"Item": {"PK": {"S": "late"}}}}]},
              "ReturnConsumedCapacity": "TOTAL"})"),
      Clock::now() + 5s);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(fake.requests.load(), 2);
  EXPECT_EQ(written->at("ConsumedCapacity").as_array().size(), 2u);
  EXPECT_TRUE(written->at("UnprocessedItems").as_object().empty());
}

TEST(DynamoDbRetries, UnprocessedAtTheDeadlineIsReportedNotLost) {
  FakeDynamoDb fake;
  fake.answer = [](const HttpServerRequest&, int) -> std::pair<unsigned, std::string> {
    return {200, R"({"Responses": {"t": [{"PK": {"S": "a"}}]}, "UnprocessedKeys": {"t": {"Keys": [{"PK": {"S": "b"}}]}}})"};
  };
  auto client = client_for(fake.endpoint(), quick_retries(3));
  auto read = client.batch_get_item_all(obj(R"({"RequestItems": {"t": {"Keys": [{"PK": {"S": "a"}}, {"PK": {"S": "b"}}]}}})"),
                                        Clock::now() + 400ms);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, "DynamoDB.Unprocessed");
  EXPECT_EQ(read.error().status, 503);
  ASSERT_EQ(read.error().details.size(), 1u);
  EXPECT_EQ(json::parse(read.error().details[0].message), json::parse(R"({"t": {"Keys": [{"PK": {"S": "b"}}]}})"));
}

TEST(DynamoDbRetries, AFailedLaterRoundStillReportsWhatWasNotWritten) {
  FakeDynamoDb fake;
  fake.answer = [](const HttpServerRequest&, int number) -> std::pair<unsigned, std::string> {
    if (number == 1) {
      return {200, R"({"UnprocessedItems": {"t": [{"PutRequest": {"Item": {"PK": {"S": "b"}}}}]}})"};
    }
    return {400, R"({"__type":"com.amazon.coral.validate#ValidationException","message":"Item too large"})"};
  };
  auto client = client_for(fake.endpoint(), quick_retries(3));
  auto written = client.batch_write_item_all(
      obj(R"({"RequestItems": {"t": [{"PutRequest": {"Item": {"PK": {"S": "a"}}}}, {"PutRequest": {"Item": {"PK": {"S": "b"}}}}]}})"),
      Clock::now() + 5s);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, "DynamoDB.Unprocessed");
  EXPECT_NE(written.error().message.find("Item too large"), std::string::npos) << written.error().message;
  ASSERT_EQ(written.error().details.size(), 1u);
  EXPECT_EQ(written.error().details[0].field, "UnprocessedItems");
  EXPECT_EQ(json::parse(written.error().details[0].message), json::parse(R"({"t": [{"PutRequest": {"Item": {"PK": {"S": "b"}}}}]})"));
  EXPECT_EQ(fake.requests.load(), 2);
}

TEST(DynamoDbRetries, AConnectionDroppedBeforeAnAnswerIsRetried) {
  std::atomic<int> connections{0};
  LocalServer flaky([&](LocalServer::Socket& socket) {
    if (++connections == 1) {
      boost::beast::flat_buffer buffer;
      HttpServerRequest ignored;
      boost::system::error_code ec;
      http::read(socket, buffer, ignored, ec);
      return;  // closes without an answer
    }
    serve_http(socket, [](const HttpServerRequest&, int) { return make_response(200, R"({"TableNames": []})"); });
  });
  auto client = client_for("http://127.0.0.1:" + std::to_string(flaky.port()), quick_retries(3));
  auto listed = client.list_tables({}, Clock::now() + 5s);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ(connections.load(), 2);
}

TEST(DynamoDbRetries, AnAnswerThatIsNotJsonIsMalformed) {
  FakeDynamoDb fake;
  fake.answer = [](const HttpServerRequest&, int) -> std::pair<unsigned, std::string> { return {200, "[1, 2]"}; };
  auto client = client_for(fake.endpoint(), quick_retries(3));
  auto listed = client.list_tables({}, Clock::now() + 5s);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, kDynamoDbMalformedResponse);
  EXPECT_EQ(fake.requests.load(), 1);
}

}  // namespace
