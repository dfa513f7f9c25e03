// The container credentials provider against a local endpoint: the Authorization token from
// the environment or a file, the JSON answer, failures, and the chain's cache and refresh.
#include <gtest/gtest.h>

#include "support/scoped_env.hpp"
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "lift/aws/credentials.hpp"
#include "lift/core/time.hpp"
#include "support/local_server.hpp"

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace lift::aws;
using namespace std::chrono_literals;
using lift::testing_support::HttpServerRequest;
using lift::testing_support::LocalServer;
using lift::testing_support::make_response;
using lift::testing_support::serve_http;

using lift::testing_support::ScopedEnv;

// An endpoint that hands out numbered credentials, expiring `lifetime` from now, to requests
// carrying the expected Authorization header.
struct CredentialsEndpoint {
  std::chrono::seconds lifetime;
  std::string expected_token;
  std::atomic<unsigned> fail_status{0};
  std::atomic<int> served{0};
  std::mutex mutex;
  std::vector<std::string> targets;
  LocalServer server{[this](LocalServer::Socket& socket) {
    serve_http(socket, [this](const HttpServerRequest& request, int) {
      {
        std::lock_guard lock(mutex);
        targets.emplace_back(request.target());
      }
      if (fail_status != 0) return make_response(fail_status, R"({"code":"Broken","message":"agent restarting"})", "application/json");
      if (request[http::field::authorization] != expected_token) return make_response(401, "wrong token");
      const int number = ++served;
      return make_response(200,
                           R"({"AccessKeyId":"ASIA)" + std::to_string(number) + R"(","SecretAccessKey":"secret","Token":"session",)" +
                               R"("Expiration":")" + lift::rfc3339(std::chrono::system_clock::now() + lifetime, lift::Fraction::none) + R"(","RoleArn":"arn:aws:iam::1:role/r"})",
                           "application/json");
    });
  }};

  CredentialsEndpoint(std::chrono::seconds life, std::string token) : lifetime(life), expected_token(std::move(token)) {}
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()) + "/v2/credentials/abc"; }
};

struct ContainerCredentialsTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("lift-container-" + std::to_string(::getpid()));
  ScopedEnv key{"AWS_ACCESS_KEY_ID", std::nullopt};
  ScopedEnv secret{"AWS_SECRET_ACCESS_KEY", std::nullopt};
  ScopedEnv profile{"AWS_PROFILE", std::nullopt};
  ScopedEnv credentials_file{"AWS_SHARED_CREDENTIALS_FILE", (dir / "none").string()};
  ScopedEnv config_file{"AWS_CONFIG_FILE", (dir / "none").string()};
  ScopedEnv relative{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", std::nullopt};
  ScopedEnv token{"AWS_CONTAINER_AUTHORIZATION_TOKEN", std::nullopt};
  ScopedEnv token_file{"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", std::nullopt};
  ScopedEnv proxy{"HTTP_PROXY", "http://127.0.0.1:9"};  // must not be used for the endpoint

  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(ContainerCredentialsTest, FetchesWithTheTokenFromTheEnvironment) {
  CredentialsEndpoint endpoint(1h, "Bearer env-token");
  ScopedEnv uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url());
  ScopedEnv t("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer env-token");
  auto found = container_credentials()();
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->access_key_id, "ASIA1");
  EXPECT_EQ(found->session_token, "session");
  EXPECT_EQ(found->source, "container");
  ASSERT_TRUE(found->expiration);
  EXPECT_GT(*found->expiration, std::chrono::system_clock::now() + 59min);
  EXPECT_EQ(endpoint.targets, std::vector<std::string>{"/v2/credentials/abc"});
}

TEST_F(ContainerCredentialsTest, TheTokenFileWinsAndIsReadOnEveryFetch) {
  CredentialsEndpoint endpoint(1h, "file-token-1");
  ScopedEnv uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url());
  ScopedEnv t("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored");
  std::ofstream(dir / "token") << "file-token-1\n";
  ScopedEnv f("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", (dir / "token").string());
  auto provider = container_credentials();
  ASSERT_TRUE(provider());
  std::ofstream(dir / "token") << "rotated";  // the agent rotates the token: the old one is refused now
  auto refused = provider();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "aws.credentials_fetch_failed");
  EXPECT_NE(refused.error().message.find("401"), std::string::npos);
}

TEST_F(ContainerCredentialsTest, FailuresOfTheEndpointAreTypedErrors) {
  CredentialsEndpoint endpoint(1h, "");
  endpoint.fail_status = 503;
  ScopedEnv uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url());
  auto failed = container_credentials()();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "aws.credentials_fetch_failed");
  EXPECT_NE(failed.error().message.find("agent restarting"), std::string::npos);
  EXPECT_EQ(endpoint.targets.size(), 2u);  // a 5xx is tried once more

  LocalServer garbage([](LocalServer::Socket& socket) {
    serve_http(socket, [](const HttpServerRequest&, int) { return make_response(200, "<html>not json</html>"); });
  });
  ScopedEnv other("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:" + std::to_string(garbage.port()) + "/");
  EXPECT_EQ(container_credentials()().error().code, "aws.invalid_credentials");

  std::uint16_t closed_port = 0;
  {
    LocalServer closed([](LocalServer::Socket&) {});
    closed_port = closed.port();
  }
  ScopedEnv nowhere("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + std::to_string(closed_port) + "/");
  EXPECT_EQ(container_credentials()().error().code, "aws.credentials_fetch_failed");
}

TEST_F(ContainerCredentialsTest, TheStandardChainFindsThemAfterEnvironmentAndProfiles) {
  CredentialsEndpoint endpoint(1h, "");
  ScopedEnv uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url());
  auto chain = CredentialsChain::standard();
  for (int i = 0; i < 3; ++i) {
    auto found = chain.get();
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->access_key_id, "ASIA1");  // cached: far from expiry
  }
  EXPECT_EQ(endpoint.served.load(), 1);

  ScopedEnv k("AWS_ACCESS_KEY_ID", "AKIDENV");
  ScopedEnv s("AWS_SECRET_ACCESS_KEY", "secret");
  auto environment_first = CredentialsChain::standard().get();
  ASSERT_TRUE(environment_first);
  EXPECT_EQ(environment_first->access_key_id, "AKIDENV");
  EXPECT_EQ(endpoint.served.load(), 1);
}

TEST_F(ContainerCredentialsTest, CredentialsNearExpiryAreFetchedAgain) {
  CredentialsEndpoint endpoint(4min, "");  // inside the five-minute refresh window at once
  ScopedEnv uri("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url());
  CredentialsChain chain(CredentialsChain::standard_providers());
  EXPECT_EQ(chain.get()->access_key_id, "ASIA1");
  EXPECT_EQ(chain.get()->access_key_id, "ASIA2");
  // When the endpoint breaks, credentials that are still valid are kept.
  endpoint.fail_status = 500;
  auto kept = chain.get();
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->access_key_id, "ASIA2");
}

}  // namespace
