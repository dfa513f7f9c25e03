// lift::App in-process: routing, handler binding, the middleware onion, the one error model,
// and the dispatch of whole Lambda events.
#include "lift/app/app.hpp"

#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <atomic>
#include <fstream>
#include <sstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lift/app/errors.hpp"
#include "lift/json/validation.hpp"
#include "support/invocation.hpp"
#include "support/json.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace app_test {

struct CreateTodo {
  std::string title;
  int priority = 0;
  std::vector<std::string> tags;
};
BOOST_DESCRIBE_STRUCT(CreateTodo, (), (title, priority, tags))

inline void lift_rules(lift::json::Rules<CreateTodo>& r) {
  r.field(&CreateTodo::title).required().length(1, 100);
  r.field(&CreateTodo::priority).min(0).max(5);
}

struct Todo {
  std::string id;
  std::string title;
  int priority = 0;
};
BOOST_DESCRIBE_STRUCT(Todo, (), (id, title, priority))

}  // namespace app_test

namespace {

using app_test::CreateTodo;
using app_test::Todo;
using lift::App;
using lift::Context;
using lift::Next;
using lift::Result;
using lift::http::Request;
using lift::http::Response;
using lift::testing_support::json_of;

Request request(std::string method, std::string path, std::string body = {}) {
  Request r;
  r.method = std::move(method);
  r.path = path;
  r.raw_path = std::move(path);
  r.body = std::move(body);
  r.request_id = "req-1";
  return r;
}

std::string error_code(const Response& response) {
  auto body = json_of(response.body);
  if (!body.is_object() || !body.as_object().contains("error")) return "";
  return std::string(body.at("error").at("code").as_string());
}

App todo_app() {
  App app;
  app.get("/todos/:id", [](Context& ctx) -> Result<Todo> {
    if (ctx.param("id") == "missing") return lift::errors::not_found("no todo " + std::string(*ctx.param("id")));
    return Todo{std::string(*ctx.param("id")), "read", 1};
  });
  app.post("/todos", [](Context&, CreateTodo in) -> Result<lift::Created<Todo>> {
    return lift::created(Todo{"t-1", in.title, in.priority});
  });
  app.put("/drafts/:id", [](Context& ctx, CreateTodo in) -> Result<lift::Reply<Todo>> {
    // Created for a new id, 200 for an existing one: the status is chosen at run time.
    return lift::reply(ctx.param("id") == "new" ? 201 : 200, Todo{std::string(*ctx.param("id")), in.title, in.priority});
  });
  app.patch("/drafts/:id", [](Context& ctx, CreateTodo in) -> Result<lift::Ok<Todo>> {
    lift::Ok<Todo> reply(Todo{std::string(*ctx.param("id")), in.title, in.priority});
    reply.headers.set("etag", "\"1\"");
    return reply;
  });
  app.del("/todos/:id", [](Context&) { return lift::no_content(); });
  app.get("/text", [](Context&) { return std::string("plain words"); });
  app.get("/throws", [](Context&) -> Result<void> { throw std::runtime_error("secret detail"); });
  return app;
}

TEST(App, RoutesToTypedHandlersAndWritesJson) {
  auto app = todo_app();
  ASSERT_TRUE(app.check());
  auto got = app.handle(request("GET", "/todos/42"));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.headers.value_or("Content-Type", ""), "application/json");
  EXPECT_EQ(json_of(got.body), json_of(R"({"id":"42","title":"read","priority":1})"));

  auto made = app.handle(request("POST", "/todos", R"({"title":"write","priority":3})"));
  EXPECT_EQ(made.status, 201);
  EXPECT_EQ(json_of(made.body), json_of(R"({"id":"t-1","title":"write","priority":3})"));

  auto put_new = app.handle(request("PUT", "/drafts/new", R"({"title":"write","priority":3})"));
  EXPECT_EQ(put_new.status, 201);
  auto put_old = app.handle(request("PUT", "/drafts/7", R"({"title":"write","priority":3})"));
  EXPECT_EQ(put_old.status, 200);
  auto patched = app.handle(request("PATCH", "/drafts/7", R"({"title":"edit","priority":1})"));
  EXPECT_EQ(patched.status, 200);
  EXPECT_EQ(patched.headers.value_or("etag", ""), "\"1\"");
  EXPECT_EQ(json_of(patched.body), json_of(R"({"id":"7","title":"edit","priority":1})"));

  auto gone = app.handle(request("DELETE", "/todos/1"));
  EXPECT_EQ(gone.status, 204);
  EXPECT_TRUE(gone.body.empty());

  auto text = app.handle(request("GET", "/text"));
  EXPECT_EQ(text.body, "plain words");
  EXPECT_EQ(text.headers.value_or("content-type", ""), "text/plain; charset=utf-8");
}

TEST(App, ErrorsHaveOneShapeWithTheRequestId) {
  auto app = todo_app();
  auto missing = app.handle(request("GET", "/todos/missing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing.body), json_of(R"({"error":{"code":"NotFound","message":"no todo missing","request_id":"req-1"}})"));

  auto no_route = app.handle(request("GET", "/nothing/here"));
  EXPECT_EQ(no_route.status, 404);
  EXPECT_EQ(error_code(no_route), "NotFound");

  auto wrong_method = app.handle(request("PUT", "/todos/1"));
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(error_code(wrong_method), "MethodNotAllowed");
  EXPECT_EQ(wrong_method.headers.value_or("allow", ""), "DELETE, GET, HEAD, OPTIONS");
}

TEST(App, BodyErrorsAre400NamingTheFieldAndRuleFailuresAre422ListingEveryField) {
  auto app = todo_app();
  auto not_json = app.handle(request("POST", "/todos", "{title:"));
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(error_code(not_json), "InvalidJson");

  auto wrong_type = app.handle(request("POST", "/todos", R"({"title":"x","tags":["a",2]})"));
  EXPECT_EQ(wrong_type.status, 400);
  auto body = json_of(wrong_type.body);
  EXPECT_EQ(body.at("error").at("code"), "InvalidBody");
  EXPECT_NE(std::string(body.at("error").at("message").as_string()).find("tags[1]"), std::string::npos) << wrong_type.body;

  auto invalid = app.handle(request("POST", "/todos", R"({"priority":9})"));
  EXPECT_EQ(invalid.status, 422);
  auto details = json_of(invalid.body).at("error").at("details").as_array();
  std::vector<std::string> fields;
  for (const auto& d : details) fields.emplace_back(d.at("field").as_string());
  EXPECT_EQ(fields, (std::vector<std::string>{"title", "priority"}));
}

TEST(App, ReplyHeadersReplaceSameNamedOnesAndKeepTheirRepeats) {
  App app;
  app.use(lift::mw::before([](Context& ctx) -> Result<void> {
    ctx.response().headers.add("link", "<set-by-middleware>");
    return {};
  }));
  app.get("/r", [](Context&) {
    auto reply = lift::reply(200, Todo{"t", "x", 0});
    reply.headers.add("Link", "</a>; rel=next");
    reply.headers.add("Link", "</b>; rel=last");
    return reply;
  });
  auto got = app.handle(request("GET", "/r"));
  EXPECT_EQ(got.headers.all("link"), (std::vector<std::string_view>{"</a>; rel=next", "</b>; rel=last"}));
}

TEST(App, ADeclaredNonJsonBodyIs415BeforeParsing) {
  auto app = todo_app();
  const std::string valid = R"({"title":"buy milk"})";
  for (const auto* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "json", "application/"}) {
    auto r = request("POST", "/todos", valid);
    r.headers.add("Content-Type", type);
    auto refused = app.handle(r);
    EXPECT_EQ(refused.status, 415) << type;
    EXPECT_EQ(error_code(refused), "UnsupportedMediaType") << type;
  }
  for (const auto* type : {"application/json", "Application/JSON; charset=utf-8", " application/merge-patch+json "}) {
    auto r = request("POST", "/todos", valid);
    r.headers.add("Content-Type", type);
    EXPECT_EQ(app.handle(r).status, 201) << type;
  }
  EXPECT_EQ(app.handle(request("POST", "/todos", valid)).status, 201);  // no Content-Type: read as JSON
}

TEST(App, ExceptionsBecome500WithoutTheirMessage) {
  auto app = todo_app();
  auto got = app.handle(request("GET", "/throws"));
  EXPECT_EQ(got.status, 500);
  EXPECT_EQ(error_code(got), "InternalError");
  EXPECT_EQ(got.body.find("secret"), std::string::npos);
}

TEST(App, AnExceptionIsLoggedAsOneJsonLineWhateverItsMessage) {
  App app;
  app.get("/quote", [](Context&) -> Result<void> { throw std::runtime_error("a \"quoted\"\nmessage \xff"); });
  lift::runtime::InvocationContext lambda;
  lambda.request_id = "req-\"7";
  testing::internal::CaptureStderr();
  auto got = app.handle(request("GET", "/quote"), &lambda);
  const auto log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(got.status, 500);
  ASSERT_FALSE(log.empty());
  ASSERT_EQ(log.find('\n'), log.size() - 1) << log;
  const auto line = json_of(log);
  EXPECT_EQ(line.at("level"), "ERROR");
  EXPECT_NE(std::string(line.at("error").as_string()).find("a \"quoted\"\nmessage"), std::string::npos);
  EXPECT_EQ(line.at("request_id"), "req-\"7");
}

TEST(App, HeadIsServedByGetWithoutABodyAndOptionsIsAutomatic) {
  auto app = todo_app();
  auto head = app.handle(request("HEAD", "/todos/7"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers.value_or("content-type", ""), "application/json");

  auto options = app.handle(request("OPTIONS", "/todos/7"));
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers.value_or("allow", ""), "DELETE, GET, HEAD, OPTIONS");
}

TEST(App, MiddlewareRunsAsAnOnionAppThenGroupsOutsideIn) {
  std::vector<std::string> trace;
  auto tracer = [&trace](std::string name) {
    return [&trace, name](Context&, const Next& next) -> Result<void> {
      trace.push_back(name + ">");
      auto result = next();
      trace.push_back("<" + name);
      return result;
    };
  };
  App app;
  app.use(tracer("app"));
  auto api = app.group("/api");
  api.use(tracer("api"));
  auto v1 = api.group("/v1");
  v1.use(tracer("v1"));
  v1.get("/ping", [&trace](Context&) {
    trace.push_back("handler");
    return std::string("pong");
  });
  app.get("/root", [](Context&) { return std::string("root"); });

  EXPECT_EQ(app.handle(request("GET", "/api/v1/ping")).body, "pong");
  EXPECT_EQ(trace, (std::vector<std::string>{"app>", "api>", "v1>", "handler", "<v1", "<api", "<app"}));
  trace.clear();
  EXPECT_EQ(app.handle(request("GET", "/root")).body, "root");
  EXPECT_EQ(trace, (std::vector<std::string>{"app>", "<app"}));
  trace.clear();
  // 404s go through the app's middleware too (logging, CORS), not the groups'.
  EXPECT_EQ(app.handle(request("GET", "/api/v1/nope")).status, 404);
  EXPECT_EQ(trace, (std::vector<std::string>{"app>", "<app"}));
}

TEST(App, MiddlewareCanAnswerEarlyTranslateErrorsAndPassValues) {
  App app;
  app.use(lift::mw::on_error([](Context& ctx, const lift::Error& error) -> Result<void> {
    if (error.code != "Teapot") return error;
    ctx.response() = Response::text(418, "short and stout");
    return {};
  }));
  app.use(lift::mw::before([](Context& ctx) -> Result<void> {
    if (ctx.header("x-block")) ctx.respond(Response::text(403, "blocked"));
    ctx.set("user", std::string("ada"));
    return {};
  }));
  app.use(lift::mw::after([](Context& ctx) { ctx.set_header("x-after", "yes"); }));
  app.get("/who", [](Context& ctx) {
    const auto* user = ctx.get<std::string>("user");
    return user != nullptr ? *user : std::string("nobody");
  });
  app.get("/teapot", [](Context&) -> Result<void> { return lift::Error{"Teapot", "I am one", 500}; });

  auto who = app.handle(request("GET", "/who"));
  EXPECT_EQ(who.body, "ada");
  EXPECT_EQ(who.headers.value_or("x-after", ""), "yes");

  auto blocked_request = request("GET", "/who");
  blocked_request.headers.add("X-Block", "1");
  auto blocked = app.handle(blocked_request);
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(blocked.body, "blocked");

  auto teapot = app.handle(request("GET", "/teapot"));
  EXPECT_EQ(teapot.status, 418);
  EXPECT_EQ(teapot.body, "short and stout");
}

TEST(App, CustomNotFoundAndErrorRenderer) {
  App app;
  app.not_found([](Context& ctx) { return Response::text(404, "nothing at " + std::string(ctx.path())); });
  app.render_errors([](Context& ctx, const lift::Error& error) { ctx.response() = Response::text(error.status, "oops: " + error.code); });
  app.get("/fail", [](Context&) -> Result<void> { return lift::errors::conflict("taken"); });
  EXPECT_EQ(app.handle(request("GET", "/x")).body, "nothing at /x");
  auto failed = app.handle(request("GET", "/fail"));
  EXPECT_EQ(failed.status, 409);
  EXPECT_EQ(failed.body, "oops: Conflict");
}

TEST(App, RegistrationMistakesAreCollectedNotThrown) {
  App app;
  app.get("no-slash", [](Context&) {});
  app.get("/a/:id", [](Context&) {});
  app.get("/a/:other", [](Context&) {});
  auto checked = app.check();
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, "InvalidApp");
  EXPECT_NE(checked.error().message.find("no-slash"), std::string::npos) << checked.error().message;
  EXPECT_NE(checked.error().message.find("/a/:other"), std::string::npos) << checked.error().message;
  // A route added after the app started serving is a mistake too.
  app.get("/late", [](Context&) {});
  EXPECT_NE(app.check().error().message.find("after the app started serving"), std::string::npos);
}

TEST(App, DispatchesFromManyThreadsAtOnce) {
  auto app = todo_app();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&app, &good, t] {
      for (int i = 0; i < 500; ++i) {
        const auto id = std::to_string(t * 1000 + i);
        auto got = app.handle(request("GET", "/todos/" + id));
        if (got.status == 200 && got.body.find("\"" + id + "\"") != std::string::npos) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 2000);
}

// Whole Lambda events in and out.

using lift::testing_support::invocation;

constexpr const char* kHttpApiEvent = R"({
  "version": "2.0", "routeKey": "$default", "rawPath": "/todos", "rawQueryString": "",
  "headers": {"content-type": "application/json"},
  "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": "api.execute-api.us-east-1.amazonaws.com",
    "domainPrefix": "api", "http": {"method": "POST", "path": "/todos", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9",
    "userAgent": "curl"}, "requestId": "gw-req", "routeKey": "$default", "stage": "$default", "time": "22/Nov/2026:10:00:00 +0000",
    "timeEpoch": 1795000000000},
  "body": "eyJ0aXRsZSI6InZpYSBiYXNlNjQifQ==", "isBase64Encoded": true
})";

TEST(AppInvoke, AnHttpApiEventIsAnsweredInItsShape) {
  auto app = todo_app();
  auto answer = app.invoke(invocation(kHttpApiEvent));
  ASSERT_TRUE(answer) << answer.error().message;
  auto response = json_of(answer->body);
  EXPECT_EQ(response.at("statusCode"), 201);
  EXPECT_EQ(json_of(std::string(response.at("body").as_string())), json_of(R"({"id":"t-1","title":"via base64","priority":0})"));
}

// An HTTP API event for `method` `raw_path`, with extra members spliced into the root.
std::string http_api_event(std::string_view method, std::string_view raw_path, std::string_view extra) {
  std::string event = R"({"version":"2.0","routeKey":"$default","rawPath":")" + std::string(raw_path) + R"(",)" + std::string(extra) +
                      R"("requestContext":{"http":{"method":")" + std::string(method) + R"(","path":")" + std::string(raw_path) +
                      R"(","sourceIp":"203.0.113.9"},"requestId":"gw-req","stage":"$default"},"isBase64Encoded":false})";
  return event;
}

// The app reuses its contexts between invocations: nothing of one request may show in the next.
TEST(AppInvoke, NothingOfOneRequestShowsInTheNext) {
  App app;
  app.use([](Context& ctx, const Next& next) -> Result<void> {
    if (ctx.header("x-mark")) {
      ctx.set("mark", 7);
      ctx.set_request_id("marked-id");
    }
    auto result = next();
    if (ctx.header("x-mark")) ctx.set_header("x-first", "yes");
    return result;
  });
  const auto echo = [](Context& ctx) {
    boost::json::object out;
    out["method"] = ctx.method();
    out["path"] = ctx.path();
    out["route"] = ctx.route();
    out["params"] = ctx.request().params.size();
    out["query"] = ctx.request().query.size();
    out["cookies"] = ctx.request().cookies.size();
    out["headers"] = ctx.request().headers.size();
    out["body"] = ctx.body();
    out["mark"] = ctx.get<int>("mark") != nullptr;
    out["request_id"] = ctx.request_id();
    out["responded"] = ctx.responded();
    return lift::http::Response::json(200, boost::json::serialize(out));
  };
  app.post("/items/:id", echo);
  app.get("/plain", echo);

  const auto first = app.invoke(invocation(http_api_event(
      "POST", "/items/42", R"("rawQueryString":"a=1&b=two%20words","cookies":["s=1","t=2"],"headers":{"x-mark":"1","content-type":"application/json","x-long":")" +
                               std::string(300, 'v') + R"("},"body":"{\"big\":\")" + std::string(2000, 'b') + R"(\"}",)")));
  ASSERT_TRUE(first) << first.error().message;
  const auto first_answer = json_of(first->body);
  EXPECT_EQ(first_answer.at("headers").at("x-first"), "yes");
  const auto first_echo = json_of(std::string(first_answer.at("body").as_string()));
  EXPECT_EQ(first_echo.at("params"), 1);
  EXPECT_EQ(first_echo.at("query"), 2);
  EXPECT_EQ(first_echo.at("cookies"), 2);
  EXPECT_EQ(first_echo.at("mark"), true);
  EXPECT_EQ(first_echo.at("request_id"), "marked-id");

  for (int round = 0; round < 3; ++round) {
    const auto second = app.invoke(invocation(http_api_event("GET", "/plain", "")));
    ASSERT_TRUE(second) << second.error().message;
    const auto answer = json_of(second->body);
    EXPECT_EQ(answer.at("headers").as_object().size(), 1u) << second->body;  // content-type only
    EXPECT_TRUE(answer.at("cookies").as_array().empty());
    EXPECT_EQ(json_of(std::string(answer.at("body").as_string())),
              json_of(R"({"method":"GET","path":"/plain","route":"/plain","params":0,"query":0,"cookies":0,"headers":0,"body":"",
                          "mark":false,"request_id":"lambda-req","responded":false})"));
  }
}

// Contexts are shared out between threads, never between two invocations at once.
TEST(AppInvoke, ConcurrentInvocationsKeepTheirOwnRequests) {
  App app;
  app.get("/echo/:id", [](Context& ctx) { return std::string(*ctx.param("id")) + "/" + std::string(ctx.query("q").value_or("")); });
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&app, &good, t] {
      for (int i = 0; i < 300; ++i) {
        const auto id = std::to_string(t) + "-" + std::to_string(i);
        const auto answer = app.invoke(invocation(http_api_event("GET", "/echo/" + id, R"("rawQueryString":"q=)" + id + R"(",)")));
        if (answer && json_of(answer->body).at("body") == boost::json::value(id + "/" + id)) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 1200);
}

TEST(AppInvoke, BadEventsAreTypedErrorsForLambda) {
  auto app = todo_app();
  auto not_json = app.invoke(invocation("{oops"));
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, "InvalidEvent");

  auto unknown = app.invoke(invocation(R"({"some":"thing"})"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "UnsupportedEvent");
}

TEST(AppInvoke, OtherEventsGoToTheEventHandlerThroughTheMiddleware) {
  auto app = todo_app();
  int seen = 0;
  app.use([&seen](Context&, const Next& next) -> Result<void> {
    ++seen;
    return next();
  });
  app.on_event([](Context& ctx, const boost::json::value& event) -> Result<boost::json::value> {
    return boost::json::value{{"kind", lift::events::to_string(ctx.kind())}, {"keys", event.as_object().size()}};
  });
  auto answer = app.invoke(invocation(R"({"a":1,"b":2})"));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(json_of(answer->body), json_of(R"({"kind":"unknown","keys":2})"));
  EXPECT_EQ(seen, 1);
}

TEST(AppInvoke, EverySampleHttpEventGetsAnAnswer) {
  const std::string dir = LIFT_TESTDATA_DIR "/events";
  std::ifstream manifest(dir + "/manifest.tsv");
  if (!manifest) LIFT_SKIP_WITHOUT() << "sample events not available";
  App app;
  app.any("/*rest", [](Context& ctx) { return boost::json::value{{"path", ctx.path()}, {"method", ctx.method()}}; });
  std::string line;
  int checked = 0;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string kind, file;
    fields >> kind >> file;
    if (kind != "apigw-rest" && kind != "apigw-http" && kind != "alb" && kind != "function-url") continue;
    const std::string payload = lift::testing_support::read_file(dir + "/" + file);
    auto answer = app.invoke(invocation(payload));
    ASSERT_TRUE(answer) << file << ": " << answer.error().message;
    auto response = json_of(answer->body);
    ASSERT_TRUE(response.is_object()) << file;
    EXPECT_TRUE(response.as_object().contains("statusCode")) << file;
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

// Every WebSocket sample goes through the real adapter and router to the handler of its route
// key, and the answer is in the WebSocket integration's shape.
TEST(AppInvoke, EverySampleWebSocketEventReachesItsRouteKey) {
  const std::string dir = LIFT_TESTDATA_DIR "/events";
  std::ifstream manifest(dir + "/manifest.tsv");
  if (!manifest) LIFT_SKIP_WITHOUT() << "sample events not available";
  App app;
  for (const char* key : {"$connect", "$disconnect", "$default"}) {
    app.websocket(key, [key](Context& ctx) {
      return boost::json::value{{"route", key},
                                {"routeKey", ctx.request().websocket()->route_key},
                                {"connection", ctx.request().websocket()->connection_id},
                                {"eventType", ctx.request().websocket()->event_type},
                                {"body", ctx.body()}};
    });
  }
  ASSERT_TRUE(app.check());
  std::string line;
  int checked = 0;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string kind, file;
    fields >> kind >> file;
    if (kind != "apigw-websocket") continue;
    const std::string payload = lift::testing_support::read_file(dir + "/" + file);
    const auto event = json_of(payload);
    const auto& context = event.at("requestContext");
    auto answer = app.invoke(invocation(payload));
    ASSERT_TRUE(answer) << file << ": " << answer.error().message;
    const auto response = json_of(answer->body);
    ASSERT_TRUE(response.is_object()) << file;
    EXPECT_EQ(response.at("statusCode"), 200) << file;
    EXPECT_FALSE(response.as_object().contains("multiValueHeaders")) << file;
    const auto body = json_of(std::string(response.at("body").as_string()));
    EXPECT_EQ(body.at("route"), context.at("routeKey")) << file;
    EXPECT_EQ(body.at("routeKey"), context.at("routeKey")) << file;
    EXPECT_EQ(body.at("connection"), context.at("connectionId")) << file;
    EXPECT_EQ(body.at("eventType"), context.at("eventType")) << file;
    if (const auto* sent = event.as_object().if_contains("body"); sent != nullptr && sent->is_string()) {
      EXPECT_EQ(body.at("body"), *sent) << file;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(AppInvoke, WebSocketCustomRouteKeysAndUnroutedMessages) {
  App app;
  app.websocket("sendMessage", [](Context& ctx) { return boost::json::value{{"sent", ctx.body()}}; });
  const auto message = [](std::string_view route_key) {
    return std::string(R"({"requestContext":{"routeKey":")") + std::string(route_key) +
           R"(","eventType":"MESSAGE","connectionId":"c-1","requestId":"r-1","domainName":"x.execute-api.eu-west-1.amazonaws.com","stage":"prod","apiId":"x"},"body":"{\"text\":\"hi\"}","isBase64Encoded":false})";
  };
  auto sent = app.invoke(invocation(message("sendMessage")));
  ASSERT_TRUE(sent) << sent.error().message;
  auto response = json_of(sent->body);
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(json_of(std::string(response.at("body").as_string())).at("sent"), R"({"text":"hi"})");
  // No $default registered: an unknown route key is a 404 answer, not a Lambda error.
  auto unrouted = app.invoke(invocation(message("other")));
  ASSERT_TRUE(unrouted) << unrouted.error().message;
  EXPECT_EQ(json_of(unrouted->body).at("statusCode"), 404);
}

TEST(AppInit, WebSocketRouteKeysThatAreNotNamesAreRefused) {
  for (const char* key : {"", ":id", "*all", "a/b"}) {
    App app;
    app.websocket(key, [](Context&) { return lift::no_content(); });
    auto checked = app.check();
    ASSERT_FALSE(checked) << key;
    EXPECT_NE(checked.error().message.find("WebSocket route key"), std::string::npos) << checked.error().message;
  }
}

TEST(AppOpenApi, DescribesRoutesWithTheirTypes) {
  auto app = todo_app();
  auto doc = app.openapi({.title = "todos", .version = "2.0.0"});
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  EXPECT_EQ(doc.at("info").at("title"), "todos");
  const auto& paths = doc.at("paths").as_object();
  ASSERT_TRUE(paths.contains("/todos/{id}"));
  const auto& get = paths.at("/todos/{id}").at("get");
  EXPECT_EQ(get.at("parameters").at(0).at("name"), "id");
  EXPECT_EQ(get.at("parameters").at(0).at("in"), "path");
  const auto& post = paths.at("/todos").at("post");
  EXPECT_TRUE(post.at("requestBody").at("required").as_bool());
  EXPECT_TRUE(post.at("responses").as_object().contains("422"));
  EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains("Error"));
  // The success status as the handler's type declares it.
  const auto success_keys = [&](const char* path, const char* method) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : paths.at(path).at(method).at("responses").as_object()) {
      if (key.starts_with("2")) keys.emplace_back(key);
    }
    return keys;
  };
  EXPECT_EQ(success_keys("/todos", "post"), std::vector<std::string>{"201"});
  EXPECT_TRUE(post.at("responses").at("201").as_object().contains("content"));
  EXPECT_EQ(success_keys("/todos/{id}", "get"), std::vector<std::string>{"200"});
  EXPECT_EQ(success_keys("/drafts/{id}", "patch"), std::vector<std::string>{"200"});
  EXPECT_EQ(success_keys("/drafts/{id}", "put"), std::vector<std::string>{"2XX"});
  EXPECT_EQ(success_keys("/todos/{id}", "delete"), std::vector<std::string>{"2XX"});  // an http::Response
  const auto text = boost::json::serialize(doc);
  EXPECT_NE(text.find("CreateTodo"), std::string::npos) << text;
  EXPECT_NE(text.find("minLength"), std::string::npos) << text;
}

}  // namespace
