// Table operations as requests: cursors byte-identical to the DynamORM contract's golden files,
// lifecycle roles, optimistic locking, tenancy key format. A recording transport stands in for
// DynamoDB and answers what each case needs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/core/base64.hpp"
#include "lift/dynamorm/table.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace mapper_table_test {

struct User {
  std::string pk{};
  std::string sk{};
  std::string tenant{};
  std::string email_hash{};
  std::string nickname{};
  std::set<std::string> tags{};
  std::int64_t version = 0;
  std::chrono::system_clock::time_point created_at{};
  std::chrono::system_clock::time_point updated_at{};
  std::optional<std::chrono::system_clock::time_point> ttl{};
};
BOOST_DESCRIBE_STRUCT(User, (), (pk, sk, tenant, email_hash, nickname, tags, version, created_at, updated_at, ttl))

}  // namespace mapper_table_test

namespace {

using namespace lift::dynamorm;
using mapper_table_test::User;
namespace json = boost::json;

using lift::testing_support::read_file;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

const std::filesystem::path kGolden = std::filesystem::path(LIFT_TESTDATA_DIR) / "dynamorm-contract" / "golden" / "cursor";

TEST(Cursor, MatchesTheContractGoldenFilesByteForByte) {
  if (!std::filesystem::exists(kGolden)) LIFT_SKIP_WITHOUT() << "contract fixtures absent";
  const auto expected_cursor = trim(read_file(kGolden / "cursor_v0.1_basic.cursor"));
  const auto expected_json = trim(read_file(kGolden / "cursor_v0.1_basic.json"));
  Cursor c{{{"PK", AttributeValue::string("USER#1")}, {"SK", AttributeValue::string("PROFILE")}}, "gsi-email", "ASC"};
  EXPECT_EQ(encode_cursor(c), expected_cursor);
  EXPECT_EQ(lift::base64::decode_url(encode_cursor(c)).value(), expected_json);
  // And back.
  const auto decoded = decode_cursor(expected_cursor).value();
  EXPECT_EQ(decoded.last_key, c.last_key);
  EXPECT_EQ(decoded.index, c.index);
  EXPECT_EQ(decoded.sort, c.sort);
}

TEST(Cursor, SortsNestedKeysAndEscapesAsGoDoes) {
  Cursor c{{{"b", AttributeValue::map({{"z", AttributeValue::number(1)}, {"a", AttributeValue::string("<&>")}})},
            {"a", AttributeValue::binary("\x01")}}};
  EXPECT_EQ(lift::base64::decode_url(encode_cursor(c)).value(),
            R"({"lastKey":{"a":{"B":"AQ=="},"b":{"M":{"a":{"S":"\u003c\u0026\u003e"},"z":{"N":"1"}}}}})");
  EXPECT_EQ(decode_cursor(encode_cursor(c)).value().last_key, c.last_key);
}

TEST(Cursor, RejectsWhatIsNotACursor) {
  EXPECT_EQ(decode_cursor("!!").error().code, "DynamORM.Validation");
  EXPECT_FALSE(decode_cursor(lift::base64::encode_url("[1]", true)));
  EXPECT_FALSE(decode_cursor(lift::base64::encode_url(R"({"index":"x"})", true)));
  EXPECT_FALSE(decode_cursor(lift::base64::encode_url(R"({"lastKey":{"a":{"S":"x"}},"sort":"UP"})", true)));
}

// Records every call; answers with `next` (or `{}`).
struct Recorder {
  std::vector<std::pair<std::string, json::object>> calls;
  std::vector<std::pair<int, std::string>> answers;

  lift::aws::DynamoDbClient client() {
    lift::aws::DynamoDbOptions options;
    options.region = "us-east-1";
    options.transport = [this](std::string_view op, std::string_view body) -> std::pair<int, std::string> {
      calls.emplace_back(std::string(op), json::parse(body).as_object());
      if (answers.empty()) return {200, "{}"};
      auto a = answers.front();
      answers.erase(answers.begin());
      return a;
    };
    return lift::aws::DynamoDbClient::create(std::move(options)).value();
  }
};

Model<User> user_model() {
  return Model<User>("users_contract")
      .partition_key(&User::pk, "PK")
      .sort_key(&User::sk, "SK")
      .created_at(&User::created_at)
      .updated_at(&User::updated_at)
      .version(&User::version)
      .ttl(&User::ttl)
      .omit_empty(&User::nickname)
      .global_index("gsi-email", &User::email_hash);
}

TEST(Lifecycle, PutSetsTimestampsAndTheInitialVersion) {
  Recorder r;
  auto client = r.client();
  Table<User> users(client, user_model());
  User u;
  u.pk = "USER#1";
  u.sk = "PROFILE";
  u.ttl = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  const auto before = std::chrono::system_clock::now();
  const auto saved = users.create(u).value();
  EXPECT_EQ(saved.version, 1);
  EXPECT_GE(saved.created_at, std::chrono::floor<std::chrono::seconds>(before));
  EXPECT_EQ(saved.created_at, saved.updated_at);
  ASSERT_EQ(r.calls.size(), 1u);
  const auto& [op, body] = r.calls[0];
  EXPECT_EQ(op, "PutItem");
  const auto& item = body.at("Item").as_object();
  EXPECT_EQ(json::serialize(item.at("version")), R"({"N":"1"})");
  EXPECT_EQ(json::serialize(item.at("ttl")), R"({"N":"1700000000"})");
  EXPECT_EQ(item.at("createdAt").at("S").as_string().size(), 30u);  // 2026-11-23T11:55:43.123456789Z
  EXPECT_FALSE(item.contains("nickname"));  // omit_empty
  EXPECT_FALSE(item.contains("tags"));      // empty set
  EXPECT_FALSE(item.contains("emailHash")); // an empty index key: not in the (sparse) index
  EXPECT_EQ(body.at("ConditionExpression"), "attribute_not_exists(#n0)");
  EXPECT_EQ(body.at("ExpressionAttributeNames").at("#n0"), "PK");
}

TEST(Lifecycle, InitialVersionCanFollowDms) {
  Recorder r;
  auto client = r.client();
  Table<User> users(client, user_model().initial_version(0));
  User u{.pk = "a", .sk = "b"};
  EXPECT_EQ(users.put(u).value().version, 0);
}

TEST(Writes, CreateIsConditionalOnTheKeyAndPutIsAnUpsert) {
  Recorder r;
  r.answers.push_back({200, "{}"});
  r.answers.push_back({400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"})"});
  auto client = r.client();
  Table<User> users(client, user_model());
  const User u{.pk = "a", .sk = "b"};
  ASSERT_TRUE(users.put(u));
  EXPECT_FALSE(r.calls.at(0).second.contains("ConditionExpression"));
  const auto refused = users.create(u);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "DynamORM.ConditionFailed");
  EXPECT_EQ(refused.error().status, 409);
  EXPECT_EQ(r.calls.at(1).second.at("ConditionExpression"), "attribute_not_exists(#n0)");
  // In a transaction too.
  TransactWrite tx;
  tx.create(users, u).put(users, u);
  ASSERT_TRUE(tx.run(client, std::chrono::steady_clock::now() + std::chrono::seconds(1)));
  const auto& items = r.calls.at(2).second.at("TransactItems").as_array();
  EXPECT_EQ(items[0].at("Put").at("ConditionExpression"), "attribute_not_exists(#n0)");
  EXPECT_FALSE(items[1].at("Put").as_object().contains("ConditionExpression"));
}

TEST(Lifecycle, UpdateChecksTheVersionAndAddsOne) {
  Recorder r;
  r.answers.push_back({200, R"({"Attributes":{"PK":{"S":"USER#1"},"SK":{"S":"PROFILE"},"nickname":{"S":"Alice"},"version":{"N":"4"}}})"});
  auto client = r.client();
  Table<User> users(client, user_model());
  User u{.pk = "USER#1", .sk = "PROFILE", .nickname = "Alice", .version = 3};
  const auto updated = users.update(u, {"nickname"}).value();
  EXPECT_EQ(updated.version, 4);
  const auto& body = r.calls.at(0).second;
  EXPECT_EQ(r.calls[0].first, "UpdateItem");
  EXPECT_EQ(body.at("UpdateExpression"), "SET #n0 = :v0, #n1 = :v1 ADD #n2 :v2");
  EXPECT_EQ(body.at("ConditionExpression"), "(attribute_exists(#n3) AND #n2 = :v3)");
  EXPECT_EQ(json::serialize(body.at("ExpressionAttributeNames")), R"({"#n0":"nickname","#n1":"updatedAt","#n2":"version","#n3":"PK"})");
  EXPECT_EQ(json::serialize(body.at("ExpressionAttributeValues").at(":v3")), R"({"N":"3"})");
  EXPECT_EQ(json::serialize(body.at("ExpressionAttributeValues").at(":v2")), R"({"N":"1"})");
  EXPECT_EQ(body.at("ReturnValues"), "ALL_NEW");
  // Library-owned fields cannot be named.
  EXPECT_EQ(users.update(u, {"version"}).error().code, "DynamORM.Validation");
  EXPECT_EQ(users.update(u, {"nope"}).error().code, "DynamORM.Validation");
}

TEST(Lifecycle, StaleVersionIsConditionFailedAndMissingItemIsNotFound) {
  const std::string failed = R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed")";
  Recorder r;
  // The backend returns the old item: it exists, so the version was stale.
  r.answers.push_back({400, failed + R"(,"Item":{"PK":{"S":"a"},"SK":{"S":"b"},"version":{"N":"5"}}})"});
  // No item returned (a backend ignoring ReturnValuesOnConditionCheckFailure): the mapper looks.
  r.answers.push_back({400, failed + "}"});
  r.answers.push_back({200, "{}"});
  auto client = r.client();
  Table<User> users(client, user_model());
  User u{.pk = "a", .sk = "b", .nickname = "x", .version = 3};
  EXPECT_EQ(users.update(u).error().code, "DynamORM.ConditionFailed");
  EXPECT_EQ(users.update(u).error().code, "DynamORM.ItemNotFound");
  EXPECT_EQ(r.calls.back().first, "GetItem");
  EXPECT_EQ(r.calls.back().second.at("ConsistentRead"), true);
}

TEST(Lifecycle, DeleteConditionsOnTheVersionWhenGiven) {
  Recorder r;
  auto client = r.client();
  Table<User> users(client, user_model());
  ASSERT_TRUE(users.remove({"a", "b"}, 2));
  EXPECT_EQ(r.calls[0].second.at("ConditionExpression"), "(attribute_exists(#n0) AND #n1 = :v0)");
  ASSERT_TRUE(users.remove({"a", "b"}));
  EXPECT_EQ(r.calls[1].second.at("ConditionExpression"), "attribute_exists(#n0)");
}

struct TenantUser {
  std::string id{};
  std::string org{};
  std::string email{};
};
BOOST_DESCRIBE_STRUCT(TenantUser, (), (id, org, email))

Model<TenantUser> tenant_model() {
  return Model<TenantUser>("tenant_users").partition_key(&TenantUser::id, "PK").tenant(&TenantUser::org).global_index("by-email", &TenantUser::email);
}

TEST(Tenancy, KeysAreStoredWithTheTenantPrefix) {
  Recorder r;
  auto client = r.client();
  Table<TenantUser> all(client, tenant_model());
  EXPECT_EQ(all.get("1").error().code, "DynamORM.Validation");  // a scope is required
  EXPECT_FALSE(all.for_tenant("a#b"));
  EXPECT_FALSE(all.for_tenant(""));
  auto acme = all.for_tenant("acme").value();
  const auto saved = acme.put(TenantUser{.id = "1", .org = "other", .email = "e@x"}).value();
  EXPECT_EQ(saved.id, "1");
  EXPECT_EQ(saved.org, "acme");  // the scope wins over the value given
  EXPECT_EQ(json::serialize(r.calls[0].second.at("Item")),
            R"({"PK":{"S":"tenant#acme#1"},"email":{"S":"tenant#acme#e@x"},"org":{"S":"acme"}})");
  // Queries use the prefixed key and filter on the tenant.
  ASSERT_TRUE(acme.query("e@x", {.index = "by-email"}));
  const auto& q = r.calls[1].second;
  EXPECT_EQ(q.at("KeyConditionExpression"), "#n0 = :v0");
  EXPECT_EQ(json::serialize(q.at("ExpressionAttributeValues")), R"({":v0":{"S":"tenant#acme#e@x"},":v1":{"S":"acme"}})");
  EXPECT_EQ(q.at("FilterExpression"), "#n1 = :v1");
}

TEST(Tenancy, AnotherTenantsItemIsNeverReturned) {
  Recorder r;
  r.answers.push_back({200, R"({"Item":{"PK":{"S":"tenant#evil#1"},"org":{"S":"evil"}}})"});
  r.answers.push_back({200, R"({"Items":[{"PK":{"S":"tenant#evil#2"},"org":{"S":"evil"}},{"PK":{"S":"tenant#acme#3"},"org":{"S":"acme"}}]})"});
  auto client = r.client();
  auto acme = Table<TenantUser>(client, tenant_model()).for_tenant("acme").value();
  EXPECT_EQ(acme.get("1").error().code, "DynamORM.ItemNotFound");
  const auto page = acme.scan().value();
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, "3");
  // A cursor of another tenant is refused.
  const auto foreign = encode_cursor(Cursor{{{"PK", AttributeValue::string("tenant#evil#9")}}, std::nullopt, "ASC"});
  EXPECT_EQ(acme.query("x", {.cursor = foreign}).error().code, "DynamORM.Validation");
}

TEST(Query, CursorsCarryIndexAndOrderAndAreCheckedAgainstTheQuery) {
  Recorder r;
  r.answers.push_back({200, R"({"Items":[],"LastEvaluatedKey":{"PK":{"S":"USER#1"},"SK":{"S":"PROFILE"},"emailHash":{"S":"h"}}})"});
  auto client = r.client();
  Table<User> users(client, user_model());
  const auto page = users.query("h", {.index = "gsi-email", .limit = 1}).value();
  const auto cursor = decode_cursor(page.next_cursor).value();
  EXPECT_EQ(cursor.index, "gsi-email");
  EXPECT_EQ(cursor.sort, "ASC");
  EXPECT_EQ(users.query("h", {.index = "gsi-email", .descending = true, .cursor = page.next_cursor}).error().code, "DynamORM.Validation");
  EXPECT_EQ(users.query("h", {.cursor = page.next_cursor}).error().code, "DynamORM.Validation");
  ASSERT_TRUE(users.query("h", {.index = "gsi-email", .cursor = page.next_cursor}));
  EXPECT_EQ(json::serialize(r.calls.back().second.at("ExclusiveStartKey")),
            R"({"PK":{"S":"USER#1"},"SK":{"S":"PROFILE"},"emailHash":{"S":"h"}})");
  EXPECT_EQ(users.query("h", {.index = "nope"}).error().code, "DynamORM.Validation");
  EXPECT_EQ(users.query("h", {.index = "gsi-email", .sort_key = SortKey::eq(1)}).error().code, "DynamORM.Validation");
}

TEST(Transactions, CancellationReasonsKeepTheirRealIndex) {
  Recorder r;
  r.answers.push_back({400, R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"Transaction cancelled",
    "CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed"}]})"});
  auto client = r.client();
  Table<User> users(client, user_model());
  TransactWrite tx;
  tx.put(users, User{.pk = "a", .sk = "b"}).check(users, {"c", "d"}, attribute_exists("PK"));
  const auto result = tx.run(client, std::chrono::steady_clock::now() + std::chrono::seconds(1));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "DynamORM.TransactionCanceled");
  const auto reasons = cancellation_reasons(result.error());
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].index, 1u);
  EXPECT_EQ(reasons[0].code, "ConditionalCheckFailed");
  const auto& items = r.calls[0].second.at("TransactItems").as_array();
  EXPECT_TRUE(items[0].as_object().contains("Put"));
  EXPECT_TRUE(items[0].at("Put").at("Item").as_object().contains("version"));
  EXPECT_TRUE(items[1].as_object().contains("ConditionCheck"));
}

TEST(Transactions, DeprecatedCommitIsRun) {
  Recorder r;
  auto client = r.client();
  Table<User> users(client, user_model());
  TransactWrite tx;
  tx.put(users, User{.pk = "a", .sk = "b"});
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  ASSERT_TRUE(tx.commit(client, std::chrono::steady_clock::now() + std::chrono::seconds(1)));
#pragma GCC diagnostic pop
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].first, "TransactWriteItems");
  EXPECT_EQ(TransactWrite().run(client, std::chrono::steady_clock::now()).error().message, "empty transaction");
}

TEST(Errors, ThrottlingAndValidationAreTranslated) {
  Recorder r;
  r.answers.push_back({400, R"({"__type":"com.amazon.coral.validate#ValidationException","message":"Item size has exceeded the maximum allowed size"})"});
  auto client = r.client();
  Table<User> users(client, user_model());
  EXPECT_EQ(users.get({"a", "b"}).error().code, "DynamORM.Validation");
  EXPECT_EQ(from_dynamodb_error({"DynamoDB.ProvisionedThroughputExceeded", "slow", 400}).code, "DynamORM.Throttled");
  EXPECT_EQ(users.get("a").error().message, "missing sort key SK");
}

}  // namespace

namespace {

std::string aws_error(std::string_view type, std::string_view message) {
  return R"({"__type":"com.amazonaws.dynamodb.v20120810#)" + std::string(type) + R"(","message":")" + std::string(message) + "\"}";
}

// What the caller of a function sees must not depend on how the function was deployed: a
// table that is missing or unreachable is the function's fault (500), told in the log only.
TEST(Errors, ServerSideFaultsAre500WithAGenericMessageAndTheRealOneInTheLog) {
  const std::vector<std::pair<std::string, std::string>> faults = {
      {"ResourceNotFoundException", "Requested resource not found"},
      {"UnrecognizedClientException", "The security token included in the request is invalid."},
      {"AccessDeniedException", "User: arn:aws:sts::1:assumed-role/x is not authorized to perform: dynamodb:GetItem"},
      {"ValidationException", "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint"},
      {"ValidationException", "The provided key element does not match the schema"},
      {"ResourceInUseException", "Table is being deleted"},
  };
  for (const auto& [type, message] : faults) {
    Recorder r;
    r.answers.push_back({400, aws_error(type, message)});
    auto client = r.client();
    Table<User> users(client, user_model());
    ::testing::internal::CaptureStderr();
    const auto got = users.get({"a", "b"});
    const std::string log = ::testing::internal::GetCapturedStderr();
    ASSERT_FALSE(got) << type;
    EXPECT_EQ(got.error().code, "DynamORM.ServerFault") << type;
    EXPECT_EQ(got.error().status, 500) << type;
    EXPECT_EQ(got.error().message.find("users_contract"), std::string::npos) << got.error().message;
    EXPECT_EQ(got.error().message.find(message), std::string::npos) << got.error().message;
    // One JSON line naming the table, the operation and the real error.
    ASSERT_FALSE(log.empty()) << type;
    const auto line = json::parse(log).as_object();
    EXPECT_EQ(line.at("level"), "ERROR");
    EXPECT_EQ(line.at("table"), "users_contract");
    EXPECT_EQ(line.at("operation"), "GetItem");
    EXPECT_EQ(std::string(line.at("error_code").as_string()), "DynamoDB." + type.substr(0, type.size() - std::string_view("Exception").size()));
    EXPECT_EQ(std::string(line.at("error").as_string()), message);
  }
}

TEST(Errors, WhatTheCallersValueCausedStaysAClientError) {
  const std::vector<std::string> value_faults = {
      "Item size has exceeded the maximum allowed size",
      "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
      "Number overflow. Attempting to store a number with magnitude larger than supported range",
      "The provided starting key is invalid: The provided key element does not match the schema",
  };
  for (const auto& message : value_faults) {
    Recorder r;
    r.answers.push_back({400, aws_error("ValidationException", message)});
    auto client = r.client();
    Table<User> users(client, user_model());
    ::testing::internal::CaptureStderr();
    const auto put = users.put(User{.pk = "a", .sk = "b"});
    EXPECT_TRUE(::testing::internal::GetCapturedStderr().empty());
    ASSERT_FALSE(put);
    EXPECT_EQ(put.error().code, "DynamORM.Validation") << message;
    EXPECT_EQ(put.error().status, 400) << message;
  }
  EXPECT_EQ(from_dynamodb_error({"DynamoDB.TransactionConflict", "busy", 400}).status, 409);
  // DynamoDB's own failures keep their status and code, with the message kept for the log.
  ::testing::internal::CaptureStderr();
  const auto internal = from_dynamodb_error({"DynamoDB.InternalServerError", "Internal server error on host x", 500}, "t", "Query");
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("Internal server error on host x"), std::string::npos);
  EXPECT_EQ(internal.code, "DynamoDB.InternalServerError");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.message.find("host x"), std::string::npos);
}

}  // namespace

namespace mapper_table_test {

struct Shipment {
  std::string id{};
  std::string ship_status{};
  std::optional<std::string> carrier_note{};
  std::optional<std::chrono::system_clock::time_point> expires_at{};
  std::vector<std::string> events{};
  std::set<std::string> labels{};
  std::int64_t version = 0;
};
BOOST_DESCRIBE_STRUCT(Shipment, (), (id, ship_status, carrier_note, expires_at, events, labels, version))

}  // namespace mapper_table_test

namespace {

using mapper_table_test::Shipment;

Model<Shipment> shipment_model() {
  return Model<Shipment>("shipments").partition_key(&Shipment::id, "PK").ttl(&Shipment::expires_at).version(&Shipment::version);
}

const std::string kShipment = R"({"Attributes":{"PK":{"S":"s1"},"shipStatus":{"S":"shipped"},"version":{"N":"2"}}})";

// The trap: models name attributes in camelCase, so a member name in a string path would write
// an attribute the model never reads, and the update would report success.
TEST(Updates, AStringPathThatNamesNoAttributeIsRefusedNamingTheOneMeant) {
  Recorder r;
  auto client = r.client();
  Table<Shipment> shipments(client, shipment_model());
  const auto wrong = shipments.update("s1", Update().set("ship_status", "shipped"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "DynamORM.Validation");
  EXPECT_EQ(wrong.error().status, 400);
  EXPECT_EQ(wrong.error().message, "ship_status is not an attribute of table shipments (did you mean shipStatus?)");
  EXPECT_TRUE(r.calls.empty());  // nothing was sent
  // Nested paths are checked on their first segment; a typo far from any name lists them all.
  const auto nested = shipments.update("s1", Update().set("carrier_notes.text", "x"));
  EXPECT_NE(nested.error().message.find("did you mean carrierNote?"), std::string::npos) << nested.error().message;
  const auto unknown = shipments.update("s1", Update().remove("zzz"));
  EXPECT_NE(unknown.error().message.find("its attributes: PK, shipStatus, carrierNote, expiresAt, events, labels, version"),
            std::string::npos)
      << unknown.error().message;
  // Conditions, filters and projections name attributes the same way.
  EXPECT_EQ(shipments.remove("s1", std::nullopt, attr("ship_status") == "new").error().code, "DynamORM.Validation");
  EXPECT_EQ(shipments.scan({.filter = attr("ship_status") == "new"}).error().code, "DynamORM.Validation");
  EXPECT_EQ(shipments.query("s1", {.projection = {"ship_status"}}).error().code, "DynamORM.Validation");
  EXPECT_TRUE(r.calls.empty());
  // update(item, fields) names fields as an Update does.
  EXPECT_EQ(shipments.update(Shipment{.id = "s1", .ship_status = "shipped", .version = 1}, {"ship_status"}).error().message,
            "ship_status is not an attribute of table shipments (did you mean shipStatus?)");
  EXPECT_TRUE(r.calls.empty());
}

TEST(Updates, TypedFormsTakeTheModelsNamesAndConversions) {
  Recorder r;
  r.answers.push_back({200, kShipment});
  auto client = r.client();
  Table<Shipment> shipments(client, shipment_model());
  const auto expires = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  const auto updated = shipments.update("s1", Update()
                                                  .set(&Shipment::ship_status, "shipped")
                                                  .set(&Shipment::expires_at, expires)        // a TTL: epoch seconds
                                                  .set(&Shipment::carrier_note, std::nullopt)  // empty: REMOVE
                                                  .append(&Shipment::events, {"left the depot"})
                                                  .add(&Shipment::labels, {"fragile"})
                                                  .delete_from_set(&Shipment::labels, {})  // nothing to delete
                                                  .set(raw("legacy_flag"), true));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->ship_status, "shipped");
  const auto& body = r.calls.at(0).second;
  EXPECT_EQ(body.at("UpdateExpression"),
            "SET #n0 = :v0, #n1 = :v1, #n3 = list_append(if_not_exists(#n3, :v2), :v3), #n5 = :v5 REMOVE #n2 ADD #n4 :v4, #n6 :v6");
  EXPECT_EQ(json::serialize(body.at("ExpressionAttributeNames")),
            R"({"#n0":"shipStatus","#n1":"expiresAt","#n2":"carrierNote","#n3":"events","#n4":"labels","#n5":"legacy_flag","#n6":"version","#n7":"PK"})");
  const auto& values = body.at("ExpressionAttributeValues");
  EXPECT_EQ(json::serialize(values.at(":v1")), R"({"N":"1700000000"})");
  EXPECT_EQ(json::serialize(values.at(":v3")), R"({"L":[{"S":"left the depot"}]})");
  EXPECT_EQ(json::serialize(values.at(":v4")), R"({"SS":["fragile"]})");

  // Conditions take members too; fields of update(item, fields) are members or attribute names.
  ASSERT_TRUE(shipments.remove("s1", std::nullopt, attr(&Shipment::ship_status) == "new"));
  EXPECT_EQ(json::serialize(r.calls.at(1).second.at("ExpressionAttributeNames")), R"({"#n0":"PK","#n1":"shipStatus"})");
  r.answers.push_back({200, kShipment});
  r.answers.push_back({200, kShipment});
  const Shipment s{.id = "s1", .ship_status = "shipped", .version = 1};
  ASSERT_TRUE(shipments.update(s, {&Shipment::ship_status}));
  ASSERT_TRUE(shipments.update(s, {"shipStatus"}));
  EXPECT_EQ(r.calls.at(2).second.at("UpdateExpression"), r.calls.at(3).second.at("UpdateExpression"));
  EXPECT_EQ(r.calls.at(2).second.at("ExpressionAttributeNames").at("#n0"), "shipStatus");

  // A member of another type is refused.
  EXPECT_EQ(shipments.update("s1", Update().set(&User::nickname, "x")).error().code, "DynamORM.Validation");
  // A rename is followed by the typed forms.
  Table<Shipment> renamed(client, shipment_model().rename(&Shipment::ship_status, "state"));
  r.answers.push_back({200, kShipment});
  ASSERT_TRUE(renamed.update("s1", Update().set(&Shipment::ship_status, "lost")));
  EXPECT_EQ(r.calls.back().second.at("ExpressionAttributeNames").at("#n0"), "state");
  EXPECT_EQ(renamed.update("s1", Update().set("shipStatus", "lost")).error().message,
            "shipStatus is not an attribute of table shipments (did you mean state?)");
}

}  // namespace

namespace {

// A client could rewrite an unsigned cursor to start anywhere in its own data; a table with a
// cursor key accepts only the cursors it signed.
TEST(Cursor, ASignedTableRefusesChangedForgedAndUnsignedCursors) {
  Recorder r;
  r.answers.push_back({200, R"({"Items":[],"LastEvaluatedKey":{"PK":{"S":"USER#1"},"SK":{"S":"PROFILE"}}})"});
  auto client = r.client();
  const auto users = Table<User>(client, user_model()).with_cursor_key(std::string(32, 'k'));
  const auto page = users.query("USER#1", {.limit = 1}).value();
  // The Go SDK's cursor text, then its signature.
  const auto dot = page.next_cursor.rfind('.');
  ASSERT_NE(dot, std::string::npos) << page.next_cursor;
  const auto plain = page.next_cursor.substr(0, dot);
  EXPECT_EQ(decode_cursor(plain).value().last_key.at("SK"), AttributeValue::string("PROFILE"));
  EXPECT_EQ(verify_cursor(page.next_cursor, std::string(32, 'k')).value(), plain);
  ASSERT_TRUE(users.query("USER#1", {.cursor = page.next_cursor}));
  EXPECT_EQ(json::serialize(r.calls.back().second.at("ExclusiveStartKey")), R"({"PK":{"S":"USER#1"},"SK":{"S":"PROFILE"}})");

  const auto forged = encode_cursor(Cursor{{{"PK", AttributeValue::string("USER#1")}, {"SK", AttributeValue::string("ZZZ")}}, std::nullopt, "ASC"});
  const std::vector<std::string> refused = {
      forged,                                                        // unsigned
      forged + page.next_cursor.substr(dot),                         // another cursor's signature
      page.next_cursor + "A",                                        // a changed signature
      plain + "." + lift::base64::encode_url(std::string(32, '\0')),  // a made-up one
      sign_cursor(forged, std::string(32, 'o')),                     // another key's
      "",
  };
  const auto calls = r.calls.size();
  for (const auto& cursor : refused) {
    if (cursor.empty()) continue;
    const auto answer = users.query("USER#1", {.cursor = cursor});
    ASSERT_FALSE(answer) << cursor;
    EXPECT_EQ(answer.error().code, "DynamORM.Validation");
    EXPECT_EQ(answer.error().status, 400);
    EXPECT_TRUE(answer.error().message.starts_with("invalid cursor")) << answer.error().message;
  }
  EXPECT_EQ(r.calls.size(), calls);  // none was sent
  // Without a key, cursors stay the Go SDK's text (the golden test above); a signed one is refused.
  EXPECT_EQ(Table<User>(client, user_model()).query("USER#1", {.cursor = page.next_cursor}).error().code, "DynamORM.Validation");
}

}  // namespace
