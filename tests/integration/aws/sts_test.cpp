// The STS client against a scripted STS on 127.0.0.1: cross-checked with the AWS SDK for
// JavaScript's STS client (same request body, same values read from the same answer), unsigned
// web identity calls, typed errors, retries of throttling and malformed answers.
#include "lift/aws/sts.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "support/requirements.hpp"
#include "support/subprocess.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

constexpr const char* kRole = "arn:aws:iam::111122223333:role/kernel-reader";

std::string assume_role_answer(std::string_view action, std::string_view extra = {}) {
  return "<" + std::string(action) + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + std::string(action) +
         "Result>" + std::string(extra) +
         "<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/kernel-reader/partner-api</Arn>"
         "<AssumedRoleId>AROA3XFRBF535PLBIFPI4:partner-api</AssumedRoleId></AssumedRoleUser>"
         "<Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>"
         "<SessionToken>FwoGZXIvYXdzE+/token=</SessionToken><Expiration>2026-11-09T13:34:41.123Z</Expiration></Credentials>"
         "<PackedPolicySize>7</PackedPolicySize></" +
         std::string(action) + "Result><ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata></" + std::string(action) +
         "Response>";
}

FakeAnswer xml(unsigned status, std::string body) { return FakeAnswer{status, std::move(body), "text/xml"}; }

json::value role_values(const AssumedRole& role) {
  json::object out{{"AccessKeyId", role.credentials.access_key_id},
                   {"SecretAccessKey", role.credentials.secret_access_key},
                   {"SessionToken", role.credentials.session_token},
                   {"Expiration", std::chrono::duration_cast<std::chrono::milliseconds>(role.credentials.expiration->time_since_epoch()).count()},
                   {"Arn", role.assumed_role_arn},
                   {"AssumedRoleId", role.assumed_role_id}};
  if (role.packed_policy_size) out["PackedPolicySize"] = *role.packed_policy_size;
  if (!role.source_identity.empty()) out["SourceIdentity"] = role.source_identity;
  if (!role.subject_from_web_identity_token.empty()) out["SubjectFromWebIdentityToken"] = role.subject_from_web_identity_token;
  if (!role.audience.empty()) out["Audience"] = role.audience;
  if (!role.provider.empty()) out["Provider"] = role.provider;
  return out;
}

StsClient sts_client_for(const FakeService& fake) {
  auto client = StsClient::create(lift::testing_support::options_for<StsOptions>(fake.endpoint()));
  EXPECT_TRUE(client) << client.error().message;
  return std::move(*client);
}

class StsCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string node(LIFT_TEST_NODE);
    if (node.empty() || !std::filesystem::exists(node)) LIFT_SKIP_WITHOUT() << "node is missing";
    if (!std::filesystem::exists(std::string(LIFT_TEST_SOURCE_DIR) + "/node_modules/@aws-sdk/client-sts"))
      LIFT_SKIP_WITHOUT() << "node_modules/@aws-sdk/client-sts is missing (run scripts/setup)";
  }

  // One call through the SDK: what it read, and what it sent.
  static std::pair<json::value, SeenRequest> sdk(FakeService& fake, const char* operation, const json::object& input) {
    fake.clear();
    const auto run = lift::testing_support::run_command(
        {LIFT_TEST_NODE, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/aws/sts_crosscheck.js", fake.endpoint(), operation,
         json::serialize(input)},
        "", 60s);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const auto seen = fake.seen();
    EXPECT_EQ(seen.size(), 1u) << run.err;
    if (run.exit_code != 0 || seen.size() != 1) return {};
    fake.clear();
    return {json::parse(run.out), seen[0]};
  }

  static SeenRequest ours(const FakeService& fake) {
    const auto seen = fake.seen();
    EXPECT_EQ(seen.size(), 1u);
    return seen.empty() ? SeenRequest{} : seen[0];
  }

  static void expect_same_request(const SeenRequest& theirs, const SeenRequest& mine, bool signed_request) {
    EXPECT_EQ(mine.method, theirs.method);
    EXPECT_EQ(mine.target, theirs.target);
    EXPECT_EQ(mine.body, theirs.body);
    EXPECT_EQ(mine.header("Content-Type").substr(0, 33), theirs.header("Content-Type").substr(0, 33));
    if (!signed_request) {
      EXPECT_EQ(theirs.header("Authorization"), "");
      EXPECT_EQ(mine.header("Authorization"), "");
      return;
    }
    const auto a = lift::testing_support::split_authorization(theirs.header("Authorization"));
    const auto b = lift::testing_support::split_authorization(mine.header("Authorization"));
    ASSERT_TRUE(a && b) << theirs.header("Authorization") << "\n" << mine.header("Authorization");
    EXPECT_EQ(b->service, "sts");
    EXPECT_EQ(b->service, a->service);
    EXPECT_EQ(b->region, a->region);
    EXPECT_EQ(lift::testing_support::check_signature(theirs, "sdk-secret"), "");
    EXPECT_EQ(lift::testing_support::check_signature(mine, "test-secret"), "");
  }
};

TEST_F(StsCrosscheck, AssumeRoleWithEveryParameter) {
  FakeService fake([](const SeenRequest&, int) { return xml(200, assume_role_answer("AssumeRole", "<SourceIdentity>alice</SourceIdentity>")); });
  const json::object input{{"RoleArn", kRole},
                           {"RoleSessionName", "partner-api"},
                           {"PolicyArns", json::array{json::object{{"arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}}},
                           {"Policy", R"({"Version":"2012-10-17","Statement":[]})"},
                           {"DurationSeconds", 1800},
                           {"Tags", json::array{json::object{{"Key", "Project"}, {"Value", "Kernel & co"}},
                                                json::object{{"Key", "Stage"}, {"Value", "prod"}}}},
                           {"TransitiveTagKeys", json::array{"Project"}},
                           {"ExternalId", "partner-42"},
                           {"SourceIdentity", "alice"}};
  const auto [theirs, their_request] = sdk(fake, "assume-role", input);
  auto client = sts_client_for(fake);
  auto role = client.assume_role({.role_arn = kRole,
                                  .role_session_name = "partner-api",
                                  .external_id = "partner-42",
                                  .duration = 1800s,
                                  .tags = {{"Project", "Kernel & co"}, {"Stage", "prod"}},
                                  .transitive_tag_keys = {"Project"},
                                  .source_identity = "alice",
                                  .policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"},
                                  .policy = R"({"Version":"2012-10-17","Statement":[]})"},
                                 Clock::now() + 5s);
  ASSERT_TRUE(role) << role.error().message;
  expect_same_request(their_request, ours(fake), true);
  EXPECT_EQ(role_values(*role), theirs);
}

TEST_F(StsCrosscheck, WebIdentityIsUnsigned) {
  FakeService fake([](const SeenRequest&, int) {
    return xml(200, assume_role_answer("AssumeRoleWithWebIdentity",
                                       "<SubjectFromWebIdentityToken>system:serviceaccount:ns:app</SubjectFromWebIdentityToken>"
                                       "<Audience>sts.amazonaws.com</Audience><Provider>oidc.example</Provider>"));
  });
  const json::object input{{"RoleArn", kRole}, {"RoleSessionName", "ci"}, {"WebIdentityToken", "eyJhbGciOi.J9=.sig"}, {"DurationSeconds", 900}};
  const auto [theirs, their_request] = sdk(fake, "web-identity", input);
  StsOptions options = lift::testing_support::options_for<StsOptions>(fake.endpoint());
  // No credentials at all: the call must not need them.
  options.credentials = std::make_shared<CredentialsChain>(std::vector<CredentialsProvider>{});
  auto client = StsClient::create(std::move(options));
  ASSERT_TRUE(client);
  auto role = client->assume_role_with_web_identity(
      {.role_arn = kRole, .role_session_name = "ci", .web_identity_token = "eyJhbGciOi.J9=.sig", .duration = 900s}, Clock::now() + 5s);
  ASSERT_TRUE(role) << role.error().message;
  expect_same_request(their_request, ours(fake), false);
  EXPECT_EQ(role_values(*role), theirs);
}

TEST_F(StsCrosscheck, GetCallerIdentityAndErrors) {
  FakeService fake([](const SeenRequest&, int) {
    return xml(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn>"
                    "<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
  });
  const auto [theirs, their_request] = sdk(fake, "caller-identity", {});
  auto client = sts_client_for(fake);
  auto identity = client.get_caller_identity(Clock::now() + 5s);
  ASSERT_TRUE(identity) << identity.error().message;
  expect_same_request(their_request, ours(fake), true);
  EXPECT_EQ(json::value(json::object{{"Account", identity->account}, {"Arn", identity->arn}, {"UserId", identity->user_id}}), theirs);

  for (const auto& [status, code, expected] : std::vector<std::tuple<unsigned, std::string, std::string_view>>{
           {403, "AccessDenied", kStsAccessDenied}, {400, "ExpiredToken", kStsExpiredToken}, {403, "RegionDisabledException", kStsRegionDisabled}}) {
    FakeService failing([&](const SeenRequest&, int) {
      return xml(status, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>" + code +
                             "</Code><Message>User is not authorized</Message></Error><RequestId>r</RequestId></ErrorResponse>");
    });
    const auto [their_error, unused] = sdk(failing, "assume-role", json::object{{"RoleArn", kRole}, {"RoleSessionName", "s1"}});
    auto failing_client = sts_client_for(failing);
    auto role = failing_client.assume_role({.role_arn = kRole, .role_session_name = "s1"}, Clock::now() + 5s);
    ASSERT_FALSE(role);
    EXPECT_EQ(role.error().code, expected);
    EXPECT_EQ(json::value(role.error().status), their_error.at("status"));
    EXPECT_EQ(failing.requests(), 1) << "not retried";
  }
}

TEST(StsClient, ThrottlingIsRetriedAndMalformedAnswersAreTyped) {
  FakeService fake([](const SeenRequest&, int number) {
    if (number == 1) return xml(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>");
    if (number == 2) return xml(200, assume_role_answer("AssumeRole"));
    if (number == 3) return xml(200, "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>");
    return xml(200, "{\"not\": \"xml\"}");
  });
  auto client = sts_client_for(fake);
  auto role = client.assume_role({.role_arn = kRole, .role_session_name = "s1"}, Clock::now() + 5s);
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(fake.requests(), 2);
  for (int i = 0; i < 2; ++i) {
    auto bad = client.assume_role({.role_arn = kRole, .role_session_name = "s1"}, Clock::now() + 5s);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, kStsMalformedResponse);
  }
  auto refused = client.assume_role({.role_arn = "not-an-arn", .role_session_name = "s1"}, Clock::now() + 5s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kStsInvalidParameter);
  EXPECT_EQ(fake.requests(), 4) << "a refused request is never sent";
}

TEST(StsClient, RegionalEndpoint) {
  auto client = StsClient::create({.region = "eu-west-3"});
  ASSERT_TRUE(client);
  EXPECT_EQ(client->endpoint(), "https://sts.eu-west-3.amazonaws.com");
  auto china = StsClient::create({.region = "cn-north-1"});
  ASSERT_TRUE(china);
  EXPECT_EQ(china->endpoint(), "https://sts.cn-north-1.amazonaws.com.cn");
  auto bad = StsClient::create({.endpoint = "ftp://x"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "Config");
}

}  // namespace
