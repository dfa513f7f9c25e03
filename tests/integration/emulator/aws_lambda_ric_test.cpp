// The emulator checked by an independent client: AWS's Node.js runtime interface client
// (npm aws-lambda-ric) runs small JS handlers against it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "lift/local/runtime_emulator.hpp"
#include "support/json.hpp"
#include "support/requirements.hpp"

namespace {

using lift::testing_support::json_of;
using lift::local::FunctionConfig;
using lift::local::InvokeRequest;
using lift::local::InvokeResult;
using lift::local::RuntimeEmulator;
namespace fs = std::filesystem;

// Where the source tree and Node are: the environment first (LIFT_SOURCE_DIR, LIFT_NODE), then
// what the build recorded.
std::string setting(const char* variable, const char* built_in) {
  const char* value = std::getenv(variable);
  return value != nullptr && *value != '\0' ? std::string(value) : std::string(built_in);
}

struct NodeRuntime : ::testing::Test {
  std::string node;
  fs::path ric;
  fs::path handlers;

  void SetUp() override {
    const std::string source = setting("LIFT_SOURCE_DIR", LIFT_TEST_SOURCE_DIR);
    node = setting("LIFT_NODE", LIFT_TEST_NODE);
    if (node.empty() || !fs::exists(node)) LIFT_SKIP_WITHOUT() << "Node.js is not installed (LIFT_NODE is empty): run scripts/setup";
    ric = fs::path(source) / "node_modules" / "aws-lambda-ric" / "index.mjs";
    handlers = fs::path(source) / "tests" / "integration" / "emulator" / "js";
    if (!fs::exists(ric)) LIFT_SKIP_WITHOUT() << "npm aws-lambda-ric is not in " << ric.parent_path() << ": run scripts/setup";
    // The package builds its native client at install time (scripts/setup does that); without
    // it the peer cannot run, which is reported rather than failed.
    if (!fs::exists(ric.parent_path() / "rapid-client.node"))
      LIFT_SKIP_WITHOUT() << "aws-lambda-ric's native client is not built: scripts/setup could not build it on this machine";
  }

  FunctionConfig config(const std::string& handler) const {
    FunctionConfig c;
    c.command = {node, ric.string(), handler};
    c.function_name = "node-peer";
    c.memory_mb = 256;
    c.timeout = std::chrono::seconds(10);
    c.environment = {{"LAMBDA_TASK_ROOT", handlers.string()}, {"_HANDLER", handler}, {"NODE_NO_WARNINGS", "1"}};
    return c;
  }
};

TEST_F(NodeRuntime, ReadsEveryHeaderTheEmulatorSends) {
  RuntimeEmulator emulator(config("echo.handler"));
  InvokeRequest request;
  request.payload = R"({"hello":"node"})";
  request.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  request.client_context = R"({"custom":{"k":"v"},"env":{},"client":{}})";
  request.cognito_identity = R"({"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"us-east-1:pool"})";
  request.tenant_id = "tenant-node";
  auto result = emulator.invoke(request);
  ASSERT_TRUE(result);
  ASSERT_TRUE(result->ok()) << result->payload;
  EXPECT_TRUE(result->init_duration.has_value());
  auto seen = json_of(result->payload);
  EXPECT_EQ(seen.at("event"), json_of(request.payload));
  EXPECT_EQ(seen.at("requestId").as_string(), result->request_id);
  EXPECT_EQ(seen.at("functionName").as_string(), "node-peer");
  EXPECT_EQ(seen.at("functionVersion").as_string(), "$LATEST");
  EXPECT_EQ(json_of(std::string(seen.at("memoryLimitInMB").is_string() ? seen.at("memoryLimitInMB").as_string() : "256")), 256);
  EXPECT_EQ(seen.at("invokedFunctionArn").as_string(), "arn:aws:lambda:us-east-1:123456789012:function:node-peer");
  EXPECT_EQ(seen.at("logGroupName").as_string(), "/aws/lambda/node-peer");
  const auto remaining = seen.at("remainingMs").to_number<double>();
  EXPECT_GT(remaining, 8000);
  EXPECT_LE(remaining, 10000);
  EXPECT_EQ(seen.at("clientContext").at("custom").at("k").as_string(), "v");
  EXPECT_EQ(seen.at("identity").at("cognitoIdentityId").as_string(), "us-east-1:abc");
  EXPECT_EQ(seen.at("tenantId").as_string(), "tenant-node");
  EXPECT_EQ(seen.at("traceId").as_string(), request.trace_id);

  // A second invocation on the same process.
  request.payload = R"({"n":2})";
  auto second = emulator.invoke(request);
  ASSERT_TRUE(second && second->ok());
  EXPECT_FALSE(second->init_duration.has_value());
  EXPECT_EQ(emulator.starts(), 1);
}

TEST_F(NodeRuntime, ErrorsAreTyped) {
  RuntimeEmulator emulator(config("throws.handler"));
  auto result = emulator.invoke({});
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error_type, "OrderRejected");
  auto body = json_of(result->payload);
  EXPECT_EQ(body.at("errorType").as_string(), "OrderRejected");
  EXPECT_EQ(body.at("errorMessage").as_string(), "order 42 was rejected");
  // The Node client names its stack "trace"; the emulator passes the body through untouched.
  EXPECT_TRUE(body.as_object().contains("trace") || body.as_object().contains("stackTrace")) << result->payload;
}

TEST_F(NodeRuntime, StreamsAnHttpIntegrationResponse) {
  RuntimeEmulator emulator(config("stream.handler"));
  auto result = emulator.invoke({});
  ASSERT_TRUE(result);
  ASSERT_TRUE(result->ok()) << result->payload;
  EXPECT_TRUE(result->streamed);
  EXPECT_EQ(result->content_type, "application/vnd.awslambda.http-integration-response");
  const auto nuls = result->payload.find(std::string(8, '\0'));
  ASSERT_NE(nuls, std::string::npos);
  auto prelude = json_of(result->payload.substr(0, nuls));
  EXPECT_EQ(prelude.at("statusCode").as_int64(), 201);
  EXPECT_EQ(prelude.at("headers").at("x-from").as_string(), "node");
  EXPECT_EQ(prelude.at("cookies").at(0).as_string(), "a=1");
  EXPECT_EQ(result->payload.substr(nuls + 8), "streamed from node");
}

TEST_F(NodeRuntime, MidStreamErrorsArriveAsTrailers) {
  RuntimeEmulator emulator(config("stream.handler"));
  InvokeRequest request;
  request.payload = R"({"fail":true})";
  auto result = emulator.invoke(request);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->streamed);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error_type, "Error");
  EXPECT_EQ(json_of(result->payload).at("errorMessage").as_string(), "stream broke");
}

TEST_F(NodeRuntime, InitErrorsReachTheCaller) {
  RuntimeEmulator emulator(config("init_error.handler"));
  auto result = emulator.invoke({});
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_NE(result->error_type->find("Error"), std::string::npos) << *result->error_type;
  EXPECT_NE(result->payload.find("cannot initialise: missing configuration"), std::string::npos) << result->payload;
}

TEST_F(NodeRuntime, TheNodeHttpClientWorksToo) {
  // The ric's alternative /next client is Node's own http module instead of its native one.
  auto c = config("echo.handler");
  c.environment.emplace_back("AWS_LAMBDA_NODEJS_USE_ALTERNATIVE_CLIENT_1", "true");
  RuntimeEmulator emulator(c);
  for (int i = 0; i < 3; ++i) {
    InvokeRequest request;
    request.payload = R"({"n":)" + std::to_string(i) + "}";
    auto result = emulator.invoke(request);
    ASSERT_TRUE(result);
    ASSERT_TRUE(result->ok()) << result->payload;
    EXPECT_EQ(json_of(result->payload).at("event"), json_of(request.payload));
    EXPECT_EQ(json_of(result->payload).at("requestId").as_string(), result->request_id);
  }
  EXPECT_EQ(emulator.starts(), 1);
}

TEST_F(NodeRuntime, CapturedLogsCarryTheRequestId) {
  auto c = config("slow.handler");
  c.capture_logs = true;
  RuntimeEmulator emulator(c);
  InvokeRequest request;
  request.payload = R"({"ms":0,"tag":"first"})";
  auto first = emulator.invoke(request);
  ASSERT_TRUE(first && first->ok()) << (first ? first->payload : first.error().message);
  EXPECT_NE(first->logs.find("slow handler got"), std::string::npos) << first->logs;
  EXPECT_NE(first->logs.find(first->request_id), std::string::npos) << first->logs;
  EXPECT_NE(first->logs.find("first"), std::string::npos) << first->logs;
  request.payload = R"({"ms":0,"tag":"second"})";
  auto second = emulator.invoke(request);
  ASSERT_TRUE(second && second->ok());
  EXPECT_NE(second->logs.find("second"), std::string::npos) << second->logs;
  EXPECT_EQ(second->logs.find("first"), std::string::npos) << second->logs;
}

TEST_F(NodeRuntime, ATimeoutKillsNodeAndTheNextInvocationStartsItAgain) {
  auto c = config("slow.handler");
  c.timeout = std::chrono::milliseconds(500);
  RuntimeEmulator emulator(c);
  ASSERT_TRUE(emulator.start());
  InvokeRequest request;
  request.payload = R"({"ms":10000})";
  auto slow = emulator.invoke(request);
  ASSERT_TRUE(slow);
  EXPECT_EQ(slow->error_type, "Sandbox.Timedout");
  EXPECT_NE(slow->payload.find("Task timed out after 0.50 seconds"), std::string::npos) << slow->payload;
  EXPECT_FALSE(emulator.function_running());
  request.payload = R"({"ms":0})";
  auto next = emulator.invoke(request);
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->ok()) << next->payload;
  EXPECT_TRUE(next->init_duration.has_value());
  EXPECT_EQ(emulator.starts(), 2);
}

TEST_F(NodeRuntime, AMissingHandlerIsAnInitError) {
  RuntimeEmulator emulator(config("no_such_module.handler"));
  auto result = emulator.invoke({});
  ASSERT_TRUE(result);
  ASSERT_FALSE(result->ok());
  EXPECT_EQ(result->error_type, "Runtime.ImportModuleError") << result->payload;
  EXPECT_EQ(json_of(result->payload).at("errorType").as_string(), "Runtime.ImportModuleError");
}

}  // namespace
