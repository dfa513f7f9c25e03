// The middleware over lift::resilience: route faults (latency, errors in the one error body,
// exceptions, one WARN line per invocation while on); the deadline's route and tenant budgets;
// load shedding against a fake clock and fake deadlines.
#include "lift/middleware/resilience.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/core/deadline.hpp"
#include "lift/runtime/protocol.hpp"
#include "lift/middleware/middleware.hpp"
#include "support/http_request.hpp"
#include "support/scoped_env.hpp"
#include "unit/resilience/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using lift::App;
using lift::Context;
using lift::Result;
using lift::resilience::FaultPlan;

using lift::testing_support::request;

using lift::resilience::testing::CapturedLog;

// Draws that always hit, and sleeps that are only counted.
struct Sleeps {
  std::vector<std::chrono::milliseconds> taken;
  lift::RetryEnvironment environment() {
    lift::RetryEnvironment out;
    out.random = [] { return 0.0; };
    out.sleep = [this](std::chrono::milliseconds d) { taken.push_back(d); };
    return out;
  }
};

TEST(FaultMiddleware, RouteRulesAnswerInTheOneErrorBodyWithoutRunningTheHandler) {
  CapturedLog log;
  Sleeps sleeps;
  App app;
  app.use(lift::mw::request_id(), lift::mw::recover(),
          lift::mw::faults(FaultPlan::parse("route:POST /todos=error:503; route:GET /slow=latency:250ms; "
                                            "route:GET /boom=exception; route:* /limited/*=throttling; dynamodb=timeout",
                                            sleeps.environment())
                               .value(),
                           log.stream()));
  int ran = 0;
  const auto handler = [&ran](Context&) -> Result<std::string> {
    ++ran;
    return std::string("done");
  };
  app.post("/todos", handler);
  app.get("/todos", handler);
  app.get("/slow", handler);
  app.get("/boom", handler);
  app.get("/limited/:id", handler);

  auto refused = app.handle(request("POST", "/todos"));
  EXPECT_EQ(refused.status, 503);
  const auto body = boost::json::parse(refused.body);
  EXPECT_EQ(body.at("error").at("code"), "Fault.Injected");
  EXPECT_EQ(ran, 0);

  auto fine = app.handle(request("GET", "/todos"));  // another method: no rule
  EXPECT_EQ(fine.status, 200);
  EXPECT_EQ(ran, 1);

  auto slow = app.handle(request("GET", "/slow"));
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(sleeps.taken, (std::vector<std::chrono::milliseconds>{250ms}));
  EXPECT_EQ(ran, 2);

  auto boom = app.handle(request("GET", "/boom"));  // InjectedFault, turned into a 500 by recover()
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(ran, 2);

  auto limited = app.handle(request("GET", "/limited/7"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(boost::json::parse(limited.body).at("error").at("code"), "Fault.Throttling");

  auto missing = app.handle(request("GET", "/nowhere"));
  EXPECT_EQ(missing.status, 404);

  // One line per invocation, each naming the rules and its request.
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    const auto parsed = boost::json::parse(line);
    EXPECT_EQ(parsed.at("level"), "WARN");
    EXPECT_EQ(parsed.at("message"), "fault injection is on");
    EXPECT_NE(std::string(parsed.at("faults").as_string()).find("route:POST /todos=error:503"), std::string::npos);
    EXPECT_EQ(parsed.at("request_id").as_string().size(), 36u);
  }
}

TEST(FaultMiddleware, WithoutRouteRulesItDoesNothing) {
  CapturedLog log;
  App app;
  app.use(lift::mw::faults(FaultPlan::parse("dynamodb=timeout").value(), log.stream()));
  app.get("/todos", [](Context&) { return std::string("done"); });
  EXPECT_EQ(app.handle(request("GET", "/todos")).status, 200);
  App plain;
  plain.use(lift::mw::faults(FaultPlan{}, log.stream()));
  plain.get("/todos", [](Context&) { return std::string("done"); });
  EXPECT_EQ(plain.handle(request("GET", "/todos")).status, 200);
  EXPECT_TRUE(log.lines().empty());
}

TEST(FaultMiddleware, LiftFaultsIsReadAtStartUpAndABadOneRefused) {
  {
    const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "route:GET /todos=error:502");
    CapturedLog log;
    auto middleware = lift::mw::faults_from_environment(log.stream());
    ASSERT_TRUE(middleware) << middleware.error().message;
    App app;
    app.use(std::move(*middleware));
    app.get("/todos", [](Context&) { return std::string("done"); });
    EXPECT_EQ(app.handle(request("GET", "/todos")).status, 502);
    EXPECT_EQ(log.lines().size(), 1u);
  }
  {
    const lift::testing_support::ScopedEnv faults("LIFT_FAULTS", "route:GET /todos=error:200");
    const auto refused = lift::mw::faults_from_environment();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "InvalidConfiguration");
    EXPECT_NE(refused.error().message.find("LIFT_FAULTS"), std::string::npos);
  }
}

// An invocation with `left` to run, for `tenant`.
lift::runtime::InvocationContext lambda(std::chrono::milliseconds left, std::string tenant = {}) {
  lift::runtime::InvocationContext context;
  context.request_id = "lambda-1";
  context.deadline = std::chrono::system_clock::now() + left;
  context.tenant_id = std::move(tenant);
  return context;
}

// A handler answering how much time the calls it makes would be given (InvocationDeadline).
Result<std::string> time_for_calls(Context&) {
  const auto current = lift::InvocationDeadline::current();
  if (!current) return std::string("none");
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(*current - std::chrono::steady_clock::now()).count());
}

long long budget_seen(const App& app, const std::string& method, const std::string& path, const lift::runtime::InvocationContext& context) {
  const auto answer = app.handle(request(method, path), &context);
  EXPECT_EQ(answer.status, 200) << answer.body;
  return std::stoll(answer.body);
}

TEST(DeadlineBudgets, ARouteOrATenantBudgetBoundsTheCallsOfItsHandler) {
  auto timeouts = lift::mw::deadline({.routes = {{"GET /search", 300ms}, {"/reports/:id", 2s}},
                                      .tenants = {{"free-tier", 100ms}}});
  ASSERT_TRUE(timeouts) << timeouts.error().message;
  App app;
  app.use(std::move(*timeouts));
  app.get("/search", time_for_calls);
  app.post("/search", time_for_calls);
  app.get("/reports/:id", time_for_calls);
  app.put("/reports/:id", time_for_calls);
  app.get("/other", time_for_calls);

  const auto ten_seconds = lambda(10s);
  const auto search = budget_seen(app, "GET", "/search", ten_seconds);
  EXPECT_GT(search, 250);
  EXPECT_LE(search, 300);
  // The invocation's own (App sets it): near ten seconds.
  EXPECT_GT(budget_seen(app, "POST", "/search", ten_seconds), 9000);
  EXPECT_GT(budget_seen(app, "GET", "/other", ten_seconds), 9000);
  // "/pattern" is any method's.
  const auto report = budget_seen(app, "PUT", "/reports/7", ten_seconds);
  EXPECT_GT(report, 1900);
  EXPECT_LE(report, 2000);
  // The tenant's budget wins over the route's.
  EXPECT_LE(budget_seen(app, "GET", "/reports/7", lambda(10s, "free-tier")), 100);
  EXPECT_GT(budget_seen(app, "GET", "/reports/7", lambda(10s, "paying")), 1900);
  // A budget never extends the invocation: one second left is one second.
  EXPECT_LE(budget_seen(app, "PUT", "/reports/7", lambda(1s)), 1000);
}

TEST(DeadlineBudgets, TheTenantComesFromTheGivenSource) {
  auto timeouts = lift::mw::deadline(
      {.tenants = {{"acme", 150ms}},
       .tenant = [](const Context& ctx) -> Result<std::string_view> {
         if (const auto header = ctx.request().headers.get("x-tenant")) return *header;
         return lift::errors::unauthorized("no tenant");
       }});
  ASSERT_TRUE(timeouts);
  App app;
  app.use(std::move(*timeouts));
  app.get("/x", time_for_calls);
  auto from_acme = request("GET", "/x");
  from_acme.headers.add("x-tenant", "acme");
  const auto context = lambda(10s, "ignored");
  const auto answer = app.handle(from_acme, &context);
  ASSERT_EQ(answer.status, 200);
  EXPECT_LE(std::stoll(answer.body), 150);
  // No tenant told: no budget, and the request is not refused for it.
  EXPECT_GT(budget_seen(app, "GET", "/x", context), 9000);
}

TEST(DeadlineBudgets, AHandlerThatOverranItsBudgetAnswers504) {
  auto timeouts = lift::mw::deadline({.routes = {{"GET /slow", 20ms}}});
  ASSERT_TRUE(timeouts);
  App app;
  app.use(std::move(*timeouts));
  app.get("/slow", [](Context&) {
    std::this_thread::sleep_for(40ms);
    return std::string("late");
  });
  const auto context = lambda(10s);
  const auto answer = app.handle(request("GET", "/slow"), &context);
  EXPECT_EQ(answer.status, 504);
  EXPECT_EQ(boost::json::parse(answer.body).at("error").at("code"), "Timeout");
  // Too little time left in the invocation: refused before the handler, as ever.
  const auto nearly_over = lambda(100ms);
  EXPECT_EQ(app.handle(request("GET", "/slow"), &nearly_over).status, 504);
}

TEST(DeadlineBudgets, BudgetsThatCannotWorkAreRefusedAtStartUp) {
  const std::vector<lift::mw::DeadlineOptions> bad{
      {.margin = -1ms},
      {.routes = {{"GET /x", 0ms}}},
      {.routes = {{"GET /x", -5ms}}},
      {.routes = {{"search", 1s}}},
      {.routes = {{"GET/x", 1s}}},
      {.tenants = {{"acme", 0ms}}},
  };
  for (const auto& options : bad) {
    const auto refused = lift::mw::deadline(options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "InvalidConfiguration");
  }
}

// A fake clock the load shedder measures with; handlers advance it by the time they "take".
struct FakeClock {
  std::chrono::steady_clock::time_point at{std::chrono::hours(1)};
  std::function<std::chrono::steady_clock::time_point()> function() {
    return [this] { return at; };
  }
};

TEST(LoadShedding, ARouteWhosePercentileDoesNotFitTheTimeLeftIsShedWithRetryAfter) {
  FakeClock clock;
  auto shedding = lift::mw::load_shedding({.percentile = 90, .window = 10, .min_samples = 5, .margin = 50ms,
                                           .retry_after = 3s, .priorities = {{"/health", lift::mw::Priority::critical}},
                                           .now = clock.function()});
  ASSERT_TRUE(shedding) << shedding.error().message;
  App app;
  app.use(lift::mw::request_id(), std::move(*shedding));
  int ran = 0;
  std::chrono::milliseconds takes = 400ms;
  const auto handler = [&](Context&) -> Result<std::string> {
    ++ran;
    clock.at += takes;
    return std::string("done");
  };
  app.post("/reports", handler);
  app.get("/health", handler);

  // Until min_samples completions, nothing is known: every request runs.
  const auto short_of_time = lambda(300ms);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(app.handle(request("POST", "/reports"), &short_of_time).status, 200);
  EXPECT_EQ(ran, 5);

  // Its p90 is 400 ms: with 300 ms left it is not begun.
  auto shed = app.handle(request("POST", "/reports"), &short_of_time);
  EXPECT_EQ(shed.status, 503);
  EXPECT_EQ(shed.headers.value_or("retry-after", ""), "3");
  const auto body = boost::json::parse(shed.body);
  EXPECT_EQ(body.at("error").at("code"), "ServiceUnavailable");
  EXPECT_EQ(body.at("error").at("request_id"), "lambda-1");
  EXPECT_EQ(ran, 5);
  // 400 ms and the 50 ms margin fit in a second.
  const auto a_second = lambda(1s);
  EXPECT_EQ(app.handle(request("POST", "/reports"), &a_second).status, 200);
  // 420 ms left is less than 400 + 50.
  const auto nearly = lambda(420ms);
  EXPECT_EQ(app.handle(request("POST", "/reports"), &nearly).status, 503);
  // A critical route is never shed, however slow.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(app.handle(request("GET", "/health"), &short_of_time).status, 200);

  // The route got quicker: once the window holds mostly quick completions, it fits again.
  takes = 10ms;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(app.handle(request("POST", "/reports"), &a_second).status, 200);
  EXPECT_EQ(app.handle(request("POST", "/reports"), &short_of_time).status, 200);
}

TEST(LoadShedding, OverTheInFlightLimitSheddableGoesFirstThenNormalNeverCritical) {
  auto shedding = lift::mw::load_shedding({.max_in_flight = 4,
                                           .sheddable_share = 0.5,
                                           .priorities = {{"POST /todos", lift::mw::Priority::sheddable},
                                                          {"/health", lift::mw::Priority::critical}}});
  ASSERT_TRUE(shedding);
  App app;
  app.use(std::move(*shedding));
  // A route that, while it runs, asks the app again: each level of nesting is one more request
  // in flight, as concurrent workers would be.
  std::vector<std::pair<std::string, int>> answers;
  int depth = 0;
  app.get("/nest/:n", [&](Context& ctx) -> Result<std::string> {
    ++depth;
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/todos"}, {"GET", "/todos"}, {"GET", "/health"}}) {
      answers.emplace_back(method + " " + path + " at " + std::to_string(depth), app.handle(request(method, path)).status);
    }
    const int n = std::stoi(std::string(*ctx.param("n")));
    if (n > 1) (void)app.handle(request("GET", "/nest/" + std::to_string(n - 1)));
    return std::string("done");
  });
  app.post("/todos", [](Context&) { return std::string("created"); });
  app.get("/todos", [](Context&) { return std::string("listed"); });
  app.get("/health", [](Context&) { return std::string("pass"); });
  EXPECT_EQ(app.handle(request("GET", "/nest/4")).status, 200);
  const std::vector<std::pair<std::string, int>> expected{
      // One nest request in flight: the request asked is the second.
      {"POST /todos at 1", 200}, {"GET /todos at 1", 200}, {"GET /health at 1", 200},
      // Two in flight: the third is over the sheddable share (2 of 4).
      {"POST /todos at 2", 503}, {"GET /todos at 2", 200}, {"GET /health at 2", 200},
      {"POST /todos at 3", 503}, {"GET /todos at 3", 200}, {"GET /health at 3", 200},
      // Four nest requests in flight: a fifth normal one is over the limit.
      {"POST /todos at 4", 503}, {"GET /todos at 4", 503}, {"GET /health at 4", 200},
  };
  EXPECT_EQ(answers, expected);
  // Nothing in flight any more: everything runs.
  EXPECT_EQ(app.handle(request("POST", "/todos")).status, 200);
}

TEST(LoadShedding, OptionsThatCannotWorkAreRefusedAtStartUp) {
  const std::vector<lift::mw::LoadSheddingOptions> bad{
      {.max_in_flight = -1},
      {.sheddable_share = 0},
      {.sheddable_share = 1.5},
      {.percentile = 20},
      {.percentile = 101},
      {.window = 0},
      {.window = 20000},
      {.window = 10, .min_samples = 11},
      {.min_samples = 0},
      {.margin = -1ms},
      {.retry_after = 0s},
      {.priorities = {{"health", lift::mw::Priority::critical}}},
      {.now = {}},
  };
  for (const auto& options : bad) {
    const auto refused = lift::mw::load_shedding(options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "InvalidConfiguration");
  }
}

}  // namespace
