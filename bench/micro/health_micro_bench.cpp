// The health endpoints in-process (App::invoke of an API Gateway HTTP API event): the readiness
// and detail answers from a cached report, which is what a load balancer's probe costs between
// refreshes, beside liveness and a plain route for scale, and a refresh on every request (three
// checks on threads of their own) for what caching saves.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "allocation_counter.hpp"
#include "lift/health/health.hpp"
#include "lift/lift.hpp"

namespace {

namespace health = lift::health;

std::string event_for(const std::string& path) {
  return R"json({"version":"2.0","routeKey":"$default","rawPath":")json" + path + R"json(","rawQueryString":"",
"headers":{"accept":"*/*","host":"abc123.execute-api.eu-west-1.amazonaws.com","user-agent":"ELB-HealthChecker/2.0",
"x-forwarded-for":"10.0.0.7","x-forwarded-port":"443","x-forwarded-proto":"https"},
"requestContext":{"accountId":"123456789012","apiId":"abc123","domainName":"abc123.execute-api.eu-west-1.amazonaws.com",
"domainPrefix":"abc123","http":{"method":"GET","path":")json" + path + R"json(","protocol":"HTTP/1.1","sourceIp":"10.0.0.7",
"userAgent":"ELB-HealthChecker/2.0"},"requestId":"JKJaXmPLvHcESHA=","routeKey":"$default","stage":"$default",
"time":"10/Oct/2026:12:00:00 +0000","timeEpoch":1791633600000},"isBase64Encoded":false})json";
}

lift::App make_app(std::chrono::milliseconds cache_for) {
  lift::App app;
  app.get("/plain", [](lift::Context&) { return lift::no_content(); });
  auto checker = health::Checker::create({health::function("db", [] { return true; }),
                                          health::function("cache", [] { return health::Outcome::warn("slow"); }),
                                          health::function("queue", [] { return true; })},
                                         {.cache_for = cache_for, .service_id = "bench"});
  if (!checker || !health::mount(app, *checker)) std::abort();
  return app;
}

void invoke_repeatedly(benchmark::State& state, std::chrono::milliseconds cache_for, const std::string& path) {
  const auto app = make_app(cache_for);
  lift::runtime::Invocation in;
  in.context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
  in.payload = event_for(path);
  if (!app.invoke(in)) std::abort();  // the first refresh, outside the measurement
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto answer = app.invoke(in);
    benchmark::DoNotOptimize(answer);
  }
  lift_bench::report_allocations(state, before);
}

constexpr std::chrono::milliseconds kCached{3600 * 1000};

void BM_PlainRoute(benchmark::State& state) { invoke_repeatedly(state, kCached, "/plain"); }
BENCHMARK(BM_PlainRoute);

void BM_HealthLive(benchmark::State& state) { invoke_repeatedly(state, kCached, "/health/live"); }
BENCHMARK(BM_HealthLive);

void BM_HealthReadyCached(benchmark::State& state) { invoke_repeatedly(state, kCached, "/health/ready"); }
BENCHMARK(BM_HealthReadyCached);

void BM_HealthDetailCached(benchmark::State& state) { invoke_repeatedly(state, kCached, "/health"); }
BENCHMARK(BM_HealthDetailCached);

void BM_HealthReadyRefreshed(benchmark::State& state) { invoke_repeatedly(state, std::chrono::milliseconds(0), "/health/ready"); }
BENCHMARK(BM_HealthReadyRefreshed);

}  // namespace

BENCHMARK_MAIN();
