#pragma once
// Secrets and parameters with a TTL cache over Secrets Manager and SSM Parameter Store.
//
//   auto secrets = lift::security::SecretsProvider::from_aws();
//   auto password = (*secrets)->secret("db-creds", "password");   // a field of a JSON secret
//   auto url = (*secrets)->parameter("/todo/db-url");
//
// A value is fetched on first use and kept for `ttl`. Within `refresh_ahead` of its expiry the
// next read fetches again, and keeps the cached value when that fetch fails; an expired value
// is never served. Every fetch is bounded by a deadline.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::aws {
class SecretsManagerClient;
class SsmClient;
}  // namespace lift::aws

namespace lift::security {

using SecretDeadline = std::chrono::steady_clock::time_point;
// Returns the value of one secret or parameter.
using SecretFetcher = std::function<Result<std::string>(std::string_view name, SecretDeadline deadline)>;

// Fetchers over the aws clients: SecretString (or the SecretBinary bytes), and the parameter's
// value (decrypted when `with_decryption`).
SecretFetcher secrets_manager_fetcher(std::shared_ptr<aws::SecretsManagerClient> client);
SecretFetcher ssm_fetcher(std::shared_ptr<aws::SsmClient> client, bool with_decryption = true);

struct SecretsOptions {
  std::chrono::seconds ttl{300};
  std::chrono::seconds refresh_ahead{30};
  std::chrono::milliseconds fetch_timeout{2000};  // when the caller gives no deadline
  std::function<std::chrono::steady_clock::time_point()> clock{};  // null: steady_clock::now
};

// The field error: code "SecretFieldMissing" (500) when the secret is not a JSON object or has no
// such string/number/bool field.
inline constexpr std::string_view kSecretFieldMissing = "SecretFieldMissing";

// Thread safety: the cache and its statistics are under a lock (not held while a value is
// fetched); share one provider across every worker of lift::run(app).
class SecretsProvider {
 public:
  struct Stats {
    std::uint64_t fetches = 0;
    std::uint64_t hits = 0;
  };

  // Either fetcher may be null (its reads then fail with "Config").
  SecretsProvider(SecretFetcher secrets, SecretFetcher parameters, SecretsOptions options = {});
  // Clients from the environment (endpoints, region, credentials as the aws layer reads them).
  static Result<std::shared_ptr<SecretsProvider>> from_aws(SecretsOptions options = {});

  SecretsProvider(const SecretsProvider&) = delete;
  SecretsProvider& operator=(const SecretsProvider&) = delete;

  Result<std::string> secret(std::string_view name);
  Result<std::string> secret(std::string_view name, SecretDeadline deadline);
  // A top-level field of a JSON object secret; numbers and booleans as their JSON text.
  Result<std::string> secret(std::string_view name, std::string_view field);
  Result<std::string> secret(std::string_view name, std::string_view field, SecretDeadline deadline);
  Result<std::string> parameter(std::string_view name);
  Result<std::string> parameter(std::string_view name, SecretDeadline deadline);

  // Forgets a cached value (after a rotation was noticed, for example).
  void invalidate(std::string_view name);
  [[nodiscard]] Stats stats() const;

 private:
  struct Entry {
    std::string value;
    std::chrono::steady_clock::time_point fetched_at;
  };
  Result<std::string> get(const SecretFetcher& fetcher, std::string_view kind, std::string_view name,
                          SecretDeadline deadline);
  [[nodiscard]] std::chrono::steady_clock::time_point now() const;

  SecretFetcher secrets_;
  SecretFetcher parameters_;
  SecretsOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> cache_;  // key: kind + '\n' + name
  Stats stats_{};
};

}  // namespace lift::security
