#include "lift/security/verifier.hpp"

#include <type_traits>

#include "lift/security/errors.hpp"

namespace lift::security {

JwtVerifier::JwtVerifier(Key key, VerifyOptions options) : keys_(std::move(key)), options_(std::move(options)) {}
JwtVerifier::JwtVerifier(KeySet keys, VerifyOptions options) : keys_(std::move(keys)), options_(std::move(options)) {}
JwtVerifier::JwtVerifier(std::shared_ptr<JwksProvider> jwks, VerifyOptions options)
    : keys_(std::move(jwks)), options_(std::move(options)) {}

namespace {

// The keys a token may be checked with: by kid when it has one, else by its algorithm.
Result<std::vector<Key>> candidates(const KeySet& set, const UnverifiedJws& jws) {
  if (jws.kid) {
    auto keys = set.with_kid(*jws.kid);
    if (keys.empty()) return unauthorized(AuthReason::unknown_kid, "no key has the token's kid");
    return keys;
  }
  auto keys = set.with_algorithm(jws.algorithm);
  if (keys.empty()) return unauthorized(AuthReason::algorithm_mismatch, "no key is configured for the token's algorithm");
  return keys;
}

}  // namespace

Result<Jwt> JwtVerifier::verify(std::string_view token, Deadline deadline) const {
  auto jws = parse_jws(token, options_.max_token_bytes);
  if (!jws) return jws.error();

  Result<std::vector<Key>> keys = std::visit(
      [&](const auto& source) -> Result<std::vector<Key>> {
        using Source = std::decay_t<decltype(source)>;
        if constexpr (std::is_same_v<Source, Key>) {
          if (jws->kid && !source.kid().empty() && *jws->kid != source.kid())
            return unauthorized(AuthReason::unknown_kid, "the token's kid is not the key's");
          return std::vector<Key>{source};
        } else if constexpr (std::is_same_v<Source, KeySet>) {
          return candidates(source, *jws);
        } else {
          if (jws->kid) return source->keys_for_kid(*jws->kid, deadline);
          auto set = source->key_set(deadline);
          if (!set) return std::move(set).error();
          return candidates(**set, *jws);
        }
      },
      keys_);
  if (!keys) return keys.error();

  std::optional<Error> failure;
  for (const auto& key : *keys) {
    if (key.algorithm() != jws->algorithm) continue;
    auto jwt = verify_jwt(*jws, key, options_);
    if (jwt) return jwt;
    // A good signature with bad claims is final; a bad signature may still match another key.
    if (reason_of(jwt.error()) != to_string(AuthReason::bad_signature)) return jwt;
    failure = std::move(jwt).error();
  }
  if (failure) return *failure;
  return unauthorized(AuthReason::algorithm_mismatch, "the token's algorithm " + std::string(to_string(jws->algorithm)) +
                                                          " is not the key's");
}

Result<Jwt> JwtVerifier::verify(std::string_view token) const {
  std::chrono::milliseconds timeout{2000};
  if (const auto* provider = std::get_if<std::shared_ptr<JwksProvider>>(&keys_)) timeout = (*provider)->options().fetch_timeout;
  return verify(token, std::chrono::steady_clock::now() + timeout);
}

}  // namespace lift::security
