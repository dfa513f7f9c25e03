#pragma once
// A Lambda invocation of one of lift's tests: lift::testing's, with the request id "lambda-req"
// and, unless told otherwise, a deadline three seconds away.

#include <chrono>
#include <string>
#include <utility>

#include "lift/testing/invoke.hpp"

namespace lift::testing_support {

inline runtime::Invocation invocation(std::string payload, std::chrono::milliseconds time_left = std::chrono::seconds(3)) {
  return lift::testing::invocation(std::move(payload), {.request_id = "lambda-req", .time_left = time_left});
}

}  // namespace lift::testing_support
