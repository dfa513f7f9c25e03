// lift's JWT verification against the npm `jose` package, over a real loopback OIDC issuer:
// jose mints a token per algorithm and a set of forgeries; a local server publishes the
// discovery document and the JWKS; lift discovers, fetches and verifies. In the other
// direction, jose verifies tokens that lift signed. Skipped when Node or node_modules is missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include <boost/json.hpp>

#include "lift/security/errors.hpp"
#include "lift/security/principal.hpp"
#include "lift/security/verifier.hpp"
#include "support/local_server.hpp"
#include "support/subprocess.hpp"
#include "unit/security/test_keys.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using namespace lift::security;
using namespace std::chrono_literals;
using lift::testing_support::HttpServerRequest;
using lift::testing_support::LocalServer;
using lift::testing_support::make_response;
using lift::testing_support::serve_http;

const std::string kScript = std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/security/jose_crosscheck.mjs";

std::string reason_in(const lift::Error& error) { return std::string(reason_of(error)); }

// A loopback OIDC issuer: /.well-known/openid-configuration and /jwks.json.
class Issuer {
 public:
  Issuer()
      : server_([this](LocalServer::Socket& socket) {
          serve_http(socket, [this](const HttpServerRequest& request, int) { return answer(request); });
        }) {}

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  void publish(std::string jwks) {
    std::lock_guard lock(mutex_);
    jwks_ = std::move(jwks);
  }
  [[nodiscard]] int requests(const std::string& path) const {
    std::lock_guard lock(mutex_);
    int count = 0;
    for (const auto& seen : seen_) count += seen == path ? 1 : 0;
    return count;
  }

 private:
  lift::testing_support::HttpServerResponse answer(const HttpServerRequest& request) {
    const std::string target(request.target());
    std::lock_guard lock(mutex_);
    seen_.push_back(target);
    if (target == "/.well-known/openid-configuration")
      return make_response(200, json::serialize(json::object{{"issuer", url()}, {"jwks_uri", url() + "/jwks.json"}}),
                           "application/json");
    if (target == "/jwks.json") return make_response(200, jwks_, "application/json");
    return make_response(404, "not found");
  }

  mutable std::mutex mutex_;
  std::string jwks_;
  std::vector<std::string> seen_;
  LocalServer server_;  // last: stopped first, while the members above still exist
};

class JoseCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string node(LIFT_TEST_NODE);
    if (node.empty() || !std::filesystem::exists(node)) LIFT_SKIP_WITHOUT() << "node is missing";
    if (!std::filesystem::exists(std::string(LIFT_TEST_SOURCE_DIR) + "/node_modules/jose"))
      LIFT_SKIP_WITHOUT() << "node_modules/jose is missing (run scripts/setup)";
  }

  json::value run(const std::vector<std::string>& args, const std::string& input = {}) {
    std::vector<std::string> argv{LIFT_TEST_NODE, kScript};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = lift::testing_support::run_command(argv, input, 60s);
    if (result.exit_code != 0) throw std::runtime_error("jose_crosscheck.mjs failed: " + result.err);
    return json::parse(result.out);
  }
};

TEST_F(JoseCrosscheck, JoseTokensThroughOidcDiscovery) {
  Issuer issuer;
  const auto minted = run({"mint", issuer.url()});
  issuer.publish(json::serialize(minted.at("jwks")));

  auto provider = JwksProvider::create({.issuer = issuer.url()});
  ASSERT_TRUE(provider) << provider.error().message;
  const VerifyOptions options{.issuers = {issuer.url()}, .audiences = {"lift-tests"}};
  const JwtVerifier remote(*provider, options);
  auto secrets = KeySet::from_json(json::object{{"keys", minted.at("secrets")}}, {.allow_symmetric = true});
  ASSERT_TRUE(secrets);
  ASSERT_EQ(secrets->keys().size(), 3U);
  const JwtVerifier local(*secrets, options);

  int valid = 0;
  int rejected = 0;
  for (const auto& entry : minted.at("tokens").as_array()) {
    const std::string name(entry.at("name").as_string());
    SCOPED_TRACE(name);
    const std::string token(entry.at("token").as_string());
    // HMAC tokens are checked with the shared secrets; everything else (the RS/HS confusion
    // forgery included) with the published keys.
    const bool hmac = name.find("valid-HS") == 0;
    auto jwt = (hmac ? local : remote).verify(token, std::chrono::steady_clock::now() + 5s);
    if (entry.at("expect") == "valid") {
      ASSERT_TRUE(jwt) << jwt.error().message;
      const auto who = principal_from_claims(jwt->claims);
      EXPECT_EQ(who.subject, "alice");
      EXPECT_EQ(who.tenant, "t1");
      EXPECT_TRUE(who.has_scope("write"));
      EXPECT_TRUE(who.has_role("admin"));
      ++valid;
    } else {
      ASSERT_FALSE(jwt);
      EXPECT_EQ(jwt.error().code, "Unauthorized");
      EXPECT_EQ(jwt.error().status, 401);
      EXPECT_EQ(reason_in(jwt.error()), entry.at("reason").as_string());
      ++rejected;
    }
  }
  EXPECT_EQ(valid, 14);
  EXPECT_EQ(rejected, 18);
  EXPECT_EQ(issuer.requests("/.well-known/openid-configuration"), 1);
  // The first fetch, then one refresh for the unknown kid; further unknown kids are rate limited.
  EXPECT_LE(issuer.requests("/jwks.json"), 2);
  EXPECT_EQ((*provider)->jwks_url(), issuer.url() + "/jwks.json");
}

TEST_F(JoseCrosscheck, KeyRotationIsPickedUp) {
  Issuer issuer;
  auto first = run({"mint", issuer.url()});
  issuer.publish(json::serialize(first.at("jwks")));
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  auto provider = JwksProvider::create({.issuer = issuer.url(), .clock = [&now] { return now; }});
  ASSERT_TRUE(provider);
  const JwtVerifier verifier(*provider, {.issuers = {issuer.url()}, .audiences = {"lift-tests"}});
  const auto token_named = [](const json::value& minted, std::string_view name) {
    for (const auto& entry : minted.at("tokens").as_array())
      if (entry.at("name").as_string() == name) return std::string(entry.at("token").as_string());
    return std::string();
  };
  ASSERT_TRUE(verifier.verify(token_named(first, "valid-ES256")));

  // New keys under the same kids: the old set cannot verify, a refresh after the interval can.
  auto second = run({"mint", issuer.url()});
  issuer.publish(json::serialize(second.at("jwks")));
  EXPECT_EQ(reason_in(verifier.verify(token_named(second, "valid-ES256")).error()), "bad_signature");
  now += 11min;  // past max_age
  ASSERT_TRUE(verifier.verify(token_named(second, "valid-ES256")));
  EXPECT_EQ(issuer.requests("/jwks.json"), 2);
}

TEST_F(JoseCrosscheck, JoseAcceptsTokensSignedByLift) {
  using lift::security::testing::key_pair;
  using lift::security::testing::signing_key;
  const std::vector<Algorithm> algorithms{Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256,
                                          Algorithm::PS384, Algorithm::PS512, Algorithm::ES256, Algorithm::ES384,
                                          Algorithm::ES512, Algorithm::EdDSA, Algorithm::HS256, Algorithm::HS384,
                                          Algorithm::HS512};
  const std::string secret(64, 's');
  json::array jwks;
  json::array secrets;
  json::array tokens;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (const Algorithm algorithm : algorithms) {
    const std::string alg(to_string(algorithm));
    const std::string kid = "lift-" + alg;
    std::optional<Key> key;
    if (is_hmac(algorithm)) {
      key = *Key::hmac(algorithm, secret, kid);
      secrets.push_back(json::object{{"kty", "oct"}, {"alg", alg}, {"k", lift::base64::encode_url(secret)}});
    } else {
      key = signing_key(algorithm, kid);
      json::object jwk = key_pair(algorithm).public_jwk;
      jwk["kid"] = kid;
      jwk["alg"] = alg;
      jwks.push_back(jwk);
    }
    auto token = sign_jwt({{"sub", "from-lift"}, {"iss", "https://lift.example"}, {"aud", "jose"}, {"iat", now},
                           {"exp", now + 300}},
                          *key);
    ASSERT_TRUE(token) << token.error().message;
    tokens.push_back(json::object{{"name", alg}, {"alg", alg}, {"token", *token}});
  }
  const auto results = run({"verify"}, json::serialize(json::object{{"jwks", json::object{{"keys", jwks}}},
                                                                     {"secrets", secrets},
                                                                     {"issuer", "https://lift.example"},
                                                                     {"audience", "jose"},
                                                                     {"tokens", tokens}}));
  ASSERT_EQ(results.as_array().size(), algorithms.size());
  for (const auto& result : results.as_array()) {
    EXPECT_TRUE(result.at("ok").as_bool()) << json::serialize(result);
    if (result.at("ok").as_bool()) {
      EXPECT_EQ(result.at("sub"), "from-lift");
    }
  }
}

}  // namespace
