// The STS client's requests and answers (lift/aws/sts.hpp), without a network: the query
// parameters, what is refused before a call, the answers' XML, malformed answers and typed errors.
#include "lift/aws/sts.hpp"

#include <gtest/gtest.h>

#include "aws/xml.hpp"

namespace {

using namespace lift::aws;
using namespace std::chrono_literals;

constexpr const char* kRole = "arn:aws:iam::111122223333:role/kernel-reader";

TEST(StsRequests, AssumeRoleParametersInTheSdkOrder) {
  AssumeRoleRequest request{.role_arn = kRole,
                            .role_session_name = "partner-api",
                            .external_id = "partner-42",
                            .duration = 3600s,
                            .tags = {{"Project", "Kernel"}, {"Stage", "prod"}},
                            .transitive_tag_keys = {"Project"},
                            .source_identity = "alice@example.com",
                            .policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"},
                            .policy = R"({"Version":"2012-10-17"})"};
  auto parameters = assume_role_parameters(request);
  ASSERT_TRUE(parameters) << parameters.error().message;
  const std::vector<std::pair<std::string, std::string>> expected{
      {"RoleArn", kRole},
      {"RoleSessionName", "partner-api"},
      {"PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"},
      {"Policy", R"({"Version":"2012-10-17"})"},
      {"DurationSeconds", "3600"},
      {"Tags.member.1.Key", "Project"},
      {"Tags.member.1.Value", "Kernel"},
      {"Tags.member.2.Key", "Stage"},
      {"Tags.member.2.Value", "prod"},
      {"TransitiveTagKeys.member.1", "Project"},
      {"ExternalId", "partner-42"},
      {"SourceIdentity", "alice@example.com"}};
  EXPECT_EQ(*parameters, expected);
  EXPECT_EQ(lift::aws::detail::query_protocol_body("AssumeRole", "2011-06-15", {{"RoleArn", kRole}, {"RoleSessionName", "a b"}}),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fkernel-reader&"
            "RoleSessionName=a%20b");

  auto minimal = assume_role_parameters({.role_arn = kRole, .role_session_name = "s1"});
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->size(), 2u);
}

TEST(StsRequests, WebIdentityParameters) {
  auto parameters = assume_role_with_web_identity_parameters(
      {.role_arn = kRole, .role_session_name = "ci", .web_identity_token = "eyJ.token.sig", .duration = 900s, .provider_id = "www.amazon.com"});
  ASSERT_TRUE(parameters) << parameters.error().message;
  const std::vector<std::pair<std::string, std::string>> expected{{"RoleArn", kRole},
                                                                  {"RoleSessionName", "ci"},
                                                                  {"WebIdentityToken", "eyJ.token.sig"},
                                                                  {"ProviderId", "www.amazon.com"},
                                                                  {"DurationSeconds", "900"}};
  EXPECT_EQ(*parameters, expected);
}

TEST(StsRequests, BadInputIsRefusedBeforeACall) {
  const auto refused = [](AssumeRoleRequest request) {
    auto parameters = assume_role_parameters(request);
    EXPECT_FALSE(parameters);
    if (parameters) return std::string();
    EXPECT_EQ(parameters.error().code, kStsInvalidParameter);
    EXPECT_EQ(parameters.error().status, 400);
    return parameters.error().message;
  };
  EXPECT_NE(refused({.role_arn = "", .role_session_name = "s1"}).find("not an ARN"), std::string::npos);
  EXPECT_NE(refused({.role_arn = "role/x", .role_session_name = "s1"}).find("not an ARN"), std::string::npos);
  EXPECT_NE(refused({.role_arn = kRole, .role_session_name = ""}).find("session name"), std::string::npos);
  refused({.role_arn = kRole, .role_session_name = "x"});
  refused({.role_arn = kRole, .role_session_name = "has space"});
  refused({.role_arn = kRole, .role_session_name = std::string(65, 'a')});
  EXPECT_NE(refused({.role_arn = kRole, .role_session_name = "s1", .duration = 899s}).find("900"), std::string::npos);
  refused({.role_arn = kRole, .role_session_name = "s1", .duration = 43201s});
  refused({.role_arn = kRole, .role_session_name = "s1", .external_id = "x"});
  refused({.role_arn = kRole, .role_session_name = "s1", .external_id = "bad\nid"});
  refused({.role_arn = kRole, .role_session_name = "s1", .tags = {{"", "v"}}});
  refused({.role_arn = kRole, .role_session_name = "s1", .tags = {{"k", std::string(257, 'v')}}});
  refused({.role_arn = kRole, .role_session_name = "s1", .tags = {{"k", "v"}}, .transitive_tag_keys = {"other"}});
  refused({.role_arn = kRole, .role_session_name = "s1", .source_identity = "has space"});
  refused({.role_arn = kRole, .role_session_name = "s1", .policy_arns = {"ReadOnly"}});
  refused({.role_arn = kRole, .role_session_name = "s1", .policy_arns = std::vector<std::string>(11, "arn:aws:iam::aws:policy/x")});
  auto no_token = assume_role_with_web_identity_parameters({.role_arn = kRole, .role_session_name = "ci"});
  ASSERT_FALSE(no_token);
  EXPECT_EQ(no_token.error().code, kStsInvalidParameter);
}

constexpr const char* kAssumeRoleAnswer = R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::111122223333:assumed-role/kernel-reader/partner-api</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:partner-api</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>FwoGZXIvYXdzE&amp;token</SessionToken>
      <Expiration>2026-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

TEST(StsAnswers, AssumeRole) {
  auto role = parse_assume_role_answer(kAssumeRoleAnswer);
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(role->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(role->credentials.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  EXPECT_EQ(role->credentials.session_token, "FwoGZXIvYXdzE&token");
  ASSERT_TRUE(role->credentials.expiration);
  EXPECT_EQ(*role->credentials.expiration, std::chrono::sys_days(std::chrono::year(2026) / 11 / 9) + 13h + 34min + 41s);
  EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::111122223333:assumed-role/kernel-reader/partner-api");
  EXPECT_EQ(role->assumed_role_id, "AROA3XFRBF535PLBIFPI4:partner-api");
  EXPECT_EQ(role->packed_policy_size, 6);
  EXPECT_EQ(role->source_identity, "Alice");
}

TEST(StsAnswers, WebIdentityAndCallerIdentity) {
  auto role = parse_assume_role_with_web_identity_answer(R"(<AssumeRoleWithWebIdentityResponse>
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:ns:app</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <Provider>arn:aws:iam::111122223333:oidc-provider/oidc.eks</Provider>
    <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/ci/x</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>
    <Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>
      <Expiration>2026-11-09T13:34:41.5Z</Expiration></Credentials>
  </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>)");
  ASSERT_TRUE(role) << role.error().message;
  EXPECT_EQ(role->subject_from_web_identity_token, "system:serviceaccount:ns:app");
  EXPECT_EQ(role->audience, "sts.amazonaws.com");
  EXPECT_EQ(role->provider, "arn:aws:iam::111122223333:oidc-provider/oidc.eks");
  EXPECT_FALSE(role->packed_policy_size);

  auto identity = parse_caller_identity_answer(R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/Alice</Arn><UserId>AKIAI44QH8DHBEXAMPLE</UserId>
  <Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>)");
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->account, "123456789012");
  EXPECT_EQ(identity->arn, "arn:aws:iam::123456789012:user/Alice");
  EXPECT_EQ(identity->user_id, "AKIAI44QH8DHBEXAMPLE");
}

TEST(StsAnswers, MalformedAnswersAreTyped) {
  const std::string credentials_start = "<AssumeRoleResponse><AssumeRoleResult><Credentials>";
  const std::string end = "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
  for (const std::string& body : {
           std::string("not xml"),
           std::string("<GetCallerIdentityResponse/>"),
           std::string("<AssumeRoleResponse/>"),
           std::string("<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>"),
           credentials_start + "<AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><Expiration>2026-01-01T00:00:00Z</Expiration>" + end,
           credentials_start + "<AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>" + end,
           credentials_start +
               "<AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>soon</Expiration>" +
               end,
           "<AssumeRoleResponse><AssumeRoleResult><PackedPolicySize>six</PackedPolicySize><Credentials><AccessKeyId>A</AccessKeyId>"
           "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2026-01-01T00:00:00Z</Expiration>" + end,
       }) {
    auto role = parse_assume_role_answer(body);
    ASSERT_FALSE(role) << body;
    EXPECT_EQ(role.error().code, kStsMalformedResponse) << body;
    EXPECT_EQ(role.error().status, 502);
  }
  auto identity = parse_caller_identity_answer("<GetCallerIdentityResponse><GetCallerIdentityResult/></GetCallerIdentityResponse>");
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code, kStsMalformedResponse);
}

TEST(StsAnswers, ErrorsAreTyped) {
  const auto error = [](int status, std::string_view code) {
    return lift::aws::detail::parse_xml_error("STS", status,
                                             "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>" +
                                                 std::string(code) + "</Code><Message>no</Message></Error></ErrorResponse>");
  };
  EXPECT_EQ(error(403, "AccessDenied").code, kStsAccessDenied);
  EXPECT_EQ(error(400, "ExpiredTokenException").code, kStsExpiredToken);
  EXPECT_EQ(error(403, "RegionDisabledException").code, kStsRegionDisabled);
  EXPECT_EQ(error(400, "InvalidIdentityToken").code, kStsInvalidIdentityToken);
  EXPECT_EQ(error(400, "Throttling").code, kStsThrottling);
  EXPECT_EQ(error(403, "AccessDenied").status, 403);
}

TEST(StsArns, AccountOfArn) {
  EXPECT_EQ(account_of_arn(kRole), "111122223333");
  EXPECT_EQ(account_of_arn("arn:aws-cn:sts::123456789012:assumed-role/r/s"), "123456789012");
  for (const char* bad : {"", "arn:aws:s3:::bucket", "arn:aws:iam::12345:role/x", "nope:aws:iam::111122223333:role/x", "arn:aws"})
    EXPECT_EQ(account_of_arn(bad), "") << bad;
}

}  // namespace
