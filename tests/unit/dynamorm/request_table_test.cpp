// DynamORM inside an app: the default deadline of a table used in an invocation. On the
// embedded engine, through App::invoke.
#include <gtest/gtest.h>

#include <barrier>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include "lift/dynamorm/table.hpp"
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

}  // namespace
