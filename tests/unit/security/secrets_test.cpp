// The secrets and parameters cache with an injected fetcher and clock.
#include "lift/security/secrets.hpp"

#include <gtest/gtest.h>

#include <map>

namespace {

using namespace lift::security;
using namespace std::chrono_literals;

struct Source {
  std::map<std::string, std::string, std::less<>> values;
  std::map<std::string, int, std::less<>> calls;
  bool down = false;
  SecretDeadline last_deadline{};

  SecretFetcher fetcher() {
    return [this](std::string_view name, SecretDeadline deadline) -> lift::Result<std::string> {
      ++calls[std::string(name)];
      last_deadline = deadline;
      if (down) return lift::Error{"SecretsManager.InternalServiceError", "down", 500};
      auto found = values.find(name);
      if (found == values.end()) return lift::Error{"SecretsManager.ResourceNotFound", "no such secret", 400};
      return found->second;
    };
  }
};

struct SecretsCache : ::testing::Test {
  Source secrets;
  Source parameters;
  std::chrono::steady_clock::time_point now{std::chrono::hours(10)};
  SecretsProvider provider{secrets.fetcher(), parameters.fetcher(),
                           SecretsOptions{.ttl = 300s, .refresh_ahead = 30s, .clock = [this] { return now; }}};
};

TEST_F(SecretsCache, CachesForTheTtl) {
  secrets.values["db"] = "s3cret";
  EXPECT_EQ(*provider.secret("db"), "s3cret");
  now += 269s;
  EXPECT_EQ(*provider.secret("db"), "s3cret");
  EXPECT_EQ(secrets.calls["db"], 1);
  EXPECT_EQ(provider.stats().hits, 1U);
  secrets.values["db"] = "rotated";
  now += 1s;  // within refresh_ahead of expiry: fetched again
  EXPECT_EQ(*provider.secret("db"), "rotated");
  EXPECT_EQ(secrets.calls["db"], 2);
  EXPECT_EQ(provider.stats().fetches, 2U);
}

TEST_F(SecretsCache, RefreshAheadFallsBackToTheCachedValueUntilExpiry) {
  secrets.values["db"] = "v1";
  EXPECT_EQ(*provider.secret("db"), "v1");
  secrets.down = true;
  now += 280s;
  EXPECT_EQ(*provider.secret("db"), "v1");  // refresh failed; not expired yet
  EXPECT_EQ(secrets.calls["db"], 2);
  now += 20s;  // expired: never served
  auto expired = provider.secret("db");
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, "SecretsManager.InternalServiceError");
  secrets.down = false;
  EXPECT_EQ(*provider.secret("db"), "v1");
}

TEST_F(SecretsCache, JsonFields) {
  secrets.values["db-creds"] = R"({"username": "app", "password": "pw", "port": 5432, "tls": true, "nested": {}})";
  EXPECT_EQ(*provider.secret("db-creds", "password"), "pw");
  EXPECT_EQ(*provider.secret("db-creds", "port"), "5432");
  EXPECT_EQ(*provider.secret("db-creds", "tls"), "true");
  EXPECT_EQ(provider.secret("db-creds", "nested").error().code, kSecretFieldMissing);
  EXPECT_EQ(provider.secret("db-creds", "missing").error().code, kSecretFieldMissing);
  EXPECT_EQ(secrets.calls["db-creds"], 1);  // one fetch for every field
  secrets.values["plain"] = "text";
  EXPECT_EQ(provider.secret("plain", "password").error().code, kSecretFieldMissing);
  EXPECT_EQ(provider.secret("absent", "password").error().code, "SecretsManager.ResourceNotFound");
}

TEST_F(SecretsCache, ParametersAreSeparate) {
  secrets.values["name"] = "secret value";
  parameters.values["name"] = "parameter value";
  EXPECT_EQ(*provider.parameter("name"), "parameter value");
  EXPECT_EQ(*provider.secret("name"), "secret value");
  provider.invalidate("name");
  EXPECT_EQ(*provider.parameter("name"), "parameter value");
  EXPECT_EQ(parameters.calls["name"], 2);
}

TEST_F(SecretsCache, DeadlinesBoundFetches) {
  secrets.values["a"] = "x";
  const auto deadline = std::chrono::steady_clock::now() + 123ms;
  EXPECT_TRUE(provider.secret("a", deadline));
  EXPECT_EQ(secrets.last_deadline, deadline);
  const auto before = std::chrono::steady_clock::now();
  provider.invalidate("a");
  EXPECT_TRUE(provider.secret("a"));
  EXPECT_GE(secrets.last_deadline, before + 2s);  // the default fetch_timeout
  EXPECT_LE(secrets.last_deadline, std::chrono::steady_clock::now() + 2s);
}

TEST(Secrets, MissingSourceIsAConfigError) {
  SecretsProvider provider(nullptr, nullptr);
  EXPECT_EQ(provider.secret("x").error().code, "Config");
  EXPECT_EQ(provider.parameter("x").error().code, "Config");
}

}  // namespace
