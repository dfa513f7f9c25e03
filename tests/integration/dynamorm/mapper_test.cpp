// The DynamORM mapper end to end, through lift's DynamoDB client, against (a) the embedded
// engine and (b) dynalite (npm, started on 127.0.0.1 on a free port; skipped when Node.js or
// node_modules/dynalite is missing). Each case creates its own tables under a fresh name.
// Transactions run on the engine only: dynalite answers UnknownOperation to them.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/core/base64.hpp"
#include "lift/dynamorm/encryption.hpp"
#include "lift/dynamorm/kms_key_provider.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/dynamorm/table.hpp"
#include "fake_kms.hpp"
#include "support/dynalite.hpp"
#include "support/local_server.hpp"
#include "support/requirements.hpp"

namespace mapper_it {

struct Order {
  std::string customer{};
  std::string id{};
  std::string status{};
  std::int64_t amount = 0;
  std::set<std::string> tags{};
  std::optional<std::string> note{};
  std::int64_t version = 0;
  std::chrono::system_clock::time_point created_at{};
  std::chrono::system_clock::time_point updated_at{};
};
BOOST_DESCRIBE_STRUCT(Order, (), (customer, id, status, amount, tags, note, version, created_at, updated_at))

struct Note {
  std::string org{};
  std::string id{};
  std::string text{};
};
BOOST_DESCRIBE_STRUCT(Note, (), (org, id, text))

// The contract's User model (dms/v0.1/models/user.yml).
struct User {
  std::string PK{};
  std::string SK{};
  std::string email_hash{};
  std::string nickname{};
  std::set<std::string> tags{};
  std::chrono::system_clock::time_point created_at{};
  std::chrono::system_clock::time_point updated_at{};
  std::int64_t version = 0;
  std::optional<std::chrono::system_clock::time_point> ttl{};
};
BOOST_DESCRIBE_STRUCT(User, (), (PK, SK, email_hash, nickname, tags, created_at, updated_at, version, ttl))

// A record with encrypted members.
struct Patient {
  std::string id{};
  std::string ward{};
  std::string diagnosis{};
  std::optional<std::vector<std::string>> medications{};
  std::int64_t version = 0;
};
BOOST_DESCRIBE_STRUCT(Patient, (), (id, ward, diagnosis, medications, version))

}  // namespace mapper_it

namespace {

using namespace lift::dynamorm;
using namespace std::chrono_literals;
using mapper_it::Note;
using mapper_it::Order;
using mapper_it::Patient;

enum class Backend { engine, dynalite };

int table_counter = 0;  // fresh table names per case, so dynalite needs no cleanup

class Mapper : public ::testing::TestWithParam<Backend> {
 protected:
  static void TearDownTestSuite() { dynalite_.reset(); }

  void SetUp() override {
    lift::aws::DynamoDbOptions options;
    options.region = "us-east-1";
    if (GetParam() == Backend::engine) {
      engine_ = std::make_unique<MemoryEngine>();
      options.transport = memory_transport(*engine_);
    } else {
      if (!dynalite_) dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR);
      if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << "dynalite: " << dynalite_->why_unavailable();
      options.endpoint = dynalite_->endpoint();
      lift::aws::HttpClientOptions http;
      http.proxy = "";
      options.http = std::make_shared<lift::aws::HttpClient>(http);
    }
    auto client = lift::aws::DynamoDbClient::create(std::move(options));
    ASSERT_TRUE(client) << client.error().message;
    client_ = std::make_unique<lift::aws::DynamoDbClient>(std::move(*client));
    suffix_ = std::to_string(++table_counter);
  }

  Model<Order> order_model() const {
    return Model<Order>("orders_" + suffix_)
        .partition_key(&Order::customer, "PK")
        .sort_key(&Order::id, "SK")
        .version(&Order::version)
        .created_at(&Order::created_at)
        .updated_at(&Order::updated_at)
        .global_index("by-status", &Order::status, &Order::created_at);
  }

  Table<Order> orders() {
    Table<Order> t(*client_, order_model());
    auto created = t.create_table();
    EXPECT_TRUE(created) << created.error().message;
    return t;
  }

  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
  std::unique_ptr<MemoryEngine> engine_;
  std::unique_ptr<lift::aws::DynamoDbClient> client_;
  std::string suffix_;
};

Order order(std::string customer, std::string id, std::string status = "open", std::int64_t amount = 1) {
  Order o;
  o.customer = std::move(customer);
  o.id = std::move(id);
  o.status = std::move(status);
  o.amount = amount;
  return o;
}

TEST_P(Mapper, Crud) {
  auto t = orders();
  auto o = order("c1", "o1", "open", 42);
  o.tags = {"a", "b"};
  const auto created = t.create(o);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(t.create(o).error().code, "DynamORM.ConditionFailed");

  auto got = t.get({"c1", "o1"}, true);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->amount, 42);
  EXPECT_EQ(got->tags, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(got->created_at, created->created_at);
  EXPECT_FALSE(got->note);

  got->note = "hello";
  got->amount = 43;
  const auto updated = t.update(*got, {"note", "amount"});
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->note, "hello");
  EXPECT_EQ(updated->created_at, created->created_at);
  EXPECT_GE(updated->updated_at, created->updated_at);

  // A full update: every non-key field; an empty optional is removed.
  auto full = *updated;
  full.note.reset();
  full.status = "done";
  const auto replaced = t.update(full);
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(replaced->version, 3);
  EXPECT_FALSE(replaced->note);
  EXPECT_EQ(replaced->status, "done");

  // An update expression: atomic counter and set members.
  const auto counted = t.update({"c1", "o1"}, Update().increment("amount", 10).add("tags", AttributeValue::string_set({"c"})));
  ASSERT_TRUE(counted) << counted.error().message;
  EXPECT_EQ(counted->amount, 53);
  EXPECT_EQ(counted->tags.size(), 3u);
  EXPECT_EQ(counted->version, 4);

  ASSERT_TRUE(t.remove({"c1", "o1"}));
  EXPECT_EQ(t.get({"c1", "o1"}, true).error().code, "DynamORM.ItemNotFound");
  EXPECT_EQ(t.remove({"c1", "o1"}).error().code, "DynamORM.ItemNotFound");
  EXPECT_EQ(t.update(full).error().code, "DynamORM.ItemNotFound");
}

TEST_P(Mapper, CreateRefusesAnExistingKeyAndPutOverwritesIt) {
  auto t = orders();
  const auto first = t.create(order("c1", "o1", "open", 1));
  ASSERT_TRUE(first) << first.error().message;
  const auto again = t.create(order("c1", "o1", "done", 2));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "DynamORM.ConditionFailed");
  EXPECT_EQ(again.error().status, 409);
  auto stored = t.get({"c1", "o1"}, true).value();  // untouched by the refused create
  EXPECT_EQ(stored.status, "open");
  EXPECT_EQ(stored.amount, 1);
  EXPECT_EQ(stored.created_at, first->created_at);

  const auto upsert = t.put(order("c1", "o1", "done", 2));
  ASSERT_TRUE(upsert) << upsert.error().message;
  stored = t.get({"c1", "o1"}, true).value();
  EXPECT_EQ(stored.status, "done");
  EXPECT_EQ(stored.amount, 2);
  ASSERT_TRUE(t.put(order("c1", "o2")));  // and a put of a new key writes it
  EXPECT_EQ(t.put(order("c1", "o2"), {.if_not_exists = true}).error().code, "DynamORM.ConditionFailed");

  // The key checked is the stored one: each tenant has its own "n1".
  const auto model = Model<Note>("notes_" + suffix_).partition_key(&Note::id, "PK").tenant(&Note::org);
  Table<Note> notes(*client_, model);
  ASSERT_TRUE(notes.create_table());
  ASSERT_TRUE(notes.for_tenant("acme")->create(Note{"", "n1", "a"}));
  ASSERT_TRUE(notes.for_tenant("evil")->create(Note{"", "n1", "e"}));
  EXPECT_EQ(notes.for_tenant("acme")->create(Note{"", "n1", "b"}).error().code, "DynamORM.ConditionFailed");
  EXPECT_EQ(notes.for_tenant("acme")->get("n1", true).value().text, "a");
}

TEST_P(Mapper, ConditionalWritesAndOptimisticLocking) {
  auto t = orders();
  ASSERT_TRUE(t.put(order("c1", "o1", "open", 5)));
  auto a = t.get({"c1", "o1"}, true).value();
  auto b = a;
  a.amount = 6;
  ASSERT_TRUE(t.update(a, {"amount"}));
  b.amount = 7;  // b holds version 1, the table now 2
  EXPECT_EQ(t.update(b, {"amount"}).error().code, "DynamORM.ConditionFailed");
  EXPECT_EQ(t.remove({"c1", "o1"}, 1).error().code, "DynamORM.ConditionFailed");
  EXPECT_EQ(t.update({"c1", "o1"}, Update().set("status", "x"), 1).error().code, "DynamORM.ConditionFailed");
  EXPECT_EQ(t.get({"c1", "o1"}, true).value().amount, 6);
  // Callers' conditions.
  EXPECT_EQ(t.put(order("c1", "o1"), {.condition = attr("amount") > 100}).error().code, "DynamORM.ConditionFailed");
  ASSERT_TRUE(t.put(order("c1", "o1", "open", 8), {.condition = attr("amount") == 6}));
  EXPECT_EQ(t.update({"c1", "o1"}, Update().set("note", "n"), std::nullopt, attr("status") == "done").error().code,
            "DynamORM.ConditionFailed");
  ASSERT_TRUE(t.remove({"c1", "o1"}, 1));  // the put wrote version 1 again
}

TEST_P(Mapper, QueryWithIndexAndCursorPagination) {
  auto t = orders();
  for (int i = 0; i < 23; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "o%02d", i);
    ASSERT_TRUE(t.put(order("c1", id, i % 2 == 0 ? "open" : "done", i)));
  }
  ASSERT_TRUE(t.put(order("c2", "x", "open", 100)));

  // Table partition, ascending, pages of 5.
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = t.query("c1", {.limit = 5, .cursor = cursor});
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& o : page->items) seen.push_back(o.id);
    cursor = page->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 20);
  ASSERT_EQ(seen.size(), 23u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_GE(pages, 5);

  // Descending with a sort-key condition, filter and projection.
  auto page = t.query("c1", {.sort_key = SortKey::begins_with("o1"), .filter = attr("amount") >= 12, .descending = true});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 8u);  // o12..o19
  EXPECT_EQ(page->items.front().id, "o19");

  // The GSI: open orders of every customer, by creation time, in pages of 4.
  std::vector<std::string> open;
  cursor.clear();
  pages = 0;
  do {
    auto p = t.query("open", {.index = "by-status", .limit = 4, .cursor = cursor});
    ASSERT_TRUE(p) << p.error().message;
    for (const auto& o : p->items) open.push_back(o.customer + "/" + o.id);
    cursor = p->next_cursor;
    ++pages;
  } while (!cursor.empty() && pages < 20);
  EXPECT_EQ(open.size(), 13u);
  EXPECT_GE(pages, 4);
  // A cursor of the GSI is refused by the table query.
  auto first = t.query("open", {.index = "by-status", .limit = 2}).value();
  EXPECT_EQ(t.query("c1", {.cursor = first.next_cursor}).error().code, "DynamORM.Validation");

  // Projection keeps only what was asked for.
  auto projected = t.query("c2", {.projection = {"PK", "SK", "amount"}}).value();
  ASSERT_EQ(projected.items.size(), 1u);
  EXPECT_EQ(projected.items[0].amount, 100);
  EXPECT_EQ(projected.items[0].status, "");

  EXPECT_EQ(t.count("c1").value(), 23);
  EXPECT_EQ(t.count("c1", {.filter = attr("status") == "done"}).value(), 11);
  EXPECT_EQ(t.count_all().value(), 24);
  auto scanned = t.scan({.filter = attr("amount") > 20}).value();
  EXPECT_EQ(scanned.items.size(), 3u);  // 21, 22, 100
}

TEST_P(Mapper, BatchesOfMoreThan25) {
  auto t = orders();
  std::vector<Order> many;
  std::vector<Key> keys;
  for (int i = 0; i < 60; ++i) {
    many.push_back(order("batch", "o" + std::to_string(i), "open", i));
    keys.emplace_back("batch", "o" + std::to_string(i));
  }
  ASSERT_TRUE(t.batch_put(many));
  EXPECT_EQ(t.count("batch").value(), 60);
  keys.emplace_back("batch", "missing");
  keys.emplace_back("batch", "o1");  // repeated keys are read once
  auto got = t.batch_get(keys, true);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->size(), 60u);
  for (const auto& o : *got) EXPECT_EQ(o.version, 1);
  keys.erase(keys.begin() + 30, keys.end());
  ASSERT_TRUE(t.batch_delete(keys));
  EXPECT_EQ(t.count("batch").value(), 30);
}

TEST_P(Mapper, ATenantNeverSeesAnotherTenantsItems) {
  const auto model = Model<Note>("notes_" + suffix_).partition_key(&Note::id, "PK").tenant(&Note::org).global_index("by-text", &Note::text);
  Table<Note> all(*client_, model);
  ASSERT_TRUE(all.create_table());
  auto acme = all.for_tenant("acme").value();
  auto evil = all.for_tenant("evil").value();
  ASSERT_TRUE(acme.put(Note{"", "n1", "secret"}));
  ASSERT_TRUE(acme.put(Note{"", "n2", "plans"}));
  ASSERT_TRUE(evil.put(Note{"", "e1", "secret"}));

  EXPECT_EQ(acme.get("n1", true).value().text, "secret");
  EXPECT_EQ(evil.get("n1", true).error().code, "DynamORM.ItemNotFound");
  EXPECT_EQ(evil.remove("n1").error().code, "DynamORM.ItemNotFound");
  EXPECT_EQ(evil.update({"n1"}, Update().set("org", "evil")).error().code, "DynamORM.Validation");
  EXPECT_EQ(evil.update(Note{"", "n1", "mine now"}).error().code, "DynamORM.ItemNotFound");
  EXPECT_EQ(acme.get("n1", true).value().text, "secret");

  auto mine = acme.scan().value();
  EXPECT_EQ(mine.items.size(), 2u);
  for (const auto& n : mine.items) EXPECT_EQ(n.org, "acme");
  EXPECT_EQ(evil.scan().value().items.size(), 1u);
  EXPECT_EQ(evil.query("secret", {.index = "by-text"}).value().items.size(), 1u);
  EXPECT_EQ(evil.query("secret", {.index = "by-text"}).value().items[0].id, "e1");
  EXPECT_EQ(acme.count_all().value(), 2);
  auto both = acme.batch_get({"n1", "n2", "e1"}).value();
  EXPECT_EQ(both.size(), 2u);
}

TEST_P(Mapper, Transactions) {
  if (GetParam() == Backend::dynalite) GTEST_SKIP() << "dynalite has no transactions";
  auto t = orders();
  ASSERT_TRUE(t.put(order("c1", "o1", "open", 1)));
  ASSERT_TRUE(t.put(order("c1", "o0", "open", 1)));
  const auto d = std::chrono::steady_clock::now() + 5s;
  TransactWrite ok;
  ok.put(t, order("c1", "o2")).update(t, {"c1", "o1"}, Update().set("status", "done"), 1).check(t, {"c1", "o0"}, attribute_exists("PK"));
  auto committed = ok.run(*client_, d);
  ASSERT_TRUE(committed) << committed.error().message;
  EXPECT_EQ(t.get({"c1", "o1"}, true).value().version, 2);

  TransactWrite stale;
  stale.put(t, order("c1", "o3")).remove(t, {"c1", "o1"}, 1);
  const auto failed = stale.run(*client_, d);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "DynamORM.TransactionCanceled");
  const auto reasons = cancellation_reasons(failed.error());
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].index, 1u);
  EXPECT_EQ(reasons[0].code, "ConditionalCheckFailed");
  EXPECT_EQ(t.get({"c1", "o3"}, true).error().code, "DynamORM.ItemNotFound");  // all or nothing

  TransactWrite duplicate;  // create in a transaction refuses an existing key as Table::create does
  duplicate.create(t, order("c1", "o4")).create(t, order("c1", "o0"));
  const auto refused = duplicate.run(*client_, d);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "DynamORM.TransactionCanceled");
  ASSERT_EQ(cancellation_reasons(refused.error()).size(), 1u);
  EXPECT_EQ(cancellation_reasons(refused.error())[0].index, 1u);
  EXPECT_EQ(t.get({"c1", "o4"}, true).error().code, "DynamORM.ItemNotFound");
  TransactWrite fresh;
  fresh.create(t, order("c1", "o4"));
  ASSERT_TRUE(fresh.run(*client_, d));

  TransactGet read;
  read.get(t, {"c1", "o1"}).get(t, {"c1", "nope"});
  auto items = read.run(*client_, d);
  ASSERT_TRUE(items) << items.error().message;
  ASSERT_EQ(items->size(), 2u);
  ASSERT_TRUE((*items)[0]);
  EXPECT_EQ(t.from_item(*(*items)[0]).value().status, "done");
  EXPECT_FALSE((*items)[1]);
}

// The contract's p0 scenarios (scenarios/p0/01, 02, 05), step by step, with DMS's initial
// version 0.
TEST_P(Mapper, DmsP0Scenarios) {
  using mapper_it::User;
  const auto model = Model<User>("users_contract_" + suffix_)
                         .partition_key(&User::PK)
                         .sort_key(&User::SK)
                         .omit_empty(&User::nickname)
                         .created_at(&User::created_at)
                         .updated_at(&User::updated_at)
                         .version(&User::version)
                         .ttl(&User::ttl)
                         .initial_version(0)
                         .global_index("gsi-email", &User::email_hash);
  Table<User> users(*client_, model);
  ASSERT_TRUE(users.create_table());
  // 01-crud-basic
  ASSERT_TRUE(users.create(User{"USER#1", "PROFILE", "hash_abc", "Al", {"a", "b"}}));
  EXPECT_EQ(users.create(User{"USER#1", "PROFILE", "hash_abc"}).error().code, "DynamORM.ConditionFailed");
  auto got = users.get({"USER#1", "PROFILE"}, true).value();
  EXPECT_EQ(got.nickname, "Al");
  EXPECT_EQ(got.tags, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(got.version, 0);
  User change{"USER#1", "PROFILE"};
  change.nickname = "Alice";
  change.version = 0;
  ASSERT_TRUE(users.update(change, {"nickname"}));
  got = users.get({"USER#1", "PROFILE"}, true).value();
  EXPECT_EQ(got.nickname, "Alice");
  EXPECT_EQ(got.version, 1);
  ASSERT_TRUE(users.remove({"USER#1", "PROFILE"}));
  EXPECT_EQ(users.get({"USER#1", "PROFILE"}, true).error().code, "DynamORM.ItemNotFound");
  // 02-omitempty and 05-ttl-epoch-seconds, read through a model without the field options.
  // Their `create` has no if_not_exists: DynamORM's create, which is put here.
  ASSERT_TRUE(users.put(User{"USER#2", "PROFILE"}));
  User expiring{"USER#5", "PROFILE"};
  expiring.ttl = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  ASSERT_TRUE(users.put(expiring));
  lift::aws::DynamoDbClient& client = *client_;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  const auto item = [&](std::string_view pk) {
    auto answer = client.get_item(boost::json::object{{"TableName", model.schema().table},
                                                      {"Key", {{"PK", {{"S", pk}}}, {"SK", {{"S", "PROFILE"}}}}},
                                                      {"ConsistentRead", true}},
                                  deadline);
    return item_from_dynamodb_json(answer.value().at("Item")).value();
  };
  const auto two = item("USER#2");
  for (const char* missing : {"nickname", "tags", "ttl"}) EXPECT_FALSE(two.contains(missing)) << missing;
  for (const char* present : {"createdAt", "updatedAt", "version"}) EXPECT_TRUE(two.contains(present)) << present;
  const auto five = item("USER#5");
  ASSERT_NE(five.at("ttl").as_number(), nullptr);
  EXPECT_EQ(five.at("ttl").as_number()->text(), "1700000000");
}

// A table the function cannot use is the function's fault: 500 with a generic message (the log
// names the table and what DynamoDB said), whatever the backend; a value too large for
// DynamoDB stays the caller's (400).
TEST_P(Mapper, AMissingOrMisnamedTableIsAServerFault) {
  Table<Order> missing(*client_, order_model());  // never created
  ::testing::internal::CaptureStderr();
  const auto got = missing.get({"c1", "o1"});
  const auto queried = missing.query("c1");
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, "DynamORM.ServerFault");
  EXPECT_EQ(got.error().status, 500);
  EXPECT_EQ(got.error().message.find("orders_"), std::string::npos) << got.error().message;
  ASSERT_FALSE(queried);
  EXPECT_EQ(queried.error().status, 500);
  EXPECT_NE(log.find("\"table\":\"orders_" + suffix_ + "\""), std::string::npos) << log;
  EXPECT_NE(log.find("DynamoDB.ResourceNotFound"), std::string::npos) << log;

  Table<Note> misnamed(*client_, Model<Note>("no spaces!").partition_key(&Note::id, "PK"));  // [A-Za-z0-9_.-] only
  ::testing::internal::CaptureStderr();
  const auto put = misnamed.put(Note{"o", "n1", "x"});
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("tableName"), std::string::npos);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, "DynamORM.ServerFault");
  EXPECT_EQ(put.error().status, 500);

  auto t = orders();
  auto big = order("c1", "o1");
  big.note = std::string(420 * 1024, 'x');
  const auto refused = t.put(big);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "DynamORM.Validation");
  EXPECT_EQ(refused.error().status, 400);
}

// DynamoDB stops a page at the limit without looking further, so an exactly full last page
// still has a cursor, which leads to an empty page without one (documented in table.hpp).
TEST_P(Mapper, AnExactlyFullLastPageLeadsToAnEmptyPage) {
  auto t = orders();
  for (const char* id : {"o1", "o2", "o3"}) ASSERT_TRUE(t.create(order("c1", id)));
  const auto full = t.query("c1", {.consistent_read = true, .limit = 3});
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->items.size(), 3u);
  ASSERT_FALSE(full->next_cursor.empty());
  const auto empty = t.query("c1", {.consistent_read = true, .limit = 3, .cursor = full->next_cursor});
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->items.empty());
  EXPECT_TRUE(empty->next_cursor.empty());
  // Signed cursors page the same way.
  const auto signed_table = t.with_cursor_key(std::string(32, 'k'));
  const auto first = signed_table.query("c1", {.consistent_read = true, .limit = 2});
  ASSERT_TRUE(first);
  const auto rest = signed_table.query("c1", {.consistent_read = true, .limit = 2, .cursor = first->next_cursor});
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(rest->items.size(), 1u);
  EXPECT_TRUE(rest->next_cursor.empty());
}

// Field encryption through the tables: sealed at rest, opened on read, failing closed.
TEST_P(Mapper, EncryptedMembersAreSealedAtRestAndOpenedOnRead) {
  const auto keys = LocalKeyProvider::create(std::string(32, 'm')).value();
  const auto model = Model<Patient>("patients_" + suffix_)
                         .partition_key(&Patient::id, "PK")
                         .version(&Patient::version)
                         .global_index("by-ward", &Patient::ward)
                         .encrypted(&Patient::diagnosis)
                         .encrypted(&Patient::medications);
  const Table<Patient> plain(*client_, model);
  ASSERT_TRUE(plain.create_table());
  const auto patients = plain.with_encryption(keys);
  Patient p{"p1", "north", "influenza", std::vector<std::string>{"rest", "fluids"}};
  const auto created = patients.create(p);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->diagnosis, "influenza");

  // At rest: DMS's envelope, no plaintext.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  auto raw = client_->get_item(boost::json::object{{"TableName", model.schema().table}, {"Key", {{"PK", {{"S", "p1"}}}}}, {"ConsistentRead", true}},
                               deadline);
  ASSERT_TRUE(raw) << raw.error().message;
  const auto stored = item_from_dynamodb_json(raw->at("Item")).value();
  for (const char* name : {"diagnosis", "medications"}) {
    const auto* envelope = stored.at(name).as_map();
    ASSERT_NE(envelope, nullptr) << name;
    EXPECT_EQ(envelope->at("v"), AttributeValue::number(1));
    for (const char* member : {"edk", "nonce", "ct"}) EXPECT_NE(envelope->at(member).as_binary(), nullptr) << member;
  }
  EXPECT_EQ(boost::json::serialize(raw->at("Item")).find("influenza"), std::string::npos);
  EXPECT_EQ(stored.at("ward"), AttributeValue::string("north"));

  // Read back by every path.
  auto got = patients.get("p1", true);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->diagnosis, "influenza");
  EXPECT_EQ(got->medications, (std::vector<std::string>{"rest", "fluids"}));
  auto page = patients.scan({.consistent_read = true});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 1U);
  EXPECT_EQ(page->items[0].diagnosis, "influenza");
  auto batch = patients.batch_get({Key("p1")}, true);
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->size(), 1U);
  EXPECT_EQ((*batch)[0].diagnosis, "influenza");

  // update(item) seals what it sets, with a fresh data key.
  got->diagnosis = "recovered";
  auto updated = patients.update(*got, {"diagnosis"});
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->diagnosis, "recovered");
  EXPECT_EQ(updated->version, 2);
  auto raw_after = client_->get_item(boost::json::object{{"TableName", model.schema().table}, {"Key", {{"PK", {{"S", "p1"}}}}}, {"ConsistentRead", true}},
                                     deadline);
  const auto stored_after = item_from_dynamodb_json(raw_after.value().at("Item")).value();
  EXPECT_NE(stored_after.at("diagnosis").as_map()->at("edk"), stored.at("diagnosis").as_map()->at("edk"));
  EXPECT_EQ(patients.get("p1", true)->diagnosis, "recovered");

  // Without a provider: nothing written, nothing read.
  const auto refused = plain.put(Patient{"p2", "south", "measles"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kEncryptionNotConfigured);
  EXPECT_EQ(patients.get("p2", true).error().code, kItemNotFound);
  const auto unread = plain.get("p1", true);
  ASSERT_FALSE(unread);
  EXPECT_EQ(unread.error().code, kEncryptionNotConfigured);
  EXPECT_EQ(plain.scan({.consistent_read = true}).error().code, kEncryptionNotConfigured);
  // Another master key: the envelope does not open.
  const auto other = plain.with_encryption(LocalKeyProvider::create(std::string(32, 'x')).value());
  EXPECT_EQ(other.get("p1", true).error().code, kInvalidEncryptedEnvelope);

  // An envelope moved to another attribute (or another item's attribute swapped in) is refused.
  auto moved = stored_after;
  moved.at("medications") = stored_after.at("diagnosis");
  ASSERT_TRUE(client_->put_item(boost::json::object{{"TableName", model.schema().table}, {"Item", item_to_dynamodb_json(moved)}}, deadline));
  const auto swapped = patients.get("p1", true);
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().code, kInvalidEncryptedEnvelope);
  EXPECT_EQ(swapped.error().message.find("recovered"), std::string::npos);
  // A tampered byte.
  auto tampered = stored_after;
  (*tampered.at("diagnosis").as_map())["ct"].as_binary()->bytes[0] ^= 0x20;
  ASSERT_TRUE(client_->put_item(boost::json::object{{"TableName", model.schema().table}, {"Item", item_to_dynamodb_json(tampered)}}, deadline));
  EXPECT_EQ(patients.get("p1", true).error().code, kInvalidEncryptedEnvelope);
}

TEST_P(Mapper, EncryptedMembersAreNeitherKeysNorQueryable) {
  const auto keys = LocalKeyProvider::create(std::string(32, 'm')).value();
  const auto good = Model<Patient>("patients_" + suffix_).partition_key(&Patient::id, "PK").encrypted(&Patient::diagnosis);
  const auto patients = Table<Patient>(*client_, good).with_encryption(keys);
  ASSERT_TRUE(patients.create_table());
  ASSERT_TRUE(patients.put(Patient{"p1", "north", "influenza"}));

  const auto filtered = patients.scan({.filter = attr("diagnosis") == "influenza"});
  ASSERT_FALSE(filtered);
  EXPECT_EQ(filtered.error().code, kEncryptedFieldNotQueryable);
  EXPECT_EQ(filtered.error().status, 400);
  EXPECT_EQ(patients.put(Patient{"p1", "north", "x"}, {.condition = attribute_exists("diagnosis")}).error().code, kEncryptedFieldNotQueryable);
  EXPECT_EQ(patients.remove("p1", std::nullopt, attr("diagnosis") == "x").error().code, kEncryptedFieldNotQueryable);
  EXPECT_EQ(patients.update("p1", Update().set("diagnosis", "plain")).error().code, kEncryptedFieldNotQueryable);
  // The member name names it too.
  EXPECT_EQ(patients.update(Key("p1"), Update().set(&Patient::diagnosis, std::string("plain"))).error().code, kEncryptedFieldNotQueryable);
  // Other attributes stay usable.
  auto ok = patients.scan({.filter = attr("ward") == "north", .consistent_read = true});
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->items.size(), 1U);
  EXPECT_EQ(ok->items[0].diagnosis, "influenza");
  EXPECT_EQ(patients.get("p1", true)->diagnosis, "influenza");

  // Keys and index keys: refused by every operation, naming the member.
  const auto as_key = Table<Patient>(*client_, Model<Patient>("patients_k" + suffix_).partition_key(&Patient::id, "PK").encrypted(&Patient::id))
                          .with_encryption(keys);
  const auto key_error = as_key.put(Patient{"p1"});
  ASSERT_FALSE(key_error);
  EXPECT_EQ(key_error.error().code, kValidation);
  EXPECT_NE(key_error.error().message.find("encrypted member id cannot be a key"), std::string::npos) << key_error.error().message;
  const auto as_index = Table<Patient>(*client_, Model<Patient>("patients_i" + suffix_)
                                                      .partition_key(&Patient::id, "PK")
                                                      .global_index("by-ward", &Patient::ward)
                                                      .encrypted(&Patient::ward))
                            .with_encryption(keys);
  const auto index_error = as_index.create_table();
  ASSERT_FALSE(index_error);
  EXPECT_NE(index_error.error().message.find("encrypted member ward cannot be a key of index by-ward"), std::string::npos)
      << index_error.error().message;
}

// Field encryption with its data keys from KMS (KmsKeyProvider): one GenerateDataKey per
// encrypted attribute written, one Decrypt per attribute read, the context binding the table
// and the attribute.
TEST_P(Mapper, EncryptedMembersWithDataKeysFromKms) {
  lift::testing_support::FakeKms fake;
  lift::aws::KmsOptions kms_options;
  kms_options.endpoint = fake.endpoint();
  kms_options.region = "us-east-1";
  auto kms = lift::aws::KmsClient::create(kms_options);
  ASSERT_TRUE(kms) << kms.error().message;
  EXPECT_FALSE(KmsKeyProvider::create(std::move(*lift::aws::KmsClient::create(kms_options)), ""));
  const auto keys = KmsKeyProvider::create(std::move(*kms), "alias/patients").value();

  const auto model = Model<Patient>("kms_patients_" + suffix_).partition_key(&Patient::id, "PK").version(&Patient::version).encrypted(&Patient::diagnosis);
  const Table<Patient> plain(*client_, model);
  ASSERT_TRUE(plain.create_table());
  const auto patients = plain.with_encryption(keys);
  ASSERT_TRUE(patients.create(Patient{"p1", "north", "measles", std::nullopt}));
  const auto read = patients.get("p1");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->diagnosis, "measles");
  EXPECT_EQ(fake.decrypts(), 1);

  // The same envelope copied under another attribute name: KMS refuses the data key's context.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  auto raw = client_->get_item(boost::json::object{{"TableName", model.schema().table}, {"Key", {{"PK", {{"S", "p1"}}}}}, {"ConsistentRead", true}},
                               deadline);
  ASSERT_TRUE(raw) << raw.error().message;
  const auto envelope = item_from_dynamodb_json(raw->at("Item")).value().at("diagnosis");
  const auto moved = decrypt_attribute(*keys, model.schema().table, "ward", envelope);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, lift::aws::kKmsInvalidCiphertext);
  const auto opened = decrypt_attribute(*keys, model.schema().table, "diagnosis", envelope);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, AttributeValue::string("measles"));
}

INSTANTIATE_TEST_SUITE_P(Backends, Mapper, ::testing::Values(Backend::engine, Backend::dynalite),
                         [](const auto& info) { return info.param == Backend::engine ? "engine" : "dynalite"; });

}  // namespace
