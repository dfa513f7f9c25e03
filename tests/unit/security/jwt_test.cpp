// JWS/JWT verification: every algorithm, every refusal reason, the claim checks with an
// injected clock, and key construction rules (no HMAC key from public key material).
#include "lift/security/jwt.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/security/errors.hpp"
#include "test_keys.hpp"

namespace {

namespace json = boost::json;
using namespace lift::security;
using lift::security::testing::hmac_key;
using lift::security::testing::key_pair;
using lift::security::testing::reason;
using lift::security::testing::signing_key;
using lift::security::testing::verification_key;

constexpr std::int64_t kNow = 1'800'000'000;  // 2027-01-15

VerifyOptions at_now(VerifyOptions options = {}) {
  options.clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(kNow)); };
  return options;
}

json::object claims(json::object extra = {}) {
  json::object out{{"sub", "alice"}, {"iss", "https://issuer.example"}, {"aud", "api"}, {"iat", kNow - 10},
                   {"exp", kNow + 600}};
  for (const auto& member : extra) out[member.key()] = member.value();
  return out;
}

std::string sign(const json::object& body, const Key& key, const json::object& header = {}) {
  auto token = sign_jwt(body, key, header);
  if (!token) throw std::runtime_error(token.error().message);
  return *token;
}

std::string expect_refused(const lift::Result<Jwt>& result) {
  if (result) return "accepted";
  EXPECT_EQ(result.error().code, "Unauthorized");
  EXPECT_EQ(result.error().status, 401);
  return reason(result.error());
}

constexpr Algorithm kAll[] = {Algorithm::HS256, Algorithm::HS384, Algorithm::HS512, Algorithm::RS256, Algorithm::RS384,
                              Algorithm::RS512, Algorithm::PS256, Algorithm::PS384, Algorithm::PS512, Algorithm::ES256,
                              Algorithm::ES384, Algorithm::ES512, Algorithm::EdDSA};

TEST(Jwt, EveryAlgorithmSignsAndVerifies) {
  for (const Algorithm algorithm : kAll) {
    SCOPED_TRACE(std::string(to_string(algorithm)));
    const Key signer = is_hmac(algorithm) ? hmac_key(algorithm) : signing_key(algorithm);
    const std::string token = sign(claims(), signer);
    const Key verifier = is_hmac(algorithm) ? hmac_key(algorithm) : verification_key(algorithm);
    auto jwt = verify_jwt(token, verifier, at_now({.issuers = {"https://issuer.example"}, .audiences = {"api"}}));
    ASSERT_TRUE(jwt) << jwt.error().message;
    EXPECT_EQ(jwt->subject(), "alice");
    EXPECT_EQ(jwt->header.at("alg").as_string(), to_string(algorithm));
    if (!is_hmac(algorithm)) {
      // The same public key as a JWK.
      auto from_jwk = Key::from_jwk(key_pair(algorithm).public_jwk, algorithm);
      ASSERT_TRUE(from_jwk) << from_jwk.error().message;
      EXPECT_TRUE(verify_jwt(token, *from_jwk, at_now()));
      // Another key of the same type does not verify it.
      EXPECT_EQ(expect_refused(verify_jwt(token, verification_key(algorithm, {}, 1), at_now())), "bad_signature");
    }
  }
}

TEST(Jwt, AlgorithmIsTheKeysNotTheTokens) {
  const std::string hs384 = sign(claims(), hmac_key(Algorithm::HS384));
  EXPECT_EQ(expect_refused(verify_jwt(hs384, hmac_key(Algorithm::HS256), at_now())), "algorithm_mismatch");
  const std::string rs256 = sign(claims(), signing_key(Algorithm::RS256));
  EXPECT_EQ(expect_refused(verify_jwt(rs256, verification_key(Algorithm::PS256), at_now())), "algorithm_mismatch");
  EXPECT_EQ(expect_refused(verify_jwt(rs256, verification_key(Algorithm::ES256), at_now())), "algorithm_mismatch");
}

TEST(Jwt, RsaHmacConfusionIsImpossible) {
  const auto& pair = key_pair(Algorithm::RS256);
  // The classic forgery: HS256 keyed with the public key's PEM text. No HS key can be made from it.
  EXPECT_EQ(Key::hmac(Algorithm::HS256, pair.public_pem).error().code, kInvalidKey);
  EXPECT_EQ(Key::from_pem(pair.public_pem, Algorithm::HS256).error().code, kInvalidKey);
  EXPECT_EQ(Key::from_jwk(pair.public_jwk, Algorithm::HS256).error().code, kInvalidKey);
  json::object oct{{"kty", "oct"}, {"k", lift::base64::encode_url(std::string(64, 'x'))}, {"alg", "RS256"}};
  EXPECT_EQ(Key::from_jwk(oct).error().code, kInvalidKey);
  // A token forged that way is refused by the RSA key before any HMAC is computed.
  const std::string secret = pair.public_pem.substr(pair.public_pem.find('\n') + 1, 64);
  auto forger = Key::hmac(Algorithm::HS256, secret);
  ASSERT_TRUE(forger);
  const std::string forged = sign(claims(), *forger);
  EXPECT_EQ(expect_refused(verify_jwt(forged, verification_key(Algorithm::RS256), at_now())), "algorithm_mismatch");
}

TEST(Jwt, StructureErrors) {
  const Key key = hmac_key(Algorithm::HS256);
  const std::string good = sign(claims(), key);
  const auto dot1 = good.find('.');
  const auto dot2 = good.rfind('.');
  EXPECT_TRUE(verify_jwt(good, key, at_now()));

  EXPECT_EQ(expect_refused(verify_jwt("", key, at_now())), "no_token");
  EXPECT_EQ(expect_refused(verify_jwt(good.substr(0, dot2), key, at_now())), "malformed");
  EXPECT_EQ(expect_refused(verify_jwt(good + ".x", key, at_now())), "malformed");
  EXPECT_EQ(expect_refused(verify_jwt(good.substr(dot1), key, at_now())), "malformed");
  EXPECT_EQ(expect_refused(verify_jwt(good + "=", key, at_now())), "malformed");
  std::string star = good;
  star[dot1 + 3] = '*';
  EXPECT_EQ(expect_refused(verify_jwt(star, key, at_now())), "malformed");
  std::string plus = good;
  plus[dot1 + 3] = '+';
  EXPECT_EQ(expect_refused(verify_jwt(plus, key, at_now())), "malformed");
  std::string space = good;
  space.insert(dot1 + 2, " ");
  EXPECT_EQ(expect_refused(verify_jwt(space, key, at_now())), "malformed");

  VerifyOptions small = at_now();
  small.max_token_bytes = good.size() - 1;
  EXPECT_EQ(expect_refused(verify_jwt(good, key, small)), "too_large");
  const std::string huge = sign(claims({{"blob", std::string(9000, 'a')}}), key);
  EXPECT_EQ(expect_refused(verify_jwt(huge, key, at_now())), "too_large");

  const auto with_header = [&](std::string_view header) {
    return lift::base64::encode_url(header) + good.substr(dot1);
  };
  EXPECT_EQ(expect_refused(verify_jwt(with_header("not json"), key, at_now())), "malformed");
  EXPECT_EQ(expect_refused(verify_jwt(with_header("[\"HS256\"]"), key, at_now())), "malformed");
  EXPECT_EQ(expect_refused(verify_jwt(with_header("{}"), key, at_now())), "malformed");
  EXPECT_EQ(expect_refused(verify_jwt(with_header(R"({"alg":5})"), key, at_now())), "malformed");
  EXPECT_EQ(expect_refused(verify_jwt(with_header(R"({"alg":"none"})"), key, at_now())), "unsupported_algorithm");
  EXPECT_EQ(expect_refused(verify_jwt(with_header(R"({"alg":"hs256"})"), key, at_now())), "unsupported_algorithm");
  EXPECT_EQ(expect_refused(verify_jwt(with_header(R"({"alg":"HS999"})"), key, at_now())), "unsupported_algorithm");
  EXPECT_EQ(expect_refused(verify_jwt(with_header(R"({"alg":"HS256","crit":["exp"],"exp":1})"), key, at_now())),
            "crit_unsupported");
  EXPECT_EQ(expect_refused(verify_jwt(with_header(R"({"alg":"HS256","kid":7})"), key, at_now())), "malformed");
  // alg none with an empty signature, the unsecured JWS of RFC 7515 A.5.
  const std::string none = lift::base64::encode_url(R"({"alg":"none"})") + "." +
                           lift::base64::encode_url(json::serialize(claims())) + ".";
  EXPECT_EQ(expect_refused(verify_jwt(none, key, at_now())), "unsupported_algorithm");
}

TEST(Jwt, SignatureErrors) {
  for (const Algorithm algorithm : {Algorithm::HS256, Algorithm::RS256, Algorithm::PS384, Algorithm::ES256,
                                    Algorithm::ES512, Algorithm::EdDSA}) {
    SCOPED_TRACE(std::string(to_string(algorithm)));
    const Key signer = is_hmac(algorithm) ? hmac_key(algorithm) : signing_key(algorithm);
    const Key verifier = is_hmac(algorithm) ? hmac_key(algorithm) : verification_key(algorithm);
    const std::string good = sign(claims(), signer);
    const auto dot2 = good.rfind('.');
    auto signature = *lift::base64::decode_url(good.substr(dot2 + 1));
    signature[signature.size() / 2] ^= 0x01;
    EXPECT_EQ(expect_refused(verify_jwt(good.substr(0, dot2 + 1) + lift::base64::encode_url(signature), verifier, at_now())),
              "bad_signature");
    EXPECT_EQ(expect_refused(verify_jwt(good.substr(0, dot2 + 1), verifier, at_now())), "bad_signature");
    EXPECT_EQ(expect_refused(verify_jwt(good.substr(0, dot2 + 1) + lift::base64::encode_url(signature.substr(1)), verifier,
                                        at_now())),
              "bad_signature");
    EXPECT_EQ(expect_refused(verify_jwt(good.substr(0, dot2 + 1) + lift::base64::encode_url(signature + "x"), verifier,
                                        at_now())),
              "bad_signature");
    // A swapped payload.
    const std::string other = sign(claims({{"sub", "mallory"}}), signer);
    const std::string swapped = good.substr(0, good.find('.')) + other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
                                good.substr(dot2);
    EXPECT_EQ(expect_refused(verify_jwt(swapped, verifier, at_now())), "bad_signature");
  }
}

TEST(Jwt, PayloadMustBeAJsonObject) {
  const Key key = hmac_key(Algorithm::HS256);
  for (const char* payload : {"not json", "[1,2]", "\"text\"", "42", ""}) {
    auto token = sign_jws(payload, key);
    ASSERT_TRUE(token);
    EXPECT_EQ(expect_refused(verify_jwt(*token, key, at_now())), "malformed") << payload;
    EXPECT_TRUE(verify_jws(*token, key)) << payload;  // the signature itself is fine
  }
}

TEST(Jwt, TimeClaims) {
  const Key key = hmac_key(Algorithm::HS256);
  const auto verify = [&](json::object body, VerifyOptions options = {}) {
    return verify_jwt(sign(body, key), key, at_now(std::move(options)));
  };
  const VerifyOptions strict{.leeway = std::chrono::seconds(0)};
  EXPECT_TRUE(verify(claims()));
  EXPECT_EQ(expect_refused(verify(claims({{"exp", kNow - 31}}))), "expired");
  EXPECT_TRUE(verify(claims({{"exp", kNow - 29}})));  // within the default 30 s leeway
  EXPECT_EQ(expect_refused(verify(claims({{"exp", kNow}}), strict)), "expired");
  EXPECT_TRUE(verify(claims({{"exp", kNow + 1}}), strict));
  EXPECT_TRUE(verify(claims({{"exp", static_cast<double>(kNow) + 0.5}}), strict));
  EXPECT_EQ(expect_refused(verify(claims({{"exp", "tomorrow"}}))), "malformed");
  EXPECT_EQ(expect_refused(verify(claims({{"exp", nullptr}}))), "malformed");

  EXPECT_EQ(expect_refused(verify(claims({{"nbf", kNow + 31}}))), "not_yet_valid");
  EXPECT_TRUE(verify(claims({{"nbf", kNow + 30}})));
  EXPECT_EQ(expect_refused(verify(claims({{"nbf", kNow + 1}}), strict)), "not_yet_valid");
  EXPECT_EQ(expect_refused(verify(claims({{"nbf", true}}))), "malformed");
  EXPECT_EQ(expect_refused(verify(claims({{"iat", kNow + 120}}))), "not_yet_valid");

  json::object no_exp = claims();
  no_exp.erase("exp");
  EXPECT_EQ(expect_refused(verify(no_exp)), "missing_claim");
  EXPECT_TRUE(verify(no_exp, {.require_exp = false}));

  EXPECT_TRUE(verify(claims({{"iat", kNow - 100}}), {.max_age = std::chrono::seconds(300)}));
  EXPECT_EQ(expect_refused(verify(claims({{"iat", kNow - 1000}}), {.max_age = std::chrono::seconds(300)})), "too_old");
  json::object no_iat = claims();
  no_iat.erase("iat");
  EXPECT_EQ(expect_refused(verify(no_iat, {.max_age = std::chrono::seconds(300)})), "missing_claim");
}

TEST(Jwt, IssuerAudienceAndRequiredClaims) {
  const Key key = hmac_key(Algorithm::HS256);
  const auto verify = [&](json::object body, VerifyOptions options) {
    return verify_jwt(sign(body, key), key, at_now(std::move(options)));
  };
  const VerifyOptions iss{.issuers = {"https://a.example", "https://issuer.example"}};
  EXPECT_TRUE(verify(claims(), iss));
  EXPECT_EQ(expect_refused(verify(claims({{"iss", "https://evil.example"}}), iss)), "wrong_issuer");
  EXPECT_EQ(expect_refused(verify(claims({{"iss", 1}}), iss)), "malformed");
  json::object no_iss = claims();
  no_iss.erase("iss");
  EXPECT_EQ(expect_refused(verify(no_iss, iss)), "missing_claim");
  EXPECT_TRUE(verify(no_iss, {}));

  const VerifyOptions aud{.audiences = {"api"}};
  EXPECT_TRUE(verify(claims(), aud));
  EXPECT_TRUE(verify(claims({{"aud", json::array{"other", "api"}}}), aud));
  EXPECT_EQ(expect_refused(verify(claims({{"aud", "other"}}), aud)), "wrong_audience");
  EXPECT_EQ(expect_refused(verify(claims({{"aud", json::array{"other"}}}), aud)), "wrong_audience");
  EXPECT_EQ(expect_refused(verify(claims({{"aud", json::array{}}}), aud)), "wrong_audience");
  EXPECT_EQ(expect_refused(verify(claims({{"aud", json::array{"api", 3}}}), aud)), "malformed");
  EXPECT_EQ(expect_refused(verify(claims({{"aud", json::object{}}}), aud)), "malformed");

  const VerifyOptions required{.required_claims = {"sub", "tenant_id"}};
  EXPECT_EQ(expect_refused(verify(claims(), required)), "missing_claim");
  EXPECT_EQ(expect_refused(verify(claims({{"tenant_id", nullptr}}), required)), "missing_claim");
  EXPECT_TRUE(verify(claims({{"tenant_id", "t1"}}), required));
}

TEST(Jwt, ErrorsCarryTheReason) {
  auto error = unauthorized(AuthReason::expired, "the token has expired");
  EXPECT_EQ(error.code, "Unauthorized");
  EXPECT_EQ(error.status, 401);
  ASSERT_EQ(error.details.size(), 1U);
  EXPECT_EQ(error.details[0].field, "reason");
  EXPECT_EQ(reason_of(error), "expired");
  EXPECT_EQ(reason_of(forbidden(AuthReason::missing_role, "x")), "missing_role");
  EXPECT_EQ(forbidden(AuthReason::missing_role, "x").status, 403);
  EXPECT_EQ(keys_unavailable("x").status, 503);
  EXPECT_EQ(reason_of(lift::Error{"Other", "x", 500, {{"reason", "expired"}}}), "");
}

TEST(Jwt, ParseExposesKidAndAlgorithmOnly) {
  const std::string token = sign(claims(), hmac_key(Algorithm::HS512, "k1"));
  auto jws = parse_jws(token);
  ASSERT_TRUE(jws);
  EXPECT_EQ(jws->algorithm, Algorithm::HS512);
  EXPECT_EQ(jws->kid, "k1");
  auto jwt = verify_jwt(*jws, hmac_key(Algorithm::HS512), at_now());
  ASSERT_TRUE(jwt);
  EXPECT_EQ(jwt->kid(), "k1");
  EXPECT_EQ(jwt->header.at("typ").as_string(), "JWT");
}

TEST(Jwt, SigningNeedsAPrivateKey) {
  auto token = sign_jwt(claims(), verification_key(Algorithm::ES256));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, kInvalidKey);
}

TEST(Key, HmacSecretsHaveTheHashLength) {
  EXPECT_FALSE(Key::hmac(Algorithm::HS256, std::string(31, 'a')));
  EXPECT_TRUE(Key::hmac(Algorithm::HS256, std::string(32, 'a')));
  EXPECT_FALSE(Key::hmac(Algorithm::HS512, std::string(63, 'a')));
  EXPECT_FALSE(Key::hmac(Algorithm::RS256, std::string(64, 'a')));
  EXPECT_EQ(Key::hmac(Algorithm::HS256, std::string(64, 'a'))->type(), KeyType::oct);
  EXPECT_TRUE(Key::hmac(Algorithm::HS256, std::string(64, 'a'))->can_sign());
}

TEST(Key, JwkRules) {
  const auto& rsa = key_pair(Algorithm::RS256).public_jwk;
  EXPECT_FALSE(Key::from_jwk(rsa));  // RSA needs an algorithm
  EXPECT_EQ(Key::from_jwk(rsa, Algorithm::PS256)->algorithm(), Algorithm::PS256);
  json::object with_alg = rsa;
  with_alg["alg"] = "RS384";
  with_alg["kid"] = "r1";
  EXPECT_EQ(Key::from_jwk(with_alg)->algorithm(), Algorithm::RS384);
  EXPECT_EQ(Key::from_jwk(with_alg)->kid(), "r1");
  EXPECT_FALSE(Key::from_jwk(with_alg, Algorithm::RS256));  // disagreement
  EXPECT_FALSE(Key::from_jwk(with_alg, Algorithm::ES256));
  json::object enc = with_alg;
  enc["use"] = "enc";
  EXPECT_FALSE(Key::from_jwk(enc));
  json::object ops = with_alg;
  ops["key_ops"] = json::array{"encrypt"};
  EXPECT_FALSE(Key::from_jwk(ops));
  ops["key_ops"] = json::array{"verify"};
  EXPECT_TRUE(Key::from_jwk(ops));
  json::object bad_alg = rsa;
  bad_alg["alg"] = "RSA-OAEP";
  EXPECT_FALSE(Key::from_jwk(bad_alg));
  json::object even = rsa;
  even["e"] = "AQAA";
  EXPECT_FALSE(Key::from_jwk(even, Algorithm::RS256));
  json::object small = rsa;
  small["n"] = lift::base64::encode_url(std::string(128, '\xff'));  // 1024 bits
  EXPECT_FALSE(Key::from_jwk(small, Algorithm::RS256));

  const auto& ec = key_pair(Algorithm::ES256).public_jwk;
  EXPECT_EQ(Key::from_jwk(ec)->algorithm(), Algorithm::ES256);  // implied by the curve
  EXPECT_EQ(Key::from_jwk(ec)->type(), KeyType::ec);
  EXPECT_FALSE(Key::from_jwk(ec, Algorithm::ES384));
  json::object off_curve = ec;
  auto x = *lift::base64::decode_url(ec.at("x").as_string());
  x[5] ^= 1;
  off_curve["x"] = lift::base64::encode_url(x);
  EXPECT_FALSE(Key::from_jwk(off_curve));
  json::object short_x = ec;
  short_x["x"] = lift::base64::encode_url(x.substr(1));
  EXPECT_FALSE(Key::from_jwk(short_x));
  json::object secp256k1 = ec;
  secp256k1["crv"] = "secp256k1";
  EXPECT_FALSE(Key::from_jwk(secp256k1));

  const auto& okp = key_pair(Algorithm::EdDSA).public_jwk;
  EXPECT_EQ(Key::from_jwk(okp)->algorithm(), Algorithm::EdDSA);
  json::object ed448 = okp;
  ed448["crv"] = "Ed448";
  EXPECT_FALSE(Key::from_jwk(ed448));
  json::object okp_as_ec = okp;
  okp_as_ec["kty"] = "EC";
  EXPECT_FALSE(Key::from_jwk(okp_as_ec));

  EXPECT_FALSE(Key::from_jwk(json::object{{"kty", "oct"}, {"k", "AAAA"}}));  // no algorithm
  EXPECT_FALSE(Key::from_jwk(json::object{{"kty", "oct"}, {"k", "AAAA"}, {"alg", "HS256"}}));  // too short
  EXPECT_FALSE(Key::from_jwk(json::object{{"n", "AAAA"}}));
  EXPECT_FALSE(Key::from_jwk(std::string_view("not json")));
  EXPECT_TRUE(Key::from_jwk(std::string_view(json::serialize(okp))));
}

TEST(Key, PemRules) {
  const auto& rsa = key_pair(Algorithm::RS256);
  EXPECT_FALSE(Key::from_pem(rsa.public_pem, Algorithm::ES256));
  EXPECT_FALSE(Key::from_pem(rsa.public_pem, Algorithm::EdDSA));
  EXPECT_FALSE(Key::from_pem(key_pair(Algorithm::ES384).public_pem, Algorithm::ES256));
  EXPECT_TRUE(Key::from_pem(key_pair(Algorithm::ES384).public_pem, Algorithm::ES384));
  EXPECT_FALSE(Key::from_pem("no pem here", Algorithm::RS256));
  EXPECT_FALSE(Key::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", Algorithm::RS256));
  EXPECT_FALSE(Key::from_pem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
                             Algorithm::RS256));
  auto public_key = Key::from_pem(rsa.public_pem, Algorithm::RS256);
  ASSERT_TRUE(public_key);
  EXPECT_FALSE(public_key->can_sign());
  EXPECT_TRUE(Key::from_pem(rsa.private_pem, Algorithm::RS256)->can_sign());
}

TEST(Key, AlgorithmNames) {
  for (const Algorithm algorithm : kAll) EXPECT_EQ(parse_algorithm(to_string(algorithm)), algorithm);
  EXPECT_FALSE(parse_algorithm("none"));
  EXPECT_FALSE(parse_algorithm("NONE"));
  EXPECT_FALSE(parse_algorithm("rs256"));
  EXPECT_FALSE(parse_algorithm(""));
}

}  // namespace
