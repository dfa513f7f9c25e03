#pragma once
// Exact decimal arithmetic on DynamoDB numbers, private to the embedded engine. DynamoDB keeps
// 38 significant digits and answers ADD and SET a = a + :n exactly, so a double cannot stand in.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm::engine {

// value = sign × 0.d1d2…dn × 10^exponent, digits without leading or trailing zeros, so equal
// values have equal forms. Zero has sign 0 and no digits.
struct Decimal {
  int sign = 0;
  std::string digits;
  long exponent = 0;

  friend bool operator==(const Decimal&, const Decimal&) = default;
};

// Any decimal text Number::parse accepts (range not checked); nullopt for anything else.
std::optional<Decimal> parse_decimal(std::string_view text);
// The decimal of a Number (always valid).
Decimal decimal_of(const Number& number);

std::strong_ordering compare(const Decimal& a, const Decimal& b);
Decimal add(const Decimal& a, const Decimal& b);
Decimal negate(Decimal value);

// The text DynamoDB answers with: plain notation, no exponent, no needless zeros ("1E2" → "100",
// "-0.50" → "-0.5", "0.0" → "0").
std::string canonical_text(const Decimal& value);

// A Number for the result of arithmetic, checked against DynamoDB's limits (38 significant
// digits, magnitude 1E-130 to 9.99…E+125). Errors: ValidationException with DynamoDB's messages.
Result<Number> to_number(const Decimal& value);

// Exact a + b and a - b as DynamoDB computes them for ADD and SET … + / -.
Result<Number> add(const Number& a, const Number& b);
Result<Number> subtract(const Number& a, const Number& b);

// The canonical form of a Number (what DynamoDB stores and answers).
Number canonical(const Number& number);

}  // namespace lift::dynamorm::engine
