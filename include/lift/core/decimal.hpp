#pragma once
// Exact decimal numbers as text carries them (DynamoDB's N, JSON numbers), read into a normal
// form: equal values have equal forms and compare by value, with none of a double's rounding.

#include <compare>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift {

// value = sign × 0.d1d2…dn × 10^exponent, digits without leading or trailing zeros. Zero has
// sign 0, no digits and exponent 0.
struct Decimal {
  int sign = 0;  // -1, 0, +1
  std::string digits;
  long exponent = 0;

  friend bool operator==(const Decimal&, const Decimal&) = default;
  // By value.
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);
};

// Reads [+|-]digits[.digits][(e|E)[+|-]digits], where either run of digits around the point
// may be empty (".5", "5."). Range is the caller's business: the exponent stops growing past
// a million. Errors: code "InvalidNumber", 400, "not a number" (or "not a number: too many
// digits" past 4096 of them).
Result<Decimal> parse_decimal(std::string_view text);

}  // namespace lift
