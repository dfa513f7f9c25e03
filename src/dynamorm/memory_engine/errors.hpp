#pragma once
// The errors the embedded engine answers with, private to it. `code` is DynamoDB's exception name
// ("ValidationException"); the wire `__type` is built from it when the answer is written.

#include <string>
#include <utility>

#include "lift/core/result.hpp"

namespace lift::dynamorm::engine {

inline Error failure(std::string type, std::string message, int status = 400) {
  return Error{std::move(type), std::move(message), status};
}

inline Error validation_error(std::string message) { return failure("ValidationException", std::move(message)); }

inline Error serialization_error(std::string message) { return failure("SerializationException", std::move(message)); }

inline Error conditional_check_failed() {
  return failure("ConditionalCheckFailedException", "The conditional request failed");
}

inline Error resource_not_found(std::string message = "Requested resource not found") {
  return failure("ResourceNotFoundException", std::move(message));
}

}  // namespace lift::dynamorm::engine
