#include "lift/runtime/protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <map>

#include "lift/runtime/runtime.hpp"

namespace {

using namespace lift::runtime;

protocol::HeaderLookup lookup(const std::map<std::string, std::string>& headers) {
  return [&headers](std::string_view name) -> std::optional<std::string_view> {
    auto it = headers.find(std::string(name));
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

TEST(Protocol, ParsesEveryInvocationHeader) {
  const std::map<std::string, std::string> headers{
      {"Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
      {"Lambda-Runtime-Deadline-Ms", "1542409706888"},
      {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime"},
      {"Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"},
      {"Lambda-Runtime-Client-Context", R"({"custom":{"k":"v"}})"},
      {"Lambda-Runtime-Cognito-Identity", R"({"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"})"},
      {"Lambda-Runtime-Aws-Tenant-Id", "tenant-7"},
      {"Lambda-Runtime-Invocation-Id", "inv-1"},
  };
  auto context = protocol::parse_invocation_headers(lookup(headers));
  ASSERT_TRUE(context) << context.error().message;
  EXPECT_EQ(context->request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(context->deadline.time_since_epoch()).count(),
            1542409706888);
  EXPECT_EQ(context->invoked_function_arn, "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime");
  EXPECT_EQ(context->trace_id, headers.at("Lambda-Runtime-Trace-Id"));
  EXPECT_EQ(context->client_context, headers.at("Lambda-Runtime-Client-Context"));
  EXPECT_EQ(context->cognito_identity, headers.at("Lambda-Runtime-Cognito-Identity"));
  EXPECT_EQ(context->tenant_id, "tenant-7");
  EXPECT_EQ(context->invocation_id, "inv-1");
  EXPECT_TRUE(context->expired());  // 2018 is long gone
}

TEST(Protocol, MissingOrMalformedRequiredHeadersAreATypedError) {
  const std::map<std::string, std::string> headers{
      {"Lambda-Runtime-Aws-Request-Id", "abc"},
      {"Lambda-Runtime-Deadline-Ms", "soon"},
  };
  lift::runtime::InvocationContext partial;
  auto context = protocol::parse_invocation_headers(lookup(headers), &partial);
  ASSERT_FALSE(context);
  EXPECT_EQ(context.error().code, "Runtime.MalformedInvocation");
  EXPECT_NE(context.error().message.find("Lambda-Runtime-Deadline-Ms"), std::string::npos);
  EXPECT_NE(context.error().message.find("missing Lambda-Runtime-Invoked-Function-Arn"), std::string::npos);
  EXPECT_EQ(partial.request_id, "abc");  // still known, so the error can be reported against it
}

lift::Result<InvocationContext> with_deadline(const std::string& deadline) {
  const std::map<std::string, std::string> headers{{"Lambda-Runtime-Aws-Request-Id", "id"},
                                                   {"Lambda-Runtime-Deadline-Ms", deadline},
                                                   {"Lambda-Runtime-Invoked-Function-Arn", "arn"}};
  return protocol::parse_invocation_headers(lookup(headers));
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(Protocol, DeadlinesBeyondTheHorizonAreFarAwayWithoutOverflow) {
  // 9223372036855 ms is the first value whose nanoseconds overflow 64 bits; the last is beyond
  // 64 bits altogether.
  const std::string in_two_days = std::to_string(now_ms() + 2 * 24 * 3600 * 1000LL);
  for (const std::string& far : {std::string("9223372036855"), std::string("9223372036854775807"), std::string("99999999999999999999"),
                                in_two_days}) {
    auto context = with_deadline(far);
    ASSERT_TRUE(context) << far << ": " << context.error().message;
    EXPECT_FALSE(context->expired()) << far;
    EXPECT_GT(context->remaining(), kDeadlineHorizon - std::chrono::minutes(1)) << far;
    EXPECT_LE(context->remaining(), kDeadlineHorizon) << far;
  }
}

TEST(Protocol, DeadlinesWithinTheHorizonAreKeptToTheMillisecond) {
  for (const std::int64_t ahead : {5'000LL, 23 * 3600 * 1000LL}) {
    const std::int64_t at = now_ms() + ahead;
    auto context = with_deadline(std::to_string(at));
    ASSERT_TRUE(context) << context.error().message;
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(context->deadline.time_since_epoch()).count(), at);
  }
}

TEST(Protocol, ADeadlineOfZeroIsLongPast) {
  auto context = with_deadline("0");
  ASSERT_TRUE(context) << context.error().message;
  EXPECT_TRUE(context->expired());
  // Not the default time point, which the app reads as "no deadline given" (far away).
  EXPECT_NE(context->deadline, std::chrono::system_clock::time_point{});
}

TEST(Protocol, NegativeOrNonNumericDeadlinesAreMalformed) {
  for (const char* bad : {"-1", "-9223372036854775808", "-99999999999999999999", "soon", "12abc", "1.5", " 12", "+12", "0x10", "9e12"}) {
    auto context = with_deadline(bad);
    ASSERT_FALSE(context) << bad;
    EXPECT_EQ(context.error().code, "Runtime.MalformedInvocation") << bad;
    EXPECT_NE(context.error().message.find("Lambda-Runtime-Deadline-Ms"), std::string::npos) << bad;
  }
}

TEST(InvocationContext, RemainingIsBoundedWhateverTheDeadline) {
  InvocationContext context;
  context.deadline = std::chrono::system_clock::time_point::max();
  EXPECT_EQ(context.remaining(), kDeadlineHorizon);
  context.deadline = std::chrono::system_clock::time_point::min();
  EXPECT_EQ(context.remaining().count(), 0);
  EXPECT_TRUE(context.expired());
  context.deadline = std::chrono::system_clock::now() + std::chrono::hours(1);
  EXPECT_GT(context.remaining(), std::chrono::minutes(59));
  EXPECT_LE(context.remaining(), std::chrono::hours(1));
}

TEST(Protocol, RequestIdsThatCannotBePathSegmentsAreRejected) {
  EXPECT_TRUE(protocol::valid_request_id("8476a536-e9f4-11e8-9739-2dfe598c3fcd"));
  for (const char* bad : {"", "a/b", "a b", "a?b", "a%2Fb", "a\r\nb"}) EXPECT_FALSE(protocol::valid_request_id(bad)) << bad;
  EXPECT_FALSE(protocol::valid_request_id(std::string(300, 'a')));
  const std::map<std::string, std::string> headers{{"Lambda-Runtime-Aws-Request-Id", "../../init/error"},
                                                   {"Lambda-Runtime-Deadline-Ms", "1"},
                                                   {"Lambda-Runtime-Invoked-Function-Arn", "arn"}};
  EXPECT_FALSE(protocol::parse_invocation_headers(lookup(headers)));
}

TEST(Protocol, InvocationPaths) {
  EXPECT_EQ(protocol::invocation_path("id-1", "response"), "/2018-06-01/runtime/invocation/id-1/response");
  EXPECT_EQ(protocol::invocation_path("id-1", "error"), "/2018-06-01/runtime/invocation/id-1/error");
}

TEST(Protocol, HttpIntegrationPrelude) {
  auto prelude = boost::json::parse(protocol::http_integration_prelude(201, {{"x-a", "1"}}, {"a=b; Path=/"}));
  EXPECT_EQ(prelude.at("statusCode").as_int64(), 201);
  EXPECT_EQ(prelude.at("headers").at("x-a").as_string(), "1");
  EXPECT_EQ(prelude.at("cookies").at(0).as_string(), "a=b; Path=/");
  auto no_cookies = boost::json::parse(protocol::http_integration_prelude(200, {}, {}));
  EXPECT_FALSE(no_cookies.as_object().contains("cookies"));
}

TEST(ErrorReport, SerialisesTheShapeLambdaExpects) {
  ErrorReport report{"MyError", "it \"broke\"", {"frame 1", "frame 2"}};
  auto body = boost::json::parse(report.to_json());
  EXPECT_EQ(body.at("errorType").as_string(), "MyError");
  EXPECT_EQ(body.at("errorMessage").as_string(), "it \"broke\"");
  EXPECT_EQ(body.at("stackTrace").as_array().size(), 2u);
  auto from = ErrorReport::from(lift::Error{"not_found", "nope", 404});
  EXPECT_EQ(from.type, "not_found");
  EXPECT_EQ(from.message, "nope");
}

TEST(FunctionMetadata, ReadsTheLambdaEnvironment) {
  ::setenv("AWS_LAMBDA_FUNCTION_NAME", "fn", 1);
  ::setenv("AWS_LAMBDA_FUNCTION_VERSION", "7", 1);
  ::setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512", 1);
  ::setenv("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/fn", 1);
  ::setenv("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/23/[7]abc", 1);
  ::setenv("AWS_REGION", "eu-west-1", 1);
  ::setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start", 1);
  ::setenv("AWS_LAMBDA_MAX_CONCURRENCY", "garbage", 1);
  auto m = FunctionMetadata::from_environment();
  EXPECT_EQ(m.name, "fn");
  EXPECT_EQ(m.version, "7");
  EXPECT_EQ(m.memory_mb, 512);
  EXPECT_EQ(m.log_group, "/aws/lambda/fn");
  EXPECT_EQ(m.log_stream, "2026/11/23/[7]abc");
  EXPECT_EQ(m.region, "eu-west-1");
  EXPECT_EQ(m.initialization_type, "snap-start");
  EXPECT_EQ(m.max_concurrency, 1);  // unparsable means the default
  ::setenv("AWS_LAMBDA_MAX_CONCURRENCY", "8", 1);
  EXPECT_EQ(FunctionMetadata::from_environment().max_concurrency, 8);
  for (const char* name : {"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                           "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_REGION",
                           "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_MAX_CONCURRENCY"})
    ::unsetenv(name);
}

}  // namespace
