// DynamORM inside an app: the default deadline of a table used in an invocation, and tables
// bound to the request (lift::RequestTable): tenant, deadline, created once on a local
// endpoint, errors as the HTTP caller sees them. On the embedded engine, through App::invoke.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include "lift/app/database.hpp"
#include "lift/aws/deadline.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/lift.hpp"

namespace request_table_test {

struct Thing {
  std::string id{};
  std::string name{};
  std::string tenant{};
};
BOOST_DESCRIBE_STRUCT(Thing, (), (id, name, tenant))

}  // namespace request_table_test

namespace {

namespace json = boost::json;
namespace dynamorm = lift::dynamorm;
using namespace std::chrono_literals;
using request_table_test::Thing;
using Clock = std::chrono::steady_clock;

int table_counter = 0;

dynamorm::Model<Thing> plain_model() {
  return dynamorm::Model<Thing>("things_" + std::to_string(++table_counter)).partition_key(&Thing::id, "PK");
}
dynamorm::Model<Thing> tenant_model() { return plain_model().tenant(&Thing::tenant); }

struct Answer {
  int status = 0;
  json::value body;
};

// One API Gateway HTTP API event through App::invoke, as Lambda would send it.
Answer invoke(const lift::App& app, const std::string& method, const std::string& path, std::chrono::milliseconds budget = 3s,
              json::object headers = {}, std::string tenant_id = {}) {
  json::object event{{"version", "2.0"},
                     {"routeKey", "$default"},
                     {"rawPath", path},
                     {"rawQueryString", ""},
                     {"headers", std::move(headers)},
                     {"requestContext",
                      {{"accountId", "123456789012"},
                       {"apiId", "api"},
                       {"domainName", "api.example.com"},
                       {"http", {{"method", method}, {"path", path}, {"protocol", "HTTP/1.1"}, {"sourceIp", "192.0.2.1"}, {"userAgent", "t"}}},
                       {"requestId", "req"},
                       {"routeKey", "$default"},
                       {"stage", "$default"},
                       {"time", "22/Nov/2026:12:00:00 +0000"},
                       {"timeEpoch", 1795003200000}}},
                     {"isBase64Encoded", false}};
  lift::runtime::Invocation invocation;
  invocation.context.request_id = "lambda-req";
  invocation.context.deadline = std::chrono::system_clock::now() + budget;
  invocation.context.tenant_id = std::move(tenant_id);
  invocation.payload = json::serialize(event);
  auto response = app.invoke(invocation);
  EXPECT_TRUE(response) << (response ? "" : response.error().message);
  Answer answer;
  if (!response) return answer;
  const auto out = json::parse(response->body).as_object();
  answer.status = static_cast<int>(out.at("statusCode").to_number<std::int64_t>());
  if (const auto* b = out.if_contains("body"); b != nullptr && !b->as_string().empty()) answer.body = json::parse(b->as_string());
  return answer;
}

lift::aws::DynamoDbClient memory_client() {
  lift::aws::DynamoDbOptions options;
  options.transport = dynamorm::memory_transport();
  return lift::aws::DynamoDbClient::create(std::move(options)).value();
}

// A table made at init, used in a handler without with_deadline: the invocation bounds its calls.
TEST(InvocationDeadline, ATableUsedInAnInvocationTakesTheInvocationsDeadline) {
  auto client = memory_client();
  const dynamorm::Table<Thing> things(client, plain_model());
  lift::App app;
  Clock::time_point seen{};
  app.get("/deadline", [&](lift::Context&) {
    seen = things.core().deadline();
    return json::value(true);
  });
  const auto before = Clock::now();
  ASSERT_EQ(invoke(app, "GET", "/deadline", 2s).status, 200);
  // Two seconds left, less a tenth of it as the margin to answer in.
  EXPECT_LT(seen, before + 2s - 150ms);
  EXPECT_GT(seen, before + 1500ms);
  // Outside an invocation: the 10 s default.
  EXPECT_GT(things.core().deadline(), Clock::now() + 9s);
}

TEST(InvocationDeadline, TheMarginIsATenthOfTheTimeLeftAtMost500Ms) {
  const auto now = Clock::now();
  EXPECT_EQ(lift::aws::call_deadline(now + 2s, now), now + 1800ms);
  EXPECT_EQ(lift::aws::call_deadline(now + 60s, now), now + 59500ms);
  EXPECT_EQ(lift::aws::call_deadline(now - 1s, now), now);  // already past: fail at once
  // Scopes nest and end with the invocation.
  EXPECT_FALSE(lift::aws::InvocationDeadline::current());
  {
    const lift::aws::InvocationDeadline outer(now + 5s);
    {
      const lift::aws::InvocationDeadline inner(std::optional<Clock::time_point>{});
      EXPECT_FALSE(lift::aws::InvocationDeadline::current());
    }
    EXPECT_EQ(lift::aws::InvocationDeadline::current(), now + 5s);
  }
  EXPECT_FALSE(lift::aws::InvocationDeadline::current());
}

// Several invocations in flight on their own threads (AWS_LAMBDA_MAX_CONCURRENCY > 1): each sees
// its own deadline.
TEST(InvocationDeadline, ConcurrentInvocationsEachSeeTheirOwn) {
  auto client = memory_client();
  const dynamorm::Table<Thing> things(client, plain_model());
  lift::App app;
  std::barrier in_flight(2);
  std::mutex mutex;
  std::map<std::string, Clock::time_point> seen;
  app.get("/deadline/:who", [&](lift::Context& ctx) {
    in_flight.arrive_and_wait();  // both invocations are being handled now
    const auto deadline = things.core().deadline();
    in_flight.arrive_and_wait();
    const std::lock_guard lock(mutex);
    seen[std::string(*ctx.param("who"))] = deadline;
    return json::value(true);
  });
  const auto before = Clock::now();
  std::thread short_one([&] { EXPECT_EQ(invoke(app, "GET", "/deadline/short", 2s).status, 200); });
  std::thread long_one([&] { EXPECT_EQ(invoke(app, "GET", "/deadline/long", 20s).status, 200); });
  short_one.join();
  long_one.join();
  EXPECT_LT(seen.at("short"), before + 2s);
  EXPECT_GT(seen.at("long"), before + 18s);
  EXPECT_LT(seen.at("long"), before + 20s);
}

TEST(RequestTable, IsCreatedOnceOnFirstUseAndBoundsEachCallByTheInvocation) {
  auto client = memory_client();
  const lift::RequestTable<Thing> things(client, plain_model());  // memory: is local
  lift::App app;
  Clock::time_point seen{};
  app.post("/things/:id", [&](lift::Context& ctx) -> lift::Result<lift::Created<Thing>> {
    auto table = things.for_request(ctx);
    if (!table) return std::move(table).error();
    seen = table->core().deadline();
    auto saved = table->create(Thing{.id = std::string(*ctx.param("id")), .name = "x"});
    if (!saved) return std::move(saved).error();
    return lift::created(std::move(*saved));
  });
  const auto before = Clock::now();
  // Four workers at once: the table is created once, every write lands.
  std::vector<std::thread> workers;
  std::atomic<int> created{0};
  for (int i = 0; i < 4; ++i)
    workers.emplace_back([&, i] { created += invoke(app, "POST", "/things/t" + std::to_string(i), 5s).status == 201 ? 1 : 0; });
  for (auto& w : workers) w.join();
  EXPECT_EQ(created.load(), 4);
  EXPECT_LT(seen, before + 5s);
  EXPECT_EQ(things.table().scan().value().items.size(), 4u);
}

TEST(RequestTable, IsNotCreatedAgainstANonLocalEndpointAndAMissingTableIsA500) {
  auto client = memory_client();
  lift::RequestTableOptions options;
  options.create_table = false;  // as against AWS
  const lift::RequestTable<Thing> things(client, plain_model(), options);
  lift::App app;
  app.get("/things/:id", [&](lift::Context& ctx) -> lift::Result<Thing> {
    auto table = things.for_request(ctx);
    if (!table) return std::move(table).error();
    return table->get(std::string(*ctx.param("id")));
  });
  ::testing::internal::CaptureStderr();
  const auto answer = invoke(app, "GET", "/things/t1");
  const auto log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(answer.status, 500);
  EXPECT_EQ(answer.body.at("error").at("code"), "DynamORM.ServerFault");
  EXPECT_NE(log.find(things.table().model().schema().table), std::string::npos) << log;
}

TEST(RequestTable, ScopesToTheCallersTenantAndRefusesAnUnusableOne) {
  auto client = memory_client();
  lift::RequestTableOptions options;
  options.tenant = [](const lift::Context& ctx) -> lift::Result<std::string_view> {
    if (auto t = ctx.header("x-tenant")) return *t;
    return lift::errors::unauthorized();
  };
  const lift::RequestTable<Thing> things(client, tenant_model(), options);
  const lift::RequestTable<Thing> by_lambda_tenant(client, tenant_model());  // Lambda's tenant id
  lift::App app;
  const auto routes = [&app](const lift::RequestTable<Thing>& table, const std::string& prefix) {
    app.put(prefix + "/:id", [&table](lift::Context& ctx) -> lift::Result<Thing> {
      auto t = table.for_request(ctx);
      if (!t) return std::move(t).error();
      return t->put(Thing{.id = std::string(*ctx.param("id")), .name = "n"});
    });
    app.get(prefix + "/:id", [&table](lift::Context& ctx) -> lift::Result<Thing> {
      auto t = table.for_request(ctx);
      if (!t) return std::move(t).error();
      return t->get(std::string(*ctx.param("id")));
    });
  };
  routes(things, "/things");
  routes(by_lambda_tenant, "/lambda");

  const auto put = invoke(app, "PUT", "/things/a", 3s, {{"x-tenant", "acme"}});
  ASSERT_EQ(put.status, 200) << json::serialize(put.body);
  EXPECT_EQ(put.body.at("tenant"), "acme");
  EXPECT_EQ(invoke(app, "GET", "/things/a", 3s, {{"x-tenant", "acme"}}).status, 200);
  EXPECT_EQ(invoke(app, "GET", "/things/a", 3s, {{"x-tenant", "umbrella"}}).status, 404);
  EXPECT_EQ(invoke(app, "GET", "/things/a").status, 401);  // the source's own refusal
  for (const std::string& bad : std::vector<std::string>{"a#b", std::string(129, 'x'), "a b", "x/y"}) {
    const auto refused = invoke(app, "GET", "/things/a", 3s, {{"x-tenant", bad}});
    EXPECT_EQ(refused.status, 403) << bad;
    EXPECT_NE(json::serialize(refused.body).find("no usable tenant"), std::string::npos);
  }

  ASSERT_EQ(invoke(app, "PUT", "/lambda/b", 3s, {}, "acme").status, 200);
  EXPECT_EQ(invoke(app, "GET", "/lambda/b", 3s, {}, "acme").status, 200);
  EXPECT_EQ(invoke(app, "GET", "/lambda/b", 3s, {}, "umbrella").status, 404);
  EXPECT_EQ(invoke(app, "GET", "/lambda/b").status, 500);  // no tenant source at all: the function's mistake
}

TEST(RequestTable, SignsCursorsWithTheConfiguredKey) {
  auto client = memory_client();
  lift::RequestTableOptions options;
  options.cursor_key = std::string(32, 'k');
  const lift::RequestTable<Thing> things(client, plain_model(), options);
  ASSERT_TRUE(things.table().create_table());
  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(things.table().put(Thing{.id = id}));
  const auto page = things.table().scan({.limit = 1}).value();
  EXPECT_TRUE(dynamorm::verify_cursor(page.next_cursor, std::string(32, 'k')));
  EXPECT_TRUE(things.table().scan({.limit = 1, .cursor = page.next_cursor}));
  EXPECT_FALSE(things.table().scan({.limit = 1, .cursor = page.next_cursor.substr(0, page.next_cursor.rfind('.'))}));
}

TEST(RequestTable, SealsEncryptedMembersWithTheConfiguredKeys) {
  auto client = memory_client();
  const auto model = plain_model().encrypted(&Thing::name);
  lift::RequestTableOptions options;
  options.keys = dynamorm::LocalKeyProvider::create(std::string(32, 'e')).value();
  const lift::RequestTable<Thing> things(client, model, options);
  ASSERT_TRUE(things.table().create_table());
  ASSERT_TRUE(things.table().put(Thing{.id = "a", .name = "secret"}));
  EXPECT_EQ(things.table().get("a", true)->name, "secret");
  // Without keys the same table fails closed.
  const lift::RequestTable<Thing> unkeyed(client, model);
  EXPECT_EQ(unkeyed.table().get("a", true).error().code, dynamorm::kEncryptionNotConfigured);
}

}  // namespace
