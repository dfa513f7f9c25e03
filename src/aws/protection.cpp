#include "lift/aws/protection.hpp"

#include <utility>

#include "lift/resilience/errors.hpp"

namespace lift::aws {

bool is_service_failure(const Error& error) {
  // The aws layer's own codes (credentials, signing, "aws.deadline_exceeded" before any attempt
  // could start) are about this process, not the service.
  if (error.code.starts_with("aws.")) return false;
  return resilience::is_dependency_failure(error);
}

Result<resilience::CircuitBreaker> service_breaker(std::string_view name, resilience::CircuitBreakerOptions options) {
  if (!options.is_failure) options.is_failure = is_service_failure;
  return resilience::breakers().get_or_create(name, std::move(options));
}

}  // namespace lift::aws
