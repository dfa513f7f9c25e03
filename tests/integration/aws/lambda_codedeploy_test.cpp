// The Lambda and CodeDeploy clients against scripted services on 127.0.0.1: each call made by
// the AWS SDK for JavaScript (lambda_codedeploy_crosscheck.js) and by lift to the same fake must
// put the same request on the wire and read the same values from the same answer; then errors,
// throttling (retried), function errors and malformed answers.
#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "lift/aws/codedeploy.hpp"
#include "lift/aws/lambda.hpp"
#include "lift/core/base64.hpp"
#include "sdk_crosscheck.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::client_for;
using lift::testing_support::options_for;
using lift::testing_support::SeenRequest;

constexpr const char* kFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:todo-api";
constexpr const char* kRestJson = "application/json";

class LambdaCodeDeploy : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string source(LIFT_TEST_SOURCE_DIR);
    const std::string node(LIFT_TEST_NODE);
    if (node.empty() || !std::filesystem::exists(node)) LIFT_SKIP_WITHOUT() << "node is missing";
    for (const char* package : {"client-lambda", "client-codedeploy"}) {
      if (!std::filesystem::exists(source + "/node_modules/@aws-sdk/" + package))
        LIFT_SKIP_WITHOUT() << "node_modules/@aws-sdk/" << package << " is missing (run scripts/setup)";
    }
  }

  static std::pair<json::value, SeenRequest> sdk(FakeService& fake, const char* operation, const json::object& input) {
    return lift::testing_support::run_sdk(fake, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/aws/lambda_codedeploy_crosscheck.js",
                                          fake.endpoint(), operation, input);
  }
};

void expect_same_invoke_headers(const SeenRequest& theirs, const SeenRequest& mine) {
  for (const char* name : {"X-Amz-Invocation-Type", "X-Amz-Log-Type", "X-Amz-Client-Context", "X-Amz-Tenant-Id"})
    EXPECT_EQ(mine.header(name), theirs.header(name)) << name;
}

TEST_F(LambdaCodeDeploy, InvokeMatchesTheSdk) {
  const std::string log = "START RequestId: 5f1b\nchecking /health\nEND RequestId: 5f1b\n";
  const std::string answer = R"({"statusCode":200,"body":"{\"status\":\"ok\"}"})";
  FakeService fake([&](const SeenRequest&, int) {
    return FakeAnswer{200, answer, kRestJson, "", 0ms,
                      {{"X-Amz-Executed-Version", "7"}, {"X-Amz-Log-Result", lift::base64::encode(log)}}};
  });
  const std::string event = R"({"rawPath":"/health","requestContext":{"http":{"method":"GET"}}})";
  const std::string context = R"({"custom":{"deployment":"d-ABCDEF123"}})";
  const auto [theirs, their_request] = sdk(fake, "lambda-invoke", json::object{
      {"FunctionName", kFunctionArn}, {"Qualifier", "7"}, {"InvocationType", "RequestResponse"}, {"LogType", "Tail"},
      {"ClientContext", lift::base64::encode(context)}, {"Payload", event}});
  ASSERT_TRUE(theirs.is_object()) << json::serialize(theirs);

  fake.clear();
  auto lambda = client_for<LambdaClient>(fake.endpoint());
  auto mine = lambda.invoke({.function_name = kFunctionArn, .payload = event, .qualifier = "7", .log_tail = true, .client_context = context},
                            Clock::now() + 5s);
  ASSERT_TRUE(mine) << mine.error().message;
  const auto my_request = lift::testing_support::only_request(fake);
  lift::testing_support::expect_same_request(their_request, my_request, /*json_body=*/false);
  expect_same_invoke_headers(their_request, my_request);

  EXPECT_EQ(json::value(mine->status_code), theirs.at("StatusCode"));
  EXPECT_EQ(json::value(mine->payload), theirs.at("Payload"));
  EXPECT_EQ(json::value(mine->executed_version), theirs.at("ExecutedVersion"));
  EXPECT_EQ(mine->log_tail, *lift::base64::decode(theirs.at("LogResult").as_string()));
  EXPECT_EQ(mine->log_tail, log);
  EXPECT_FALSE(mine->function_failed());
  EXPECT_EQ(theirs.as_object().if_contains("FunctionError"), nullptr);
}

TEST_F(LambdaCodeDeploy, FunctionErrorIsReadAsTheSdkReadsIt) {
  const std::string document = R"({"errorType":"Runtime.ExitError","errorMessage":"RequestId: 1 Error: Runtime exited with error: exit status 1"})";
  FakeService fake([&](const SeenRequest&, int) {
    return FakeAnswer{200, document, kRestJson, "", 0ms, {{"X-Amz-Function-Error", "Unhandled"}, {"X-Amz-Executed-Version", "$LATEST"}}};
  });
  const auto [theirs, their_request] = sdk(fake, "lambda-invoke", json::object{{"FunctionName", "todo-api"}, {"Payload", "{}"}});
  ASSERT_TRUE(theirs.is_object());
  fake.clear();
  auto mine = client_for<LambdaClient>(fake.endpoint()).invoke({.function_name = "todo-api", .payload = "{}"}, Clock::now() + 5s);
  ASSERT_TRUE(mine) << mine.error().message;
  EXPECT_EQ(fake.requests(), 1);  // a function's failure is an answer: never retried
  ASSERT_TRUE(mine->function_failed());
  EXPECT_EQ(json::value(*mine->function_error), theirs.at("FunctionError"));
  EXPECT_EQ(json::value(mine->payload), theirs.at("Payload"));
  EXPECT_EQ(lambda_function_error(*mine).message, "Runtime.ExitError: RequestId: 1 Error: Runtime exited with error: exit status 1");
}

TEST_F(LambdaCodeDeploy, EventAndDryRunInvocations) {
  FakeService fake([](const SeenRequest& request, int) {
    const bool dry = request.header("X-Amz-Invocation-Type") == "DryRun";
    return FakeAnswer{dry ? 204u : 202u, "", kRestJson};
  });
  for (const auto& [type, name, status] : {std::tuple{LambdaInvocationType::event, "Event", 202},
                                           std::tuple{LambdaInvocationType::dry_run, "DryRun", 204}}) {
    const auto [theirs, their_request] = sdk(fake, "lambda-invoke", json::object{{"FunctionName", "orders"}, {"InvocationType", name},
                                                                                 {"Payload", R"({"order":1})"}});
    ASSERT_TRUE(theirs.is_object());
    fake.clear();
    auto mine = client_for<LambdaClient>(fake.endpoint())
                    .invoke({.function_name = "orders", .payload = R"({"order":1})", .invocation_type = type}, Clock::now() + 5s);
    ASSERT_TRUE(mine) << mine.error().message;
    lift::testing_support::expect_same_request(their_request, lift::testing_support::only_request(fake), false);
    EXPECT_EQ(json::value(mine->status_code), theirs.at("StatusCode"));
    EXPECT_EQ(mine->status_code, status);
    EXPECT_EQ(mine->payload, "");
  }
}

TEST_F(LambdaCodeDeploy, InvokeErrorsThrottlingAndMalformedAnswers) {
  FakeService missing([](const SeenRequest&, int) {
    return FakeAnswer{404, R"({"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"})",
                      kRestJson, "ResourceNotFoundException"};
  });
  const auto [theirs, their_request] = sdk(missing, "lambda-invoke", json::object{{"FunctionName", "nope"}});
  EXPECT_EQ(theirs.at("error"), json::value("ResourceNotFoundException"));
  missing.clear();
  auto absent = client_for<LambdaClient>(missing.endpoint()).invoke({.function_name = "nope"}, Clock::now() + 5s);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, kLambdaResourceNotFound);
  EXPECT_EQ(json::value(absent.error().status), theirs.at("status"));
  EXPECT_NE(absent.error().message.find("Function not found"), std::string::npos);
  EXPECT_EQ(missing.requests(), 1);  // not retried

  // Throttled twice, then through: the retries are the core's.
  FakeService throttled([](const SeenRequest&, int number) {
    if (number <= 2)
      return FakeAnswer{429, R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."})",
                        kRestJson, "TooManyRequestsException", 0ms, {{"Retry-After", "1"}}};
    return FakeAnswer{200, R"({"ok":true})", kRestJson};
  });
  auto through = client_for<LambdaClient>(throttled.endpoint()).invoke({.function_name = "f"}, Clock::now() + 10s);
  ASSERT_TRUE(through) << through.error().message;
  EXPECT_EQ(through->payload, R"({"ok":true})");
  EXPECT_EQ(throttled.requests(), 3);

  // Always throttled: the last refusal, typed, once the attempts are spent.
  FakeService saturated([](const SeenRequest&, int) {
    return FakeAnswer{429, R"({"message":"Rate Exceeded."})", kRestJson, "TooManyRequestsException"};
  });
  auto refused = client_for<LambdaClient>(saturated.endpoint()).invoke({.function_name = "f"}, Clock::now() + 10s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kLambdaTooManyRequests);
  EXPECT_EQ(saturated.requests(), 3);

  // Answers that are not Lambda's.
  FakeService broken([](const SeenRequest& request, int) {
    if (request.target.find("/functions/bad-log/") != std::string::npos)
      return FakeAnswer{200, "{}", kRestJson, "", 0ms, {{"X-Amz-Log-Result", "%%%"}}};
    return FakeAnswer{500, "<html>Internal Server Error</html>", "text/html"};
  });
  auto bad_log = client_for<LambdaClient>(broken.endpoint()).invoke({.function_name = "bad-log", .log_tail = true}, Clock::now() + 5s);
  ASSERT_FALSE(bad_log);
  EXPECT_EQ(bad_log.error().code, kLambdaMalformedResponse);
  auto html = client_for<LambdaClient>(broken.endpoint()).invoke({.function_name = "html"}, Clock::now() + 5s);
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error().code, kLambdaMalformedResponse);
  EXPECT_EQ(html.error().status, 500);

  // Refused before a call: nothing reaches the service.
  broken.clear();
  auto oversized = client_for<LambdaClient>(broken.endpoint())
                       .invoke({.function_name = "f", .payload = std::string(kLambdaMaxSyncPayloadBytes + 1, ' ')}, Clock::now() + 5s);
  ASSERT_FALSE(oversized);
  EXPECT_EQ(oversized.error().code, kLambdaRequestTooLarge);
  EXPECT_EQ(broken.requests(), 0);
}

TEST_F(LambdaCodeDeploy, InvokeWithinTheDeadline) {
  FakeService slow([](const SeenRequest&, int) { return FakeAnswer{200, "{}", kRestJson, "", 0ms}; });
  FakeService stuck([](const SeenRequest&, int) { return FakeAnswer{200, "{}", kRestJson, "", 5000ms}; });
  const auto started = Clock::now();
  auto late = client_for<LambdaClient>(stuck.endpoint()).invoke({.function_name = "f"}, Clock::now() + 600ms);
  ASSERT_FALSE(late);
  EXPECT_LT(Clock::now() - started, 2s);
  auto in_time = client_for<LambdaClient>(slow.endpoint()).invoke({.function_name = "f"}, Clock::now() + 5s);
  EXPECT_TRUE(in_time);
}

TEST_F(LambdaCodeDeploy, HookStatusMatchesTheSdk) {
  FakeService fake([](const SeenRequest& request, int) {
    const auto body = json::parse(request.body);
    return FakeAnswer{200, json::serialize(json::object{{"lifecycleEventHookExecutionId", body.at("lifecycleEventHookExecutionId")}})};
  });
  const std::string execution = "eyJlbmNyeXB0ZWREYXRhIjoiY3dZd0JBPT0iLCJpdlBhcmFtZXRlclNwZWMiOiJvZz09In0=";
  const auto [theirs, their_request] = sdk(fake, "codedeploy-hook-status", json::object{
      {"deploymentId", "d-ABCDEF123"}, {"lifecycleEventHookExecutionId", execution}, {"status", "Succeeded"}});
  ASSERT_TRUE(theirs.is_object());
  fake.clear();
  auto mine = client_for<CodeDeployClient>(fake.endpoint())
                  .put_lifecycle_event_hook_execution_status(
                      {.deployment_id = "d-ABCDEF123", .lifecycle_event_hook_execution_id = execution, .status = CodeDeployHookStatus::succeeded},
                      Clock::now() + 5s);
  ASSERT_TRUE(mine) << mine.error().message;
  lift::testing_support::expect_same_request(their_request, lift::testing_support::only_request(fake), /*json_body=*/true);
  EXPECT_EQ(json::value(*mine), theirs.at("lifecycleEventHookExecutionId"));
}

TEST_F(LambdaCodeDeploy, HookStatusErrorsAndThrottling) {
  FakeService done([](const SeenRequest&, int) {
    return FakeAnswer{400, R"({"__type":"LifecycleEventAlreadyCompletedException","message":"The lifecycle event is already completed"})"};
  });
  const auto [theirs, their_request] = sdk(done, "codedeploy-hook-status", json::object{
      {"deploymentId", "d-ABCDEF123"}, {"lifecycleEventHookExecutionId", "x"}, {"status", "Failed"}});
  EXPECT_EQ(theirs.at("error"), json::value("LifecycleEventAlreadyCompletedException"));
  done.clear();
  auto again = client_for<CodeDeployClient>(done.endpoint())
                   .put_lifecycle_event_hook_execution_status({.deployment_id = "d-ABCDEF123", .lifecycle_event_hook_execution_id = "x"},
                                                              Clock::now() + 5s);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, kCodeDeployLifecycleEventAlreadyCompleted);
  EXPECT_EQ(json::value(again.error().status), theirs.at("status"));
  EXPECT_EQ(done.requests(), 1);

  FakeService throttled([](const SeenRequest&, int number) {
    if (number == 1) return FakeAnswer{400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"};
    return FakeAnswer{200, R"({"lifecycleEventHookExecutionId":"x"})"};
  });
  auto through = client_for<CodeDeployClient>(throttled.endpoint())
                     .put_lifecycle_event_hook_execution_status({.deployment_id = "d-1", .lifecycle_event_hook_execution_id = "x"},
                                                                Clock::now() + 5s);
  ASSERT_TRUE(through) << through.error().message;
  EXPECT_EQ(throttled.requests(), 2);

  FakeService garbage([](const SeenRequest&, int) { return FakeAnswer{200, "not json"}; });
  auto unreadable = client_for<CodeDeployClient>(garbage.endpoint())
                        .put_lifecycle_event_hook_execution_status({.deployment_id = "d-1", .lifecycle_event_hook_execution_id = "x"},
                                                                   Clock::now() + 5s);
  ASSERT_FALSE(unreadable);
  EXPECT_EQ(unreadable.error().code, kCodeDeployMalformedResponse);
}

}  // namespace
