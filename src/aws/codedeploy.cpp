#include "lift/aws/codedeploy.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kCodeDeployPrefix = "CodeDeploy";
constexpr std::string_view kCodeDeployContentType = "application/x-amz-json-1.1";
constexpr std::string_view kCodeDeployTargetPrefix = "CodeDeploy_20141006.";

Error codedeploy_invalid(std::string message) { return Error{std::string(kCodeDeployValidation), std::move(message), 400}; }

}  // namespace

std::string_view to_string(CodeDeployHookStatus status) noexcept {
  switch (status) {
    case CodeDeployHookStatus::succeeded: return "Succeeded";
    case CodeDeployHookStatus::failed: return "Failed";
    case CodeDeployHookStatus::pending: return "Pending";
    case CodeDeployHookStatus::in_progress: return "InProgress";
    case CodeDeployHookStatus::skipped: return "Skipped";
    case CodeDeployHookStatus::unknown: break;
  }
  return "Unknown";
}

Result<std::string> codedeploy_hook_status_body(const CodeDeployHookStatusRequest& request) {
  if (request.deployment_id.empty()) return codedeploy_invalid("PutLifecycleEventHookExecutionStatus needs the deployment id");
  if (request.lifecycle_event_hook_execution_id.empty())
    return codedeploy_invalid("PutLifecycleEventHookExecutionStatus needs the lifecycle event hook execution id");
  return json::serialize(json::object{{"deploymentId", request.deployment_id},
                                      {"lifecycleEventHookExecutionId", request.lifecycle_event_hook_execution_id},
                                      {"status", to_string(request.status)}});
}

Result<std::string> parse_codedeploy_hook_status(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object())
    return detail::malformed_answer(kCodeDeployPrefix, "CodeDeploy answered PutLifecycleEventHookExecutionStatus with a body that is not a JSON object: " +
                                                           detail::excerpt(body));
  detail::AnswerReader read(kCodeDeployPrefix, value.as_object());
  auto execution_id = read.string("lifecycleEventHookExecutionId");
  if (read.failed()) return read.error();
  return execution_id;
}

Error parse_codedeploy_error(int http_status, std::string_view body, std::string_view error_type) {
  return detail::parse_json_error(kCodeDeployPrefix, http_status, body, error_type);
}

struct CodeDeployClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}
  detail::ServiceClient service;
};

CodeDeployClient::CodeDeployClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CodeDeployClient::CodeDeployClient(CodeDeployClient&&) noexcept = default;
CodeDeployClient& CodeDeployClient::operator=(CodeDeployClient&&) noexcept = default;
CodeDeployClient::~CodeDeployClient() = default;

Result<CodeDeployClient> CodeDeployClient::create(CodeDeployOptions options) {
  LIFT_TRY(config, detail::service_config(std::move(options), kCodeDeployPrefix, "codedeploy", "AWS_ENDPOINT_URL_CODEDEPLOY",
                                          "codedeploy", "CodeDeploy"));
  return CodeDeployClient(std::make_unique<Impl>(std::move(config)));
}

const std::string& CodeDeployClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& CodeDeployClient::region() const { return impl_->service.region(); }

Result<std::string> CodeDeployClient::put_lifecycle_event_hook_execution_status(const CodeDeployHookStatusRequest& request,
                                                                                Deadline deadline) {
  LIFT_TRY(body, codedeploy_hook_status_body(request));
  auto response = impl_->service.send(
      "POST", "", detail::json_protocol_headers(kCodeDeployContentType, std::string(kCodeDeployTargetPrefix) + "PutLifecycleEventHookExecutionStatus"),
      std::move(body), deadline,
      [](const HttpResponse& answer) { return parse_codedeploy_error(answer.status, answer.body, answer.header("x-amzn-ErrorType")); });
  if (!response) return std::move(response).error();
  return parse_codedeploy_hook_status(response->body);
}

}  // namespace lift::aws
