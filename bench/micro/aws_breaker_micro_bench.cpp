// What a circuit breaker adds to a DynamoDB client call on the embedded engine (GetItem of a
// small item): the client alone, with a closed breaker, and an open breaker refusing the call.
#include <benchmark/benchmark.h>

#include <chrono>

#include <boost/json.hpp>

#include "allocation_counter.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/aws/protection.hpp"
#include "lift/dynamorm/memory_engine.hpp"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

struct Fixture {
  lift::dynamorm::MemoryEngine engine;
  lift::aws::DynamoDbClient client;
  json::object get;

  explicit Fixture(std::optional<lift::resilience::CircuitBreaker> breaker) : client(make(engine, std::move(breaker))) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    (void)client.create_table(json::parse(R"({"TableName":"bench","AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})").as_object(), deadline);
    (void)client.put_item(json::parse(R"({"TableName":"bench","Item":{"id":{"S":"1"},"name":{"S":"one"}}})").as_object(), deadline);
    get = json::parse(R"({"TableName":"bench","Key":{"id":{"S":"1"}}})").as_object();
  }

  static lift::aws::DynamoDbClient make(lift::dynamorm::MemoryEngine& engine, std::optional<lift::resilience::CircuitBreaker> breaker) {
    lift::aws::DynamoDbOptions options;
    options.region = "us-east-1";
    options.transport = lift::dynamorm::memory_transport(engine);
    options.breaker = std::move(breaker);
    options.faults = lift::resilience::FaultPlan{};
    return lift::aws::DynamoDbClient::create(std::move(options)).value();
  }
};

lift::resilience::CircuitBreaker breaker(const char* name) {
  return lift::resilience::CircuitBreaker::create(name, {.is_failure = lift::aws::is_service_failure, .log = nullptr}).value();
}

void run(benchmark::State& state, Fixture& fixture) {
  const auto deadline = std::chrono::steady_clock::now() + 1h;
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(fixture.client.get_item(fixture.get, deadline));
  lift_bench::report_allocations(state, before);
}

void BM_DynamoDbGetItem(benchmark::State& state) {
  Fixture fixture(std::nullopt);
  run(state, fixture);
}
BENCHMARK(BM_DynamoDbGetItem);

void BM_DynamoDbGetItemBreaker(benchmark::State& state) {
  Fixture fixture(breaker("bench-closed"));
  run(state, fixture);
}
BENCHMARK(BM_DynamoDbGetItemBreaker);

void BM_DynamoDbGetItemOpenBreaker(benchmark::State& state) {
  auto open = lift::resilience::CircuitBreaker::create(
                  "bench-open", {.window_size = 1, .minimum_calls = 1, .open_duration = 24h, .is_failure = lift::aws::is_service_failure,
                                 .log = nullptr})
                  .value();
  (void)open.call([]() -> lift::Result<int> { return lift::Error{"Http.ConnectFailed", "refused", 0}; });
  Fixture fixture(open);
  run(state, fixture);
}
BENCHMARK(BM_DynamoDbGetItemOpenBreaker);

}  // namespace

BENCHMARK_MAIN();
