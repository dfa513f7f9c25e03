// The built smoke hook under the Runtime API emulator, as CodeDeploy runs it: its Lambda calls
// go to a local Lambda that really invokes the built todo-api (under a second emulator), its
// CodeDeploy call to a local CodeDeploy that records the status. All cases pass -> Succeeded; a
// failing case, a target that cannot run, bad cases -> Failed; a missing DeploymentId -> an
// error answer and nothing reported.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "integration/aws/fake_service.hpp"
#include "lift/local/runtime_emulator.hpp"

namespace {

namespace json = boost::json;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

constexpr const char* kSecret = "hook-test-secret";
constexpr const char* kHookEvent = R"({"DeploymentId":"d-ABCDEF123","LifecycleEventHookExecutionId":"exec-42"})";

json::object http_event(const std::string& method, const std::string& path, const std::string& body = "") {
  json::object event{{"version", "2.0"},
                     {"routeKey", "$default"},
                     {"rawPath", path},
                     {"rawQueryString", ""},
                     {"headers", json::object{{"content-type", "application/json"}, {"authorization", "Bearer s3cr3t-token"}}},
                     {"requestContext", json::object{{"http", json::object{{"method", method}, {"path", path}, {"sourceIp", "203.0.113.9"}}},
                                                     {"requestId", "smoke"},
                                                     {"stage", "$default"},
                                                     {"domainName", "x.execute-api.us-east-1.amazonaws.com"}}},
                     {"isBase64Encoded", false}};
  if (!body.empty()) event["body"] = body;
  return event;
}

json::object smoke_case(const std::string& name, json::object event, int status, const std::string& contains = "") {
  json::object expect{{"statusCode", status}};
  if (!contains.empty()) expect["bodyContains"] = contains;
  return json::object{{"name", name}, {"event", std::move(event)}, {"expect", std::move(expect)}};
}

std::string percent_decoded(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

class SmokeHookDeployment : public ::testing::Test {
 protected:
  void SetUp() override {
    lift::local::FunctionConfig todo;
    todo.command = {TODO_API_FUNCTION};
    todo.function_name = "todo-api";
    todo.function_version = "7";
    todo.concurrency = 4;
    todo.timeout = std::chrono::seconds(10);
    todo.environment = {{"LIFT_DYNAMODB_ENDPOINT", "memory:"}, {"POWERTOOLS_METRICS_NAMESPACE", "smoke-tests"}};
    todo_ = std::make_unique<lift::local::RuntimeEmulator>(std::move(todo));
    ASSERT_TRUE(todo_->start());
  }

  // The local Lambda: "todo-api:7" runs the built todo-api; "crashing:1" answers as Lambda does
  // for a function that crashed; anything else does not exist.
  FakeAnswer lambda(const SeenRequest& request) {
    const std::string prefix = "/2015-03-31/functions/";
    const auto end = request.target.find("/invocations");
    if (request.method != "POST" || !request.target.starts_with(prefix) || end == std::string::npos)
      return FakeAnswer{400, R"({"message":"not an Invoke"})", "application/json", "InvalidRequestContentException"};
    const std::string name = percent_decoded(request.target.substr(prefix.size(), end - prefix.size()));
    {
      const std::lock_guard lock(mutex_);
      invoked_.push_back(name);
    }
    if (name == "crashing:1")
      return FakeAnswer{200, R"({"errorType":"Runtime.ExitError","errorMessage":"exit status 1"})", "application/json", "",
                        std::chrono::milliseconds(0), {{"X-Amz-Function-Error", "Unhandled"}, {"X-Amz-Executed-Version", "1"}}};
    if (name != "todo-api:7")
      return FakeAnswer{404, R"({"Type":"User","message":"Function not found: )" + name + "\"}", "application/json",
                        "ResourceNotFoundException"};
    auto result = todo_->invoke({.payload = request.body});
    if (!result) return FakeAnswer{500, R"({"message":"the emulator failed"})", "application/json", "ServiceException"};
    std::vector<std::pair<std::string, std::string>> headers{{"X-Amz-Executed-Version", "7"}};
    if (!result->ok()) headers.emplace_back("X-Amz-Function-Error", "Unhandled");
    return FakeAnswer{200, result->payload, "application/json", "", std::chrono::milliseconds(0), std::move(headers)};
  }

  // Runs the built hook once with `environment` and the hook event; what it answered.
  lift::local::InvokeResult run_hook(std::vector<std::pair<std::string, std::string>> environment, const std::string& event = kHookEvent) {
    lift::local::FunctionConfig hook;
    hook.command = {SMOKE_HOOK_FUNCTION};
    hook.function_name = "smoke-hook";
    hook.timeout = std::chrono::seconds(20);
    hook.capture_logs = true;
    hook.inherit_environment = false;  // no proxy or AWS settings of the machine
    hook.environment = {{"AWS_ENDPOINT_URL_LAMBDA", lambda_.endpoint()},
                        {"AWS_ENDPOINT_URL_CODEDEPLOY", codedeploy_.endpoint()},
                        {"AWS_REGION", "us-east-1"},
                        {"AWS_ACCESS_KEY_ID", "AKIDHOOK"},
                        {"AWS_SECRET_ACCESS_KEY", kSecret},
                        {"AWS_EC2_METADATA_DISABLED", "true"}};
    for (auto& variable : environment) hook.environment.push_back(std::move(variable));
    lift::local::RuntimeEmulator emulator(std::move(hook));
    EXPECT_TRUE(emulator.start());
    auto result = emulator.invoke({.payload = event});
    emulator.stop();
    EXPECT_TRUE(result) << result.error().message;
    return result ? std::move(*result) : lift::local::InvokeResult{};
  }

  // The one status CodeDeploy was told, checked for its target and signature.
  std::string reported_status() {
    const auto seen = codedeploy_.seen();
    EXPECT_EQ(seen.size(), 1u);
    if (seen.size() != 1) return "<" + std::to_string(seen.size()) + " reports>";
    EXPECT_EQ(seen[0].header("X-Amz-Target"), "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus");
    EXPECT_EQ(lift::testing_support::check_signature(seen[0], kSecret), "");
    const auto body = json::parse(seen[0].body);
    EXPECT_EQ(body.at("deploymentId"), "d-ABCDEF123");
    EXPECT_EQ(body.at("lifecycleEventHookExecutionId"), "exec-42");
    return std::string(body.at("status").as_string());
  }

  std::unique_ptr<lift::local::RuntimeEmulator> todo_;
  std::mutex mutex_;
  std::vector<std::string> invoked_;
  FakeService lambda_{[this](const SeenRequest& request, int) { return lambda(request); }};
  FakeService codedeploy_{[](const SeenRequest& request, int) {
    const auto body = json::parse(request.body);
    return FakeAnswer{200, json::serialize(json::object{{"lifecycleEventHookExecutionId", body.at("lifecycleEventHookExecutionId")}})};
  }};
};

std::string cases_of(std::initializer_list<json::object> cases) {
  json::array out;
  for (const auto& c : cases) out.push_back(c);
  return json::serialize(out);
}

TEST_F(SmokeHookDeployment, AllCasesPassAgainstTheRealTodoApiAndSucceededIsReported) {
  const auto result = run_hook({{"LIFT_SMOKE_FUNCTION", "todo-api:7"},
                                {"LIFT_SMOKE_CASES", cases_of({smoke_case("live", http_event("GET", "/health/live"), 200),
                                                               smoke_case("create", http_event("POST", "/todos", R"({"title":"smoke"})"), 201, "\"smoke\""),
                                                               smoke_case("list", http_event("GET", "/todos"), 200, "\"items\""),
                                                               smoke_case("missing", http_event("GET", "/todos/no-such-id"), 404)})}});
  ASSERT_TRUE(result.ok()) << result.payload << result.logs;
  const auto answer = json::parse(result.payload);
  EXPECT_EQ(answer.at("status"), "Succeeded") << result.payload << result.logs;
  EXPECT_EQ(answer.at("cases").as_array().size(), 4u);
  EXPECT_EQ(reported_status(), "Succeeded");
  EXPECT_EQ(invoked_.size(), 4u);
  EXPECT_EQ(result.logs.find("s3cr3t-token"), std::string::npos) << result.logs;
}

TEST_F(SmokeHookDeployment, AFailingCaseReportsFailed) {
  const auto result = run_hook({{"LIFT_SMOKE_FUNCTION", "todo-api:7"},
                                {"LIFT_SMOKE_CASES", cases_of({smoke_case("live", http_event("GET", "/health/live"), 200),
                                                               smoke_case("a todo that is not there", http_event("GET", "/todos/nope"), 200)})}});
  ASSERT_TRUE(result.ok()) << result.payload << result.logs;
  EXPECT_EQ(json::parse(result.payload).at("status"), "Failed");
  EXPECT_EQ(reported_status(), "Failed");
  // The failure is logged by name and status, never with the event or the answer's body.
  EXPECT_NE(result.logs.find("a todo that is not there"), std::string::npos) << result.logs;
  EXPECT_NE(result.logs.find("status 404, expected 200"), std::string::npos) << result.logs;
  EXPECT_EQ(result.logs.find("s3cr3t-token"), std::string::npos) << result.logs;
}

TEST_F(SmokeHookDeployment, ATargetThatCannotRunReportsFailed) {
  for (const char* function : {"crashing:1", "todo-api:8"}) {
    codedeploy_.clear();
    const auto result = run_hook({{"LIFT_SMOKE_FUNCTION", function},
                                  {"LIFT_SMOKE_CASES", cases_of({smoke_case("live", http_event("GET", "/health/live"), 200)})}});
    ASSERT_TRUE(result.ok()) << result.payload << result.logs;
    EXPECT_EQ(json::parse(result.payload).at("status"), "Failed") << function;
    EXPECT_EQ(reported_status(), "Failed") << function;
  }
}

TEST_F(SmokeHookDeployment, BadCasesReportFailed) {
  const auto result = run_hook({{"LIFT_SMOKE_FUNCTION", "todo-api:7"}, {"LIFT_SMOKE_CASES", R"([{"name": "live", "event": )"}});
  ASSERT_TRUE(result.ok()) << result.payload << result.logs;
  const auto answer = json::parse(result.payload);
  EXPECT_EQ(answer.at("status"), "Failed");
  EXPECT_EQ(answer.at("error").at("code"), "SmokeHook.InvalidCases");
  EXPECT_EQ(reported_status(), "Failed");
  EXPECT_TRUE(invoked_.empty());
}

TEST_F(SmokeHookDeployment, CasesFromAFileInThePackage) {
  const auto dir = std::filesystem::temp_directory_path() / ("smoke-hook-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream file(dir / "smoke.json");
    file << cases_of({smoke_case("live", http_event("GET", "/health/live"), 200)});
  }
  const auto result = run_hook({{"LIFT_SMOKE_FUNCTION", "todo-api:7"}, {"LIFT_SMOKE_CASES_FILE", "smoke.json"}, {"LAMBDA_TASK_ROOT", dir.string()}});
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(result.ok()) << result.payload << result.logs;
  EXPECT_EQ(json::parse(result.payload).at("status"), "Succeeded") << result.payload << result.logs;
  EXPECT_EQ(reported_status(), "Succeeded");
}

TEST_F(SmokeHookDeployment, NoDeploymentIdIsAnErrorAndNothingIsReported) {
  const auto result = run_hook({{"LIFT_SMOKE_FUNCTION", "todo-api:7"},
                                {"LIFT_SMOKE_CASES", cases_of({smoke_case("live", http_event("GET", "/health/live"), 200)})}},
                               R"({"LifecycleEventHookExecutionId":"exec-42"})");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error_type.value_or(""), "SmokeHook.InvalidEvent") << result.payload;
  EXPECT_EQ(codedeploy_.requests(), 0);
  EXPECT_TRUE(invoked_.empty());
}

}  // namespace
