// The credentials chain: environment, shared files and profiles, region, caching and refresh.
#include "lift/aws/credentials.hpp"

#include <gtest/gtest.h>

#include "support/scoped_env.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace lift::aws;
using namespace std::chrono_literals;

using lift::testing_support::ScopedEnv;

// No credentials or region from the machine running the tests.
struct CredentialsTest : ::testing::Test {
  ScopedEnv key{"AWS_ACCESS_KEY_ID", std::nullopt};
  ScopedEnv secret{"AWS_SECRET_ACCESS_KEY", std::nullopt};
  ScopedEnv token{"AWS_SESSION_TOKEN", std::nullopt};
  ScopedEnv profile{"AWS_PROFILE", std::nullopt};
  ScopedEnv region{"AWS_REGION", std::nullopt};
  ScopedEnv default_region{"AWS_DEFAULT_REGION", std::nullopt};
  fs::path dir = fs::temp_directory_path() / ("lift-credentials-" + std::to_string(::getpid()));
  ScopedEnv credentials_file{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()};
  ScopedEnv config_file{"AWS_CONFIG_FILE", (dir / "config").string()};

  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }
};

TEST_F(CredentialsTest, FromTheEnvironment) {
  EXPECT_EQ(environment_credentials()().error().code, "aws.credentials_not_found");
  ScopedEnv k("AWS_ACCESS_KEY_ID", "AKID");
  EXPECT_EQ(environment_credentials()().error().code, "aws.invalid_credentials");  // key without secret
  ScopedEnv s("AWS_SECRET_ACCESS_KEY", "SECRET");
  ScopedEnv t("AWS_SESSION_TOKEN", "TOKEN");
  auto found = environment_credentials()();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->access_key_id, "AKID");
  EXPECT_EQ(found->secret_access_key, "SECRET");
  EXPECT_EQ(found->session_token, "TOKEN");
  EXPECT_EQ(found->source, "environment");
}

TEST_F(CredentialsTest, FromProfiles) {
  write("credentials",
        "# comment\n[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key=DEFAULTSECRET\n\n"
        "[dev]\n  ; indented lines belong to the previous key\naws_access_key_id = DEVKEY\naws_secret_access_key = DEVSECRET\n"
        "aws_session_token = DEVTOKEN\n[broken]\naws_access_key_id = ONLYKEY\n");
  write("config", "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\naws_access_key_id = CONFIGKEY\n"
                  "aws_secret_access_key = CONFIGSECRET\n[profile config-only]\naws_access_key_id = CK\naws_secret_access_key = CS\n");
  auto standard = profile_credentials()();
  ASSERT_TRUE(standard) << standard.error().message;
  EXPECT_EQ(standard->access_key_id, "DEFAULTKEY");
  EXPECT_EQ(standard->source, "profile default");

  auto dev = profile_credentials({.profile = "dev"})();
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->access_key_id, "DEVKEY");  // the credentials file wins over config
  EXPECT_EQ(dev->session_token, "DEVTOKEN");

  auto config_only = profile_credentials({.profile = "config-only"})();
  ASSERT_TRUE(config_only);
  EXPECT_EQ(config_only->access_key_id, "CK");

  EXPECT_EQ(profile_credentials({.profile = "broken"})().error().code, "aws.invalid_credentials");
  EXPECT_EQ(profile_credentials({.profile = "missing"})().error().code, "aws.credentials_not_found");

  ScopedEnv chosen("AWS_PROFILE", "dev");
  EXPECT_EQ(profile_credentials()()->access_key_id, "DEVKEY");
  EXPECT_EQ(resolve_region(), "ap-south-1");
}

TEST_F(CredentialsTest, MissingFilesAreNotAnError) {
  EXPECT_EQ(profile_credentials()().error().code, "aws.credentials_not_found");
  EXPECT_FALSE(resolve_region().has_value());
}

TEST_F(CredentialsTest, RegionPrecedence) {
  write("config", "[default]\nregion = eu-west-1\n");
  EXPECT_EQ(resolve_region(), "eu-west-1");
  ScopedEnv d("AWS_DEFAULT_REGION", "us-west-2");
  EXPECT_EQ(resolve_region(), "us-west-2");
  ScopedEnv r("AWS_REGION", "eu-central-1");
  EXPECT_EQ(resolve_region(), "eu-central-1");
}

TEST_F(CredentialsTest, EnvironmentComesBeforeProfiles) {
  write("credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n");
  EXPECT_EQ(CredentialsChain::standard().get()->access_key_id, "FILEKEY");
  ScopedEnv k("AWS_ACCESS_KEY_ID", "ENVKEY");
  ScopedEnv s("AWS_SECRET_ACCESS_KEY", "ENVSECRET");
  EXPECT_EQ(CredentialsChain::standard().get()->access_key_id, "ENVKEY");
}

TEST_F(CredentialsTest, NothingFoundListsWhatWasTried) {
  auto none = CredentialsChain::standard().get();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "aws.credentials_not_found");
  EXPECT_NE(none.error().message.find("AWS_ACCESS_KEY_ID is not set"), std::string::npos);
  EXPECT_NE(none.error().message.find("no profile 'default'"), std::string::npos);
}

TEST(CredentialsChainCache, CachesAndRefreshesBeforeExpiry) {
  auto now = std::chrono::system_clock::time_point(std::chrono::hours(1000));
  int calls = 0;
  bool fail = false;
  CredentialsProvider temporary = [&]() -> lift::Result<Credentials> {
    ++calls;
    if (fail) return lift::Error{"aws.credentials_endpoint", "endpoint down", 503};
    return Credentials{"KEY" + std::to_string(calls), "SECRET", "TOKEN", now + 1h, "test"};
  };
  CredentialsChain chain({temporary}, [&] { return now; }, std::chrono::minutes(5));
  EXPECT_EQ(chain.get()->access_key_id, "KEY1");
  now += 30min;
  EXPECT_EQ(chain.get()->access_key_id, "KEY1");  // cached
  EXPECT_EQ(calls, 1);
  now += 26min;  // within five minutes of expiry: fetch again
  EXPECT_EQ(chain.get()->access_key_id, "KEY2");
  EXPECT_EQ(calls, 2);
  // A failing refresh keeps credentials that are still valid, and reports once they are not.
  now += 56min;
  fail = true;
  EXPECT_EQ(chain.get()->access_key_id, "KEY2");
  now += 5min;
  auto expired = chain.get();
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, "aws.credentials_endpoint");
}

TEST(CredentialsChainCache, LongTermCredentialsAreFetchedOnce) {
  int calls = 0;
  CredentialsChain chain({[&]() -> lift::Result<Credentials> {
    ++calls;
    return Credentials{"K", "S", "", std::nullopt, "test"};
  }});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(chain.get());
  EXPECT_EQ(calls, 1);
}

}  // namespace

namespace {

TEST(ContainerCredentials, ParsesTheEndpointsJson) {
  auto found = parse_container_credentials(
      R"({"AccessKeyId":"ASIAX","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-02T03:04:05Z","RoleArn":"arn:x"})");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->access_key_id, "ASIAX");
  EXPECT_EQ(found->secret_access_key, "S");
  EXPECT_EQ(found->session_token, "T");
  EXPECT_EQ(found->source, "container");
  ASSERT_TRUE(found->expiration);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*found->expiration), 1893553445);

  // Fractions and offsets name the same instant.
  for (const char* same : {"2030-01-02T03:04:05.123Z", "2030-01-02T05:04:05+02:00", "2030-01-01T22:04:05-0500"}) {
    auto other = parse_container_credentials(std::string(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":")") + same + "\"}");
    ASSERT_TRUE(other) << same;
    EXPECT_EQ(std::chrono::system_clock::to_time_t(*other->expiration), 1893553445) << same;
  }
  auto long_term = parse_container_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":null})");
  ASSERT_TRUE(long_term);
  EXPECT_FALSE(long_term->expiration);
  EXPECT_TRUE(long_term->session_token.empty());
}

TEST(ContainerCredentials, BadJsonIsATypedError) {
  for (const char* bad : {"", "not json", "[]", "{}", R"({"AccessKeyId":"A"})", R"({"AccessKeyId":1,"SecretAccessKey":"S"})",
                          R"({"AccessKeyId":"","SecretAccessKey":"S"})", R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":5})",
                          R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"})",
                          R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-02-30T00:00:00Z"})",
                          R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-02T03:04:05"})",
                          R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-02T25:04:05Z"})",
                          R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-02T03:04:05Zjunk"})",
                          R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":12})"}) {
    auto found = parse_container_credentials(bad);
    ASSERT_FALSE(found) << bad;
    EXPECT_EQ(found.error().code, "aws.invalid_credentials") << bad;
  }
}

struct ContainerEnvironment : CredentialsTest {
  ScopedEnv relative{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", std::nullopt};
  ScopedEnv full{"AWS_CONTAINER_CREDENTIALS_FULL_URI", std::nullopt};
  ScopedEnv token{"AWS_CONTAINER_AUTHORIZATION_TOKEN", std::nullopt};
  ScopedEnv token_file{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", std::nullopt};
};

TEST_F(ContainerEnvironment, NotFoundWithoutTheVariables) {
  EXPECT_EQ(container_credentials()().error().code, "aws.credentials_not_found");
  auto chain = CredentialsChain::standard();
  EXPECT_EQ(chain.get().error().code, "aws.credentials_not_found");
}

TEST_F(ContainerEnvironment, PlainHttpIsOnlyForLocalHosts) {
  for (const char* refused : {"http://example.com/creds", "http://169.254.169.254/latest", "http://10.0.0.1/", "http://127.evil.com/",
                              "not a url", "ftp://127.0.0.1/"}) {
    ScopedEnv uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused);
    auto found = container_credentials()();
    ASSERT_FALSE(found) << refused;
    EXPECT_EQ(found.error().code, "aws.invalid_credentials") << refused;
  }
}

TEST_F(ContainerEnvironment, ATokenWithALineBreakIsRefused) {
  ScopedEnv uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds");
  ScopedEnv bad("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1");
  EXPECT_EQ(container_credentials()().error().code, "aws.invalid_credentials");
  ScopedEnv missing("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (dir / "no-such-token").string());
  EXPECT_EQ(container_credentials()().error().code, "aws.invalid_credentials");
}

}  // namespace
