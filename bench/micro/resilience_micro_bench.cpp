// What the resilience utilities cost around a call that does nothing: a closed circuit breaker,
// a bulkhead with a free place, both together (the budget: 100 ns), the time-based and
// timed variants of the breaker, and the same from two threads at once. The allocation counter
// shows the closed path allocates nothing.
#include <benchmark/benchmark.h>

#include <chrono>

#include "allocation_counter.hpp"
#include "lift/core/result.hpp"
#include "lift/resilience/bulkhead.hpp"
#include "lift/resilience/circuit_breaker.hpp"

namespace {

using namespace std::chrono_literals;
using lift::resilience::Bulkhead;
using lift::resilience::CircuitBreaker;
using lift::resilience::CircuitBreakerOptions;

// The call being protected: a value the optimiser cannot see through.
lift::Result<int> trivial_call() {
  int value = 1;
  benchmark::DoNotOptimize(value);
  return value;
}

CircuitBreaker breaker(CircuitBreakerOptions options = {}) {
  options.log = nullptr;
  return CircuitBreaker::create("bench", std::move(options)).value();
}

Bulkhead bulkhead() { return Bulkhead::create("bench", {.max_concurrent = 64}).value(); }

void BM_Call(benchmark::State& state) {
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(trivial_call());
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_Call);

void BM_Breaker(benchmark::State& state) {
  const auto b = breaker();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(b.call(trivial_call));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_Breaker);

void BM_Bulkhead(benchmark::State& state) {
  const auto h = bulkhead();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(h.call(trivial_call));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_Bulkhead);

// The budgeted figure: breaker + bulkhead around one call (count-based window, untimed).
void BM_BreakerAndBulkhead(benchmark::State& state) {
  static const auto b = breaker();
  static const auto h = bulkhead();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(b.call([] { return h.call(trivial_call); }));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_BreakerAndBulkhead);
// Both threads share the breaker and the bulkhead (their atomics change hands between cores).
BENCHMARK(BM_BreakerAndBulkhead)->Threads(2)->UseRealTime();

// Slow-call detection reads the clock before and after each call.
void BM_BreakerTimedAndBulkhead(benchmark::State& state) {
  const auto b = breaker({.slow_call_duration = 1s});
  const auto h = bulkhead();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(b.call([&] { return h.call(trivial_call); }));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_BreakerTimedAndBulkhead);

// A time-based window reads the clock to find the second's bucket.
void BM_BreakerTimeWindowAndBulkhead(benchmark::State& state) {
  const auto b = breaker({.window = lift::resilience::SlidingWindow::time_based, .window_size = 60});
  const auto h = bulkhead();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(b.call([&] { return h.call(trivial_call); }));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_BreakerTimeWindowAndBulkhead);

// What an open breaker costs a refused call (it builds the CircuitOpen error).
void BM_BreakerOpenRefusal(benchmark::State& state) {
  const auto b = breaker({.window_size = 1, .minimum_calls = 1, .open_duration = 1h});
  (void)b.call([] { return lift::Result<int>(lift::Error{"Backend.Down", "", 503}); });
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) benchmark::DoNotOptimize(b.call(trivial_call));
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_BreakerOpenRefusal);

}  // namespace

BENCHMARK_MAIN();
