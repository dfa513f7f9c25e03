// {{name}}'s routes invoked in-process, as Lambda would invoke the function: each request is
// made into the API Gateway HTTP API event the function would receive, goes through lift's
// adapter, middleware and router, and the answer is read back as API Gateway reads it
// (lift/testing/invoke.hpp).
#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

#include <boost/json.hpp>

#include "app.hpp"
#include "lift/testing/invoke.hpp"

namespace {

using lift::testing::http;

lift::App app() {
  auto made = make_app();
  if (!made) throw std::runtime_error(made.error().message);
  return std::move(made).value();
}

TEST(Hello, GreetsByName) {
  const auto response = http(app()).get("/hello?name=lift");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.json(), boost::json::parse(R"({"message":"hello, lift"})"));
}

TEST(Hello, GreetsTheWorldWithoutAName) {
  EXPECT_EQ(http(app()).get("/hello").json().at("message"), "hello, world");
}

// The event `lift invoke build/{{name}} --event events/get-hello.json` sends.
TEST(Hello, AnswersTheEventInEvents) {
  const auto response = lift::testing::invoke_http(app(), lift::testing::read_event(EVENTS_DIR "/get-hello.json"));
  EXPECT_EQ(response.status, 200) << response.problem;
  EXPECT_EQ(response.json().at("message"), "hello, lift");
}

TEST(Items, CreatesAnItem) {
  const auto response = http(app()).post("/items", {{"name", "coffee beans"}, {"quantity", 2}});
  EXPECT_EQ(response.status, 201);
  const auto item = response.json();
  EXPECT_EQ(item.at("name"), "coffee beans");
  EXPECT_EQ(item.at("quantity"), 2);
  EXPECT_EQ(item.at("id").as_string().size(), 36u);
}

TEST(Items, NamesTheFieldThatBreaksARule) {
  const auto response = http(app()).post("/items", {{"name", ""}, {"quantity", 0}});
  EXPECT_EQ(response.status, 422);
  const auto error = response.json().at("error");
  EXPECT_EQ(error.at("code"), "ValidationFailed");
  EXPECT_EQ(error.at("details").as_array().size(), 2u);
}

TEST(Items, RefusesABodyThatIsNotJson) {
  EXPECT_EQ(http(app()).post("/items", "{not json").status, 400);
}

TEST(Routing, UnknownPathsAndWrongMethods) {
  const auto routes = app();
  EXPECT_EQ(http(routes).get("/nowhere").status, 404);
  const auto wrong_method = http(routes).remove("/hello");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.headers.get("allow"), "GET, HEAD, OPTIONS");
}

TEST(Health, ProbesAnswerInTheHealthCheckFormat) {
  const auto routes = app();
  for (const char* path : {"/health/live", "/health/ready", "/health"}) {
    const auto response = http(routes).get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.headers.get("content-type"), "application/health+json") << path;
    EXPECT_EQ(response.json().at("status"), "pass") << path;
  }
  EXPECT_EQ(http(routes).get("/health").json().at("serviceId"), "{{name}}");
}

}  // namespace
