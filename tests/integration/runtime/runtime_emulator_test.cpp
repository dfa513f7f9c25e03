// lift's runtime client (in the probe function) against lift's Runtime API emulator:
// context headers, errors, timeouts, init errors, streaming, concurrency, shutdown.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>
#include <unistd.h>

#include "lift/core/base64.hpp"
#include "lift/local/runtime_emulator.hpp"
#include "support/json.hpp"

namespace {

using lift::testing_support::json_of;
using lift::local::FunctionConfig;
using lift::local::InvokeRequest;
using lift::local::InvokeResult;
using lift::local::RuntimeEmulator;

FunctionConfig probe(std::vector<std::pair<std::string, std::string>> env = {}) {
  FunctionConfig config;
  config.command = {LIFT_PROBE_FUNCTION};
  config.environment = std::move(env);
  config.function_name = "probe";
  config.timeout = std::chrono::seconds(10);
  return config;
}

InvokeResult invoke(RuntimeEmulator& emulator, std::string payload, InvokeRequest request = {}) {
  request.payload = std::move(payload);
  auto result = emulator.invoke(std::move(request));
  if (!result) {
    ADD_FAILURE() << "emulator failed: " << result.error().message;
    return {};
  }
  return std::move(*result);
}

TEST(RuntimeWithEmulator, EchoesAndReportsTheInitDurationOnce) {
  RuntimeEmulator emulator(probe());
  ASSERT_TRUE(emulator.start());
  auto first = invoke(emulator, R"({"action":"echo","n":1})");
  ASSERT_TRUE(first.ok()) << first.payload;
  EXPECT_EQ(json_of(first.payload), json_of(R"({"action":"echo","n":1})"));
  EXPECT_TRUE(first.init_duration.has_value());
  auto second = invoke(emulator, R"({"action":"echo","n":2})");
  EXPECT_TRUE(second.ok());
  EXPECT_FALSE(second.init_duration.has_value());
  EXPECT_EQ(emulator.starts(), 1);
}

TEST(RuntimeWithEmulator, PassesEveryContextHeader) {
  RuntimeEmulator emulator(probe());
  InvokeRequest request;
  request.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  request.client_context = R"({"custom":{"a":"b"}})";
  request.cognito_identity = R"({"cognitoIdentityId":"us-east-1:1","cognitoIdentityPoolId":"us-east-1:p"})";
  request.tenant_id = "tenant-42";
  request.invocation_id = "invocation-7";
  auto result = invoke(emulator, R"({"action":"context"})", request);
  ASSERT_TRUE(result.ok()) << result.payload;
  auto context = json_of(result.payload);
  EXPECT_EQ(context.at("request_id").as_string(), result.request_id);
  EXPECT_EQ(context.at("function_arn").as_string(), "arn:aws:lambda:us-east-1:123456789012:function:probe");
  EXPECT_EQ(context.at("trace_id").as_string(), request.trace_id);
  EXPECT_EQ(context.at("client_context").as_string(), request.client_context);
  EXPECT_EQ(context.at("cognito_identity").as_string(), request.cognito_identity);
  EXPECT_EQ(context.at("tenant_id").as_string(), "tenant-42");
  EXPECT_EQ(context.at("invocation_id").as_string(), "invocation-7");
  const auto remaining = context.at("remaining_ms").as_int64();
  EXPECT_GT(remaining, 8000);
  EXPECT_LE(remaining, 10000);
  // The invocation id is echoed on the answer.
  bool echoed = false;
  for (const auto& [name, value] : result.response_headers)
    echoed = echoed || (name == "lambda-runtime-invocation-id" && value == "invocation-7");
  EXPECT_TRUE(echoed);
  // Single concurrency: the trace id is also in the environment.
  auto env = invoke(emulator, R"({"action":"env","name":"_X_AMZN_TRACE_ID"})", request);
  EXPECT_EQ(json_of(env.payload).as_string(), request.trace_id);
}

TEST(RuntimeWithEmulator, SeesTheFunctionMetadata) {
  auto config = probe();
  config.memory_mb = 256;
  config.region = "eu-central-1";
  RuntimeEmulator emulator(config);
  auto result = invoke(emulator, R"({"action":"function"})");
  ASSERT_TRUE(result.ok()) << result.payload;
  auto function = json_of(result.payload);
  EXPECT_EQ(function.at("name").as_string(), "probe");
  EXPECT_EQ(function.at("version").as_string(), "$LATEST");
  EXPECT_EQ(function.at("memory_mb").as_int64(), 256);
  EXPECT_EQ(function.at("log_group").as_string(), "/aws/lambda/probe");
  EXPECT_FALSE(function.at("log_stream").as_string().empty());
  EXPECT_EQ(function.at("region").as_string(), "eu-central-1");
  EXPECT_EQ(function.at("initialization_type").as_string(), "on-demand");
  EXPECT_EQ(function.at("max_concurrency").as_int64(), 1);
}

TEST(RuntimeWithEmulator, HandlerErrorsAndExceptionsAreTyped) {
  RuntimeEmulator emulator(probe());
  auto thrown = invoke(emulator, R"({"action":"throw"})");
  ASSERT_FALSE(thrown.ok());
  EXPECT_EQ(thrown.error_type, "std::invalid_argument");
  EXPECT_EQ(json_of(thrown.payload).at("errorMessage").as_string(), "probe was asked to throw");
  auto failed = invoke(emulator, R"({"action":"fail"})");
  EXPECT_EQ(failed.error_type, "Probe.Failure");
  auto bad = invoke(emulator, R"("not an object")");
  EXPECT_EQ(bad.error_type, "Probe.UnknownAction");
  // Still the same process: errors never kill it.
  EXPECT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  EXPECT_EQ(emulator.starts(), 1);
}

TEST(RuntimeWithEmulator, OversizeResponseIsAnError) {
  RuntimeEmulator emulator(probe());
  auto result = invoke(emulator, R"({"action":"oversize"})");
  EXPECT_EQ(result.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
}

TEST(RuntimeWithEmulator, TimeoutKillsAndTheNextInvocationStartsAfresh) {
  auto config = probe();
  config.timeout = std::chrono::milliseconds(300);
  RuntimeEmulator emulator(config);
  auto slow = invoke(emulator, R"({"action":"sleep","ms":5000})");
  EXPECT_EQ(slow.error_type, "Sandbox.Timedout");
  auto next = invoke(emulator, R"({"action":"echo"})");
  EXPECT_TRUE(next.ok()) << next.payload;
  EXPECT_TRUE(next.init_duration.has_value());
  EXPECT_EQ(emulator.starts(), 2);
}

TEST(RuntimeWithEmulator, ProcessExitIsReported) {
  RuntimeEmulator emulator(probe());
  auto result = invoke(emulator, R"({"action":"exit"})");
  EXPECT_EQ(result.error_type, "Runtime.ExitError");
  EXPECT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
}

TEST(RuntimeWithEmulator, InitExceptionGoesToInitError) {
  RuntimeEmulator emulator(probe({{"LIFT_PROBE_INIT", "throw"}}));
  auto result = invoke(emulator, R"({"action":"echo"})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error_type, "std::runtime_error");
  EXPECT_EQ(json_of(result.payload).at("errorMessage").as_string(), "probe could not initialise");
}

TEST(RuntimeWithEmulator, InitFailedResultGoesToInitError) {
  RuntimeEmulator emulator(probe({{"LIFT_PROBE_INIT", "fail"}}));
  auto result = invoke(emulator, R"({"action":"echo"})");
  EXPECT_EQ(result.error_type, "Probe.ConfigMissing");
}

TEST(RuntimeWithEmulator, Streams) {
  RuntimeEmulator emulator(probe({{"LIFT_PROBE_STREAMING", "1"}}));
  auto result = invoke(emulator, R"({"action":"stream"})");
  ASSERT_TRUE(result.ok()) << result.payload;
  EXPECT_TRUE(result.streamed);
  EXPECT_EQ(result.content_type, "text/plain");
  EXPECT_EQ(result.payload, "chunk 0\nchunk 1\nchunk 2\n");
}

TEST(RuntimeWithEmulator, StreamsAnHttpIntegrationResponse) {
  RuntimeEmulator emulator(probe({{"LIFT_PROBE_STREAMING", "1"}}));
  auto result = invoke(emulator, R"({"action":"stream_http"})");
  ASSERT_TRUE(result.ok()) << result.payload;
  EXPECT_EQ(result.content_type, "application/vnd.awslambda.http-integration-response");
  const auto nuls = result.payload.find(std::string(8, '\0'));
  ASSERT_NE(nuls, std::string::npos);
  auto prelude = json_of(result.payload.substr(0, nuls));
  EXPECT_EQ(prelude.at("statusCode").as_int64(), 201);
  EXPECT_EQ(prelude.at("headers").at("x-probe").as_string(), "1");
  EXPECT_EQ(prelude.at("cookies").at(0).as_string(), "session=abc; Path=/");
  EXPECT_EQ(result.payload.substr(nuls + 8), "<h1>streamed</h1>");
}

TEST(RuntimeWithEmulator, StreamErrorsArriveAsTrailers) {
  RuntimeEmulator emulator(probe({{"LIFT_PROBE_STREAMING", "1"}}));
  auto mid = invoke(emulator, R"({"action":"stream_error"})");
  EXPECT_TRUE(mid.streamed);
  EXPECT_EQ(mid.error_type, "std::runtime_error");
  std::string trailer_type;
  for (const auto& [name, value] : mid.trailers)
    if (name == "lambda-runtime-function-error-type") trailer_type = value;
  EXPECT_EQ(trailer_type, "std::runtime_error");
  auto early = invoke(emulator, R"({"action":"stream_fail_early"})");
  EXPECT_EQ(early.error_type, "Probe.EarlyFailure");
  EXPECT_FALSE(early.streamed);
  auto large = invoke(emulator, R"({"action":"stream_large"})");
  EXPECT_TRUE(large.ok()) << large.error_type.value_or("");
  EXPECT_EQ(large.payload.size(), 8u * 1024 * 1024);  // streams may exceed the 6 MiB buffered limit
}

TEST(RuntimeWithEmulator, FourWorkersWithMaxConcurrency) {
  auto config = probe();
  config.concurrency = 4;
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(emulator.start());
  std::vector<std::future<InvokeResult>> results;
  for (int i = 0; i < 4; ++i)
    results.push_back(std::async(std::launch::async, [&] { return invoke(emulator, R"({"action":"rendezvous","count":4})"); }));
  for (auto& f : results) {
    auto r = f.get();
    ASSERT_TRUE(r.ok()) << r.payload;
    EXPECT_EQ(json_of(r.payload).at("peak").as_int64(), 4);
  }
  auto env = invoke(emulator, R"({"action":"env","name":"AWS_LAMBDA_MAX_CONCURRENCY"})");
  EXPECT_EQ(json_of(env.payload).as_string(), "4");
  // Several workers share the process environment: the trace id is passed, not exported.
  auto trace = invoke(emulator, R"({"action":"env","name":"_X_AMZN_TRACE_ID"})");
  EXPECT_TRUE(json_of(trace.payload).is_null());
}

TEST(RuntimeWithEmulator, GracefulShutdownRunsTheHooks) {
  const auto marker = std::filesystem::temp_directory_path() / ("lift-probe-shutdown-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  {
    RuntimeEmulator emulator(probe({{"LIFT_PROBE_SHUTDOWN_FILE", marker.string()}}));
    ASSERT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
    emulator.stop();  // an extension registered: SIGTERM first
  }
  std::ifstream file(marker);
  std::string line;
  std::getline(file, line);
  EXPECT_EQ(line, "shutdown hook ran");
  std::filesystem::remove(marker);
}

}  // namespace
