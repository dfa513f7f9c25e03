// The parts of idempotency that need no DynamoDB backend of their own: the key's JSON and hash
// (checked against Node's crypto and JSON.stringify, which Powertools uses), the reading of stored
// records, the options refused at start-up, and the middleware over the embedded engine.

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include <boost/json.hpp>

#include "lift/app/app.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/idempotency/idempotency.hpp"
#include "lift/idempotency/middleware.hpp"
#include "lift/testing/invoke.hpp"

namespace {

namespace idem = lift::idempotency;

// Expected values from Node: JSON.stringify over deep-sorted keys, then
// createHash('md5').update(text).digest('base64'), as Powertools' BasePersistenceLayer does.
TEST(IdempotencyKey, TheKeyIsWrittenAndHashedAsPowertoolsDoes) {
  EXPECT_EQ(idem::canonical_json(boost::json::value("order-1")), R"("order-1")");
  EXPECT_EQ(idem::hash(R"("order-1")"), "cpBAgW9zMMTLMfVKVvWaew==");
  const auto nested = boost::json::parse("{\"b\":[1,2.5,{\"z\":null,\"a\":true}],\"a\":\"x\\ny\\t\\\"\\u0001\xc3\xa9\"}");
  const auto text = idem::canonical_json(nested);
  EXPECT_EQ(text, "{\"a\":\"x\\ny\\t\\\"\\u0001\xc3\xa9\",\"b\":[1,2.5,{\"a\":true,\"z\":null}]}");
  EXPECT_EQ(idem::hash(text), "Ixoi056B4VNv6NHR6UhZRg==");
  EXPECT_EQ(idem::hash(idem::canonical_json(boost::json::parse(R"(["o-1","c"])"))), "l0BLtkledMM7oJfv9umdUA==");
  EXPECT_EQ(idem::canonical_json(boost::json::value(0.1)), "0.1");
  EXPECT_EQ(idem::canonical_json(boost::json::value(1e21)), "1e+21");
}

TEST(IdempotencyKey, TheIdIsThePrefixTheScopeAndTheHash) {
  lift::dynamorm::MemoryEngine engine;
  auto client = lift::aws::DynamoDbClient::create({.transport = lift::dynamorm::memory_transport(engine)});
  ASSERT_TRUE(client);
  auto idempotency = idem::Idempotency::create(*client, {.table = "idem", .key_prefix = "payments"});
  ASSERT_TRUE(idempotency);
  EXPECT_EQ(idempotency->record_id("", "order-1"), "payments#cpBAgW9zMMTLMfVKVvWaew==");
  EXPECT_EQ(idempotency->record_id("charge", "order-1"), "payments.charge#cpBAgW9zMMTLMfVKVvWaew==");
}

TEST(IdempotencyOptions, OptionsThatCannotWorkAreRefusedAtStartUp) {
  lift::dynamorm::MemoryEngine engine;
  auto client = lift::aws::DynamoDbClient::create({.transport = lift::dynamorm::memory_transport(engine)});
  ASSERT_TRUE(client);
  const auto refused = [&](idem::Options options, std::string_view field) {
    auto made = idem::Idempotency::create(*client, std::move(options));
    ASSERT_FALSE(made) << field;
    EXPECT_EQ(made.error().code, "InvalidConfiguration");
    ASSERT_FALSE(made.error().details.empty());
    EXPECT_EQ(made.error().details[0].field, field);
  };
  refused({}, "table");
  refused({.table = "t"}, "table");
  refused({.table = "orders table"}, "table");
  refused({.table = "idem", .expires_after = std::chrono::seconds(0)}, "expires_after");
  refused({.table = "idem", .max_key_bytes = 0}, "max_key_bytes");
  refused({.table = "idem", .key_prefix = "a#b"}, "key_prefix");
  auto idempotency = idem::Idempotency::create(*client, {.table = "idem"});
  ASSERT_TRUE(idempotency);
  EXPECT_FALSE(idem::make_middleware(*idempotency, {.key_pointers = {"order"}}));
  EXPECT_FALSE(idem::make_middleware(*idempotency, {.header = ""}));
  EXPECT_THROW((void)idem::middleware(*idempotency, {.key_pointers = {"order"}}), lift::Error);
}

TEST(IdempotencyRecord, StoredRecordsAreReadOrRefusedAsDamaged) {
  auto record = idem::Store::parse(boost::json::parse(R"({"id":{"S":"f#h"},"status":{"S":"COMPLETED"},"expiration":{"N":"1700000000"},
      "data":{"S":"{\"a\":1}"},"validation":{"S":"v"}})").as_object());
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->id, "f#h");
  EXPECT_EQ(record->expiration, 1700000000);
  EXPECT_EQ(record->data, R"({"a":1})");
  EXPECT_EQ(record->validation, "v");
  EXPECT_FALSE(record->in_progress_expiration);
  auto lock = idem::Store::parse(boost::json::parse(
      R"({"id":{"S":"f#h"},"status":{"S":"INPROGRESS"},"expiration":{"N":"1700000000"},"in_progress_expiration":{"N":"1700000000123"}})").as_object());
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->in_progress_expiration, 1700000000123);
  // Powertools for TypeScript stores the answer as a map: read back as JSON text.
  auto from_node = idem::Store::parse(boost::json::parse(R"({"id":{"S":"f#h"},"status":{"S":"COMPLETED"},"expiration":{"N":"1"},
      "data":{"M":{"ok":{"BOOL":true},"n":{"N":"1.5"},"l":{"L":[{"NULL":true},{"S":"x"}]}}}})").as_object());
  ASSERT_TRUE(from_node) << from_node.error().message;
  EXPECT_EQ(boost::json::parse(*from_node->data), boost::json::parse(R"({"ok":true,"n":1.5,"l":[null,"x"]})"));
  for (const char* damaged : {
           R"({"id":{"S":"f#h"},"status":{"S":"COMPLETED"},"expiration":{"N":"1"},"data":{"SS":["a"]}})",
           R"({"id":{"S":"f#h"},"status":{"S":"COMPLETED"},"expiration":{"N":"1"},"data":{"M":{"n":{"N":"x"}}}})",
           R"({"status":{"S":"COMPLETED"},"expiration":{"N":"1"},"data":{"S":"1"}})",
           R"({"id":{"S":"f#h"},"status":{"S":"EXPIRED"},"expiration":{"N":"1"}})",
           R"({"id":{"S":"f#h"},"status":{"S":"COMPLETED"},"expiration":{"N":"1"}})",
           R"({"id":{"S":"f#h"},"status":{"S":"INPROGRESS"},"expiration":{"S":"soon"}})",
           R"({"id":{"S":"f#h"},"status":{"S":"INPROGRESS"},"expiration":{"N":"1.5"}})",
           R"({"id":{"S":"f#h"},"status":{"S":"INPROGRESS"},"expiration":{"N":"1"},"in_progress_expiration":{"N":"x"}})",
           R"({"id":{"N":"1"},"status":{"S":"INPROGRESS"},"expiration":{"N":"1"}})",
           R"({"id":{"S":"f#h"},"status":{"S":"INPROGRESS"},"expiration":{"N":"1"},"validation":{"B":"AA=="}})",
       }) {
    auto parsed = idem::Store::parse(boost::json::parse(damaged).as_object());
    ASSERT_FALSE(parsed) << damaged;
    EXPECT_EQ(parsed.error().code, idem::kStoreError) << damaged;
    EXPECT_EQ(parsed.error().status, 500) << damaged;
  }
}

TEST(IdempotencyRecord, TheItemSizeCountsNamesAndValues) {
  idem::Record record{.id = "f#h", .status = "COMPLETED", .expiration = 1, .data = std::string(1000, 'x'), .validation = "v"};
  const auto bytes = idem::Store::item_bytes(record);
  EXPECT_GE(bytes, 1000U + 4 + 10);
  EXPECT_LE(bytes, 1000U + 200);
}

// A damaged stored answer of an HTTP route is refused (500), never run again.
TEST(IdempotencyMiddleware, ADamagedStoredAnswerIsA500AndTheHandlerDoesNotRun) {
  lift::dynamorm::MemoryEngine engine;
  auto client = lift::aws::DynamoDbClient::create({.transport = lift::dynamorm::memory_transport(engine)});
  ASSERT_TRUE(client);
  auto idempotency = idem::Idempotency::create(*client, {.table = "idem", .create_table = true, .log = nullptr});
  ASSERT_TRUE(idempotency);
  auto made = idempotency->store().create_table(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(made) << made.error().code << ": " << made.error().message;
  const auto expiration = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 60);
  auto put = client->put_item({{"TableName", "idem"},
                               {"Item",
                                {{"id", {{"S", idempotency->record_id("POST /orders", "k")}}},
                                 {"status", {{"S", "COMPLETED"}}},
                                 {"expiration", {{"N", expiration}}},
                                 {"data", {{"S", R"({"statusCode":"oops"})"}}}}}},
                              std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(put) << put.error().message;
  std::atomic<int> runs{0};
  lift::App app;
  app.use(idem::middleware(*idempotency));
  app.post("/orders", [&](lift::Context&) {
    ++runs;
    return std::string("made");
  });
  const auto answer = lift::testing::http(app).request("POST", "/orders", "{}", "application/json", {{"Idempotency-Key", "k"}});
  EXPECT_EQ(answer.status, 500);
  EXPECT_NE(answer.body.find(idem::kStoreError), std::string::npos) << answer.body;
  EXPECT_EQ(runs.load(), 0);
}

TEST(IdempotencyMiddleware, BinaryAnswersAndRepeatedHeadersReplayAsTheyWere) {
  lift::dynamorm::MemoryEngine engine;
  auto client = lift::aws::DynamoDbClient::create({.transport = lift::dynamorm::memory_transport(engine)});
  ASSERT_TRUE(client);
  auto idempotency = idem::Idempotency::create(*client, {.table = "idem", .local_cache_size = 0, .create_table = true, .log = nullptr});
  ASSERT_TRUE(idempotency);
  int runs = 0;
  lift::App app;
  app.use(idem::middleware(*idempotency));
  app.post("/bytes", [&](lift::Context&) {
    ++runs;
    return lift::http::Response::bytes(201, std::string("\x00\xff\x01", 3)).header("Link", "<a>").header("Link", "<b>");
  });
  const auto http = lift::testing::http(app);
  const auto first = http.request("POST", "/bytes", "x", "text/plain", {{"Idempotency-Key", "k"}});
  const auto again = http.request("POST", "/bytes", "x", "text/plain", {{"Idempotency-Key", "k"}});
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, std::string("\x00\xff\x01", 3));
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers.all("link"), first.headers.all("link"));
  EXPECT_EQ(again.headers.get("x-idempotent-replay"), "true");
}

}  // namespace
