#pragma once
// examples/smoke-hook: a CodeDeploy pre-traffic hook. CodeDeploy invokes it with
// {"DeploymentId", "LifecycleEventHookExecutionId"} before shifting traffic to a new version of
// a function; it invokes that version with each smoke case, checks each answer and reports
// Succeeded or Failed to CodeDeploy (which rolls the deployment back on Failed).
//
// The parts are here, apart from main.cpp, so the tests can build the same app in-process with
// scripted Lambda and CodeDeploy calls.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/app/app.hpp"
#include "lift/aws/codedeploy.hpp"
#include "lift/aws/lambda.hpp"
#include "lift/core/result.hpp"
#include "lift/observability/logger.hpp"

namespace smoke_hook {

using Deadline = std::chrono::steady_clock::time_point;

// Error codes of the hook itself.
inline constexpr std::string_view kInvalidCases = "SmokeHook.InvalidCases";    // LIFT_SMOKE_CASES(_FILE)
inline constexpr std::string_view kInvalidConfig = "SmokeHook.InvalidConfig";  // the other settings
inline constexpr std::string_view kInvalidEvent = "SmokeHook.InvalidEvent";    // not a CodeDeploy hook event
inline constexpr std::string_view kReportFailed = "SmokeHook.ReportFailed";    // CodeDeploy did not take the status

inline constexpr std::size_t kMaxCases = 100;
inline constexpr unsigned kDefaultConcurrency = 4;
inline constexpr unsigned kMaxConcurrency = 32;

// What an answer must be. Without a status code, any 2xx passes.
struct Expectation {
  std::optional<int> status_code{};
  std::optional<std::string> body_contains{};
};

struct SmokeCase {
  std::string name{};
  std::string event{};  // the Lambda event, JSON text
  Expectation expect{};
};

// A JSON array of cases: [{"name": "...", "event": {...}, "expect": {"statusCode": 200,
// "bodyContains": "..."}}]; "expect" and its members are optional. Names are unique; unknown
// keys are refused (a misspelt "statuscode" must not pass silently). Errors: kInvalidCases
// (400), naming the case and member, never quoting an event (it may hold a token).
lift::Result<std::vector<SmokeCase>> parse_cases(std::string_view text);

struct Config {
  std::string function{};  // LIFT_SMOKE_FUNCTION: a name or ARN with the version as qualifier
  std::vector<SmokeCase> cases{};
  unsigned concurrency = kDefaultConcurrency;  // invocations at once
};

// From the environment: LIFT_SMOKE_FUNCTION; LIFT_SMOKE_CASES, else LIFT_SMOKE_CASES_FILE (a
// relative path is inside the package: LAMBDA_TASK_ROOT); LIFT_SMOKE_CONCURRENCY (1..32, default
// 4). Errors: kInvalidConfig, kInvalidCases.
lift::Result<Config> config_from_environment();

// Whether `function` names a version or alias ("f:7", "123456789012:function:f:live",
// "arn:aws:lambda:...:function:f:7"); an unqualified name would test $LATEST, not the new version.
bool has_qualifier(std::string_view function);

// One case's verdict. `reason` says why it failed, with statuses and error types only: never a
// body or an event.
struct Outcome {
  std::string name{};
  bool passed = false;
  std::optional<int> status_code{};
  std::string reason{};
};

// Reads a function's answer as API Gateway would (a proxy answer {"statusCode", "body",
// "isBase64Encoded"}, or any other JSON as a 200 with that body, as HTTP APIs do) and checks it.
Outcome check_answer(const SmokeCase& smoke_case, const lift::Result<lift::aws::LambdaInvokeResult>& answer);

// How the hook reaches AWS; the real clients in main.cpp, scripted ones in the tests.
struct Services {
  std::function<lift::Result<lift::aws::LambdaInvokeResult>(const lift::aws::LambdaInvokeRequest&, Deadline)> invoke;
  std::function<lift::Result<std::string>(const lift::aws::CodeDeployHookStatusRequest&, Deadline)> report;
};

// Invokes `function` with every case, at most `concurrency` at once, each bounded by
// `deadline`; the outcomes in the cases' order.
std::vector<Outcome> run_cases(const Config& config, const Services& services, Deadline deadline);

struct HookEvent {
  std::string deployment_id{};
  std::string lifecycle_event_hook_execution_id{};
};

// Errors: kInvalidEvent (400) when either member is missing or not a non-empty string.
lift::Result<HookEvent> parse_hook_event(const boost::json::value& event);

// The hook: every event goes to it. A bad configuration (`config` failed) reports Failed; a
// missing DeploymentId is an error answer and nothing is reported. Answers {"status",
// "deploymentId", "cases": [{"name", "passed", "statusCode"?, "reason"?}], "error"?}; fails
// with kReportFailed when CodeDeploy did not take the status.
lift::App make_app(lift::Result<Config> config, Services services, lift::observability::Logger logger);

}  // namespace smoke_hook
