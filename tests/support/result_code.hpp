#pragma once
// A result's error code, or "ok": one comparison per case in tests of many refusals.
#include <string>

#include "lift/core/result.hpp"

namespace lift::testing_support {

template <class T>
std::string code(const lift::Result<T>& result) {
  return result ? std::string("ok") : result.error().code;
}

}  // namespace lift::testing_support
