// The credentials providers beyond the environment and the container endpoint, each against a
// local fake: web identity (a token file, a fake STS), profiles that assume roles (source_profile,
// credential_source, external_id, duration, cycles, mfa_serial), credential_process scripts
// (success, failure, hanging, bad output), the EC2 instance metadata service (IMDSv2), and
// assume_role_credentials; typed errors for AccessDenied, ExpiredToken and malformed answers.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "fake_service.hpp"
#include "fake_sts.hpp"
#include "lift/aws/accounts.hpp"
#include "lift/aws/credentials.hpp"
#include "lift/aws/sts.hpp"
#include "lift/core/time.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace lift::aws;
using namespace std::chrono_literals;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::ScopedEnv;
using lift::testing_support::form_value;
using lift::testing_support::sts_credentials;
using lift::testing_support::sts_error;
using lift::testing_support::SeenRequest;
using lift::testing_support::TempDir;

void write(const std::filesystem::path& path, const std::string& text, bool executable = false) {
  std::ofstream(path) << text;
  if (executable) ::chmod(path.c_str(), 0755);
}

// A clean environment: no credentials, no profile, no endpoints but the fake STS's.
struct IsolatedEnvironment {
  TempDir dir{"lift-credentials"};
  ScopedEnv key{"AWS_ACCESS_KEY_ID", nullptr}, secret{"AWS_SECRET_ACCESS_KEY", nullptr}, token{"AWS_SESSION_TOKEN", nullptr};
  ScopedEnv profile{"AWS_PROFILE", nullptr}, region{"AWS_REGION", "eu-west-1"}, default_region{"AWS_DEFAULT_REGION", nullptr};
  ScopedEnv config{"AWS_CONFIG_FILE", (dir / "config").string()}, credentials{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()};
  ScopedEnv web_identity{"AWS_WEB_IDENTITY_TOKEN_FILE", nullptr}, role_arn{"AWS_ROLE_ARN", nullptr}, session{"AWS_ROLE_SESSION_NAME", nullptr};
  ScopedEnv relative{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", nullptr}, full{"AWS_CONTAINER_CREDENTIALS_FULL_URI", nullptr};
  ScopedEnv endpoint{"AWS_ENDPOINT_URL", nullptr}, ignore{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", nullptr};
  ScopedEnv imds_disabled{"AWS_EC2_METADATA_DISABLED", "true"};
  std::optional<ScopedEnv> sts;

  explicit IsolatedEnvironment(const FakeService* fake = nullptr) {
    sts.emplace("AWS_ENDPOINT_URL_STS", fake != nullptr ? std::optional<std::string>(fake->endpoint()) : std::nullopt);
  }
};

TEST(WebIdentityCredentials, ExchangesTheTokenFileUnsigned) {
  FakeService sts([](const SeenRequest&, int number) {
    return sts_credentials("AssumeRoleWithWebIdentity", "ASIAWEB" + std::to_string(number));
  });
  IsolatedEnvironment env(&sts);
  const auto token_file = env.dir / "token";
  write(token_file, "eyJ.first.token\n");
  ScopedEnv file("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.string());
  ScopedEnv role("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/ci");
  ScopedEnv session("AWS_ROLE_SESSION_NAME", "build-42");

  auto found = web_identity_credentials()();
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->access_key_id, "ASIAWEB1");
  EXPECT_EQ(found->session_token, "token-ASIAWEB1");
  ASSERT_TRUE(found->expiration);
  auto seen = sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("Authorization"), "") << "AssumeRoleWithWebIdentity is unsigned";
  EXPECT_EQ(form_value(seen[0].body, "Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(form_value(seen[0].body, "WebIdentityToken"), "eyJ.first.token");
  EXPECT_EQ(form_value(seen[0].body, "RoleSessionName"), "build-42");

  // The token is rotated on disk: the next fetch reads it again.
  write(token_file, "eyJ.second.token");
  ASSERT_TRUE(web_identity_credentials()());
  EXPECT_EQ(form_value(sts.seen()[1].body, "WebIdentityToken"), "eyJ.second.token");

  // In the standard chain, before the profile files.
  write(env.dir / "credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n");
  auto chained = CredentialsChain::standard().get();
  ASSERT_TRUE(chained) << chained.error().message;
  EXPECT_EQ(chained->source, "web identity");
}

TEST(WebIdentityCredentials, ConfigurationAndStsErrors) {
  FakeService sts([](const SeenRequest&, int number) {
    if (number == 1) return sts_error(400, "InvalidIdentityToken");
    if (number == 2) return sts_error(400, "ExpiredTokenException");
    return FakeAnswer{200, "<AssumeRoleWithWebIdentityResponse/>", "text/xml"};
  });
  IsolatedEnvironment env(&sts);
  EXPECT_EQ(web_identity_credentials()().error().code, "aws.credentials_not_found");
  ScopedEnv file("AWS_WEB_IDENTITY_TOKEN_FILE", (env.dir / "missing").string());
  EXPECT_EQ(web_identity_credentials()().error().code, "aws.invalid_credentials") << "no AWS_ROLE_ARN";
  ScopedEnv role("AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/ci");
  auto missing = web_identity_credentials()();
  EXPECT_EQ(missing.error().code, "aws.invalid_credentials");
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
  write(env.dir / "token", "tok.en.value");
  ScopedEnv present("AWS_WEB_IDENTITY_TOKEN_FILE", (env.dir / "token").string());
  EXPECT_EQ(web_identity_credentials()().error().code, kStsInvalidIdentityToken);
  EXPECT_EQ(web_identity_credentials()().error().code, kStsExpiredToken);
  EXPECT_EQ(web_identity_credentials()().error().code, kStsMalformedResponse);
}

TEST(ProfileCredentials, AssumesARoleFromASourceProfile) {
  FakeService sts([](const SeenRequest& request, int number) {
    return sts_credentials("AssumeRole", "ASIAROLE" + std::to_string(number) + form_value(request.body, "RoleSessionName"));
  });
  IsolatedEnvironment env(&sts);
  write(env.dir / "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  write(env.dir / "config",
        "[profile kernel]\nrole_arn = arn:aws:iam::111122223333:role/kernel-reader\nsource_profile = base\n"
        "external_id = partner-42\nrole_session_name = partner-api\nduration_seconds = 1800\nregion = eu-central-1\n"
        "[profile chained]\nrole_arn = arn:aws:iam::444455556666:role/second\nsource_profile = kernel\n");
  auto found = profile_credentials({.profile = "kernel"})();
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->access_key_id, "ASIAROLE1partner-api");
  EXPECT_NE(found->source.find("profile kernel"), std::string::npos);
  auto seen = sts.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(form_value(seen[0].body, "RoleArn"), "arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fkernel-reader");
  EXPECT_EQ(form_value(seen[0].body, "ExternalId"), "partner-42");
  EXPECT_EQ(form_value(seen[0].body, "DurationSeconds"), "1800");
  const auto authorization = lift::testing_support::split_authorization(seen[0].header("Authorization"));
  ASSERT_TRUE(authorization);
  EXPECT_EQ(authorization->access_key_id, "AKIDBASE");
  EXPECT_EQ(authorization->region, "eu-central-1") << "the profile's region";
  EXPECT_EQ(lift::testing_support::check_signature(seen[0], "base-secret"), "");

  // Two hops: base's keys assume kernel, whose credentials assume second.
  sts.clear();
  auto chained = profile_credentials({.profile = "chained"})();
  ASSERT_TRUE(chained) << chained.error().message;
  seen = sts.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(lift::testing_support::split_authorization(seen[1].header("Authorization"))->access_key_id, "ASIAROLE1partner-api");
  EXPECT_EQ(seen[1].header("X-Amz-Security-Token"), "token-ASIAROLE1partner-api");
  EXPECT_TRUE(form_value(seen[1].body, "RoleSessionName").starts_with("lift-")) << "the default session name";
}

TEST(ProfileCredentials, CredentialSourceAndSelfSource) {
  FakeService sts([](const SeenRequest& request, int) {
    return sts_credentials("AssumeRole", "ASIA" + lift::testing_support::split_authorization(request.header("Authorization"))->access_key_id);
  });
  IsolatedEnvironment env(&sts);
  write(env.dir / "config",
        "[profile from-env]\nrole_arn = arn:aws:iam::111122223333:role/r\ncredential_source = Environment\n"
        "[profile self]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = self\n"
        "aws_access_key_id = AKIDSELF\naws_secret_access_key = self-secret\n");
  ScopedEnv key("AWS_ACCESS_KEY_ID", "AKIDENV"), secret("AWS_SECRET_ACCESS_KEY", "env-secret");
  auto from_env = profile_credentials({.profile = "from-env"})();
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->access_key_id, "ASIAAKIDENV");
  auto self = profile_credentials({.profile = "self"})();
  ASSERT_TRUE(self) << self.error().message;
  EXPECT_EQ(self->access_key_id, "ASIAAKIDSELF");
}

TEST(ProfileCredentials, BadProfilesAreClearErrors) {
  FakeService sts([](const SeenRequest&, int) { return sts_error(403, "AccessDenied"); });
  IsolatedEnvironment env(&sts);
  write(env.dir / "credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n");
  write(env.dir / "config",
        "[profile mfa]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/u\n"
        "[profile a]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = b\n"
        "[profile b]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = a\n"
        "[profile both]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = base\ncredential_source = Environment\n"
        "[profile neither]\nrole_arn = arn:aws:iam::111122223333:role/r\n"
        "[profile bad-source]\nrole_arn = arn:aws:iam::111122223333:role/r\ncredential_source = Laptop\n"
        "[profile no-env]\nrole_arn = arn:aws:iam::111122223333:role/r\ncredential_source = Environment\n"
        "[profile missing-source]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = nowhere\n"
        "[profile long]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = base\nduration_seconds = 99999\n"
        "[profile half]\naws_access_key_id = AKIDHALF\n"
        "[profile denied]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = base\n"
        "[profile empty]\nregion = eu-west-1\n");
  const auto error_of = [](const char* profile) {
    auto found = profile_credentials({.profile = profile})();
    EXPECT_FALSE(found) << profile;
    return found ? lift::Error{} : found.error();
  };
  for (const auto& [profile, words] : std::vector<std::pair<const char*, const char*>>{
           {"mfa", "mfa_serial"}, {"a", "cycle"}, {"both", "both"}, {"neither", "neither source_profile nor credential_source"},
           {"bad-source", "Laptop"}, {"no-env", "AWS_ACCESS_KEY_ID"}, {"missing-source", "does not exist"},
           {"long", "duration_seconds"}, {"half", "both aws_access_key_id"}}) {
    const auto error = error_of(profile);
    EXPECT_EQ(error.code, "aws.invalid_credentials") << profile << ": " << error.message;
    EXPECT_NE(error.message.find(words), std::string::npos) << profile << ": " << error.message;
  }
  EXPECT_EQ(sts.requests(), 0) << "nothing was sent for a broken profile";
  EXPECT_EQ(error_of("denied").code, kStsAccessDenied);
  EXPECT_EQ(error_of("empty").code, "aws.credentials_not_found");
  EXPECT_EQ(error_of("absent").code, "aws.credentials_not_found");
}

TEST(ProcessCredentials, ReadsTheCommandsJson) {
  TempDir dir("lift-process");
  write(dir / "ok.sh",
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"s\", \"SessionToken\": \"t\", "
        "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
        true);
  auto found = process_credentials((dir / "ok.sh").string() + " --profile x")();
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->access_key_id, "AKIDPROC");
  EXPECT_EQ(found->session_token, "t");
  ASSERT_TRUE(found->expiration);

  IsolatedEnvironment env;
  write(env.dir / "config", "[default]\ncredential_process = " + (dir / "ok.sh").string() + "\n");
  auto from_profile = profile_credentials()();
  ASSERT_TRUE(from_profile) << from_profile.error().message;
  EXPECT_EQ(from_profile->source, "profile default (credential_process)");
}

TEST(ProcessCredentials, FailingHangingAndBadOutputAreRefused) {
  TempDir dir("lift-process");
  const auto refused = [](const std::string& command, std::chrono::milliseconds timeout = 5s) {
    auto found = process_credentials(command, timeout)();
    EXPECT_FALSE(found) << command;
    if (found) return std::string();
    EXPECT_EQ(found.error().code, "aws.invalid_credentials") << command;
    return found.error().message;
  };
  EXPECT_NE(refused("echo 'token expired, run sso login' >&2; exit 3").find("status 3: token expired"), std::string::npos);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_NE(refused("sleep 30", 300ms).find("within 300 ms"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "the hanging command was killed";
  // A child that keeps the output open after its shell exits is bounded too.
  EXPECT_NE(refused("(sleep 30 &) ; echo '{}'", 300ms).find("300 ms"), std::string::npos);
  EXPECT_NE(refused("echo not json").find("not a JSON object"), std::string::npos);
  EXPECT_NE(refused(R"(echo '{"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "s"}')").find("Version"), std::string::npos);
  EXPECT_NE(refused(R"(echo '{"Version": 1, "AccessKeyId": "a"}')").find("SecretAccessKey"), std::string::npos);
  EXPECT_NE(refused(R"(echo '{"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s", "Expiration": "later"}')").find("Expiration"),
            std::string::npos);
  EXPECT_NE(refused("head -c 100000 /dev/zero").find("64 KiB"), std::string::npos);
  EXPECT_NE(refused((dir / "missing.sh").string()).find("status 127"), std::string::npos);
}

// A fake IMDS: a session token first, then the role name, then the role's credentials.
FakeAnswer imds_answer(const SeenRequest& request, const std::string& credentials_json) {
  if (request.method == "PUT" && request.target == "/latest/api/token") {
    if (request.header("X-aws-ec2-metadata-token-ttl-seconds").empty()) return FakeAnswer{400, "", "text/plain"};
    return FakeAnswer{200, "imds-session-token", "text/plain"};
  }
  if (request.header("X-aws-ec2-metadata-token") != "imds-session-token") return FakeAnswer{401, "", "text/plain"};
  if (request.target == "/latest/meta-data/iam/security-credentials/") return FakeAnswer{200, "instance-role\n", "text/plain"};
  if (request.target == "/latest/meta-data/iam/security-credentials/instance-role") return FakeAnswer{200, credentials_json, "text/plain"};
  return FakeAnswer{404, "", "text/plain"};
}

TEST(ImdsCredentials, TokenThenRoleThenCredentials) {
  FakeService imds([](const SeenRequest& request, int) {
    return imds_answer(request, R"({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS", "SecretAccessKey": "s",
                                    "Token": "t", "Expiration": "2099-01-01T00:00:00Z", "LastUpdated": "2026-01-01T00:00:00Z"})");
  });
  ScopedEnv enabled("AWS_EC2_METADATA_DISABLED", nullptr);
  ScopedEnv endpoint("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.endpoint());
  auto found = imds_credentials()();
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->access_key_id, "ASIAIMDS");
  EXPECT_EQ(found->session_token, "t");
  EXPECT_EQ(found->source, "EC2 instance metadata (role instance-role)");
  const auto seen = imds.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].header("X-aws-ec2-metadata-token-ttl-seconds"), "21600");

  ScopedEnv disabled("AWS_EC2_METADATA_DISABLED", "TRUE");
  EXPECT_EQ(imds_credentials()().error().code, "aws.credentials_not_found");
  EXPECT_EQ(imds.requests(), 3);
}

TEST(ImdsCredentials, UnreachableIsNotFoundQuicklyAndBadAnswersAreTyped) {
  ScopedEnv enabled("AWS_EC2_METADATA_DISABLED", nullptr);
  {
    // A port nothing listens on: connection refused, not found.
    std::uint16_t closed_port = 0;
    { FakeService gone([](const SeenRequest&, int) { return FakeAnswer{}; }); closed_port = gone.port(); }
    auto found = imds_credentials({.endpoint = "http://127.0.0.1:" + std::to_string(closed_port)})();
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, "aws.credentials_not_found");
  }
  {
    // A service that never answers the token request (a hop limit of 1 in a container): not
    // found within the timeout.
    FakeService silent([](const SeenRequest&, int) { return FakeAnswer{200, "late", "text/plain", {}, 3000ms}; });
    const auto started = std::chrono::steady_clock::now();
    auto found = imds_credentials({.endpoint = silent.endpoint(), .timeout = 300ms})();
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, "aws.credentials_not_found");
    EXPECT_NE(found.error().message.find("hop limit"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  }
  for (const auto& [body, code] : std::vector<std::pair<std::string, std::string>>{
           {"not json", "aws.invalid_credentials"},
           {R"({"Code": "Success", "AccessKeyId": "A"})", "aws.invalid_credentials"},
           {R"({"Code": "Success", "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"})", "aws.invalid_credentials"},
           {R"({"Code": "AssumeRoleUnauthorizedAccess", "Message": "no"})", "aws.credentials_fetch_failed"}}) {
    FakeService imds([body = body](const SeenRequest& request, int) { return imds_answer(request, body); });
    auto found = imds_credentials({.endpoint = imds.endpoint()})();
    ASSERT_FALSE(found) << body;
    EXPECT_EQ(found.error().code, code) << body << ": " << found.error().message;
  }
  FakeService no_role([](const SeenRequest& request, int) {
    if (request.method == "PUT") return FakeAnswer{200, "imds-session-token", "text/plain"};
    return FakeAnswer{404, "", "text/plain"};
  });
  EXPECT_EQ(imds_credentials({.endpoint = no_role.endpoint()})().error().code, "aws.credentials_not_found");
}

TEST(AssumeRoleCredentials, CachedWithTypedErrors) {
  using Clock = std::chrono::system_clock;
  const auto expires = Clock::now() + 1h;
  std::atomic<bool> deny{false};
  FakeService sts([&](const SeenRequest&, int number) {
    if (deny) return sts_error(403, "AccessDenied");
    const auto expiration = lift::rfc3339(expires + std::chrono::hours(number - 1));
    return sts_credentials("AssumeRole", "ASIA" + std::to_string(number), expiration);
  });
  StsOptions options = lift::testing_support::options_for<StsOptions>(sts.endpoint());
  auto chain = assume_role_credentials({.role_arn = "arn:aws:iam::111122223333:role/kernel-reader", .external_id = "partner-42"},
                                       std::move(options));
  ASSERT_TRUE(chain) << chain.error().message;
  auto first = (*chain)->get();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->access_key_id, "ASIA1");
  EXPECT_EQ(first->source, "assumed role arn:aws:iam::111122223333:role/kernel-reader");
  ASSERT_TRUE((*chain)->get());
  EXPECT_EQ(sts.requests(), 1) << "cached";
  EXPECT_EQ(form_value(sts.seen()[0].body, "ExternalId"), "partner-42");

  auto bad = assume_role_credentials({.role_arn = "kernel-reader"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, kStsInvalidParameter);
  auto denied_at_use = assume_role_credentials({.role_arn = "arn:aws:iam::111122223333:role/x"},
                                               lift::testing_support::options_for<StsOptions>(sts.endpoint()));
  ASSERT_TRUE(denied_at_use);
  deny = true;
  EXPECT_EQ((*denied_at_use)->get().error().code, kStsAccessDenied);
}

}  // namespace

namespace {

TEST(Accounts, OneCredentialsChainAndClientPerRoleSignedAsTheRole) {
  FakeService sts([](const SeenRequest& request, int number) {
    return sts_credentials("AssumeRole", "ASIAKERNEL" + std::to_string(number) + form_value(request.body, "ExternalId"));
  });
  FakeService dynamodb([](const SeenRequest&, int) { return FakeAnswer{200, R"({"Item": {"pk": {"S": "a"}}})", "application/x-amz-json-1.0"}; });
  AccountsOptions options;
  options.sts = lift::testing_support::options_for<StsOptions>(sts.endpoint());
  options.dynamodb.endpoint = dynamodb.endpoint();
  options.dynamodb.region = "eu-west-1";
  options.max_roles = 2;
  Accounts accounts(std::move(options));
  const AccountRole kernel{.role_arn = "arn:aws:iam::111122223333:role/kernel-reader", .external_id = "partner-42"};

  auto db = accounts.dynamodb(kernel);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(accounts.dynamodb(kernel)->get(), db->get()) << "created once";
  auto item = (*db)->call("GetItem", boost::json::object{{"TableName", "kernel-table"}, {"Key", {{"pk", {{"S", "a"}}}}}},
                          std::chrono::steady_clock::now() + 5s);
  ASSERT_TRUE(item) << item.error().message;
  const auto call = dynamodb.seen().at(0);
  EXPECT_EQ(lift::testing_support::split_authorization(call.header("Authorization"))->access_key_id, "ASIAKERNEL1partner-42");
  EXPECT_EQ(call.header("X-Amz-Security-Token"), "token-ASIAKERNEL1partner-42");
  EXPECT_EQ(lift::testing_support::check_signature(call, "secret-ASIAKERNEL1partner-42"), "");
  EXPECT_EQ(sts.requests(), 1);

  // The same role signs an IAM-authorised API request, with the cached credentials.
  HttpRequest request{"GET", "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/orders", {}, {}};
  auto signed_request = accounts.sign(kernel, request, "execute-api", "eu-west-1");
  ASSERT_TRUE(signed_request) << signed_request.error().message;
  EXPECT_NE(signed_request->string_to_sign.find("/eu-west-1/execute-api/aws4_request"), std::string::npos);
  EXPECT_EQ(sts.requests(), 1);

  // Another external id is another role; the cache keeps two.
  EXPECT_NE(accounts.dynamodb({.role_arn = kernel.role_arn, .external_id = "partner-7"})->get(), db->get());
  EXPECT_TRUE(accounts.credentials({.role_arn = "arn:aws:iam::444455556666:role/other"}));
  EXPECT_EQ(accounts.size(), 2u);
  EXPECT_NE(accounts.dynamodb(kernel)->get(), db->get()) << "the least recently used role was dropped";
  EXPECT_TRUE((*db)->call("GetItem", boost::json::object{{"TableName", "t"}, {"Key", {{"pk", {{"S", "a"}}}}}},
                          std::chrono::steady_clock::now() + 5s))
      << "a client handed out stays usable";

  auto refused = accounts.dynamodb({.role_arn = "kernel-reader"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kStsInvalidParameter);
}

}  // namespace

namespace {

TEST(ImdsCredentials, AfterASilentAttemptItIsSkippedForAWhile) {
  ScopedEnv enabled("AWS_EC2_METADATA_DISABLED", nullptr);
  FakeService silent([](const SeenRequest&, int) { return FakeAnswer{200, "late", "text/plain", {}, 2000ms}; });
  auto provider = imds_credentials({.endpoint = silent.endpoint(), .timeout = 200ms});
  ASSERT_EQ(provider().error().code, "aws.credentials_not_found");
  const auto started = std::chrono::steady_clock::now();
  auto again = provider();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 100ms);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "aws.credentials_not_found");
  EXPECT_EQ(silent.requests(), 1);
}

}  // namespace
