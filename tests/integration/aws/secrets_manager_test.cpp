// The Secrets Manager client against a scripted Secrets Manager on 127.0.0.1: what goes on the
// wire, answers in the API reference's shapes, typed errors, retries and the deadline.
#include "lift/aws/secrets_manager.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_service.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

constexpr const char* kSecretAnswer = R"({
  "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-a1b2c3",
  "CreatedDate": 1523477145.713,
  "Name": "prod/db",
  "SecretString": "{\"username\":\"app\",\"password\":\"EXAMPLE-PASSWORD\"}",
  "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1",
  "VersionStages": ["AWSCURRENT"]})";

SecretsManagerClient client_for(const FakeService& fake, RetryPolicy retry = lift::testing_support::quick_retries()) {
  auto client = SecretsManagerClient::create(lift::testing_support::options_for<SecretsManagerOptions>(fake.endpoint(), retry));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

TEST(SecretsManagerClient, GetSecretValueOnTheWire) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, kSecretAnswer}; });
  auto client = client_for(fake);
  auto secret = client.get_secret_value({"prod/db", "", "AWSCURRENT"}, Clock::now() + 5s);
  ASSERT_TRUE(secret) << secret.error().code << ": " << secret.error().message;
  EXPECT_EQ(secret->name, "prod/db");
  EXPECT_EQ(json::parse(*secret->secret_string).at("password"), "EXAMPLE-PASSWORD");
  EXPECT_EQ(secret->version_stages, std::vector<std::string>{"AWSCURRENT"});

  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  const auto& request = seen[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/");
  EXPECT_EQ(request.header("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(request.header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(request.header("Host"), "127.0.0.1:" + std::to_string(fake.port()));
  EXPECT_EQ(json::parse(request.body), json::parse(R"({"SecretId": "prod/db", "VersionStage": "AWSCURRENT"})"));
  const auto auth = lift::testing_support::split_authorization(request.header("Authorization"));
  ASSERT_TRUE(auth) << request.header("Authorization");
  EXPECT_EQ(auth->access_key_id, "AKIDTEST");
  EXPECT_EQ(auth->region, "us-east-1");
  EXPECT_EQ(auth->service, "secretsmanager");
  EXPECT_NE(auth->signed_headers.find("x-amz-target"), std::string::npos);
  EXPECT_EQ(lift::testing_support::check_signature(request, "test-secret"), "");
}

TEST(SecretsManagerClient, SecretBinaryArrivesAsBytes) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"({"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:tls-key-Zz9Yy8", "Name": "tls-key",
                              "SecretBinary": "LS0tLS1CRUdJTgD/AQI=", "VersionId": "v-2", "VersionStages": ["AWSCURRENT", "blue"],
                              "CreatedDate": 1700000000.5})"};
  });
  auto client = client_for(fake);
  auto secret = client.get_secret_value({"tls-key", "v-2", ""}, Clock::now() + 5s);
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_EQ(*secret->secret_binary, std::string("-----BEGIN\0\xff\x01\x02", 14));
  EXPECT_EQ(json::parse(fake.seen()[0].body), json::parse(R"({"SecretId": "tls-key", "VersionId": "v-2"})"));
}

TEST(SecretsManagerClient, ThrottlingThenSuccessIsRetried) {
  FakeService fake([](const SeenRequest&, int number) {
    if (number == 1) return FakeAnswer{400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"};
    if (number == 2) return FakeAnswer{503, "<html><body>Service Unavailable</body></html>", "text/html"};
    return FakeAnswer{200, kSecretAnswer};
  });
  auto client = client_for(fake);
  auto secret = client.get_secret_value("prod/db", Clock::now() + 5s);
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_EQ(fake.requests(), 3);
  // Each attempt is signed again.
  for (const auto& request : fake.seen()) EXPECT_EQ(lift::testing_support::check_signature(request, "test-secret"), "");
}

TEST(SecretsManagerClient, ErrorsAreTypedAndNotRetried) {
  struct Case {
    FakeAnswer answer;
    std::string_view code;
  };
  const std::vector<Case> cases{
      {{400, R"({"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."})"},
       kSecretsManagerResourceNotFound},
      {{400, R"({"__type":"DecryptionFailure","Message":"Secrets Manager can't decrypt the protected secret text using the provided KMS key."})"},
       kSecretsManagerDecryptionFailure},
      {{400, R"({"Message":"User is not authorized"})", "application/x-amz-json-1.1", "AccessDeniedException"}, kSecretsManagerAccessDenied},
      {{400, R"({"__type":"InvalidRequestException","Message":"You can't perform this operation on the secret because it was marked for deletion."})"},
       kSecretsManagerInvalidRequest},
      {{400, R"({"__type":"InvalidParameterException","Message":"Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!"})"},
       kSecretsManagerInvalidParameter},
      {{400, R"({"__type":"SomethingNewException","Message":"new"})"}, "SecretsManager.SomethingNew"},
      {{403, "<html><body>Request blocked</body></html>", "text/html"}, kSecretsManagerMalformedResponse},
  };
  for (const auto& c : cases) {
    FakeService fake([&](const SeenRequest&, int) { return c.answer; });
    auto client = client_for(fake);
    auto secret = client.get_secret_value("prod/db", Clock::now() + 5s);
    ASSERT_FALSE(secret) << c.code;
    EXPECT_EQ(secret.error().code, c.code);
    EXPECT_EQ(secret.error().status, static_cast<int>(c.answer.status));
    EXPECT_FALSE(secret.error().message.empty());
    EXPECT_EQ(fake.requests(), 1) << c.code;
  }
}

TEST(SecretsManagerClient, AMalformedSuccessIsAnErrorNotACrash) {
  for (const char* body : {"", "{", R"({"SecretBinary": "***"})", R"({"VersionStages": 1})", "<html>OK</html>"}) {
    FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, body}; });
    auto client = client_for(fake);
    auto secret = client.get_secret_value("prod/db", Clock::now() + 5s);
    ASSERT_FALSE(secret) << body;
    EXPECT_EQ(secret.error().code, kSecretsManagerMalformedResponse) << body;
    EXPECT_EQ(fake.requests(), 1) << body;
  }
}

TEST(SecretsManagerClient, ASlowAnswerPastTheDeadlineTimesOut) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, kSecretAnswer, "application/x-amz-json-1.1", "", 3s}; });
  auto client = client_for(fake);
  const auto start = Clock::now();
  auto secret = client.get_secret_value("prod/db", start + 400ms);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(secret);
  EXPECT_TRUE(secret.error().code == kHttpTimeout || secret.error().code == "aws.deadline_exceeded") << secret.error().code;
  EXPECT_LT(took, 1s);
}

}  // namespace
