#pragma once
// JSON Web Key Sets: parsed from JSON, read from a file, or fetched from a URL (directly or
// through OIDC discovery) and cached.
//
//   auto jwks = lift::security::JwksProvider::create(
//       {.issuer = lift::security::cognito_issuer("eu-west-1", "eu-west-1_AbCdEf")});
//
// Fetching: https anywhere, http only to loopback hosts, file:// from disk. A set is kept for
// `max_age`; a token with an unknown "kid" triggers a refresh, but no more than one fetch per
// `min_refresh_interval` whatever the cause; when the endpoint fails, the last good set stays in
// use (stale while revalidate).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/core/result.hpp"
#include "lift/security/key.hpp"

namespace lift::aws {
class HttpClient;
}

namespace lift::security {

// A key set that cannot be read (not JSON, no "keys" array, too large): code "InvalidJwks", 502.
inline constexpr std::string_view kInvalidJwks = "InvalidJwks";

struct KeySetOptions {
  std::size_t max_bytes = 256 * 1024;
  std::size_t max_keys = 100;  // more entries: the set is refused
  // Symmetric ("oct") keys belong in local configuration, not in a published set.
  bool allow_symmetric = false;
  // RSA keys without "alg" (some providers omit it) get this algorithm; nullopt: skipped.
  std::optional<Algorithm> rsa_default = Algorithm::RS256;
};

class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(std::vector<Key> keys) : keys_(std::move(keys)) {}

  // Entries that are not usable for verifying signatures are skipped and counted: "use" other
  // than "sig", "key_ops" without "verify", an unknown "kty", "crv" or "alg", bad key material.
  static Result<KeySet> parse(std::string_view json, const KeySetOptions& options = {});
  static Result<KeySet> from_json(const boost::json::value& jwks, const KeySetOptions& options = {});

  [[nodiscard]] const std::vector<Key>& keys() const noexcept { return keys_; }
  [[nodiscard]] std::size_t skipped() const noexcept { return skipped_; }
  [[nodiscard]] bool empty() const noexcept { return keys_.empty(); }
  // Keys with that "kid" (usually one).
  [[nodiscard]] std::vector<Key> with_kid(std::string_view kid) const;
  // Keys of that algorithm, for tokens without "kid".
  [[nodiscard]] std::vector<Key> with_algorithm(Algorithm algorithm) const;

 private:
  std::vector<Key> keys_{};
  std::size_t skipped_ = 0;
};

using Deadline = std::chrono::steady_clock::time_point;
// Fetches a URL and returns the body of a 200 answer; anything else is an error.
using JwksFetcher = std::function<Result<std::string>(const std::string& url, Deadline deadline)>;

// A fetcher over lift's HTTP client (`client` null: one of its own) that also reads file://
// URLs. Bodies above `max_bytes` are refused.
JwksFetcher http_fetcher(std::shared_ptr<aws::HttpClient> client = nullptr, std::size_t max_bytes = 256 * 1024);

// Whether `url` may be fetched: https, http to a loopback host, or file:// (allow_file). Errors:
// "Config", status 500.
Result<void> check_fetch_url(std::string_view url, bool allow_file);

// Cognito user pools' issuer: https://cognito-idp.{region}.amazonaws.com/{pool id}.
std::string cognito_issuer(std::string_view region, std::string_view user_pool_id);
// {issuer without a trailing '/'}/.well-known/openid-configuration
std::string discovery_url(std::string_view issuer);

struct JwksOptions {
  std::string url{};     // the JWKS: https://, http:// (loopback) or file://
  std::string issuer{};  // instead of url: OIDC discovery, then the document's jwks_uri
  std::chrono::seconds max_age{600};              // a set older than this is refetched on use
  std::chrono::seconds min_refresh_interval{30};  // at most one fetch (attempt) per interval
  std::chrono::milliseconds fetch_timeout{2000};  // one fetch, within the caller's deadline
  KeySetOptions key_set{};
  JwksFetcher fetch{};  // null: http_fetcher()
  std::function<std::chrono::steady_clock::time_point()> clock{};  // null: steady_clock::now
};

// Thread safety: thread-safe (the key set and its refresh are under a lock); share one per
// issuer (std::shared_ptr) across every worker of lift::run(app).
class JwksProvider {
 public:
  struct Stats {
    std::uint64_t fetches = 0;   // attempts, discovery included
    std::uint64_t failures = 0;
    std::uint64_t stale_uses = 0;  // lookups served from a set that failed to refresh
  };

  // Checks the URL or issuer; fetches nothing yet. Errors: "Config" (500).
  static Result<std::shared_ptr<JwksProvider>> create(JwksOptions options);

 private:
  struct Private {
    explicit Private() = default;
  };

 public:
  JwksProvider(Private, JwksOptions options);  // through create()
  ~JwksProvider();
  JwksProvider(const JwksProvider&) = delete;
  JwksProvider& operator=(const JwksProvider&) = delete;

  // The current set, fetched first when there is none or it is older than max_age (and the rate
  // limit allows). Errors: keys_unavailable (503) when no set was ever fetched.
  Result<std::shared_ptr<const KeySet>> key_set(Deadline deadline);
  // The keys with `kid`, refreshing once (rate limited) when none is known. Errors:
  // unknown_kid (401), keys_unavailable (503).
  Result<std::vector<Key>> keys_for_kid(std::string_view kid, Deadline deadline);
  // Fetches now unless a fetch happened within min_refresh_interval (then returns the cached
  // set's status: ok when there is one).
  Result<void> refresh(Deadline deadline);

  [[nodiscard]] Stats stats() const;
  // The JWKS URL (after discovery; empty until then).
  [[nodiscard]] std::string jwks_url() const;
  [[nodiscard]] const JwksOptions& options() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lift::security
