#include "lift/core/failure_kind.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace lift {
namespace {

// Error codes the AWS SDKs treat as throttling or as transient.
constexpr std::array<std::string_view, 14> kThrottling{
    "Throttling",           "ThrottlingException",   "ThrottledException",
    "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled",  "SlowDown",
    "PriorRequestNotComplete", "EC2ThrottledException"};
constexpr std::array<std::string_view, 4> kTransient{"RequestTimeout", "RequestTimeoutException", "InternalError",
                                                     "InternalServerError"};

bool contains(const auto& list, std::string_view code) { return std::find(list.begin(), list.end(), code) != list.end(); }

}  // namespace

FailureKind classify_failure(int http_status, std::string_view error_code) {
  // "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException" -> the part after '#'.
  if (const auto hash = error_code.rfind('#'); hash != std::string_view::npos) error_code.remove_prefix(hash + 1);
  if (const auto colon = error_code.find(':'); colon != std::string_view::npos) error_code = error_code.substr(0, colon);
  if (contains(kThrottling, error_code) || http_status == 429) return FailureKind::throttling;
  if (contains(kTransient, error_code)) return FailureKind::transient;
  if (http_status == 0) return FailureKind::transient;  // no answer: connection reset, refused, ...
  if (http_status == 500 || http_status == 502 || http_status == 503 || http_status == 504) return FailureKind::transient;
  return FailureKind::fatal;
}

FailureKind classify_error(const Error& error) {
  if (error.code == kHttpTimeout) return FailureKind::timeout;
  if (error.code == kHttpConnectFailed || error.code == kHttpConnectionLost) return FailureKind::transient;
  if (error.code.starts_with("Http.")) return FailureKind::fatal;
  // Service errors as lift names them ("DynamoDB.ProvisionedThroughputExceeded"): the AWS code
  // is the part after the service, with or without its "Exception" suffix.
  std::string_view name = error.code;
  if (const auto dot = name.rfind('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
  const auto kind = classify_failure(error.status, name);
  if (kind != FailureKind::fatal || name.ends_with("Exception")) return kind;
  return classify_failure(error.status, std::string(name) + "Exception");
}

}  // namespace lift
