// {{name}}'s routes invoked in-process, as Lambda would invoke the function with API Gateway
// WebSocket events (events/*.json): connect, a message, disconnect.
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

// Invokes the app with `event` as Lambda does and returns the response API Gateway reads.
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

TEST(Connect, AcceptsAClientWithAName) {
  const auto app = make_app();
  const auto event = read_event("connect.json");
  const auto response = invoke(app, event);
  EXPECT_EQ(response.at("statusCode"), 200);
  EXPECT_EQ(body_of(response).at("name"), "ada");
  EXPECT_EQ(body_of(response).at("connection"), event.at("requestContext").at("connectionId"));
}

TEST(Connect, RefusesAClientWithoutAName) {
  const auto app = make_app();
  auto event = read_event("connect.json");
  event.erase("queryStringParameters");
  event.erase("multiValueQueryStringParameters");
  EXPECT_EQ(invoke(app, event).at("statusCode"), 400);
}

TEST(Message, IsEchoedToItsConnection) {
  const auto app = make_app();
  const auto event = read_event("message.json");
  const auto response = invoke(app, event);
  EXPECT_EQ(response.at("statusCode"), 200);
  const auto body = body_of(response);
  EXPECT_EQ(body.at("echo"), event.at("body"));
  EXPECT_EQ(body.at("connection"), event.at("requestContext").at("connectionId"));
}

TEST(Disconnect, IsAcknowledged) {
  const auto app = make_app();
  EXPECT_EQ(invoke(app, read_event("disconnect.json")).at("statusCode"), 204);
}

}  // namespace
