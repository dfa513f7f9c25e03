// Fuzzes JWT parsing and verification and JWKS parsing: any bytes are tried as a compact token
// (against HMAC, RSA, EC and Ed25519 keys and a key set) and as a JWKS / JWK document. Nothing
// may crash, and every refusal of a token must be a typed 401 with a reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lift/security/errors.hpp"
#include "lift/security/jwks.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/masking.hpp"
#include "lift/security/principal.hpp"
#include "lift/security/token.hpp"
#include "lift/security/verifier.hpp"

namespace {

using namespace lift::security;

// Public keys from RFC 7515 appendix A, built once; immutable afterwards.
struct Keys {
  Key hmac = *Key::hmac(Algorithm::HS256, std::string(32, 'k'));
  Key rsa = *Key::from_jwk(std::string_view(R"({"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"})"),
                           Algorithm::RS256);
  Key ec = *Key::from_jwk(std::string_view(
      R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})"));
  Key ed = *Key::from_jwk(std::string_view(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"));
};

const Keys& keys() {
  static const Keys instance;
  return instance;
}

void check_refusal(const lift::Error& error) {
  if (error.code != kUnauthorized || error.status != 401 || reason_of(error).empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& k = keys();
  const VerifyOptions options{.require_exp = false};

  // As a token.
  auto jws = parse_jws(text);
  if (!jws) check_refusal(jws.error());
  for (const Key* key : {&k.hmac, &k.rsa, &k.ec, &k.ed}) {
    auto jwt = verify_jwt(text, *key, options);
    if (!jwt) {
      check_refusal(jwt.error());
    } else {
      (void)principal_from_claims(jwt->claims);
    }
  }
  const JwtVerifier verifier(KeySet({k.hmac, k.rsa, k.ec, k.ed}), options);
  if (auto jwt = verifier.verify(text); !jwt) check_refusal(jwt.error());
  (void)bearer_token(text);

  // As a key set and a single key.
  auto set = KeySet::parse(text, {.allow_symmetric = true});
  if (set) {
    for (const auto& key : set->keys()) {
      if (auto jwt = verify_jwt("eyJhbGciOiJFUzI1NiJ9.e30.AAAA", key, options); jwt) std::abort();
    }
  }
  (void)Key::from_jwk(text);
  (void)Key::from_jwk(text, Algorithm::PS256);

  // Masking never fails either.
  (void)Masker().mask_text(text);
  return 0;
}
