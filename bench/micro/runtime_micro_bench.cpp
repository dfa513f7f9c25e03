// Per-invocation work of the runtime client that does not touch the network.
#include <benchmark/benchmark.h>

#include <map>
#include <string>

#include "lift/runtime/protocol.hpp"
#include "lift/runtime/runtime.hpp"

namespace {

using namespace lift::runtime;

void BM_ParseInvocationHeaders(benchmark::State& state) {
  const std::map<std::string, std::string, std::less<>> headers{
      {"Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
      {"Lambda-Runtime-Deadline-Ms", "1542409706888"},
      {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime"},
      {"Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"},
  };
  const protocol::HeaderLookup lookup = [&headers](std::string_view name) -> std::optional<std::string_view> {
    auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  };
  for (auto _ : state) {
    auto context = protocol::parse_invocation_headers(lookup);
    benchmark::DoNotOptimize(context);
  }
}
BENCHMARK(BM_ParseInvocationHeaders);

void BM_ErrorReportJson(benchmark::State& state) {
  const ErrorReport report{"std::invalid_argument", "the order id is not a UUID", {}};
  for (auto _ : state) benchmark::DoNotOptimize(report.to_json());
}
BENCHMARK(BM_ErrorReportJson);

void BM_HttpIntegrationPrelude(benchmark::State& state) {
  const std::vector<std::pair<std::string, std::string>> headers{{"content-type", "text/html"}, {"cache-control", "no-store"}};
  for (auto _ : state) benchmark::DoNotOptimize(protocol::http_integration_prelude(200, headers, {"session=1"}));
}
BENCHMARK(BM_HttpIntegrationPrelude);

}  // namespace

BENCHMARK_MAIN();
