#pragma once
// AWS Secrets Manager's GetSecretValue over its JSON protocol (application/x-amz-json-1.1,
// X-Amz-Target secretsmanager.GetSecretValue, SigV4 service "secretsmanager"), retried by the
// standard policy and bounded by the caller's deadline.
//
//   auto secrets = lift::aws::SecretsManagerClient::create();
//   if (!secrets) return secrets.error();
//   auto secret = secrets->get_secret_value({.secret_id = "prod/db"}, std::chrono::steady_clock::now() + 2s);
//   if (secret && secret->secret_string) connect(*secret->secret_string);

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/protection.hpp"
#include "lift/aws/retry.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "SecretsManager." and the AWS error name without its "Exception" suffix; those
// callers act on are named here. Other names are kept ("SecretsManager.InternalServiceError").
inline constexpr std::string_view kSecretsManagerResourceNotFound = "SecretsManager.ResourceNotFound";
inline constexpr std::string_view kSecretsManagerDecryptionFailure = "SecretsManager.DecryptionFailure";
inline constexpr std::string_view kSecretsManagerAccessDenied = "SecretsManager.AccessDenied";
// The secret's state forbids it (scheduled for deletion, ...).
inline constexpr std::string_view kSecretsManagerInvalidRequest = "SecretsManager.InvalidRequest";
// A parameter is wrong; also what the client answers, without a call, to an empty SecretId.
inline constexpr std::string_view kSecretsManagerInvalidParameter = "SecretsManager.InvalidParameter";
inline constexpr std::string_view kSecretsManagerThrottling = "SecretsManager.Throttling";  // retried
// An answer that is not Secrets Manager's JSON (status kept, 502 for a 2xx).
inline constexpr std::string_view kSecretsManagerMalformedResponse = "SecretsManager.MalformedResponse";

struct SecretsManagerOptions {
  // "http(s)://host[:port]"; empty: LIFT_SECRETSMANAGER_ENDPOINT, else AWS_ENDPOINT_URL_SECRETS_MANAGER,
  // AWS_ENDPOINT_URL or the profile's endpoint settings, else https://secretsmanager.<region>.amazonaws.com.
  std::string endpoint{};
  std::string region{};  // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1
  RetryPolicy retry{};
  std::shared_ptr<HttpClient> http{};               // null: a client of its own
  std::shared_ptr<CredentialsChain> credentials{};  // null: the standard chain  // Every call, with all its retries, goes through this breaker: while it is open, calls fail at
  // once with CircuitOpen (503). lift::aws::service_breaker("secretsmanager") gives the process's breaker
  // for the service (lift/aws/protection.hpp says what counts as a failure). Unset: none.
  std::optional<resilience::CircuitBreaker> breaker{};
  // Faults drawn for every attempt under the name "secretsmanager". Unset: LIFT_FAULTS.
  std::optional<resilience::FaultPlan> faults{};
};

struct GetSecretValueRequest {
  std::string secret_id{};      // name or ARN
  std::string version_id{};     // empty: not sent
  std::string version_stage{};  // empty: not sent (Secrets Manager then reads AWSCURRENT)
};

struct SecretValue {
  std::string arn{};
  std::string name{};
  std::string version_id{};
  std::optional<std::string> secret_string{};
  std::optional<std::string> secret_binary{};  // the bytes, decoded from the answer's base64
  std::vector<std::string> version_stages{};
  std::optional<std::chrono::system_clock::time_point> created_date{};
};

// Thread safety: settings fixed once created, over a thread-safe HTTP client and credentials
// chain; share one across every worker of lift::run(app).
class SecretsManagerClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<SecretsManagerClient> create(SecretsManagerOptions options = {});

  SecretsManagerClient(SecretsManagerClient&&) noexcept;
  SecretsManagerClient& operator=(SecretsManagerClient&&) noexcept;
  ~SecretsManagerClient();

  // Throttling, 5xx and lost connections are retried with backoff while `deadline` allows.
  // Local endpoints (loopback http) without credentials are signed with placeholder keys.
  Result<SecretValue> get_secret_value(const GetSecretValueRequest& request, Deadline deadline);
  Result<SecretValue> get_secret_value(std::string_view secret_id, Deadline deadline) {
    return get_secret_value(GetSecretValueRequest{std::string(secret_id)}, deadline);
  }

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit SecretsManagerClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The JSON body of a GetSecretValue request: {"SecretId", "VersionId"?, "VersionStage"?}.
std::string get_secret_value_body(const GetSecretValueRequest& request);

// A GetSecretValue answer. Absent members stay empty; a member of the wrong type, a
// SecretBinary that is not base64 or a body that is not a JSON object give
// kSecretsManagerMalformedResponse (status 502).
Result<SecretValue> parse_secret_value(std::string_view body);

// Secrets Manager's error answer as an Error with the code described above; `error_type` is the
// x-amzn-ErrorType header when there was one. Never fails.
Error parse_secrets_manager_error(int http_status, std::string_view body, std::string_view error_type = {});

}  // namespace lift::aws
