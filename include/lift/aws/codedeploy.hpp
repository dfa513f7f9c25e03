#pragma once
// AWS CodeDeploy's PutLifecycleEventHookExecutionStatus over the JSON protocol
// (application/x-amz-json-1.1, X-Amz-Target CodeDeploy_20141006.<Op>, SigV4 service
// "codedeploy"): how a lifecycle hook function (BeforeAllowTraffic, AfterAllowTraffic of a
// Lambda deployment) tells CodeDeploy it passed or failed. Retried by the standard policy and
// bounded by the caller's deadline.
//
//   // the hook's event: {"DeploymentId": "d-...", "LifecycleEventHookExecutionId": "..."}
//   auto codedeploy = lift::aws::CodeDeployClient::create();
//   if (!codedeploy) return codedeploy.error();
//   auto reported = codedeploy->put_lifecycle_event_hook_execution_status(
//       {.deployment_id = id, .lifecycle_event_hook_execution_id = execution,
//        .status = lift::aws::CodeDeployHookStatus::failed}, deadline);
//
// Thread safety: a client's settings are fixed once created and it sends over a thread-safe
// HTTP client and credentials chain; share one across every worker of lift::run(app).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "CodeDeploy." and the AWS error name without its "Exception" suffix; those
// callers act on are named here. Others are kept ("CodeDeploy.InvalidDeploymentId", ...).
inline constexpr std::string_view kCodeDeployDeploymentDoesNotExist = "CodeDeploy.DeploymentDoesNotExist";
// The hook's status was set already (by an earlier attempt, or the hook timed out).
inline constexpr std::string_view kCodeDeployLifecycleEventAlreadyCompleted = "CodeDeploy.LifecycleEventAlreadyCompleted";
inline constexpr std::string_view kCodeDeployInvalidLifecycleEventHookExecutionId =
    "CodeDeploy.InvalidLifecycleEventHookExecutionId";
inline constexpr std::string_view kCodeDeployThrottling = "CodeDeploy.Throttling";  // retried
// A request CodeDeploy would refuse, answered without a call (no deployment id, ...).
inline constexpr std::string_view kCodeDeployValidation = "CodeDeploy.Validation";
// An answer that is not CodeDeploy's JSON (status kept, 502 for a 2xx).
inline constexpr std::string_view kCodeDeployMalformedResponse = "CodeDeploy.MalformedResponse";

using CodeDeployOptions = ServiceOptions;

// A hook reports succeeded or failed; the others are CodeDeploy's own states, accepted by the API.
enum class CodeDeployHookStatus { succeeded, failed, pending, in_progress, skipped, unknown };

// "Succeeded", "Failed", "Pending", "InProgress", "Skipped", "Unknown".
std::string_view to_string(CodeDeployHookStatus status) noexcept;

struct CodeDeployHookStatusRequest {
  std::string deployment_id{};                      // the event's DeploymentId ("d-ABCDEF123")
  std::string lifecycle_event_hook_execution_id{};  // the event's LifecycleEventHookExecutionId
  CodeDeployHookStatus status = CodeDeployHookStatus::failed;
};

class CodeDeployClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  // Endpoint: options.endpoint, else AWS_ENDPOINT_URL_CODEDEPLOY, AWS_ENDPOINT_URL, the
  // profile's setting, else https://codedeploy.<region>.amazonaws.com.
  static Result<CodeDeployClient> create(CodeDeployOptions options = {});

  CodeDeployClient(CodeDeployClient&&) noexcept;
  CodeDeployClient& operator=(CodeDeployClient&&) noexcept;
  ~CodeDeployClient();

  // Sets the hook's status; answers the execution id CodeDeploy echoes. Errors: kCodeDeployValidation
  // without a call; CodeDeploy's refusals; "aws.deadline_exceeded".
  Result<std::string> put_lifecycle_event_hook_execution_status(const CodeDeployHookStatusRequest& request, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit CodeDeployClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Pure halves, for tests and fuzzing. The body: errors kCodeDeployValidation (400).
Result<std::string> codedeploy_hook_status_body(const CodeDeployHookStatusRequest& request);
// The answer's lifecycleEventHookExecutionId (empty when absent). Errors: kCodeDeployMalformedResponse (502).
Result<std::string> parse_codedeploy_hook_status(std::string_view body);
// CodeDeploy's error answer as an Error coded as described above. Never fails.
Error parse_codedeploy_error(int http_status, std::string_view body, std::string_view error_type = {});

}  // namespace lift::aws
