// `lift invoke` and `lift events` end to end, as separate processes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

#include "support/subprocess.hpp"
#include "support/json.hpp"

namespace {

using lift::testing_support::json_of;
using lift::testing_support::run_command;

std::string hello_event(const std::string& name) {
  auto generated = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--path", "/hello", "--query", "name=" + name});
  EXPECT_EQ(generated.exit_code, 0) << generated.err;
  return generated.out;
}

TEST(LiftEvents, GeneratesAnHttpApiEvent) {
  auto result = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--method", "POST", "--path", "/orders", "--query",
                             "a=1", "--query", "a=2", "--query", "q=hello world", "--header", "X-Tenant: t1", "--body", "{}"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto event = json_of(result.out);
  EXPECT_EQ(event.at("version").as_string(), "2.0");
  EXPECT_EQ(event.at("rawPath").as_string(), "/orders");
  EXPECT_EQ(event.at("rawQueryString").as_string(), "a=1&a=2&q=hello%20world");
  EXPECT_EQ(event.at("queryStringParameters").at("a").as_string(), "1,2");
  EXPECT_EQ(event.at("queryStringParameters").at("q").as_string(), "hello world");
  EXPECT_EQ(event.at("headers").at("x-tenant").as_string(), "t1");
  EXPECT_EQ(event.at("requestContext").at("http").at("method").as_string(), "POST");
  EXPECT_EQ(event.at("body").as_string(), "{}");
  auto list = run_command({LIFT_CLI, "events", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("apigw-http"), std::string::npos);
  auto bad = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--path", "no-slash"});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(LiftInvoke, HelloAnswersOnStdout) {
  auto result = run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--event", "-"}, hello_event("lift"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto response = json_of(result.out);
  EXPECT_EQ(response.at("statusCode").as_int64(), 200);
  EXPECT_EQ(json_of(std::string(response.at("body").as_string())), json_of(R"({"message":"hello, lift"})"));
  EXPECT_NE(result.err.find("REPORT RequestId: "), std::string::npos);
  EXPECT_NE(result.err.find("Init Duration: "), std::string::npos);
}

TEST(LiftInvoke, HelloDefaultsToWorldAndAnswers404And405) {
  auto plain = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--path", "/hello"});
  auto world = run_command({LIFT_CLI, "invoke", LIFT_HELLO}, plain.out);
  ASSERT_EQ(world.exit_code, 0) << world.err;
  EXPECT_EQ(json_of(std::string(json_of(world.out).at("body").as_string())).at("message").as_string(), "hello, world");

  auto missing = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--path", "/nope"});
  auto not_found = json_of(run_command({LIFT_CLI, "invoke", LIFT_HELLO}, missing.out).out);
  EXPECT_EQ(not_found.at("statusCode").as_int64(), 404);
  auto body = json_of(std::string(not_found.at("body").as_string()));
  EXPECT_EQ(body.at("error").at("code").as_string(), "NotFound");
  EXPECT_FALSE(body.at("error").at("request_id").as_string().empty());

  auto post = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--method", "POST", "--path", "/hello"});
  auto wrong_method = json_of(run_command({LIFT_CLI, "invoke", LIFT_HELLO}, post.out).out);
  EXPECT_EQ(wrong_method.at("statusCode").as_int64(), 405);
  EXPECT_EQ(wrong_method.at("headers").at("allow").as_string(), "GET, HEAD, OPTIONS");
}

TEST(LiftInvoke, EventFromAFile) {
  const auto path = std::filesystem::temp_directory_path() / ("lift-event-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << hello_event("file");
  auto result = run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--event", path.string()});
  std::filesystem::remove(path);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("hello, file"), std::string::npos);
}

TEST(LiftInvoke, FunctionErrorsExitOneAndPrintTheErrorJson) {
  auto result = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION}, R"({"action":"throw"})");
  EXPECT_EQ(result.exit_code, 1);
  auto error = json_of(result.out);
  EXPECT_EQ(error.at("errorType").as_string(), "std::invalid_argument");
  EXPECT_EQ(error.at("errorMessage").as_string(), "probe was asked to throw");
}

TEST(LiftInvoke, EventsTheFunctionDoesNotHandleAreTypedErrors) {
  auto not_http = run_command({LIFT_CLI, "invoke", LIFT_HELLO}, R"([1,2,3])");
  EXPECT_EQ(not_http.exit_code, 1);
  EXPECT_EQ(json_of(not_http.out).at("errorType").as_string(), "UnsupportedEvent");
}

TEST(LiftInvoke, TimeoutOption) {
  auto result = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION, "--timeout", "0.3"}, R"({"action":"sleep","ms":3000})");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(json_of(result.out).at("errorType").as_string(), "Sandbox.Timedout");
}

TEST(LiftInvoke, EnvAndMemoryOptions) {
  auto env = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION, "--env", "GREETING=hi there", "--env", "EMPTY="},
                         R"({"action":"env","name":"GREETING"})");
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(json_of(env.out).as_string(), "hi there");
  auto memory = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION, "--memory", "1024"}, R"({"action":"function"})");
  ASSERT_EQ(memory.exit_code, 0) << memory.err;
  EXPECT_EQ(json_of(memory.out).at("memory_mb").as_int64(), 1024);
}

TEST(LiftInvoke, LogsGoToStderrPayloadToStdout) {
  auto result = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION}, R"({"action":"log"})");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "\"logged\"\n");
  EXPECT_NE(result.err.find("probe says hello on stdout"), std::string::npos);
  EXPECT_NE(result.err.find("probe says hello on stderr"), std::string::npos);
}

TEST(LiftInvoke, AnEventOverTheFunctionsLimitIsWarnedAboutDeliveredOnceAndItsErrorAccepted) {
  // 17 MB: over Lambda's 6 MB for a synchronous Invoke (a warning) and over the 16 MB a lift
  // function takes, which reads the event's head, hangs up and reports Runtime.EventTooLarge.
  const std::string event = R"({"pad":")" + std::string(17 * 1024 * 1024, 'x') + R"("})";
  for (int round = 0; round < 3; ++round) {
    auto result = run_command({LIFT_CLI, "invoke", LIFT_HELLO}, event);
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_EQ(json_of(result.out).at("errorType").as_string(), "Runtime.EventTooLarge") << result.out.substr(0, 300);
    EXPECT_NE(result.err.find("Lambda refuses synchronous invocations over 6291456 bytes"), std::string::npos) << result.err;
    std::size_t rejected = 0;
    for (auto at = result.err.find("rejected an invocation"); at != std::string::npos;
         at = result.err.find("rejected an invocation", at + 1)) {
      ++rejected;
    }
    EXPECT_EQ(rejected, 1u) << result.err.substr(0, 2000);
    EXPECT_EQ(result.err.find("refused"), std::string::npos) << result.err.substr(0, 2000);
  }
}

TEST(LiftInvoke, CountReportsLatency) {
  auto result = run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--count", "50"}, hello_event("n"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("50 invocations, 0 errors"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("median"), std::string::npos);
  EXPECT_NE(result.err.find("p99"), std::string::npos);
  EXPECT_NE(result.out.find("hello, n"), std::string::npos);
}

// --floor: the same invocations through lift-runtime-floor, and what the function adds over it.
TEST(LiftInvoke, FloorPrintsWhatTheFunctionAddsOverARawClient) {
  auto result = run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--count", "30", "--floor"}, hello_event("n"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto line = result.err.find("over the floor (lift-runtime-floor, the same 30 invocations after it): cold start ");
  ASSERT_NE(line, std::string::npos) << result.err;
  const std::string report = result.err.substr(line);
  EXPECT_NE(report.find("median invocation "), std::string::npos) << report;
  EXPECT_NE(report.find("max memory used "), std::string::npos) << report;
  EXPECT_NE(result.out.find("hello, n"), std::string::npos);
}

TEST(LiftInvoke, FloorNeedsACountAndNoConcurrency) {
  for (const auto& arguments : {std::vector<std::string>{"--floor"}, std::vector<std::string>{"--floor", "--count", "4", "--concurrency", "2"}}) {
    std::vector<std::string> command{LIFT_CLI, "invoke", LIFT_HELLO};
    command.insert(command.end(), arguments.begin(), arguments.end());
    auto result = run_command(command, hello_event("n"));
    EXPECT_NE(result.exit_code, 0);
    EXPECT_NE(result.err.find("--floor compares one invocation at a time"), std::string::npos) << result.err;
  }
}

TEST(LiftInvoke, ConcurrencyRunsInvocationsAtOnceAsManagedInstancesDo) {
  // The probe answers once 4 invocations are inside its handler at the same time (it gives up
  // after 5 s), which only 4 workers fed 4 at a time can reach.
  auto result = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION, "--concurrency", "4"},
                            R"({"action":"rendezvous","count":4})");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(json_of(result.out).at("peak").as_int64(), 4) << result.out;
  EXPECT_NE(result.err.find("4 invocations (4 at a time), 0 errors"), std::string::npos) << result.err;
  auto seen = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION, "--concurrency", "3", "--count", "1"},
                          R"({"action":"env","name":"AWS_LAMBDA_MAX_CONCURRENCY"})");
  ASSERT_EQ(seen.exit_code, 0) << seen.err;
  EXPECT_EQ(json_of(seen.out), "3");
  // Out of range or not a number: a usage error naming the option.
  for (const char* bad : {"0", "65", "-1", "four"}) {
    auto refused = run_command({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION, "--concurrency", bad}, "{}");
    EXPECT_EQ(refused.exit_code, 2) << bad;
    EXPECT_NE(refused.err.find("--concurrency"), std::string::npos) << bad << ": " << refused.err;
  }
}

TEST(LiftInvoke, TodoApiUnderFourWorkersAnswersEveryRequestAndLogsOneJsonObjectPerLine) {
  auto event = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--method", "POST", "--path", "/todos",
                            "--header", "content-type: application/json", "--body", R"({"title":"at once"})"});
  ASSERT_EQ(event.exit_code, 0) << event.err;
  auto result = run_command({LIFT_CLI, "invoke", LIFT_TODO_API, "--concurrency", "4", "--count", "40", "--env",
                             "LIFT_DYNAMODB_ENDPOINT=memory:"},
                            event.out);
  ASSERT_EQ(result.exit_code, 0) << result.err.substr(0, 4000);
  EXPECT_NE(result.err.find("40 invocations (4 at a time), 0 errors"), std::string::npos) << result.err.substr(0, 4000);
  EXPECT_EQ(json_of(result.out).at("statusCode").as_int64(), 201) << result.out;
  // Every line the function wrote is one JSON object; each invocation's EMF document names it.
  std::set<std::string> documents;
  std::istringstream lines(result.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.starts_with("lift invoke: ")) continue;
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not one JSON object: " << line;
    ASSERT_TRUE(value.is_object()) << line;
    const auto& object = value.as_object();
    if (object.contains("_aws") && object.contains("function_request_id")) {
      EXPECT_TRUE(documents.insert(std::string(object.at("function_request_id").as_string())).second) << line;
    }
  }
  EXPECT_EQ(documents.size(), 40u);
}

TEST(LiftAws, SignsGetVanillaFromTheAwsSuite) {
  // get-vanilla from AWS's SigV4 suite.
  const std::string request = "GET / HTTP/1.1\r\nHost:example.amazonaws.com\r\n\r\n";
  auto result = run_command({LIFT_CLI, "aws", "sign", "--access-key", "AKIDEXAMPLE", "--secret-key",
                             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "--region", "us-east-1", "--service", "service",
                             "--date", "20150830T123600Z"},
                            request);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("# signature\n5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                            "SignedHeaders=host;x-amz-date, Signature=5fa00fa3"),
            std::string::npos);
  auto dry = run_command({LIFT_CLI, "aws", "sign", "--access-key", "A", "--secret-key", "S", "--region", "r", "--service", "s",
                          "--dry-run"},
                         request);
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_EQ(dry.out.find("# signed request"), std::string::npos);
  // Bad input: no Host header, a malformed request line, a bad date, no credentials.
  const std::vector<std::string> common{LIFT_CLI, "aws", "sign", "--access-key", "A", "--secret-key", "S", "--region", "r",
                                        "--service", "s"};
  EXPECT_EQ(run_command(common, "GET / HTTP/1.1\r\n\r\n").exit_code, 2);
  EXPECT_EQ(run_command(common, "nonsense\r\n").exit_code, 2);
  auto bad_date = common;
  bad_date.insert(bad_date.end(), {"--date", "yesterday"});
  EXPECT_EQ(run_command(bad_date, request).exit_code, 2);
  // No credentials anywhere: neither flags, nor environment, nor shared files.
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
  ::setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
  auto no_credentials = run_command({LIFT_CLI, "aws", "sign", "--region", "r", "--service", "s"}, request);
  EXPECT_EQ(no_credentials.exit_code, 2);
  EXPECT_NE(no_credentials.err.find("no AWS credentials found"), std::string::npos);
}

TEST(LiftInvoke, UsageErrorsExitTwo) {
  EXPECT_EQ(run_command({LIFT_CLI, "invoke", LIFT_HELLO}, "{not json").exit_code, 2);
  EXPECT_EQ(run_command({LIFT_CLI, "invoke", "/nonexistent/function"}, "{}").exit_code, 2);
  EXPECT_EQ(run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--event", "/nonexistent/event.json"}).exit_code, 2);
  EXPECT_EQ(run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--env", "NOEQUALS"}, "{}").exit_code, 2);
  EXPECT_EQ(run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--memory", "1"}, "{}").exit_code, 2);
  EXPECT_EQ(run_command({LIFT_CLI, "invoke"}).exit_code, 2);
  EXPECT_EQ(run_command({LIFT_CLI, "frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_command({LIFT_CLI, "--help"}).exit_code, 0);
}

}  // namespace

namespace {

TEST(LiftOpenApi, PrintsTheFunctionsRoutesAndTypes) {
  auto result = run_command({LIFT_CLI, "openapi", LIFT_HELLO});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto doc = json_of(result.out);
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  const auto& get = doc.at("paths").at("/hello").at("get");
  EXPECT_TRUE(get.at("responses").at("200").as_object().contains("content"));
  EXPECT_NE(result.out.find("Greeting"), std::string::npos) << result.out;
}

TEST(LiftOpenApi, AFunctionThatIsNotALiftAppIsAnError) {
  auto result = run_command({LIFT_CLI, "openapi", LIFT_PROBE_FUNCTION});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("lift openapi"), std::string::npos);
}

}  // namespace
