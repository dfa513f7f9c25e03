// What idempotency adds to one HTTP request, in-process on the embedded DynamoDB engine: the
// same POST through App::invoke without the middleware (the floor), as a first call (a new key
// each time: conditional PutItem + UpdateItem), as a replay read from the table (the PutItem's
// condition fails and returns the record), and as a replay from the local cache (no call).
// `ddb_calls` is the DynamoDB calls per request. The engine answers in-process, so the figures
// are lift's own cost (JSON protocol, hashing, the record); against DynamoDB each call adds its
// network round trip (single-digit milliseconds in the same region).
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>

#include "allocation_counter.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/idempotency/idempotency.hpp"
#include "lift/idempotency/middleware.hpp"
#include "lift/lift.hpp"

namespace {

namespace idem = lift::idempotency;

// An HTTP API (payload 2.0) POST with an Idempotency-Key; KEY is replaced per request.
const std::string kEvent = R"json({"version":"2.0","routeKey":"$default","rawPath":"/payments","rawQueryString":"",
"headers":{"accept":"application/json","content-type":"application/json","host":"abc123.execute-api.eu-west-1.amazonaws.com",
"idempotency-key":"KEY","user-agent":"bench","x-forwarded-for":"203.0.113.10"},
"requestContext":{"accountId":"123456789012","apiId":"abc123","domainName":"abc123.execute-api.eu-west-1.amazonaws.com",
"http":{"method":"POST","path":"/payments","protocol":"HTTP/1.1","sourceIp":"203.0.113.10","userAgent":"bench"},
"requestId":"JKJaXmPLvHcESHA=","routeKey":"$default","stage":"$default","time":"10/Oct/2026:12:00:00 +0000","timeEpoch":1791633600000},
"body":"{\"amount\":1250,\"currency\":\"EUR\",\"card\":\"tok_visa\"}","isBase64Encoded":false})json";

std::string event_with_key(const std::string& key) {
  std::string event = kEvent;
  event.replace(event.find("KEY"), 3, key);
  return event;
}

struct Fixture {
  explicit Fixture(bool with_middleware, std::size_t cache_size = 0) {
    lift::aws::DynamoDbOptions options;
    options.transport = [transport = lift::dynamorm::memory_transport(engine), this](std::string_view op, std::string_view body) {
      calls.fetch_add(1, std::memory_order_relaxed);
      return transport(op, body);
    };
    client.emplace(std::move(lift::aws::DynamoDbClient::create(std::move(options)).value()));
    idempotency.emplace(idem::Idempotency::create(*client, {.table = "payments-idempotency", .key_prefix = "payments",
                                                            .local_cache_size = cache_size, .create_table = true, .log = nullptr})
                            .value());
    if (with_middleware) app.use(idem::middleware(*idempotency));
    app.post("/payments", [](lift::Context&) {
      return lift::http::Response::json(201, R"({"id":"pay_1","amount":1250,"currency":"EUR","status":"captured"})")
          .header("Location", "/payments/pay_1");
    });
  }

  lift::dynamorm::MemoryEngine engine;
  std::atomic<long> calls{0};
  std::optional<lift::aws::DynamoDbClient> client;
  std::optional<idem::Idempotency> idempotency;
  lift::App app;
};

lift::runtime::Invocation invocation(std::string payload) {
  lift::runtime::Invocation in;
  in.context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
  in.payload = std::move(payload);
  return in;
}

void report_calls(benchmark::State& state, const Fixture& fixture, long before) {
  state.counters["ddb_calls"] =
      benchmark::Counter(static_cast<double>(fixture.calls.load() - before), benchmark::Counter::kAvgIterations);
}

// A new key per request, in every row, so that making the event is in the floor too.
void run_new_keys(benchmark::State& state, Fixture& fixture) {
  long n = 0;
  const long calls_before = fixture.calls.load();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto answer = fixture.app.invoke(invocation(event_with_key("k-" + std::to_string(++n))));
    benchmark::DoNotOptimize(answer);
  }
  lift_bench::report_allocations(state, before);
  report_calls(state, fixture, calls_before);
}

void BM_PostWithoutIdempotency(benchmark::State& state) {
  Fixture fixture(false);
  run_new_keys(state, fixture);
}
BENCHMARK(BM_PostWithoutIdempotency);

void BM_PostFirstCall(benchmark::State& state) {
  Fixture fixture(true);
  run_new_keys(state, fixture);
}
BENCHMARK(BM_PostFirstCall);

void run_replays(benchmark::State& state, Fixture& fixture) {
  (void)fixture.app.invoke(invocation(event_with_key("same")));  // the first call, stored
  const long calls_before = fixture.calls.load();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto answer = fixture.app.invoke(invocation(event_with_key("same")));
    benchmark::DoNotOptimize(answer);
  }
  lift_bench::report_allocations(state, before);
  report_calls(state, fixture, calls_before);
}

void BM_PostReplayFromTable(benchmark::State& state) {
  Fixture fixture(true, /*cache_size=*/0);
  run_replays(state, fixture);
}
BENCHMARK(BM_PostReplayFromTable);

void BM_PostReplayFromLocalCache(benchmark::State& state) {
  Fixture fixture(true, /*cache_size=*/1024);
  run_replays(state, fixture);
}
BENCHMARK(BM_PostReplayFromLocalCache);

}  // namespace

BENCHMARK_MAIN();
