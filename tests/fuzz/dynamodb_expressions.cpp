// Fuzzes the embedded DynamoDB engine: arbitrary condition, filter, key condition, update and
// projection expressions against a table with items of every type, and arbitrary request JSON
// for every operation. Every input gets a DynamoDB answer (a JSON object, 200 or a typed 4xx);
// nothing crashes, nothing hangs.
//
// The first byte chooses what the rest is: an expression for one of the parameters, or
// "<operation index><request JSON>".
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "lift/dynamorm/memory_engine.hpp"

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 17> kOperations{
    "CreateTable", "DescribeTable", "DeleteTable",     "ListTables",         "UpdateTimeToLive", "DescribeTimeToLive",
    "PutItem",     "GetItem",       "UpdateItem",      "DeleteItem",         "Query",            "Scan",
    "BatchGetItem", "BatchWriteItem", "TransactWriteItems", "TransactGetItems", "NoSuchOperation"};

// Placeholders for the expression: only those it mentions, so the unused-placeholder rule does
// not stop evaluation before it starts.
void add_placeholders(json::object& request, std::string_view text) {
  static const json::object names{{"#a", "a"}, {"#b", "b"}, {"#pk", "PK"}, {"#sk", "SK"}, {"#m", "m"}, {"#l", "l"}};
  static const json::object values = json::parse(R"({":s": {"S": "x"}, ":n": {"N": "1.5"}, ":big": {"N": "99999999999999999999999999999999999999"},
      ":b": {"B": "AAE="}, ":t": {"BOOL": true}, ":z": {"NULL": true}, ":ss": {"SS": ["a", "b"]}, ":ns": {"NS": ["1", "2"]},
      ":bs": {"BS": ["AQ=="]}, ":l": {"L": [{"S": "x"}, {"N": "2"}]}, ":m": {"M": {"k": {"S": "v"}}}, ":type": {"S": "SS"},
      ":pk": {"S": "p"}, ":sk": {"S": "s1"}})").as_object();
  json::object used_names;
  json::object used_values;
  for (const auto& [k, v] : names) {
    if (text.find(std::string_view(k)) != std::string_view::npos) used_names[k] = v;
  }
  for (const auto& [k, v] : values) {
    if (text.find(std::string_view(k)) != std::string_view::npos) used_values[k] = v;
  }
  if (!used_names.empty()) request["ExpressionAttributeNames"] = std::move(used_names);
  if (!used_values.empty()) request["ExpressionAttributeValues"] = std::move(used_values);
}

void check(const lift::dynamorm::EngineAnswer& answer) {
  if (answer.status != 200 && answer.status != 400) std::abort();
  boost::system::error_code ec;
  const auto body = json::parse(answer.body, ec);
  if (ec || !body.is_object()) std::abort();
  if (answer.status == 400 && !body.as_object().contains("__type")) std::abort();
}

void prepare(lift::dynamorm::MemoryEngine& engine) {
  check(engine.handle("CreateTable", R"({"TableName": "fuzz", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"},
                               {"AttributeName": "g", "AttributeType": "N"}],
      "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
      "GlobalSecondaryIndexes": [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                  "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]}}]})"));
  check(engine.handle("UpdateTimeToLive", R"({"TableName": "fuzz", "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": true}})"));
  check(engine.handle("PutItem", R"({"TableName": "fuzz", "Item": {"PK": {"S": "p"}, "SK": {"S": "s1"}, "a": {"N": "10"}, "b": {"S": "hello"},
      "g": {"N": "1"}, "m": {"M": {"k": {"S": "v"}, "deep": {"L": [{"N": "0"}, {"M": {"z": {"BOOL": true}}}]}}},
      "l": {"L": [{"S": "x"}, {"N": "2"}, {"L": []}]}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AQ=="]},
      "bin": {"B": "AAECAw=="}, "nul": {"NULL": true}, "flag": {"BOOL": false}}})"));
  check(engine.handle("PutItem", R"({"TableName": "fuzz", "Item": {"PK": {"S": "p"}, "SK": {"S": "s2"}, "a": {"S": "text"}, "g": {"N": "1"},
      "ttl": {"N": "1"}}})"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0] % 8;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  lift::dynamorm::MemoryEngine engine;
  prepare(engine);

  const json::object key = json::parse(R"({"PK": {"S": "p"}, "SK": {"S": "s1"}})").as_object();
  json::object request{{"TableName", "fuzz"}};
  std::string_view operation;
  const json::string expression(text);  // invalid UTF-8 stays in: the engine must refuse it cleanly
  switch (mode) {
    case 0:
      operation = "UpdateItem";
      request["Key"] = key;
      request["UpdateExpression"] = expression;
      request["ReturnValues"] = "ALL_NEW";
      break;
    case 1:
      operation = "PutItem";
      request["Item"] = key;
      request["ConditionExpression"] = expression;
      request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
      break;
    case 2:
      operation = "Query";
      request["KeyConditionExpression"] = expression;
      break;
    case 3:
      operation = "Scan";
      request["FilterExpression"] = expression;
      request["Limit"] = 1;
      break;
    case 4:
      operation = "GetItem";
      request["Key"] = key;
      request["ProjectionExpression"] = expression;
      break;
    case 5:
      operation = "Query";
      request["KeyConditionExpression"] = "PK = :pk";
      request["FilterExpression"] = expression;
      if (text.size() % 2 != 0) request["IndexName"] = "by-g";
      break;
    case 6:
      operation = "UpdateItem";
      request["Key"] = key;
      request["ConditionExpression"] = expression;
      request["UpdateExpression"] = "SET a = a + :n";
      request["ReturnValues"] = "UPDATED_OLD";
      break;
    default: {
      // Raw requests: "<operation index><JSON>".
      if (text.empty()) return 0;
      const auto index = static_cast<unsigned char>(text.front()) % kOperations.size();
      check(engine.handle(kOperations[index], text.substr(1)));
      return 0;
    }
  }
  add_placeholders(request, text);
  if (mode == 5 || mode == 6) {
    // The fixed expression's own placeholders.
    auto& values = request["ExpressionAttributeValues"];
    if (!values.is_object()) values = json::object{};
    values.as_object()[mode == 5 ? ":pk" : ":n"] = mode == 5 ? json::parse(R"({"S": "p"})") : json::parse(R"({"N": "1.5"})");
  }
  check(engine.handle(operation, json::serialize(request)));
  return 0;
}
