#include "decimal.hpp"

#include <algorithm>
#include <cstddef>

#include "errors.hpp"

namespace lift::dynamorm::engine {
namespace {

constexpr std::size_t kMaxDigits = 38;
constexpr long kMinExponent = -129;  // 1E-130 = 0.1 × 10^-129
constexpr long kMaxExponent = 126;   // 9.99…E+125 < 0.1 × 10^127

Decimal normalized(int sign, std::string digits, long exponent) {
  // `digits` is the coefficient of 0.digits × 10^exponent; trim both ends.
  const auto first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};
  const auto last = digits.find_last_not_of('0');
  Decimal out;
  out.sign = sign;
  out.exponent = exponent - static_cast<long>(first);
  out.digits = digits.substr(first, last - first + 1);
  return out;
}

// The coefficient of `value` written with its last digit at 10^scale (scale ≤ its own).
std::string aligned(const Decimal& value, long scale, std::size_t width) {
  // value = digits × 10^(exponent - size); append zeros down to `scale`, pad on the left to width.
  std::string out = value.digits;
  const long own_scale = value.exponent - static_cast<long>(value.digits.size());
  out.append(static_cast<std::size_t>(own_scale - scale), '0');
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

int compare_magnitude(const std::string& a, const std::string& b) {
  // Same width, digits only.
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

Decimal decimal_of(const Number& number) { return parse_decimal(number.text()).value_or(Decimal{}); }

Decimal negate(Decimal value) {
  value.sign = -value.sign;
  return value;
}

Decimal add(const Decimal& a, const Decimal& b) {
  if (a.sign == 0) return b;
  if (b.sign == 0) return a;
  const long scale_a = a.exponent - static_cast<long>(a.digits.size());
  const long scale_b = b.exponent - static_cast<long>(b.digits.size());
  const long scale = std::min(scale_a, scale_b);
  const long top = std::max(a.exponent, b.exponent);
  const auto width = static_cast<std::size_t>(top - scale) + 1;  // one spare digit for a carry
  const std::string x = aligned(a, scale, width);
  const std::string y = aligned(b, scale, width);
  std::string sum(width, '0');
  int sign = a.sign;
  if (a.sign == b.sign) {
    int carry = 0;
    for (std::size_t i = width; i-- > 0;) {
      const int d = (x[i] - '0') + (y[i] - '0') + carry;
      sum[i] = static_cast<char>('0' + d % 10);
      carry = d / 10;
    }
  } else {
    // Subtract the smaller magnitude from the larger; the sign is the larger one's.
    const int order = compare_magnitude(x, y);
    if (order == 0) return Decimal{};
    const std::string& big = order > 0 ? x : y;
    const std::string& small = order > 0 ? y : x;
    sign = order > 0 ? a.sign : b.sign;
    int borrow = 0;
    for (std::size_t i = width; i-- > 0;) {
      int d = (big[i] - '0') - (small[i] - '0') - borrow;
      borrow = d < 0 ? 1 : 0;
      if (d < 0) d += 10;
      sum[i] = static_cast<char>('0' + d);
    }
  }
  // sum = coefficient × 10^scale = 0.sum × 10^(scale + width).
  return normalized(sign, std::move(sum), scale + static_cast<long>(width));
}

std::string canonical_text(const Decimal& value) {
  if (value.sign == 0) return "0";
  std::string out = value.sign < 0 ? "-" : "";
  const auto n = static_cast<long>(value.digits.size());
  if (value.exponent <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-value.exponent), '0');
    out += value.digits;
  } else if (value.exponent >= n) {
    out += value.digits;
    out.append(static_cast<std::size_t>(value.exponent - n), '0');
  } else {
    out.append(value.digits, 0, static_cast<std::size_t>(value.exponent));
    out += '.';
    out.append(value.digits, static_cast<std::size_t>(value.exponent));
  }
  return out;
}

Result<Number> to_number(const Decimal& value) {
  if (value.sign != 0) {
    if (value.exponent > kMaxExponent)
      return validation_error("Number overflow. Attempting to store a number with magnitude larger than supported range");
    if (value.exponent < kMinExponent)
      return validation_error("Number underflow. Attempting to store a number with magnitude smaller than supported range");
    if (value.digits.size() > kMaxDigits) return validation_error("Attempting to store more than 38 significant digits in a Number");
  }
  auto number = Number::parse(canonical_text(value));
  if (!number) return validation_error(number.error().message);
  return number;
}

Result<Number> add(const Number& a, const Number& b) { return to_number(add(decimal_of(a), decimal_of(b))); }

Result<Number> subtract(const Number& a, const Number& b) {
  return to_number(add(decimal_of(a), negate(decimal_of(b))));
}

Number canonical(const Number& number) {
  auto out = Number::parse(canonical_text(decimal_of(number)));
  return out ? std::move(*out) : number;
}

}  // namespace lift::dynamorm::engine
