// {{name}}'s routes invoked in-process, as Lambda would invoke the function: an API Gateway
// HTTP API event (events/*.json) goes through lift's adapter, middleware and router, and the
// answer is checked in the shape API Gateway reads.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

#include <boost/json.hpp>

#include "app.hpp"

namespace {

namespace json = boost::json;

json::object read_event(const std::string& name) {
  std::ifstream in(std::string(EVENTS_DIR) + "/" + name, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return json::parse(text).as_object();
}

// Invokes the app with `event` as Lambda does and returns the HTTP API response it answers.
json::object invoke(const lift::App& app, const json::object& event) {
  lift::runtime::Invocation invocation;
  invocation.context.request_id = "8f5c3d2e-1b4a-4c6d-9e8f-7a6b5c4d3e2f";
  invocation.context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(3);
  invocation.payload = json::serialize(event);
  auto answer = app.invoke(invocation);
  if (!answer) {
    ADD_FAILURE() << answer.error().code << ": " << answer.error().message;
    return {};
  }
  return json::parse(answer->body).as_object();
}

json::value body_of(const json::object& response) { return json::parse(response.at("body").as_string()); }

TEST(Hello, GreetsByName) {
  const auto app = make_app();
  const auto response = invoke(app, read_event("get-hello.json"));
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(body_of(response), json::parse(R"({"message":"hello, lift"})"));
}

TEST(Hello, GreetsTheWorldWithoutAName) {
  const auto app = make_app();
  auto event = read_event("get-hello.json");
  event["rawQueryString"] = "";
  event.erase("queryStringParameters");
  const auto response = invoke(app, event);
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(body_of(response).at("message"), "hello, world");
}

TEST(Items, CreatesAnItem) {
  const auto app = make_app();
  const auto response = invoke(app, read_event("create-item.json"));
  EXPECT_EQ(response.at("statusCode"), 201);
  const auto item = body_of(response);
  EXPECT_EQ(item.at("name"), "coffee beans");
  EXPECT_EQ(item.at("quantity"), 2);
  EXPECT_EQ(item.at("id").as_string().size(), 36u);
}

TEST(Items, NamesTheFieldThatBreaksARule) {
  const auto app = make_app();
  auto event = read_event("create-item.json");
  event["body"] = R"({"name":"","quantity":0})";
  const auto response = invoke(app, event);
  EXPECT_EQ(response.at("statusCode"), 422);
  const auto error = body_of(response).at("error");
  EXPECT_EQ(error.at("code"), "ValidationFailed");
  EXPECT_EQ(error.at("details").as_array().size(), 2u);
}

TEST(Items, RefusesABodyThatIsNotJson) {
  const auto app = make_app();
  auto event = read_event("create-item.json");
  event["body"] = "{not json";
  EXPECT_EQ(invoke(app, event).at("statusCode"), 400);
}

TEST(Routing, UnknownPathsAndWrongMethods) {
  const auto app = make_app();
  auto event = read_event("get-hello.json");
  event["rawPath"] = "/nowhere";
  event["requestContext"].as_object()["http"].as_object()["path"] = "/nowhere";
  EXPECT_EQ(invoke(app, event).at("statusCode"), 404);

  event = read_event("get-hello.json");
  event["requestContext"].as_object()["http"].as_object()["method"] = "DELETE";
  EXPECT_EQ(invoke(app, event).at("statusCode"), 405);
}

}  // namespace
