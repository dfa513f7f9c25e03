// WebSocket applications end to end. examples/chat behind the local API Gateway that `lift dev`
// serves, driven by npm `ws` clients (chat_client.js): rooms, the three token sources, forged
// tokens refused at the upgrade with 401, a user's two connections, join, bad frames answered to
// the sender alone, a client killed without a close frame cleaned up, a stale connection removed
// on 410 Gone, all with the connections in dynalite. And the connection store on dynalite shared
// by two hubs with clients of their own, as two execution environments share it on Lambda.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "lift/aws/dynamodb.hpp"
#include "lift/local/api_gateway_emulator.hpp"
#include "lift/testing/invoke.hpp"
#include "lift/websocket/hub.hpp"
#include "support/dynalite.hpp"
#include "support/dynamodb_clients.hpp"
#include "support/log_lines.hpp"
#include "support/requirements.hpp"
#include "support/subprocess.hpp"
#include "support/websocket_events.hpp"

namespace {

namespace ws = lift::websocket;
using namespace std::chrono_literals;

constexpr std::string_view kSecret = "chat-test-secret-of-at-least-32-bytes!!";

class WebSocketDev : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR); }
  static void TearDownTestSuite() { dynalite_.reset(); }
  void SetUp() override {
    if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << dynalite_->why_unavailable();
    if (!std::filesystem::exists(std::string(LIFT_TEST_SOURCE_DIR) + "/node_modules/ws")) LIFT_SKIP_WITHOUT() << "node_modules/ws is missing";
  }

  static std::unique_ptr<lift::aws::DynamoDbClient> client() {
    auto made = lift::aws::DynamoDbClient::create(lift::testing_support::dynalite_client_options(dynalite_->endpoint()));
    if (!made) throw std::runtime_error(made.error().message);
    return std::make_unique<lift::aws::DynamoDbClient>(std::move(*made));
  }

  // The gateway `lift dev` runs, in front of `function`.
  std::unique_ptr<lift::local::ApiGatewayEmulator> gateway(const char* function, std::vector<std::pair<std::string, std::string>> env) {
    lift::local::ApiGatewayConfig config;
    config.function.command = {function};
    config.function.environment = std::move(env);
    config.function.environment.emplace_back("LIFT_DYNAMODB_ENDPOINT", dynalite_->endpoint());
    config.function.environment.emplace_back("AWS_ACCESS_KEY_ID", "local");
    config.function.environment.emplace_back("AWS_SECRET_ACCESS_KEY", "local");
    config.function.timeout = 10s;
    config.function.concurrency = 2;  // Managed Instances: two messages at once in one environment
    config.watch = false;
    config.pretty_logs = true;
    config.log = log_.sink();
    auto made = std::make_unique<lift::local::ApiGatewayEmulator>(std::move(config));
    if (auto started = made->start(); !started) throw std::runtime_error(started.error().message);
    return made;
  }

  static lift::testing_support::CommandResult node(const std::string& mode, const std::string& url) {
    return lift::testing_support::run_command(
        {LIFT_TEST_NODE, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/websocket/chat_client.js", mode, url, std::string(kSecret)},
        "", 120s);
  }

  // Waits until the table holds no connection.
  static bool emptied(const ws::ConnectionStore& store) {
    for (int i = 0; i < 100; ++i) {
      auto all = store.all(std::chrono::steady_clock::now() + 5s);
      if (all && all->empty()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  lift::testing_support::LogLines log_;
  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
};

TEST_F(WebSocketDev, ChatWithTokensRoomsUsersBadFramesAndVanishedClients) {
  auto db = client();
  auto store = ws::ConnectionStore::create(*db, {.table = "chat-auth", .create_table = true});
  ASSERT_TRUE(store);
  // A connection the gateway never had (its $disconnect was lost): the first send to red meets
  // 410 Gone and removes it.
  ws::Connection ghost;
  ghost.id = "ghostConnection=";
  ghost.rooms = {"red"};
  ASSERT_TRUE(store->add(ghost, std::chrono::steady_clock::now() + 5s));

  auto dev = gateway(LIFT_CHAT_NOTIFY, {{"CHAT_TABLE", "chat-auth"}, {"LIFT_JWT_SECRET", std::string(kSecret)}});
  const auto run = node("auth", "ws://127.0.0.1:" + std::to_string(dev->port()) + "/");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err << "\n--- lift dev ---\n" << log_.text();
  EXPECT_NE(run.out.find("ok"), std::string::npos);
  // Refused upgrades stored nothing; closed, killed and gone connections were all removed.
  EXPECT_TRUE(emptied(*store)) << log_.text();
  EXPECT_EQ(store->get(ghost.id, std::chrono::steady_clock::now() + 5s).error().code, ws::kConnectionUnknown);
  EXPECT_TRUE(log_.wait_for("WS $connect")) << log_.text();
  EXPECT_NE(log_.text().find(" 401 "), std::string::npos) << log_.text();
}

TEST_F(WebSocketDev, TheChatExampleIsAnonymousWithoutJwtSettings) {
  auto db = client();
  auto store = ws::ConnectionStore::create(*db, {.table = "chat-anonymous", .create_table = true});
  ASSERT_TRUE(store);
  auto dev = gateway(LIFT_CHAT, {{"CHAT_TABLE", "chat-anonymous"}});
  const auto run = node("anonymous", "ws://127.0.0.1:" + std::to_string(dev->port()) + "/");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err << "\n--- lift dev ---\n" << log_.text();
  EXPECT_TRUE(emptied(*store)) << log_.text();
  // One start-up line says connections are anonymous.
  const auto text = log_.text();
  const auto warning = text.find("authentication is off");
  EXPECT_NE(warning, std::string::npos) << text;
  EXPECT_EQ(text.find("authentication is off", warning + 1), std::string::npos) << text;
}

// Two environments of one function: each its own hub and DynamoDB client over the one table.
// A connection made through one is reached by a broadcast from the other, and a Gone seen by
// one removes the connection for both.
TEST_F(WebSocketDev, TwoEnvironmentsShareTheStore) {
  auto db_a = client();
  auto db_b = client();
  auto fake = std::make_shared<ws::FakeManagementApi>();
  auto options = [&] {
    ws::HubOptions o;
    o.store = {.table = "chat-shared", .create_table = true};
    o.poster = fake;
    o.on_connect = [](lift::Context&, ws::Connection& c) -> lift::Result<void> {
      c.rooms = {"lobby"};
      return {};
    };
    return o;
  };
  auto hub_a = ws::Hub::create(*db_a, options());
  auto hub_b = ws::Hub::create(*db_b, options());
  ASSERT_TRUE(hub_a && hub_b);
  lift::App app_a;
  lift::App app_b;
  ws::Hub::mount(*hub_a, app_a);
  ws::Hub::mount(*hub_b, app_b);
  for (auto* pair : {&app_a, &app_b}) {
    auto hub = pair == &app_a ? *hub_a : *hub_b;
    pair->websocket("say", [hub](lift::Context& ctx) -> lift::Result<void> {
      LIFT_TRY_VOID(hub->to_room(ctx, "lobby", ctx.request().body));
      return {};
    });
  }
  using lift::testing_support::websocket_event;
  ASSERT_EQ(lift::testing::invoke_http(app_a, websocket_event("$connect", "CONNECT", "on-a")).status, 200);
  ASSERT_EQ(lift::testing::invoke_http(app_b, websocket_event("$connect", "CONNECT", "on-b")).status, 200);
  ASSERT_EQ(lift::testing::invoke_http(app_b, websocket_event("$connect", "CONNECT", "gone-b")).status, 200);
  fake->mark_gone("gone-b");
  // Sent from A: its own connection, B's, and B's gone one removed.
  EXPECT_EQ(lift::testing::invoke_http(app_a, websocket_event("say", "MESSAGE", "on-a", "from a")).status, 200);
  EXPECT_EQ(fake->received("on-a"), std::vector<std::string>{"from a"});
  EXPECT_EQ(fake->received("on-b"), std::vector<std::string>{"from a"});
  auto remaining = (*hub_b)->store().in_room("lobby", std::chrono::steady_clock::now() + 5s);
  ASSERT_TRUE(remaining);
  std::sort(remaining->begin(), remaining->end());
  EXPECT_EQ(*remaining, (std::vector<std::string>{"on-a", "on-b"}));
  // B's message from a connection A stored: B restores it from the table.
  EXPECT_EQ(lift::testing::invoke_http(app_b, websocket_event("say", "MESSAGE", "on-a", "from b")).status, 200);
  EXPECT_EQ(fake->received("on-a").back(), "from b");
}

}  // namespace
