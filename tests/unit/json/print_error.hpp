#pragma once
// Prints lift::ErrorDetail in GoogleTest failure messages.

#include <ostream>

#include "lift/core/result.hpp"

namespace lift {
inline void PrintTo(const ErrorDetail& d, std::ostream* os) { *os << '{' << d.field << ": " << d.message << '}'; }
}  // namespace lift
