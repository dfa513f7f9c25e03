#pragma once
// The errors of lift::resilience, and which failures its utilities count against a dependency.
//
//   CircuitOpen            503  the breaker refused the call (the dependency is failing)
//   BulkheadFull           503  too many calls in flight and none finished within the wait
//   DeadlineExceeded       504  no time was left for a first attempt before the deadline
//   InvalidConfiguration   500  options that cannot work, refused when the utility is made
//
// A refused call (CircuitOpen, BulkheadFull) carries the utility's name as the detail
// {"field": "breaker" or "bulkhead", "message": name}.

#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::resilience {

inline constexpr std::string_view kCircuitOpen = "CircuitOpen";
inline constexpr std::string_view kBulkheadFull = "BulkheadFull";
inline constexpr std::string_view kDeadlineExceeded = "DeadlineExceeded";
inline constexpr std::string_view kInvalidConfiguration = "InvalidConfiguration";

// A call a breaker or a bulkhead refused: it never reached the dependency.
[[nodiscard]] bool is_rejection(const Error& error) noexcept;

// The default of what retries retry and what breakers count as failures: a failure that says
// the dependency is struggling (throttling, 5xx, timeouts, lost connections: lift::is_retryable),
// not a refusal of lift's own (retrying into an open breaker only waits; a full bulkhead is
// not the dependency failing) and not an answer about the request (404, 409, validation).
[[nodiscard]] bool is_dependency_failure(const Error& error);

// InvalidConfiguration naming the option (`field`) and what is wrong with it; `what` names the
// utility ("circuit breaker \"dynamodb\"").
[[nodiscard]] Error invalid_configuration(std::string_view what, std::string_view field, std::string message);

}  // namespace lift::resilience
