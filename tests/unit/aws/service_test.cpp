// The helpers every service client shares (src/aws/service.hpp): endpoints, error answers of
// the JSON protocols, timestamps. No network.
#include "aws/service.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>

#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws::detail;
using lift::testing_support::ScopedEnv;

TEST(ServiceEndpoint, OptionThenEnvironmentThenRegion) {
  ScopedEnv unset("LIFT_TEST_SERVICE_ENDPOINT", nullptr);
  EXPECT_EQ(*resolve_endpoint("", "LIFT_TEST_SERVICE_ENDPOINT", "ssm", "eu-west-3", "Test"), "https://ssm.eu-west-3.amazonaws.com");
  EXPECT_EQ(*resolve_endpoint("", "LIFT_TEST_SERVICE_ENDPOINT", "ssm", "cn-north-1", "Test"), "https://ssm.cn-north-1.amazonaws.com.cn");
  ScopedEnv set("LIFT_TEST_SERVICE_ENDPOINT", "http://127.0.0.1:1234");
  EXPECT_EQ(*resolve_endpoint("", "LIFT_TEST_SERVICE_ENDPOINT", "ssm", "eu-west-3", "Test"), "http://127.0.0.1:1234");
  EXPECT_EQ(*resolve_endpoint("https://vpce.example", "LIFT_TEST_SERVICE_ENDPOINT", "ssm", "eu-west-3", "Test"), "https://vpce.example");
  ScopedEnv empty("LIFT_TEST_SERVICE_ENDPOINT", "");
  for (const char* region : {"", "EU-WEST-1", "eu west", "x.evil.com/"}) {
    auto endpoint = resolve_endpoint("", "LIFT_TEST_SERVICE_ENDPOINT", "ssm", region, "Test");
    ASSERT_FALSE(endpoint) << region;
    EXPECT_EQ(endpoint.error().code, "Config");
  }
  EXPECT_NE(resolve_endpoint("nope", "LIFT_TEST_SERVICE_ENDPOINT", "ssm", "us-east-1", "Test").error().message.find("Test endpoint"),
            std::string::npos);
}

TEST(ServiceEndpoint, LoopbackHosts) {
  for (const char* host : {"localhost", "::1", "[::1]", "127.0.0.1", "127.1.2.3"}) EXPECT_TRUE(lift::aws::is_loopback_host(host)) << host;
  for (const char* host : {"", "127.0.0.1.example.com", "127.0.0", "127.0.0.256", "128.0.0.1", "127..0.1", "127.0.0.1.",
                           "localhost.example", "0x7f.0.0.1"})
    EXPECT_FALSE(lift::aws::is_loopback_host(host)) << host;
}

TEST(ServiceErrors, HeaderFirstThenBodyTypeThenCode) {
  EXPECT_EQ(parse_json_error("Svc", 400, R"({"__type":"BodyException"})", "HeaderException:http://x/").code, "Svc.Header");
  EXPECT_EQ(parse_json_error("Svc", 400, R"({"__type":"aws.protocoltests#BodyException"})").code, "Svc.Body");
  EXPECT_EQ(parse_json_error("Svc", 400, R"({"code":"CodeException","message":"m"})").message, "m");
  EXPECT_EQ(parse_json_error("Svc", 400, R"({"code":"CodeException"})").code, "Svc.Code");
  EXPECT_EQ(parse_json_error("Svc", 400, "not json", "Header").code, "Svc.Header");
  // A header that says nothing usable falls back to the body.
  EXPECT_EQ(parse_json_error("Svc", 400, R"({"__type":"Body"})", "Bad Name").code, "Svc.Body");
  const auto malformed = parse_json_error("Svc", 418, "<html>teapot</html>");
  EXPECT_EQ(malformed.code, "Svc.MalformedResponse");
  EXPECT_EQ(malformed.status, 418);
  EXPECT_NE(malformed.message.find("teapot"), std::string::npos);
  const auto long_body = parse_json_error("Svc", 500, std::string(10000, 'x'));
  EXPECT_LT(long_body.message.size(), 400u);
}

TEST(ServiceTimestamps, EpochSecondsAndIso8601) {
  const auto object = json::parse(R"({"a": 1700000000, "b": 1700000000.25, "c": "2023-11-14T22:13:20.250Z", "d": null,
                                      "e": "2023-11-14T23:13:20+01:00", "f": false, "g": "2023-11-14", "h": 1e400})")
                          .as_object();
  const auto ms = [&](std::string_view key) {
    auto when = timestamp_field("Svc", object, key);
    if (!when || !*when) return std::int64_t{-1};
    return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>((*when)->time_since_epoch()).count());
  };
  EXPECT_EQ(ms("a"), 1700000000000);
  EXPECT_EQ(ms("b"), 1700000000250);
  EXPECT_EQ(ms("c"), 1700000000250);
  EXPECT_EQ(ms("e"), 1700000000000);
  EXPECT_TRUE(timestamp_field("Svc", object, "d")->has_value() == false);
  EXPECT_TRUE(timestamp_field("Svc", object, "missing")->has_value() == false);
  for (const char* bad : {"f", "g"}) EXPECT_EQ(timestamp_field("Svc", object, bad).error().code, "Svc.MalformedResponse") << bad;
  EXPECT_FALSE(timestamp_field("Svc", object, "h"));
}

TEST(ServiceTimestamps, Iso8601OffsetsWithoutColonAndMillisecondsAtMost) {
  const auto ms = [](std::string_view text) {
    const auto when = parse_iso8601(text);
    return when ? std::chrono::duration_cast<std::chrono::milliseconds>(when->time_since_epoch()).count() : -1;
  };
  EXPECT_EQ(ms("2023-11-14T23:13:20+0100"), 1700000000000);
  EXPECT_EQ(ms("2023-11-14T21:13:20.5-0100"), 1700000000500);
  EXPECT_EQ(ms("2023-11-14T22:13:20.123456789Z"), 1700000000123);
  EXPECT_EQ(ms("2023-11-14T22:13:20+01"), -1);
  EXPECT_EQ(ms("2023-11-14T22:13:20+01000"), -1);
  EXPECT_EQ(ms("2023-11-14T22:13:20"), -1);
}

TEST(ServiceAnswerReader, RemembersTheFirstWrongMember) {
  const auto object = json::parse(R"({"s": "x", "n": 7, "big": 9223372036854775808, "list": ["a"], "bad": 1})").as_object();
  AnswerReader read("Svc", object);
  EXPECT_EQ(read.string("s"), "x");
  EXPECT_EQ(read.integer("n"), 7);
  EXPECT_EQ(read.strings("list"), std::vector<std::string>{"a"});
  EXPECT_EQ(read.string("missing"), "");
  EXPECT_FALSE(read.failed());
  EXPECT_EQ(read.string("bad"), "");
  EXPECT_EQ(read.integer("big"), 0);
  ASSERT_TRUE(read.failed());
  EXPECT_EQ(read.error().code, "Svc.MalformedResponse");
  EXPECT_NE(read.error().message.find("bad"), std::string::npos);
}

}  // namespace

namespace {

TEST(ServiceCrc32, BodiesAreCheckedAgainstTheHeaderWhenItIsThere) {
  lift::aws::HttpResponse response;
  response.status = 200;
  response.body = R"({"TableNames":[]})";
  EXPECT_TRUE(check_crc32("DynamoDB", response));  // no header: nothing to check
  // zlib's CRC-32 of the body above, as DynamoDB writes it (decimal).
  response.headers.emplace_back("x-amz-crc32", "1315925753");
  const auto checked = check_crc32("DynamoDB", response);
  ASSERT_TRUE(checked) << checked.error().message;
  response.body[2] = 't';  // damaged on the way
  auto damaged = check_crc32("DynamoDB", response);
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, "DynamoDB.Crc32Mismatch");
  EXPECT_EQ(damaged.error().status, 502);
  response.headers.back().second = "not a number";
  EXPECT_FALSE(check_crc32("DynamoDB", response));
}

}  // namespace

namespace {

// The standard endpoint configuration of the AWS SDKs, for every client through resolve_endpoint.
class StandardEndpoints : public ::testing::Test {
 protected:
  lift::testing_support::TempDir dir{"lift-endpoints"};
  ScopedEnv config{"AWS_CONFIG_FILE", (dir / "config").string()};
  ScopedEnv credentials{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()};
  ScopedEnv profile{"AWS_PROFILE", nullptr}, all{"AWS_ENDPOINT_URL", nullptr}, dynamodb{"AWS_ENDPOINT_URL_DYNAMODB", nullptr};
  ScopedEnv secrets{"AWS_ENDPOINT_URL_SECRETS_MANAGER", nullptr}, ignore{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", nullptr};
  ScopedEnv lift_dynamodb{"LIFT_DYNAMODB_ENDPOINT", nullptr};

  static std::string resolved(const char* lift_variable, std::string_view host_prefix, std::string_view label) {
    auto endpoint = resolve_endpoint("", lift_variable, host_prefix, "eu-west-1", label);
    EXPECT_TRUE(endpoint) << endpoint.error().message;
    return endpoint ? *endpoint : std::string();
  }
};

TEST_F(StandardEndpoints, ServiceVariableThenGlobalThenProfileThenDefault) {
  std::ofstream(dir / "config") << "[default]\nendpoint_url = http://127.0.0.1:4566\nservices = local\n"
                                   "[services local]\ndynamodb =\n  endpoint_url = http://127.0.0.1:8000\n"
                                   "secrets_manager =\n  endpoint_url = http://127.0.0.1:8001\n"
                                   "[profile plain]\nregion = eu-west-1\n";
  EXPECT_EQ(resolved("LIFT_DYNAMODB_ENDPOINT", "dynamodb", "DynamoDB"), "http://127.0.0.1:8000");
  EXPECT_EQ(resolved("LIFT_SECRETSMANAGER_ENDPOINT", "secretsmanager", "Secrets Manager"), "http://127.0.0.1:8001");
  EXPECT_EQ(resolved(nullptr, "sts", "STS"), "http://127.0.0.1:4566") << "the profile's endpoint_url";
  {
    ScopedEnv global("AWS_ENDPOINT_URL", "http://127.0.0.1:9000");
    EXPECT_EQ(resolved("LIFT_DYNAMODB_ENDPOINT", "dynamodb", "DynamoDB"), "http://127.0.0.1:9000");
    ScopedEnv service("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9001");
    EXPECT_EQ(resolved("LIFT_DYNAMODB_ENDPOINT", "dynamodb", "DynamoDB"), "http://127.0.0.1:9001");
    EXPECT_EQ(resolved(nullptr, "sts", "STS"), "http://127.0.0.1:9000");
    ScopedEnv lift_variable("LIFT_DYNAMODB_ENDPOINT", "http://127.0.0.1:9002");
    EXPECT_EQ(resolved("LIFT_DYNAMODB_ENDPOINT", "dynamodb", "DynamoDB"), "http://127.0.0.1:9002") << "lift's variable wins";
    ScopedEnv ignored("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    EXPECT_EQ(resolved(nullptr, "sts", "STS"), "https://sts.eu-west-1.amazonaws.com");
    EXPECT_EQ(resolved("LIFT_DYNAMODB_ENDPOINT", "dynamodb", "DynamoDB"), "http://127.0.0.1:9002");
  }
  ScopedEnv plain("AWS_PROFILE", "plain");
  EXPECT_EQ(resolved(nullptr, "sts", "STS"), "https://sts.eu-west-1.amazonaws.com");
  // Clients added later are covered by their host prefix (or their label).
  ScopedEnv events("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9003");
  EXPECT_EQ(resolved("LIFT_EVENTBRIDGE_ENDPOINT", "events", "EventBridge"), "http://127.0.0.1:9003");
  EXPECT_EQ(service_id_of("execute-api", "API Gateway Management"), "ApiGatewayManagementApi");
  EXPECT_EQ(service_id_of("newservice", "New Service"), "New Service");
  ScopedEnv bad("AWS_ENDPOINT_URL_STS", "not a url");
  auto refused = resolve_endpoint("", nullptr, "sts", "eu-west-1", "STS");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "Config");
}

TEST_F(StandardEndpoints, ProfileIgnoreSetting) {
  std::ofstream(dir / "config") << "[default]\nendpoint_url = http://127.0.0.1:4566\nignore_configured_endpoint_urls = true\n";
  EXPECT_EQ(resolved(nullptr, "sns", "SNS"), "https://sns.eu-west-1.amazonaws.com");
  EXPECT_EQ(lift::aws::configured_endpoint_url("SNS"), std::nullopt);
}

}  // namespace
