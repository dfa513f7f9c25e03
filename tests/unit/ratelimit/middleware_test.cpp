// The rate limit middleware through the real adapters (lift::testing): headers on every answer of
// a limited route, 429 in the one error body with Retry-After, limits per route and per tenant
// plan, the key (principal, tenant, API key, the request context's source IP, never
// X-Forwarded-For; a WebSocket connection), store failures failing open or closed, metrics and
// the log line, and configurations refused at start-up.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/events/http_events.hpp"
#include "lift/lift.hpp"
#include "lift/middleware/auth.hpp"
#include "lift/ratelimit/dynamodb.hpp"
#include "lift/ratelimit/middleware.hpp"
#include "lift/ratelimit/token_bucket.hpp"
#include "support/dynamodb_clients.hpp"
#include "lift/resilience/errors.hpp"
#include "lift/testing/invoke.hpp"
#include "unit/middleware/observability_capture.hpp"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using lift::ratelimit::Limit;

std::shared_ptr<lift::ratelimit::TokenBucket> bucket() { return *lift::ratelimit::TokenBucket::create(); }

lift::Middleware limit_or_fail(lift::mw::RateLimitOptions options) {
  auto made = lift::mw::rate_limit(std::move(options));
  EXPECT_TRUE(made) << made.error().message;
  return made ? *made : lift::Middleware();
}

// A limiter whose store is down.
class BrokenStore final : public lift::ratelimit::Limiter {
 public:
  lift::Result<lift::ratelimit::Decision> acquire(std::string_view, const Limit&) override {
    return lift::Error{std::string(lift::ratelimit::kStoreError), "the rate limit store failed counting a request: DynamoDB.Throttling", 503, {}};
  }
  [[nodiscard]] std::string_view algorithm() const noexcept override { return "broken"; }
};

TEST(RateLimitMiddleware, EveryAnswerCarriesTheHeadersAndOverTheLimitIs429) {
  lift::App app;
  app.use(limit_or_fail({.limiter = bucket(), .limit = Limit{2, 60s}}));
  std::atomic<int> ran{0};
  app.get("/items", [&ran](lift::Context&) {
    ++ran;
    return json::value{{"ok", true}};
  });
  const auto http = lift::testing::http(app);
  for (int i = 0; i < 2; ++i) {
    auto answer = http.get("/items");
    EXPECT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(answer.headers.get("ratelimit-limit").value_or(""), "2");
    EXPECT_EQ(answer.headers.get("ratelimit-remaining").value_or(""), std::to_string(1 - i));
    EXPECT_EQ(answer.headers.get("ratelimit-reset").value_or(""), i == 0 ? "30" : "60");
    EXPECT_EQ(answer.headers.get("ratelimit-policy").value_or(""), "2;w=60");
    EXPECT_EQ(answer.headers.get("x-ratelimit-limit").value_or(""), "2");
    EXPECT_EQ(answer.headers.get("x-ratelimit-remaining").value_or(""), std::to_string(1 - i));
    EXPECT_TRUE(answer.headers.get("x-ratelimit-reset"));
    EXPECT_FALSE(answer.headers.get("retry-after"));
  }
  auto refused = http.get("/items");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.json().at("error").at("code"), "TooManyRequests");
  EXPECT_EQ(refused.headers.get("retry-after").value_or(""), "30");
  EXPECT_EQ(refused.headers.get("ratelimit-remaining").value_or(""), "0");
  EXPECT_EQ(refused.headers.get("x-ratelimit-limit").value_or(""), "2");
  EXPECT_EQ(ran.load(), 2);  // the refused request never reached the handler

  // A handler's error answer carries them too.
  lift::App failing;
  failing.use(limit_or_fail({.limiter = bucket(), .limit = Limit{5, 60s}}));
  failing.get("/missing", [](lift::Context&) -> lift::Result<json::value> { return lift::errors::not_found("gone"); });
  auto missing = lift::testing::http(failing).get("/missing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers.get("ratelimit-remaining").value_or(""), "4");
}

TEST(RateLimitMiddleware, RoutesHaveTheirOwnLimitsAndCounts) {
  lift::App app;
  app.use(limit_or_fail({.limiter = bucket(), .routes = {{"POST", "/items", Limit{1, 60s}}, {"*", "/items/:id", Limit{3, 60s}}}}));
  app.post("/items", [](lift::Context&) { return json::value{{"created", true}}; });
  app.get("/items", [](lift::Context&) { return json::value{{"listed", true}}; });
  app.get("/items/:id", [](lift::Context& ctx) { return json::value{{"id", *ctx.param("id")}}; });
  const auto http = lift::testing::http(app);
  EXPECT_EQ(http.post("/items", "{}").status, 200);
  EXPECT_EQ(http.post("/items", "{}").status, 429);
  // GET /items has no limit: untouched, no headers.
  auto listed = http.get("/items");
  EXPECT_EQ(listed.status, 200);
  EXPECT_FALSE(listed.headers.get("ratelimit-limit"));
  // One pattern, one count, whatever the id.
  EXPECT_EQ(http.get("/items/a").status, 200);
  EXPECT_EQ(http.get("/items/b").status, 200);
  EXPECT_EQ(http.get("/items/c").headers.get("ratelimit-remaining").value_or(""), "0");
  EXPECT_EQ(http.get("/items/d").status, 429);
}

// An answer that echoes the key the middleware would use.
lift::App key_echo(std::function<lift::Result<std::string>(const lift::Context&)> key = lift::mw::rate_limit_caller_key) {
  lift::App app;
  app.use(lift::mw::gateway_principal({}, true));
  app.any("/*path", [key](lift::Context& ctx) -> lift::Result<json::value> {
    LIFT_TRY(k, key(ctx));
    return json::value{{"key", k}};
  });
  return app;
}

std::string key_of(const lift::App& app, const json::object& event) {
  auto answer = lift::testing::invoke_http(app, event);
  if (answer.status != 200) return "status " + std::to_string(answer.status) + ": " + answer.body;
  return std::string(answer.json().at("key").as_string());
}

lift::events::HttpRequestDescription spoofed_request() {
  lift::events::HttpRequestDescription request;
  request.path = "/x";
  request.source_ip = "198.51.100.7";
  request.headers = {{"X-Forwarded-For", "10.0.0.1, 10.0.0.2"}};
  return request;
}

TEST(RateLimitMiddleware, TheSourceIpComesFromTheRequestContextNeverFromXForwardedFor) {
  const auto app = key_echo();
  EXPECT_EQ(key_of(app, lift::events::http_api_event(spoofed_request())), "ip:198.51.100.7");
  EXPECT_EQ(key_of(app, lift::events::rest_api_event(spoofed_request())), "ip:198.51.100.7");
  // A REST event without the identity's address has none: X-Forwarded-For is not read instead.
  auto rest = lift::events::rest_api_event(spoofed_request());
  rest["requestContext"].as_object()["identity"].as_object().erase("sourceIp");
  EXPECT_NE(key_of(app, rest).find("status 400"), std::string::npos);
  // Behind a load balancer the address it saw is the last one it appended.
  auto alb_request = spoofed_request();
  alb_request.headers = {{"X-Forwarded-For", "10.0.0.1, 203.0.113.50"}};
  EXPECT_EQ(key_of(app, lift::events::alb_event(alb_request, "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1")),
            "ip:203.0.113.50");

  // Changing X-Forwarded-For does not escape the limit.
  lift::App limited;
  limited.use(limit_or_fail({.limiter = bucket(), .limit = Limit{1, 60s}}));
  limited.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  auto first = spoofed_request();
  EXPECT_EQ(lift::testing::invoke_http(limited, lift::events::http_api_event(first)).status, 200);
  auto second = spoofed_request();
  second.headers = {{"X-Forwarded-For", "192.0.2.99"}};
  EXPECT_EQ(lift::testing::invoke_http(limited, lift::events::http_api_event(second)).status, 429);
}

TEST(RateLimitMiddleware, ThePrincipalItsTenantOrTheApiKeyComeFirst) {
  const auto app = key_echo();
  auto with_claims = [](json::object claims) {
    auto event = lift::events::http_api_event(spoofed_request());
    event["requestContext"].as_object()["authorizer"] = json::object{{"jwt", json::object{{"claims", std::move(claims)}, {"scopes", json::array{}}}}};
    return event;
  };
  EXPECT_EQ(key_of(app, with_claims({{"sub", "user-1"}, {"tenant_id", "acme"}})), "user:user-1");
  EXPECT_EQ(key_of(key_echo(lift::mw::rate_limit_tenant_key), with_claims({{"sub", "user-1"}, {"tenant_id", "acme"}})), "tenant:acme");
  EXPECT_EQ(key_of(key_echo(lift::mw::rate_limit_tenant_key), lift::events::http_api_event(spoofed_request())), "ip:198.51.100.7");

  // The API key API Gateway checked (REST): stored as its hash, never in clear.
  auto rest = lift::events::rest_api_event(spoofed_request());
  rest["requestContext"].as_object()["identity"].as_object()["apiKey"] = "secret-key-123";
  const auto key = key_of(app, rest);
  EXPECT_TRUE(key.starts_with("apikey:")) << key;
  EXPECT_EQ(key.find("secret"), std::string::npos);
  EXPECT_EQ(key.size(), 7U + 64U);
}

TEST(RateLimitMiddleware, WebSocketMessagesAreLimitedPerConnection) {
  lift::App app;
  app.use(limit_or_fail({.limiter = bucket(), .limit = Limit{2, 60s}, .key = lift::mw::rate_limit_connection_key}));
  app.websocket("$default", [](lift::Context&) { return lift::http::Response::empty(200); });
  auto message = [](const std::string& connection) {
    lift::events::WebSocketEventInfo info;
    info.route_key = "$default";
    info.event_type = "MESSAGE";
    info.connection_id = connection;
    info.message_id = "m";
    lift::events::HttpRequestDescription request;
    request.body = "hello";
    return lift::events::websocket_event(request, info);
  };
  EXPECT_EQ(lift::testing::invoke_http(app, message("conn-A")).status, 200);
  EXPECT_EQ(lift::testing::invoke_http(app, message("conn-A")).status, 200);
  EXPECT_EQ(lift::testing::invoke_http(app, message("conn-A")).status, 429);
  EXPECT_EQ(lift::testing::invoke_http(app, message("conn-B")).status, 200);

  // An HTTP request has no connection: a clear 400, not a crash.
  lift::App http_app;
  http_app.use(limit_or_fail({.limiter = bucket(), .limit = Limit{2, 60s}, .key = lift::mw::rate_limit_connection_key}));
  http_app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  auto refused = lift::testing::http(http_app).get("/x");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json().at("error").at("code"), "RateLimitKeyInvalid");
}

TEST(RateLimitMiddleware, ATenantsPlanComesFromAFunctionOrItsClaims) {
  auto with_tenant = [](const std::string& tenant, json::object extra = {}) {
    auto event = lift::events::http_api_event(spoofed_request());
    json::object claims{{"sub", "u-" + tenant}, {"tenant_id", tenant}};
    for (auto& [k, v] : extra) claims[k] = v;
    event["requestContext"].as_object()["authorizer"] = json::object{{"jwt", json::object{{"claims", claims}, {"scopes", json::array{}}}}};
    return event;
  };
  lift::App app;
  app.use(lift::mw::gateway_principal({}, true));
  app.use(limit_or_fail({.limiter = bucket(),
                         .limit = Limit{3, 60s},
                         .tenant_limit = [](const lift::Context&, std::string_view tenant) -> std::optional<Limit> {
                           if (tenant == "free") return Limit{1, 60s};
                           return std::nullopt;
                         },
                         .plan_claim = "rate_limit",
                         .key = lift::mw::rate_limit_tenant_key}));
  app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  EXPECT_EQ(lift::testing::invoke_http(app, with_tenant("free")).status, 200);
  EXPECT_EQ(lift::testing::invoke_http(app, with_tenant("free")).status, 429);
  // No plan: the default limit.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(lift::testing::invoke_http(app, with_tenant("pro")).status, 200);
  EXPECT_EQ(lift::testing::invoke_http(app, with_tenant("pro")).status, 429);
  // A plan in the token's claims, over the default's period.
  auto gold = lift::testing::invoke_http(app, with_tenant("gold", {{"rate_limit", 10}}));
  EXPECT_EQ(gold.headers.get("ratelimit-limit").value_or(""), "10");
  EXPECT_EQ(gold.headers.get("ratelimit-policy").value_or(""), "10;w=60");
  // A malformed claim is ignored: the default applies.
  auto odd = lift::testing::invoke_http(app, with_tenant("odd", {{"rate_limit", "lots"}}));
  EXPECT_EQ(odd.headers.get("ratelimit-limit").value_or(""), "3");
}

TEST(RateLimitMiddleware, AFailingStoreFailsOpenWithOneWarningAndAMetric) {
  lift::middleware_test::Captured out;
  auto obs = lift::middleware_test::make_observability(out);
  lift::App app;
  app.use(lift::mw::observability(obs));
  app.use(limit_or_fail({.limiter = std::make_shared<BrokenStore>(), .limit = Limit{1, 60s}}));
  app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  auto answer = lift::testing::http(app).get("/x");
  EXPECT_EQ(answer.status, 200);
  EXPECT_FALSE(answer.headers.get("ratelimit-limit"));
  int warnings = 0;
  for (const auto& line : out.logs) {
    const auto log = json::parse(line).as_object();
    if (log.at("level") == "WARN") {
      ++warnings;
      EXPECT_EQ(log.at("error_code"), "RateLimitStoreError");
      EXPECT_EQ(log.at("route"), "/x");
    }
  }
  EXPECT_EQ(warnings, 1);
  ASSERT_EQ(out.documents.size(), 1U);
  const auto document = json::parse(out.documents[0]).as_object();
  EXPECT_EQ(document.at("RateLimitStoreErrors").to_number<double>(), 1.0);
  EXPECT_EQ(document.at("route"), "/x");  // per route, with the observability middleware's dimensions
}

TEST(RateLimitMiddleware, AFailingStoreFailsClosedWith503WhenAsked) {
  lift::App app;
  app.use(limit_or_fail({.limiter = std::make_shared<BrokenStore>(), .limit = Limit{1, 60s}, .fail_open = false}));
  app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  auto answer = lift::testing::http(app).get("/x");
  EXPECT_EQ(answer.status, 503);
  EXPECT_EQ(answer.json().at("error").at("code"), "ServiceUnavailable");
}

TEST(RateLimitMiddleware, OverDynamoDbAMissingTableIsAStoreFailure) {
  lift::dynamorm::MemoryEngine engine;
  auto client = lift::aws::DynamoDbClient::create(lift::testing_support::memory_client_options(engine));
  ASSERT_TRUE(client);
  auto limiter = *lift::ratelimit::DynamoDbLimiter::create(*client, {.table = "absent"});
  lift::App open_app;
  open_app.use(limit_or_fail({.limiter = limiter, .limit = Limit{1, 60s}}));
  open_app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  EXPECT_EQ(lift::testing::http(open_app).get("/x").status, 200);
  lift::App closed_app;
  closed_app.use(limit_or_fail({.limiter = limiter, .limit = Limit{1, 60s}, .fail_open = false}));
  closed_app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  EXPECT_EQ(lift::testing::http(closed_app).get("/x").status, 503);

  // With the table: limited, and the metrics say so.
  ASSERT_TRUE(limiter->create_table());
  lift::middleware_test::Captured out;
  auto obs = lift::middleware_test::make_observability(out);
  lift::App app;
  app.use(lift::mw::observability(obs));
  app.use(limit_or_fail({.limiter = *lift::ratelimit::DynamoDbLimiter::create(*client, {.table = "absent"}), .limit = Limit{1, 3600s}}));
  app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  EXPECT_EQ(lift::testing::http(app).get("/x").status, 200);
  auto refused = lift::testing::http(app).get("/x");
  EXPECT_EQ(refused.status, 429);
  EXPECT_TRUE(refused.headers.get("retry-after"));
  ASSERT_EQ(out.documents.size(), 2U);
  EXPECT_EQ(json::parse(out.documents[0]).at("RateLimitAllowed").to_number<double>(), 1.0);
  EXPECT_EQ(json::parse(out.documents[1]).at("RateLimitLimited").to_number<double>(), 1.0);
}

TEST(RateLimitMiddleware, BadKeysAreHashedOrRefusedNeverACrash) {
  lift::App app;
  app.use(limit_or_fail({.limiter = bucket(), .limit = Limit{1, 60s}, .key = [](const lift::Context& ctx) -> lift::Result<std::string> {
                           return std::string(ctx.header("x-client").value_or(""));
                         }}));
  app.get("/x", [](lift::Context&) { return json::value{{"ok", true}}; });
  const auto http = lift::testing::http(app);
  auto empty = http.get("/x");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.json().at("error").at("code"), "RateLimitKeyInvalid");
  const std::string huge(8000, 'k');
  EXPECT_EQ(http.request("GET", "/x", "", "", {{"x-client", huge}}).status, 200);
  EXPECT_EQ(http.request("GET", "/x", "", "", {{"x-client", huge}}).status, 429);
}

TEST(RateLimitMiddleware, OtherEventsPassUntouched) {
  lift::App app;
  app.use(limit_or_fail({.limiter = bucket(), .limit = Limit{1, 60s}}));
  std::atomic<int> handled{0};
  app.sqs("orders", [&handled](lift::Context&, const lift::events::SqsMessage&) -> lift::Result<void> {
    ++handled;
    return {};
  });
  const json::object event{{"Records", json::array{json::object{{"messageId", "m1"},
                                                                {"receiptHandle", "r"},
                                                                {"body", "{}"},
                                                                {"attributes", json::object{}},
                                                                {"messageAttributes", json::object{}},
                                                                {"md5OfBody", "99914b932bd37a50b983c5e7c90ae93b"},
                                                                {"eventSource", "aws:sqs"},
                                                                {"eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:orders"},
                                                                {"awsRegion", "us-east-1"}}}}};
  for (int i = 0; i < 3; ++i) {
    auto answer = lift::testing::invoke(app, event);
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_TRUE(answer->failed_items().empty());
  }
  EXPECT_EQ(handled.load(), 3);
}

TEST(RateLimitMiddleware, ConfigurationsThatCannotWorkAreRefusedAtStartUp) {
  const auto refused = [](lift::mw::RateLimitOptions options) {
    auto made = lift::mw::rate_limit(std::move(options));
    return !made && made.error().code == lift::resilience::kInvalidConfiguration;
  };
  EXPECT_TRUE(refused({.limit = Limit{1, 60s}}));                                      // no limiter
  EXPECT_TRUE(refused({.limiter = bucket()}));                                         // nothing to limit by
  EXPECT_TRUE(refused({.limiter = bucket(), .limit = Limit{0, 60s}}));                 // zero requests
  EXPECT_TRUE(refused({.limiter = bucket(), .limit = Limit{-1, 60s}}));                // negative
  EXPECT_TRUE(refused({.limiter = bucket(), .limit = Limit{5, 0s}}));                  // no period
  EXPECT_TRUE(refused({.limiter = bucket(), .routes = {{"GET", "/x", Limit{0, 1s}}}}));  // a route's
  EXPECT_TRUE(refused({.limiter = bucket(), .routes = {{"GET", "", Limit{1, 1s}}}}));
  EXPECT_TRUE(refused({.limiter = bucket(), .limit = Limit{1, 60s}, .name = "has space"}));
  EXPECT_TRUE(refused({.limiter = bucket(), .limit = Limit{1, 60s}, .name = ""}));
}

}  // namespace
