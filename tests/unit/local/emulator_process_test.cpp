// The Runtime API emulator running a real function process (a small hand-written function
// that misbehaves on request): environment, start and restart, timeouts, crashes, init
// errors, captured logs, shutdown with and without extensions.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lift/local/runtime_emulator.hpp"
#include "support/json.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"

namespace {

using lift::local::FunctionConfig;
using lift::local::InvokeRequest;
using lift::local::InvokeResult;
using lift::local::RuntimeEmulator;
using lift::testing_support::json_of;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

FunctionConfig fake(const std::string& start = {}) {
  FunctionConfig config;
  config.command = {LIFT_FAKE_FUNCTION};
  if (!start.empty()) config.command.push_back(start);
  config.function_name = "fake";
  config.timeout = 5s;
  config.init_timeout = 5s;
  return config;
}

InvokeResult invoke(RuntimeEmulator& emulator, std::string payload) {
  InvokeRequest request;
  request.payload = std::move(payload);
  auto result = emulator.invoke(std::move(request));
  if (!result) {
    ADD_FAILURE() << "emulator error: " << result.error().code << ": " << result.error().message;
    return {};
  }
  return std::move(*result);
}

// Gone and reaped: not even a zombie is left.
bool reaped(int pid) { return pid > 0 && ::kill(pid, 0) == -1 && errno == ESRCH; }

// The lines of a file, sorted: the SHUTDOWN event and SIGTERM race inside the function.
std::vector<std::string> sorted_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

using lift::testing_support::read_file;

using lift::testing_support::TempDir;

TEST(EmulatorProcess, StartsOnceAndReportsTheInitDurationOnce) {
  RuntimeEmulator emulator(fake());
  ASSERT_TRUE(emulator.start());
  EXPECT_TRUE(emulator.function_running());
  EXPECT_GT(emulator.function_pid(), 0);
  EXPECT_EQ(emulator.starts(), 1);
  auto first = invoke(emulator, R"({"action":"echo","n":1})");
  ASSERT_TRUE(first.ok()) << first.payload;
  EXPECT_EQ(json_of(first.payload), json_of(R"({"action":"echo","n":1})"));
  ASSERT_TRUE(first.init_duration.has_value());
  EXPECT_GT(first.init_duration->count(), 0);
  EXPECT_LT(*first.init_duration, std::chrono::microseconds(5s));
  EXPECT_GT(first.duration.count(), 0);
  auto second = invoke(emulator, R"({"action":"echo","n":2})");
  EXPECT_TRUE(second.ok());
  EXPECT_FALSE(second.init_duration.has_value());
  EXPECT_NE(first.request_id, second.request_id);
  EXPECT_EQ(emulator.starts(), 1);
}

TEST(EmulatorProcess, StartsLazilyOnTheFirstInvocation) {
  RuntimeEmulator emulator(fake());
  EXPECT_FALSE(emulator.function_running());
  EXPECT_EQ(emulator.function_pid(), -1);
  auto result = invoke(emulator, R"({"action":"echo"})");
  EXPECT_TRUE(result.ok()) << result.payload;
  EXPECT_TRUE(result.init_duration.has_value());
  EXPECT_EQ(emulator.starts(), 1);
}

TEST(EmulatorProcess, TheFunctionSeesTheLambdaEnvironment) {
  ::setenv("LIFT_EMULATOR_PARENT_VARIABLE", "inherited", 1);
  ::setenv("_X_AMZN_TRACE_ID", "Root=1-outer", 1);  // an outer invocation's: must not leak
  auto config = fake();
  config.memory_mb = 512;
  config.region = "eu-west-3";
  config.function_version = "7";
  config.environment = {{"CUSTOM_SETTING", "on"}, {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"}};
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(emulator.start());
  auto result = invoke(emulator, R"({"action":"env","names":["AWS_LAMBDA_RUNTIME_API","AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION","AWS_LAMBDA_FUNCTION_MEMORY_SIZE","AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME","AWS_LAMBDA_INITIALIZATION_TYPE","AWS_REGION","AWS_DEFAULT_REGION",
    "AWS_EXECUTION_ENV","LAMBDA_TASK_ROOT","LAMBDA_RUNTIME_DIR","_HANDLER","TZ","AWS_LAMBDA_MAX_CONCURRENCY",
    "CUSTOM_SETTING","LIFT_EMULATOR_PARENT_VARIABLE","_X_AMZN_TRACE_ID","PATH"]})");
  ::unsetenv("LIFT_EMULATOR_PARENT_VARIABLE");
  ::unsetenv("_X_AMZN_TRACE_ID");
  ASSERT_TRUE(result.ok()) << result.payload;
  auto env = json_of(result.payload).as_object();
  EXPECT_EQ(env.at("AWS_LAMBDA_RUNTIME_API").as_string(), emulator.endpoint());
  EXPECT_EQ(env.at("AWS_LAMBDA_FUNCTION_NAME").as_string(), "fake");
  EXPECT_EQ(env.at("AWS_LAMBDA_FUNCTION_VERSION").as_string(), "7");
  EXPECT_EQ(env.at("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").as_string(), "1024");  // `environment` wins
  EXPECT_EQ(env.at("AWS_LAMBDA_LOG_GROUP_NAME").as_string(), "/aws/lambda/fake");
  EXPECT_TRUE(std::regex_match(std::string(env.at("AWS_LAMBDA_LOG_STREAM_NAME").as_string()),
                               std::regex(R"(\d{4}/\d\d/\d\d/\[7\][0-9a-f]{32})")))
      << env.at("AWS_LAMBDA_LOG_STREAM_NAME");
  EXPECT_EQ(env.at("AWS_LAMBDA_INITIALIZATION_TYPE").as_string(), "on-demand");
  EXPECT_EQ(env.at("AWS_REGION").as_string(), "eu-west-3");
  EXPECT_EQ(env.at("AWS_DEFAULT_REGION").as_string(), "eu-west-3");
  EXPECT_TRUE(std::string(env.at("AWS_EXECUTION_ENV").as_string()).starts_with("AWS_Lambda_"));
  EXPECT_EQ(fs::path(std::string(env.at("LAMBDA_TASK_ROOT").as_string())), fs::absolute(LIFT_FAKE_FUNCTION).parent_path());
  EXPECT_FALSE(env.at("LAMBDA_RUNTIME_DIR").as_string().empty());
  EXPECT_EQ(env.at("_HANDLER").as_string(), "handler");
  EXPECT_EQ(env.at("TZ").as_string(), ":UTC");
  EXPECT_TRUE(env.at("AWS_LAMBDA_MAX_CONCURRENCY").is_null());
  EXPECT_EQ(env.at("CUSTOM_SETTING").as_string(), "on");
  EXPECT_EQ(env.at("LIFT_EMULATOR_PARENT_VARIABLE").as_string(), "inherited");
  EXPECT_TRUE(env.at("_X_AMZN_TRACE_ID").is_null());
  EXPECT_FALSE(env.at("PATH").as_string().empty());
}

TEST(EmulatorProcess, WithoutInheritanceOnlyTheBasicsPass) {
  ::setenv("LIFT_EMULATOR_PARENT_VARIABLE", "inherited", 1);
  auto config = fake();
  config.inherit_environment = false;
  config.concurrency = 3;
  config.environment = {{"_HANDLER", "index.handler"}};
  RuntimeEmulator emulator(config);
  auto result = invoke(emulator, R"({"action":"env","names":["LIFT_EMULATOR_PARENT_VARIABLE","PATH","AWS_LAMBDA_MAX_CONCURRENCY","_HANDLER","AWS_REGION"]})");
  ::unsetenv("LIFT_EMULATOR_PARENT_VARIABLE");
  ASSERT_TRUE(result.ok()) << result.payload;
  auto env = json_of(result.payload).as_object();
  EXPECT_TRUE(env.at("LIFT_EMULATOR_PARENT_VARIABLE").is_null());
  EXPECT_EQ(env.at("PATH").is_string(), std::getenv("PATH") != nullptr);
  EXPECT_EQ(env.at("AWS_LAMBDA_MAX_CONCURRENCY").as_string(), "3");
  EXPECT_EQ(env.at("_HANDLER").as_string(), "index.handler");
  EXPECT_EQ(env.at("AWS_REGION").as_string(), "us-east-1");
}

TEST(EmulatorProcess, TheFunctionInheritsNoSocketsAndNoStdin) {
  RuntimeEmulator emulator(fake());
  auto result = invoke(emulator, R"({"action":"fds"})");
  ASSERT_TRUE(result.ok()) << result.payload;
  auto info = json_of(result.payload);
  EXPECT_EQ(info.at("sockets").as_int64(), 1) << "only its own Runtime API connection";
  EXPECT_EQ(info.at("stdin").as_string(), "/dev/null");
}

TEST(EmulatorProcess, HandlerErrorsAreTyped) {
  RuntimeEmulator emulator(fake());
  auto result = invoke(emulator, R"({"action":"error"})");
  EXPECT_EQ(result.error_type, "Fake.Failure");
  EXPECT_EQ(json_of(result.payload).at("errorMessage").as_string(), "asked to fail");
  EXPECT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  EXPECT_EQ(emulator.starts(), 1);
}

TEST(EmulatorProcess, ATimeoutKillsReapsAndTheNextInvocationStartsAfresh) {
  auto config = fake();
  config.timeout = 300ms;
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(emulator.start());
  const int first_pid = emulator.function_pid();
  const auto began = std::chrono::steady_clock::now();
  auto slow = invoke(emulator, R"({"action":"sleep","ms":10000})");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
  EXPECT_EQ(slow.error_type, "Sandbox.Timedout");
  EXPECT_NE(slow.payload.find(slow.request_id + " Task timed out after 0.30 seconds"), std::string::npos) << slow.payload;
  EXPECT_TRUE(reaped(first_pid));
  EXPECT_FALSE(emulator.function_running());

  auto next = invoke(emulator, R"({"action":"echo"})");
  EXPECT_TRUE(next.ok()) << next.payload;
  EXPECT_TRUE(next.init_duration.has_value());
  EXPECT_EQ(emulator.starts(), 2);
  EXPECT_NE(emulator.function_pid(), first_pid);
}

TEST(EmulatorProcess, AnExitDuringAnInvocationIsAnExitError) {
  RuntimeEmulator emulator(fake());
  ASSERT_TRUE(emulator.start());
  const int first_pid = emulator.function_pid();
  auto result = invoke(emulator, R"({"action":"exit","code":3})");
  EXPECT_EQ(result.error_type, "Runtime.ExitError");
  EXPECT_NE(result.payload.find("exit status 3"), std::string::npos) << result.payload;
  EXPECT_NE(result.payload.find(result.request_id), std::string::npos) << result.payload;
  EXPECT_TRUE(reaped(first_pid));
  EXPECT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  EXPECT_EQ(emulator.starts(), 2);

  auto aborted = invoke(emulator, R"({"action":"abort"})");
  EXPECT_EQ(aborted.error_type, "Runtime.ExitError");
  EXPECT_NE(aborted.payload.find("signal: aborted"), std::string::npos) << aborted.payload;
}

TEST(EmulatorProcess, AnExitBetweenInvocationsIsNoticedAndRecovered) {
  RuntimeEmulator emulator(fake());
  ASSERT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  const int pid = emulator.function_pid();
  ASSERT_GT(pid, 0);
  ::kill(pid, SIGKILL);
  const auto give_up = std::chrono::steady_clock::now() + 3s;
  while (emulator.function_running() && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(emulator.function_running());
  EXPECT_TRUE(reaped(pid));
  EXPECT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  EXPECT_EQ(emulator.starts(), 2);
}

TEST(EmulatorProcess, AnExitBeforeTheFirstNextFailsWithItsOutput) {
  auto config = fake("exit-at-start");
  config.capture_logs = true;
  RuntimeEmulator emulator(config);
  auto result = invoke(emulator, "{}");
  EXPECT_EQ(result.error_type, "Runtime.ExitError");
  EXPECT_NE(result.payload.find("exit status 3"), std::string::npos) << result.payload;
  EXPECT_NE(result.logs.find("fake: exiting at start"), std::string::npos) << result.logs;
  EXPECT_FALSE(emulator.function_running());
}

TEST(EmulatorProcess, AnInitErrorIsTheAnswerAndTheNextInvocationStartsAgain) {
  auto config = fake("init-error");
  config.capture_logs = true;
  RuntimeEmulator emulator(config);
  auto result = invoke(emulator, "{}");  // started lazily: the init error answers this one
  EXPECT_EQ(result.error_type, "Fake.InitFailed");
  EXPECT_EQ(json_of(result.payload).at("errorMessage").as_string(), "fake init failed");
  EXPECT_TRUE(result.init_duration.has_value());
  EXPECT_NE(result.logs.find("fake: failing init"), std::string::npos) << result.logs;

  auto again = invoke(emulator, "{}");
  EXPECT_EQ(again.error_type, "Fake.InitFailed");
  EXPECT_EQ(emulator.starts(), 2);

  // Started eagerly: the init error waits for the next invocation.
  RuntimeEmulator eager(config);
  ASSERT_TRUE(eager.start());
  std::this_thread::sleep_for(200ms);
  auto early = invoke(eager, "{}");
  EXPECT_EQ(early.error_type, "Fake.InitFailed");
  EXPECT_EQ(eager.starts(), 1);
}

TEST(EmulatorProcess, AFunctionThatNeverAsksForWorkIsAnInitTimeout) {
  auto config = fake("init-hang");
  config.init_timeout = 300ms;
  RuntimeEmulator emulator(config);
  const auto began = std::chrono::steady_clock::now();
  auto result = invoke(emulator, "{}");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 3s);
  EXPECT_EQ(result.error_type, "Runtime.InitTimeout");
  EXPECT_FALSE(emulator.function_running());
}

TEST(EmulatorProcess, ACommandThatCannotStartIsAnInvocationError) {
  FunctionConfig config;
  config.command = {"/nonexistent/bootstrap"};
  RuntimeEmulator emulator(config);
  auto result = invoke(emulator, "{}");
  EXPECT_EQ(result.error_type, "Runtime.InvalidEntrypoint");
  EXPECT_NE(result.payload.find("/nonexistent/bootstrap"), std::string::npos);
  EXPECT_FALSE(result.request_id.empty());
  RuntimeEmulator eager(config);
  auto started = eager.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, "Runtime.InvalidEntrypoint");

  TempDir dir("lift-emulator-test");
  const auto not_executable = dir / "bootstrap";
  std::ofstream(not_executable) << "#!/bin/sh\nexit 0\n";
  ::chmod(not_executable.c_str(), 0644);
  config.command = {not_executable.string()};
  RuntimeEmulator plain(config);
  EXPECT_EQ(invoke(plain, "{}").error_type, "Runtime.InvalidEntrypoint");
}

TEST(EmulatorProcess, CapturedLogsGoToTheirInvocation) {
  auto config = fake("init-log");
  config.capture_logs = true;
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(emulator.start());
  auto first = invoke(emulator, R"({"action":"log","lines":["line one"]})");
  ASSERT_TRUE(first.ok()) << first.payload;
  EXPECT_NE(first.logs.find("fake: initialising"), std::string::npos) << first.logs;
  EXPECT_NE(first.logs.find("line one\n"), std::string::npos) << first.logs;
  EXPECT_NE(first.logs.find("err: line one\n"), std::string::npos) << first.logs;

  auto second = invoke(emulator, R"({"action":"log","lines":["line two","line three"]})");
  EXPECT_NE(second.logs.find("line two\n"), std::string::npos) << second.logs;
  EXPECT_NE(second.logs.find("err: line three\n"), std::string::npos) << second.logs;
  EXPECT_EQ(second.logs.find("line one"), std::string::npos) << second.logs;
  EXPECT_EQ(second.logs.find("initialising"), std::string::npos) << second.logs;

  auto quiet = invoke(emulator, R"({"action":"echo"})");
  EXPECT_TRUE(quiet.logs.empty()) << quiet.logs;
}

TEST(EmulatorProcess, ConcurrentCallersQueueForASingleWorker) {
  RuntimeEmulator emulator(fake());
  ASSERT_TRUE(emulator.start());
  const auto began = std::chrono::steady_clock::now();
  std::vector<std::future<InvokeResult>> callers;
  for (int i = 0; i < 3; ++i) {
    callers.push_back(std::async(std::launch::async, [&] { return invoke(emulator, R"({"action":"sleep","ms":150})"); }));
  }
  for (auto& c : callers) {
    ASSERT_EQ(c.wait_for(10s), std::future_status::ready);
    EXPECT_TRUE(c.get().ok());
  }
  EXPECT_GE(std::chrono::steady_clock::now() - began, 450ms);  // one at a time
  EXPECT_EQ(emulator.starts(), 1);
}

TEST(EmulatorProcess, RestartFunctionStartsTheCommandAgain) {
  RuntimeEmulator emulator(fake());
  ASSERT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  const int pid = emulator.function_pid();
  emulator.restart_function();
  EXPECT_FALSE(emulator.function_running());
  EXPECT_TRUE(reaped(pid));
  auto result = invoke(emulator, R"({"action":"echo"})");
  EXPECT_TRUE(result.ok());
  EXPECT_TRUE(result.init_duration.has_value());
  EXPECT_EQ(emulator.starts(), 2);
}

TEST(EmulatorProcess, StopWithAnExtensionSendsShutdownThenSigterm) {
  TempDir dir("lift-emulator-test");
  const auto marker = dir / "marker";
  auto config = fake("extension");
  config.environment = {{"FAKE_MARKER", marker.string()}};
  config.shutdown_grace = 3s;
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  const int pid = emulator.function_pid();
  const auto began = std::chrono::steady_clock::now();
  emulator.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);  // it exits on SIGTERM, well before the grace ends
  EXPECT_TRUE(reaped(pid));
  EXPECT_EQ(sorted_lines(marker), (std::vector<std::string>{"SHUTDOWN", "SIGTERM"}));
}

TEST(EmulatorProcess, AnExtensionThatIgnoresSigtermIsKilledAfterTheGracePeriod) {
  TempDir dir("lift-emulator-test");
  const auto marker = dir / "marker";
  auto config = fake("extension");
  config.environment = {{"FAKE_MARKER", marker.string()}, {"FAKE_IGNORE_SIGTERM", "1"}};
  config.shutdown_grace = 300ms;
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  const int pid = emulator.function_pid();
  const auto began = std::chrono::steady_clock::now();
  emulator.stop();
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
  EXPECT_TRUE(reaped(pid));
  EXPECT_EQ(sorted_lines(marker), (std::vector<std::string>{"SHUTDOWN", "SIGTERM"}));
}

TEST(EmulatorProcess, WithoutExtensionsStopKillsAtOnce) {
  TempDir dir("lift-emulator-test");
  const auto marker = dir / "marker";
  auto config = fake("sigterm-marker");
  config.environment = {{"FAKE_MARKER", marker.string()}};
  RuntimeEmulator emulator(config);
  ASSERT_TRUE(invoke(emulator, R"({"action":"echo"})").ok());
  const int pid = emulator.function_pid();
  emulator.stop();
  EXPECT_TRUE(reaped(pid));
  EXPECT_EQ(read_file(marker), "");  // SIGKILL: no SIGTERM handler ran
}

}  // namespace
