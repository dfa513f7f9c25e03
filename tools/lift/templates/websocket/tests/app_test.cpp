// {{name}}'s routes invoked in-process, as Lambda would invoke the function with API Gateway
// WebSocket events (events/*.json): connect, a message, disconnect (lift/testing/invoke.hpp).
#include <gtest/gtest.h>

#include <string>

#include <boost/json.hpp>

#include "app.hpp"
#include "lift/testing/invoke.hpp"

namespace {

using lift::testing::invoke_http;

boost::json::object event(const std::string& name) {
  return lift::testing::read_event(std::string(EVENTS_DIR) + "/" + name).as_object();
}

TEST(Connect, AcceptsAClientWithAName) {
  const auto connect = event("connect.json");
  const auto response = invoke_http(make_app(), connect);
  EXPECT_EQ(response.status, 200) << response.problem;
  EXPECT_EQ(response.json().at("name"), "ada");
  EXPECT_EQ(response.json().at("connection"), connect.at("requestContext").at("connectionId"));
}

TEST(Connect, RefusesAClientWithoutAName) {
  auto connect = event("connect.json");
  connect.erase("queryStringParameters");
  connect.erase("multiValueQueryStringParameters");
  EXPECT_EQ(invoke_http(make_app(), connect).status, 400);
}

TEST(Message, IsEchoedToItsConnection) {
  const auto message = event("message.json");
  const auto response = invoke_http(make_app(), message);
  EXPECT_EQ(response.status, 200) << response.problem;
  EXPECT_EQ(response.json().at("echo"), message.at("body"));
  EXPECT_EQ(response.json().at("connection"), message.at("requestContext").at("connectionId"));
}

TEST(Disconnect, IsAcknowledged) {
  EXPECT_EQ(invoke_http(make_app(), event("disconnect.json")).status, 204);
}

}  // namespace
