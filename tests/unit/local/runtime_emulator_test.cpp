// The emulator's Runtime API spoken by hand over raw HTTP: every endpoint, header and error.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <future>
#include <regex>

#include "lift/core/base64.hpp"
#include "lift/local/runtime_emulator.hpp"

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using lift::local::FunctionConfig;
using lift::local::InvokeRequest;
using lift::local::InvokeResult;
using lift::local::RuntimeEmulator;

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request on a new connection.
Reply request(const std::string& endpoint, http::verb verb, const std::string& target, std::string body = {},
              std::vector<std::pair<std::string, std::string>> headers = {}) {
  net::io_context io;
  tcp::socket socket(io);
  const auto colon = endpoint.rfind(':');
  socket.connect({net::ip::make_address(endpoint.substr(0, colon)), static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1)))});
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, endpoint);
  for (auto& [n, v] : headers) req.set(n, v);
  req.body() = std::move(body);
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(socket, buffer, parser);
  Reply reply;
  reply.status = static_cast<int>(parser.get().result_int());
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = parser.get().body();
  return reply;
}

Reply next(const std::string& endpoint) { return request(endpoint, http::verb::get, "/2018-06-01/runtime/invocation/next"); }

std::string path(const std::string& id, const std::string& what) { return "/2018-06-01/runtime/invocation/" + id + "/" + what; }

std::string error_type(const Reply& reply) { return std::string(boost::json::parse(reply.body).at("errorType").as_string()); }

// An emulator with no function process: the test plays the runtime.
struct EmulatorTest : ::testing::Test {
  RuntimeEmulator emulator{[] {
    FunctionConfig config;
    config.function_name = "wire";
    config.timeout = std::chrono::seconds(5);
    return config;
  }()};
  std::string endpoint;
  void SetUp() override {
    ASSERT_TRUE(emulator.start());
    endpoint = emulator.endpoint();
  }
  std::future<lift::Result<InvokeResult>> invoke_async(InvokeRequest r) {
    return std::async(std::launch::async, [this, r] { return emulator.invoke(r); });
  }
};

TEST_F(EmulatorTest, NextCarriesTheEventAndEveryHeader) {
  InvokeRequest r;
  r.payload = R"({"k":"v"})";
  r.client_context = R"({"custom":{}})";
  r.cognito_identity = R"({"cognitoIdentityId":"x"})";
  r.tenant_id = "tenant-1";
  r.invocation_id = "inv-1";
  auto pending = invoke_async(r);
  const auto before = std::chrono::system_clock::now();
  auto event = next(endpoint);
  EXPECT_EQ(event.status, 200);
  EXPECT_EQ(event.body, R"({"k":"v"})");
  const auto& h = event.headers;
  EXPECT_TRUE(std::regex_match(h.at("lambda-runtime-aws-request-id"),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  const auto deadline = std::stoll(h.at("lambda-runtime-deadline-ms"));
  const auto expected = std::chrono::duration_cast<std::chrono::milliseconds>((before + std::chrono::seconds(5)).time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(deadline), static_cast<double>(expected), 1000.0);
  EXPECT_EQ(h.at("lambda-runtime-invoked-function-arn"), "arn:aws:lambda:us-east-1:123456789012:function:wire");
  EXPECT_TRUE(std::regex_match(h.at("lambda-runtime-trace-id"),
                               std::regex("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]")));
  EXPECT_EQ(h.at("lambda-runtime-client-context"), r.client_context);
  EXPECT_EQ(h.at("lambda-runtime-cognito-identity"), r.cognito_identity);
  EXPECT_EQ(h.at("lambda-runtime-aws-tenant-id"), "tenant-1");
  EXPECT_EQ(h.at("lambda-runtime-invocation-id"), "inv-1");

  const auto id = h.at("lambda-runtime-aws-request-id");
  auto accepted = request(endpoint, http::verb::post, path(id, "response"), R"({"ok":true})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(accepted.status, 202);
  auto result = pending.get();
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->ok());
  EXPECT_EQ(result->request_id, id);
  EXPECT_EQ(result->payload, R"({"ok":true})");
  EXPECT_EQ(result->content_type, "application/json");
  EXPECT_FALSE(result->streamed);

  // Answering twice, or an id that was never handed out, is refused.
  auto again = request(endpoint, http::verb::post, path(id, "response"), "{}");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(error_type(again), "InvalidStateTransition");
  auto unknown = request(endpoint, http::verb::post, path("no-such-id", "response"), "{}");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(error_type(unknown), "InvalidRequestID");
  auto transcript = emulator.transcript();
  ASSERT_GE(transcript.size(), 4u);
  EXPECT_EQ(transcript.back().status, 400);
}

TEST_F(EmulatorTest, ErrorsTakeTheirTypeFromTheHeaderThenTheBody) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string expected;
  };
  const Case cases[] = {
      {{{"Lambda-Runtime-Function-Error-Type", "Custom.Header"}}, R"({"errorMessage":"m","errorType":"Body.Type"})", "Custom.Header"},
      {{}, R"({"errorMessage":"m","errorType":"Body.Type","stackTrace":[]})", "Body.Type"},
      {{}, "not json", "Unhandled"},
  };
  for (const auto& c : cases) {
    auto pending = invoke_async({});
    const auto id = next(endpoint).headers.at("lambda-runtime-aws-request-id");
    EXPECT_EQ(request(endpoint, http::verb::post, path(id, "error"), c.body, c.headers).status, 202);
    auto result = pending.get();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->error_type, c.expected);
    EXPECT_EQ(result->payload, c.body);
  }
}

TEST_F(EmulatorTest, OversizeBufferedResponseIs413) {
  auto pending = invoke_async({});
  const auto id = next(endpoint).headers.at("lambda-runtime-aws-request-id");
  auto refused = request(endpoint, http::verb::post, path(id, "response"), std::string(6 * 1024 * 1024 + 1, 'x'));
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(error_type(refused), "RequestEntityTooLarge");
  auto result = pending.get();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Function.ResponseSizeTooLarge");
  // Exactly 6 MiB is fine.
  auto fits = invoke_async({});
  const auto id2 = next(endpoint).headers.at("lambda-runtime-aws-request-id");
  EXPECT_EQ(request(endpoint, http::verb::post, path(id2, "response"), std::string(6 * 1024 * 1024, 'x')).status, 202);
  EXPECT_TRUE(fits.get()->ok());
}

// Sends a chunked, streamed response by hand, optionally ending with error trailers.
void stream_by_hand(const std::string& endpoint, const std::string& id, const std::vector<std::string>& chunks,
                    const std::string& trailers) {
  net::io_context io;
  tcp::socket socket(io);
  const auto colon = endpoint.rfind(':');
  socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1)))});
  std::string wire = "POST " + path(id, "response") + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                     "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
                     "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n";
  for (const auto& chunk : chunks) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    wire += size + chunk + "\r\n";
  }
  wire += "0\r\n" + trailers + "\r\n";
  net::write(socket, net::buffer(wire));
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 202u);
}

TEST_F(EmulatorTest, StreamedResponsesAndErrorTrailers) {
  auto pending = invoke_async({});
  auto id = next(endpoint).headers.at("lambda-runtime-aws-request-id");
  stream_by_hand(endpoint, id, {"hello ", "streamed ", "world"}, "");
  auto result = pending.get();
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->ok());
  EXPECT_TRUE(result->streamed);
  EXPECT_EQ(result->payload, "hello streamed world");
  EXPECT_EQ(result->content_type, "text/plain");

  auto failing = invoke_async({});
  id = next(endpoint).headers.at("lambda-runtime-aws-request-id");
  const std::string error_body = R"({"errorMessage":"broke","errorType":"Mid.Stream"})";
  stream_by_hand(endpoint, id, {"partial"},
                 "Lambda-Runtime-Function-Error-Type: Mid.Stream\r\nLambda-Runtime-Function-Error-Body: " +
                     lift::base64::encode(error_body) + "\r\n");
  result = failing.get();
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->streamed);
  EXPECT_EQ(result->error_type, "Mid.Stream");
  EXPECT_EQ(result->payload, error_body);
  ASSERT_EQ(result->trailers.size(), 2u);
  EXPECT_EQ(result->trailers[0].first, "lambda-runtime-function-error-type");
}

TEST_F(EmulatorTest, InitErrorFailsTheWaitingInvocation) {
  auto pending = invoke_async({});
  // Give the invocation time to queue (init errors fail what is waiting).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto accepted = request(endpoint, http::verb::post, "/2018-06-01/runtime/init/error",
                          R"({"errorMessage":"no config","errorType":"Init.Config"})",
                          {{"Lambda-Runtime-Function-Error-Type", "Init.Config"}});
  EXPECT_EQ(accepted.status, 202);
  auto result = pending.get();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Init.Config");
  EXPECT_EQ(error_type(Reply{0, {}, result->payload}), "Init.Config");
}

TEST_F(EmulatorTest, AnInitErrorBeforeAnyInvocationAnswersTheNextOne) {
  EXPECT_EQ(request(endpoint, http::verb::post, "/2018-06-01/runtime/init/error", R"({"errorMessage":"m","errorType":"Init.Early"})").status,
            202);
  auto result = emulator.invoke({});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Init.Early");
}

TEST_F(EmulatorTest, UnknownPathsAndMethods) {
  auto missing = request(endpoint, http::verb::get, "/2018-06-01/runtime/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error_type(missing), "NotFound");
  EXPECT_EQ(request(endpoint, http::verb::post, "/2018-06-01/runtime/invocation/next").status, 405);
  EXPECT_EQ(request(endpoint, http::verb::get, "/2018-06-01/runtime/init/error").status, 405);
  EXPECT_EQ(request(endpoint, http::verb::get, path("x", "response")).status, 405);
}

TEST_F(EmulatorTest, MalformedHttpDropsOnlyThatConnection) {
  {
    net::io_context io;
    tcp::socket socket(io);
    const auto colon = endpoint.rfind(':');
    socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1)))});
    net::write(socket, net::buffer(std::string("\x16\x03\x01 garbage that is not HTTP\r\n\r\n")));
    char byte;
    boost::system::error_code ec;
    net::read(socket, net::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec);  // closed on us
  }
  EXPECT_EQ(request(endpoint, http::verb::get, "/nope").status, 404);  // still serving
}

TEST_F(EmulatorTest, ExtensionsRegisterAndGetShutdown) {
  auto registered = request(endpoint, http::verb::post, "/2020-01-01/extension/register", R"({"events":["SHUTDOWN"]})",
                            {{"Lambda-Extension-Name", "my-extension"}});
  EXPECT_EQ(registered.status, 200);
  const auto id = registered.headers.at("lambda-extension-identifier");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(boost::json::parse(registered.body).at("functionName").as_string(), "wire");
  EXPECT_EQ(request(endpoint, http::verb::post, "/2020-01-01/extension/register", "{}").status, 400);  // no name

  auto stranger = request(endpoint, http::verb::get, "/2020-01-01/extension/event/next", {},
                          {{"Lambda-Extension-Identifier", "not-registered"}});
  EXPECT_EQ(stranger.status, 403);

  auto event = std::async(std::launch::async, [&] {
    return request(endpoint, http::verb::get, "/2020-01-01/extension/event/next", {}, {{"Lambda-Extension-Identifier", id}});
  });
  EXPECT_EQ(event.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);  // blocks until shutdown
  emulator.stop();
  auto shutdown = event.get();
  EXPECT_EQ(shutdown.status, 200);
  auto body = boost::json::parse(shutdown.body);
  EXPECT_EQ(body.at("eventType").as_string(), "SHUTDOWN");
  EXPECT_TRUE(body.at("deadlineMs").is_int64());
}

TEST_F(EmulatorTest, FourRuntimeWorkersAtOnce) {
  std::vector<std::future<lift::Result<InvokeResult>>> invocations;
  for (int i = 0; i < 4; ++i) {
    InvokeRequest r;
    r.payload = std::to_string(i);
    invocations.push_back(invoke_async(r));
  }
  std::vector<std::future<Reply>> workers;
  for (int i = 0; i < 4; ++i) workers.push_back(std::async(std::launch::async, [&] { return next(endpoint); }));
  std::set<std::string> ids;
  for (auto& w : workers) {
    auto event = w.get();
    ids.insert(event.headers.at("lambda-runtime-aws-request-id"));
    // All four are in flight before any is answered.
  }
  EXPECT_EQ(ids.size(), 4u);
  for (const auto& id : ids) EXPECT_EQ(request(endpoint, http::verb::post, path(id, "response"), "\"" + id + "\"").status, 202);
  std::set<std::string> answered;
  for (auto& f : invocations) {
    auto r = f.get();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->payload, "\"" + r->request_id + "\"");
    answered.insert(r->request_id);
  }
  EXPECT_EQ(answered, ids);
}

TEST(Emulator, TimesOutARuntimeThatNeverAnswers) {
  FunctionConfig config;
  config.timeout = std::chrono::milliseconds(200);
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(emulator.start());
  auto pending = std::async(std::launch::async, [&] { return emulator.invoke({}); });
  auto event = next(emulator.endpoint());
  auto result = pending.get();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Sandbox.Timedout");
  EXPECT_NE(result->payload.find("Task timed out after 0.20 seconds"), std::string::npos);
  // A late answer is refused.
  auto late = request(emulator.endpoint(), http::verb::post, path(event.headers.at("lambda-runtime-aws-request-id"), "response"), "{}");
  EXPECT_EQ(late.status, 400);
}

TEST(Emulator, ACommandThatCannotStartIsAnInvocationError) {
  FunctionConfig config;
  config.command = {"/nonexistent/bootstrap"};
  RuntimeEmulator emulator(config);
  auto result = emulator.invoke({});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Runtime.InvalidEntrypoint");
}

TEST(Emulator, ACrashingStartIsAnExitError) {
  FunctionConfig config;
  config.command = {"/bin/sh", "-c", "echo starting; exit 3"};
  config.capture_logs = true;
  RuntimeEmulator emulator(config);
  auto result = emulator.invoke({});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->error_type, "Runtime.ExitError");
  EXPECT_NE(result->payload.find("exit status 3"), std::string::npos);
}

TEST(Emulator, StopIsIdempotentAndInvokeAfterStopFails) {
  RuntimeEmulator emulator(FunctionConfig{});
  ASSERT_TRUE(emulator.start());
  emulator.stop();
  emulator.stop();
  auto result = emulator.invoke({});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "Emulator.Stopped");
}

}  // namespace
