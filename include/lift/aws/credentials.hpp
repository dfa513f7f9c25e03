#pragma once
// AWS credentials and where they come from, in the order the AWS SDKs look:
//   1. environment variables (AWS_ACCESS_KEY_ID, ...),
//   2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (EKS service accounts, CI OIDC),
//   3. the shared config and credentials files' profile (AWS_PROFILE): static keys, a role
//      assumed from a source_profile or credential_source, web_identity_token_file, or
//      credential_process,
//   4. the container credentials endpoint (ECS, EKS Pod Identity, Lambda-like local emulators),
//   5. the EC2 instance metadata service (IMDSv2).
// A chain caches what it found and fetches again shortly before temporary credentials expire.
// Roles assumed in code (cross-account access) are in lift/aws/sts.hpp: assume_role_credentials.
//
// Error codes: "aws.credentials_not_found" (a source has nothing to offer; the chain asks the
// next), "aws.invalid_credentials" (a source is configured but cannot be used: a bad profile, a
// missing file, mfa_serial, a credential_process that fails), "aws.credentials_fetch_failed"
// (an endpoint that failed), and the STS errors of lift/aws/sts.hpp for assumed roles.

#include <chrono>
#include <condition_variable>
#include <cstdint>
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

// AWS_WEB_IDENTITY_TOKEN_FILE (the token, read again at every fetch: it is rotated) with
// AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME (empty: "lift-<epoch ms>"), exchanged with STS's
// AssumeRoleWithWebIdentity (unsigned) at the STS endpoint the standard endpoint configuration
// gives (AWS_ENDPOINT_URL_STS, ...) in the resolved region (us-east-1 without one).
// Not found when AWS_WEB_IDENTITY_TOKEN_FILE is unset; "aws.invalid_credentials" without
// AWS_ROLE_ARN or for a token file that cannot be read.
CredentialsProvider web_identity_credentials();

struct ProfileFiles {
  std::string profile{};           // empty: AWS_PROFILE, else "default"
  std::string credentials_file{};  // empty: AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
  std::string config_file{};       // empty: AWS_CONFIG_FILE, else ~/.aws/config
  // How long a profile's credential_process may run before it is killed and refused.
  std::chrono::milliseconds process_timeout{std::chrono::seconds(30)};
};
// A profile of the shared credentials file ([name]) over the config file ([profile name]), as
// the AWS SDKs read it, in this order:
//   - role_arn: the role assumed with STS AssumeRole (external_id, role_session_name,
//     duration_seconds; the profile's region and STS endpoint settings) using the credentials
//     of source_profile (followed to any depth; a cycle is an error; a source profile naming
//     itself uses its own static keys) or credential_source (Environment, Ec2InstanceMetadata,
//     EcsContainer); with web_identity_token_file instead, AssumeRoleWithWebIdentity. A profile
//     with mfa_serial is refused ("aws.invalid_credentials"): a function cannot prompt for a code.
//   - credential_process: the command's JSON (process_credentials).
//   - aws_access_key_id / aws_secret_access_key / aws_session_token.
// Not found when the profile does not exist or holds none of these.
CredentialsProvider profile_credentials(ProfileFiles files = {});

// Runs `command` with /bin/sh -c, as the AWS SDKs run a profile's credential_process, and reads
// its standard output: {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
// "Expiration"? (ISO 8601)}. "aws.invalid_credentials" for a command that cannot start, exits
// non-zero (its standard error's first line quoted), outlives `timeout` (killed), writes more
// than 64 KiB or answers anything else.
CredentialsProvider process_credentials(std::string command, std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The EC2 instance metadata service, version 2: a session token first (PUT /latest/api/token),
// then the instance profile's role name, then its credentials, all within `timeout` (short, so a
// machine that is not an EC2 instance is not held up). In a container on EC2 the token's answer
// needs a hop limit of 2 (the instance's metadata option HttpPutResponseHopLimit); with 1 it
// never arrives, and this source finds nothing.
struct ImdsOptions {
  // empty: AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254 (or
  // http://[fd00:ec2::254] when AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is IPv6).
  std::string endpoint{};
  std::chrono::milliseconds timeout{1000};
  std::shared_ptr<HttpClient> http{};  // null: a client of its own that never uses a proxy
};
// Not found when AWS_EC2_METADATA_DISABLED is "true" or nothing answers in time (and then, for
// a minute, at once without asking: a laptop's chain is not slowed down on every call);
// "aws.credentials_fetch_failed" for an endpoint that answers with an error, "aws.invalid_credentials"
// for credentials it cannot read.
CredentialsProvider imds_credentials(ImdsOptions options = {});

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

// The endpoint URL configured for a service the way the AWS SDKs read it, `service_id` spelled as
// they spell it ("DynamoDB", "STS", "Secrets Manager", "EventBridge", "ApiGatewayManagementApi"):
//   1. AWS_ENDPOINT_URL_<ID> (upper case, spaces as '_': AWS_ENDPOINT_URL_SECRETS_MANAGER),
//   2. AWS_ENDPOINT_URL,
//   3. the profile's `services` section ([services name], `<id> =` then an indented
//      `endpoint_url =`; the id in lower case with '_' for spaces),
//   4. the profile's `endpoint_url`.
// None of them when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's
// ignore_configured_endpoint_urls) is "true". nullopt when nothing is configured.
std::optional<std::string> configured_endpoint_url(std::string_view service_id, const ProfileFiles& files = {});

// Asks each provider in turn and caches the answer; temporary credentials are fetched again
// once they are within `refresh_before` of expiring. One refresh at a time: while a worker
// fetches, the others keep using the cached credentials if they have not expired yet, or wait
// for that one fetch (and share its answer or its error). A refresh that fails while the cached
// credentials are still valid is tried again 10 s later at the earliest, and meanwhile those
// credentials are served.
// Thread safety: thread-safe; share one chain across workers. No lock is held while a provider
// runs.
class CredentialsChain {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit CredentialsChain(std::vector<CredentialsProvider> providers, Clock clock = std::chrono::system_clock::now,
                            std::chrono::seconds refresh_before = std::chrono::minutes(5));
  // environment, web identity, profile files, the container endpoint, then IMDS.
  static CredentialsChain standard();
  static std::vector<CredentialsProvider> standard_providers();

  Result<Credentials> get();

 private:
  Result<Credentials> fetch();
  [[nodiscard]] bool usable(std::chrono::system_clock::time_point now) const;

  std::vector<CredentialsProvider> providers_;
  Clock clock_;
  std::chrono::seconds refresh_before_;
  std::mutex mutex_;
  std::condition_variable refreshed_;
  std::optional<Credentials> cached_;
  bool refreshing_ = false;
  std::uint64_t refreshes_ = 0;  // completed fetches, so waiters know theirs is done
  std::optional<Error> last_error_;
  std::chrono::system_clock::time_point retry_after_{};  // after a failed refresh
};

}  // namespace lift::aws
