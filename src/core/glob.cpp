#include "lift/core/glob.hpp"

#include <cstddef>

#include "lift/core/text.hpp"

namespace lift {

namespace {

template <class Same>
bool match(std::string_view pattern, std::string_view text, Same same) noexcept {
  // Greedy matching that backtracks only to the last '*'.
  constexpr auto npos = std::string_view::npos;
  std::size_t p = 0, t = 0, star = npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
      ++p;
      ++t;
    } else if (star != npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  return match(pattern, text, [](char a, char b) { return a == b; });
}

bool glob_match_ignoring_case(std::string_view pattern, std::string_view text) noexcept {
  return match(pattern, text, [](char a, char b) { return ascii_lower(a) == ascii_lower(b); });
}

}  // namespace lift
