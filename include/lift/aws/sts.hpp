#pragma once
// AWS Security Token Service over its query protocol (form-encoded POST, XML answers, version
// 2011-06-15, SigV4 service "sts"): AssumeRole, AssumeRoleWithWebIdentity (sent unsigned, as AWS
// specifies: the web identity token is the proof) and GetCallerIdentity. Regional endpoints
// (https://sts.<region>.amazonaws.com), retried by the standard policy and bounded by the
// caller's deadline.
//
//   auto sts = lift::aws::StsClient::create();
//   auto role = sts->assume_role({.role_arn = "arn:aws:iam::111122223333:role/kernel-reader",
//                                 .role_session_name = "partner-api", .external_id = "partner-42"}, deadline);
//   if (role) use(role->credentials);
//
// Most code wants assume_role_credentials() (lift/aws/credentials.hpp) or lift::aws::Accounts
// instead: they refresh the role's credentials ahead of expiry.

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

// Error codes are "STS." and the AWS error code; those callers act on are named here. Other
// codes are kept as AWS spells them ("STS.PackedPolicyTooLarge", "STS.IDPRejectedClaim", ...).
inline constexpr std::string_view kStsAccessDenied = "STS.AccessDenied";  // 403: not allowed to assume the role
inline constexpr std::string_view kStsExpiredToken = "STS.ExpiredToken";  // the caller's or the web identity token expired
inline constexpr std::string_view kStsRegionDisabled = "STS.RegionDisabled";  // STS not activated in the region
inline constexpr std::string_view kStsInvalidIdentityToken = "STS.InvalidIdentityToken";
inline constexpr std::string_view kStsMalformedPolicyDocument = "STS.MalformedPolicyDocument";
// A parameter is wrong; also what the client answers, without a call, to a request it can tell is invalid.
inline constexpr std::string_view kStsInvalidParameter = "STS.InvalidParameterValue";
inline constexpr std::string_view kStsThrottling = "STS.Throttling";  // retried
// An answer that is not STS's XML, or lacks what it must carry (status kept, 502 for a 2xx).
inline constexpr std::string_view kStsMalformedResponse = "STS.MalformedResponse";

struct StsOptions {
  // "http(s)://host[:port]"; empty: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's
  // endpoint settings, else https://sts.<region>.amazonaws.com.
  std::string endpoint{};
  std::string region{};  // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1
  RetryPolicy retry{};
  std::shared_ptr<HttpClient> http{};               // null: a client of its own
  std::shared_ptr<CredentialsChain> credentials{};  // null: the standard chain (unused by web identity)
  // Every call, with all its retries, goes through this breaker. Unset: none.
  std::optional<resilience::CircuitBreaker> breaker{};
  // Faults drawn for every attempt under the name "sts". Unset: LIFT_FAULTS.
  std::optional<resilience::FaultPlan> faults{};
};

struct SessionTag {
  std::string key{};
  std::string value{};
};

struct AssumeRoleRequest {
  std::string role_arn{};
  std::string role_session_name{};  // 2..64 of [A-Za-z0-9_=,.@-]
  std::string external_id{};        // empty: not sent
  std::optional<std::chrono::seconds> duration{};  // 900 s .. 12 h; unset: STS's default (1 h)
  std::vector<SessionTag> tags{};
  std::vector<std::string> transitive_tag_keys{};
  std::string source_identity{};         // empty: not sent
  std::vector<std::string> policy_arns{};  // managed session policies
  std::string policy{};                  // an inline session policy (JSON); empty: not sent
};

struct AssumeRoleWithWebIdentityRequest {
  std::string role_arn{};
  std::string role_session_name{};
  std::string web_identity_token{};  // the OIDC token (never logged)
  std::optional<std::chrono::seconds> duration{};
  std::string provider_id{};  // OAuth 2.0 providers only; empty: not sent
  std::vector<std::string> policy_arns{};
  std::string policy{};
};

// What AssumeRole and AssumeRoleWithWebIdentity answer.
struct AssumedRole {
  Credentials credentials{};  // always with a session token and an expiration
  std::string assumed_role_id{};   // "AROA...:session-name"
  std::string assumed_role_arn{};  // "arn:aws:sts::111122223333:assumed-role/role/session-name"
  std::optional<int> packed_policy_size{};
  std::string source_identity{};
  // AssumeRoleWithWebIdentity only.
  std::string subject_from_web_identity_token{};
  std::string audience{};
  std::string provider{};
};

struct CallerIdentity {
  std::string account{};
  std::string arn{};
  std::string user_id{};
};

// Thread safety: settings fixed once created, over a thread-safe HTTP client and credentials
// chain; share one across every worker of lift::run(app).
class StsClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<StsClient> create(StsOptions options = {});

  StsClient(StsClient&&) noexcept;
  StsClient& operator=(StsClient&&) noexcept;
  ~StsClient();

  // Errors: kStsInvalidParameter (no call made) for an empty role ARN, a session name STS would
  // refuse, a duration out of range, an empty tag key; else STS's, typed as above.
  Result<AssumedRole> assume_role(const AssumeRoleRequest& request, Deadline deadline);
  // Unsigned: needs no credentials.
  Result<AssumedRole> assume_role_with_web_identity(const AssumeRoleWithWebIdentityRequest& request, Deadline deadline);
  Result<CallerIdentity> get_caller_identity(Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit StsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Credentials of `role` assumed through STS with the credentials of `sts.credentials` (null: the
// standard chain), as a chain that refreshes them 5 minutes before they expire, one refresh at a
// time, and keeps serving them while a refresh fails and they are still valid (CredentialsChain).
// Give it to any client's `credentials` option. An empty role_session_name becomes
// "lift-<epoch ms>". Errors, at once: "Config" as StsClient::create, kStsInvalidParameter for a
// request STS would refuse; the STS call itself happens at the first use.
//
//   auto kernel = lift::aws::assume_role_credentials(
//       {.role_arn = "arn:aws:iam::111122223333:role/kernel-reader", .external_id = "partner-42"});
//   auto db = lift::aws::DynamoDbClient::create({.credentials = *kernel});
Result<std::shared_ptr<CredentialsChain>> assume_role_credentials(AssumeRoleRequest role, StsOptions sts = {});

// "lift-<epoch milliseconds>": a role session name when none is configured.
std::string default_role_session_name();

// The query parameters (after Action and Version) of each request, in the order the AWS SDKs
// send them. Errors: kStsInvalidParameter, as above.
Result<std::vector<std::pair<std::string, std::string>>> assume_role_parameters(const AssumeRoleRequest& request);
Result<std::vector<std::pair<std::string, std::string>>> assume_role_with_web_identity_parameters(
    const AssumeRoleWithWebIdentityRequest& request);

// The answers' bodies. Errors: kStsMalformedResponse (502) for a body that is not the answer's
// XML or lacks the credentials, keys or a readable Expiration.
Result<AssumedRole> parse_assume_role_answer(std::string_view body);
Result<AssumedRole> parse_assume_role_with_web_identity_answer(std::string_view body);
Result<CallerIdentity> parse_caller_identity_answer(std::string_view body);

// The account id in an ARN ("arn:aws:iam::111122223333:role/x" -> "111122223333"); empty when
// `arn` is not an ARN with one.
std::string account_of_arn(std::string_view arn);

}  // namespace lift::aws
