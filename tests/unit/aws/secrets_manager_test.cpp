// Secrets Manager: the GetSecretValue request body, the answer (shapes from the API reference)
// and error answers read into typed errors, and the client's endpoint configuration. No network.
#include "lift/aws/secrets_manager.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using lift::testing_support::ScopedEnv;

TEST(SecretsManagerRequest, OnlyTheFieldsGivenAreSent) {
  EXPECT_EQ(json::parse(get_secret_value_body({"prod/db"})), json::parse(R"({"SecretId": "prod/db"})"));
  EXPECT_EQ(json::parse(get_secret_value_body({"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                                                "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1", "AWSPREVIOUS"})),
            json::parse(R"({"SecretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                            "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1", "VersionStage": "AWSPREVIOUS"})"));
  // Quotes and control characters stay inside the JSON string.
  EXPECT_EQ(json::parse(get_secret_value_body({"a\"b\n"})).at("SecretId"), "a\"b\n");
}

TEST(SecretsManagerAnswer, SecretStringAsTheReferenceShowsIt) {
  auto secret = parse_secret_value(R"({
    "ARN": "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestSecret-a1b2c3",
    "CreatedDate": 1523477145.713,
    "Name": "MyTestSecret",
    "SecretString": "{\"user\":\"diegor\",\"password\":\"EXAMPLE-PASSWORD\"}",
    "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1",
    "VersionStages": ["AWSPREVIOUS"]})");
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_EQ(secret->arn, "arn:aws:secretsmanager:us-west-2:123456789012:secret:MyTestSecret-a1b2c3");
  EXPECT_EQ(secret->name, "MyTestSecret");
  EXPECT_EQ(secret->version_id, "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1");
  ASSERT_TRUE(secret->secret_string);
  EXPECT_EQ(json::parse(*secret->secret_string).at("user"), "diegor");
  EXPECT_FALSE(secret->secret_binary);
  EXPECT_EQ(secret->version_stages, std::vector<std::string>{"AWSPREVIOUS"});
  ASSERT_TRUE(secret->created_date);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(secret->created_date->time_since_epoch()).count(),
            1523477145713);
}

TEST(SecretsManagerAnswer, SecretBinaryIsDecodedToBytes) {
  auto secret = parse_secret_value(R"({"Name": "blob", "SecretBinary": "AAEC/w==", "VersionStages": ["AWSCURRENT", "v2"],
                                       "CreatedDate": 1700000000})");
  ASSERT_TRUE(secret) << secret.error().message;
  ASSERT_TRUE(secret->secret_binary);
  EXPECT_EQ(*secret->secret_binary, std::string("\x00\x01\x02\xff", 4));
  EXPECT_FALSE(secret->secret_string);
  EXPECT_EQ(secret->version_stages.size(), 2u);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*secret->created_date), 1700000000);
}

TEST(SecretsManagerAnswer, MissingMembersStayEmpty) {
  auto secret = parse_secret_value("{}");
  ASSERT_TRUE(secret);
  EXPECT_TRUE(secret->arn.empty());
  EXPECT_FALSE(secret->secret_string);
  EXPECT_FALSE(secret->secret_binary);
  EXPECT_TRUE(secret->version_stages.empty());
  EXPECT_FALSE(secret->created_date);
  auto nulls = parse_secret_value(R"({"SecretString": null, "CreatedDate": null, "VersionStages": null})");
  ASSERT_TRUE(nulls);
  EXPECT_FALSE(nulls->secret_string);
}

TEST(SecretsManagerAnswer, BadAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "not json", "[]", "\"text\"", "{\"Name\": 5}", R"({"SecretString": {"a": 1}})",
                           R"({"SecretBinary": "not base64!"})", R"({"SecretBinary": "AAF"})", R"({"SecretBinary": 12})",
                           R"({"VersionStages": "AWSCURRENT"})", R"({"VersionStages": ["a", 1]})", R"({"CreatedDate": "yesterday"})",
                           R"({"CreatedDate": 1e300})", R"({"CreatedDate": true})",
                           R"({"CreatedDate": 52.03477145713E9})", R"({"CreatedDate": -9.3e9})", "<html><body>502 Bad Gateway</body></html>",
                           R"({"Name": "x")"}) {
    auto secret = parse_secret_value(body);
    ASSERT_FALSE(secret) << body;
    EXPECT_EQ(secret.error().code, kSecretsManagerMalformedResponse) << body;
    EXPECT_EQ(secret.error().status, 502) << body;
  }
  EXPECT_NE(parse_secret_value(R"({"SecretBinary": "%%%"})").error().message.find("SecretBinary"), std::string::npos);
  // A broken answer still holds the secret: the message must not repeat it.
  const auto truncated = parse_secret_value(R"({"Name": "db", "SecretString": "hunter2-EXAMPLE)");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().message.find("hunter2"), std::string::npos) << truncated.error().message;
  EXPECT_EQ(parse_secret_value(R"({"SecretBinary": "aHVudGVyMg=!"})").error().message.find("aHVudGVyMg"), std::string::npos);
}

TEST(SecretsManagerError, TypedByTheAwsErrorName) {
  const auto not_found = parse_secrets_manager_error(
      400, R"({"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."})");
  EXPECT_EQ(not_found.code, kSecretsManagerResourceNotFound);
  EXPECT_EQ(not_found.message, "Secrets Manager can't find the specified secret.");
  EXPECT_EQ(not_found.status, 400);
  EXPECT_EQ(classify_error(not_found), FailureKind::fatal);

  EXPECT_EQ(parse_secrets_manager_error(400, R"({"__type":"DecryptionFailure","message":"KMS said no"})").code,
            kSecretsManagerDecryptionFailure);
  EXPECT_EQ(parse_secrets_manager_error(400, R"({"__type":"AccessDeniedException"})").code, kSecretsManagerAccessDenied);
  EXPECT_EQ(parse_secrets_manager_error(400, R"({"__type":"InvalidRequestException","Message":"marked for deletion"})").code,
            kSecretsManagerInvalidRequest);
  EXPECT_EQ(parse_secrets_manager_error(400, R"({"__type":"com.amazonaws.secretsmanager#InvalidParameterException"})").code,
            kSecretsManagerInvalidParameter);

  const auto throttled = parse_secrets_manager_error(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})");
  EXPECT_EQ(throttled.code, kSecretsManagerThrottling);
  EXPECT_EQ(classify_error(throttled), FailureKind::throttling);
  const auto internal = parse_secrets_manager_error(500, R"({"__type":"InternalServiceError"})");
  EXPECT_EQ(internal.code, "SecretsManager.InternalServiceError");
  EXPECT_EQ(classify_error(internal), FailureKind::transient);

  // The header names the type when the body does not.
  EXPECT_EQ(parse_secrets_manager_error(400, R"({"message":"no"})", "AccessDeniedException:http://internal.amazon.com/").code,
            kSecretsManagerAccessDenied);
  // An unknown type keeps its name.
  EXPECT_EQ(parse_secrets_manager_error(400, R"({"__type":"BrandNewException"})").code, "SecretsManager.BrandNew");
}

TEST(SecretsManagerError, UnreadableErrorAnswersAreMalformed) {
  for (const char* body : {"", "<html><body><h1>503 Service Unavailable</h1></body></html>", "[]", "{}", R"({"__type": 5})",
                           R"({"__type": "#"})", R"({"__type": "a#Bad Name"})", "{\"__type\": \"\\u0000\"}"}) {
    const auto error = parse_secrets_manager_error(503, body);
    EXPECT_EQ(error.code, kSecretsManagerMalformedResponse) << body;
    EXPECT_EQ(error.status, 503) << body;
    EXPECT_EQ(classify_error(error), FailureKind::transient) << body;
  }
  EXPECT_EQ(parse_secrets_manager_error(403, "<html>Forbidden</html>").status, 403);
  EXPECT_EQ(parse_secrets_manager_error(200, "nope").status, 502);
}

TEST(SecretsManagerClientConfig, EndpointFromOptionsEnvironmentOrRegion) {
  ScopedEnv endpoint("LIFT_SECRETSMANAGER_ENDPOINT", nullptr);
  ScopedEnv region("AWS_REGION", "eu-west-1");
  auto aws = SecretsManagerClient::create();
  ASSERT_TRUE(aws) << aws.error().message;
  EXPECT_EQ(aws->endpoint(), "https://secretsmanager.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws->region(), "eu-west-1");

  SecretsManagerOptions china;
  china.region = "cn-northwest-1";
  EXPECT_EQ(SecretsManagerClient::create(china)->endpoint(), "https://secretsmanager.cn-northwest-1.amazonaws.com.cn");

  ScopedEnv local("LIFT_SECRETSMANAGER_ENDPOINT", "http://127.0.0.1:4566");
  EXPECT_EQ(SecretsManagerClient::create()->endpoint(), "http://127.0.0.1:4566");
  SecretsManagerOptions explicit_endpoint;
  explicit_endpoint.endpoint = "https://localhost:4510";
  EXPECT_EQ(SecretsManagerClient::create(explicit_endpoint)->endpoint(), "https://localhost:4510");
}

TEST(SecretsManagerClientConfig, UnusableSettingsAreConfigErrors) {
  for (const char* bad : {"localhost:4566", "ftp://127.0.0.1/", "http://"}) {
    ScopedEnv endpoint("LIFT_SECRETSMANAGER_ENDPOINT", bad);
    auto client = SecretsManagerClient::create();
    ASSERT_FALSE(client) << bad;
    EXPECT_EQ(client.error().code, "Config") << bad;
  }
  ScopedEnv endpoint("LIFT_SECRETSMANAGER_ENDPOINT", nullptr);
  SecretsManagerOptions odd_region;
  odd_region.region = "eu-west-1.evil.example/";
  EXPECT_EQ(SecretsManagerClient::create(odd_region).error().code, "Config");
}

TEST(SecretsManagerClientConfig, AnEmptySecretIdIsRefusedWithoutACall) {
  SecretsManagerOptions options;
  options.endpoint = "http://127.0.0.1:9";
  auto client = SecretsManagerClient::create(options);
  ASSERT_TRUE(client);
  auto result = client->get_secret_value("", std::chrono::steady_clock::now() + std::chrono::seconds(1));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, kSecretsManagerInvalidParameter);
  EXPECT_EQ(result.error().status, 400);
}

}  // namespace
