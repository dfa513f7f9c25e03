// Lambda's Invoke (path, query, headers, payload limits, answers with function errors and log
// tails) and CodeDeploy's PutLifecycleEventHookExecutionStatus (body, answer), errors typed.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lift/aws/codedeploy.hpp"
#include "lift/aws/lambda.hpp"
#include "support/result_code.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using lift::testing_support::code;

std::string header_of(const LambdaInvokeHttp& http, std::string_view name) {
  for (const auto& [key, value] : http.headers)
    if (key == name) return value;
  return "<absent>";
}

TEST(LambdaInvokeRequest, PathQueryAndHeaders) {
  auto plain = lambda_invoke_http({.function_name = "todo-api", .payload = "{}"});
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(plain->path, "/2015-03-31/functions/todo-api/invocations");
  EXPECT_EQ(header_of(*plain, "X-Amz-Invocation-Type"), "RequestResponse");
  EXPECT_EQ(header_of(*plain, "Content-Type"), "application/octet-stream");
  EXPECT_EQ(header_of(*plain, "X-Amz-Log-Type"), "<absent>");
  EXPECT_EQ(header_of(*plain, "X-Amz-Client-Context"), "<absent>");

  // An ARN's colons are percent-encoded in the path, as the SDKs do; the qualifier is a query.
  auto full = lambda_invoke_http({.function_name = "arn:aws:lambda:eu-west-1:123456789012:function:todo-api",
                                  .invocation_type = LambdaInvocationType::event,
                                  .qualifier = "$LATEST",
                                  .log_tail = true,
                                  .client_context = R"({"custom":{"run":"smoke"}})",
                                  .tenant_id = "acme"});
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->path,
            "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Atodo-api/invocations?Qualifier=%24LATEST");
  EXPECT_EQ(header_of(*full, "X-Amz-Invocation-Type"), "Event");
  EXPECT_EQ(header_of(*full, "X-Amz-Log-Type"), "Tail");
  EXPECT_EQ(header_of(*full, "X-Amz-Client-Context"), "eyJjdXN0b20iOnsicnVuIjoic21va2UifX0=");
  EXPECT_EQ(header_of(*full, "X-Amz-Tenant-Id"), "acme");
  EXPECT_EQ(header_of(*lambda_invoke_http({.function_name = "f", .invocation_type = LambdaInvocationType::dry_run}),
                      "X-Amz-Invocation-Type"),
            "DryRun");
}

TEST(LambdaInvokeRequest, BadInputIsRefusedBeforeACall) {
  EXPECT_EQ(code(lambda_invoke_http({.function_name = ""})), kLambdaValidation);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "todo api"})), kLambdaValidation);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "todo/../api"})), kLambdaValidation);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = std::string(171, 'f')})), kLambdaValidation);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = std::string(170, 'f')})), "ok");
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "f", .qualifier = "live?x=1"})), kLambdaValidation);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "f", .qualifier = std::string(129, 'q')})), kLambdaValidation);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "f", .client_context = std::string(2700, 'c')})), kLambdaValidation);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "f", .client_context = std::string(2600, 'c')})), "ok");
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "f", .tenant_id = "a\r\nX-Injected: 1"})), kLambdaValidation);

  // 6 MB synchronously, 1 MB asynchronously.
  const std::string six_mb(kLambdaMaxSyncPayloadBytes, ' ');
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "f", .payload = six_mb})), "ok");
  auto over = lambda_invoke_http({.function_name = "f", .payload = six_mb + " "});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, kLambdaRequestTooLarge);
  EXPECT_EQ(over.error().status, 413);
  EXPECT_EQ(code(lambda_invoke_http({.function_name = "f", .payload = std::string(kLambdaMaxAsyncPayloadBytes + 1, ' '),
                                     .invocation_type = LambdaInvocationType::event})),
            kLambdaRequestTooLarge);
}

TEST(LambdaInvokeAnswer, SuccessFunctionErrorAndLogTail) {
  auto ok = parse_lambda_invoke(200, "", "", "$LATEST", R"({"statusCode":200})");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status_code, 200);
  EXPECT_FALSE(ok->function_failed());
  EXPECT_EQ(ok->payload, R"({"statusCode":200})");
  EXPECT_EQ(ok->executed_version, "$LATEST");

  // "START RequestId: 1\nboom\n" as Lambda sends the tail.
  auto failed = parse_lambda_invoke(200, "Unhandled", "U1RBUlQgUmVxdWVzdElkOiAxCmJvb20K", "7",
                                    R"({"errorType":"Runtime.ExitError","errorMessage":"exit status 1"})");
  ASSERT_TRUE(failed);
  EXPECT_TRUE(failed->function_failed());
  EXPECT_EQ(*failed->function_error, "Unhandled");
  EXPECT_EQ(failed->log_tail, "START RequestId: 1\nboom\n");
  const auto error = lambda_function_error(*failed);
  EXPECT_EQ(error.code, kLambdaFunctionError);
  EXPECT_EQ(error.status, 502);
  EXPECT_EQ(error.message, "Runtime.ExitError: exit status 1");
  // An error document that is not one still gives a typed error.
  EXPECT_EQ(lambda_function_error(*parse_lambda_invoke(200, "Handled", "", "", "oops")).message, "the function failed (Handled)");

  EXPECT_EQ(parse_lambda_invoke(202, "", "", "", "")->status_code, 202);
  EXPECT_EQ(parse_lambda_invoke(204, "", "", "", "")->status_code, 204);
}

TEST(LambdaInvokeAnswer, MalformedAnswers) {
  EXPECT_EQ(code(parse_lambda_invoke(201, "", "", "", "{}")), kLambdaMalformedResponse);
  auto bad_log = parse_lambda_invoke(200, "", "not base64!", "", "{}");
  ASSERT_FALSE(bad_log);
  EXPECT_EQ(bad_log.error().code, kLambdaMalformedResponse);
  EXPECT_EQ(bad_log.error().status, 502);
}

TEST(LambdaErrors, Typed) {
  EXPECT_EQ(parse_lambda_error(404, R"({"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:1:function:f"})",
                               "ResourceNotFoundException")
                .code,
            kLambdaResourceNotFound);
  const auto throttled = parse_lambda_error(429, R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User",
    "message":"Rate Exceeded.","retryAfterSeconds":"1"})", "TooManyRequestsException");
  EXPECT_EQ(throttled.code, kLambdaTooManyRequests);
  EXPECT_EQ(throttled.message, "Rate Exceeded.");
  EXPECT_EQ(lift::classify_error(throttled), lift::FailureKind::throttling);
  EXPECT_EQ(parse_lambda_error(413, R"({"message":"too large"})", "RequestTooLargeException").code, kLambdaRequestTooLarge);
  EXPECT_EQ(parse_lambda_error(403, R"({"__type":"AccessDeniedException","Message":"no"})").code, kLambdaAccessDenied);
  EXPECT_EQ(parse_lambda_error(502, "<html>bad gateway</html>").code, kLambdaMalformedResponse);
  EXPECT_EQ(parse_lambda_error(502, "<html>bad gateway</html>").status, 502);
}

TEST(LambdaClientConfig, EndpointFromTheEnvironmentOrTheRegion) {
  {
    lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_LAMBDA", std::nullopt);
    lift::testing_support::ScopedEnv all("AWS_ENDPOINT_URL", std::nullopt);
    EXPECT_EQ(LambdaClient::create({.region = "eu-west-1"})->endpoint(), "https://lambda.eu-west-1.amazonaws.com");
    EXPECT_EQ(LambdaClient::create({.region = "cn-north-1"})->endpoint(), "https://lambda.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(code(LambdaClient::create({.region = "eu west"})), "Config");
  }
  lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9001");
  EXPECT_EQ(LambdaClient::create({.region = "us-east-1"})->endpoint(), "http://127.0.0.1:9001");
  lift::testing_support::ScopedEnv bad("AWS_ENDPOINT_URL_LAMBDA", "ftp://nowhere");
  EXPECT_EQ(code(LambdaClient::create({.region = "us-east-1"})), "Config");
}

TEST(CodeDeployRequest, BodyAndRefusals) {
  auto body = codedeploy_hook_status_body(
      {.deployment_id = "d-ABCDEF123", .lifecycle_event_hook_execution_id = "eyJlbmNyeXB0ZWREYXRh", .status = CodeDeployHookStatus::succeeded});
  ASSERT_TRUE(body);
  EXPECT_EQ(json::parse(*body), json::parse(R"({"deploymentId":"d-ABCDEF123","lifecycleEventHookExecutionId":"eyJlbmNyeXB0ZWREYXRh",
    "status":"Succeeded"})"));
  EXPECT_EQ(code(codedeploy_hook_status_body({.deployment_id = "", .lifecycle_event_hook_execution_id = "x"})), kCodeDeployValidation);
  EXPECT_EQ(code(codedeploy_hook_status_body({.deployment_id = "d-1", .lifecycle_event_hook_execution_id = ""})), kCodeDeployValidation);
  EXPECT_EQ(to_string(CodeDeployHookStatus::failed), "Failed");
  EXPECT_EQ(to_string(CodeDeployHookStatus::in_progress), "InProgress");
  EXPECT_EQ(to_string(CodeDeployHookStatus::skipped), "Skipped");
}

TEST(CodeDeployAnswer, ExecutionIdOrMalformed) {
  EXPECT_EQ(*parse_codedeploy_hook_status(R"({"lifecycleEventHookExecutionId":"abc"})"), "abc");
  EXPECT_EQ(*parse_codedeploy_hook_status("{}"), "");
  EXPECT_EQ(code(parse_codedeploy_hook_status("[]")), kCodeDeployMalformedResponse);
  EXPECT_EQ(code(parse_codedeploy_hook_status(R"({"lifecycleEventHookExecutionId":5})")), kCodeDeployMalformedResponse);
  EXPECT_EQ(code(parse_codedeploy_hook_status("")), kCodeDeployMalformedResponse);
}

TEST(CodeDeployErrors, Typed) {
  EXPECT_EQ(parse_codedeploy_error(400, R"({"__type":"LifecycleEventAlreadyCompletedException","message":"done"})").code,
            kCodeDeployLifecycleEventAlreadyCompleted);
  EXPECT_EQ(parse_codedeploy_error(400, R"({"__type":"DeploymentDoesNotExistException"})").code, kCodeDeployDeploymentDoesNotExist);
  EXPECT_EQ(parse_codedeploy_error(400, R"({"__type":"InvalidLifecycleEventHookExecutionIdException"})").code,
            kCodeDeployInvalidLifecycleEventHookExecutionId);
  const auto throttled = parse_codedeploy_error(400, R"({"__type":"ThrottlingException"})");
  EXPECT_EQ(throttled.code, kCodeDeployThrottling);
  EXPECT_EQ(lift::classify_error(throttled), lift::FailureKind::throttling);
  EXPECT_EQ(parse_codedeploy_error(500, "oops").code, kCodeDeployMalformedResponse);
}

TEST(CodeDeployClientConfig, EndpointFromTheEnvironmentOrTheRegion) {
  lift::testing_support::ScopedEnv all("AWS_ENDPOINT_URL", std::nullopt);
  {
    lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_CODEDEPLOY", std::nullopt);
    EXPECT_EQ(CodeDeployClient::create({.region = "ap-southeast-2"})->endpoint(), "https://codedeploy.ap-southeast-2.amazonaws.com");
  }
  lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_CODEDEPLOY", "http://127.0.0.1:9002");
  EXPECT_EQ(CodeDeployClient::create({.region = "us-east-1"})->endpoint(), "http://127.0.0.1:9002");
}

}  // namespace
