// JWT verification configured from LIFT_JWT_* variables.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <boost/json.hpp>

#include "lift/security/environment.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/key.hpp"
#include "support/scoped_env.hpp"
#include "test_keys.hpp"

namespace {

using lift::testing_support::ScopedEnv;
using namespace lift::security;

std::string token(const Key& key, boost::json::object claims) {
  claims["exp"] = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch() + std::chrono::minutes(5))
                      .count();
  return sign_jwt(claims, key).value();
}

TEST(JwtFromEnvironment, NothingSetMeansNoAuthentication) {
  ScopedEnv jwks("LIFT_JWT_JWKS", nullptr), secret("LIFT_JWT_SECRET", nullptr);
  auto verifier = jwt_verifier_from_environment();
  ASSERT_TRUE(verifier);
  EXPECT_EQ(*verifier, nullptr);
}

TEST(JwtFromEnvironment, ASecretVerifiesHs256WithIssuerAndAudienceLists) {
  const std::string secret_text(40, 'k');
  ScopedEnv jwks("LIFT_JWT_JWKS", nullptr), secret("LIFT_JWT_SECRET", secret_text.c_str());
  ScopedEnv issuer("LIFT_JWT_ISSUER", "https://a.example, https://b.example");
  ScopedEnv audience("LIFT_JWT_AUDIENCE", "todo-api");
  auto verifier = jwt_verifier_from_environment();
  ASSERT_TRUE(verifier) << verifier.error().message;
  ASSERT_NE(*verifier, nullptr);
  const auto key = Key::hmac(Algorithm::HS256, secret_text).value();
  EXPECT_TRUE((*verifier)->verify(token(key, {{"iss", "https://b.example"}, {"aud", "todo-api"}})));
  EXPECT_FALSE((*verifier)->verify(token(key, {{"iss", "https://c.example"}, {"aud", "todo-api"}})));
  EXPECT_FALSE((*verifier)->verify(token(key, {{"iss", "https://a.example"}, {"aud", "other"}})));
  const auto other = Key::hmac(Algorithm::HS256, std::string(40, 'x')).value();
  EXPECT_FALSE((*verifier)->verify(token(other, {{"iss", "https://a.example"}, {"aud", "todo-api"}})));
}

TEST(JwtFromEnvironment, AJwksFileIsRead) {
  const auto key = lift::security::testing::signing_key(Algorithm::ES256, "k1");
  auto jwk = lift::security::testing::key_pair(Algorithm::ES256).public_jwk;
  jwk["kid"] = "k1";
  jwk["alg"] = "ES256";
  const auto path = std::filesystem::temp_directory_path() / ("lift-jwks-" + std::to_string(::getpid()) + ".json");
  boost::json::object set;
  set["keys"] = boost::json::array{boost::json::value(jwk)};
  std::ofstream(path) << boost::json::serialize(set);
  const std::string url = "file://" + path.string();
  ScopedEnv jwks("LIFT_JWT_JWKS", url.c_str()), secret("LIFT_JWT_SECRET", nullptr);
  ScopedEnv issuer("LIFT_JWT_ISSUER", nullptr), audience("LIFT_JWT_AUDIENCE", nullptr);
  auto verifier = jwt_verifier_from_environment();
  ASSERT_TRUE(verifier) << verifier.error().message;
  ASSERT_NE(*verifier, nullptr);
  auto verified = (*verifier)->verify(token(key, {{"sub", "ann"}}));
  EXPECT_TRUE(verified) << (verified ? "" : verified.error().message);
  EXPECT_FALSE((*verifier)->verify(token(lift::security::testing::signing_key(Algorithm::ES256, "k1", 1), {{"sub", "eve"}})));
  std::filesystem::remove(path);
}

TEST(JwtFromEnvironment, MistakesAreConfigurationErrorsNamingTheVariable) {
  {
    ScopedEnv jwks("LIFT_JWT_JWKS", "https://issuer.example/jwks.json"), secret("LIFT_JWT_SECRET", "0123456789abcdef0123456789abcdef");
    auto both = jwt_verifier_from_environment();
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().code, "Security.Configuration");
  }
  {
    ScopedEnv jwks("LIFT_JWT_JWKS", nullptr), secret("LIFT_JWT_SECRET", "short");
    auto short_secret = jwt_verifier_from_environment();
    ASSERT_FALSE(short_secret);
    EXPECT_NE(short_secret.error().message.find("LIFT_JWT_SECRET"), std::string::npos);
  }
  {
    ScopedEnv jwks("LIFT_JWT_JWKS", "http://issuer.example/jwks.json"), secret("LIFT_JWT_SECRET", nullptr);
    auto plain_http = jwt_verifier_from_environment();
    ASSERT_FALSE(plain_http);
    EXPECT_NE(plain_http.error().message.find("LIFT_JWT_JWKS"), std::string::npos);
  }
}

}  // namespace
