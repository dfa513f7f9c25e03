// The observability middleware around real invocations: log lines with the Lambda context,
// EMF documents with per-route request metrics, and the handler subsegment in X-Ray, for
// successes, failures, throws and non-HTTP events.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "lift/lift.hpp"
#include "lift/middleware/observability.hpp"
#include "observability_capture.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace obs = lift::observability;

using lift::middleware_test::Captured;
using lift::middleware_test::make_observability;

lift::runtime::Invocation invocation(std::string payload) {
  lift::runtime::Invocation in;
  in.context.request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678";
  in.context.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  in.payload = std::move(payload);
  return in;
}

std::string http_event(const std::string& method, const std::string& path) {
  return R"({"version":"2.0","routeKey":"$default","rawPath":")" + path + R"(","rawQueryString":"","headers":{},
    "requestContext":{"http":{"method":")" + method + R"(","path":")" + path + R"(","sourceIp":"203.0.113.9"},
    "requestId":"r-1","stage":"$default","domainName":"x.execute-api.eu-west-1.amazonaws.com"},"isBase64Encoded":false})";
}

// The JSON document in a datagram (after the {"format":"json","version":1} header line).
boost::json::value document_of(const std::string& datagram) {
  return boost::json::parse(datagram.substr(datagram.find('\n') + 1));
}

TEST(ObservabilityMiddleware, ARequestLogsMeasuresAndTraces) {
  Captured out;
  auto o = make_observability(out);
  lift::App app;
  app.use(lift::mw::observability(o));
  app.get("/orders/:id", [](lift::Context& ctx) {
    auto* handles = lift::mw::observability_of(ctx);
    EXPECT_NE(handles, nullptr);
    if (handles != nullptr) handles->logger.info("loading", {{"order", *ctx.param("id")}});
    return boost::json::value{{"id", *ctx.param("id")}};
  });
  auto answer = app.invoke(invocation(http_event("GET", "/orders/42")));
  ASSERT_TRUE(answer) << answer.error().message;

  ASSERT_EQ(out.logs.size(), 1u);
  const auto line = boost::json::parse(out.logs[0]);
  EXPECT_EQ(line.at("message"), "loading");
  EXPECT_EQ(line.at("order"), "42");
  EXPECT_EQ(line.at("function_request_id"), "c6af9ac6-7b61-11e6-9a41-93e812345678");
  EXPECT_EQ(line.at("xray_trace_id"), "1-5759e988-bd862e3fe1be46a994272793");

  ASSERT_EQ(out.documents.size(), 1u);
  const auto emf = boost::json::parse(out.documents[0]);
  EXPECT_EQ(emf.at("route"), "/orders/:id");
  EXPECT_EQ(emf.at("method"), "GET");
  EXPECT_EQ(emf.at("status"), "2xx");
  EXPECT_EQ(emf.at("Requests"), 1);
  EXPECT_TRUE(emf.at("Latency").is_number());
  EXPECT_FALSE(emf.as_object().contains("Errors"));
  const auto& directive = emf.at("_aws").at("CloudWatchMetrics").at(0);
  EXPECT_EQ(directive.at("Namespace"), "Shop");

  ASSERT_FALSE(out.datagrams.empty());
  const auto segment = document_of(out.datagrams.back());
  EXPECT_EQ(segment.at("name"), "## handler");
  EXPECT_EQ(segment.at("trace_id"), "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(segment.at("parent_id"), "53995c3f42cd8ad8");
  EXPECT_EQ(segment.at("annotations").at("route"), "/orders/:id");
  EXPECT_FALSE(segment.as_object().contains("fault"));
}

TEST(ObservabilityMiddleware, FailuresAreCountedLoggedAndMarked) {
  Captured out;
  auto o = make_observability(out);
  lift::App app;
  app.use(lift::mw::recover(), lift::mw::observability(o));
  app.get("/broken", [](lift::Context&) -> lift::Result<void> { return lift::errors::internal(); });
  app.get("/throws", [](lift::Context&) -> lift::Result<void> { throw std::runtime_error("disk on fire"); });
  app.get("/missing-order", [](lift::Context&) -> lift::Result<void> { return lift::errors::not_found("no order 7"); });

  ASSERT_TRUE(app.invoke(invocation(http_event("GET", "/broken"))));
  auto emf = boost::json::parse(out.documents.back());
  EXPECT_EQ(emf.at("status"), "5xx");
  EXPECT_EQ(emf.at("Errors"), 1);
  EXPECT_NE(out.logs.back().find("request failed"), std::string::npos) << out.logs.back();
  ASSERT_FALSE(out.datagrams.empty());
  EXPECT_TRUE(document_of(out.datagrams.back()).at("fault").as_bool());

  // A client error is answered, counted as a request of class 4xx, and not a failure.
  out = {};
  ASSERT_TRUE(app.invoke(invocation(http_event("GET", "/missing-order"))));
  ASSERT_FALSE(out.documents.empty());
  emf = boost::json::parse(out.documents.back());
  EXPECT_EQ(emf.at("status"), "4xx");
  EXPECT_FALSE(emf.as_object().contains("Errors"));
  for (const auto& l : out.logs) EXPECT_EQ(l.find("request failed"), std::string::npos) << l;

  out = {};
  auto thrown = app.invoke(invocation(http_event("GET", "/throws")));
  ASSERT_TRUE(thrown);
  EXPECT_EQ(boost::json::parse(thrown->body).at("statusCode"), 500);  // recover() answered
  bool logged = false;
  for (const auto& l : out.logs) logged = logged || l.find("disk on fire") != std::string::npos;
  EXPECT_TRUE(logged);
  ASSERT_FALSE(out.documents.empty());
  EXPECT_EQ(boost::json::parse(out.documents.back()).at("Errors"), 1);
  ASSERT_FALSE(out.datagrams.empty());
  const auto segment = document_of(out.datagrams.back());
  EXPECT_EQ(segment.at("cause").at("exceptions").at(0).at("message"), "disk on fire");
}

// Requests no route matched are measured under stable names, not under the event kind
// ("apigw-http") nor one dimension per path a scanner tries.
TEST(ObservabilityMiddleware, RequestsNoRouteMatchedHaveStableRouteNames) {
  Captured out;
  auto o = make_observability(out);
  lift::App app;
  app.use(lift::mw::observability(o));
  // Middleware that answers before routing would: a refusal for a path with no route.
  app.use([](lift::Context& ctx, const lift::Next& next) -> lift::Result<void> {
    if (ctx.path() == "/private") return lift::Error{"Unauthorized", "sign in", 401};
    return next();
  });
  app.get("/orders/:id", [](lift::Context&) { return std::string("x"); });
  const auto route_of = [&](const std::string& method, const std::string& path) {
    out = {};
    EXPECT_TRUE(app.invoke(invocation(http_event(method, path))));
    EXPECT_EQ(out.documents.size(), 1u);
    if (out.documents.empty()) return std::string();
    const auto emf = boost::json::parse(out.documents.back());
    const auto segment = out.datagrams.empty() ? boost::json::value() : document_of(out.datagrams.back());
    const auto* annotation = segment.is_object() ? segment.at("annotations").as_object().if_contains("route") : nullptr;
    EXPECT_TRUE(annotation != nullptr && *annotation == emf.at("route")) << method << " " << path;
    return std::string(emf.at("route").as_string());
  };
  EXPECT_EQ(route_of("GET", "/orders/7"), "/orders/:id");
  EXPECT_EQ(route_of("GET", "/wp-admin/setup.php"), "NotFound");
  EXPECT_EQ(route_of("DELETE", "/orders/7"), "MethodNotAllowed");
  EXPECT_EQ(route_of("OPTIONS", "/orders/7"), "Options");
  EXPECT_EQ(route_of("GET", "/private"), "Unmatched");
}

TEST(ObservabilityMiddleware, EventsAreMeasuredByKindAndNothingIsTracedWhenNotSampled) {
  Captured out;
  auto o = make_observability(out);
  lift::App app;
  app.use(lift::mw::observability(o));
  app.on_event([](lift::Context&, const boost::json::value&) -> lift::Result<boost::json::value> { return boost::json::value{}; });
  auto in = invocation(R"({"hello":"world"})");
  in.context.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0";
  ASSERT_TRUE(app.invoke(in));
  const auto emf = boost::json::parse(out.documents.back());
  EXPECT_EQ(emf.at("route"), "unknown");
  EXPECT_EQ(emf.at("method"), "EVENT");
  EXPECT_TRUE(out.datagrams.empty());
}

TEST(ObservabilityMiddleware, TheColdStartIsLoggedAndMeasuredOnce) {
  Captured out;
  auto o = make_observability(out);
  lift::App app;
  app.use(lift::mw::observability(o));
  app.get("/hello", [](lift::Context&) { return boost::json::value{{"ok", true}}; });
  auto first = invocation(http_event("GET", "/hello"));
  first.context.cold_start = lift::runtime::InitTiming{std::chrono::microseconds(900), std::chrono::microseconds(2500),
                                                       std::chrono::microseconds(400)};
  ASSERT_TRUE(app.invoke(first));
  ASSERT_EQ(out.logs.size(), 1u);
  const auto line = boost::json::parse(out.logs[0]);
  EXPECT_EQ(line.at("message"), "cold start");
  EXPECT_DOUBLE_EQ(line.at("init_user_ms").to_number<double>(), 2.5);
  EXPECT_DOUBLE_EQ(line.at("init_total_ms").to_number<double>(), 3.8);
  const auto emf = boost::json::parse(out.documents.back());
  EXPECT_DOUBLE_EQ(emf.at("InitBeforeMain").to_number<double>(), 0.9);
  EXPECT_DOUBLE_EQ(emf.at("InitRuntime").to_number<double>(), 0.4);

  out = {};
  ASSERT_TRUE(app.invoke(invocation(http_event("GET", "/hello"))));
  EXPECT_TRUE(out.logs.empty());
  EXPECT_FALSE(boost::json::parse(out.documents.back()).as_object().contains("InitUser"));
}

}  // namespace

namespace {

// A breaker of the process's registry opening inside a request: one CircuitBreakerStateChange
// document of its own (breaker and state as its dimensions, in the function's namespace), the
// request's document untouched; nothing more once the middleware is gone.
TEST(ObservabilityMiddleware, BreakerStateChangesAreCountedInTheirOwnDocuments) {
  Captured out;
  auto o = make_observability(out);
  auto breaker = lift::resilience::breakers()
                     .get_or_create("observability-test-payments",
                                    {.window_size = 1, .minimum_calls = 1, .open_duration = std::chrono::hours(1), .log = nullptr})
                     .value();
  {
    lift::App app;
    app.use(lift::mw::observability(o));
    app.get("/pay", [&](lift::Context&) -> lift::Result<boost::json::value> {
      return breaker.call([]() -> lift::Result<boost::json::value> { return lift::errors::unavailable("payments down"); });
    });
    auto answer = app.invoke(invocation(http_event("GET", "/pay")));
    ASSERT_TRUE(answer) << answer.error().message;

    ASSERT_EQ(out.documents.size(), 2u);
    const auto change = boost::json::parse(out.documents[0]).as_object();
    EXPECT_EQ(change.at("CircuitBreakerStateChange"), 1);
    EXPECT_EQ(change.at("breaker"), "observability-test-payments");
    EXPECT_EQ(change.at("state"), "open");
    EXPECT_EQ(change.at("service"), "orders");
    EXPECT_FALSE(change.contains("route"));
    const auto& directive = change.at("_aws").at("CloudWatchMetrics").at(0);
    EXPECT_EQ(directive.at("Namespace"), "Shop");
    EXPECT_EQ(directive.at("Dimensions"), boost::json::parse(R"([["service","breaker","state"]])"));
    EXPECT_EQ(directive.at("Metrics"), boost::json::parse(R"([{"Name":"CircuitBreakerStateChange","Unit":"Count"}])"));

    const auto request = boost::json::parse(out.documents[1]).as_object();
    EXPECT_EQ(request.at("route"), "/pay");
    EXPECT_FALSE(request.contains("breaker"));
    EXPECT_FALSE(request.contains("CircuitBreakerStateChange"));

    breaker.reset();  // closed again, outside any invocation
    ASSERT_EQ(out.documents.size(), 3u);
    EXPECT_EQ(boost::json::parse(out.documents[2]).at("state"), "closed");
  }
  out.documents.clear();
  (void)breaker.call([]() -> lift::Result<int> { return lift::errors::unavailable("payments down"); });
  EXPECT_EQ(breaker.state(), lift::resilience::BreakerState::open);
  EXPECT_TRUE(out.documents.empty());
}

TEST(ObservabilityMiddleware, BreakerMetricsCanBeTurnedOff) {
  Captured out;
  auto o = make_observability(out);
  auto breaker = lift::resilience::breakers()
                     .get_or_create("observability-test-off", {.window_size = 1, .minimum_calls = 1, .log = nullptr})
                     .value();
  const auto middleware = lift::mw::observability(o, {.breaker_metrics = false});
  (void)breaker.call([]() -> lift::Result<int> { return lift::errors::unavailable("down"); });
  EXPECT_EQ(breaker.state(), lift::resilience::BreakerState::open);
  EXPECT_TRUE(out.documents.empty());
}

}  // namespace

// observability_for: the deployment's Powertools variables win over the names the function gives.
TEST(ObservabilityFor, TheFunctionsNamesUnlessTheDeploymentSetsThem) {
  {
    lift::testing_support::ScopedEnv service("POWERTOOLS_SERVICE_NAME", nullptr);
    lift::testing_support::ScopedEnv ns("POWERTOOLS_METRICS_NAMESPACE", nullptr);
    const auto o = lift::mw::observability_for("todo-api", "lift-examples");
    EXPECT_EQ(o.logger.service(), "todo-api");
    EXPECT_EQ(o.metrics.metrics_namespace(), "lift-examples");
  }
  {
    lift::testing_support::ScopedEnv service("POWERTOOLS_SERVICE_NAME", "orders");
    lift::testing_support::ScopedEnv ns("POWERTOOLS_METRICS_NAMESPACE", "Shop");
    const auto o = lift::mw::observability_for("todo-api", "lift-examples");
    EXPECT_EQ(o.logger.service(), "orders");
    EXPECT_EQ(o.metrics.metrics_namespace(), "Shop");
  }
}
