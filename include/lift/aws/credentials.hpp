#pragma once
// AWS credentials and where they come from, in the order the AWS SDKs look:
// environment variables, the shared credentials and config files (AWS_PROFILE), then the
// container credentials endpoint (ECS, EKS Pod Identity, Lambda-like local emulators).
// A chain caches what it found and looks again shortly before temporary credentials expire.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::aws {

class HttpClient;

struct Credentials {
  std::string access_key_id{};
  std::string secret_access_key{};
  std::string session_token{};  // empty for long-term credentials
  std::optional<std::chrono::system_clock::time_point> expiration{};  // temporary credentials only
  std::string source{};  // which provider found them, for diagnostics ("environment", "profile default")
};

// A provider answers with credentials, or with the error code "aws.credentials_not_found"
// when it has none to offer (the chain then asks the next one); any other error stops the chain.
using CredentialsProvider = std::function<Result<Credentials>()>;

// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
CredentialsProvider environment_credentials();

struct ProfileFiles {
  std::string profile{};           // empty: AWS_PROFILE, else "default"
  std::string credentials_file{};  // empty: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
  std::string config_file{};       // empty: AWS_CONFIG_FILE, else ~/.aws/config
};
// Static keys of a profile in the shared credentials file ([name]) or config file ([profile name]).
CredentialsProvider profile_credentials(ProfileFiles files = {});

// The container credentials endpoint, as the AWS SDKs use it:
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (appended to http://169.254.170.2), else
// AWS_CONTAINER_CREDENTIALS_FULL_URI (https anywhere; http only to loopback, 169.254.170.2,
// 169.254.170.23 or fd00:ec2::23). The Authorization header comes from the file named by
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, else AWS_CONTAINER_AUTHORIZATION_TOKEN.
// Not found when neither URI variable is set; a set but unusable endpoint is an error
// ("aws.invalid_credentials" for the configuration, "aws.credentials_fetch_failed" for the call).
// `client` null: a client of its own that never uses a proxy.
CredentialsProvider container_credentials(std::shared_ptr<HttpClient> client = nullptr);

// The endpoint's JSON: {"AccessKeyId", "SecretAccessKey", "Token"?, "Expiration"? (ISO 8601)}.
// Errors: "aws.invalid_credentials" (status 500) naming what is wrong.
Result<Credentials> parse_container_credentials(std::string_view json);

// The region: AWS_REGION, AWS_DEFAULT_REGION, then the profile's `region` in the config file.
std::optional<std::string> resolve_region(const ProfileFiles& files = {});

// Asks each provider in turn and caches the answer; temporary credentials are fetched again
// once they are within `refresh_before` of expiring. Thread safety: thread-safe (one lock around
// the cached credentials and their refresh); share one chain across workers.
class CredentialsChain {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit CredentialsChain(std::vector<CredentialsProvider> providers, Clock clock = std::chrono::system_clock::now,
                            std::chrono::seconds refresh_before = std::chrono::minutes(5));
  // environment, profile files, then the container endpoint.
  static CredentialsChain standard();
  static std::vector<CredentialsProvider> standard_providers();

  Result<Credentials> get();

 private:
  std::vector<CredentialsProvider> providers_;
  Clock clock_;
  std::chrono::seconds refresh_before_;
  std::mutex mutex_;
  std::optional<Credentials> cached_;
};

}  // namespace lift::aws
