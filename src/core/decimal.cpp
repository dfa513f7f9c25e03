#include "lift/core/decimal.hpp"

namespace lift {
namespace {

Error not_a_number(std::string message) { return Error{"InvalidNumber", std::move(message), 400}; }

}  // namespace

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  if (a.sign != b.sign) return a.sign <=> b.sign;
  if (a.sign == 0) return std::strong_ordering::equal;
  std::strong_ordering magnitude = a.exponent <=> b.exponent;
  // Same exponent: digit strings without trailing zeros compare as the fractions they are.
  if (magnitude == 0) magnitude = a.digits.compare(b.digits) <=> 0;
  return a.sign > 0 ? magnitude : 0 <=> magnitude;
}

Result<Decimal> parse_decimal(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string mantissa;  // every digit, leading zeros included
  long point = -1;       // digits before the decimal point
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      mantissa += c;
      any_digit = true;
    } else if (c == '.' && point < 0) {
      point = static_cast<long>(mantissa.size());
    } else {
      break;
    }
    if (mantissa.size() > 4096) return not_a_number("not a number: too many digits");
  }
  if (!any_digit) return not_a_number("not a number");
  if (point < 0) point = static_cast<long>(mantissa.size());
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exponent_negative = text[i++] == '-';
    if (i == text.size()) return not_a_number("not a number");
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      // Saturates: anything this large is out of any range anyway.
      if (exponent < 1'000'000) exponent = exponent * 10 + (text[i] - '0');
    }
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return not_a_number("not a number");

  Decimal d;
  const auto first = mantissa.find_first_not_of('0');
  if (first == std::string::npos) return d;  // zero, whatever its sign and exponent
  const auto last = mantissa.find_last_not_of('0');
  d.sign = negative ? -1 : 1;
  d.digits = mantissa.substr(first, last - first + 1);
  d.exponent = point - static_cast<long>(first) + exponent;
  return d;
}

}  // namespace lift
