// Log lines of a real invocation through `lift invoke`: JSON with Powertools' keys, the Lambda
// context filled in by the runtime and the emulator, and levels from the environment (including
// Lambda's advanced logging controls).

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/subprocess.hpp"

namespace {

using lift::testing_support::run_command;

std::string hello_event() {
  auto generated = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--path", "/hello", "--query", "name=ada"});
  EXPECT_EQ(generated.exit_code, 0) << generated.err;
  return generated.out;
}

// The JSON lines among the function's stderr (the emulator adds its own REPORT lines).
std::vector<boost::json::object> json_lines(const std::string& text) {
  std::vector<boost::json::object> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{') continue;
    boost::json::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (!ec && v.is_object() && v.as_object().contains("level")) out.push_back(v.as_object());
  }
  return out;
}

const boost::json::object* line_with(const std::vector<boost::json::object>& lines, std::string_view message) {
  for (const auto& l : lines) {
    const auto* m = l.if_contains("message");
    if (m != nullptr && m->is_string() && std::string_view(m->get_string()) == message) return &l;
  }
  return nullptr;
}

TEST(LiftInvokeLogs, LinesCarryPowertoolsKeysAndTheLambdaContext) {
  auto result = run_command({LIFT_CLI, "invoke", LIFT_LOGGING_FUNCTION, "--env", "POWERTOOLS_SERVICE_NAME=greeter", "--memory",
                             "256"},
                            hello_event());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto lines = json_lines(result.err);
  const auto* hello = line_with(lines, "said hello");
  ASSERT_NE(hello, nullptr) << result.err;
  EXPECT_EQ(hello->at("level"), "INFO");
  EXPECT_EQ(hello->at("name"), "ada");
  EXPECT_EQ(hello->at("service"), "greeter");
  EXPECT_EQ(hello->at("cold_start"), true);
  EXPECT_EQ(hello->at("function_memory_size"), 256);
  EXPECT_FALSE(hello->at("function_name").as_string().empty());
  EXPECT_NE(hello->at("function_arn").as_string().find("arn:aws:lambda:"), std::string::npos);
  EXPECT_EQ(hello->at("function_request_id").as_string().size(), 36u);
  EXPECT_EQ(hello->at("xray_trace_id").as_string().rfind("1-", 0), 0u);
  // RFC 3339 in UTC with milliseconds.
  const auto timestamp = std::string(hello->at("timestamp").as_string());
  EXPECT_EQ(timestamp.size(), 24u) << timestamp;
  EXPECT_EQ(timestamp.back(), 'Z');
  EXPECT_EQ(line_with(lines, "details"), nullptr);  // DEBUG is below the default level
  // The cold start line of the first invocation.
  const auto* cold = line_with(lines, "cold start");
  ASSERT_NE(cold, nullptr) << result.err;
  EXPECT_TRUE(cold->at("init_total_ms").is_number());
}

TEST(LiftInvokeLogs, LevelsComeFromTheEnvironmentAndLambdasControlsWin) {
  auto debug = run_command({LIFT_CLI, "invoke", LIFT_LOGGING_FUNCTION, "--env", "LIFT_LOG_LEVEL=DEBUG"}, hello_event());
  ASSERT_EQ(debug.exit_code, 0) << debug.err;
  EXPECT_NE(line_with(json_lines(debug.err), "details"), nullptr) << debug.err;

  // AWS_LAMBDA_LOG_LEVEL is a floor: Lambda would drop the lines anyway.
  auto floor = run_command({LIFT_CLI, "invoke", LIFT_LOGGING_FUNCTION, "--env", "LIFT_LOG_LEVEL=DEBUG", "--env",
                            "AWS_LAMBDA_LOG_LEVEL=WARN"},
                           hello_event());
  ASSERT_EQ(floor.exit_code, 0) << floor.err;
  const auto lines = json_lines(floor.err);
  EXPECT_EQ(line_with(lines, "details"), nullptr);
  EXPECT_EQ(line_with(lines, "said hello"), nullptr);

  auto text = run_command({LIFT_CLI, "invoke", LIFT_LOGGING_FUNCTION, "--env", "AWS_LAMBDA_LOG_FORMAT=Text"}, hello_event());
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.err.find("\tINFO\tsaid hello"), std::string::npos) << text.err;
}

}  // namespace
