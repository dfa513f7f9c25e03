#pragma once
// Exact decimal arithmetic on DynamoDB numbers (lift::Decimal), private to the embedded engine.
// DynamoDB keeps 38 significant digits and answers ADD and SET a = a + :n exactly, so a double
// cannot stand in.

#include <string>

#include "lift/core/decimal.hpp"
#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm::engine {

// The decimal of a Number (always valid).
Decimal decimal_of(const Number& number);

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
