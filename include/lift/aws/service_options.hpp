#pragma once
// The settings every service client built on the aws layer's service core takes (SQS, SNS,
// EventBridge, KMS, S3): where to send, how to retry, which HTTP client, credentials, breaker and
// faults. Each client names it (`SqsOptions`, ...) so the settings read as that client's.

#include <memory>
#include <optional>
#include <string>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/protection.hpp"
#include "lift/aws/retry.hpp"

namespace lift::aws {

struct ServiceOptions {
  // "http(s)://host[:port]"; empty: AWS_ENDPOINT_URL_<SERVICE> (SQS, SNS, EVENTBRIDGE, KMS, S3),
  // AWS_ENDPOINT_URL or the profile's endpoint settings, else https://<service>.<region>.amazonaws.com.
  std::string endpoint{};
  std::string region{};  // empty: AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1
  RetryPolicy retry{};
  std::shared_ptr<HttpClient> http{};               // null: a client of its own
  std::shared_ptr<CredentialsChain> credentials{};  // null: the standard chain
  // Every call, with all its retries, goes through this breaker: while it is open, calls fail at
  // once with CircuitOpen (503). lift::aws::service_breaker("<signing name>") gives the
  // process's breaker for a service (lift/aws/protection.hpp says what counts as a failure).
  std::optional<resilience::CircuitBreaker> breaker{};
  // Faults drawn for every attempt under the service's signing name ("sqs", "sns", "events",
  // "kms", "s3"). Unset: LIFT_FAULTS.
  std::optional<resilience::FaultPlan> faults{};
};

}  // namespace lift::aws
