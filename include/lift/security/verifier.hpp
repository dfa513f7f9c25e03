#pragma once
// JwtVerifier: one object a middleware calls per request, whatever the key source.
//
//   auto jwks = lift::security::JwksProvider::create({.url = "https://issuer.example/jwks.json"});
//   lift::security::JwtVerifier verifier(*jwks, {.issuers = {"https://issuer.example"},
//                                                .audiences = {"my-api"}});
//   auto jwt = verifier.verify(token, deadline);
//
// Key choice never follows the token blindly: with a "kid" the key must carry that kid, and the
// token's "alg" must equal the chosen key's algorithm; without a "kid" only keys of the
// header's algorithm are tried.

#include <chrono>
#include <memory>
#include <string_view>
#include <variant>

#include "lift/core/result.hpp"
#include "lift/security/jwks.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/key.hpp"

namespace lift::security {

// Thread safety: verify() only reads the keys and options (a JwksProvider is thread-safe); share
// one verifier across every worker of lift::run(app).
class JwtVerifier {
 public:
  // One configured key; a token with a "kid" other than the key's (when the key has one) is
  // refused with unknown_kid.
  explicit JwtVerifier(Key key, VerifyOptions options = {});
  explicit JwtVerifier(KeySet keys, VerifyOptions options = {});
  explicit JwtVerifier(std::shared_ptr<JwksProvider> jwks, VerifyOptions options = {});

  // `deadline` bounds a JWKS fetch when one is needed.
  [[nodiscard]] Result<Jwt> verify(std::string_view token, Deadline deadline) const;
  // Deadline: now + the provider's fetch_timeout (2 s without a provider).
  [[nodiscard]] Result<Jwt> verify(std::string_view token) const;

  [[nodiscard]] const VerifyOptions& options() const noexcept { return options_; }

 private:
  std::variant<Key, KeySet, std::shared_ptr<JwksProvider>> keys_;
  VerifyOptions options_;
};

}  // namespace lift::security
