// Health checks: statuses, timeouts, caching, the IETF draft's body shape, the endpoints and the
// built-in checks (DynamoDB on the embedded engine, HTTP and JWKS against a local server,
// circuit breakers).

#include "lift/health/health.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/time.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/resilience/circuit_breaker.hpp"
#include "support/local_server.hpp"

namespace health = lift::health;
namespace json = boost::json;
using namespace std::chrono_literals;
using lift::testing_support::LocalServer;

namespace {

// A steady clock the test moves by hand.
struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
  [[nodiscard]] std::function<std::chrono::steady_clock::time_point()> fn() const {
    return [ms = ms] { return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms->load())); };
  }
  void advance(std::chrono::milliseconds by) const { *ms += by.count(); }
};

health::Check fixed(std::string name, health::Outcome outcome) {
  return health::function(std::move(name), [outcome] { return outcome; });
}

std::shared_ptr<health::Checker> make(std::vector<health::Check> checks, health::CheckerOptions options = {}) {
  auto checker = health::Checker::create(std::move(checks), std::move(options));
  EXPECT_TRUE(checker) << (checker ? "" : checker.error().message);
  return checker ? *checker : nullptr;
}

lift::http::Request get(std::string path) {
  lift::http::Request request;
  request.method = "GET";
  request.raw_path = path;
  request.path = std::move(path);
  return request;
}

json::object body_of(const lift::http::Response& response) { return json::parse(response.body).as_object(); }

lift::aws::DynamoDbClient memory_client(lift::dynamorm::MemoryEngine& engine) {
  lift::aws::DynamoDbOptions options;
  options.endpoint = "memory:";
  options.transport = lift::dynamorm::memory_transport(engine);
  auto client = lift::aws::DynamoDbClient::create(std::move(options));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

}  // namespace

TEST(HealthStatus, EveryCombinationGivesTheWorstStatus) {
  using health::Outcome;
  using health::Status;
  struct Case {
    std::vector<Outcome> outcomes;
    Status expected;
  };
  const std::vector<Case> cases{
      {{}, Status::pass},
      {{Outcome::pass()}, Status::pass},
      {{Outcome::pass(), Outcome::pass()}, Status::pass},
      {{Outcome::pass(), Outcome::warn("slow")}, Status::warn},
      {{Outcome::warn("a"), Outcome::warn("b")}, Status::warn},
      {{Outcome::pass(), Outcome::fail("down")}, Status::fail},
      {{Outcome::warn("slow"), Outcome::fail("down")}, Status::fail},
      {{Outcome::fail("a"), Outcome::fail("b")}, Status::fail},
  };
  for (const auto& c : cases) {
    std::vector<health::Check> checks;
    for (std::size_t i = 0; i < c.outcomes.size(); ++i) checks.push_back(fixed("c" + std::to_string(i), c.outcomes[i]));
    auto checker = make(std::move(checks), {.include_breakers = false});
    const auto report = checker->report();
    EXPECT_EQ(report->status, c.expected);
    const auto ready = health::ready_response(*report);
    const auto detail = health::detail_response(*report);
    const int http_status = c.expected == Status::fail ? 503 : 200;
    EXPECT_EQ(ready.status, http_status);
    EXPECT_EQ(detail.status, http_status);
    EXPECT_EQ(body_of(ready).at("status").as_string(), health::to_string(c.expected));
    EXPECT_EQ(body_of(detail).at("status").as_string(), health::to_string(c.expected));
  }
}

TEST(HealthStatus, FunctionChecksTakeOutcomesResultsAndBools) {
  auto checker = make({health::function("ok", [] { return lift::Result<void>{}; }),
                       health::function("err", [] { return lift::Result<void>(lift::Error{"Cache.Down", "no answer", 503}); }),
                       health::function("no", [] { return false; }),
                       health::function("deadline", [](health::Deadline d) { return d > std::chrono::steady_clock::now() ? health::Outcome::pass() : health::Outcome::fail("past"); }),
                       health::function("throws", []() -> bool { throw std::runtime_error("boom"); })},
                      {.include_breakers = false});
  const auto report = checker->report();
  ASSERT_EQ(report->checks.size(), 5U);
  EXPECT_EQ(report->checks[0].status, health::Status::pass);
  EXPECT_EQ(report->checks[1].status, health::Status::fail);
  EXPECT_EQ(report->checks[1].output, "Cache.Down: no answer");
  EXPECT_EQ(report->checks[2].status, health::Status::fail);
  EXPECT_EQ(report->checks[3].status, health::Status::pass);
  EXPECT_EQ(report->checks[4].status, health::Status::fail);
  EXPECT_NE(report->checks[4].output.find("boom"), std::string::npos);
}

TEST(HealthBody, DetailHasTheDraftsShape) {
  const auto wall = lift::parse_rfc3339("2026-03-01T10:00:00Z");
  ASSERT_TRUE(wall);
  auto checker = make({fixed("todos", health::Outcome::pass()), fixed("cache", health::Outcome::warn("slow answers"))},
                      {.service_id = "todo-api", .version = "3", .description = "todos", .include_breakers = false,
                       .wall_clock = [wall] { return *wall; }});
  const auto response = health::detail_response(*checker->report());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers.get("Content-Type"), "application/health+json");
  EXPECT_EQ(response.headers.get("Cache-Control"), "no-store");
  const auto body = body_of(response);
  EXPECT_EQ(body.at("status").as_string(), "warn");
  EXPECT_EQ(body.at("serviceId").as_string(), "todo-api");
  EXPECT_EQ(body.at("version").as_string(), "3");
  EXPECT_EQ(body.at("description").as_string(), "todos");
  const auto& checks = body.at("checks").as_object();
  ASSERT_EQ(checks.size(), 2U);
  const auto& todos = checks.at("todos:responseTime").as_array();
  ASSERT_EQ(todos.size(), 1U);
  const auto& entry = todos[0].as_object();
  EXPECT_EQ(entry.at("componentType").as_string(), "component");
  EXPECT_TRUE(entry.at("observedValue").is_number());
  EXPECT_GE(entry.at("observedValue").to_number<double>(), 0.0);
  EXPECT_EQ(entry.at("observedUnit").as_string(), "ms");
  EXPECT_EQ(entry.at("status").as_string(), "pass");
  EXPECT_EQ(entry.at("time").as_string(), "2026-03-01T10:00:00.000Z");
  EXPECT_FALSE(entry.contains("output"));
  const auto& cache = checks.at("cache:responseTime").as_array()[0].as_object();
  EXPECT_EQ(cache.at("status").as_string(), "warn");
  EXPECT_EQ(cache.at("output").as_string(), "slow answers");
  EXPECT_FALSE(body.contains("breakers"));
}

TEST(HealthBody, ReadyNamesOnlyTheChecksThatDidNotPass) {
  auto passing = make({fixed("a", health::Outcome::pass())}, {.include_breakers = false});
  EXPECT_EQ(passing->report()->ready_body, R"({"status":"pass"})");

  auto failing = make({fixed("a", health::Outcome::pass()), fixed("b", health::Outcome::fail("down"))}, {.include_breakers = false});
  const auto response = health::ready_response(*failing->report());
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.headers.get("Content-Type"), "application/health+json");
  const auto body = body_of(response);
  EXPECT_EQ(body.at("status").as_string(), "fail");
  const auto& checks = body.at("checks").as_object();
  ASSERT_EQ(checks.size(), 1U);
  const auto& b = checks.at("b:responseTime").as_array()[0].as_object();
  EXPECT_EQ(b.at("status").as_string(), "fail");
  EXPECT_EQ(b.at("output").as_string(), "down");
}

TEST(HealthTimeouts, ASlowCheckFailsAtItsTimeoutWithoutHoldingTheAnswer) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto runs = std::make_shared<std::atomic<int>>(0);
  auto checker = make({health::function("slow",
                                        [release, runs] {
                                          ++*runs;
                                          while (!*release) std::this_thread::sleep_for(1ms);
                                          return true;
                                        },
                                        {.timeout = 50ms}),
                       fixed("fast", health::Outcome::pass())},
                      {.cache_for = 0ms, .include_breakers = false});
  const auto started = std::chrono::steady_clock::now();
  const auto report = checker->report();
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 50ms);
  EXPECT_LT(took, 1000ms);
  EXPECT_EQ(report->status, health::Status::fail);
  EXPECT_EQ(report->checks[0].status, health::Status::fail);
  EXPECT_EQ(report->checks[0].output, "timed out after 50 ms");
  EXPECT_EQ(report->checks[0].latency, 50ms);
  EXPECT_EQ(report->checks[1].status, health::Status::pass);

  // The hung run is not started again while it is still going: one thread at most per check.
  const auto again = checker->report();
  EXPECT_EQ(again->checks[0].status, health::Status::fail);
  EXPECT_NE(again->checks[0].output.find("an earlier run is still going"), std::string::npos) << again->checks[0].output;
  EXPECT_EQ(runs->load(), 1);

  // Once it finishes, the next refresh runs it again.
  *release = true;
  for (int i = 0; i < 200 && checker->report()->checks[0].status != health::Status::pass; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(checker->report()->checks[0].status, health::Status::pass);
  EXPECT_GE(runs->load(), 2);
}

TEST(HealthTimeouts, ARunOutlivesItsChecker) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  {
    auto checker = make({health::function("hung",
                                          [release, finished] {
                                            while (!*release) std::this_thread::sleep_for(1ms);
                                            *finished = true;
                                            return true;
                                          },
                                          {.timeout = 10ms})},
                        {.include_breakers = false});
    EXPECT_EQ(checker->report()->status, health::Status::fail);
  }
  *release = true;  // the checker is gone; the run finishes into memory it shares
  for (int i = 0; i < 500 && !*finished; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_TRUE(finished->load());
}

TEST(HealthCache, ReportsAreServedUntilTheyAreOlderThanCacheFor) {
  FakeClock clock;
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto checker = make({health::function("db", [calls] { ++*calls; return true; })},
                      {.cache_for = 5000ms, .include_breakers = false, .now = clock.fn()});
  const auto first = checker->report();
  EXPECT_EQ(calls->load(), 1);
  clock.advance(4999ms);
  EXPECT_EQ(checker->report(), first);
  EXPECT_EQ(calls->load(), 1);
  clock.advance(1ms);
  const auto second = checker->report();
  EXPECT_NE(second, first);
  EXPECT_EQ(calls->load(), 2);
  EXPECT_EQ(checker->refreshes(), 2U);
  // refresh() runs the checks whatever the cache holds.
  checker->refresh();
  EXPECT_EQ(calls->load(), 3);
  EXPECT_EQ(checker->report(), checker->report());
  EXPECT_EQ(calls->load(), 3);
}

TEST(HealthConfig, BadConfigurationsAreRefused) {
  const auto refused = [](std::vector<health::Check> checks, health::CheckerOptions options = {}) {
    auto made = health::Checker::create(std::move(checks), std::move(options));
    EXPECT_FALSE(made);
    return made ? std::string() : made.error().code + " " + made.error().message;
  };
  EXPECT_NE(refused({fixed("", health::Outcome::pass())}).find("name"), std::string::npos);
  EXPECT_NE(refused({fixed("a:b", health::Outcome::pass())}).find("':'"), std::string::npos);
  EXPECT_NE(refused({fixed("a", health::Outcome::pass()), fixed("a", health::Outcome::pass())}).find("another check"), std::string::npos);
  EXPECT_NE(refused({health::function("a", [] { return true; }, {.timeout = 0ms})}).find("timeout"), std::string::npos);
  EXPECT_NE(refused({health::function("a", [] { return true; }, {.timeout = 61s})}).find("timeout"), std::string::npos);
  EXPECT_NE(refused({health::Check{.name = "a"}}).find("run"), std::string::npos);
  EXPECT_NE(refused({}, {.cache_for = -1ms}).find("cache_for"), std::string::npos);
  EXPECT_NE(refused({}, {.now = nullptr}).find("now"), std::string::npos);
  EXPECT_NE(refused({health::dynamodb_table("")}).find("table"), std::string::npos);
  EXPECT_NE(refused({health::http_dependency("svc", "not a url")}).find("url"), std::string::npos);
  EXPECT_NE(refused({health::http_dependency("svc", "http://127.0.0.1/", {.expected_statuses = {42}})}).find("expected_statuses"),
            std::string::npos);
  EXPECT_NE(refused({health::jwks("keys", "http://example.com/jwks.json")}).find("url"), std::string::npos);
  EXPECT_NE(refused({health::circuit_breaker("")}).find("breaker"), std::string::npos);
  EXPECT_TRUE(refused({fixed("", health::Outcome::pass())}).starts_with("InvalidConfiguration "));
}

TEST(HealthEndpoints, MountRegistersLiveReadyAndDetail) {
  lift::App app;
  auto checker = make({fixed("db", health::Outcome::fail("unreachable"))}, {.include_breakers = false});
  ASSERT_TRUE(health::mount(app, checker));
  ASSERT_TRUE(app.check());

  const auto live = app.handle(get("/health/live"));
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.body, R"({"status":"pass"})");
  EXPECT_EQ(live.headers.get("Content-Type"), "application/health+json");

  const auto ready = app.handle(get("/health/ready"));
  EXPECT_EQ(ready.status, 503);
  EXPECT_TRUE(body_of(ready).at("checks").as_object().contains("db:responseTime"));

  const auto detail = app.handle(get("/health"));
  EXPECT_EQ(detail.status, 503);
  EXPECT_EQ(body_of(detail).at("checks").at("db:responseTime").as_array()[0].at("output").as_string(), "unreachable");
}

TEST(HealthEndpoints, PrefixIsConfigurableAndChecked) {
  lift::App app;
  auto checker = make({}, {.include_breakers = false});
  ASSERT_TRUE(health::mount(app, checker, {.prefix = "/ops/health"}));
  EXPECT_EQ(app.handle(get("/ops/health/live")).status, 200);
  EXPECT_EQ(app.handle(get("/ops/health/ready")).status, 200);
  EXPECT_EQ(app.handle(get("/ops/health")).status, 200);
  EXPECT_EQ(app.handle(get("/health/live")).status, 404);

  lift::App other;
  for (const char* bad : {"", "/", "health", "/health/"}) {
    auto mounted = health::mount(other, checker, {.prefix = bad});
    ASSERT_FALSE(mounted) << bad;
    EXPECT_EQ(mounted.error().code, "InvalidConfiguration");
  }
  EXPECT_FALSE(health::mount(other, nullptr));
}

TEST(HealthEndpoints, DetailMiddlewareGuardsOnlyTheDetail) {
  lift::App app;
  auto checker = make({fixed("db", health::Outcome::pass())}, {.include_breakers = false});
  // Stands in for lift::mw::jwt_auth: refuses requests without the operator's header.
  lift::Middleware operators_only = [](lift::Context& ctx, const lift::Next& next) -> lift::Result<void> {
    if (ctx.request().headers.get("x-operator") != "yes") return lift::Error{"Unauthorized", "operators only", 401};
    return next();
  };
  ASSERT_TRUE(health::mount(app, checker, {.detail_middleware = {operators_only}}));
  EXPECT_EQ(app.handle(get("/health/live")).status, 200);
  EXPECT_EQ(app.handle(get("/health/ready")).status, 200);
  EXPECT_EQ(app.handle(get("/health")).status, 401);
  auto allowed = get("/health");
  allowed.headers.add("X-Operator", "yes");
  const auto detail = app.handle(allowed);
  EXPECT_EQ(detail.status, 200);
  EXPECT_EQ(body_of(detail).at("status").as_string(), "pass");
}

TEST(HealthEndpoints, ExceptProbesLetsProbesPastAppWideMiddleware) {
  lift::App app;
  lift::Middleware operators_only = [](lift::Context& ctx, const lift::Next& next) -> lift::Result<void> {
    if (ctx.request().headers.get("x-operator") != "yes") return lift::Error{"Unauthorized", "operators only", 401};
    return next();
  };
  app.use(health::except_probes(operators_only, "/ops"));
  auto checker = make({fixed("db", health::Outcome::pass())}, {.include_breakers = false});
  ASSERT_TRUE(health::mount(app, checker, {.prefix = "/ops"}));
  app.get("/todos", [](lift::Context&) { return std::string("todos"); });
  EXPECT_EQ(app.handle(get("/ops/live")).status, 200);
  EXPECT_EQ(app.handle(get("/ops/ready")).status, 200);
  EXPECT_EQ(app.handle(get("/ops")).status, 401);
  EXPECT_EQ(app.handle(get("/todos")).status, 401);
  EXPECT_EQ(app.handle(get("/ops/live/x")).status, 401);
  auto allowed = get("/ops");
  allowed.headers.add("X-Operator", "yes");
  EXPECT_EQ(app.handle(allowed).status, 200);
}

TEST(HealthBreakers, BreakerCheckFollowsItsStates) {
  namespace rs = lift::resilience;
  auto breaker = rs::breakers().get_or_create("health-test-breaker",
                                              {.window_size = 2, .minimum_calls = 2, .open_duration = 1ms, .half_open_calls = 1, .log = nullptr});
  ASSERT_TRUE(breaker);
  auto checker = make({health::circuit_breaker("health-test-breaker"), health::circuit_breaker("health-test-never-made")},
                      {.cache_for = 0ms});
  auto report = checker->report();
  EXPECT_EQ(report->checks[0].status, health::Status::pass);
  EXPECT_EQ(report->checks[1].status, health::Status::pass);

  const auto fail = [] { return lift::Result<void>(lift::Error{"Dep.Down", "down", 503}); };
  (void)breaker->call(fail);
  (void)breaker->call(fail);
  ASSERT_EQ(breaker->state(), rs::BreakerState::open);
  report = checker->report();
  EXPECT_EQ(report->status, health::Status::fail);
  EXPECT_EQ(report->checks[0].output, "circuit breaker health-test-breaker is open");
  // The detail lists the registry's breakers with their states.
  const auto detail = body_of(health::detail_response(*report));
  EXPECT_EQ(detail.at("breakers").at("health-test-breaker").at("state").as_string(), "open");

  // A probe in flight: half-open.
  std::this_thread::sleep_for(5ms);
  const auto permit = breaker->acquire();
  ASSERT_TRUE(permit.granted);
  ASSERT_EQ(breaker->state(), rs::BreakerState::half_open);
  report = checker->report();
  EXPECT_EQ(report->status, health::Status::warn);
  EXPECT_EQ(report->checks[0].status, health::Status::warn);
  breaker->record(permit, nullptr);
  ASSERT_EQ(breaker->state(), rs::BreakerState::closed);
  EXPECT_EQ(checker->report()->status, health::Status::pass);
}

TEST(HealthDynamoDb, TablePresentPassesAbsentFails) {
  lift::dynamorm::MemoryEngine engine;
  auto client = std::make_shared<lift::aws::DynamoDbClient>(memory_client(engine));
  const json::object create{{"TableName", "todos"},
                            {"AttributeDefinitions", json::array{json::object{{"AttributeName", "id"}, {"AttributeType", "S"}}}},
                            {"KeySchema", json::array{json::object{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                            {"BillingMode", "PAY_PER_REQUEST"}};
  ASSERT_TRUE(client->create_table(create, std::chrono::steady_clock::now() + 2s));
  auto checker = make({health::dynamodb_table("todos", {.client = client}), health::dynamodb_table("missing", {.client = client})},
                      {.include_breakers = false});
  const auto report = checker->report();
  EXPECT_EQ(report->checks[0].name, "todos");
  EXPECT_EQ(report->checks[0].component_type, "datastore");
  EXPECT_EQ(report->checks[0].status, health::Status::pass) << report->checks[0].output;
  EXPECT_EQ(report->checks[1].status, health::Status::fail);
  EXPECT_NE(report->checks[1].output.find("DynamoDB.ResourceNotFound"), std::string::npos) << report->checks[1].output;
}

TEST(HealthHttp, ExpectedStatusPassesOthersFail) {
  namespace ts = lift::testing_support;
  LocalServer server([](LocalServer::Socket& socket) {
    ts::serve_http(socket, [](const ts::HttpServerRequest& request, int) {
      if (request.target() == "/ok") return ts::make_response(200, "ok");
      if (request.target() == "/teapot") return ts::make_response(418, "short and stout");
      if (request.target() == "/slow") std::this_thread::sleep_for(300ms);
      return ts::make_response(500, "broken");
    });
  });
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  auto checker = make({health::http_dependency("ok", base + "/ok"), health::http_dependency("broken", base + "/broken"),
                       health::http_dependency("teapot", base + "/teapot", {.expected_statuses = {418}}),
                       health::http_dependency("slow", base + "/slow", {.timeout = 100ms})},
                      {.include_breakers = false});
  const auto report = checker->report();
  EXPECT_EQ(report->checks[0].status, health::Status::pass) << report->checks[0].output;
  EXPECT_EQ(report->checks[1].status, health::Status::fail);
  EXPECT_EQ(report->checks[1].output, "answered HTTP 500");
  EXPECT_EQ(report->checks[2].status, health::Status::pass) << report->checks[2].output;
  EXPECT_EQ(report->checks[3].status, health::Status::fail);
}

TEST(HealthJwks, FetchedAndParsed) {
  namespace ts = lift::testing_support;
  // RFC 8037's Ed25519 public key.
  const std::string keys = R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k","alg":"EdDSA"}]})";
  LocalServer server([&keys](LocalServer::Socket& socket) {
    ts::serve_http(socket, [&keys](const ts::HttpServerRequest& request, int) {
      if (request.target() == "/jwks.json") return ts::make_response(200, keys, "application/json");
      if (request.target() == "/empty.json") return ts::make_response(200, R"({"keys":[]})", "application/json");
      if (request.target() == "/garbage.json") return ts::make_response(200, "not json", "application/json");
      return ts::make_response(404, "none");
    });
  });
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  auto checker = make({health::jwks("keys", base + "/jwks.json"), health::jwks("empty", base + "/empty.json"),
                       health::jwks("garbage", base + "/garbage.json"), health::jwks("missing", base + "/missing.json")},
                      {.include_breakers = false});
  const auto report = checker->report();
  EXPECT_EQ(report->checks[0].status, health::Status::pass) << report->checks[0].output;
  EXPECT_EQ(report->checks[1].status, health::Status::fail);
  EXPECT_EQ(report->checks[1].output, "the key set holds no usable key");
  EXPECT_EQ(report->checks[2].status, health::Status::fail);
  EXPECT_NE(report->checks[2].output.find("InvalidJwks"), std::string::npos) << report->checks[2].output;
  EXPECT_EQ(report->checks[3].status, health::Status::fail);
}
