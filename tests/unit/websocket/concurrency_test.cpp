// One hub shared by four workers at once (AWS_LAMBDA_MAX_CONCURRENCY > 1), over the embedded
// engine and the in-memory Management API: connections stored, rooms joined and broadcasts posted
// from every thread, each broadcast itself posting from several threads. Every message arrives
// exactly once; also built and run under ThreadSanitizer.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/testing/invoke.hpp"
#include "lift/websocket/hub.hpp"
#include "support/dynamodb_clients.hpp"
#include "support/websocket_events.hpp"

namespace {

namespace ws = lift::websocket;

using lift::testing_support::websocket_event;

TEST(HubConcurrency, FourWorkersShareOneHub) {
  constexpr int kWorkers = 4;
  constexpr int kPerWorker = 8;
  lift::dynamorm::MemoryEngine engine;
  auto db = *lift::aws::DynamoDbClient::create(lift::testing_support::memory_client_options(engine));
  auto fake = std::make_shared<ws::FakeManagementApi>();
  ws::HubOptions options;
  options.store.create_table = true;
  options.poster = fake;
  options.send_concurrency = 4;
  options.message_limit = lift::ratelimit::Limit{1000, std::chrono::seconds(60)};
  auto hub = *ws::Hub::create(db, std::move(options));
  lift::App app;
  ws::Hub::mount(hub, app);
  app.websocket("join", [hub](lift::Context& ctx) -> lift::Result<void> { return hub->join(ctx, "all"); });
  app.websocket("say", [hub](lift::Context& ctx) -> lift::Result<void> {
    auto sent = hub->to_room(ctx, "all", ctx.request().body);
    if (!sent) return std::move(sent).error();
    return {};
  });

  auto id = [](int worker, int i) { return "w" + std::to_string(worker) + "-" + std::to_string(i); };
  auto run = [&](auto&& per_worker) {
    std::vector<std::jthread> threads;
    for (int w = 0; w < kWorkers; ++w) threads.emplace_back([&, w] { per_worker(w); });
  };
  run([&](int w) {
    for (int i = 0; i < kPerWorker; ++i) {
      EXPECT_EQ(lift::testing::invoke_http(app, websocket_event("$connect", "CONNECT", id(w, i))).status, 200);
      EXPECT_EQ(lift::testing::invoke_http(app, websocket_event("join", "MESSAGE", id(w, i))).status, 200);
    }
  });
  // Each worker's first connection says one thing to the whole room.
  run([&](int w) { EXPECT_EQ(lift::testing::invoke_http(app, websocket_event("say", "MESSAGE", id(w, 0), "from " + std::to_string(w))).status, 200); });
  for (int w = 0; w < kWorkers; ++w) {
    for (int i = 0; i < kPerWorker; ++i) {
      auto received = fake->received(id(w, i));
      std::sort(received.begin(), received.end());
      EXPECT_EQ(received, (std::vector<std::string>{"from 0", "from 1", "from 2", "from 3"})) << id(w, i);
    }
  }
  EXPECT_EQ(fake->posts(), static_cast<std::size_t>(kWorkers * kWorkers * kPerWorker));
}

}  // namespace
