#include "lift/core/percent.hpp"

#include <algorithm>

#include "lift/core/hex.hpp"

namespace lift::percent {

bool decode(std::string_view text, std::string& out, Plus plus) {
  const bool plus_is_space = plus == Plus::space;
  // Most text has nothing to decode: one scan and one copy, not a push_back per byte.
  const auto special = [plus_is_space](char c) { return c == '%' || (plus_is_space && c == '+'); };
  const auto first = static_cast<std::size_t>(std::find_if(text.begin(), text.end(), special) - text.begin());
  out.assign(text.substr(0, first));
  if (first == text.size()) return true;
  out.reserve(text.size());
  bool well_formed = true;
  for (std::size_t i = first; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int high = i + 2 < text.size() ? hex::digit_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex::digit_value(text[i + 2]) : -1;
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
      well_formed = false;
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return well_formed;
}

std::string decode(std::string_view text, Plus plus) {
  std::string out;
  decode(text, out, plus);
  return out;
}

}  // namespace lift::percent
