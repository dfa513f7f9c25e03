// What observability costs a function per call: one JSON log line with three user keys, a debug
// line the level filters out, and one EMF flush of ten metrics. The sinks keep the bytes in
// memory (and one variant writes to /dev/null) so the figures are the library's own work, not
// the terminal's.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "allocation_counter.hpp"
#include "lift/observability/logger.hpp"
#include "lift/observability/metrics.hpp"

namespace {

using namespace lift::observability;

lift::runtime::InvocationContext context() {
  lift::runtime::InvocationContext c;
  c.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
  c.invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:orders";
  c.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  return c;
}

LoggerOptions logger_options(std::size_t& bytes) {
  LoggerOptions o;
  o.service = "orders";
  o.level = LogLevel::info;
  o.format = LogFormat::json;
  o.sample_rate = 0;
  lift::runtime::FunctionMetadata function;
  function.name = "orders-fn";
  function.memory_mb = 256;
  o.function = function;
  o.sink = [&bytes](std::string_view line) { bytes += line.size(); };
  return o;
}

void BM_LogInfoThreeKeys(benchmark::State& state) {
  std::size_t bytes = 0;
  Logger log(logger_options(bytes));
  log.begin_invocation(context());
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    log.info("order placed", {{"order_id", "o-42"}, {"quantity", 3}, {"paid", true}});
  }
  lift_bench::report_allocations(state, before);
  benchmark::DoNotOptimize(bytes);
  state.counters["bytes/line"] = benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_LogInfoThreeKeys);

// The same line through write(2) to /dev/null: adds the system call every real line pays.
void BM_LogInfoThreeKeysWrite(benchmark::State& state) {
  const int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  std::size_t bytes = 0;
  auto o = logger_options(bytes);
  o.sink = [fd](std::string_view line) { benchmark::DoNotOptimize(::write(fd, line.data(), line.size())); };
  Logger log(o);
  log.begin_invocation(context());
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    log.info("order placed", {{"order_id", "o-42"}, {"quantity", 3}, {"paid", true}});
  }
  lift_bench::report_allocations(state, before);
  ::close(fd);
}
BENCHMARK(BM_LogInfoThreeKeysWrite);

void BM_LogFilteredDebug(benchmark::State& state) {
  std::size_t bytes = 0;
  Logger log(logger_options(bytes));
  log.begin_invocation(context());
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    log.debug("cache miss", {{"key", "user#42"}, {"attempt", 1}, {"hit", false}});
  }
  lift_bench::report_allocations(state, before);
  if (bytes != 0) state.SkipWithError("a debug line was written");
}
BENCHMARK(BM_LogFilteredDebug);

MetricsOptions metrics_options(std::size_t& bytes) {
  MetricsOptions o;
  o.metrics_namespace = "Lift/Bench";
  o.service = "orders";
  o.warn_on_empty = false;
  o.sink = [&bytes](std::string_view document) { bytes += document.size(); };
  return o;
}

void BM_EmfFlushTenMetrics(benchmark::State& state) {
  std::size_t bytes = 0;
  Metrics metrics(metrics_options(bytes));
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    (void)metrics.add("Latency", 12.5, Unit::milliseconds);
    (void)metrics.add("DbLatency", 3.25, Unit::milliseconds);
    (void)metrics.add("Orders", 1, Unit::count);
    (void)metrics.add("Items", 3, Unit::count);
    (void)metrics.add("Revenue", 42.99, Unit::none);
    (void)metrics.add("PayloadBytes", 1824, Unit::bytes);
    (void)metrics.add("CacheHits", 7, Unit::count);
    (void)metrics.add("CacheMisses", 1, Unit::count);
    (void)metrics.add("Retries", 0, Unit::count);
    (void)metrics.add("QueueDepth", 12, Unit::count, StorageResolution::high);
    (void)metrics.flush();
  }
  lift_bench::report_allocations(state, before);
  state.counters["bytes/flush"] = benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_EmfFlushTenMetrics);

// One invocation's scope as the observability middleware drives it, with one line and three
// metrics: the per-invocation state (kept per thread since one object serves every worker) is
// found, reset and flushed.
void BM_InvocationScope(benchmark::State& state) {
  std::size_t bytes = 0;
  Logger log(logger_options(bytes));
  Metrics metrics(metrics_options(bytes));
  const auto invocation = context();
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    log.begin_invocation(invocation);
    metrics.begin_invocation(invocation);
    log.info("order placed", {{"order_id", "o-42"}});
    (void)metrics.add("Requests", 1, Unit::count);
    (void)metrics.add("Latency", 12.5, Unit::milliseconds);
    (void)metrics.add("Orders", 1, Unit::count);
    (void)metrics.end_invocation();
    log.end_invocation();
  }
  lift_bench::report_allocations(state, before);
  benchmark::DoNotOptimize(bytes);
}
BENCHMARK(BM_InvocationScope);

}  // namespace

BENCHMARK_MAIN();
