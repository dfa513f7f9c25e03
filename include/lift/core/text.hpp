#pragma once
// Small ASCII text helpers every layer needs: the protocols lift speaks (HTTP field names,
// auth schemes, INI files, configuration strings) compare and trim in ASCII, never by locale.

#include <string_view>

namespace lift {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

namespace detail {
bool iequals_same_size(std::string_view a, std::string_view b) noexcept;
}

// ASCII case-insensitive equality, as HTTP field names compare. Most texts that differ differ in
// length or in their first byte (ignoring case's bit): that is decided inline, without a call.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && (a.empty() || ((a[0] ^ b[0]) & ~0x20) == 0) && detail::iequals_same_size(a, b);
}

// `text` without leading and trailing spaces and tabs (HTTP's optional whitespace).
constexpr std::string_view trim_blanks(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace lift
