// The secrets cache (lift::security::SecretsProvider) over its AWS fetchers, against scripted
// Secrets Manager and SSM services on 127.0.0.1: what goes on the wire, caching for the TTL, a
// refresh ahead of expiry that keeps the cached value when the service fails, no expired value
// ever served, and the clients' typed errors passed through.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "lift/aws/secrets_manager.hpp"
#include "lift/aws/ssm.hpp"
#include "lift/security/secrets.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using lift::security::SecretsOptions;
using lift::security::SecretsProvider;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

// A provider over real clients pointed at the fakes, on a clock the test moves.
struct Fixture {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point(10h);
  std::shared_ptr<SecretsProvider> provider(const FakeService* secrets, const FakeService* ssm) {
    SecretsOptions options;
    options.ttl = 60s;
    options.refresh_ahead = 10s;
    options.clock = [this] { return now; };
    lift::security::SecretFetcher secret_fetcher, parameter_fetcher;
    if (secrets != nullptr) {
      auto client = SecretsManagerClient::create(
          lift::testing_support::options_for<SecretsManagerOptions>(secrets->endpoint(), lift::testing_support::quick_retries()));
      secret_fetcher = lift::security::secrets_manager_fetcher(std::make_shared<SecretsManagerClient>(std::move(client.value())));
    }
    if (ssm != nullptr) {
      auto client = SsmClient::create(lift::testing_support::options_for<SsmOptions>(ssm->endpoint(), lift::testing_support::quick_retries()));
      parameter_fetcher = lift::security::ssm_fetcher(std::make_shared<SsmClient>(std::move(client.value())));
    }
    return std::make_shared<SecretsProvider>(secret_fetcher, parameter_fetcher, options);
  }
};

std::string secret_body(std::string_view name, std::string_view value) {
  return json::serialize(json::object{{"ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:" + std::string(name) + "-AbCdEf"},
                                      {"Name", name},
                                      {"SecretString", value},
                                      {"VersionId", "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"},
                                      {"VersionStages", json::array{"AWSCURRENT"}},
                                      {"CreatedDate", 1523477145.713}});
}

std::string parameter_body(std::string_view name, std::string_view value) {
  return json::serialize(json::object{{"Parameter", json::object{{"ARN", "arn:aws:ssm:us-east-1:111122223333:parameter" + std::string(name)},
                                                                 {"DataType", "text"},
                                                                 {"LastModifiedDate", 1612298406.413},
                                                                 {"Name", name},
                                                                 {"Type", "SecureString"},
                                                                 {"Value", value},
                                                                 {"Version", 1}}}});
}

FakeAnswer service_error(std::string_view type, std::string_view message, unsigned status = 400) {
  return FakeAnswer{status, json::serialize(json::object{{"__type", type}, {"Message", message}})};
}

TEST(SecretsCacheOverAws, SecretsManagerSecretsAndFieldsAreFetchedOnceAndRefreshed) {
  std::atomic<int> version{1};
  FakeService secrets([&](const SeenRequest&, int) {
    return FakeAnswer{200, secret_body("prod/db", R"({"username":"app","password":"v)" + std::to_string(version.load()) + R"(","port":5432})")};
  });
  Fixture f;
  auto provider = f.provider(&secrets, nullptr);
  auto password = provider->secret("prod/db", "password");
  ASSERT_TRUE(password) << password.error().code << ": " << password.error().message;
  EXPECT_EQ(*password, "v1");
  EXPECT_EQ(provider->secret("prod/db", "port").value(), "5432");
  EXPECT_EQ(provider->secret("prod/db", "username").value(), "app");
  EXPECT_EQ(secrets.requests(), 1);  // one fetch for the secret, its fields read from the cache

  const auto seen = secrets.seen();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].header("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(json::parse(seen[0].body).at("SecretId"), "prod/db");
  EXPECT_NE(seen[0].header("Authorization").find("AWS4-HMAC-SHA256"), std::string::npos);

  // After the TTL: fetched again, the rotated value served.
  version = 2;
  f.now += 61s;
  EXPECT_EQ(provider->secret("prod/db", "password").value(), "v2");
  EXPECT_EQ(secrets.requests(), 2);
  EXPECT_EQ(provider->stats().fetches, 2U);

  // invalidate(): the next read fetches.
  version = 3;
  provider->invalidate("prod/db");
  EXPECT_EQ(provider->secret("prod/db", "password").value(), "v3");
  EXPECT_EQ(secrets.requests(), 3);

  // A field the secret does not have.
  const auto missing = provider->secret("prod/db", "host");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, lift::security::kSecretFieldMissing);
}

TEST(SecretsCacheOverAws, ARefreshAheadThatFailsKeepsTheCachedValueAndAnExpiredOneIsNeverServed) {
  std::atomic<bool> down{false};
  FakeService ssm([&](const SeenRequest&, int) {
    if (down) return service_error("InternalServerError", "An internal error occurred", 500);
    return FakeAnswer{200, parameter_body("/todo/db-url", "postgres://db")};
  });
  Fixture f;
  auto provider = f.provider(nullptr, &ssm);
  EXPECT_EQ(provider->parameter("/todo/db-url").value(), "postgres://db");
  ASSERT_EQ(ssm.seen().size(), 1U);
  EXPECT_EQ(ssm.seen()[0].header("X-Amz-Target"), "AmazonSSM.GetParameter");
  EXPECT_EQ(json::parse(ssm.seen()[0].body), json::parse(R"({"Name":"/todo/db-url","WithDecryption":true})"));

  // Within refresh_ahead of expiry and SSM failing: the cached value, and the attempt was made.
  down = true;
  f.now += 55s;
  const auto before = ssm.requests();
  auto stale = provider->parameter("/todo/db-url");
  ASSERT_TRUE(stale) << stale.error().message;
  EXPECT_EQ(*stale, "postgres://db");
  EXPECT_GT(ssm.requests(), before);

  // Past the TTL with SSM still failing: the client's typed error, not the old value.
  f.now += 10s;
  auto expired = provider->parameter("/todo/db-url");
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, "SSM.InternalServerError");
  EXPECT_GE(expired.error().status, 500);

  // SSM back: fetched and cached again.
  down = false;
  EXPECT_EQ(provider->parameter("/todo/db-url").value(), "postgres://db");
}

TEST(SecretsCacheOverAws, ServiceErrorsAreTypedAndNotCached) {
  FakeService secrets([](const SeenRequest& request, int) {
    const auto id = json::parse(request.body).at("SecretId").as_string();
    if (id == "denied") return FakeAnswer{400, R"({"Message":"User is not authorized"})", "application/x-amz-json-1.1", "AccessDeniedException"};
    return service_error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  });
  FakeService ssm([](const SeenRequest&, int) { return service_error("ParameterNotFound", "Parameter /nope not found."); });
  Fixture f;
  auto provider = f.provider(&secrets, &ssm);

  auto missing = provider->secret("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, kSecretsManagerResourceNotFound);
  auto denied = provider->secret("denied", "password");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, kSecretsManagerAccessDenied);
  auto parameter = provider->parameter("/nope");
  ASSERT_FALSE(parameter);
  EXPECT_EQ(parameter.error().code, kSsmParameterNotFound);

  // An error is not cached: the next read asks again.
  const auto asked = secrets.requests();
  EXPECT_FALSE(provider->secret("nope"));
  EXPECT_EQ(secrets.requests(), asked + 1);

  // A provider with no SSM source says so.
  auto secrets_only = f.provider(&secrets, nullptr);
  auto none = secrets_only->parameter("/x");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "Config");
}

TEST(SecretsCacheOverAws, AMalformedAnswerIsAnErrorNotACachedValue) {
  std::atomic<int> calls{0};
  FakeService secrets([&](const SeenRequest&, int) {
    ++calls;
    return FakeAnswer{200, R"({"Name": "prod/db", "SecretBinary": "***"})"};
  });
  Fixture f;
  auto provider = f.provider(&secrets, nullptr);
  auto secret = provider->secret("prod/db");
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, kSecretsManagerMalformedResponse);
  EXPECT_FALSE(provider->secret("prod/db"));
  EXPECT_EQ(calls.load(), 2);
}

}  // namespace
