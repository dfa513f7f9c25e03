#include "lift/core/json_text.hpp"

#include <cstdint>
#include <cstring>

namespace lift {
namespace {

// Whether any of the 8 bytes in `word` must be escaped: below 0x20, '"' or '\\'. Bodies are
// mostly plain text, so the writer skips them 8 bytes at a time (bit tricks from "Bit Twiddling
// Hacks": a byte is zero, or less than n, exactly when its high bit survives the mask).
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

bool any_needs_escape(std::uint64_t word) noexcept {
  const auto below_space = (word - kOnes * 0x20) & ~word & kHighs;
  const auto quote = word ^ (kOnes * '"');
  const auto backslash = word ^ (kOnes * '\\');
  const auto has_quote = (quote - kOnes) & ~quote & kHighs;
  const auto has_backslash = (backslash - kOnes) & ~backslash & kHighs;
  return (below_space | has_quote | has_backslash) != 0;
}

bool needs_escape(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the pending run of characters that need no escape
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.size() - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if (!any_needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (!needs_escape(c)) {
      ++i;
      continue;
    }
    out.append(text.data() + run, i - run);
    run = ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

}  // namespace lift
