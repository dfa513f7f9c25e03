#pragma once
// Which failures are worth another attempt: the one classification used by the AWS clients'
// retries, lift::resilience::retry and the circuit breaker's idea of a failing dependency.
//
//   lift::classify_error(error) == lift::FailureKind::throttling   // back off harder
//   lift::is_retryable(error)                                       // throttling, 5xx, timeouts

#include <string_view>

#include "lift/core/result.hpp"

namespace lift {

enum class FailureKind {
  throttling,  // 429, Throttling*, ProvisionedThroughputExceeded, SlowDown, ...
  transient,   // 500/502/503/504, RequestTimeout, InternalError, a dropped connection
  timeout,     // no answer in time (costs the AWS retry quota more)
  fatal,       // anything else: validation, access denied, conditional check, not found, ...
};

// The transport failures lift's HTTP client reports (lift::aws::HttpClient; the rest of its
// codes are in lift/aws/http_client.hpp): named here because they decide the classification.
inline constexpr std::string_view kHttpTimeout = "Http.Timeout";                // timeout
inline constexpr std::string_view kHttpConnectFailed = "Http.ConnectFailed";    // transient
inline constexpr std::string_view kHttpConnectionLost = "Http.ConnectionLost";  // transient

// Classifies a failed call by HTTP status (0 when there was no answer) and AWS error code
// (a `__type` such as "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
// or a bare code).
[[nodiscard]] FailureKind classify_failure(int http_status, std::string_view error_code);

// Classifies a failed call's Error: the transport codes above ("Http.Timeout" is a timeout;
// "Http.ConnectFailed" and "Http.ConnectionLost" are transient; other "Http." codes are fatal),
// anything else by its status and code as above; a service prefix is ignored
// ("DynamoDB.ProvisionedThroughputExceeded" is throttling).
[[nodiscard]] FailureKind classify_error(const Error& error);

// Whether another attempt may succeed: every kind but fatal.
[[nodiscard]] inline bool is_retryable(const Error& error) { return classify_error(error) != FailureKind::fatal; }

}  // namespace lift
