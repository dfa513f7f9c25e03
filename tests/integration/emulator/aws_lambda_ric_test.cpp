// The emulator checked by an independent client: AWS's Node.js runtime interface client
// (npm aws-lambda-ric) runs small JS handlers against it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "lift/local/runtime_emulator.hpp"
#include "support/json.hpp"

namespace {

using lift::testing_support::json_of;
using lift::local::FunctionConfig;
using lift::local::InvokeRequest;
using lift::local::InvokeResult;
using lift::local::RuntimeEmulator;
namespace fs = std::filesystem;

struct NodeRuntime : ::testing::Test {
  std::string node;
  fs::path ric;
  fs::path handlers;

  void SetUp() override {
    const std::string source = LIFT_TEST_SOURCE_DIR;
    node = LIFT_TEST_NODE;
    if (node.empty()) GTEST_SKIP() << "node is not installed";
    ric = fs::path(source) / "node_modules" / "aws-lambda-ric" / "index.mjs";
    handlers = fs::path(source) / "tests" / "integration" / "emulator" / "js";
    ASSERT_TRUE(fs::exists(ric)) << "aws-lambda-ric is missing: run scripts/setup";
    // The package builds its native client at install time (scripts/setup does that); without
    // it the peer cannot run, which is reported rather than failed.
    if (!fs::exists(ric.parent_path() / "rapid-client.node"))
      GTEST_SKIP() << "aws-lambda-ric's native client is not built: scripts/setup could not build it on this machine";
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

}  // namespace
