// The HTTP layer's share of the per-request budget: route matching, event → Request, and the
// Response → answer text.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <array>
#include <string>

#include "allocation_counter.hpp"
#include "lift/events/detect.hpp"
#include "lift/http/adapters.hpp"
#include "lift/http/router.hpp"

namespace {

// ---- Router: a table of 50 routes shaped like a real API ----

lift::http::Router route_table() {
  lift::http::Router router;
  std::size_t id = 0;
  const char* resources[] = {"users", "orders", "products", "invoices", "carts", "reviews", "coupons", "shipments", "refunds", "stores"};
  for (const auto* resource : resources) {
    const std::string base = std::string("/v1/") + resource;
    (void)router.add("GET", base, id++);
    (void)router.add("POST", base, id++);
    (void)router.add("GET", base + "/:id", id++);
    (void)router.add("PUT", base + "/:id", id++);
    (void)router.add("GET", base + "/:id/events/:event", id++);
  }
  (void)router.add("GET", "/static/*path", id++);
  return router;
}

void BM_RouterStatic(benchmark::State& state) {
  const auto router = route_table();
  for (auto _ : state) benchmark::DoNotOptimize(router.match("GET", "/v1/shipments"));
}
BENCHMARK(BM_RouterStatic);

void BM_RouterTwoParams(benchmark::State& state) {
  const auto router = route_table();
  for (auto _ : state) benchmark::DoNotOptimize(router.match("GET", "/v1/orders/ord_81273/events/evt_17"));
}
BENCHMARK(BM_RouterTwoParams);

void BM_RouterWildcard(benchmark::State& state) {
  const auto router = route_table();
  for (auto _ : state) benchmark::DoNotOptimize(router.match("GET", "/static/css/site/main.css"));
}
BENCHMARK(BM_RouterWildcard);

void BM_RouterNotFound(benchmark::State& state) {
  const auto router = route_table();
  for (auto _ : state) benchmark::DoNotOptimize(router.match("GET", "/v2/users/7"));
}
BENCHMARK(BM_RouterNotFound);

void BM_RouterMethodNotAllowed(benchmark::State& state) {
  const auto router = route_table();
  for (auto _ : state) benchmark::DoNotOptimize(router.match("DELETE", "/v1/users/7"));
}
BENCHMARK(BM_RouterMethodNotAllowed);

// ---- Adapters ----

// A representative HTTP API (payload 2.0) request, as a browser call through API Gateway sends it.
constexpr const char* kHttpApiEvent = R"({
  "version": "2.0", "routeKey": "$default", "rawPath": "/v1/orders/ord_81273",
  "rawQueryString": "expand=items&expand=customer&currency=EUR",
  "cookies": ["session=8f3a9c2e41", "theme=dark"],
  "headers": {
    "accept": "application/json", "accept-encoding": "gzip, deflate, br", "accept-language": "en-GB,en;q=0.9",
    "authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", "content-length": "0",
    "host": "k3x9q1.execute-api.eu-west-1.amazonaws.com", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0",
    "x-amzn-trace-id": "Root=1-6740f2a1-3c4b5d6e7f8091a2b3c4d5e6", "x-forwarded-for": "203.0.113.7",
    "x-forwarded-port": "443", "x-forwarded-proto": "https"
  },
  "requestContext": {
    "accountId": "123456789012", "apiId": "k3x9q1", "domainName": "k3x9q1.execute-api.eu-west-1.amazonaws.com",
    "domainPrefix": "k3x9q1", "http": {"method": "GET", "path": "/v1/orders/ord_81273", "protocol": "HTTP/1.1",
    "sourceIp": "203.0.113.7", "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0"},
    "requestId": "Bq3xZgk4joEEM0w=", "routeKey": "$default", "stage": "$default",
    "time": "22/Nov/2026:10:14:02 +0000", "timeEpoch": 1795342442000
  },
  "isBase64Encoded": false
})";

// The JSON parse alone, to show what the adapter adds on top of it.
void BM_ParseHttpApiEvent(benchmark::State& state) {
  std::array<unsigned char, 16 * 1024> buffer;
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    boost::json::monotonic_resource memory(buffer.data(), buffer.size());
    auto event = boost::json::parse(kHttpApiEvent, &memory);
    benchmark::DoNotOptimize(event);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_ParseHttpApiEvent);

void BM_ParseDetectAndAdaptHttpApiEvent(benchmark::State& state) {
  std::array<unsigned char, 16 * 1024> buffer;
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    boost::json::monotonic_resource memory(buffer.data(), buffer.size());
    auto event = boost::json::parse(kHttpApiEvent, &memory);
    auto request = lift::http::request_from_event(event, lift::events::detect(event));
    benchmark::DoNotOptimize(request);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_ParseDetectAndAdaptHttpApiEvent);

// The same Request read by the streaming reader App::invoke tries first (no DOM).
void BM_ReadHttpApiEventStreaming(benchmark::State& state) {
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto request = lift::http::read_http_api_event(kHttpApiEvent);
    benchmark::DoNotOptimize(request);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_ReadHttpApiEventStreaming);

void BM_SerializeJsonResponse(benchmark::State& state) {
  lift::http::Request request;
  request.source = lift::http::Source::api_gateway_http;
  auto response = lift::http::Response::json(200, R"({"id":"ord_81273","status":"paid","total":4299,"currency":"EUR"})");
  response.header("x-request-id", "Bq3xZgk4joEEM0w=");
  for (auto _ : state) benchmark::DoNotOptimize(lift::http::serialize_response(response, request));
}
BENCHMARK(BM_SerializeJsonResponse);

}  // namespace

BENCHMARK_MAIN();
