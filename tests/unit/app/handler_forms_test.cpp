// Handler forms that cut ceremony: a thrown lift::Error answered as a returned one (HTTP and
// event records), LIFT_TRY inside handlers, and query parameters and headers bound to
// described structs (lift::Query<P>, lift::Headers<H>).
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/events/sqs.hpp"
#include "support/invoke.hpp"
#include "support/json.hpp"

namespace handler_forms_test {

struct ListParams {
  std::int32_t limit = 25;
  std::optional<std::string> cursor;
  std::vector<std::string> tag;
  bool done = false;
};
BOOST_DESCRIBE_STRUCT(ListParams, (), (limit, cursor, tag, done))

inline void lift_rules(lift::json::Rules<ListParams>& r) { r.field(&ListParams::limit).min(1).max(100); }

struct Preconditions {
  std::optional<std::int64_t> if_match;
  std::string x_tenant;
};
BOOST_DESCRIBE_STRUCT(Preconditions, (), (if_match, x_tenant))

inline void lift_rules(lift::json::Rules<Preconditions>& r) { r.field(&Preconditions::x_tenant).required().length(1, 64); }

struct Rename {
  std::string title;
};
BOOST_DESCRIBE_STRUCT(Rename, (), (title))

struct Echo {
  std::int32_t limit = 0;
  std::string cursor;
  std::vector<std::string> tag;
  bool done = false;
  std::int64_t version = -1;
  std::string tenant;
  std::string title;
};
BOOST_DESCRIBE_STRUCT(Echo, (), (limit, cursor, tag, done, version, tenant, title))

}  // namespace handler_forms_test

namespace {

using handler_forms_test::Echo;
using handler_forms_test::ListParams;
using handler_forms_test::Preconditions;
using handler_forms_test::Rename;
using lift::App;
using lift::Context;
using lift::Result;
using lift::http::Request;
using lift::testing_support::json_of;
namespace events = lift::events;
using Json = boost::json::value;

Request http_request(std::string method, std::string path, std::vector<std::pair<std::string, std::string>> query = {},
                std::string body = {}) {
  Request r;
  r.method = std::move(method);
  r.path = path;
  r.raw_path = std::move(path);
  for (auto& [name, value] : query) r.query.add(name, value);
  r.body = std::move(body);
  r.request_id = "req-1";
  return r;
}

Json sqs_batch(const std::vector<std::string>& bodies) {
  boost::json::array records;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    records.push_back(Json{{"messageId", "m" + std::to_string(i + 1)},
                           {"receiptHandle", "h"},
                           {"body", bodies[i]},
                           {"attributes", boost::json::object{}},
                           {"messageAttributes", boost::json::object{}},
                           {"md5OfBody", "0"},
                           {"eventSource", "aws:sqs"},
                           {"eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:orders"},
                           {"awsRegion", "us-east-1"}});
  }
  return Json{{"Records", records}};
}

// ---- a thrown lift::Error ----

TEST(ThrownError, AnHttpHandlerThrowingALiftErrorAnswersItsStatusAndTheOneErrorBody) {
  App app;
  // A handler returning a plain value can still fail with a status.
  app.get("/orders/:id", [](Context& ctx) -> Echo {
    if (ctx.param("id") == "missing") throw lift::errors::not_found("no order missing");
    return Echo{};
  });
  auto got = app.handle(http_request("GET", "/orders/missing"));
  EXPECT_EQ(got.status, 404);
  EXPECT_EQ(got.headers.get("content-type"), "application/json");
  const auto body = json_of(got.body);
  EXPECT_EQ(body.at("error").at("code"), "NotFound");
  EXPECT_EQ(body.at("error").at("message"), "no order missing");
  EXPECT_EQ(body.at("error").at("request_id"), "req-1");
  EXPECT_EQ(app.handle(http_request("GET", "/orders/7")).status, 200);
}

TEST(ThrownError, MiddlewareSeesAThrownErrorAsAReturnedOne) {
  App app;
  std::vector<std::string> seen;
  app.use([&seen](Context&, const lift::Next& next) -> Result<void> {
    auto result = next();
    seen.push_back(result ? "ok" : result.error().code + "/" + std::to_string(result.error().status));
    return result;
  });
  app.use([](Context& ctx, const lift::Next& next) -> Result<void> {
    if (ctx.header("x-block")) throw lift::errors::forbidden("blocked");
    return next();
  });
  app.post("/things", [](Context&, Rename in) -> Result<Rename> {
    if (in.title == "taken") throw lift::Error{"Conflict", "title taken", 409, {{"title", "is taken"}}};
    return in;
  });
  auto conflict = app.handle(http_request("POST", "/things", {}, R"({"title":"taken"})"));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json_of(conflict.body).at("error").at("details").at(0).at("field"), "title");
  auto blocked_request = http_request("POST", "/things", {}, R"({"title":"x"})");
  blocked_request.headers.add("X-Block", "1");
  EXPECT_EQ(app.handle(blocked_request).status, 403);
  EXPECT_EQ(seen, (std::vector<std::string>{"Conflict/409", "Forbidden/403"}));
}

TEST(ThrownError, AnSqsRecordThrowingALiftErrorFailsAloneAndIsLoggedAsAFailedRecord) {
  App app;
  app.sqs("orders", [](Context&, const events::SqsMessage& m) {
    if (m.body == "unknown") throw lift::errors::not_found("no such order");
  });
  testing::internal::CaptureStderr();
  auto answer = lift::testing_support::invoke(app, sqs_batch({"a", "unknown", "b"}));
  const auto log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->at("batchItemFailures").as_array().size(), 1u);
  EXPECT_EQ(answer->at("batchItemFailures").at(0).at("itemIdentifier"), "m2");
  // An expected failure, not an unhandled exception.
  EXPECT_NE(log.find("\"error_code\":\"NotFound\""), std::string::npos) << log;
  EXPECT_EQ(log.find("unhandled exception"), std::string::npos) << log;
}

TEST(ThrownError, LiftTryInAHandlerReturnsTheErrorItMeets) {
  const auto parse_id = [](std::string_view text) -> Result<std::int64_t> {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return lift::errors::bad_request("id is not a number");
    return std::stoll(std::string(text));
  };
  App app;
  app.get("/orders/:id", [&parse_id](Context& ctx) -> Result<Echo> {
    LIFT_TRY(id, parse_id(*ctx.param("id")));
    Echo out;
    out.version = id;
    return out;
  });
  EXPECT_EQ(json_of(app.handle(http_request("GET", "/orders/12")).body).at("version"), 12);
  EXPECT_EQ(app.handle(http_request("GET", "/orders/x1")).status, 400);
}

// ---- Query<P> and Headers<H> ----

App params_app() {
  App app;
  app.get("/todos", [](Context&, lift::Query<ListParams> q) {
    Echo out;
    out.limit = q.limit;
    out.cursor = q.cursor.value_or("");
    out.tag = q.tag;
    out.done = q.done;
    return out;
  });
  app.patch("/todos/:id", [](Context&, lift::Headers<Preconditions> h, Rename in, lift::Query<ListParams> q) {
    Echo out;
    out.version = h.if_match.value_or(-1);
    out.tenant = h.x_tenant;
    out.title = in.title;
    out.limit = q.limit;
    return out;
  });
  return app;
}

TEST(QueryParams, BindToTheStructWithDefaultsRepeatsAndTypes) {
  const auto app = params_app();
  auto defaults = json_of(app.handle(http_request("GET", "/todos")).body);
  EXPECT_EQ(defaults.at("limit"), 25);
  EXPECT_EQ(defaults.at("cursor"), "");
  EXPECT_EQ(defaults.at("done"), false);
  auto given = app.handle(http_request("GET", "/todos", {{"limit", "10"}, {"cursor", "abc"}, {"tag", "a"}, {"tag", "b"}, {"done", "true"}}));
  ASSERT_EQ(given.status, 200) << given.body;
  auto body = json_of(given.body);
  EXPECT_EQ(body.at("limit"), 10);
  EXPECT_EQ(body.at("cursor"), "abc");
  EXPECT_EQ(body.at("tag"), json_of(R"(["a","b"])"));
  EXPECT_EQ(body.at("done"), true);
  // A string member takes any text, numbers included.
  EXPECT_EQ(json_of(app.handle(http_request("GET", "/todos", {{"cursor", "12"}})).body).at("cursor"), "12");
}

TEST(QueryParams, BadParametersAre400NamingEachBeforeTheHandlerRuns) {
  const auto app = params_app();
  const auto refused = [&](std::vector<std::pair<std::string, std::string>> query) {
    auto got = app.handle(http_request("GET", "/todos", std::move(query)));
    EXPECT_EQ(got.status, 400) << got.body;
    return json_of(got.body).at("error");
  };
  auto not_a_number = refused({{"limit", "ten"}});
  EXPECT_EQ(not_a_number.at("code"), "InvalidQuery");
  EXPECT_EQ(not_a_number.at("message"), "query parameter limit: expected integer");
  EXPECT_EQ(not_a_number.at("details").at(0).at("field"), "limit");
  for (const char* text : {"1.0", "1e3", " 5", "5 ", "", "+5", "0x10"}) {
    EXPECT_EQ(refused({{"limit", text}}).at("code"), "InvalidQuery") << text;
  }
  auto too_big = refused({{"limit", "500"}});
  EXPECT_EQ(too_big.at("message"), "query parameter limit: must be at most 100");
  EXPECT_EQ(refused({{"limit", "99999999999999999999"}}).at("code"), "InvalidQuery");
  auto twice = refused({{"limit", "5"}, {"limit", "6"}});
  EXPECT_EQ(twice.at("details").at(0).at("message"), "expected one value, got 2");
  auto two_problems = refused({{"limit", "ten"}, {"done", "maybe"}});
  EXPECT_EQ(two_problems.at("details").as_array().size(), 2u);
  EXPECT_NE(std::string(two_problems.at("message").as_string()).find("(and 1 more problem)"), std::string::npos);
}

TEST(HeaderParams, BindByHeaderNameInAnyCaseWithBodyAndQueryInAnyOrder) {
  const auto app = params_app();
  auto r = http_request("PATCH", "/todos/1", {{"limit", "3"}}, R"({"title":"new"})");
  r.headers.add("IF-MATCH", "7");
  r.headers.add("x-tenant", "acme");
  auto got = app.handle(r);
  ASSERT_EQ(got.status, 200) << got.body;
  auto body = json_of(got.body);
  EXPECT_EQ(body.at("version"), 7);
  EXPECT_EQ(body.at("tenant"), "acme");
  EXPECT_EQ(body.at("title"), "new");
  EXPECT_EQ(body.at("limit"), 3);

  // A header that does not convert, and a required one that is missing, are named as headers.
  auto weak = http_request("PATCH", "/todos/1", {}, R"({"title":"new"})");
  weak.headers.add("If-Match", "W/\"7\"");
  weak.headers.add("X-Tenant", "acme");
  auto refused = app.handle(weak);
  EXPECT_EQ(refused.status, 400);
  auto error = json_of(refused.body).at("error");
  EXPECT_EQ(error.at("code"), "InvalidHeader");
  EXPECT_EQ(error.at("message"), "header If-Match: expected integer");
  EXPECT_EQ(error.at("details").at(0).at("field"), "If-Match");
  auto missing = http_request("PATCH", "/todos/1", {}, R"({"title":"new"})");
  missing.headers.add("If-Match", "7");
  error = json_of(app.handle(missing).body).at("error");
  EXPECT_EQ(error.at("code"), "InvalidHeader");
  EXPECT_EQ(error.at("message"), "header X-Tenant: is required");
  EXPECT_EQ(error.at("details").at(0).at("field"), "X-Tenant");

  // Parameters are bound in the handler's order: the headers' error comes before the body's.
  auto both_bad = http_request("PATCH", "/todos/1", {}, "{not json");
  EXPECT_EQ(json_of(app.handle(both_bad).body).at("error").at("code"), "InvalidHeader");
  both_bad.headers.add("x-tenant", "acme");
  EXPECT_EQ(json_of(app.handle(both_bad).body).at("error").at("code"), "InvalidJson");
}

}  // namespace
