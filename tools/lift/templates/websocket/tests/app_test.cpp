// {{name}}'s routes invoked in-process, as Lambda would invoke the function with API Gateway
// WebSocket events (events/*.json; lift/testing/invoke.hpp), over the embedded DynamoDB engine
// and an in-memory Management API that records what each connection was sent.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <boost/json.hpp>

#include "app.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/testing/invoke.hpp"

namespace {

using lift::testing::invoke_http;

boost::json::object event(const std::string& name) {
  return lift::testing::read_event(std::string(EVENTS_DIR) + "/" + name).as_object();
}

// The same event from another connection.
boost::json::object from(boost::json::object e, const std::string& connection) {
  e["requestContext"].as_object()["connectionId"] = connection;
  return e;
}

// A message API Gateway routed to `route` (its route selection reads the body's "action").
boost::json::object message(const std::string& connection, const std::string& route, const std::string& body) {
  auto e = from(event("message.json"), connection);
  e["requestContext"].as_object()["routeKey"] = route;
  e["body"] = body;
  return e;
}

class App : public ::testing::Test {
 protected:
  static lift::aws::DynamoDbClient client(lift::dynamorm::MemoryEngine& engine) {
    lift::aws::DynamoDbOptions options;
    options.region = "us-east-1";
    options.transport = lift::dynamorm::memory_transport(engine);
    return *lift::aws::DynamoDbClient::create(std::move(options));
  }

  lift::dynamorm::MemoryEngine engine_;
  lift::aws::DynamoDbClient db_ = client(engine_);
  std::shared_ptr<lift::websocket::FakeManagementApi> api_ = std::make_shared<lift::websocket::FakeManagementApi>();
  lift::App app_ = make_app_for(db_, api_);
};

TEST_F(App, ConnectStoresAClientWithAName) {
  EXPECT_EQ(invoke_http(app_, event("connect.json")).status, 200);
  auto connect = event("connect.json");
  connect.erase("queryStringParameters");
  connect.erase("multiValueQueryStringParameters");
  EXPECT_EQ(invoke_http(app_, from(connect, "anonymous=")).status, 400);
}

TEST_F(App, MessagesAreEchoedToTheirConnection) {
  ASSERT_EQ(invoke_http(app_, event("connect.json")).status, 200);
  const auto sent = event("message.json");
  EXPECT_EQ(invoke_http(app_, sent).status, 200);
  const std::string id(sent.at("requestContext").at("connectionId").as_string());
  ASSERT_EQ(api_->received(id).size(), 1u);
  const auto echo = boost::json::parse(api_->received(id).front());
  EXPECT_EQ(echo.at("echo"), sent.at("body"));
  EXPECT_EQ(echo.at("connection").as_string(), id);
}

TEST_F(App, BroadcastReachesEveryConnectionUntilItCloses) {
  ASSERT_EQ(invoke_http(app_, event("connect.json")).status, 200);
  ASSERT_EQ(invoke_http(app_, from(event("connect.json"), "second=")).status, 200);
  const std::string first(event("connect.json").at("requestContext").at("connectionId").as_string());
  EXPECT_EQ(invoke_http(app_, message("second=", "broadcast", R"({"action":"broadcast","text":"hi"})")).status, 200);
  for (const auto& id : {first, std::string("second=")}) {
    ASSERT_EQ(api_->received(id).size(), 1u) << id;
    EXPECT_EQ(boost::json::parse(api_->received(id).front()), boost::json::parse(R"({"from":"ada","text":"hi"})"));
  }
  EXPECT_EQ(invoke_http(app_, event("disconnect.json")).status, 200);
  EXPECT_EQ(invoke_http(app_, message("second=", "broadcast", R"({"action":"broadcast","text":"again"})")).status, 200);
  EXPECT_EQ(api_->received(first).size(), 1u);  // closed: nothing more
  EXPECT_EQ(api_->received("second=").size(), 2u);
}

}  // namespace
