// The smoke hook in-process, with scripted Lambda and CodeDeploy calls: the cases' format and
// its refusals, how answers are judged, the bounded concurrency, and what is reported to
// CodeDeploy in every situation (all pass, one fails, the target fails, bad cases, bad event).
#include "smoke_hook.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/json.hpp>

#include "support/invocation.hpp"
#include "support/json.hpp"
#include "support/result_code.hpp"

namespace {

namespace json = boost::json;
using lift::aws::CodeDeployHookStatusRequest;
using lift::aws::LambdaInvokeRequest;
using lift::aws::LambdaInvokeResult;
using lift::testing_support::code;
using namespace std::chrono_literals;

LambdaInvokeResult proxy_answer(int status, const std::string& body) {
  return LambdaInvokeResult{200, json::serialize(json::object{{"statusCode", status}, {"body", body}}), std::nullopt, "", "7"};
}

smoke_hook::SmokeCase a_case(std::string name, smoke_hook::Expectation expect = {}) {
  return smoke_hook::SmokeCase{std::move(name), R"({"rawPath":"/"})", std::move(expect)};
}

TEST(SmokeCases, ReadsCasesWithTheirExpectations) {
  auto cases = smoke_hook::parse_cases(R"([
    {"name": "health", "event": {"rawPath": "/health/live"}, "expect": {"statusCode": 200, "bodyContains": "ok"}},
    {"name": "list", "event": {"rawPath": "/todos"}}])");
  ASSERT_TRUE(cases) << cases.error().message;
  ASSERT_EQ(cases->size(), 2u);
  EXPECT_EQ((*cases)[0].name, "health");
  EXPECT_EQ(json::parse((*cases)[0].event), json::parse(R"({"rawPath": "/health/live"})"));
  EXPECT_EQ((*cases)[0].expect.status_code, 200);
  EXPECT_EQ((*cases)[0].expect.body_contains, "ok");
  EXPECT_FALSE((*cases)[1].expect.status_code);
  EXPECT_FALSE((*cases)[1].expect.body_contains);
}

TEST(SmokeCases, RefusesWhatWouldTestNothingOrSomethingElse) {
  for (const char* text : {"", "[", "{}", "[]", "[1]", R"([{"event": {}}])", R"([{"name": "", "event": {}}])",
                           R"([{"name": "a"}])", R"([{"name": "a", "event": "GET /"}])",
                           R"([{"name": "a", "event": {}}, {"name": "a", "event": {}}])",
                           R"([{"name": "a", "event": {}, "expect": {"statuscode": 200}}])",
                           R"([{"name": "a", "event": {}, "expect": {"statusCode": "200"}}])",
                           R"([{"name": "a", "event": {}, "expect": {"statusCode": 99}}])",
                           R"([{"name": "a", "event": {}, "expect": {"bodyContains": ""}}])",
                           R"([{"name": "a", "event": {}, "expect": []}])", R"([{"name": "a", "event": {}, "extra": 1}])"}) {
    auto cases = smoke_hook::parse_cases(text);
    ASSERT_FALSE(cases) << text;
    EXPECT_EQ(cases.error().code, smoke_hook::kInvalidCases) << text;
    EXPECT_EQ(cases.error().status, 400);
  }
  json::array many;
  for (int n = 0; n <= static_cast<int>(smoke_hook::kMaxCases); ++n)
    many.push_back(json::object{{"name", "c" + std::to_string(n)}, {"event", json::object{}}});
  EXPECT_EQ(code(smoke_hook::parse_cases(json::serialize(many))), smoke_hook::kInvalidCases);
  // An event's content (a token, say) is never quoted.
  auto refused = smoke_hook::parse_cases(R"([{"name": "a", "event": {"headers": {"authorization": "Bearer s3cr3t"}}, "expect": {"x": 1}}])");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("s3cr3t"), std::string::npos) << refused.error().message;
}

TEST(SmokeCases, QualifiedNames) {
  EXPECT_TRUE(smoke_hook::has_qualifier("todo-api:7"));
  EXPECT_TRUE(smoke_hook::has_qualifier("todo-api:live"));
  EXPECT_FALSE(smoke_hook::has_qualifier("todo-api"));
  EXPECT_TRUE(smoke_hook::has_qualifier("arn:aws:lambda:eu-west-1:123456789012:function:todo-api:7"));
  EXPECT_FALSE(smoke_hook::has_qualifier("arn:aws:lambda:eu-west-1:123456789012:function:todo-api"));
  EXPECT_TRUE(smoke_hook::has_qualifier("123456789012:function:todo-api:3"));
  EXPECT_FALSE(smoke_hook::has_qualifier("123456789012:function:todo-api"));
}

TEST(SmokeAnswers, JudgedAsApiGatewayReadsThem) {
  const auto ok = a_case("ok", {200, "\"status\":\"ok\""});
  EXPECT_TRUE(smoke_hook::check_answer(ok, proxy_answer(200, R"({"status":"ok"})")).passed);
  const auto wrong_status = smoke_hook::check_answer(ok, proxy_answer(503, R"({"status":"ok"})"));
  EXPECT_FALSE(wrong_status.passed);
  EXPECT_EQ(wrong_status.status_code, 503);
  EXPECT_EQ(wrong_status.reason, "status 503, expected 200");
  const auto wrong_body = smoke_hook::check_answer(ok, proxy_answer(200, R"({"status":"degraded","token":"s3cr3t"})"));
  EXPECT_FALSE(wrong_body.passed);
  EXPECT_EQ(wrong_body.reason, "the body does not contain the expected text");

  // Without a status: any 2xx. A base64 body is decoded first; any other JSON is a 200 (HTTP APIs).
  const auto any = a_case("any", {std::nullopt, "hello"});
  EXPECT_TRUE(smoke_hook::check_answer(any, proxy_answer(204, "hello")).passed);
  EXPECT_EQ(smoke_hook::check_answer(any, proxy_answer(302, "hello")).reason, "status 302, expected a 2xx");
  EXPECT_TRUE(smoke_hook::check_answer(any, LambdaInvokeResult{200, R"({"statusCode":200,"body":"aGVsbG8=","isBase64Encoded":true})"}).passed);
  EXPECT_TRUE(smoke_hook::check_answer(any, LambdaInvokeResult{200, R"({"message":"hello"})"}).passed);
  EXPECT_FALSE(smoke_hook::check_answer(any, LambdaInvokeResult{200, "hello"}).passed);  // not JSON
  EXPECT_FALSE(smoke_hook::check_answer(any, LambdaInvokeResult{200, R"({"statusCode":"200"})"}).passed);
  EXPECT_FALSE(smoke_hook::check_answer(any, LambdaInvokeResult{200, R"({"statusCode":200,"body":"%%","isBase64Encoded":true})"}).passed);

  // The function's failure and Lambda's refusal: the error type, not the message.
  const auto crashed = smoke_hook::check_answer(
      any, LambdaInvokeResult{200, R"({"errorType":"Runtime.ExitError","errorMessage":"token s3cr3t"})", "Unhandled"});
  EXPECT_FALSE(crashed.passed);
  EXPECT_EQ(crashed.reason, "the function failed (Unhandled): Runtime.ExitError");
  const auto refused = smoke_hook::check_answer(any, lift::Error{"Lambda.ResourceNotFound", "Function not found: f:7", 404});
  EXPECT_FALSE(refused.passed);
  EXPECT_EQ(refused.reason, "the invocation failed: Lambda.ResourceNotFound: Function not found: f:7");
}

TEST(SmokeRun, BoundedConcurrencyAndEveryOutcomeInOrder) {
  smoke_hook::Config config{"todo-api:7", {}, 3};
  for (int n = 0; n < 12; ++n) config.cases.push_back(a_case("case-" + std::to_string(n), {200, {}}));
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  smoke_hook::Services services;
  services.invoke = [&](const LambdaInvokeRequest& request, smoke_hook::Deadline) -> lift::Result<LambdaInvokeResult> {
    EXPECT_EQ(request.function_name, "todo-api:7");
    const int now = ++in_flight;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(20ms);
    --in_flight;
    return proxy_answer(200, "{}");
  };
  const auto outcomes = smoke_hook::run_cases(config, services, std::chrono::steady_clock::now() + 10s);
  ASSERT_EQ(outcomes.size(), 12u);
  for (int n = 0; n < 12; ++n) {
    EXPECT_EQ(outcomes[n].name, "case-" + std::to_string(n));
    EXPECT_TRUE(outcomes[n].passed);
  }
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 2);  // they did run at once

  // A call that throws fails its case, not the process.
  services.invoke = [](const LambdaInvokeRequest& request, smoke_hook::Deadline) -> lift::Result<LambdaInvokeResult> {
    if (request.payload.find("/") != std::string::npos) throw std::runtime_error("injected");
    return proxy_answer(200, "{}");
  };
  const auto thrown = smoke_hook::run_cases(config, services, std::chrono::steady_clock::now() + 10s);
  ASSERT_EQ(thrown.size(), 12u);
  EXPECT_FALSE(thrown[0].passed);
  EXPECT_EQ(thrown[0].reason, "the invocation failed: SmokeHook.InvokeFailed: the invocation threw: injected");

  // A deadline already past: no invocation, every case fails.
  int calls = 0;
  services.invoke = [&](const LambdaInvokeRequest&, smoke_hook::Deadline) -> lift::Result<LambdaInvokeResult> {
    ++calls;
    return proxy_answer(200, "{}");
  };
  config.concurrency = 1;
  const auto late = smoke_hook::run_cases(config, services, std::chrono::steady_clock::now() - 1s);
  EXPECT_EQ(calls, 0);
  for (const auto& outcome : late) EXPECT_FALSE(outcome.passed);
}

// The hook app with scripted services that record what was reported.
struct Harness {
  std::mutex mutex;
  std::vector<CodeDeployHookStatusRequest> reported;
  std::vector<std::string> logs;
  std::function<lift::Result<LambdaInvokeResult>(const LambdaInvokeRequest&)> target;
  lift::Result<std::string> report_answer = std::string("exec-1");

  lift::App app(lift::Result<smoke_hook::Config> config) {
    smoke_hook::Services services;
    services.invoke = [this](const LambdaInvokeRequest& request, smoke_hook::Deadline) { return target(request); };
    services.report = [this](const CodeDeployHookStatusRequest& request, smoke_hook::Deadline) {
      const std::lock_guard lock(mutex);
      reported.push_back(request);
      return report_answer;
    };
    lift::observability::LoggerOptions options;
    options.service = "smoke-hook";
    options.sink = [this](std::string_view line) {
      const std::lock_guard lock(mutex);
      logs.emplace_back(line);
    };
    return smoke_hook::make_app(std::move(config), std::move(services), lift::observability::Logger(std::move(options)));
  }
  std::string all_logs() {
    std::string out;
    for (const auto& line : logs) out += line;
    return out;
  }
};

constexpr const char* kHookEvent = R"({"DeploymentId":"d-ABCDEF123","LifecycleEventHookExecutionId":"exec-1"})";

smoke_hook::Config two_cases() {
  smoke_hook::Config config{"todo-api:7", {}, 2};
  config.cases.push_back(smoke_hook::SmokeCase{"health", R"({"rawPath":"/health/live","headers":{"authorization":"Bearer s3cr3t"}})", {200, {}}});
  config.cases.push_back(smoke_hook::SmokeCase{"list", R"({"rawPath":"/todos"})", {200, "items"}});
  return config;
}

TEST(SmokeHook, AllPassReportsSucceeded) {
  Harness harness;
  harness.target = [](const LambdaInvokeRequest&) -> lift::Result<LambdaInvokeResult> { return proxy_answer(200, R"({"items":[]})"); };
  auto app = harness.app(two_cases());
  auto answer = app.invoke(lift::testing_support::invocation(kHookEvent));
  ASSERT_TRUE(answer) << answer.error().message;
  const auto body = lift::testing_support::json_of(answer->body);
  EXPECT_EQ(body.at("status"), "Succeeded");
  EXPECT_EQ(body.at("deploymentId"), "d-ABCDEF123");
  EXPECT_EQ(body.at("cases").as_array().size(), 2u);
  ASSERT_EQ(harness.reported.size(), 1u);
  EXPECT_EQ(harness.reported[0].deployment_id, "d-ABCDEF123");
  EXPECT_EQ(harness.reported[0].lifecycle_event_hook_execution_id, "exec-1");
  EXPECT_EQ(harness.reported[0].status, lift::aws::CodeDeployHookStatus::succeeded);
}

TEST(SmokeHook, AFailingCaseReportsFailedAndLogsItsNameOnly) {
  Harness harness;
  harness.target = [](const LambdaInvokeRequest& request) -> lift::Result<LambdaInvokeResult> {
    if (request.payload.find("/health/live") != std::string::npos) return proxy_answer(503, R"({"status":"down","secret":"s3cr3t"})");
    return proxy_answer(200, R"({"items":[]})");
  };
  auto app = harness.app(two_cases());
  auto answer = app.invoke(lift::testing_support::invocation(kHookEvent));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(lift::testing_support::json_of(answer->body).at("status"), "Failed");
  ASSERT_EQ(harness.reported.size(), 1u);
  EXPECT_EQ(harness.reported[0].status, lift::aws::CodeDeployHookStatus::failed);
  const auto logs = harness.all_logs();
  EXPECT_NE(logs.find("smoke case failed"), std::string::npos) << logs;
  EXPECT_NE(logs.find("\"health\""), std::string::npos) << logs;
  EXPECT_NE(logs.find("status 503, expected 200"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("s3cr3t"), std::string::npos) << logs;
  EXPECT_EQ(answer->body.find("s3cr3t"), std::string::npos);
}

TEST(SmokeHook, TargetErrorsReportFailed) {
  Harness harness;
  harness.target = [](const LambdaInvokeRequest&) -> lift::Result<LambdaInvokeResult> {
    return lift::Error{"Lambda.ResourceNotFound", "Function not found", 404};
  };
  auto app = harness.app(two_cases());
  auto answer = app.invoke(lift::testing_support::invocation(kHookEvent));
  ASSERT_TRUE(answer);
  ASSERT_EQ(harness.reported.size(), 1u);
  EXPECT_EQ(harness.reported[0].status, lift::aws::CodeDeployHookStatus::failed);
}

TEST(SmokeHook, BadConfigurationReportsFailed) {
  Harness harness;
  harness.target = [](const LambdaInvokeRequest&) -> lift::Result<LambdaInvokeResult> {
    ADD_FAILURE() << "nothing is invoked without cases";
    return proxy_answer(200, "{}");
  };
  auto app = harness.app(smoke_hook::parse_cases("[{\"name\": 1}]").transform([](std::vector<smoke_hook::SmokeCase> cases) {
    return smoke_hook::Config{"f:1", std::move(cases), 1};
  }));
  auto answer = app.invoke(lift::testing_support::invocation(kHookEvent));
  ASSERT_TRUE(answer) << answer.error().message;
  const auto body = lift::testing_support::json_of(answer->body);
  EXPECT_EQ(body.at("status"), "Failed");
  EXPECT_EQ(body.at("error").at("code"), smoke_hook::kInvalidCases.data());
  ASSERT_EQ(harness.reported.size(), 1u);
  EXPECT_EQ(harness.reported[0].status, lift::aws::CodeDeployHookStatus::failed);
}

TEST(SmokeHook, NotAHookEventIsAnErrorAndNothingIsReported) {
  Harness harness;
  harness.target = [](const LambdaInvokeRequest&) -> lift::Result<LambdaInvokeResult> { return proxy_answer(200, "{}"); };
  auto app = harness.app(two_cases());
  for (const char* event : {R"({"LifecycleEventHookExecutionId":"exec-1"})", R"({"DeploymentId":"d-1"})",
                            R"({"DeploymentId":5,"LifecycleEventHookExecutionId":"exec-1"})", "{}"}) {
    auto answer = app.invoke(lift::testing_support::invocation(event));
    ASSERT_FALSE(answer) << event;
    EXPECT_EQ(answer.error().code, smoke_hook::kInvalidEvent) << event;
  }
  EXPECT_TRUE(harness.reported.empty());
}

TEST(SmokeHook, AStatusCodeDeployRefusedFailsTheInvocation) {
  Harness harness;
  harness.target = [](const LambdaInvokeRequest&) -> lift::Result<LambdaInvokeResult> { return proxy_answer(200, R"({"items":[]})"); };
  harness.report_answer = lift::Error{"CodeDeploy.LifecycleEventAlreadyCompleted", "already completed", 400};
  auto app = harness.app(two_cases());
  auto answer = app.invoke(lift::testing_support::invocation(kHookEvent));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, smoke_hook::kReportFailed);
  EXPECT_NE(answer.error().message.find("CodeDeploy.LifecycleEventAlreadyCompleted"), std::string::npos);
}

}  // namespace
