#pragma once
// AWS Systems Manager Parameter Store: GetParameter and GetParameters over the JSON protocol
// (application/x-amz-json-1.1, X-Amz-Target AmazonSSM.<Operation>, SigV4 service "ssm"),
// retried by the standard policy and bounded by the caller's deadline.
//
//   auto ssm = lift::aws::SsmClient::create();
//   if (!ssm) return ssm.error();
//   auto url = ssm->get_parameter("/todo/db-url", true, std::chrono::steady_clock::now() + 2s);
//   if (url) connect(url->value);

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/protection.hpp"
#include "lift/aws/retry.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "SSM." and the AWS error name without its "Exception" suffix; those callers act
// on are named here. Other names are kept ("SSM.InvalidKeyId", "SSM.InternalServerError").
inline constexpr std::string_view kSsmParameterNotFound = "SSM.ParameterNotFound";
inline constexpr std::string_view kSsmParameterVersionNotFound = "SSM.ParameterVersionNotFound";
inline constexpr std::string_view kSsmAccessDenied = "SSM.AccessDenied";
inline constexpr std::string_view kSsmThrottling = "SSM.Throttling";  // retried
// A request SSM would refuse, answered without a call (an empty name).
inline constexpr std::string_view kSsmValidation = "SSM.Validation";
// An answer that is not SSM's JSON (status kept, 502 for a 2xx).
inline constexpr std::string_view kSsmMalformedResponse = "SSM.MalformedResponse";

// Names per GetParameters call, SSM's limit.
inline constexpr std::size_t kSsmMaxNamesPerCall = 10;

struct SsmOptions {
  // "http(s)://host[:port]"; empty: LIFT_SSM_ENDPOINT, else AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL or
  // the profile's endpoint settings, else https://ssm.<region>.amazonaws.com.
  std::string endpoint{};
  std::string region{};  // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1
  RetryPolicy retry{};
  std::shared_ptr<HttpClient> http{};               // null: a client of its own
  std::shared_ptr<CredentialsChain> credentials{};  // null: the standard chain  // Every call, with all its retries, goes through this breaker: while it is open, calls fail at
  // once with CircuitOpen (503). lift::aws::service_breaker("ssm") gives the process's breaker
  // for the service (lift/aws/protection.hpp says what counts as a failure). Unset: none.
  std::optional<resilience::CircuitBreaker> breaker{};
  // Faults drawn for every attempt under the name "ssm". Unset: LIFT_FAULTS.
  std::optional<resilience::FaultPlan> faults{};
};

struct Parameter {
  std::string name{};
  std::string type{};  // "String", "StringList" or "SecureString"
  std::string value{};  // a SecureString's is cipher text unless read with decryption
  std::int64_t version = 0;
  std::string arn{};
  std::optional<std::chrono::system_clock::time_point> last_modified_date{};
  std::string selector{};   // ":3" or ":label" when the name asked for a version or label
  std::string data_type{};  // "text", "aws:ec2:image", ...

  [[nodiscard]] bool secure() const { return type == "SecureString"; }
  // The items of a StringList (SSM joins them with commas); any other type: the value alone.
  [[nodiscard]] std::vector<std::string> values() const;
};

struct Parameters {
  std::vector<Parameter> parameters{};
  // Names SSM does not know (or that name a missing version): not an error, the caller decides.
  std::vector<std::string> invalid_parameters{};
};

// Thread safety: settings fixed once created, over a thread-safe HTTP client and credentials
// chain; share one across every worker of lift::run(app).
class SsmClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<SsmClient> create(SsmOptions options = {});

  SsmClient(SsmClient&&) noexcept;
  SsmClient& operator=(SsmClient&&) noexcept;
  ~SsmClient();

  // `name` may carry a selector ("/app/key:3", "/app/key:prod"). Throttling, 5xx and lost
  // connections are retried with backoff while `deadline` allows; local endpoints (loopback
  // http) without credentials are signed with placeholder keys.
  Result<Parameter> get_parameter(std::string_view name, bool with_decryption, Deadline deadline);

  // Any number of names: repeated names are asked once, and more than kSsmMaxNamesPerCall are
  // asked in several calls whose answers are merged in order. Fails as a whole when one call fails.
  Result<Parameters> get_parameters(std::span<const std::string> names, bool with_decryption, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit SsmClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The JSON bodies of the two requests: {"Name", "WithDecryption"} and {"Names", "WithDecryption"}.
std::string get_parameter_body(std::string_view name, bool with_decryption);
std::string get_parameters_body(std::span<const std::string> names, bool with_decryption);

// The answers: {"Parameter": {...}} and {"Parameters": [...], "InvalidParameters": [...]}.
// Absent members of a parameter stay empty; a missing "Parameter", a member of the wrong type or
// a body that is not a JSON object give kSsmMalformedResponse (status 502).
Result<Parameter> parse_get_parameter(std::string_view body);
Result<Parameters> parse_get_parameters(std::string_view body);

// SSM's error answer as an Error with the code described above; `error_type` is the
// x-amzn-ErrorType header when there was one. Never fails.
Error parse_ssm_error(int http_status, std::string_view body, std::string_view error_type = {});

}  // namespace lift::aws
