#include "lift/aws/retry.hpp"

#include <array>
#include <cmath>

#include "lift/aws/http_client.hpp"

namespace lift::aws {
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

bool RetryQuota::acquire(FailureKind kind) {
  std::lock_guard lock(mutex_);
  const int price = cost(kind);
  if (tokens_ < price) return false;
  tokens_ -= price;
  return true;
}

void RetryQuota::on_success(int retry_cost) {
  std::lock_guard lock(mutex_);
  tokens_ = std::min(capacity_, tokens_ + (retry_cost > 0 ? retry_cost : 1));
}

int RetryQuota::available() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

std::chrono::milliseconds backoff(const RetryPolicy& policy, FailureKind kind, int retry, double random) {
  const auto base = kind == FailureKind::throttling ? policy.throttling_base_delay : policy.base_delay;
  const double ceiling = std::min(static_cast<double>(policy.max_delay.count()),
                                  static_cast<double>(base.count()) * std::ldexp(1.0, std::min(retry - 1, 30)));
  return std::chrono::milliseconds(static_cast<long long>(std::clamp(random, 0.0, 1.0) * ceiling));
}

}  // namespace lift::aws
