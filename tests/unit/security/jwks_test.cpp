// Key sets and the JWKS provider with an injected fetcher and clock: caching, refresh on an
// unknown kid within a rate limit, stale keys while the endpoint is down, OIDC discovery.
#include "lift/security/jwks.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <boost/json.hpp>

#include "lift/security/errors.hpp"
#include "lift/security/verifier.hpp"
#include "test_keys.hpp"

namespace {

namespace json = boost::json;
using namespace lift::security;
using namespace std::chrono_literals;
using lift::security::testing::key_pair;
using lift::security::testing::reason;
using lift::security::testing::signing_key;

json::object public_jwk(Algorithm algorithm, const std::string& kid, int variant = 0) {
  json::object jwk = key_pair(algorithm, variant).public_jwk;
  jwk["kid"] = kid;
  jwk["alg"] = to_string(algorithm);
  jwk["use"] = "sig";
  return jwk;
}

std::string jwks_of(std::initializer_list<json::object> keys) {
  json::array array;
  for (const auto& key : keys) array.push_back(key);
  return json::serialize(json::object{{"keys", array}});
}

std::string token(Algorithm algorithm, const std::string& kid, int variant = 0) {
  json::object claims{{"sub", "alice"}, {"exp", 4102444800}};
  auto signed_token = sign_jwt(claims, lift::security::testing::signing_key(algorithm, kid, variant));
  if (!signed_token) throw std::runtime_error(signed_token.error().message);
  return *signed_token;
}

// A scripted endpoint: answers per URL, counts calls, can be taken down; and a settable clock.
struct Fake {
  std::map<std::string, std::string> bodies;
  std::map<std::string, int> calls;
  bool down = false;
  std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};

  JwksOptions options(std::string url) {
    JwksOptions options;
    options.url = std::move(url);
    options.fetch = [this](const std::string& u, Deadline) -> lift::Result<std::string> {
      ++calls[u];
      if (down) return lift::Error{"Http.ConnectFailed", "down", 502};
      auto found = bodies.find(u);
      if (found == bodies.end()) return lift::Error{"Jwks.FetchFailed", "404", 502};
      return found->second;
    };
    options.clock = [this] { return now; };
    return options;
  }
};

Deadline soon() { return std::chrono::steady_clock::now() + 2s; }

constexpr const char* kUrl = "https://issuer.example/jwks.json";

TEST(KeySet, SkipsWhatCannotVerify) {
  json::object oct{{"kty", "oct"}, {"k", lift::base64::encode_url(std::string(32, 'k'))}, {"alg", "HS256"}, {"kid", "h"}};
  json::object enc = public_jwk(Algorithm::RS256, "enc");
  enc["use"] = "enc";
  json::object oaep = public_jwk(Algorithm::RS256, "oaep");
  oaep["alg"] = "RSA-OAEP";
  json::object no_alg = key_pair(Algorithm::RS256).public_jwk;
  no_alg["kid"] = "azure-style";
  json::object broken = public_jwk(Algorithm::ES256, "broken");
  broken["x"] = "AAAA";
  const std::string text = jwks_of({public_jwk(Algorithm::ES256, "e"), oct, enc, oaep, no_alg, broken,
                                    json::object{{"kty", "Unknown"}}, public_jwk(Algorithm::EdDSA, "ed")});
  auto set = KeySet::parse(text);
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->keys().size(), 3U);
  EXPECT_EQ(set->skipped(), 5U);
  ASSERT_EQ(set->with_kid("azure-style").size(), 1U);
  EXPECT_EQ(set->with_kid("azure-style")[0].algorithm(), Algorithm::RS256);  // rsa_default
  EXPECT_EQ(set->with_algorithm(Algorithm::EdDSA).size(), 1U);

  auto strict = KeySet::parse(text, {.allow_symmetric = true, .rsa_default = std::nullopt});
  ASSERT_TRUE(strict);
  EXPECT_EQ(strict->keys().size(), 3U);  // oct in, RSA without alg out
  EXPECT_EQ(strict->with_kid("h").size(), 1U);
}

TEST(KeySet, RefusesWhatIsNotAKeySet) {
  for (const char* text : {"", "not json", "[]", "{}", R"({"keys": {}})", R"({"keys": "x"})"}) {
    auto set = KeySet::parse(text);
    ASSERT_FALSE(set) << text;
    EXPECT_EQ(set.error().code, kInvalidJwks);
    EXPECT_EQ(set.error().status, 502);
  }
  EXPECT_TRUE(KeySet::parse(R"({"keys": []})"));
  EXPECT_FALSE(KeySet::parse(jwks_of({public_jwk(Algorithm::ES256, "a")}), {.max_bytes = 50}));
  json::array many;
  for (int i = 0; i < 101; ++i) many.push_back(json::object{{"kty", "EC"}});
  EXPECT_FALSE(KeySet::parse(json::serialize(json::object{{"keys", many}})));
  EXPECT_TRUE(KeySet::parse(json::serialize(json::object{{"keys", many}}), {.max_keys = 101}));
}

TEST(Jwks, UrlsThatMayBeFetched) {
  EXPECT_TRUE(check_fetch_url("https://issuer.example/jwks", false));
  EXPECT_TRUE(check_fetch_url("http://127.0.0.1:8080/jwks", false));
  EXPECT_TRUE(check_fetch_url("http://localhost/jwks", false));
  EXPECT_TRUE(check_fetch_url("http://[::1]:9/jwks", false));
  EXPECT_FALSE(check_fetch_url("http://issuer.example/jwks", false));
  EXPECT_FALSE(check_fetch_url("http://127.0.0.1.evil.example/jwks", false));
  EXPECT_FALSE(check_fetch_url("http://10.0.0.1/jwks", false));
  EXPECT_FALSE(check_fetch_url("ftp://issuer.example/jwks", false));
  EXPECT_FALSE(check_fetch_url("file:///etc/jwks.json", false));
  EXPECT_TRUE(check_fetch_url("file:///etc/jwks.json", true));
  EXPECT_EQ(cognito_issuer("eu-west-1", "eu-west-1_AbC"), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC");
  EXPECT_EQ(discovery_url("https://a.example/"), "https://a.example/.well-known/openid-configuration");
  EXPECT_EQ(discovery_url("https://a.example/tenant"), "https://a.example/tenant/.well-known/openid-configuration");

  EXPECT_FALSE(JwksProvider::create({}));
  EXPECT_FALSE(JwksProvider::create({.url = kUrl, .issuer = "https://issuer.example"}));
  EXPECT_FALSE(JwksProvider::create({.url = "http://issuer.example/jwks"}));
  EXPECT_FALSE(JwksProvider::create({.issuer = "file:///x"}));
  EXPECT_TRUE(JwksProvider::create({.url = kUrl}));
}

TEST(Jwks, CachesForMaxAgeThenRefreshes) {
  Fake fake;
  fake.bodies[kUrl] = jwks_of({public_jwk(Algorithm::ES256, "a")});
  auto provider = JwksProvider::create(fake.options(kUrl));
  ASSERT_TRUE(provider);
  EXPECT_EQ(fake.calls[kUrl], 0);  // nothing fetched before first use
  ASSERT_TRUE((*provider)->keys_for_kid("a", soon()));
  ASSERT_TRUE((*provider)->keys_for_kid("a", soon()));
  fake.now += 599s;
  ASSERT_TRUE((*provider)->key_set(soon()));
  EXPECT_EQ(fake.calls[kUrl], 1);
  fake.now += 1s;  // max_age (600 s) reached
  ASSERT_TRUE((*provider)->key_set(soon()));
  EXPECT_EQ(fake.calls[kUrl], 2);
  EXPECT_EQ((*provider)->stats().fetches, 2U);
}

TEST(Jwks, UnknownKidRefreshesWithinTheRateLimit) {
  Fake fake;
  fake.bodies[kUrl] = jwks_of({public_jwk(Algorithm::ES256, "a")});
  auto provider = JwksProvider::create(fake.options(kUrl));
  ASSERT_TRUE(provider);
  ASSERT_TRUE((*provider)->keys_for_kid("a", soon()));
  EXPECT_EQ(fake.calls[kUrl], 1);

  // Unknown kid within 30 s of the last fetch: no fetch, refused.
  auto unknown = (*provider)->keys_for_kid("b", soon());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(reason(unknown.error()), "unknown_kid");
  EXPECT_EQ(unknown.error().status, 401);
  EXPECT_EQ(fake.calls[kUrl], 1);

  // The issuer rotates; after the interval one unknown kid triggers one fetch.
  fake.bodies[kUrl] = jwks_of({public_jwk(Algorithm::ES256, "a"), public_jwk(Algorithm::ES384, "b")});
  fake.now += 30s;
  auto rotated = (*provider)->keys_for_kid("b", soon());
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_EQ(fake.calls[kUrl], 2);

  // A flood of bogus kids costs at most one fetch per interval.
  for (int i = 0; i < 50; ++i) EXPECT_FALSE((*provider)->keys_for_kid("bogus" + std::to_string(i), soon()));
  EXPECT_EQ(fake.calls[kUrl], 2);
  fake.now += 30s;
  for (int i = 0; i < 50; ++i) EXPECT_FALSE((*provider)->keys_for_kid("bogus" + std::to_string(i), soon()));
  EXPECT_EQ(fake.calls[kUrl], 3);
}

TEST(Jwks, StaleKeysWhileTheEndpointIsDown) {
  Fake fake;
  fake.bodies[kUrl] = jwks_of({public_jwk(Algorithm::ES256, "a")});
  auto provider = JwksProvider::create(fake.options(kUrl));
  ASSERT_TRUE(provider);
  const JwtVerifier verifier(*provider);
  const std::string good = token(Algorithm::ES256, "a");
  ASSERT_TRUE(verifier.verify(good, soon()));

  fake.down = true;
  fake.now += 1h;  // the set is stale; the refetch fails; the last good set is used
  auto jwt = verifier.verify(good, soon());
  ASSERT_TRUE(jwt) << jwt.error().message;
  EXPECT_EQ(fake.calls[kUrl], 2);
  EXPECT_EQ((*provider)->stats().failures, 1U);
  EXPECT_GE((*provider)->stats().stale_uses, 1U);
  ASSERT_TRUE(verifier.verify(good, soon()));
  EXPECT_EQ(fake.calls[kUrl], 2);  // rate limited while down

  // A set without usable keys does not replace the good one.
  fake.down = false;
  fake.bodies[kUrl] = R"({"keys": [{"kty": "RSA", "use": "enc"}]})";
  fake.now += 31s;
  ASSERT_TRUE(verifier.verify(good, soon()));
  EXPECT_EQ(fake.calls[kUrl], 3);
  EXPECT_EQ((*provider)->stats().failures, 2U);
}

TEST(Jwks, NoSetAtAllIsA503) {
  Fake fake;
  fake.down = true;
  auto provider = JwksProvider::create(fake.options(kUrl));
  ASSERT_TRUE(provider);
  auto keys = (*provider)->keys_for_kid("a", soon());
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().status, 503);
  EXPECT_EQ(reason(keys.error()), "keys_unavailable");
  EXPECT_FALSE((*provider)->refresh(soon()));
  EXPECT_EQ(fake.calls[kUrl], 1);  // the immediate retry is rate limited
  fake.down = false;
  fake.bodies[kUrl] = jwks_of({public_jwk(Algorithm::ES256, "a")});
  fake.now += 30s;
  EXPECT_TRUE((*provider)->refresh(soon()));
  EXPECT_TRUE((*provider)->keys_for_kid("a", soon()));
  EXPECT_EQ(fake.calls[kUrl], 2);
}

TEST(Jwks, OidcDiscovery) {
  const std::string issuer = cognito_issuer("us-east-1", "us-east-1_Pool");
  const std::string config_url = discovery_url(issuer);
  const std::string jwks_url = issuer + "/.well-known/jwks.json";
  Fake fake;
  fake.bodies[config_url] = json::serialize(json::object{{"issuer", issuer}, {"jwks_uri", jwks_url}});
  fake.bodies[jwks_url] = jwks_of({public_jwk(Algorithm::RS256, "r")});
  auto options = fake.options("");
  options.issuer = issuer;
  auto provider = JwksProvider::create(options);
  ASSERT_TRUE(provider) << provider.error().message;
  EXPECT_EQ((*provider)->jwks_url(), "");
  ASSERT_TRUE((*provider)->keys_for_kid("r", soon()));
  EXPECT_EQ((*provider)->jwks_url(), jwks_url);
  fake.now += 1h;
  ASSERT_TRUE((*provider)->keys_for_kid("r", soon()));
  EXPECT_EQ(fake.calls[config_url], 1);  // discovered once
  EXPECT_EQ(fake.calls[jwks_url], 2);

  const auto refused = [&](json::object document) {
    Fake other;
    other.bodies[config_url] = json::serialize(document);
    other.bodies[jwks_url] = fake.bodies[jwks_url];
    auto o = other.options("");
    o.issuer = issuer;
    auto p = JwksProvider::create(o);
    auto keys = (*p)->keys_for_kid("r", soon());
    return !keys && keys.error().status == 503;
  };
  EXPECT_TRUE(refused({{"issuer", "https://evil.example"}, {"jwks_uri", jwks_url}}));
  EXPECT_TRUE(refused({{"issuer", issuer}}));
  EXPECT_TRUE(refused({{"issuer", issuer}, {"jwks_uri", "http://evil.example/jwks"}}));
  EXPECT_TRUE(refused({{"issuer", issuer}, {"jwks_uri", "file:///etc/passwd"}}));
}

TEST(Jwks, FileUrls) {
  const auto path = std::filesystem::temp_directory_path() / ("lift-jwks-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream out(path);
    out << jwks_of({public_jwk(Algorithm::EdDSA, "ed")});
  }
  auto provider = JwksProvider::create({.url = "file://" + path.string()});
  ASSERT_TRUE(provider);
  EXPECT_TRUE((*provider)->keys_for_kid("ed", soon()));
  std::filesystem::remove(path);
  auto missing = JwksProvider::create({.url = "file://" + path.string()});
  EXPECT_EQ((*missing)->keys_for_kid("ed", soon()).error().status, 503);
}

TEST(Verifier, ChoosesKeysByKidThenAlgorithm) {
  Fake fake;
  fake.bodies[kUrl] = jwks_of({public_jwk(Algorithm::ES256, "a"), public_jwk(Algorithm::RS256, "r"),
                               public_jwk(Algorithm::ES256, "a2", 1)});
  auto provider = JwksProvider::create(fake.options(kUrl));
  ASSERT_TRUE(provider);
  const JwtVerifier verifier(*provider, {.clock = [] { return std::chrono::system_clock::time_point(1'800'000'000s); }});
  EXPECT_TRUE(verifier.verify(token(Algorithm::ES256, "a"), soon()));
  EXPECT_TRUE(verifier.verify(token(Algorithm::ES256, "a2", 1), soon()));
  EXPECT_TRUE(verifier.verify(token(Algorithm::RS256, "r"), soon()));
  // No kid: every key of the token's algorithm is tried.
  EXPECT_TRUE(verifier.verify(token(Algorithm::ES256, ""), soon()));
  EXPECT_TRUE(verifier.verify(token(Algorithm::ES256, "", 1), soon()));
  EXPECT_EQ(reason(verifier.verify(token(Algorithm::ES384, ""), soon()).error()), "algorithm_mismatch");
  // The right kid signed by another key; a kid whose key has another algorithm.
  EXPECT_EQ(reason(verifier.verify(token(Algorithm::ES256, "a", 2), soon()).error()), "bad_signature");
  EXPECT_EQ(reason(verifier.verify(token(Algorithm::PS256, "r"), soon()).error()), "algorithm_mismatch");
  EXPECT_EQ(reason(verifier.verify(token(Algorithm::ES256, "zzz"), soon()).error()), "unknown_kid");

  const JwtVerifier single(lift::security::testing::verification_key(Algorithm::ES256, "a"));
  EXPECT_TRUE(single.verify(token(Algorithm::ES256, "a")));
  EXPECT_TRUE(single.verify(token(Algorithm::ES256, "")));
  EXPECT_EQ(reason(single.verify(token(Algorithm::ES256, "b")).error()), "unknown_kid");
  const JwtVerifier no_kid(lift::security::testing::verification_key(Algorithm::ES256));
  EXPECT_TRUE(no_kid.verify(token(Algorithm::ES256, "whatever")));
}

}  // namespace
