// The websocket layer against the embedded DynamoDB engine and the in-memory Management API:
// the connection store (layout, rooms, indexes, expiry, bad names), the hub on an App (auth on
// $connect from each token source, the principal restored on messages, sends to a room, a user,
// a tenant, Gone removing the connection, the size limit, errors to the sender alone, the
// per-connection rate limit, metrics).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "lift/app/app.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/middleware/auth.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/key.hpp"
#include "lift/testing/invoke.hpp"
#include "lift/websocket/hub.hpp"
#include "support/dynamodb_clients.hpp"
#include "support/readme_example.hpp"
#include "support/websocket_events.hpp"

#include "lift/app/database.hpp"

// README begin
#include <lift/websocket/hub.hpp>

namespace ws = lift::websocket;

// In lift::run's factory. `verifier` null: anonymous connections.
lift::Result<std::shared_ptr<ws::Hub>> add_chat(lift::App& app, std::shared_ptr<const lift::security::JwtVerifier> verifier) {
  LIFT_TRY(hub, ws::Hub::create(lift::dynamodb(), {
      .store = {.table = "connections"},
      .verifier = std::move(verifier),
      .on_connect = [](lift::Context& ctx, ws::Connection& connection) -> lift::Result<void> {
        connection.rooms = {std::string(ctx.query("room").value_or("lobby"))};
        return {};  // an error here refuses the connection with its status
      },
      .message_limit = lift::ratelimit::Limit{20, std::chrono::seconds(1)},  // per connection
  }));
  ws::Hub::mount(hub, app);  // $connect, $disconnect, and the connection restored on messages
  app.websocket("say", [hub](lift::Context& ctx) -> lift::Result<void> {
    const ws::Connection* me = ws::Hub::connection_of(ctx);  // from the store: id, user, tenant, rooms
    if (me == nullptr || me->rooms.empty()) return lift::errors::bad_request("not in a room");
    auto sent = hub->to_room(ctx, *me->rooms.begin(), ctx.body());
    if (!sent) return std::move(sent).error();  // the store failed, or over 128 KB
    return {};  // sent->sent, sent->gone (removed from the store), sent->failed (logged)
  });
  return hub;
}
// README end

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Ids = std::vector<std::string>;

constexpr std::string_view kSecret = "a-test-secret-of-at-least-32-bytes-long!";

Ids sorted(Ids ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

ws::Deadline soon() { return std::chrono::steady_clock::now() + 5s; }

class WebSocketTest : public ::testing::Test {
 protected:
  WebSocketTest() {
    auto client = lift::aws::DynamoDbClient::create(lift::testing_support::memory_client_options(engine_));
    if (!client) throw std::runtime_error(client.error().message);
    db_ = std::make_unique<lift::aws::DynamoDbClient>(std::move(*client));
  }

  ws::ConnectionStore store(ws::StoreOptions options = {}) {
    options.create_table = true;
    auto made = ws::ConnectionStore::create(*db_, std::move(options));
    if (!made) throw std::runtime_error(made.error().message);
    return *made;
  }

  static ws::Connection connection(std::string id, std::string user = {}, std::set<std::string> rooms = {}, std::string tenant = {}) {
    ws::Connection c;
    c.id = std::move(id);
    c.user = std::move(user);
    c.tenant = std::move(tenant);
    c.rooms = std::move(rooms);
    return c;
  }

  lift::dynamorm::MemoryEngine engine_;
  std::unique_ptr<lift::aws::DynamoDbClient> db_;
};

TEST_F(WebSocketTest, StoreFindsConnectionsByRoomUserAndTenant) {
  auto s = store();
  ASSERT_TRUE(s.add(connection("c1", "ada", {"lobby"}, "acme"), soon()));
  ASSERT_TRUE(s.add(connection("c2", "ada", {"lobby", "dev"}, "acme"), soon()));
  ASSERT_TRUE(s.add(connection("c3", "bob", {"dev"}, "globex"), soon()));
  ASSERT_TRUE(s.add(connection("c4"), soon()));  // anonymous, no room

  EXPECT_EQ(sorted(*s.in_room("lobby", soon())), (Ids{"c1", "c2"}));
  EXPECT_EQ(sorted(*s.in_room("dev", soon())), (Ids{"c2", "c3"}));
  EXPECT_TRUE(s.in_room("empty", soon())->empty());
  EXPECT_EQ(sorted(*s.of_user("ada", soon())), (Ids{"c1", "c2"}));
  EXPECT_EQ(sorted(*s.of_tenant("acme", soon())), (Ids{"c1", "c2"}));
  EXPECT_EQ(sorted(*s.all(soon())), (Ids{"c1", "c2", "c3", "c4"}));

  auto c2 = s.get("c2", soon());
  ASSERT_TRUE(c2) << c2.error().message;
  EXPECT_EQ(c2->user, "ada");
  EXPECT_EQ(c2->tenant, "acme");
  EXPECT_EQ(c2->rooms, (std::set<std::string>{"dev", "lobby"}));
  EXPECT_GT(c2->expires_at, c2->connected_at + 2h);

  ASSERT_TRUE(s.remove("c2", soon()));
  EXPECT_EQ(s.get("c2", soon()).error().code, ws::kConnectionUnknown);
  EXPECT_EQ(*s.in_room("lobby", soon()), (Ids{"c1"}));
  EXPECT_EQ(*s.of_user("ada", soon()), (Ids{"c1"}));
  EXPECT_TRUE(s.remove("c2", soon()));  // twice: no error
}

TEST_F(WebSocketTest, StoreJoinsLeavesAndTouches) {
  auto s = store();
  ASSERT_TRUE(s.add(connection("c1", "ada", {"lobby"}), soon()));
  ASSERT_TRUE(s.join("c1", "dev", soon()));
  ASSERT_TRUE(s.join("c1", "dev", soon()));  // twice: no error
  EXPECT_EQ(s.get("c1", soon())->rooms, (std::set<std::string>{"dev", "lobby"}));
  ASSERT_TRUE(s.leave("c1", "lobby", soon()));
  ASSERT_TRUE(s.leave("c1", "nowhere", soon()));
  EXPECT_EQ(s.get("c1", soon())->rooms, (std::set<std::string>{"dev"}));
  EXPECT_TRUE(s.in_room("lobby", soon())->empty());
  EXPECT_EQ(*s.in_room("dev", soon()), (Ids{"c1"}));

  EXPECT_EQ(s.join("ghost", "dev", soon()).error().code, ws::kConnectionUnknown);
  EXPECT_EQ(*s.in_room("dev", soon()), (Ids{"c1"}));  // the stale id joined nothing
  EXPECT_EQ(s.touch("ghost", soon()).error().code, ws::kConnectionUnknown);
  EXPECT_EQ(s.get("ghost", soon()).error().code, ws::kConnectionUnknown);  // touch created nothing
  auto touched = s.touch("c1", soon());
  ASSERT_TRUE(touched) << touched.error().message;
  EXPECT_EQ(touched->user, "ada");
  EXPECT_GE(touched->last_seen, touched->connected_at);
}

TEST_F(WebSocketTest, StoreSkipsExpiredConnections) {
  auto now = std::chrono::system_clock::now();
  auto s = store({.ttl = 10min, .clock = [&now] { return now; }});
  ASSERT_TRUE(s.add(connection("old", "ada", {"lobby"}), soon()));
  now += 11min;
  ASSERT_TRUE(s.add(connection("new", "ada", {"lobby"}), soon()));
  EXPECT_EQ(*s.in_room("lobby", soon()), (Ids{"new"}));
  EXPECT_EQ(*s.of_user("ada", soon()), (Ids{"new"}));
  EXPECT_EQ(*s.all(soon()), (Ids{"new"}));
  EXPECT_EQ(s.get("old", soon()).error().code, ws::kConnectionUnknown);
  EXPECT_EQ(s.touch("old", soon()).error().code, ws::kConnectionUnknown);
}

TEST_F(WebSocketTest, StoreRefusesBadNamesAndOptions) {
  auto s = store();
  for (const std::string& bad : {std::string(), std::string(257, 'x'), std::string("a\nb"), std::string("\xff\xfe")}) {
    EXPECT_EQ(s.add(connection(bad), soon()).error().code, ws::kStoreInvalid);
    EXPECT_EQ(s.add(connection("c1", "", {bad}), soon()).error().code, ws::kStoreInvalid);
    EXPECT_EQ(s.in_room(bad, soon()).error().code, ws::kStoreInvalid);
  }
  EXPECT_EQ(s.of_user("", soon()).error().code, ws::kStoreInvalid);
  EXPECT_FALSE(ws::ConnectionStore::create(*db_, {.table = ""}));
  EXPECT_FALSE(ws::ConnectionStore::create(*db_, {.ttl = 30s}));
}

// ---- the hub on an App ----

using lift::testing_support::websocket_event;

class HubTest : public WebSocketTest {
 protected:
  void make(ws::HubOptions options = {}) {
    options.store.create_table = true;
    options.poster = fake_;
    options.send_concurrency = 3;
    options.metrics = &metrics_;
    auto made = ws::Hub::create(*db_, std::move(options));
    if (!made) throw std::runtime_error(made.error().message);
    hub_ = *made;
    app_ = std::make_unique<lift::App>();
    ws::Hub::mount(hub_, *app_);
    app_->websocket("say", [this](lift::Context& ctx) -> lift::Result<void> {
      const auto* me = ws::Hub::connection_of(ctx);
      if (me == nullptr || me->rooms.empty()) return lift::errors::bad_request("no room");
      LIFT_TRY(report, hub_->to_room(ctx, *me->rooms.begin(), ctx.request().body));
      last_ = report;
      return {};
    });
    app_->websocket("whoami", [this](lift::Context& ctx) -> lift::Result<void> {
      const auto* principal = lift::mw::principal_of(ctx);
      return hub_->reply(ctx, principal != nullptr ? principal->subject + "/" + principal->tenant.value_or("") : "anonymous");
    });
    app_->websocket("notify", [this](lift::Context& ctx) -> lift::Result<void> {
      LIFT_TRY(report, hub_->to_user(ctx, "ada", "for ada"));
      last_ = report;
      return {};
    });
  }

  lift::testing::HttpResponse connect(const std::string& id, lift::events::HttpHeaderList headers = {}, std::string query = {}) {
    return lift::testing::invoke_http(*app_, websocket_event("$connect", "CONNECT", id, {}, std::move(headers), std::move(query)));
  }
  lift::testing::HttpResponse message(const std::string& id, const std::string& route, std::string body = "{}") {
    return lift::testing::invoke_http(*app_, websocket_event(route, "MESSAGE", id, std::move(body)));
  }

  static std::string token(json::object claims, std::string_view secret = kSecret) {
    auto key = lift::security::Key::hmac(lift::security::Algorithm::HS256, secret);
    claims["exp"] = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch() + 1h).count();
    return *lift::security::sign_jwt(claims, *key);
  }
  static std::shared_ptr<const lift::security::JwtVerifier> verifier() {
    return std::make_shared<const lift::security::JwtVerifier>(*lift::security::Key::hmac(lift::security::Algorithm::HS256, kSecret));
  }

  std::shared_ptr<ws::FakeManagementApi> fake_ = std::make_shared<ws::FakeManagementApi>();
  static lift::observability::MetricsOptions metrics_options() {
    lift::observability::MetricsOptions options;
    options.metrics_namespace = "test";
    options.service = "chat";
    return options;
  }
  lift::observability::Metrics metrics_{metrics_options()};
  std::shared_ptr<ws::Hub> hub_;
  std::unique_ptr<lift::App> app_;
  ws::SendReport last_;
};

TEST_F(HubTest, ARoomBroadcastReachesExactlyItsRoom) {
  make({.on_connect = [](lift::Context& ctx, ws::Connection& c) -> lift::Result<void> {
    c.rooms.insert(std::string(ctx.request().query_param("room").value_or("lobby")));
    return {};
  }});
  EXPECT_EQ(connect("a", {}, "room=red").status, 200);
  EXPECT_EQ(connect("b", {}, "room=red").status, 200);
  EXPECT_EQ(connect("c", {}, "room=blue").status, 200);
  auto said = message("a", "say", "hello red");
  EXPECT_EQ(said.status, 200) << said.body << said.problem;
  EXPECT_EQ(last_.sent, 2u);
  EXPECT_EQ(fake_->received("a"), (Ids{"hello red"}));
  EXPECT_EQ(fake_->received("b"), (Ids{"hello red"}));
  EXPECT_TRUE(fake_->received("c").empty());
  EXPECT_EQ(lift::testing::invoke_http(*app_, websocket_event("$disconnect", "DISCONNECT", "b")).status, 200);
  fake_->clear();
  (void)message("a", "say", "again");
  EXPECT_EQ(fake_->received("a"), (Ids{"again"}));
  EXPECT_TRUE(fake_->received("b").empty());
}

TEST_F(HubTest, TokensFromEachSourceAndPrincipalRestoredOnMessages) {
  make({.verifier = verifier()});
  const auto ada = token({{"sub", "ada"}, {"tenant_id", "acme"}});
  EXPECT_EQ(connect("h", {{"Authorization", "Bearer " + ada}}).status, 200);
  const auto by_protocol = connect("p", {{"Sec-WebSocket-Protocol", "access_token, " + ada}});
  EXPECT_EQ(by_protocol.status, 200);
  EXPECT_EQ(by_protocol.headers.get("sec-websocket-protocol").value_or(""), "access_token");  // the browser's other protocol
  EXPECT_EQ(connect("q", {}, "token=" + ada).status, 200);

  EXPECT_EQ(message("q", "whoami").status, 200);
  EXPECT_EQ(fake_->received("q"), (Ids{"ada/acme"}));  // no token on the message: the store knew
  EXPECT_EQ(message("h", "notify").status, 200);
  EXPECT_EQ(last_.sent, 3u);
  EXPECT_EQ(fake_->received("h"), (Ids{"for ada"}));
  EXPECT_EQ(fake_->received("p"), (Ids{"for ada"}));
}

TEST_F(HubTest, RefusedConnectionsAre401AndStoreNothing) {
  make({.verifier = verifier()});
  const auto forged = token({{"sub", "mallory"}}, "another-secret-of-at-least-32-bytes-long");
  for (const auto& refused : {connect("x1", {{"Authorization", "Bearer " + forged}}), connect("x2", {}, "token=" + forged),
                              connect("x3"), connect("x4", {}, "token=not.a.jwt"), connect("x5", {{"Authorization", "Basic YTpi"}})}) {
    EXPECT_EQ(refused.status, 401) << refused.body;
  }
  EXPECT_TRUE(hub_->store().all(soon())->empty());
  // on_connect's own refusal keeps its status.
  make({.verifier = verifier(), .on_connect = [](lift::Context&, ws::Connection& c) -> lift::Result<void> {
          if (c.user == "bob") return lift::errors::forbidden("bob may not chat");
          return {};
        }});
  EXPECT_EQ(connect("b", {{"Authorization", "Bearer " + token({{"sub", "bob"}})}}).status, 403);
  EXPECT_TRUE(hub_->store().all(soon())->empty());
  auto serialized = metrics_.serialize();
  ASSERT_TRUE(serialized);
  EXPECT_NE(serialized->front().find("WebSocketConnectionsRefused"), std::string::npos);
}

TEST_F(HubTest, GoneConnectionsAreRemovedAndCountedNotFailed) {
  make({.on_connect = [](lift::Context&, ws::Connection& c) -> lift::Result<void> {
    c.rooms.insert("lobby");
    return {};
  }});
  for (const auto* id : {"a", "b", "c", "d"}) ASSERT_EQ(connect(id).status, 200);
  fake_->mark_gone("b");
  fake_->mark_gone("d");
  EXPECT_EQ(message("a", "say", "hi").status, 200);
  EXPECT_EQ(last_.sent, 2u);
  EXPECT_EQ(last_.gone, 2u);
  EXPECT_TRUE(last_.failed.empty());
  EXPECT_EQ(sorted(*hub_->store().in_room("lobby", soon())), (Ids{"a", "c"}));
  EXPECT_EQ(hub_->store().get("b", soon()).error().code, ws::kConnectionUnknown);
  auto serialized = metrics_.serialize();
  ASSERT_TRUE(serialized);
  EXPECT_NE(serialized->front().find("WebSocketGone"), std::string::npos);
}

TEST_F(HubTest, BadMessagesAreAnsweredToTheSenderAloneAndTheConnectionKept) {
  make({.on_connect = [](lift::Context&, ws::Connection& c) -> lift::Result<void> {
    c.rooms.insert("lobby");
    return {};
  }});
  app_->websocket("fail", [](lift::Context&) -> lift::Result<void> { return lift::errors::bad_request("no such thing"); });
  ASSERT_EQ(connect("a").status, 200);
  ASSERT_EQ(connect("b").status, 200);
  EXPECT_EQ(message("a", "fail").status, 200);  // the invocation succeeds: API Gateway keeps the connection
  ASSERT_EQ(fake_->received("a").size(), 1u);
  const auto error = json::parse(fake_->received("a").front()).at("error");
  EXPECT_EQ(error.at("code"), "BadRequest");
  EXPECT_EQ(error.at("message"), "no such thing");
  EXPECT_TRUE(fake_->received("b").empty());

  // Over API Gateway's limit: refused before any post.
  fake_->clear();
  const std::string huge(ws::kMaxMessageBytes + 1, 'x');
  EXPECT_EQ(message("a", "say", huge).status, 200);
  EXPECT_EQ(fake_->posts(), 1u);  // only the error to the sender
  EXPECT_EQ(json::parse(fake_->received("a").front()).at("error").at("code").as_string(), ws::kMessageTooLarge);

  // A connection the store does not know (its $connect was never seen).
  fake_->clear();
  EXPECT_EQ(message("stranger", "say", "hi").status, 200);
  EXPECT_EQ(json::parse(fake_->received("stranger").front()).at("error").at("code").as_string(), ws::kConnectionUnknown);
  EXPECT_TRUE(fake_->received("a").empty());
  // No route for the key: the 404 goes back for the gateway's $default.
  EXPECT_EQ(message("a", "unrouted").status, 404);
}

TEST_F(HubTest, PerConnectionMessageRateLimit) {
  make({.on_connect = [](lift::Context&, ws::Connection& c) -> lift::Result<void> {
          c.rooms.insert("lobby");
          return {};
        },
        .message_limit = lift::ratelimit::Limit{2, std::chrono::seconds(60)}});
  ASSERT_EQ(connect("a").status, 200);
  ASSERT_EQ(connect("b").status, 200);
  EXPECT_EQ(message("a", "say", "1").status, 200);
  EXPECT_EQ(message("a", "say", "2").status, 200);
  EXPECT_EQ(message("a", "say", "3").status, 200);
  EXPECT_EQ(fake_->received("b"), (Ids{"1", "2"}));
  ASSERT_EQ(fake_->received("a").size(), 3u);
  EXPECT_EQ(json::parse(fake_->received("a").back()).at("error").at("code").as_string(), ws::kRateLimited);
  EXPECT_EQ(message("b", "say", "from b").status, 200);  // another connection's own budget
  EXPECT_EQ(fake_->received("a").back(), "from b");
  EXPECT_FALSE(ws::Hub::create(*db_, {.message_limit = lift::ratelimit::Limit{0, std::chrono::seconds(1)}}));
  EXPECT_FALSE(ws::Hub::create(*db_, {.send_concurrency = 0}));
}

TEST(ConnectToken, SourcesInOrderAndBadValues) {
  lift::http::Request request;
  EXPECT_EQ(ws::connect_token(request).error().status, 401);
  request.query.add("token", "q.q.q");
  EXPECT_EQ(ws::connect_token(request)->token, "q.q.q");
  request.headers.add("Sec-WebSocket-Protocol", "p.p.p");
  EXPECT_EQ(ws::connect_token(request)->token, "p.p.p");
  EXPECT_EQ(ws::connect_token(request)->protocol, "p.p.p");  // the only one offered goes back
  request.headers.add("authorization", "Bearer h.h.h");
  EXPECT_EQ(ws::connect_token(request)->token, "h.h.h");
  EXPECT_TRUE(ws::connect_token(request)->protocol.empty());
  request.headers.set("authorization", "Basic abc");
  EXPECT_EQ(ws::connect_token(request).error().status, 401);
}

// The README's example, as written there, over the process's client (memory:, set by the test's
// registration): connections stored in their room on $connect, refused without a valid token.
TEST(ReadmeExample, StoresConnectionsInTheirRoomAndRefusesForgedTokens) {
  EXPECT_EQ(lift::testing_support::readme_example_problem("tests/unit/websocket/websocket_test.cpp"), "");
  lift::App open_app;
  auto hub = add_chat(open_app, nullptr);
  ASSERT_TRUE(hub) << hub.error().message;
  EXPECT_EQ(lift::testing::invoke_http(open_app, websocket_event("$connect", "CONNECT", "readme-1", {}, {}, "room=tea")).status, 200);
  EXPECT_EQ(*(*hub)->store().in_room("tea", soon()), (Ids{"readme-1"}));

  lift::App closed_app;
  auto verifier = std::make_shared<const lift::security::JwtVerifier>(*lift::security::Key::hmac(lift::security::Algorithm::HS256, kSecret));
  ASSERT_TRUE(add_chat(closed_app, verifier));
  EXPECT_EQ(lift::testing::invoke_http(closed_app, websocket_event("$connect", "CONNECT", "readme-2", {}, {}, "room=tea&token=a.b.c")).status, 401);
  EXPECT_EQ(*(*hub)->store().in_room("tea", soon()), (Ids{"readme-1"}));
  EXPECT_EQ(lift::testing::invoke_http(open_app, websocket_event("$disconnect", "DISCONNECT", "readme-1")).status, 200);
  EXPECT_TRUE((*hub)->store().in_room("tea", soon())->empty());
}

}  // namespace
