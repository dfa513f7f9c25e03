// What a room broadcast costs per recipient: lift::websocket::Hub::to_room over the embedded
// DynamoDB engine (one Query of the room index, every page) and the in-memory Management API
// (no network), for rooms of 1 to 1,000 connections, posting one at a time and 16 at once. The
// `per_recipient` counter is the time of one broadcast divided by the room's size: what the
// framework adds per connection before the network round trip of each post.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/websocket/hub.hpp"

namespace {

namespace ws = lift::websocket;

struct Room {
  lift::dynamorm::MemoryEngine engine;
  lift::aws::DynamoDbClient client = make_client();
  std::shared_ptr<ws::FakeManagementApi> api = std::make_shared<ws::FakeManagementApi>();
  std::shared_ptr<ws::Hub> hub;

  Room(std::int64_t members, std::size_t concurrency) {
    ws::HubOptions options;
    options.store.create_table = true;
    options.poster = api;
    options.send_concurrency = concurrency;
    options.endpoint = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod";
    hub = *ws::Hub::create(client, std::move(options));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    for (std::int64_t i = 0; i < members; ++i) {
      ws::Connection c;
      c.id = "conn-" + std::to_string(i) + "=";
      c.rooms = {"lobby"};
      if (!hub->store().add(c, deadline)) throw std::runtime_error("add failed");
    }
  }

  lift::aws::DynamoDbClient make_client() {
    lift::aws::DynamoDbOptions options;
    options.region = "us-east-1";
    options.transport = lift::dynamorm::memory_transport(engine);
    return *lift::aws::DynamoDbClient::create(std::move(options));
  }
};

void BM_RoomBroadcast(benchmark::State& state) {
  const auto members = state.range(0);
  Room room(members, static_cast<std::size_t>(state.range(1)));
  const lift::Context ctx{lift::http::Request{}};
  const std::string message = R"({"from":"ada","room":"lobby","text":"hello, everyone in the room"})";
  for (auto _ : state) {
    auto report = room.hub->to_room(ctx, "lobby", message);
    if (!report || report->sent != static_cast<std::size_t>(members)) state.SkipWithError("broadcast failed");
    room.api->clear();
  }
  state.counters["per_recipient"] =
      benchmark::Counter(static_cast<double>(members), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RoomBroadcast)
    ->ArgNames({"members", "concurrency"})
    ->ArgsProduct({{1, 10, 100, 1000}, {1, 16}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
