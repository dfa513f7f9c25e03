// What rate limiting costs per request: the in-memory token bucket (one key, many keys, two
// threads), the DynamoDB fixed and sliding windows on the embedded engine for an allowed and a
// limited request (with the DynamoDB calls each makes, counted at the transport), and the latency
// the middleware adds to a whole HTTP API invocation (BM_Request/none is the same app without it).
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/lift.hpp"
#include "lift/ratelimit/dynamodb.hpp"
#include "lift/ratelimit/middleware.hpp"
#include "lift/ratelimit/token_bucket.hpp"

namespace {

using namespace std::chrono_literals;
using lift::ratelimit::Limit;
using lift::ratelimit::Window;

constexpr Limit kUnreachable{lift::ratelimit::kMaxRequests, 3600s};  // every request allowed
constexpr Limit kOne{1, 3600s};                                      // every request after the first refused

void BM_TokenBucket(benchmark::State& state) {
  static const auto bucket = *lift::ratelimit::TokenBucket::create();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(bucket->acquire("user:bench", kUnreachable));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_TokenBucket);
BENCHMARK(BM_TokenBucket)->Threads(2)->UseRealTime();

// 10,000 callers in turn: the bucket's map and use order at their bound.
void BM_TokenBucketManyKeys(benchmark::State& state) {
  auto bucket = *lift::ratelimit::TokenBucket::create({.max_keys = 10'000});
  std::vector<std::string> keys;
  for (int i = 0; i < 10'000; ++i) keys.push_back("ip:10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  std::size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bucket->acquire(keys[next], kUnreachable));
    next = (next + 1) % keys.size();
  }
}
BENCHMARK(BM_TokenBucketManyKeys);

// The embedded engine behind a client whose transport counts the calls.
struct Store {
  lift::dynamorm::MemoryEngine engine;
  std::shared_ptr<std::atomic<std::int64_t>> calls = std::make_shared<std::atomic<std::int64_t>>(0);
  lift::aws::DynamoDbClient client = make_client();

  lift::aws::DynamoDbClient make_client() {
    lift::aws::DynamoDbOptions options;
    options.transport = [inner = lift::dynamorm::memory_transport(engine), calls = calls](std::string_view op, std::string_view body) {
      calls->fetch_add(1, std::memory_order_relaxed);
      return inner(op, body);
    };
    return lift::aws::DynamoDbClient::create(std::move(options)).value();
  }
};

std::shared_ptr<lift::ratelimit::DynamoDbLimiter> window_limiter(Store& store, Window window, std::string table) {
  auto limiter = *lift::ratelimit::DynamoDbLimiter::create(store.client, {.table = std::move(table), .window = window});
  (void)limiter->create_table();
  return limiter;
}

void report_calls(benchmark::State& state, const Store& store, std::int64_t before) {
  state.counters["dynamodb_calls/op"] =
      benchmark::Counter(static_cast<double>(store.calls->load() - before), benchmark::Counter::kAvgIterations);
}

// state.range(0): 0 fixed, 1 sliding; state.range(1): 0 allowed, 1 limited.
void BM_DynamoDbWindow(benchmark::State& state) {
  Store store;
  const auto window = state.range(0) == 0 ? Window::fixed : Window::sliding;
  auto limiter = window_limiter(store, window, "limits");
  const Limit limit = state.range(1) == 0 ? kUnreachable : kOne;
  (void)limiter->acquire("user:bench", limit);  // the first: the previous window read, the one request allowed
  const auto calls = store.calls->load();
  for (auto _ : state) benchmark::DoNotOptimize(limiter->acquire("user:bench", limit));
  report_calls(state, store, calls);
}
BENCHMARK(BM_DynamoDbWindow)->ArgNames({"sliding", "limited"})->Args({0, 0})->Args({0, 1})->Args({1, 0})->Args({1, 1});

// A whole HTTP API invocation with the middleware over the DynamoDB window; state.range(0):
// 0 no middleware, 1 fixed allowed, 2 fixed limited, 3 sliding allowed, 4 sliding limited.
const std::string kEvent = R"json({"version":"2.0","routeKey":"$default","rawPath":"/hello","rawQueryString":"",
"headers":{"accept":"application/json","host":"abc123.execute-api.eu-west-1.amazonaws.com","user-agent":"bench",
"x-forwarded-for":"203.0.113.10"},
"requestContext":{"accountId":"123456789012","apiId":"abc123","domainName":"abc123.execute-api.eu-west-1.amazonaws.com",
"http":{"method":"GET","path":"/hello","protocol":"HTTP/1.1","sourceIp":"203.0.113.10","userAgent":"bench"},
"requestId":"JKJaXmPLvHcESHA=","routeKey":"$default","stage":"$default","time":"10/Oct/2026:12:00:00 +0000",
"timeEpoch":1791633600000},"isBase64Encoded":false})json";

void BM_Request(benchmark::State& state) {
  Store store;
  lift::App app;
  const auto mode = state.range(0);
  if (mode != 0) {
    const auto window = mode <= 2 ? Window::fixed : Window::sliding;
    const Limit limit = mode % 2 == 1 ? kUnreachable : kOne;
    app.use(lift::mw::rate_limit({.limiter = window_limiter(store, window, "limits"), .limit = limit}).value());
  }
  app.get("/hello", [](lift::Context&) { return boost::json::value{{"message", "hello"}}; });
  lift::runtime::Invocation invocation;
  invocation.context.request_id = "bench";
  invocation.context.deadline = std::chrono::system_clock::now() + 1h;
  invocation.payload = kEvent;
  (void)app.invoke(invocation);
  const auto calls = store.calls->load();
  for (auto _ : state) benchmark::DoNotOptimize(app.invoke(invocation));
  report_calls(state, store, calls);
}
BENCHMARK(BM_Request)->ArgName("mode")->DenseRange(0, 4);

}  // namespace

BENCHMARK_MAIN();
