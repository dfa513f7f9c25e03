#pragma once
// A Lambda invocation of a test: the payload, a request id and a deadline three seconds away.

#include <chrono>
#include <string>
#include <utility>

#include "lift/runtime/context.hpp"

namespace lift::testing_support {

inline runtime::Invocation invocation(std::string payload) {
  runtime::Invocation inv;
  inv.context.request_id = "lambda-req";
  inv.context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(3);
  inv.payload = std::move(payload);
  return inv;
}

}  // namespace lift::testing_support
