#include "lift/resilience/errors.hpp"

#include "lift/core/failure_kind.hpp"

namespace lift::resilience {

bool is_rejection(const Error& error) noexcept { return error.code == kCircuitOpen || error.code == kBulkheadFull; }

bool is_dependency_failure(const Error& error) { return !is_rejection(error) && is_retryable(error); }

Error invalid_configuration(std::string_view what, std::string_view field, std::string message) {
  Error error{std::string(kInvalidConfiguration), std::string(what) + ": " + std::string(field) + " " + message, 500};
  error.details.push_back({std::string(field), std::move(message)});
  return error;
}

}  // namespace lift::resilience
