// The Runtime API emulator with no function process: the test plays the runtime over raw
// HTTP and checks every endpoint, header, limit and error on the wire.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "wire_client.hpp"
#include "lift/core/base64.hpp"
#include "lift/local/runtime_emulator.hpp"
#include "support/json.hpp"

namespace {

namespace http = boost::beast::http;
using lift::local::FunctionConfig;
using lift::local::InvokeRequest;
using lift::local::InvokeResult;
using lift::local::RuntimeEmulator;
using lift::testing_support::json_of;
using lift::testing_support::WireClient;
using lift::testing_support::WireReply;
using namespace std::chrono_literals;

constexpr std::string_view kNext = "/2018-06-01/runtime/invocation/next";
constexpr std::size_t kSixMiB = 6 * 1024 * 1024;

std::string path(const std::string& id, const std::string& what) { return "/2018-06-01/runtime/invocation/" + id + "/" + what; }

std::string error_type(const WireReply& reply) {
  auto body = json_of(reply.body);
  return body.is_object() && body.as_object().contains("errorType") ? std::string(body.at("errorType").as_string()) : "";
}

std::string header_of(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& name) {
  for (const auto& [n, v] : fields) {
    if (n == name) return v;
  }
  return {};
}

using Pending = std::future<lift::Result<InvokeResult>>;

// Waits for an invocation started with invoke_async, bounded.
InvokeResult finish(Pending& pending, std::chrono::milliseconds limit = 10s) {
  if (pending.wait_for(limit) != std::future_status::ready) {
    ADD_FAILURE() << "the invocation did not finish";
    return {};
  }
  auto result = pending.get();
  if (!result) {
    ADD_FAILURE() << "emulator error: " << result.error().code << ": " << result.error().message;
    return {};
  }
  return std::move(*result);
}

struct EmulatorWire : ::testing::Test {
  FunctionConfig config = [] {
    FunctionConfig c;
    c.function_name = "wire";
    c.timeout = 5s;
    c.init_timeout = 5s;
    return c;
  }();
  std::unique_ptr<RuntimeEmulator> emulator;
  std::string endpoint;

  void SetUp() override { start(); }

  void start() {
    emulator = std::make_unique<RuntimeEmulator>(config);
    ASSERT_TRUE(emulator->start());
    endpoint = emulator->endpoint();
    ASSERT_TRUE(std::regex_match(endpoint, std::regex(R"(127\.0\.0\.1:[1-9][0-9]*)"))) << endpoint;
  }

  Pending invoke_async(InvokeRequest r = {}) {
    return std::async(std::launch::async, [this, r] { return emulator->invoke(r); });
  }

  WireReply next(std::chrono::milliseconds timeout = 10s) {
    WireClient client(endpoint);
    return client.request(http::verb::get, std::string(kNext), {}, {}, timeout);
  }

  WireReply post(const std::string& target, std::string body, const WireClient::Headers& headers = {}) {
    WireClient client(endpoint);
    return client.request(http::verb::post, target, std::move(body), headers);
  }

  WireReply get(const std::string& target, const WireClient::Headers& headers = {}) {
    WireClient client(endpoint);
    return client.request(http::verb::get, target, {}, headers);
  }
};

TEST_F(EmulatorWire, NextCarriesThePayloadAndEveryHeader) {
  InvokeRequest r;
  r.payload = R"({"k":"v"})";
  r.client_context = R"({"custom":{"a":"b"}})";
  r.cognito_identity = R"({"cognitoIdentityId":"us-east-1:x","cognitoIdentityPoolId":"us-east-1:p"})";
  r.tenant_id = "tenant-1";
  r.invocation_id = "invocation-1";
  auto pending = invoke_async(r);
  const auto before = std::chrono::system_clock::now();
  auto event = next();
  ASSERT_TRUE(event.ok) << event.error;
  EXPECT_EQ(event.status, 200);
  EXPECT_EQ(event.body, R"({"k":"v"})");
  EXPECT_EQ(event.header("content-type"), "application/json");
  const auto id = event.header("lambda-runtime-aws-request-id");
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << id;
  const auto deadline = std::stoll(event.header("lambda-runtime-deadline-ms"));
  const auto expected = std::chrono::duration_cast<std::chrono::milliseconds>((before + 5s).time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(deadline), static_cast<double>(expected), 1000.0);
  EXPECT_EQ(event.header("lambda-runtime-invoked-function-arn"), "arn:aws:lambda:us-east-1:123456789012:function:wire");
  EXPECT_TRUE(std::regex_match(event.header("lambda-runtime-trace-id"),
                               std::regex("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0")))
      << event.header("lambda-runtime-trace-id");
  EXPECT_EQ(event.header("lambda-runtime-client-context"), r.client_context);
  EXPECT_EQ(event.header("lambda-runtime-cognito-identity"), r.cognito_identity);
  EXPECT_EQ(event.header("lambda-runtime-aws-tenant-id"), "tenant-1");
  EXPECT_EQ(event.header("lambda-runtime-invocation-id"), "invocation-1");

  auto done = post(path(id, "response"), R"({"ok":true})", {{"Content-Type", "application/json"}, {"X-Extra", "1"}});
  EXPECT_EQ(done.status, 202);
  EXPECT_EQ(json_of(done.body), json_of(R"({"status":"OK"})"));
  auto result = finish(pending);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.request_id, id);
  EXPECT_EQ(result.payload, R"({"ok":true})");
  EXPECT_EQ(result.content_type, "application/json");
  EXPECT_FALSE(result.streamed);
  EXPECT_EQ(header_of(result.response_headers, "x-extra"), "1");
  EXPECT_EQ(header_of(result.response_headers, "content-type"), "application/json");
  EXPECT_FALSE(result.init_duration.has_value());  // no process was started
}

TEST_F(EmulatorWire, OptionalHeadersAreLeftOutAndATraceIdIsPassedThrough) {
  InvokeRequest r;
  r.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  auto pending = invoke_async(r);
  auto event = next();
  ASSERT_TRUE(event.ok) << event.error;
  EXPECT_EQ(event.body, "{}");  // an empty payload is {} as with Lambda's Invoke
  EXPECT_EQ(event.header("lambda-runtime-trace-id"), r.trace_id);
  for (const char* absent : {"lambda-runtime-client-context", "lambda-runtime-cognito-identity", "lambda-runtime-aws-tenant-id",
                             "lambda-runtime-invocation-id"}) {
    EXPECT_FALSE(event.headers.contains(absent)) << absent;
  }
  EXPECT_EQ(post(path(event.header("lambda-runtime-aws-request-id"), "response"), "null").status, 202);
  EXPECT_EQ(finish(pending).payload, "null");
}

TEST_F(EmulatorWire, OneKeepAliveConnectionServesInvocationAfterInvocation) {
  WireClient runtime(endpoint);
  ASSERT_TRUE(runtime.connected());
  for (int i = 0; i < 5; ++i) {
    InvokeRequest r;
    r.payload = std::to_string(i);
    auto pending = invoke_async(r);
    auto event = runtime.request(http::verb::get, std::string(kNext));
    ASSERT_TRUE(event.ok) << event.error;
    ASSERT_EQ(event.body, std::to_string(i));
    auto done = runtime.request(http::verb::post, path(event.header("lambda-runtime-aws-request-id"), "response"),
                                std::to_string(i * 10));
    EXPECT_EQ(done.status, 202);
    EXPECT_EQ(finish(pending).payload, std::to_string(i * 10));
  }
}

TEST_F(EmulatorWire, UnknownIdsAndSecondAnswersAre400) {
  auto unknown = post(path("6f9619ff-8b86-4011-b42d-00c04fc964ff", "response"), "{}");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_type(unknown), "InvalidRequestID");
  EXPECT_EQ(error_type(post(path("nope", "error"), "{}")), "InvalidRequestID");

  auto pending = invoke_async();
  const auto id = next().header("lambda-runtime-aws-request-id");
  EXPECT_EQ(post(path(id, "response"), "1").status, 202);
  EXPECT_EQ(finish(pending).payload, "1");
  for (const char* what : {"response", "error"}) {
    auto again = post(path(id, what), "2");
    EXPECT_EQ(again.status, 400) << what;
    EXPECT_EQ(error_type(again), "InvalidStateTransition") << what;
  }
}

TEST_F(EmulatorWire, ErrorsTakeTheirTypeFromTheHeaderThenTheBody) {
  struct Case {
    WireClient::Headers headers;
    std::string body;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{{"Lambda-Runtime-Function-Error-Type", "Custom.Header"}}, R"({"errorMessage":"m","errorType":"Body.Type"})", "Custom.Header"},
      {{}, R"({"errorMessage":"m","errorType":"Body.Type","stackTrace":["a"]})", "Body.Type"},
      {{}, "not json at all", "Unhandled"},
      {{}, R"({"errorMessage":"no type"})", "Unhandled"},
  };
  for (const auto& c : cases) {
    auto pending = invoke_async();
    const auto id = next().header("lambda-runtime-aws-request-id");
    auto accepted = post(path(id, "error"), c.body, c.headers);
    EXPECT_EQ(accepted.status, 202);
    auto result = finish(pending);
    EXPECT_EQ(result.error_type, c.expected);
    EXPECT_EQ(result.payload, c.body);
    EXPECT_FALSE(result.ok());
  }
}

TEST_F(EmulatorWire, BufferedResponsesAreLimitedToSixMiB) {
  auto pending = invoke_async();
  const auto id = next().header("lambda-runtime-aws-request-id");
  auto refused = post(path(id, "response"), std::string(kSixMiB + 1, 'x'));
  ASSERT_TRUE(refused.ok) << refused.error;  // answered, not reset
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(error_type(refused), "RequestEntityTooLarge");
  auto result = finish(pending);
  EXPECT_EQ(result.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_EQ(json_of(result.payload).at("errorType").as_string(), "Function.ResponseSizeTooLarge");
  // The answer counted: a second one is a state error.
  EXPECT_EQ(error_type(post(path(id, "response"), "{}")), "InvalidStateTransition");

  auto fits = invoke_async();
  const auto id2 = next().header("lambda-runtime-aws-request-id");
  EXPECT_EQ(post(path(id2, "response"), std::string(kSixMiB, 'x')).status, 202);
  auto ok = finish(fits);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.payload.size(), kSixMiB);
}

// A streamed response by hand: chunked, optionally ending with trailers.
WireReply stream_by_hand(const std::string& endpoint, const std::string& id, const std::string& content_type,
                         const std::vector<std::string>& chunks, const std::string& trailers = {}) {
  WireClient client(endpoint);
  std::string wire = "POST " + path(id, "response") + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
                     "\r\nLambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
                     "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n";
  for (const auto& chunk : chunks) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    wire += size + chunk + "\r\n";
  }
  wire += "0\r\n" + trailers + "\r\n";
  if (!client.send_raw(wire)) return {};
  return client.read_reply();
}

TEST_F(EmulatorWire, StreamedResponsesArriveWholeWithTheirPrelude) {
  auto pending = invoke_async();
  const auto id = next().header("lambda-runtime-aws-request-id");
  const std::string prelude = R"({"statusCode":201,"headers":{"x-a":"1"},"cookies":["c=1"]})";
  const std::string delimiter(8, '\0');
  auto accepted = stream_by_hand(endpoint, id, "application/vnd.awslambda.http-integration-response",
                                 {prelude, delimiter, "hello ", "streamed ", "world"});
  EXPECT_EQ(accepted.status, 202);
  auto result = finish(pending);
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.streamed);
  EXPECT_EQ(result.content_type, "application/vnd.awslambda.http-integration-response");
  EXPECT_EQ(result.payload, prelude + delimiter + "hello streamed world");
  EXPECT_EQ(header_of(result.response_headers, "lambda-runtime-function-response-mode"), "streaming");
  EXPECT_EQ(header_of(result.response_headers, "transfer-encoding"), "chunked");
  EXPECT_TRUE(result.trailers.empty());
}

TEST_F(EmulatorWire, StreamsMayPassSixMiBButNotTwentyMiB) {
  // Tens of MiB through loopback take seconds under the sanitizers on a busy machine: a timeout
  // of the function's would be the answer instead of the size limit.
  config.timeout = 60s;
  start();
  auto big = invoke_async();
  auto id = next().header("lambda-runtime-aws-request-id");
  std::vector<std::string> chunks(7, std::string(1024 * 1024, 's'));  // 7 MiB in 1 MiB chunks
  EXPECT_EQ(stream_by_hand(endpoint, id, "text/plain", chunks).status, 202);
  auto result = finish(big, 60s);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.payload.size(), 7u * 1024 * 1024);

  auto huge = invoke_async();
  id = next().header("lambda-runtime-aws-request-id");
  chunks.assign(21, std::string(1024 * 1024, 'h'));
  auto refused = stream_by_hand(endpoint, id, "text/plain", chunks);
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(finish(huge, 60s).error_type, "Function.ResponseSizeTooLarge");
}

TEST_F(EmulatorWire, AnErrorTrailerFailsTheStreamedInvocation) {
  auto pending = invoke_async();
  const auto id = next().header("lambda-runtime-aws-request-id");
  const std::string error_body = R"({"errorMessage":"broke midway","errorType":"Mid.Stream"})";
  auto accepted = stream_by_hand(endpoint, id, "text/plain", {"partial "},
                                 "Lambda-Runtime-Function-Error-Type: Mid.Stream\r\n"
                                 "Lambda-Runtime-Function-Error-Body: " +
                                     lift::base64::encode(error_body) + "\r\n");
  EXPECT_EQ(accepted.status, 202);
  auto result = finish(pending);
  EXPECT_TRUE(result.streamed);
  EXPECT_EQ(result.error_type, "Mid.Stream");
  EXPECT_EQ(result.payload, error_body);
  EXPECT_EQ(header_of(result.trailers, "lambda-runtime-function-error-type"), "Mid.Stream");
  EXPECT_EQ(header_of(result.trailers, "lambda-runtime-function-error-body"), lift::base64::encode(error_body));
  EXPECT_TRUE(header_of(result.response_headers, "lambda-runtime-function-error-type").empty());  // a trailer, not a header

  // The transcript keeps headers and trailers apart too.
  auto transcript = emulator->transcript();
  ASSERT_FALSE(transcript.empty());
  const auto& last = transcript.back();
  EXPECT_EQ(last.method, "POST");
  EXPECT_EQ(last.target, path(id, "response"));
  EXPECT_EQ(last.status, 202);
  EXPECT_EQ(last.body, "partial ");
  EXPECT_EQ(header_of(last.trailers, "lambda-runtime-function-error-type"), "Mid.Stream");

  // A trailer with a type but no usable body still fails, with an error JSON of that type.
  auto second = invoke_async();
  const auto id2 = next().header("lambda-runtime-aws-request-id");
  stream_by_hand(endpoint, id2, "text/plain", {"x"}, "Lambda-Runtime-Function-Error-Type: Other.Type\r\n");
  auto failed = finish(second);
  EXPECT_EQ(failed.error_type, "Other.Type");
  EXPECT_EQ(json_of(failed.payload).at("errorType").as_string(), "Other.Type");
}

TEST_F(EmulatorWire, InitErrorsFailTheWaitingInvocation) {
  auto pending = invoke_async();
  // An init error fails what is queued: give the invocation time to queue.
  std::this_thread::sleep_for(100ms);
  auto accepted = post("/2018-06-01/runtime/init/error", R"({"errorMessage":"no config","errorType":"Init.Config"})",
                       {{"Lambda-Runtime-Function-Error-Type", "Init.Config"}});
  EXPECT_EQ(accepted.status, 202);
  auto result = finish(pending);
  EXPECT_EQ(result.error_type, "Init.Config");
  EXPECT_EQ(json_of(result.payload).at("errorMessage").as_string(), "no config");
}

TEST_F(EmulatorWire, AnInitErrorWithNothingWaitingAnswersTheNextInvocation) {
  // No header: the type comes from the body.
  EXPECT_EQ(post("/2018-06-01/runtime/init/error", R"({"errorMessage":"m","errorType":"Init.Early"})").status, 202);
  auto result = emulator->invoke({});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Init.Early");
  EXPECT_FALSE(result->request_id.empty());
  // Only that one: the following invocation goes to the runtime as usual.
  auto pending = invoke_async();
  const auto id = next().header("lambda-runtime-aws-request-id");
  EXPECT_EQ(post(path(id, "response"), "1").status, 202);
  EXPECT_TRUE(finish(pending).ok());
}

TEST_F(EmulatorWire, AnInitErrorThatIsNotJsonBecomesTheMessageOfErrorJson) {
  EXPECT_EQ(post("/2018-06-01/runtime/init/error", "config file missing\n", {{"Lambda-Runtime-Function-Error-Type", "Init.Config"}}).status,
            202);
  auto result = emulator->invoke({});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Init.Config");
  EXPECT_EQ(result->content_type, "application/json");
  const auto payload = json_of(result->payload);
  ASSERT_TRUE(payload.is_object()) << result->payload;
  EXPECT_EQ(payload.at("errorType"), "Init.Config");
  EXPECT_EQ(payload.at("errorMessage"), "config file missing\n");
}

TEST_F(EmulatorWire, AnEventTheRuntimeHangsUpOnIsDeliveredOnceAndItsErrorStands) {
  // An event larger than the runtime takes: it reads the head of the /next answer (the request
  // id), hangs up on the rest, reports the error and asks for the next event, as lift's runtime
  // does. The emulator's write fails part-way; that must not hand the event out again nor
  // refuse its /error.
  InvokeRequest big;
  big.payload = "\"" + std::string(24 * 1024 * 1024, 'x') + "\"";
  auto pending = invoke_async(big);
  std::string id;
  {
    WireClient reader(endpoint);
    ASSERT_TRUE(reader.send_raw("GET " + std::string(kNext) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
    const auto head = reader.read_until("\r\n\r\n");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(head, match, std::regex("Lambda-Runtime-Aws-Request-Id: *([^\r]+)", std::regex::icase))) << head;
    id = match[1];
    reader.close();
  }
  std::this_thread::sleep_for(300ms);  // the emulator's write has failed by now
  const auto reported = post(path(id, "error"), R"({"errorMessage":"too large","errorType":"Runtime.EventTooLarge"})",
                             {{"Lambda-Runtime-Function-Error-Type", "Runtime.EventTooLarge"}});
  EXPECT_EQ(reported.status, 202) << reported.body;
  auto result = finish(pending);
  EXPECT_EQ(result.error_type, "Runtime.EventTooLarge");
  EXPECT_EQ(result.request_id, id);
  // Nothing is left to hand out.
  EXPECT_FALSE(next(500ms).ok);
}

TEST_F(EmulatorWire, ExtensionsRegisterAndReceiveShutdown) {
  auto registered = post("/2020-01-01/extension/register", R"({"events":["SHUTDOWN"]})", {{"Lambda-Extension-Name", "ext"}});
  ASSERT_EQ(registered.status, 200);
  const auto id = registered.header("lambda-extension-identifier");
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"))) << id;
  auto info = json_of(registered.body);
  EXPECT_EQ(info.at("functionName").as_string(), "wire");
  EXPECT_EQ(info.at("functionVersion").as_string(), "$LATEST");
  EXPECT_TRUE(info.at("handler").is_string());

  EXPECT_EQ(post("/2020-01-01/extension/register", R"({"events":[]})").status, 400);  // no name
  EXPECT_EQ(post("/2020-01-01/extension/register", "not json", {{"Lambda-Extension-Name", "x"}}).status, 400);
  auto stranger = get("/2020-01-01/extension/event/next", {{"Lambda-Extension-Identifier", "not-registered"}});
  EXPECT_EQ(stranger.status, 403);
  EXPECT_FALSE(error_type(stranger).empty());
  EXPECT_EQ(get("/2020-01-01/extension/event/next").status, 400);  // no identifier

  auto event = std::async(std::launch::async, [&] { return get("/2020-01-01/extension/event/next", {{"Lambda-Extension-Identifier", id}}); });
  EXPECT_EQ(event.wait_for(200ms), std::future_status::timeout);  // blocks until shutdown
  const auto before = std::chrono::system_clock::now();
  emulator->stop();
  ASSERT_EQ(event.wait_for(5s), std::future_status::ready);
  auto shutdown = event.get();
  ASSERT_TRUE(shutdown.ok) << shutdown.error;
  EXPECT_EQ(shutdown.status, 200);
  auto body = json_of(shutdown.body);
  EXPECT_EQ(body.at("eventType").as_string(), "SHUTDOWN");
  EXPECT_EQ(body.at("shutdownReason").as_string(), "spindown");
  const auto expected = std::chrono::duration_cast<std::chrono::milliseconds>((before + config.shutdown_grace).time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(body.at("deadlineMs").as_int64()), static_cast<double>(expected), 1000.0);
}

TEST_F(EmulatorWire, FourInvocationsInFlightFromFourConnections) {
  config.concurrency = 4;
  start();
  std::vector<Pending> invocations;
  for (int i = 0; i < 4; ++i) {
    InvokeRequest r;
    r.payload = std::to_string(i);
    invocations.push_back(invoke_async(r));
  }
  std::vector<std::unique_ptr<WireClient>> workers;
  std::vector<std::future<WireReply>> events;
  for (int i = 0; i < 4; ++i) {
    workers.push_back(std::make_unique<WireClient>(endpoint));
    events.push_back(std::async(std::launch::async, [w = workers.back().get()] { return w->request(http::verb::get, std::string(kNext)); }));
  }
  // All four are handed out before any is answered.
  std::map<std::string, std::pair<std::string, WireClient*>> by_id;  // id → payload, its worker
  for (int i = 0; i < 4; ++i) {
    auto event = events[i].get();
    ASSERT_TRUE(event.ok) << event.error;
    by_id[event.header("lambda-runtime-aws-request-id")] = {event.body, workers[i].get()};
  }
  ASSERT_EQ(by_id.size(), 4u);
  // Answer on each worker's own connection, as runtimes do.
  for (auto& [id, entry] : by_id) {
    EXPECT_EQ(entry.second->request(http::verb::post, path(id, "response"), "\"answer " + entry.first + "\"").status, 202);
  }
  for (int i = 0; i < 4; ++i) {
    auto result = finish(invocations[i]);
    EXPECT_EQ(result.payload, "\"answer " + std::to_string(i) + "\"");
  }
}

TEST_F(EmulatorWire, ConcurrencyLimitHoldsBackExtraWorkers) {
  config.concurrency = 2;
  start();
  std::vector<Pending> invocations;
  for (int i = 0; i < 3; ++i) invocations.push_back(invoke_async());
  std::vector<std::future<WireReply>> events;
  for (int i = 0; i < 3; ++i) events.push_back(std::async(std::launch::async, [&] { return next(); }));
  // Two are handed out; the third worker waits.
  std::vector<WireReply> got;
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (got.size() < 2 && std::chrono::steady_clock::now() < give_up) {
    for (auto& e : events) {
      if (e.valid() && e.wait_for(10ms) == std::future_status::ready) got.push_back(e.get());
    }
  }
  ASSERT_EQ(got.size(), 2u);
  std::this_thread::sleep_for(300ms);
  int still_waiting = 0;
  for (auto& e : events) {
    if (e.valid()) {
      EXPECT_EQ(e.wait_for(0ms), std::future_status::timeout);
      ++still_waiting;
    }
  }
  EXPECT_EQ(still_waiting, 1);
  EXPECT_EQ(post(path(got[0].header("lambda-runtime-aws-request-id"), "response"), "1").status, 202);
  for (auto& e : events) {
    if (!e.valid()) continue;
    ASSERT_EQ(e.wait_for(5s), std::future_status::ready);
    got.push_back(e.get());
  }
  for (std::size_t i = 1; i < got.size(); ++i) {
    EXPECT_EQ(post(path(got[i].header("lambda-runtime-aws-request-id"), "response"), "1").status, 202);
  }
  for (auto& i : invocations) EXPECT_TRUE(finish(i).ok());
}

TEST_F(EmulatorWire, UnknownPathsAre404AndWrongMethods405) {
  for (const char* target : {"/", "/2018-06-01/runtime/nothing", "/2018-06-01/runtime/invocation/abc/other",
                             "/2018-06-01/runtime/invocation/next/more", "/2020-01-01/extension/nothing"}) {
    auto missing = get(target);
    EXPECT_EQ(missing.status, 404) << target;
    EXPECT_EQ(error_type(missing), "NotFound") << target;
  }
  struct Case {
    http::verb verb;
    std::string target;
    std::string allow;
  };
  const std::vector<Case> cases = {
      {http::verb::post, std::string(kNext), "GET"},
      {http::verb::get, "/2018-06-01/runtime/init/error", "POST"},
      {http::verb::get, path("x", "response"), "POST"},
      {http::verb::put, path("x", "error"), "POST"},
      {http::verb::get, "/2020-01-01/extension/register", "POST"},
      {http::verb::delete_, "/2020-01-01/extension/event/next", "GET"},
  };
  for (const auto& c : cases) {
    WireClient client(endpoint);
    auto reply = client.request(c.verb, c.target);
    EXPECT_EQ(reply.status, 405) << c.target;
    EXPECT_EQ(reply.header("allow"), c.allow) << c.target;
    EXPECT_EQ(error_type(reply), "MethodNotAllowed");
  }
}

TEST_F(EmulatorWire, MalformedHttpClosesOnlyThatConnection) {
  {
    WireClient client(endpoint);
    ASSERT_TRUE(client.send_raw(std::string("\x16\x03\x01\x02\x00 not HTTP at all\r\n\r\n")));
    EXPECT_TRUE(client.closed_by_peer(5s));
  }
  {
    WireClient client(endpoint);  // headers far over the limit
    ASSERT_TRUE(client.send_raw("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n"));
    EXPECT_TRUE(client.closed_by_peer(5s));
  }
  {
    WireClient client(endpoint);  // a body far over any limit
    ASSERT_TRUE(client.send_raw("POST " + path("x", "response") + " HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\n"));
    EXPECT_TRUE(client.closed_by_peer(5s));
  }
  {
    WireClient client(endpoint);  // a bad chunk size
    ASSERT_TRUE(client.send_raw("POST " + path("x", "response") + " HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
    EXPECT_TRUE(client.closed_by_peer(5s));
  }
  {
    WireClient client(endpoint);  // half a request, then gone
    ASSERT_TRUE(client.send_raw("POST " + path("x", "response") + " HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
    client.close();
  }
  // Still serving, invocations included.
  EXPECT_EQ(get("/nope").status, 404);
  auto pending = invoke_async();
  const auto id = next().header("lambda-runtime-aws-request-id");
  EXPECT_EQ(post(path(id, "response"), "1").status, 202);
  EXPECT_TRUE(finish(pending).ok());
}

TEST_F(EmulatorWire, ExpectContinueIsHonoured) {
  auto pending = invoke_async();
  const auto id = next().header("lambda-runtime-aws-request-id");
  WireClient client(endpoint);
  ASSERT_TRUE(client.send_raw("POST " + path(id, "response") + " HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.read_reply(5s);
  ASSERT_TRUE(interim.ok) << interim.error;
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(client.send_raw("42"));
  EXPECT_EQ(client.read_reply(5s).status, 202);
  EXPECT_EQ(finish(pending).payload, "42");
}

TEST_F(EmulatorWire, ARuntimeThatNeverAnswersTimesOut) {
  config.timeout = 200ms;
  start();
  auto pending = invoke_async();
  auto event = next();
  const auto id = event.header("lambda-runtime-aws-request-id");
  auto result = finish(pending);
  EXPECT_EQ(result.error_type, "Sandbox.Timedout");
  auto body = json_of(result.payload);
  EXPECT_EQ(body.at("errorType").as_string(), "Sandbox.Timedout");
  EXPECT_TRUE(std::regex_match(std::string(body.at("errorMessage").as_string()),
                               std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z " + id + " Task timed out after 0\\.20 seconds")))
      << body.at("errorMessage");
  // A late answer is refused.
  auto late = post(path(id, "response"), "{}");
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(error_type(late), "InvalidStateTransition");
}

TEST_F(EmulatorWire, NoRuntimeAtAllIsAnInitTimeout) {
  config.init_timeout = 300ms;
  start();
  const auto began = std::chrono::steady_clock::now();
  auto result = emulator->invoke({});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Runtime.InitTimeout");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
}

TEST_F(EmulatorWire, AnAbandonedNextDoesNotSwallowTheInvocation) {
  {
    WireClient quitter(endpoint);
    ASSERT_TRUE(quitter.send_raw("GET " + std::string(kNext) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
    std::this_thread::sleep_for(100ms);
    quitter.close();
  }
  std::this_thread::sleep_for(300ms);  // the emulator notices the hang-up
  InvokeRequest r;
  r.payload = R"("kept")";
  auto pending = invoke_async(r);
  auto event = next(5s);
  ASSERT_TRUE(event.ok) << event.error;
  EXPECT_EQ(event.body, R"("kept")");
  EXPECT_EQ(post(path(event.header("lambda-runtime-aws-request-id"), "response"), "1").status, 202);
  EXPECT_TRUE(finish(pending).ok());
}

TEST_F(EmulatorWire, StopWakesEveryWaiterPromptly) {
  // One runtime holds an invocation it never answers; a second is blocked in /next (the
  // concurrency of 1 is used up).
  auto pending = invoke_async();
  auto event = next();
  ASSERT_TRUE(event.ok) << event.error;
  auto blocked = std::async(std::launch::async, [&] { return next(); });
  EXPECT_EQ(blocked.wait_for(200ms), std::future_status::timeout);
  const auto began = std::chrono::steady_clock::now();
  emulator->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  ASSERT_EQ(pending.wait_for(2s), std::future_status::ready);
  auto result = pending.get();
  ASSERT_FALSE(result);  // the emulator went away during the invocation
  EXPECT_EQ(result.error().code, "Emulator.Stopped");
  ASSERT_EQ(blocked.wait_for(2s), std::future_status::ready);
  auto woken = blocked.get();
  EXPECT_TRUE(!woken.ok || woken.status == 410);
  // And it stays stopped.
  auto after = emulator->invoke({});
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, "Emulator.Stopped");
  emulator->stop();  // idempotent
}

TEST_F(EmulatorWire, DestroyingTheEmulatorWithClientsConnectedDoesNotHang) {
  auto blocked = std::async(std::launch::async, [&] { return next(); });
  WireClient idle(endpoint);  // connected, silent
  ASSERT_TRUE(idle.connected());
  std::this_thread::sleep_for(100ms);
  const auto began = std::chrono::steady_clock::now();
  emulator.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  EXPECT_EQ(blocked.wait_for(2s), std::future_status::ready);
  EXPECT_TRUE(idle.closed_by_peer(2s));
}

TEST_F(EmulatorWire, TheTranscriptIsBounded) {
  WireClient client(endpoint);
  for (int i = 0; i < 300; ++i) ASSERT_EQ(client.request(http::verb::get, "/r/" + std::to_string(i)).status, 404);
  ASSERT_EQ(client.request(http::verb::post, "/big", std::string(100 * 1024, 'b'), {{"X-Case", "Kept"}}).status, 404);
  auto transcript = emulator->transcript();
  ASSERT_EQ(transcript.size(), 256u);
  EXPECT_EQ(transcript.front().target, "/r/45");  // oldest first
  const auto& last = transcript.back();
  EXPECT_EQ(last.method, "POST");
  EXPECT_EQ(last.target, "/big");
  EXPECT_EQ(last.status, 404);
  EXPECT_EQ(last.body.size(), 64u * 1024);
  EXPECT_EQ(header_of(last.headers, "x-case"), "Kept");  // names lower-case, values as sent
}

}  // namespace
