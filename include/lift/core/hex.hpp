#pragma once
// Hexadecimal text of bytes (digests, ids, sortable keys), and the value of one hex digit
// (percent escapes, ids read back).

#include <string>
#include <string_view>

namespace lift::hex {

// Two lower-case digits per byte.
std::string encode(std::string_view bytes);

// The value of a hex digit of either case, or -1 for any other character.
constexpr int digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace lift::hex
