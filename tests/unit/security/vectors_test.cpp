// Published vectors: RFC 7520 (JOSE cookbook) signatures, RFC 7515 appendix A, the RFC 7638
// thumbprint, and tokens minted by the npm `jose` package. Every valid vector verifies, and no
// longer does after any single character of header, payload or signature is changed.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "lift/security/errors.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/verifier.hpp"
#include "test_keys.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using namespace lift::security;
using lift::security::testing::reason;

std::optional<json::value> load(const std::string& relative) {
  std::ifstream in(std::string(LIFT_TESTDATA_DIR) + "/jwt/" + relative);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// Replaces the character at `at` by another base64url character.
std::string changed_at(std::string token, std::size_t at) {
  token[at] = token[at] == 'A' ? 'B' : 'A';
  return token;
}

void expect_every_change_fails(const std::string& token, const Key& key) {
  for (std::size_t at = 0; at < token.size(); ++at) {
    if (token[at] == '.') continue;
    auto result = verify_jws(changed_at(token, at), key);
    ASSERT_FALSE(result) << "still verifies after a change at " << at;
    const auto why = reason_of(result.error());
    EXPECT_TRUE(why == "bad_signature" || why == "malformed" || why == "unsupported_algorithm") << why << " at " << at;
  }
}

TEST(Vectors, Rfc7520Cookbook) {
  int checked = 0;
  for (const char* file : {"jws_4_1.rsa_v15_signature.json", "jws_4_2.rsa-pss_signature.json",
                           "jws_4_3.ecdsa_signature.json", "jws_4_4.hmac-sha2_integrity_protection.json",
                           "curve25519_jws.json"}) {
    SCOPED_TRACE(file);
    auto vector = load(std::string("cookbook/") + file);
    if (!vector) LIFT_SKIP_WITHOUT() << "JWT test data not available";
    const auto& input = vector->at("input").as_object();
    const auto algorithm = parse_algorithm(input.at("alg").as_string());
    ASSERT_TRUE(algorithm);
    auto key = Key::from_jwk(input.at("key").as_object(), *algorithm);
    ASSERT_TRUE(key) << key.error().message;
    const std::string token(vector->at("output").at("compact").as_string());
    auto verified = verify_jws(token, *key);
    ASSERT_TRUE(verified) << verified.error().message;
    EXPECT_EQ(verified->payload, input.at("payload").as_string());
    expect_every_change_fails(token, *key);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(Vectors, Rfc7520CookbookKeysAreParsed) {
  auto ec = load("cookbook/jwk_3_1.ec_public_key.json");
  if (!ec) LIFT_SKIP_WITHOUT() << "JWT test data not available";
  auto key = Key::from_jwk(ec->as_object());
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->algorithm(), Algorithm::ES512);
  EXPECT_EQ(key->kid(), "bilbo.baggins@hobbiton.example");
  EXPECT_TRUE(Key::from_jwk(load("cookbook/jwk_3_3.rsa_public_key.json")->as_object(), Algorithm::RS256));
  EXPECT_TRUE(Key::from_jwk(load("cookbook/jwk_3_5.symmetric_key_mac_computation.json")->as_object()));
}

TEST(Vectors, Rfc7515AppendixA) {
  auto document = load("rfc7515-appendix-a.json");
  if (!document) LIFT_SKIP_WITHOUT() << "JWT test data not available";
  const VerifyOptions in_2011{.clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1300819300)); }};
  for (const auto& entry : document->at("vectors").as_array()) {
    const std::string id(entry.at("id").as_string());
    SCOPED_TRACE(id);
    const std::string token(entry.at("compact").as_string());
    const std::string alg(entry.at("alg").as_string());
    if (entry.at("expect") == "reject") {
      auto jws = parse_jws(token);
      ASSERT_FALSE(jws);
      EXPECT_EQ(reason(jws.error()), "unsupported_algorithm");
      continue;
    }
    auto key = Key::from_jwk(entry.at("jwk").as_object(), parse_algorithm(alg));
    ASSERT_TRUE(key) << key.error().message;
    if (id == "A.4") {
      auto verified = verify_jws(token, *key);
      ASSERT_TRUE(verified) << verified.error().message;
      EXPECT_EQ(verified->payload, "Payload");
    } else {
      auto jwt = verify_jwt(token, *key, in_2011);
      ASSERT_TRUE(jwt) << jwt.error().message;
      EXPECT_EQ(jwt->issuer(), "joe");
      // The same token is long expired today.
      EXPECT_EQ(reason(verify_jwt(token, *key).error()), "expired");
    }
    expect_every_change_fails(token, *key);
  }
  const auto& thumbprint = document->at("jwk_thumbprint_rfc7638");
  auto computed = jwk_thumbprint(thumbprint.at("jwk").as_object());
  ASSERT_TRUE(computed);
  EXPECT_EQ(*computed, thumbprint.at("sha256_thumbprint").as_string());
}

TEST(Vectors, JoseMintedTokens) {
  auto document = load("jose-crosscheck.json");
  if (!document) LIFT_SKIP_WITHOUT() << "JWT test data not available";
  auto published = KeySet::from_json(document->at("jwks").at("public"));
  ASSERT_TRUE(published) << published.error().message;
  EXPECT_EQ(published->skipped(), 0U);
  std::vector<Key> keys = published->keys();
  for (const auto& jwk : document->at("keys").at("private").as_array()) {
    if (jwk.at("kty") != "oct") continue;
    auto key = Key::from_jwk(jwk.as_object());
    ASSERT_TRUE(key) << key.error().message;
    keys.push_back(*key);
  }
  EXPECT_EQ(keys.size(), 13U);
  const JwtVerifier verifier(KeySet(keys), {.issuers = {"https://issuer.example"},
                                            .audiences = {"lift-tests"},
                                            .clock = [] {
                                              return std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 60));
                                            }});
  int valid = 0;
  int rejected = 0;
  for (const auto& entry : document->at("tokens").as_array()) {
    const std::string name(entry.at("name").as_string());
    SCOPED_TRACE(name);
    auto jwt = verifier.verify(entry.at("token").as_string());
    if (entry.at("expect") == "valid") {
      ASSERT_TRUE(jwt) << jwt.error().message;
      ++valid;
    } else {
      ASSERT_FALSE(jwt);
      EXPECT_EQ(jwt.error().status, 401);
      EXPECT_FALSE(reason(jwt.error()).empty());
      ++rejected;
    }
  }
  EXPECT_EQ(valid, 14);
  EXPECT_EQ(rejected, 14);
}

}  // namespace
