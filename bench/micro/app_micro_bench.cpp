// The framework's own cost for one HTTP invocation, in-process: parse the API Gateway event,
// detect its kind, adapt it to a request, route, run the middleware and the handler, bind and
// serialize JSON, and write the API Gateway answer. DESIGN.md's budget is 2 µs for this path.
// BM_HandWrittenGet is the floor to compare with: the same event answered by code written
// directly against Boost.JSON, with no framework.
#include <benchmark/benchmark.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <array>
#include <string>
#include <string_view>

#include "allocation_counter.hpp"
#include "lift/lift.hpp"

namespace bench_app {

struct Greeting {
  std::string message;
};
BOOST_DESCRIBE_STRUCT(Greeting, (), (message))

struct CreateOrder {
  std::string sku;
  int quantity = 1;
};
BOOST_DESCRIBE_STRUCT(CreateOrder, (), (sku, quantity))

struct Order {
  std::string id;
  std::string sku;
  int quantity = 0;
};
BOOST_DESCRIBE_STRUCT(Order, (), (id, sku, quantity))

}  // namespace bench_app

namespace {

using namespace bench_app;

// An HTTP API (payload 2.0) event of the size and shape API Gateway sends for a browser call.
const std::string kGetEvent = R"json({"version":"2.0","routeKey":"$default","rawPath":"/hello","rawQueryString":"name=bench",
"cookies":["session=abc123","theme=dark"],
"headers":{"accept":"application/json","accept-encoding":"gzip, deflate, br","accept-language":"en-GB,en;q=0.9",
"content-length":"0","host":"abc123.execute-api.eu-west-1.amazonaws.com","user-agent":"Mozilla/5.0 (X11; Linux x86_64)",
"x-amzn-trace-id":"Root=1-5f84c7a9-0e5b1e0c3f0a1b2c3d4e5f60","x-forwarded-for":"203.0.113.10","x-forwarded-port":"443",
"x-forwarded-proto":"https"},
"queryStringParameters":{"name":"bench"},
"requestContext":{"accountId":"123456789012","apiId":"abc123","domainName":"abc123.execute-api.eu-west-1.amazonaws.com",
"domainPrefix":"abc123","http":{"method":"GET","path":"/hello","protocol":"HTTP/1.1","sourceIp":"203.0.113.10",
"userAgent":"Mozilla/5.0 (X11; Linux x86_64)"},"requestId":"JKJaXmPLvHcESHA=","routeKey":"$default","stage":"$default",
"time":"10/Oct/2026:12:00:00 +0000","timeEpoch":1791633600000},"isBase64Encoded":false})json";

std::string post_event() {
  std::string event = kGetEvent;
  auto replace = [&event](const std::string& from, const std::string& to) {
    for (auto at = event.find(from); at != std::string::npos; at = event.find(from, at + to.size())) event.replace(at, from.size(), to);
  };
  replace("\"method\":\"GET\"", "\"method\":\"POST\"");
  replace("/hello", "/orders/o-42/items");
  replace("\"isBase64Encoded\":false", R"("body":"{\"sku\":\"ABC-1\",\"quantity\":3}","isBase64Encoded":false)");
  return event;
}

lift::App make_app() {
  lift::App app;
  app.get("/hello", [](lift::Context& ctx) { return Greeting{"hello, " + std::string(ctx.query("name").value_or("world"))}; });
  app.post("/orders/:id/items", [](lift::Context& ctx, CreateOrder in) -> lift::Result<lift::Reply<Order>> {
    return lift::created(Order{std::string(*ctx.param("id")), std::move(in.sku), in.quantity});
  });
  // A realistic table: the two benchmarked routes among others.
  for (const char* r : {"/users", "/users/:id", "/users/:id/orders", "/orders", "/orders/:id", "/products/:sku", "/health", "/files/*path"})
    app.get(r, [](lift::Context&) { return lift::no_content(); });
  return app;
}

lift::runtime::Invocation invocation(std::string payload) {
  lift::runtime::Invocation in;
  in.context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
  in.payload = std::move(payload);
  return in;
}

// The measured loop: one App::invoke per iteration, allocations counted.
void invoke_repeatedly(benchmark::State& state, const lift::App& app, const lift::runtime::Invocation& in) {
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto answer = app.invoke(in);
    benchmark::DoNotOptimize(answer);
  }
  lift_bench::report_allocations(state, before);
}

void BM_InvokeGet(benchmark::State& state) {
  const auto app = make_app();
  const auto in = invocation(kGetEvent);
  invoke_repeatedly(state, app, in);
}
BENCHMARK(BM_InvokeGet);

void BM_InvokeTypedPost(benchmark::State& state) {
  const auto app = make_app();
  const auto in = invocation(post_event());
  invoke_repeatedly(state, app, in);
}
BENCHMARK(BM_InvokeTypedPost);

void BM_InvokeGetWithStandardMiddleware(benchmark::State& state) {
  auto app = make_app();
  app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::security_headers());
  const auto in = invocation(kGetEvent);
  invoke_repeatedly(state, app, in);
}
BENCHMARK(BM_InvokeGetWithStandardMiddleware);

// The path DESIGN.md's 2 µs budget names: parse → route → 3 middleware → typed handler → serialize.
void BM_InvokeTypedPostWithStandardMiddleware(benchmark::State& state) {
  auto app = make_app();
  app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::security_headers());
  const auto in = invocation(post_event());
  invoke_repeatedly(state, app, in);
}
BENCHMARK(BM_InvokeTypedPostWithStandardMiddleware);

// An SQS batch of ten messages (the shape and size Lambda sends) through app.sqs: detection,
// the typed model, routing by queue, the per-record handler and the batchItemFailures answer.
// Measures the event-source dispatch that HTTP invocations do not take.
std::string sqs_batch_event() {
  std::string records;
  for (int i = 0; i < 10; ++i) {
    if (i > 0) records += ",";
    const auto n = std::to_string(i);
    records += R"({"messageId":"059f36b4-87a3-44ab-83d2-66197555020)" + n + R"(","receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",)"
               R"("body":"{\"sku\":\"ABC-)" + n + R"(\",\"quantity\":3}","attributes":{"ApproximateReceiveCount":"1",)"
               R"("SentTimestamp":"1545082649183","SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1545082649185"},)"
               R"("messageAttributes":{},"md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",)"
               R"("eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:orders","awsRegion":"eu-west-1"})";
  }
  return R"({"Records":[)" + records + "]}";
}

void BM_InvokeSqsBatchOfTen(benchmark::State& state) {
  lift::App app;
  app.sqs("orders", [](lift::Context&, const lift::events::SqsMessage& m) -> lift::Result<void> {
    benchmark::DoNotOptimize(m.body.size());
    return {};
  });
  const auto in = invocation(sqs_batch_event());
  invoke_repeatedly(state, app, in);
}
BENCHMARK(BM_InvokeSqsBatchOfTen);

// requestContext.http.method of a hand-parsed event, or null.
const boost::json::value* http_method(const boost::json::object& root) {
  const auto* context = root.if_contains("requestContext");
  const auto* http = context != nullptr && context->is_object() ? context->get_object().if_contains("http") : nullptr;
  return http != nullptr && http->is_object() ? http->get_object().if_contains("method") : nullptr;
}

// The same GET answered by hand: parse into a stack arena, check method and path, read the query
// parameter, and write the HTTP API answer with Boost.JSON's serializer. No routing, middleware,
// header or cookie model, error handling beyond a 404: the least a Lambda function can do.
std::string hand_written_get(const std::string& payload) {
  std::array<unsigned char, 16 * 1024> buffer;
  boost::json::monotonic_resource memory(buffer.data(), buffer.size());
  boost::json::error_code ec;
  const auto event = boost::json::parse(payload, ec, &memory);
  if (ec || !event.is_object()) return R"({"statusCode":400})";
  const auto& root = event.get_object();
  const auto* method = http_method(root);
  const auto* path = root.if_contains("rawPath");
  if (method == nullptr || path == nullptr || *method != "GET" || *path != "/hello") return R"({"statusCode":404})";
  std::string_view name = "world";
  if (const auto* query = root.if_contains("queryStringParameters"); query != nullptr && query->is_object()) {
    if (const auto* value = query->get_object().if_contains("name"); value != nullptr && value->is_string()) name = value->get_string();
  }
  std::string message = "hello, ";
  message += name;
  boost::json::object body(&memory);
  body["message"] = message;
  boost::json::object answer(&memory);
  answer["statusCode"] = 200;
  answer["headers"] = boost::json::object({{"content-type", "application/json"}}, &memory);
  answer["body"] = boost::json::serialize(body);
  answer["isBase64Encoded"] = false;
  return boost::json::serialize(answer);
}

void BM_HandWrittenGet(benchmark::State& state) {
  const auto in = invocation(kGetEvent);
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto answer = hand_written_get(in.payload);
    benchmark::DoNotOptimize(answer);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_HandWrittenGet);

// The budget path's POST answered by hand, with the same answer as lift's (201, the order as
// the body, content-type, the request id and the five security headers): parse the event and
// then the body into stack arenas, check method and path, take the id from the path by hand,
// read sku and quantity, and write both documents with Boost.JSON's serializer. No router,
// middleware, validation or error model.
std::string hand_written_post(const std::string& payload, std::string_view lambda_request_id) {
  std::array<unsigned char, 16 * 1024> buffer;
  boost::json::monotonic_resource memory(buffer.data(), buffer.size());
  boost::json::error_code ec;
  const auto event = boost::json::parse(payload, ec, &memory);
  if (ec || !event.is_object()) return R"({"statusCode":400})";
  const auto& root = event.get_object();
  const auto* method = http_method(root);
  const auto* path = root.if_contains("rawPath");
  if (method == nullptr || path == nullptr || *method != "POST" || !path->is_string()) return R"({"statusCode":404})";
  // "/orders/{id}/items"
  const std::string_view p = path->get_string();
  constexpr std::string_view kPrefix = "/orders/", kSuffix = "/items";
  if (!p.starts_with(kPrefix) || !p.ends_with(kSuffix) || p.size() <= kPrefix.size() + kSuffix.size()) return R"({"statusCode":404})";
  const auto id = p.substr(kPrefix.size(), p.size() - kPrefix.size() - kSuffix.size());
  const auto* body = root.if_contains("body");
  if (body == nullptr || !body->is_string()) return R"({"statusCode":400})";
  const auto input = boost::json::parse(body->get_string(), ec, &memory);
  if (ec || !input.is_object()) return R"({"statusCode":400})";
  const auto* sku = input.get_object().if_contains("sku");
  const auto* quantity = input.get_object().if_contains("quantity");
  if (sku == nullptr || !sku->is_string() || quantity == nullptr || !quantity->is_int64()) return R"({"statusCode":400})";
  std::string_view request_id = lambda_request_id;
  if (const auto* headers = root.if_contains("headers"); headers != nullptr && headers->is_object()) {
    if (const auto* given = headers->get_object().if_contains("x-request-id"); given != nullptr && given->is_string()) request_id = given->get_string();
  }
  boost::json::object order(&memory);
  order["id"] = id;
  order["sku"] = *sku;
  order["quantity"] = *quantity;
  boost::json::object answer(&memory);
  answer["statusCode"] = 201;
  answer["headers"] = boost::json::object({{"content-type", "application/json"},
                                           {"x-request-id", request_id},
                                           {"strict-transport-security", "max-age=63072000; includeSubDomains"},
                                           {"x-content-type-options", "nosniff"},
                                           {"x-frame-options", "DENY"},
                                           {"referrer-policy", "no-referrer"},
                                           {"content-security-policy", "default-src 'none'; frame-ancestors 'none'"}},
                                          &memory);
  answer["cookies"] = boost::json::array(&memory);
  answer["body"] = boost::json::serialize(order);
  answer["isBase64Encoded"] = false;
  return boost::json::serialize(answer);
}

void BM_HandWrittenPost(benchmark::State& state) {
  const auto in = invocation(post_event());
  {
    // Only a comparison if both answer the same: status, headers and body document.
    auto app = make_app();
    app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::security_headers());
    const auto framework = app.invoke(in);
    auto ours = boost::json::parse(hand_written_post(in.payload, in.context.request_id)).as_object();
    auto theirs = boost::json::parse(framework ? framework->body : "{}").as_object();
    const bool same = ours["statusCode"] == theirs["statusCode"] && ours["headers"] == theirs["headers"] &&
                      boost::json::parse(ours["body"].as_string()) == boost::json::parse(theirs["body"].as_string());
    if (!same) {
      state.SkipWithError("the hand-written answer differs from lift's");
      return;
    }
  }
  const auto before = lift_bench::allocations_so_far();
  for (auto _ : state) {
    auto answer = hand_written_post(in.payload, in.context.request_id);
    benchmark::DoNotOptimize(answer);
  }
  lift_bench::report_allocations(state, before);
}
BENCHMARK(BM_HandWrittenPost);

}  // namespace

BENCHMARK_MAIN();
