#pragma once
// Circuit breakers and fault injection inside lift's AWS clients (DynamoDB, Secrets Manager,
// SSM, API Gateway Management): while a service's breaker is open, a call fails at once with
// CircuitOpen (503) instead of waiting for its timeouts and retries; LIFT_FAULTS rules for the
// service's name fail or delay each attempt, the embedded DynamoDB engine's too.
//
//   LIFT_TRY(breaker, lift::aws::service_breaker(lift::aws::kDynamoDbService, {.minimum_calls = 5}));
//   lift::aws::DynamoDbOptions options;
//   options.breaker = breaker;                 // every call, with all its retries, goes through it
//   LIFT_TRY(client, lift::aws::DynamoDbClient::create(std::move(options)));
//
//   LIFT_FAULTS="dynamodb=throttling@30%; secretsmanager=timeout@100%"   // each attempt drawn anew
//
// What a service breaker counts against the service (is_service_failure): connections refused
// or lost, timeouts, 5xx answers and throttling that the retries could not get past. Not: the
// service's answers about the request (ConditionalCheckFailed, Validation, ResourceNotFound,
// AccessDenied and every other 4xx), missing credentials or a deadline that left no time for
// the call: those say nothing about the service's health, and counting them would open the
// breaker for everyone over one caller's mistake. A call the breaker refused is not counted.
//
// Thread safety: breakers and fault plans are safe to share by every worker of lift::run(app);
// a client shares its breaker with every client made with the same one.

#include <string_view>

#include "lift/core/result.hpp"
#include "lift/resilience/circuit_breaker.hpp"
#include "lift/resilience/faults.hpp"

namespace lift::aws {

// The names each service's breaker (by default) and its LIFT_FAULTS rules go by: the services'
// signing names.
inline constexpr std::string_view kDynamoDbService = "dynamodb";
inline constexpr std::string_view kSecretsManagerService = "secretsmanager";
inline constexpr std::string_view kSsmService = "ssm";
inline constexpr std::string_view kApiGatewayManagementService = "execute-api";

// Whether a failed call counts against the service (see above).
[[nodiscard]] bool is_service_failure(const Error& error);

// The breaker named `name` in the process's registry (lift::resilience::breakers()), made with
// `options` on first use; `options.is_failure` defaults to is_service_failure. Clients given the
// same name share one breaker, as the workers of the process share one view of the service.
// InvalidConfiguration when `options` cannot work.
Result<resilience::CircuitBreaker> service_breaker(std::string_view name, resilience::CircuitBreakerOptions options = {});

}  // namespace lift::aws
