// DynamoDB conformance: every case runs through lift's DynamoDbClient against (a) the embedded
// engine (lift::dynamorm::MemoryEngine, through the client's transport) and (b) dynalite, an
// independent DynamoDB implementation from npm, started on 127.0.0.1 on a free port. Each case
// asserts DynamoDB's documented results, and every answer (items, LastEvaluatedKey, error codes)
// is recorded: after the run, the answers of the two backends must be identical, call for call.
//
// Engine-only cases (dynalite answers UnknownOperationException to them, or ignores the
// parameter): TransactWriteItems, TransactGetItems, UpdateTimeToLive/TTL expiry,
// ReturnValuesOnConditionCheckFailure. They are marked ENGINE_ONLY and skipped on dynalite.
// The dynalite half skips cleanly when Node.js or node_modules/dynalite is missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <thread>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "support/dynalite.hpp"
#include "support/scoped_env.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using lift::aws::DynamoDbClient;
using lift::aws::DynamoDbOptions;

// The embedded engine through its JSON text, the same engine in-process (no text), and dynalite.
enum class Backend { engine, in_process, dynalite };

// ---- answers, normalised for comparison ----

// Object members sorted, set members sorted: the two backends may order them differently and
// DynamoDB gives no order to either.
json::value canonical(const json::value& v, std::string_view key = "") {
  if (const auto* o = v.if_object()) {
    std::vector<std::pair<std::string, json::value>> members;
    for (const auto& [k, child] : *o) {
      if (k == "ConsumedCapacity") continue;
      members.emplace_back(std::string(k), canonical(child, k));
    }
    std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    json::object out;
    for (auto& [k, child] : members) out[k] = std::move(child);
    return out;
  }
  if (const auto* a = v.if_array()) {
    json::array out;
    for (const auto& child : *a) out.push_back(canonical(child));
    if (key == "SS" || key == "NS" || key == "BS") {
      std::sort(out.begin(), out.end(), [](const json::value& x, const json::value& y) { return json::serialize(x) < json::serialize(y); });
    }
    return out;
  }
  return v;
}

struct Answer {
  bool ok = false;
  std::string code;  // "DynamoDB.ConditionalCheckFailed", ... when !ok
  std::string message;
  json::object body;
  lift::Error error;
};

// What each backend answered, per case, in call order.
using Transcript = std::map<std::string, std::map<Backend, std::vector<std::string>>>;
Transcript& transcript() {
  static Transcript instance;
  return instance;
}

// After every case ran on both backends: the same answers, or a failure naming the first
// difference.
class CompareBackends : public ::testing::Environment {
 public:
  void TearDown() override {
    std::size_t compared = 0;
    std::size_t compared_in_process = 0;
    const auto differ = [](const std::string& name, const std::vector<std::string>& a, const std::vector<std::string>& b,
                           const char* what) {
      for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        const std::string x = i < a.size() ? a[i] : "(nothing)";
        const std::string y = i < b.size() ? b[i] : "(nothing)";
        if (x != y) {
          ADD_FAILURE() << name << ", call " << i + 1 << ": " << what << " differ\n  first:  " << x << "\n  second: " << y;
          break;
        }
      }
    };
    for (const auto& [name, runs] : transcript()) {
      const auto engine = runs.find(Backend::engine);
      const auto in_process = runs.find(Backend::in_process);
      const auto dynalite = runs.find(Backend::dynalite);
      if (engine != runs.end() && in_process != runs.end()) {
        ++compared_in_process;
        differ(name, engine->second, in_process->second, "the engine through its JSON text and in-process");
      }
      if (engine == runs.end() || dynalite == runs.end()) continue;
      ++compared;
      differ(name, engine->second, dynalite->second, "the engine and dynalite");
    }
    std::printf("[ conformance ] %zu cases compared call for call between the engine's text and in-process paths\n", compared_in_process);
    std::printf("[ conformance ] %zu cases compared call for call between the engine and dynalite\n", compared);
  }
};
const auto* const kCompare = ::testing::AddGlobalTestEnvironment(new CompareBackends);  // gtest owns it

class Conformance : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { dynalite_.reset(); }

  void SetUp() override {
    DynamoDbOptions options;
    options.region = "us-east-1";
    if (GetParam() != Backend::dynalite) {
      engine_ = std::make_unique<lift::dynamorm::MemoryEngine>();
      options.transport = lift::dynamorm::memory_transport(*engine_);
      if (GetParam() == Backend::in_process) options.object_transport = lift::dynamorm::memory_object_transport(*engine_);
    } else {
      if (!dynalite_) dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR);
      if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << "dynalite: " << dynalite_->why_unavailable();
      options.endpoint = dynalite_->endpoint();
      lift::aws::HttpClientOptions http;
      http.proxy = "";
      options.http = std::make_shared<lift::aws::HttpClient>(http);
    }
    auto client = DynamoDbClient::create(std::move(options));
    ASSERT_TRUE(client) << client.error().message;
    client_.emplace(std::move(*client));
    // dynalite lives for the whole suite: each case starts from no tables.
    if (GetParam() == Backend::dynalite) {
      auto listed = client_->list_tables({}, deadline());
      ASSERT_TRUE(listed) << listed.error().message;
      for (const auto& name : listed->at("TableNames").as_array())
        ASSERT_TRUE(client_->delete_table({{"TableName", name}}, deadline()));
      // dynalite deletes tables a moment after it answers.
      for (int i = 0; i < 200; ++i) {
        auto left = client_->list_tables({}, deadline());
        ASSERT_TRUE(left);
        if (left->at("TableNames").as_array().empty()) break;
        std::this_thread::sleep_for(10ms);
      }
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();
    case_name_ = name.substr(0, name.find('/'));
  }

  static DynamoDbClient::Deadline deadline() { return std::chrono::steady_clock::now() + 10s; }
  bool on_dynalite() const { return GetParam() == Backend::dynalite; }

  // One call; its answer is recorded for the comparison unless `record` is false.
  Answer call(std::string_view operation, const json::object& request, bool record = true) {
    Answer answer;
    auto result = client_->call(operation, request, deadline());
    if (result) {
      answer.ok = true;
      answer.body = std::move(*result);
    } else {
      answer.code = result.error().code;
      answer.message = result.error().message;
      answer.error = result.error();
    }
    if (record) {
      // BatchGetItem answers in no particular order (dynalite shuffles on purpose).
      if (auto* responses = answer.body.if_contains("Responses"); responses != nullptr && responses->is_object()) {
        for (auto& [table, items] : responses->as_object()) {
          auto& list = items.as_array();
          std::sort(list.begin(), list.end(), [](const json::value& a, const json::value& b) {
            return json::serialize(canonical(a)) < json::serialize(canonical(b));
          });
        }
      }
      std::string line(operation);
      line += answer.ok ? " ok " + json::serialize(canonical(answer.body)) : " error " + answer.code;
      transcript()[case_name_][GetParam()].push_back(std::move(line));
    }
    return answer;
  }
  Answer call(std::string_view operation, std::string_view request, bool record = true) {
    return call(operation, json::parse(request).as_object(), record);
  }

  // A call that must succeed; its answer.
  json::object ok(std::string_view operation, std::string_view request) {
    auto answer = call(operation, request);
    EXPECT_TRUE(answer.ok) << operation << " " << request << "\n→ " << answer.code << ": " << answer.message;
    return answer.body;
  }
  json::object ok(std::string_view operation, const json::object& request) { return ok(operation, json::serialize(request)); }

  // A call that must fail; its error code.
  std::string fails(std::string_view operation, std::string_view request) {
    auto answer = call(operation, request);
    EXPECT_FALSE(answer.ok) << operation << " " << request << " succeeded: " << json::serialize(answer.body);
    return answer.code;
  }

  void create_table(std::string_view request) {
    auto created = call("CreateTable", request, false);
    ASSERT_TRUE(created.ok) << created.code << ": " << created.message;
    const std::string name(json::parse(request).at("TableName").as_string());
    for (int i = 0; i < 200; ++i) {
      auto described = call("DescribeTable", json::object{{"TableName", name}}, false);
      ASSERT_TRUE(described.ok);
      bool active = described.body.at("Table").at("TableStatus") == "ACTIVE";
      if (const auto* indexes = described.body.at("Table").as_object().if_contains("GlobalSecondaryIndexes")) {
        for (const auto& index : indexes->as_array()) active = active && index.at("IndexStatus") == "ACTIVE";
      }
      if (active) return;
      std::this_thread::sleep_for(10ms);
    }
    FAIL() << "table " << name << " never became ACTIVE";
  }

  // "items": PK (S) + SK (S); GSI "by-status" on status (S) + created (N), keys only; LSI
  // "by-score" on PK + score (N), including "title".
  void create_items_table() {
    create_table(R"j({"TableName": "items", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "S"},
        {"AttributeName": "status", "AttributeType": "S"}, {"AttributeName": "created", "AttributeType": "N"},
        {"AttributeName": "score", "AttributeType": "N"}],
      "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
      "GlobalSecondaryIndexes": [{"IndexName": "by-status", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
        {"AttributeName": "created", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}],
      "LocalSecondaryIndexes": [{"IndexName": "by-score", "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "score", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}}]})j");
  }

  void put(std::string_view table, std::string_view item) {
    ok("PutItem", "{\"TableName\": \"" + std::string(table) + "\", \"Item\": " + std::string(item) + "}");
  }

  // Every page of a Query or Scan; the LastEvaluatedKeys seen on the way.
  std::vector<json::value> all_pages(std::string_view operation, json::object request, std::vector<json::value>* keys = nullptr) {
    std::vector<json::value> items;
    for (int page = 0; page < 100; ++page) {
      auto answer = call(operation, request);
      EXPECT_TRUE(answer.ok) << answer.message;
      if (!answer.ok) break;
      for (const auto& item : answer.body.at("Items").as_array()) items.push_back(item);
      const auto* last = answer.body.if_contains("LastEvaluatedKey");
      if (last == nullptr) break;
      if (keys != nullptr) keys->push_back(*last);
      request["ExclusiveStartKey"] = *last;
    }
    return items;
  }

  static std::vector<std::string> strings(const std::vector<json::value>& items, std::string_view attribute, std::string_view type = "S") {
    std::vector<std::string> out;
    for (const auto& item : items) out.emplace_back(item.at(attribute).at(type).as_string());
    return out;
  }

  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
  std::unique_ptr<lift::dynamorm::MemoryEngine> engine_;
  std::optional<DynamoDbClient> client_;
  std::string case_name_;
};

#define ENGINE_ONLY(why) \
  if (on_dynalite()) GTEST_SKIP() << "engine-only: " << why

// ---------------------------------------------------------------------------------------------
// Tables

TEST_P(Conformance, TableLifecycle) {
  create_items_table();
  create_table(R"j({"TableName": "other", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})j");
  EXPECT_EQ(json::value(ok("ListTables", "{}")), json::parse(R"j({"TableNames": ["items", "other"]})j"));
  EXPECT_EQ(json::value(ok("ListTables", R"j({"Limit": 1})j")), json::parse(R"j({"TableNames": ["items"], "LastEvaluatedTableName": "items"})j"));
  EXPECT_EQ(json::value(ok("ListTables", R"j({"ExclusiveStartTableName": "items"})j")), json::parse(R"j({"TableNames": ["other"]})j"));
  auto described = call("DescribeTable", R"j({"TableName": "items"})j", false);
  ASSERT_TRUE(described.ok);
  const auto& table = described.body.at("Table");
  EXPECT_EQ(table.at("KeySchema"), json::parse(R"j([{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}])j"));
  EXPECT_EQ(table.at("GlobalSecondaryIndexes").at(0).at("IndexName"), "by-status");
  EXPECT_EQ(table.at("LocalSecondaryIndexes").at(0).at("Projection"),
            json::parse(R"j({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]})j"));
  EXPECT_EQ(table.at("BillingModeSummary").at("BillingMode"), "PAY_PER_REQUEST");
  EXPECT_EQ(table.at("TableArn"), "arn:aws:dynamodb:us-east-1:000000000000:table/items");
  EXPECT_EQ(fails("CreateTable", R"j({"TableName": "other", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})j"),
            "DynamoDB.ResourceInUse");
  auto deleted = call("DeleteTable", R"j({"TableName": "other"})j", false);
  ASSERT_TRUE(deleted.ok);
  EXPECT_EQ(deleted.body.at("TableDescription").at("TableName"), "other");
  for (int i = 0; i < 100 && call("DescribeTable", R"j({"TableName": "other"})j", false).ok; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(fails("DescribeTable", R"j({"TableName": "other"})j"), "DynamoDB.ResourceNotFound");
  EXPECT_EQ(fails("DeleteTable", R"j({"TableName": "other"})j"), "DynamoDB.ResourceNotFound");
}

TEST_P(Conformance, CreateTableValidation) {
  const auto bad = [&](std::string_view request) { EXPECT_EQ(fails("CreateTable", request), "DynamoDB.Validation") << request; };
  bad(R"j({"TableName": "t1", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}]})j");
  bad(R"j({"TableName": "t2", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"},
      {"AttributeName": "b", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]})j");
  bad(R"j({"TableName": "t3", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "a", "KeyType": "RANGE"}]})j");
  bad(R"j({"TableName": "t4", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]})j");
  bad(R"j({"TableName": "t5", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"},
      {"AttributeName": "b", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
      "LocalSecondaryIndexes": [{"IndexName": "lsi", "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"},
      {"AttributeName": "b", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}]})j");
  bad(R"j({"TableName": "t6", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"},
      {"AttributeName": "b", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
      "GlobalSecondaryIndexes": [{"IndexName": "gsi", "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}],
      "Projection": {"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["x"]}}]})j");
  bad(R"j({"TableName": "ab", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
      "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}]})j");
  EXPECT_EQ(json::value(ok("ListTables", "{}")), json::parse(R"j({"TableNames": []})j"));
}

// ---------------------------------------------------------------------------------------------
// Items

constexpr const char* kEveryType = R"j({"PK": {"S": "item#1"}, "SK": {"S": "ünïcode ✓"}, "n": {"N": "-12.5"},
    "big": {"N": "12345678901234567890123456789012345678"}, "tiny": {"N": "0.000000000000000000000000000000000001"},
    "flag": {"BOOL": true}, "no": {"BOOL": false}, "nothing": {"NULL": true}, "bytes": {"B": "AAEC/w=="}, "tags": {"SS": ["a", "b"]},
    "scores": {"NS": ["1", "2.5"]}, "blobs": {"BS": ["AQ==", "Ag=="]}, "empty": {"S": ""},
    "nested": {"M": {"elems": {"L": [{"S": "x"}, {"N": "3"}, {"M": {"deep": {"BOOL": false}}}, {"L": []}]}, "dict": {"M": {}}}}})j";

TEST_P(Conformance, PutGetDeleteEveryType) {
  create_items_table();
  put("items", kEveryType);
  const auto key = R"j({"PK": {"S": "item#1"}, "SK": {"S": "ünïcode ✓"}})j";
  auto got = ok("GetItem", std::string(R"j({"TableName": "items", "ConsistentRead": true, "Key": )j") + key + "}");
  EXPECT_EQ(canonical(got.at("Item")), canonical(json::parse(kEveryType)));
  EXPECT_EQ(json::value(ok("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "nope"}, "SK": {"S": "x"}}})j")), json::object{});

  // Numbers come back in DynamoDB's canonical form.
  put("items", R"j({"PK": {"S": "num"}, "SK": {"S": "1"}, "a": {"N": "1.50"}, "b": {"N": "1E2"}, "c": {"N": "-0.0100"}, "d": {"N": "007"}})j");
  EXPECT_EQ(canonical(ok("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "num"}, "SK": {"S": "1"}}})j").at("Item")),
            canonical(json::parse(R"j({"PK": {"S": "num"}, "SK": {"S": "1"}, "a": {"N": "1.5"}, "b": {"N": "100"}, "c": {"N": "-0.01"},
                                       "d": {"N": "7"}})j")));

  // PutItem replaces the whole item; ReturnValues ALL_OLD gives what was there.
  auto replaced = ok("PutItem", std::string(R"j({"TableName": "items", "ReturnValues": "ALL_OLD", "Item": )j") +
                                    R"j({"PK": {"S": "item#1"}, "SK": {"S": "ünïcode ✓"}, "only": {"S": "this"}}})j");
  EXPECT_EQ(canonical(replaced.at("Attributes")), canonical(json::parse(kEveryType)));
  auto deleted = ok("DeleteItem", std::string(R"j({"TableName": "items", "ReturnValues": "ALL_OLD", "Key": )j") + key + "}");
  EXPECT_EQ(canonical(deleted.at("Attributes")),
            canonical(json::parse(R"j({"PK": {"S": "item#1"}, "SK": {"S": "ünïcode ✓"}, "only": {"S": "this"}})j")));
  EXPECT_EQ(json::value(ok("DeleteItem", std::string(R"j({"TableName": "items", "ReturnValues": "ALL_OLD", "Key": )j") + key + "}")),
            json::object{});
  EXPECT_EQ(json::value(ok("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "b"}}})j")), json::object{});
}

TEST_P(Conformance, ProjectionExpressions) {
  create_items_table();
  put("items", kEveryType);
  const auto get = [&](std::string_view projection, std::string_view names = "") {
    std::string request = R"j({"TableName": "items", "Key": {"PK": {"S": "item#1"}, "SK": {"S": "ünïcode ✓"}}, "ProjectionExpression": ")j";
    request += projection;
    request += "\"";
    if (!names.empty()) request += std::string(", \"ExpressionAttributeNames\": ") + std::string(names);
    request += "}";
    return canonical(ok("GetItem", request).at("Item"));
  };
  EXPECT_EQ(get("n, flag"), canonical(json::parse(R"j({"n": {"N": "-12.5"}, "flag": {"BOOL": true}})j")));
  EXPECT_EQ(get("nested.elems[2].deep, nested.elems[0], tags"),
            canonical(json::parse(R"j({"tags": {"SS": ["a", "b"]}, "nested": {"M": {"elems": {"L": [{"S": "x"}, {"M": {"deep": {"BOOL": false}}}]}}}})j")));
  EXPECT_EQ(get("#n.#l[1], absent", R"j({"#n": "nested", "#l": "elems"})j"), canonical(json::parse(R"j({"nested": {"M": {"elems": {"L": [{"N": "3"}]}}}})j")));
  EXPECT_EQ(fails("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "item#1"}, "SK": {"S": "x"}}, "ProjectionExpression": "a, a.b"})j"),
            "DynamoDB.Validation");
  EXPECT_EQ(fails("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "item#1"}, "SK": {"S": "x"}}, "ProjectionExpression": "name"})j"),
            "DynamoDB.Validation");
}

// Every condition construct, true and false, on one item: a conditional update succeeds or
// fails with ConditionalCheckFailed.
TEST_P(Conformance, ConditionExpressions) {
  create_items_table();
  put("items", R"j({"PK": {"S": "c"}, "SK": {"S": "c"}, "n": {"N": "10"}, "s": {"S": "hello"}, "tags": {"SS": ["a", "b"]},
      "nums": {"NS": ["1.5", "2"]}, "l": {"L": [{"S": "x"}, {"N": "2"}, {"M": {"z": {"BOOL": true}}}]}, "m": {"M": {"k": {"S": "v"}}},
      "bin": {"B": "AAECAw=="}, "nul": {"NULL": true}, "flag": {"BOOL": false}})j");
  const std::string values = R"j({":nine": {"N": "9"}, ":ten": {"N": "10.0"}, ":eleven": {"N": "11"}, ":he": {"S": "he"}, ":ll": {"S": "ll"},
      ":a": {"S": "a"}, ":x": {"S": "x"}, ":two": {"N": "2"}, ":three": {"N": "3"}, ":five": {"N": "5"}, ":onefive": {"N": "1.5"},
      ":SS": {"S": "SS"}, ":L": {"S": "L"}, ":NULL": {"S": "NULL"}, ":t": {"BOOL": true}, ":f": {"BOOL": false}, ":b01": {"B": "AAE="},
      ":b12": {"B": "AQI="}, ":v": {"S": "v"}, ":hello": {"S": "hello"}, ":tags": {"SS": ["b", "a"]}, ":probe": {"N": "1"}})j";
  const auto check = [&](std::string_view condition, bool expected) {
    json::object request = json::parse(R"j({"TableName": "items", "Key": {"PK": {"S": "c"}, "SK": {"S": "c"}},
        "UpdateExpression": "SET probe = :probe"})j").as_object();
    request["ConditionExpression"] = condition;
    json::object used;
    const json::value all = json::parse(values);
    for (const auto& [k, v] : all.as_object()) {
      const std::string placeholder(k);
      // Only the placeholders the condition uses: DynamoDB refuses unused ones.
      const auto at = condition.find(placeholder);
      if (at != std::string_view::npos && (at + placeholder.size() == condition.size() ||
                                           !std::isalnum(static_cast<unsigned char>(condition[at + placeholder.size()]))))
        used[k] = v;
    }
    used[":probe"] = json::object{{"N", "1"}};
    request["ExpressionAttributeValues"] = used;
    if (condition.find("#") != std::string_view::npos) request["ExpressionAttributeNames"] = json::object{{"#s", "s"}, {"#m", "m"}};
    auto answer = call("UpdateItem", request);
    if (expected) {
      EXPECT_TRUE(answer.ok) << condition << ": " << answer.code << " " << answer.message;
    } else {
      EXPECT_EQ(answer.code, lift::aws::kDynamoDbConditionalCheckFailed) << condition << ": " << answer.message;
    }
  };
  check("n = :ten", true);
  check("n <> :ten", false);
  check("n > :nine", true);  // by value, not text
  check("n >= :ten", true);
  check("n < :eleven", true);
  check("n <= :nine", false);
  check("s > :he AND s < :x", true);
  check("n BETWEEN :nine AND :eleven", true);
  check("n BETWEEN :two AND :five", false);
  check("n IN (:two, :ten)", true);
  check("s IN (:he, :ll)", false);
  check("attribute_exists(s) AND attribute_not_exists(absent)", true);
  check("attribute_exists(absent)", false);
  check("attribute_exists(m.k) AND attribute_exists(l[2].z)", true);
  check("attribute_exists(l[3])", false);
  check("attribute_type(tags, :SS) AND attribute_type(l, :L) AND attribute_type(nul, :NULL)", true);
  check("attribute_type(s, :SS)", false);
  check("begins_with(s, :he) AND begins_with(bin, :b01)", true);
  check("begins_with(s, :ll)", false);
  check("contains(s, :ll) AND contains(tags, :a) AND contains(nums, :onefive) AND contains(l, :x) AND contains(bin, :b12)", true);
  check("contains(tags, :x)", false);
  check("size(s) = :five AND size(tags) = :two AND size(l) = :three AND size(m) < :two AND size(bin) > :three", true);
  check("size(s) > :five", false);
  check("size(n) = :two", false);  // no size for numbers
  check("m.k = :v AND l[2].z = :t AND flag = :f", true);
  check("#s = :hello AND #m.k = :v", true);
  check("tags = :tags", true);  // sets compare as sets
  check("absent <> :x", true);
  check("absent = :x OR absent < :x", false);
  check("s < :nine", false);  // a string and a number never order
  check("NOT n = :nine", true);
  check("NOT (n = :ten OR s = :x)", false);
  check("n = :nine OR n = :ten AND s = :x", false);  // AND before OR
  check("(n = :nine OR n = :ten) AND s = :hello", true);
  check("n = :nine OR s = :hello AND NOT flag = :t", true);

  // A failed condition writes nothing.
  auto got = ok("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "c"}, "SK": {"S": "c"}}})j");
  EXPECT_EQ(got.at("Item").at("probe"), json::parse(R"j({"N": "1"})j"));
  // A condition on an item that does not exist sees no attributes.
  EXPECT_EQ(fails("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "new"}, "SK": {"S": "x"}},
      "ConditionExpression": "attribute_exists(PK)"})j"), lift::aws::kDynamoDbConditionalCheckFailed);
  ok("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "new"}, "SK": {"S": "x"}}, "ConditionExpression": "attribute_not_exists(PK)"})j");
  EXPECT_EQ(fails("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "new"}, "SK": {"S": "x"}},
      "ConditionExpression": "attribute_not_exists(PK)"})j"), lift::aws::kDynamoDbConditionalCheckFailed);
  EXPECT_EQ(fails("DeleteItem", R"j({"TableName": "items", "Key": {"PK": {"S": "new"}, "SK": {"S": "x"}},
      "ConditionExpression": "size(PK) > :n", "ExpressionAttributeValues": {":n": {"N": "3"}}})j"), lift::aws::kDynamoDbConditionalCheckFailed);
  ok("DeleteItem", R"j({"TableName": "items", "Key": {"PK": {"S": "new"}, "SK": {"S": "x"}},
      "ConditionExpression": "size(PK) = :n", "ExpressionAttributeValues": {":n": {"N": "3"}}})j");
}

TEST_P(Conformance, ReturnValuesOnConditionCheckFailure) {
  ENGINE_ONLY("dynalite ignores ReturnValuesOnConditionCheckFailure");
  create_items_table();
  put("items", R"j({"PK": {"S": "a"}, "SK": {"S": "b"}, "version": {"N": "3"}})j");
  auto failed = call("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"S": "b"}}, "UpdateExpression": "SET version = :two",
      "ConditionExpression": "version = :one", "ExpressionAttributeValues": {":one": {"N": "1"}, ":two": {"N": "2"}},
      "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})j");
  ASSERT_EQ(failed.code, lift::aws::kDynamoDbConditionalCheckFailed);
  auto item = lift::aws::condition_failed_item(failed.error);
  ASSERT_TRUE(item);
  EXPECT_EQ(canonical(*item), canonical(json::parse(R"j({"PK": {"S": "a"}, "SK": {"S": "b"}, "version": {"N": "3"}})j")));
  auto without = call("DeleteItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"S": "b"}},
      "ConditionExpression": "attribute_not_exists(PK)"})j");
  EXPECT_FALSE(lift::aws::condition_failed_item(without.error));
}

TEST_P(Conformance, UpdateExpressionsAndReturnValues) {
  create_items_table();
  put("items", R"j({"PK": {"S": "u"}, "SK": {"S": "u"}, "n": {"N": "0.1"}, "big": {"N": "99999999999999999999999999999999999999"},
      "s": {"S": "old"}, "tags": {"SS": ["a", "b"]}, "nums": {"NS": ["1", "2"]}, "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]},
      "m": {"M": {"k": {"S": "v"}, "kids": {"M": {}}}}, "gone": {"S": "x"}})j");
  const auto update = [&](std::string_view expression, std::string_view values, std::string_view return_values) {
    json::object request = json::parse(R"j({"TableName": "items", "Key": {"PK": {"S": "u"}, "SK": {"S": "u"}}})j").as_object();
    request["UpdateExpression"] = expression;
    if (!values.empty()) request["ExpressionAttributeValues"] = json::parse(values);
    request["ReturnValues"] = return_values;
    return canonical(ok("UpdateItem", json::serialize(request)));
  };
  EXPECT_EQ(update("SET n = n + :x, big = big + :one, s = :new", R"j({":x": {"N": "0.2"}, ":one": {"N": "1"}, ":new": {"S": "new"}})j", "UPDATED_NEW"),
            canonical(json::parse(R"j({"Attributes": {"n": {"N": "0.3"}, "big": {"N": "100000000000000000000000000000000000000"},
                                                      "s": {"S": "new"}}})j")));
  EXPECT_EQ(update("SET n = :x - n, hits = if_not_exists(hits, :zero) + :one", R"j({":x": {"N": "1"}, ":zero": {"N": "0"}, ":one": {"N": "1"}})j",
                   "UPDATED_OLD"),
            canonical(json::parse(R"j({"Attributes": {"n": {"N": "0.3"}}})j")));
  EXPECT_EQ(update("SET l = list_append(l, :more), m.kids.deep = :v, m.k = :v REMOVE gone",
                   R"j({":more": {"L": [{"S": "three"}]}, ":v": {"S": "w"}})j", "UPDATED_NEW"),
            canonical(json::parse(R"j({"Attributes": {"l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"S": "three"}]},
                                                      "m": {"M": {"k": {"S": "w"}, "kids": {"M": {"deep": {"S": "w"}}}}}}})j")));
  EXPECT_EQ(update("SET l[1] = :v, l[10] = :w", R"j({":v": {"S": "one"}, ":w": {"S": "appended"}})j", "ALL_NEW").at("Attributes").at("l"),
            canonical(json::parse(R"j({"L": [{"N": "0"}, {"S": "one"}, {"N": "2"}, {"S": "three"}, {"S": "appended"}]})j")));
  // UPDATED_NEW names the removed path in the new item: now the element that moved up.
  EXPECT_EQ(update("REMOVE l[0], gone2", "", "UPDATED_NEW"), canonical(json::parse(R"j({"Attributes": {"l": {"L": [{"S": "one"}]}}})j")));
  EXPECT_EQ(update("ADD tags :more, nums :n, tally :n", R"j({":more": {"SS": ["b", "c"]}, ":n": {"NS": ["3"]}})j", "NONE"), json::object{});
  EXPECT_EQ(update("ADD hits :five DELETE tags :ab, nums :all", R"j({":five": {"N": "5"}, ":ab": {"SS": ["a", "b"]}, ":all": {"NS": ["1", "2", "3"]}})j",
                   "ALL_NEW"),
            canonical(json::parse(R"j({"Attributes": {"PK": {"S": "u"}, "SK": {"S": "u"}, "n": {"N": "0.7"},
                "big": {"N": "100000000000000000000000000000000000000"}, "s": {"S": "new"}, "hits": {"N": "6"}, "tags": {"SS": ["c"]},
                "tally": {"NS": ["3"]}, "l": {"L": [{"S": "one"}, {"N": "2"}, {"S": "three"}, {"S": "appended"}]},
                "m": {"M": {"k": {"S": "w"}, "kids": {"M": {"deep": {"S": "w"}}}}}}})j")));
  // UpdateItem without an item creates one from the key.
  EXPECT_EQ(canonical(ok("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "fresh"}, "SK": {"S": "x"}},
      "UpdateExpression": "ADD visits :one", "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "ALL_NEW"})j")),
            canonical(json::parse(R"j({"Attributes": {"PK": {"S": "fresh"}, "SK": {"S": "x"}, "visits": {"N": "1"}}})j")));
  EXPECT_EQ(json::value(ok("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "fresh2"}, "SK": {"S": "x"}},
      "UpdateExpression": "SET a = :a", "ExpressionAttributeValues": {":a": {"S": "a"}}, "ReturnValues": "ALL_OLD"})j")), json::object{});
}

TEST_P(Conformance, UpdateErrors) {
  create_items_table();
  put("items", R"j({"PK": {"S": "u"}, "SK": {"S": "u"}, "s": {"S": "x"}, "l": {"L": []}})j");
  const auto bad = [&](std::string_view expression, std::string_view values) {
    json::object request = json::parse(R"j({"TableName": "items", "Key": {"PK": {"S": "u"}, "SK": {"S": "u"}}})j").as_object();
    request["UpdateExpression"] = expression;
    if (!values.empty()) request["ExpressionAttributeValues"] = json::parse(values);
    EXPECT_EQ(fails("UpdateItem", json::serialize(request)), "DynamoDB.Validation") << expression;
  };
  bad("SET a = absent + :one", R"j({":one": {"N": "1"}})j");
  bad("SET a = s + :one", R"j({":one": {"N": "1"}})j");
  bad("ADD s :one", R"j({":one": {"N": "1"}})j");
  bad("SET m.k = :one", R"j({":one": {"N": "1"}})j");
  bad("SET s[0] = :one", R"j({":one": {"N": "1"}})j");
  bad("SET a = list_append(s, l)", "");
  bad("SET PK = :one", R"j({":one": {"S": "1"}})j");
  bad("SET a = :one SET b = :one", R"j({":one": {"N": "1"}})j");
  bad("SET a = :one, a = :one", R"j({":one": {"N": "1"}})j");
  bad("SET a.b = :one REMOVE a", R"j({":one": {"N": "1"}})j");
  bad("ADD a :one", R"j({":one": {"S": "1"}})j");
  bad("DELETE a :one", R"j({":one": {"N": "1"}})j");
  bad("SET a = :one + :two", R"j({":one": {"N": "1"}, ":two": {"S": "2"}})j");
  bad("SET a = nope(a)", "");
  bad("SET a :one", R"j({":one": {"N": "1"}})j");
  bad("SET a = :undefined", R"j({":one": {"N": "1"}})j");
  bad("SET status = :one", R"j({":one": {"N": "1"}})j");
  bad("SET created = :one", R"j({":one": {"S": "not a number"}})j");  // a GSI key of the wrong type
  EXPECT_EQ(canonical(ok("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "u"}, "SK": {"S": "u"}}})j").at("Item")),
            canonical(json::parse(R"j({"PK": {"S": "u"}, "SK": {"S": "u"}, "s": {"S": "x"}, "l": {"L": []}})j")));
}

// ---------------------------------------------------------------------------------------------
// Query and Scan

TEST_P(Conformance, QueryOrdersSortKeysAndPaginates) {
  create_items_table();
  const std::vector<std::string> sorts{"a", "B", "b", "aa", "a#2", "a#10", "Z", "~", "é", "a b", "0", "10", "9"};
  for (const auto& sk : sorts) put("items", R"j({"PK": {"S": "p"}, "SK": {"S": ")j" + sk + R"j("}, "v": {"S": ")j" + sk + "\"}}");
  put("items", R"j({"PK": {"S": "other"}, "SK": {"S": "a"}})j");
  auto expected = sorts;
  std::sort(expected.begin(), expected.end());  // bytewise
  std::vector<json::value> keys;
  const auto query = json::parse(R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "p"}},
      "Limit": 4})j").as_object();
  EXPECT_EQ(strings(all_pages("Query", query, &keys), "SK"), expected);
  ASSERT_EQ(keys.size(), 3u);  // pages of 4, 4, 4 and 1
  EXPECT_EQ(canonical(keys[0]), canonical(json::parse(R"j({"PK": {"S": "p"}, "SK": {"S": "B"}})j")));
  auto backward = query;
  backward["ScanIndexForward"] = false;
  backward.erase("Limit");
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(strings(all_pages("Query", backward), "SK"), expected);
  backward["Limit"] = 5;
  EXPECT_EQ(strings(all_pages("Query", backward), "SK"), expected);
}

TEST_P(Conformance, QueryKeyConditions) {
  create_table(R"j({"TableName": "nums", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}, {"AttributeName": "SK", "AttributeType": "N"}],
      "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}]})j");
  const std::vector<std::string> numbers{"-100", "-9.5", "-1", "-0.001", "0", "0.5", "1", "2", "10", "10.5", "100", "1E3", "12345678901234567890"};
  for (const auto& n : numbers) put("nums", R"j({"PK": {"S": "n"}, "SK": {"N": ")j" + n + "\"}}");
  const auto sks = [&](std::string_view condition, std::string_view values) {
    json::object request{{"TableName", "nums"}, {"KeyConditionExpression", condition}};
    json::object v = json::parse(values).as_object();
    v[":p"] = json::object{{"S", "n"}};
    request["ExpressionAttributeValues"] = v;
    return strings(all_pages("Query", request), "SK", "N");
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(sks("PK = :p", "{}"), (V{"-100", "-9.5", "-1", "-0.001", "0", "0.5", "1", "2", "10", "10.5", "100", "1000", "12345678901234567890"}));
  EXPECT_EQ(sks("PK = :p AND SK = :x", R"j({":x": {"N": "10.0"}})j"), (V{"10"}));
  EXPECT_EQ(sks("PK = :p AND SK < :x", R"j({":x": {"N": "-1"}})j"), (V{"-100", "-9.5"}));
  EXPECT_EQ(sks("PK = :p AND SK <= :x", R"j({":x": {"N": "-1"}})j"), (V{"-100", "-9.5", "-1"}));
  EXPECT_EQ(sks("PK = :p AND SK > :x", R"j({":x": {"N": "100"}})j"), (V{"1000", "12345678901234567890"}));
  EXPECT_EQ(sks("PK = :p AND SK >= :x", R"j({":x": {"N": "100"}})j"), (V{"100", "1000", "12345678901234567890"}));
  EXPECT_EQ(sks("PK = :p AND SK BETWEEN :a AND :b", R"j({":a": {"N": "-0.001"}, ":b": {"N": "1"}})j"), (V{"-0.001", "0", "0.5", "1"}));
  EXPECT_EQ(sks(":x < SK AND :p = PK", R"j({":x": {"N": "1000"}})j"), (V{"12345678901234567890"}));
}

TEST_P(Conformance, BinaryAndNumberKeys) {
  create_table(R"j({"TableName": "blobs", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}, {"AttributeName": "b", "AttributeType": "B"}],
      "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "RANGE"}]})j");
  // Bytewise: 0x00 < 0x01 < 0x01 0x00 < 0x7f < 0x80 < 0xff.
  for (const char* b : {"/w==", "AA==", "AQ==", "AQA=", "fw==", "gA=="}) put("blobs", std::string(R"j({"id": {"N": "-1.5"}, "b": {"B": ")j") + b + "\"}}");
  for (const char* id : {"2", "-2", "0.5"}) put("blobs", std::string(R"j({"id": {"N": ")j") + id + R"j("}, "b": {"B": "AA=="}})j");
  auto items = all_pages("Query", json::parse(R"j({"TableName": "blobs", "KeyConditionExpression": "id = :id AND b > :low",
      "ExpressionAttributeValues": {":id": {"N": "-1.50"}, ":low": {"B": "AA=="}}, "Limit": 2})j").as_object());
  EXPECT_EQ(strings(items, "b", "B"), (std::vector<std::string>{"AQ==", "AQA=", "fw==", "gA==", "/w=="}));
  items = all_pages("Query", json::parse(R"j({"TableName": "blobs", "KeyConditionExpression": "id = :id AND begins_with(b, :p)",
      "ExpressionAttributeValues": {":id": {"N": "-1.5"}, ":p": {"B": "AQ=="}}})j").as_object());
  EXPECT_EQ(strings(items, "b", "B"), (std::vector<std::string>{"AQ==", "AQA="}));
  EXPECT_EQ(all_pages("Scan", json::parse(R"j({"TableName": "blobs", "Limit": 4})j").as_object()).size(), 9u);
  EXPECT_EQ(fails("GetItem", R"j({"TableName": "blobs", "Key": {"id": {"N": "1"}, "b": {"B": ""}}})j"), "DynamoDB.Validation");
}

TEST_P(Conformance, QueryBeginsWithFiltersProjectionsAndCount) {
  create_items_table();
  for (int i = 0; i < 12; ++i) {
    const std::string sk = (i % 3 == 0 ? "order#" : "item#") + std::to_string(100 + i);
    put("items", R"j({"PK": {"S": "q"}, "SK": {"S": ")j" + sk + R"j("}, "n": {"N": ")j" + std::to_string(i) +
                     R"j("}, "info": {"M": {"odd": {"BOOL": )j" + (i % 2 ? "true" : "false") + R"j(}, "tag": {"S": "t)j" +
                     std::to_string(i) + "\"}}}}");
  }
  auto answer = ok("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p AND begins_with(SK, :prefix)",
      "ExpressionAttributeValues": {":p": {"S": "q"}, ":prefix": {"S": "order#"}}})j");
  EXPECT_EQ(answer.at("Count"), 4);
  EXPECT_EQ(strings(std::vector<json::value>(answer.at("Items").as_array().begin(), answer.at("Items").as_array().end()), "SK"),
            (std::vector<std::string>{"order#100", "order#103", "order#106", "order#109"}));
  answer = ok("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "FilterExpression": "info.odd = :t AND n > :three",
      "ProjectionExpression": "SK, info.tag", "ExpressionAttributeValues": {":p": {"S": "q"}, ":t": {"BOOL": true}, ":three": {"N": "3"}},
      "Limit": 8})j");
  EXPECT_EQ(answer.at("ScannedCount"), 8);  // Limit counts items read, before the filter
  EXPECT_EQ(canonical(answer.at("Items")), canonical(json::parse(R"j([{"SK": {"S": "item#105"}, "info": {"M": {"tag": {"S": "t5"}}}},
      {"SK": {"S": "item#107"}, "info": {"M": {"tag": {"S": "t7"}}}}, {"SK": {"S": "item#111"}, "info": {"M": {"tag": {"S": "t11"}}}}])j")));
  EXPECT_EQ(canonical(answer.at("LastEvaluatedKey")), canonical(json::parse(R"j({"PK": {"S": "q"}, "SK": {"S": "item#111"}})j")));
  answer = ok("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "Select": "COUNT", "FilterExpression": "n < :three",
      "ExpressionAttributeValues": {":p": {"S": "q"}, ":three": {"N": "3"}}})j");
  EXPECT_EQ(json::value(answer), json::parse(R"j({"Count": 3, "ScannedCount": 12})j"));
}

TEST_P(Conformance, QueryAndScanValidation) {
  create_items_table();
  put("items", R"j({"PK": {"S": "v"}, "SK": {"S": "1"}})j");
  const auto bad = [&](std::string_view operation, std::string_view request) {
    EXPECT_EQ(fails(operation, request), "DynamoDB.Validation") << request;
  };
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "SK = :s", "ExpressionAttributeValues": {":s": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p OR SK = :p", "ExpressionAttributeValues": {":p": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK > :p", "ExpressionAttributeValues": {":p": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"N": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p AND other = :p", "ExpressionAttributeValues": {":p": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p AND contains(SK, :p)", "ExpressionAttributeValues": {":p": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "FilterExpression": "SK = :p",
      "ExpressionAttributeValues": {":p": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "1"}, ":q": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "1"}}, "Limit": 0})j");
  bad("Query", R"j({"TableName": "items", "IndexName": "nope", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "IndexName": "by-status", "ConsistentRead": true, "KeyConditionExpression": "#s = :p",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":p": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "v"}},
      "ExclusiveStartKey": {"PK": {"S": "v"}}})j");
  bad("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "v"}},
      "ExclusiveStartKey": {"PK": {"S": "elsewhere"}, "SK": {"S": "1"}}})j");
  bad("Query", R"j({"TableName": "items"})j");
  bad("Scan", R"j({"TableName": "items", "Segment": 1})j");
  bad("Scan", R"j({"TableName": "items", "Segment": 3, "TotalSegments": 3})j");
  bad("Scan", R"j({"TableName": "items", "FilterExpression": "a = = b"})j");
  bad("Scan", R"j({"TableName": "items", "ExclusiveStartKey": {"PK": {"S": "v"}}})j");
  bad("Scan", R"j({"TableName": "items", "IndexName": "nope"})j");
  EXPECT_EQ(fails("Scan", R"j({"TableName": "nowhere"})j"), "DynamoDB.ResourceNotFound");
  EXPECT_EQ(fails("Query", R"j({"TableName": "nowhere", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "1"}}})j"),
            "DynamoDB.ResourceNotFound");
}

TEST_P(Conformance, ScanOrderPagesSegmentsAndFilters) {
  create_items_table();
  for (int i = 0; i < 40; ++i)
    put("items", R"j({"PK": {"S": "user#)j" + std::to_string(i) + R"j("}, "SK": {"S": "profile"}, "n": {"N": ")j" + std::to_string(i) + "\"}}");
  create_table(R"j({"TableName": "numeric", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "N"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})j");
  for (const char* id : {"0", "1", "-1", "12.5", "-0.001", "1E10", "123456789012345678901234567890", "-98765.4321", "7", "70", "700", "0.07"})
    put("numeric", std::string(R"j({"id": {"N": ")j") + id + "\"}}");

  // Scan order is the partition hash order: the same pages, the same LastEvaluatedKeys.
  std::vector<json::value> keys;
  auto items = all_pages("Scan", json::parse(R"j({"TableName": "items", "Limit": 7})j").as_object(), &keys);
  EXPECT_EQ(items.size(), 40u);
  EXPECT_EQ(keys.size(), 5u);
  auto numeric = all_pages("Scan", json::parse(R"j({"TableName": "numeric", "Limit": 5})j").as_object());
  EXPECT_EQ(numeric.size(), 12u);

  std::vector<std::string> seen;
  for (int segment = 0; segment < 3; ++segment) {
    json::object request{{"TableName", "items"}, {"Segment", segment}, {"TotalSegments", 3}, {"Limit", 4}};
    for (const auto& s : strings(all_pages("Scan", request), "PK")) seen.push_back(s);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), 40u);
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());

  auto filtered = ok("Scan", R"j({"TableName": "items", "FilterExpression": "n >= :thirty AND SK = :p", "ProjectionExpression": "n",
      "ExpressionAttributeValues": {":thirty": {"N": "30"}, ":p": {"S": "profile"}}})j");
  EXPECT_EQ(filtered.at("Count"), 10);
  EXPECT_EQ(filtered.at("ScannedCount"), 40);
  EXPECT_EQ(json::value(ok("Scan", R"j({"TableName": "items", "Select": "COUNT", "Limit": 15})j")).at("Count"), 15);
}

TEST_P(Conformance, PagesStopAtOneMegabyte) {
  create_items_table();
  const std::string payload(100 * 1024, 'x');
  for (int i = 0; i < 25; ++i) {
    char sk[8];
    std::snprintf(sk, sizeof sk, "%03d", i);
    put("items", R"j({"PK": {"S": "big"}, "SK": {"S": ")j" + std::string(sk) + R"j("}, "payload": {"S": ")j" + payload + "\"}}");
  }
  std::vector<json::value> keys;
  auto items = all_pages("Query", json::parse(R"j({"TableName": "items", "KeyConditionExpression": "PK = :p",
      "ExpressionAttributeValues": {":p": {"S": "big"}}, "ProjectionExpression": "SK"})j").as_object(), &keys);
  EXPECT_EQ(items.size(), 25u);
  ASSERT_EQ(keys.size(), 2u);  // about ten 100 KB items per 1 MB page
  EXPECT_EQ(canonical(keys[0]), canonical(json::parse(R"j({"PK": {"S": "big"}, "SK": {"S": "010"}})j")));
  keys.clear();
  EXPECT_EQ(all_pages("Scan", json::parse(R"j({"TableName": "items", "ProjectionExpression": "SK"})j").as_object(), &keys).size(), 25u);
  EXPECT_EQ(keys.size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// Secondary indexes

TEST_P(Conformance, GlobalSecondaryIndex) {
  create_items_table();
  for (int i = 0; i < 10; ++i) {
    put("items", R"j({"PK": {"S": "t)j" + std::to_string(i) + R"j("}, "SK": {"S": "x"}, "status": {"S": ")j" + (i % 2 ? "open" : "done") +
                     R"j("}, "created": {"N": ")j" + std::to_string(100 - i) + R"j("}, "title": {"S": "todo )j" + std::to_string(i) + "\"}}");
  }
  put("items", R"j({"PK": {"S": "no-index"}, "SK": {"S": "x"}, "title": {"S": "not in the index"}})j");
  put("items", R"j({"PK": {"S": "tie1"}, "SK": {"S": "x"}, "status": {"S": "tie"}, "created": {"N": "1"}})j");
  put("items", R"j({"PK": {"S": "tie2"}, "SK": {"S": "x"}, "status": {"S": "tie"}, "created": {"N": "1"}})j");
  put("items", R"j({"PK": {"S": "tie3"}, "SK": {"S": "y"}, "status": {"S": "tie"}, "created": {"N": "1"}})j");

  std::vector<json::value> keys;
  auto open = all_pages("Query", json::parse(R"j({"TableName": "items", "IndexName": "by-status", "KeyConditionExpression": "#s = :s",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":s": {"S": "open"}}, "Limit": 2})j").as_object(), &keys);
  ASSERT_EQ(open.size(), 5u);
  // KEYS_ONLY: the table key and the index key, nothing else; ordered by the index sort key.
  EXPECT_EQ(canonical(open[0]), canonical(json::parse(R"j({"PK": {"S": "t9"}, "SK": {"S": "x"}, "status": {"S": "open"}, "created": {"N": "91"}})j")));
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(canonical(keys[0]), canonical(json::parse(R"j({"PK": {"S": "t7"}, "SK": {"S": "x"}, "status": {"S": "open"}, "created": {"N": "93"}})j")));
  // Equal index keys: every item, in one order for both.
  auto tie = all_pages("Query", json::parse(R"j({"TableName": "items", "IndexName": "by-status", "KeyConditionExpression": "#s = :s",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":s": {"S": "tie"}}, "Limit": 1})j").as_object());
  EXPECT_EQ(tie.size(), 3u);
  // An update moves the item in the index; removing the key takes it out.
  ok("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "t9"}, "SK": {"S": "x"}}, "UpdateExpression": "SET #s = :d",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":d": {"S": "done"}}})j");
  ok("UpdateItem", R"j({"TableName": "items", "Key": {"PK": {"S": "t7"}, "SK": {"S": "x"}}, "UpdateExpression": "REMOVE created"})j");
  auto count = ok("Query", R"j({"TableName": "items", "IndexName": "by-status", "KeyConditionExpression": "#s = :s", "Select": "COUNT",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":s": {"S": "open"}}})j");
  EXPECT_EQ(count.at("Count"), 3);
  auto range = ok("Query", R"j({"TableName": "items", "IndexName": "by-status", "KeyConditionExpression": "#s = :s AND created BETWEEN :a AND :b",
      "ScanIndexForward": false, "ExpressionAttributeNames": {"#s": "status"},
      "ExpressionAttributeValues": {":s": {"S": "done"}, ":a": {"N": "92"}, ":b": {"N": "98"}}})j");
  EXPECT_EQ(strings(std::vector<json::value>(range.at("Items").as_array().begin(), range.at("Items").as_array().end()), "PK"),
            (std::vector<std::string>{"t2", "t4", "t6", "t8"}));
  EXPECT_EQ(all_pages("Scan", json::parse(R"j({"TableName": "items", "IndexName": "by-status", "Limit": 4})j").as_object()).size(), 12u);
  EXPECT_EQ(fails("Query", R"j({"TableName": "items", "IndexName": "by-status", "KeyConditionExpression": "#s = :s", "Select": "ALL_ATTRIBUTES",
      "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":s": {"S": "open"}}})j"), "DynamoDB.Validation");
}

TEST_P(Conformance, LocalSecondaryIndex) {
  create_items_table();
  for (int i = 0; i < 6; ++i) {
    put("items", R"j({"PK": {"S": "l"}, "SK": {"S": "s)j" + std::to_string(i) + R"j("}, "score": {"N": ")j" + std::to_string((i * 7) % 10) +
                     R"j("}, "title": {"S": "t)j" + std::to_string(i) + R"j("}, "body": {"S": "long text"}})j");
  }
  put("items", R"j({"PK": {"S": "l"}, "SK": {"S": "unscored"}, "title": {"S": "no score"}})j");
  std::vector<json::value> keys;
  auto items = all_pages("Query", json::parse(R"j({"TableName": "items", "IndexName": "by-score", "KeyConditionExpression": "PK = :p AND score >= :min",
      "ExpressionAttributeValues": {":p": {"S": "l"}, ":min": {"N": "1"}}, "Limit": 2})j").as_object(), &keys);
  ASSERT_EQ(items.size(), 5u);
  // INCLUDE title: keys, index key and title.
  EXPECT_EQ(canonical(items[0]), canonical(json::parse(R"j({"PK": {"S": "l"}, "SK": {"S": "s3"}, "score": {"N": "1"}, "title": {"S": "t3"}})j")));
  // The LastEvaluatedKey of an index holds the table key and the index key.
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(canonical(keys[0]), canonical(json::parse(R"j({"PK": {"S": "l"}, "SK": {"S": "s2"}, "score": {"N": "4"}})j")));
  // A local index can fetch the whole item.
  auto whole = ok("Query", R"j({"TableName": "items", "IndexName": "by-score", "KeyConditionExpression": "PK = :p AND score = :s",
      "Select": "ALL_ATTRIBUTES", "ExpressionAttributeValues": {":p": {"S": "l"}, ":s": {"N": "4"}}})j");
  EXPECT_EQ(canonical(whole.at("Items")), canonical(json::parse(R"j([{"PK": {"S": "l"}, "SK": {"S": "s2"}, "score": {"N": "4"},
      "title": {"S": "t2"}, "body": {"S": "long text"}}])j")));
  auto projected = ok("Query", R"j({"TableName": "items", "IndexName": "by-score", "KeyConditionExpression": "PK = :p",
      "ProjectionExpression": "title", "ExpressionAttributeValues": {":p": {"S": "l"}}, "ScanIndexForward": false})j");
  EXPECT_EQ(projected.at("Count"), 6);
  EXPECT_EQ(projected.at("Items").at(0), json::parse(R"j({"title": {"S": "t4"}})j"));  // the highest score first
}

// ---------------------------------------------------------------------------------------------
// Batches

TEST_P(Conformance, BatchWriteAndGet) {
  create_items_table();
  json::array puts;
  json::array keys;
  for (int i = 0; i < 25; ++i) {
    std::string pk = "b";
    pk += std::to_string(i);  // not `"b" + ...`: g++ 12 -O3 warns falsely (-Wrestrict) on that
    json::object key{{"PK", {{"S", pk}}}, {"SK", {{"S", "x"}}}};
    json::object item = key;
    item["n"] = {{"N", std::to_string(i)}};
    puts.push_back(json::object{{"PutRequest", json::object{{"Item", item}}}});
    keys.push_back(key);
  }
  EXPECT_EQ(json::value(ok("BatchWriteItem", json::object{{"RequestItems", {{"items", puts}}}})), json::parse(R"j({"UnprocessedItems": {}})j"));
  json::array wanted = keys;
  wanted.push_back(json::object{{"PK", {{"S", "missing"}}}, {"SK", {{"S", "x"}}}});
  auto got = ok("BatchGetItem", json::object{{"RequestItems", {{"items", {{"Keys", wanted}, {"ProjectionExpression", "n"}}}}}});
  auto& responses = got.at("Responses").at("items").as_array();
  std::sort(responses.begin(), responses.end(), [](const json::value& a, const json::value& b) {
    return std::stoi(std::string(a.at("n").at("N").as_string())) < std::stoi(std::string(b.at("n").at("N").as_string()));
  });
  ASSERT_EQ(responses.size(), 25u);
  EXPECT_EQ(responses[3], json::parse(R"j({"n": {"N": "3"}})j"));
  EXPECT_EQ(got.at("UnprocessedKeys"), json::object{});

  json::array deletes;
  for (int i = 0; i < 5; ++i) deletes.push_back(json::object{{"DeleteRequest", json::object{{"Key", keys[static_cast<std::size_t>(i)]}}}});
  deletes.push_back(json::object{{"DeleteRequest", json::object{{"Key", {{"PK", {{"S", "never"}}}, {"SK", {{"S", "x"}}}}}}}});
  ok("BatchWriteItem", json::object{{"RequestItems", {{"items", deletes}}}});
  EXPECT_EQ(json::value(ok("Scan", R"j({"TableName": "items", "Select": "COUNT"})j")).at("Count"), 20);

  const auto bad = [&](const json::object& request) { EXPECT_EQ(fails("BatchWriteItem", json::serialize(request)), "DynamoDB.Validation"); };
  json::array too_many = puts;
  too_many.push_back(puts[0]);
  bad({{"RequestItems", {{"items", too_many}}}});
  bad({{"RequestItems", {{"items", json::array{puts[0], puts[0]}}}}});
  bad({{"RequestItems", {{"items", json::array{json::object{{"PutRequest", {{"Item", {{"PK", {{"S", "k"}}}}}}}}}}}}});
  bad({{"RequestItems", json::object{}}});
  EXPECT_EQ(fails("BatchWriteItem", json::serialize(json::object{{"RequestItems", {{"nowhere", json::array{puts[0]}}}}})), "DynamoDB.ResourceNotFound");
  json::array hundred_one;
  for (int i = 0; i < 101; ++i) {
    std::string pk = "k";
    pk += std::to_string(i);
    hundred_one.push_back(json::object{{"PK", {{"S", pk}}}, {"SK", {{"S", "x"}}}});
  }
  EXPECT_EQ(fails("BatchGetItem", json::serialize(json::object{{"RequestItems", {{"items", {{"Keys", hundred_one}}}}}})), "DynamoDB.Validation");
  EXPECT_EQ(fails("BatchGetItem", json::serialize(json::object{{"RequestItems", {{"items", {{"Keys", json::array{keys[0], keys[0]}}}}}}})),
            "DynamoDB.Validation");
}

// ---------------------------------------------------------------------------------------------
// Validation

TEST_P(Conformance, ValidationErrors) {
  create_items_table();
  const auto code = [&](std::string_view operation, std::string_view request) { return fails(operation, request); };
  const std::string v = "DynamoDB.Validation";
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": ""}, "SK": {"S": "x"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"N": "1"}, "SK": {"S": "x"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}, "status": {"N": "1"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}, "s": {"SS": []}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}, "s": {"SS": ["a", "a"]}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}, "n": {"N": "abc"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}, "n": {"N": "1E200"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}, "n": {"N": "123456789012345678901234567890123456789"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ReturnValues": "ALL_NEW"})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": "a = = b"})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": "name = :n",
      "ExpressionAttributeValues": {":n": {"S": "x"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": "#n = :n",
      "ExpressionAttributeValues": {":n": {"S": "x"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": "a = :n"})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": "a = :n",
      "ExpressionAttributeValues": {":n": {"S": "x"}, ":unused": {"S": "y"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": "a = :n",
      "ExpressionAttributeNames": {"#unused": "y"}, "ExpressionAttributeValues": {":n": {"S": "x"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": ""})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ConditionExpression": "nope(a)"})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}},
      "ConditionExpression": "a BETWEEN :hi AND :lo", "ExpressionAttributeValues": {":hi": {"N": "5"}, ":lo": {"N": "1"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}},
      "ConditionExpression": "begins_with(a, :n)", "ExpressionAttributeValues": {":n": {"N": "5"}}})j"), v);
  EXPECT_EQ(code("PutItem", R"j({"TableName": "items", "Item": {"PK": {"S": "a"}, "SK": {"S": "x"}},
      "ConditionExpression": "attribute_exists(a) = :n", "ExpressionAttributeValues": {":n": {"N": "5"}}})j"), v);
  EXPECT_EQ(code("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}}})j"), v);
  EXPECT_EQ(code("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"N": "1"}}})j"), v);
  EXPECT_EQ(code("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"S": "x"}, "extra": {"S": "x"}}})j"), v);
  EXPECT_EQ(code("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ExpressionAttributeNames": {"#a": "a"}})j"), v);
  EXPECT_EQ(code("DeleteItem", R"j({"TableName": "items", "Key": {"PK": {"S": "a"}, "SK": {"S": "x"}}, "ReturnValues": "SOME"})j"), v);
  EXPECT_EQ(code("DescribeTable", R"j({"TableName": "ab"})j"), v);
  EXPECT_EQ(code("GetItem", R"j({"TableName": "nowhere", "Key": {"PK": {"S": "a"}}})j"), "DynamoDB.ResourceNotFound");
  EXPECT_EQ(code("PutItem", R"j({"TableName": "nowhere", "Item": {"PK": {"S": "a"}}})j"), "DynamoDB.ResourceNotFound");
  // 400 KB, names included.
  const std::size_t fixed = 2 + 1 + 2 + 1 + 7;  // PK a SK x payload
  json::object item{{"PK", {{"S", "a"}}}, {"SK", {{"S", "x"}}}, {"payload", {{"S", std::string(400 * 1024 - fixed, 'p')}}}};
  ok("PutItem", json::object{{"TableName", "items"}, {"Item", item}});
  item["payload"] = {{"S", std::string(400 * 1024 - fixed + 1, 'p')}};
  EXPECT_EQ(fails("PutItem", json::serialize(json::object{{"TableName", "items"}, {"Item", item}})), v);
}

// ---------------------------------------------------------------------------------------------
// Engine-only: what dynalite does not implement

TEST_P(Conformance, TransactWriteAndGet) {
  ENGINE_ONLY("dynalite has no TransactWriteItems or TransactGetItems");
  create_items_table();
  put("items", R"j({"PK": {"S": "acct#1"}, "SK": {"S": "balance"}, "amount": {"N": "100"}})j");
  put("items", R"j({"PK": {"S": "acct#2"}, "SK": {"S": "balance"}, "amount": {"N": "5"}})j");
  const auto transfer = [&](int amount) {
    json::object values{{":a", {{"N", std::to_string(amount)}}}};
    json::array actions;
    actions.push_back(json::object{{"Update", {{"TableName", "items"}, {"Key", json::parse(R"j({"PK": {"S": "acct#1"}, "SK": {"S": "balance"}})j")},
        {"UpdateExpression", "SET amount = amount - :a"}, {"ConditionExpression", "amount >= :a"}, {"ExpressionAttributeValues", values},
        {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}}}});
    actions.push_back(json::object{{"Update", {{"TableName", "items"}, {"Key", json::parse(R"j({"PK": {"S": "acct#2"}, "SK": {"S": "balance"}})j")},
        {"UpdateExpression", "SET amount = amount + :a"}, {"ExpressionAttributeValues", values}}}});
    actions.push_back(json::object{{"Put", {{"TableName", "items"},
        {"Item", {{"PK", {{"S", "log"}}}, {"SK", {{"S", "t" + std::to_string(amount)}}}, {"amount", {{"N", std::to_string(amount)}}}}},
        {"ConditionExpression", "attribute_not_exists(PK)"}}}});
    return call("TransactWriteItems", json::object{{"TransactItems", actions}});
  };
  EXPECT_TRUE(transfer(60).ok);
  auto refused = transfer(70);
  ASSERT_EQ(refused.code, lift::aws::kDynamoDbTransactionCanceled) << refused.message;
  const auto reasons = lift::aws::cancellation_reasons(refused.error);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].index, 0u);
  EXPECT_EQ(reasons[0].code, "ConditionalCheckFailed");
  ASSERT_TRUE(reasons[0].item);
  EXPECT_EQ(reasons[0].item->at("amount"), json::parse(R"j({"N": "40"})j"));
  EXPECT_EQ(transfer(60).code, lift::aws::kDynamoDbTransactionCanceled);  // the log item exists and funds are short
  auto read = ok("TransactGetItems", R"j({"TransactItems": [
      {"Get": {"TableName": "items", "Key": {"PK": {"S": "acct#1"}, "SK": {"S": "balance"}}, "ProjectionExpression": "amount"}},
      {"Get": {"TableName": "items", "Key": {"PK": {"S": "acct#2"}, "SK": {"S": "balance"}}, "ProjectionExpression": "amount"}},
      {"Get": {"TableName": "items", "Key": {"PK": {"S": "log"}, "SK": {"S": "t70"}}}}]})j");
  EXPECT_EQ(json::value(read), json::parse(R"j({"Responses": [{"Item": {"amount": {"N": "40"}}}, {"Item": {"amount": {"N": "65"}}}, {}]})j"));
  EXPECT_EQ(fails("TransactWriteItems", R"j({"TransactItems": [
      {"ConditionCheck": {"TableName": "items", "Key": {"PK": {"S": "log"}, "SK": {"S": "t60"}}, "ConditionExpression": "attribute_exists(PK)"}},
      {"Delete": {"TableName": "items", "Key": {"PK": {"S": "log"}, "SK": {"S": "t60"}}}}]})j"), "DynamoDB.Validation");
  EXPECT_EQ(fails("TransactWriteItems", R"j({"TransactItems": [{"Put": {"TableName": "nowhere", "Item": {"PK": {"S": "a"}}}}]})j"),
            "DynamoDB.ResourceNotFound");
}

TEST_P(Conformance, TimeToLive) {
  ENGINE_ONLY("dynalite has no UpdateTimeToLive");
  create_items_table();
  ok("UpdateTimeToLive", R"j({"TableName": "items", "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": true}})j");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  put("items", R"j({"PK": {"S": "ttl"}, "SK": {"S": "past"}, "expires": {"N": ")j" + std::to_string(now - 60) + "\"}}");
  put("items", R"j({"PK": {"S": "ttl"}, "SK": {"S": "future"}, "expires": {"N": ")j" + std::to_string(now + 3600) + "\"}}");
  put("items", R"j({"PK": {"S": "ttl"}, "SK": {"S": "text"}, "expires": {"S": "not a number"}})j");
  auto answer = ok("Query", R"j({"TableName": "items", "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "ttl"}}})j");
  EXPECT_EQ(answer.at("Count"), 2);
  EXPECT_EQ(json::value(ok("GetItem", R"j({"TableName": "items", "Key": {"PK": {"S": "ttl"}, "SK": {"S": "past"}}})j")), json::object{});
  EXPECT_EQ(json::value(ok("DescribeTimeToLive", R"j({"TableName": "items"})j")),
            json::parse(R"j({"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}})j"));
}

INSTANTIATE_TEST_SUITE_P(Backends, Conformance, ::testing::Values(Backend::engine, Backend::in_process, Backend::dynalite),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::engine ? "Engine" : info.param == Backend::in_process ? "EngineInProcess" : "Dynalite";
                         });

// The client reaches the process-wide engine when LIFT_DYNAMODB_ENDPOINT is memory: and the
// transport comes from the environment.
TEST(MemoryEndpoint, TheClientTalksToTheProcessEngine) {
  lift::testing_support::ScopedEnv endpoint("LIFT_DYNAMODB_ENDPOINT", "memory:");
  DynamoDbOptions options;
  options.transport = lift::dynamorm::transport_from_environment();
  ASSERT_TRUE(options.transport);
  auto client = DynamoDbClient::create(std::move(options));
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->endpoint(), "memory:");
  const auto soon = std::chrono::steady_clock::now() + 5s;
  ASSERT_TRUE(client->create_table(json::parse(R"j({"TableName": "process-wide", "BillingMode": "PAY_PER_REQUEST",
      "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]})j").as_object(),
                                   soon));
  ASSERT_TRUE(client->put_item(json::parse(R"j({"TableName": "process-wide", "Item": {"id": {"S": "1"}}})j").as_object(), soon));
  auto answer = lift::dynamorm::process_engine().handle("GetItem", R"j({"TableName": "process-wide", "Key": {"id": {"S": "1"}}})j");
  EXPECT_EQ(json::parse(answer.body), json::parse(R"j({"Item": {"id": {"S": "1"}}})j"));
  auto missing = client->get_item(json::parse(R"j({"TableName": "nowhere", "Key": {"id": {"S": "1"}}})j").as_object(), soon);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, lift::aws::kDynamoDbResourceNotFound);
  EXPECT_EQ(missing.error().status, 400);
  auto batch = client->batch_write_item_all(json::parse(R"j({"RequestItems": {"process-wide": [{"PutRequest": {"Item": {"id": {"S": "2"}}}}]}})j").as_object(), soon);
  ASSERT_TRUE(batch) << batch.error().message;
  lift::dynamorm::process_engine().clear();
}

}  // namespace
