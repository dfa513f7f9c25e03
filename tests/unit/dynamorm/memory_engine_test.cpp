// The embedded engine through its wire interface: bad input gets DynamoDB's typed errors naming
// the problem; TTL, transactions and concurrency behave as DynamoDB's do. (Behaviours shared
// with dynalite are checked against it in tests/integration/dynamorm/conformance_test.cpp.)
#include "lift/dynamorm/memory_engine.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <boost/json.hpp>

namespace {

namespace json = boost::json;
using lift::dynamorm::EngineOptions;
using lift::dynamorm::MemoryEngine;

struct Answer {
  int status = 0;
  json::object body;
  [[nodiscard]] std::string type() const {
    const auto* t = body.if_contains("__type");
    if (t == nullptr) return "";
    const std::string full(t->as_string());
    return full.substr(full.find('#') + 1);
  }
  [[nodiscard]] std::string message() const {
    const auto* m = body.if_contains("message");
    return m == nullptr ? "" : std::string(m->as_string());
  }
};

class Engine : public ::testing::Test {
 protected:
  Answer call(std::string_view operation, std::string_view request) {
    auto answer = engine_.handle(operation, request);
    return Answer{answer.status, json::parse(answer.body).as_object()};
  }
  Answer call(std::string_view operation, const json::object& request) { return call(operation, json::serialize(request)); }

  void create_table() {
    auto created = call("CreateTable", R"j({"TableName": "items", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "N"},
                                 {"AttributeName": "g", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                    "Projection": {"ProjectionType": "KEYS_ONLY"}}]})j");
    ASSERT_EQ(created.status, 200) << json::serialize(created.body);
  }

  void expect_error(const Answer& answer, std::string_view type, std::string_view message_part) {
    EXPECT_EQ(answer.status, 400) << json::serialize(answer.body);
    EXPECT_EQ(answer.type(), type) << json::serialize(answer.body);
    EXPECT_NE(answer.message().find(message_part), std::string::npos) << answer.message();
  }

  std::int64_t now_ = 1'700'000'000;
  MemoryEngine engine_{EngineOptions{.clock = [this] { return std::chrono::system_clock::time_point(std::chrono::seconds(now_)); }}};
};

// The in-process path gives exactly what the text path's answer parses to: values, number kinds
// (the counts the engine holds unsigned read back signed), and errors as their body text.
TEST_F(Engine, TheInProcessPathAnswersWhatTheTextParsesTo) {
  create_table();
  const auto same = [this](std::string_view operation, const json::object& request) {
    const auto text = engine_.handle(operation, json::serialize(request));
    const auto [status, value] = engine_.handle(operation, request);
    EXPECT_EQ(status, text.status) << operation;
    if (status == 200) {
      EXPECT_EQ(json::serialize(value), text.body) << operation;
      EXPECT_EQ(value, json::parse(text.body)) << operation;
      return value;
    }
    EXPECT_TRUE(value.is_string()) << operation;
    if (value.is_string()) {
      EXPECT_EQ(value.get_string(), text.body) << operation;
    }
    return value;
  };
  for (int i = 1; i <= 3; ++i) {
    json::object put{{"TableName", "items"},
                     {"Item", {{"PK", {{"S", "a"}}}, {"SK", {{"N", std::to_string(i)}}}, {"n", {{"N", "1.50"}}}, {"b", {{"BOOL", true}}}}}};
    (void)engine_.handle("PutItem", put);
  }
  const json::object query{{"TableName", "items"},
                           {"KeyConditionExpression", "PK = :p"},
                           {"ExpressionAttributeValues", {{":p", {{"S", "a"}}}}},
                           {"Limit", 2U}};
  const auto page = same("Query", query);
  ASSERT_TRUE(page.is_object());
  EXPECT_TRUE(page.at("Count").is_int64());
  EXPECT_EQ(page.at("Count").as_int64(), 2);
  (void)same("Scan", {{"TableName", "items"}, {"Select", "COUNT"}});
  (void)same("GetItem", {{"TableName", "missing"}, {"Key", {{"PK", {{"S", "a"}}}, {"SK", {{"N", "1"}}}}}});
  (void)same("PutItem", {{"TableName", "items"}, {"Item", {{"PK", {{"S", "a"}}}}}});
  (void)same("NoSuchOperation", {});
}

TEST_F(Engine, TransportAndWireErrors) {
  auto unknown = call("Frobnicate", "{}");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(json::value(unknown.body).at("__type"), "com.amazon.coral.service#UnknownOperationException");
  for (const char* bad : {"", "not json", "[1, 2]", "{\"TableName\": "}) {
    auto answer = engine_.handle("GetItem", bad);
    EXPECT_EQ(answer.status, 400);
    EXPECT_NE(answer.body.find("com.amazon.coral.service#SerializationException"), std::string::npos) << bad;
  }
  auto wrong_type = call("DescribeTable", R"j({"TableName": 5})j");
  expect_error(wrong_type, "SerializationException", "");
  auto missing = call("DescribeTable", "{}");
  expect_error(missing, "ValidationException", "Value null at 'tableName' failed to satisfy constraint: Member must not be null");
  auto short_name = call("DescribeTable", R"j({"TableName": "ab"})j");
  expect_error(short_name, "ValidationException", "Member must have length greater than or equal to 3");
  auto not_found = call("GetItem", R"j({"TableName": "nowhere", "Key": {"PK": {"S": "a"}}})j");
  expect_error(not_found, "ResourceNotFoundException", "Requested resource not found");
  EXPECT_EQ(json::value(not_found.body).at("__type"), "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");

  auto transport = lift::dynamorm::memory_transport(engine_);
  auto [status, body] = transport("ListTables", "{}");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(json::parse(body), json::parse(R"j({"TableNames": []})j"));
}

TEST_F(Engine, SchemaErrors) {
  const auto create = [&](std::string_view definitions, std::string_view key, std::string_view extra = "") {
    return call("CreateTable", std::string(R"j({"TableName": "t01", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": )j") +
                                   std::string(definitions) + R"j(, "KeySchema": )j" + std::string(key) + std::string(extra) + "}");
  };
  expect_error(create(R"j([{"AttributeName": "a", "AttributeType": "S"}])j", R"j([{"AttributeName": "b", "KeyType": "HASH"}])j"),
               "ValidationException", "Some index key attributes are not defined in AttributeDefinitions");
  expect_error(create(R"j([{"AttributeName": "a", "AttributeType": "X"}])j", R"j([{"AttributeName": "a", "KeyType": "HASH"}])j"),
               "ValidationException", "Member must satisfy enum value set: [B, N, S]");
  expect_error(create(R"j([{"AttributeName": "a", "AttributeType": "S"}])j", R"j([{"AttributeName": "a", "KeyType": "RANGE"}])j"),
               "ValidationException", "The first KeySchemaElement is not a HASH key type");
  expect_error(create(R"j([{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}])j",
                      R"j([{"AttributeName": "a", "KeyType": "HASH"}])j"),
               "ValidationException", "Number of attributes in KeySchema does not exactly match");
  expect_error(create(R"j([{"AttributeName": "a", "AttributeType": "S"}, {"AttributeName": "b", "AttributeType": "S"}])j",
                      R"j([{"AttributeName": "a", "KeyType": "HASH"}])j",
                      R"j(, "LocalSecondaryIndexes": [{"IndexName": "lsi", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"},
                          {"AttributeName": "b", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}])j"),
               "ValidationException", "Table KeySchema does not have a range key");
  expect_error(create(R"j([{"AttributeName": "a", "AttributeType": "S"}])j", R"j([{"AttributeName": "a", "KeyType": "HASH"}])j",
                      R"j(, "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})j"),
               "ValidationException", "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  auto ok = create(R"j([{"AttributeName": "a", "AttributeType": "S"}])j", R"j([{"AttributeName": "a", "KeyType": "HASH"}])j");
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(json::value(ok.body).at("TableDescription").at("TableStatus"), "ACTIVE");
  expect_error(create(R"j([{"AttributeName": "a", "AttributeType": "S"}])j", R"j([{"AttributeName": "a", "KeyType": "HASH"}])j"),
               "ResourceInUseException", "t01");
}

TEST_F(Engine, BadItemsAreRefusedNamingTheProblem) {
  create_table();
  // 400 KB counts names and values: "PK" 2 + "a" 1 + SK "SK"+1 digit (2) + "big" 3 + payload.
  const std::size_t fixed = 2 + 1 + 2 + 2 + 3;
  json::object item{{"PK", {{"S", "a"}}}, {"SK", {{"N", "1"}}}, {"big", {{"S", std::string(400 * 1024 - fixed, 'x')}}}};
  EXPECT_EQ(call("PutItem", json::object{{"TableName", "items"}, {"Item", item}}).status, 200);
  item["big"] = {{"S", std::string(400 * 1024 - fixed + 1, 'x')}};
  expect_error(call("PutItem", json::object{{"TableName", "items"}, {"Item", item}}), "ValidationException",
               "Item size has exceeded the maximum allowed size");
  auto grow = call("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}},
      "UpdateExpression": "SET more = :x", "ExpressionAttributeValues": {":x": {"S": "xx"}}})j");
  expect_error(grow, "ValidationException", "Item size to update has exceeded the maximum allowed size");

  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": ""}, "SK": {"N": "1"}}})j"), "ValidationException",
               "The AttributeValue for a key attribute cannot contain an empty string value. Key: PK");
  expect_error(call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": ""}, "SK": {"N": "1"}}})j"), "ValidationException",
               "cannot contain an empty string value. Key: PK");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"N": "1"}, "SK": {"N": "1"}}})j"), "ValidationException",
               "Type mismatch for key PK expected: S actual: N");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}}})j"), "ValidationException",
               "Missing the key SK in the item");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}, "g": {"N": "2"}}})j"),
               "ValidationException", "Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g");
  expect_error(call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"S": "1"}}})j"), "ValidationException",
               "The provided key element does not match the schema");
  expect_error(call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}}})j"), "ValidationException",
               "The provided key element does not match the schema");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}, "s": {"SS": []}}})j"),
               "ValidationException", "An string set may not be empty");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}, "n": {"N": "1e999"}}})j"),
               "ValidationException", "Number overflow");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}, "n": {"NS": ["1", "1.0"]}}})j"),
               "ValidationException", "contains duplicates");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}, "n": {}}})j"),
               "ValidationException", "Supplied AttributeValue is empty");
  expect_error(call("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}},
      "UpdateExpression": "SET PK = :x", "ExpressionAttributeValues": {":x": {"S": "b"}}})j"),
               "ValidationException", "Cannot update attribute PK. This attribute is part of the key");
}

TEST_F(Engine, BadExpressionsAndIndexes) {
  create_table();
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}},
      "ConditionExpression": "attribute_not_exists(PK) AND"})j"),
               "ValidationException", "Invalid ConditionExpression: Syntax error; token: \"<EOF>\"");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}},
      "ConditionExpression": "attribute_not_exists(PK)", "ExpressionAttributeNames": {"#unused": "x"}})j"),
               "ValidationException", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}");
  expect_error(call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}},
      "ExpressionAttributeValues": {":v": {"S": "x"}}})j"),
               "ValidationException", "ExpressionAttributeValues can only be specified when using expressions");
  expect_error(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}},
      "Expected": {"PK": {"Exists": false}}})j"),
               "ValidationException", "legacy parameter Expected");
  expect_error(call("Query", R"j({"TableName": "items", "IndexName": "nope", "KeyConditionExpression": "g = :g",
      "ExpressionAttributeValues": {":g": {"S": "x"}}})j"),
               "ValidationException", "The table does not have the specified index: nope");
  expect_error(call("Query", R"j({"TableName": "items", "IndexName": "by-g", "KeyConditionExpression": "g = :g", "ConsistentRead": true,
      "ExpressionAttributeValues": {":g": {"S": "x"}}})j"),
               "ValidationException", "Consistent reads are not supported on global secondary indexes");
  expect_error(call("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p AND SK > :s", "FilterExpression": "SK < :s",
      "ExpressionAttributeValues": {":p": {"S": "a"}, ":s": {"N": "1"}}})j"),
               "ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: SK");
  expect_error(call("Query", R"j({"TableName": "items"})j"), "ValidationException",
               "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  expect_error(call("Scan", R"j({"TableName": "items", "Segment": 2, "TotalSegments": 2})j"), "ValidationException",
               "The Segment parameter is zero-based and must be less than parameter TotalSegments");
  expect_error(call("Scan", R"j({"TableName": "items", "Limit": 0})j"), "ValidationException", "Member must have value greater than or equal to 1");
}

TEST_F(Engine, NumbersAreExactAndCanonical) {
  create_table();
  ASSERT_EQ(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1.50"}, "n": {"N": "0.1"},
      "big": {"N": "12345678901234567890123456789012345678"}}})j").status, 200);
  auto updated = call("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "15E-1"}},
      "UpdateExpression": "ADD n :x SET big = big - :one", "ExpressionAttributeValues": {":x": {"N": "0.2"}, ":one": {"N": "1"}},
      "ReturnValues": "UPDATED_NEW"})j");
  ASSERT_EQ(updated.status, 200) << json::serialize(updated.body);
  EXPECT_EQ(json::value(updated.body),
            json::parse(R"j({"Attributes": {"n": {"N": "0.3"}, "big": {"N": "12345678901234567890123456789012345677"}}})j"));
  auto got = call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1.5"}}, "ProjectionExpression": "SK"})j");
  EXPECT_EQ(json::value(got.body), json::parse(R"j({"Item": {"SK": {"N": "1.5"}}})j"));
}

TEST_F(Engine, ExpiredItemsAreInvisible) {
  create_table();
  auto ttl = call("UpdateTimeToLive", R"j({"TableName": "items", "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": true}})j");
  ASSERT_EQ(ttl.status, 200);
  EXPECT_EQ(json::value(ttl.body), json::parse(R"j({"TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": true}})j"));
  expect_error(call("UpdateTimeToLive", R"j({"TableName": "items", "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": true}})j"),
               "ValidationException", "TimeToLive is already enabled");
  EXPECT_EQ(json::value(call("DescribeTimeToLive", R"j({"TableName": "items"})j").body),
            json::parse(R"j({"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}})j"));
  const auto put = [&](int sk, std::int64_t expires) {
    json::object item{{"PK", {{"S", "a"}}}, {"SK", {{"N", std::to_string(sk)}}}, {"expires", {{"N", std::to_string(expires)}}}};
    ASSERT_EQ(call("PutItem", json::object{{"TableName", "items"}, {"Item", item}}).status, 200);
  };
  put(1, now_ + 10);
  put(2, now_ + 100);
  put(3, now_ - 10 * 365 * 24 * 3600);  // too old to be a TTL: DynamoDB keeps it
  const auto count = [&] { return call("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p",
      "ExpressionAttributeValues": {":p": {"S": "a"}}, "Select": "COUNT"})j").body.at("Count").as_int64(); };
  EXPECT_EQ(count(), 3);
  now_ += 10;
  EXPECT_EQ(count(), 2);
  EXPECT_FALSE(call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}}})j").body.contains("Item"));
  // An expired item no longer satisfies attribute_exists, so it can be created again.
  EXPECT_EQ(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}},
      "ConditionExpression": "attribute_not_exists(PK)"})j").status, 200);
  EXPECT_EQ(call("Scan", R"j({"TableName": "items", "Select": "COUNT"})j").body.at("Count").as_int64(), 3);
}

TEST_F(Engine, TransactionsAreAllOrNothing) {
  create_table();
  ASSERT_EQ(call("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}, "v": {"N": "1"}}})j").status, 200);
  auto cancelled = call("TransactWriteItems", R"j({"TransactItems": [
      {"Put": {"TableName": "items", "Item": {"PK": {"S": "b"}, "SK": {"N": "1"}}}},
      {"Update": {"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}}, "UpdateExpression": "SET v = :two",
                  "ConditionExpression": "v = :zero", "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                  "ExpressionAttributeValues": {":two": {"N": "2"}, ":zero": {"N": "0"}}}},
      {"ConditionCheck": {"TableName": "items", "Key": {"PK": {"S": "c"}, "SK": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(PK)"}},
      {"Delete": {"TableName": "items", "Key": {"PK": {"S": "d"}, "SK": {"N": "1"}}, "ConditionExpression": "attribute_exists(PK)"}}]})j");
  expect_error(cancelled, "TransactionCanceledException",
               "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None, "
               "ConditionalCheckFailed]");
  EXPECT_EQ(json::value(cancelled.body).at("CancellationReasons"), json::parse(R"j([{"Code": "None"},
      {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed", "Item": {"PK": {"S": "a"}, "SK": {"N": "1"}, "v": {"N": "1"}}},
      {"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}])j"));
  EXPECT_FALSE(call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "b"}, "SK": {"N": "1"}}})j").body.contains("Item"));

  auto runtime = call("TransactWriteItems", R"j({"TransactItems": [
      {"Update": {"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}}, "UpdateExpression": "SET v = absent + :one",
                  "ExpressionAttributeValues": {":one": {"N": "1"}}}}]})j");
  expect_error(runtime, "TransactionCanceledException", "[ValidationError]");

  auto done = call("TransactWriteItems", R"j({"TransactItems": [
      {"Put": {"TableName": "items", "Item": {"PK": {"S": "b"}, "SK": {"N": "1"}}}},
      {"Update": {"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}}, "UpdateExpression": "SET v = v + :one",
                  "ConditionExpression": "v = :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}]})j");
  ASSERT_EQ(done.status, 200) << json::serialize(done.body);
  auto read = call("TransactGetItems", R"j({"TransactItems": [
      {"Get": {"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}}, "ProjectionExpression": "v"}},
      {"Get": {"TableName": "items", "Key": {"PK": {"S": "zz"}, "SK": {"N": "1"}}}}]})j");
  EXPECT_EQ(json::value(read.body), json::parse(R"j({"Responses": [{"Item": {"v": {"N": "2"}}}, {}]})j"));

  expect_error(call("TransactWriteItems", R"j({"TransactItems": [
      {"Put": {"TableName": "items", "Item": {"PK": {"S": "b"}, "SK": {"N": "1"}}}},
      {"Delete": {"TableName": "items", "Key": {"PK": {"S": "b"}, "SK": {"N": "1"}}}}]})j"),
               "ValidationException", "Transaction request cannot include multiple operations on one item");
  json::array many;
  for (int i = 0; i < 101; ++i)
    many.push_back(json::object{{"Put", json::object{{"TableName", "items"}, {"Item", {{"PK", {{"S", "k"}}}, {"SK", {{"N", std::to_string(i)}}}}}}}});
  expect_error(call("TransactWriteItems", json::object{{"TransactItems", many}}), "ValidationException",
               "Member must have length less than or equal to 100");
  many.pop_back();
  EXPECT_EQ(call("TransactWriteItems", json::object{{"TransactItems", many}}).status, 200);
  expect_error(call("TransactWriteItems", R"j({"TransactItems": [{"Put": {"TableName": "items", "Item": {"PK": {"S": "b"}, "SK": {"N": "1"}}},
      "Delete": {"TableName": "items", "Key": {"PK": {"S": "b"}, "SK": {"N": "1"}}}}]})j"),
               "ValidationException", "TransactItems can only contain one of");
}

TEST_F(Engine, ConcurrentWritesAreSerialised) {
  create_table();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 200; ++i) {
        engine_.handle("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "counter"}, "SK": {"N": "0"}},
            "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}})j");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto got = call("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "counter"}, "SK": {"N": "0"}}})j");
  EXPECT_EQ(json::value(got.body).at("Item").at("n"), json::parse(R"j({"N": "1600"})j"));
}

TEST(ProcessEngine, IsOneEngineAndTheEnvironmentSelectsIt) {
  EXPECT_EQ(&lift::dynamorm::process_engine(), &lift::dynamorm::process_engine());
  ::setenv("LIFT_DYNAMODB_ENDPOINT", "memory:", 1);
  EXPECT_TRUE(static_cast<bool>(lift::dynamorm::transport_from_environment()));
  ::setenv("LIFT_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000", 1);
  EXPECT_FALSE(static_cast<bool>(lift::dynamorm::transport_from_environment()));
  ::unsetenv("LIFT_DYNAMODB_ENDPOINT");
}

}  // namespace
