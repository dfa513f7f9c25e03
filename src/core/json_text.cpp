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

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  const std::size_t left = text.size() - i;
  const auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < left && byte(i + k) >= lo && byte(i + k) <= hi;
  };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

void append_json_string(std::string& out, std::string_view text, InvalidUtf8 invalid) {
  const bool check_utf8 = invalid == InvalidUtf8::replace;
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the pending run of characters that need no escape
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.size() - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if (!any_needs_escape(word) && (!check_utf8 || (word & kHighs) == 0)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80 && check_utf8) {
      if (const auto n = utf8_sequence_length(text, i); n != 0) {
        i += n;
        continue;
      }
      out.append(text.data() + run, i - run);
      run = ++i;
      out += "\\ufffd";  // a byte that starts no well-formed character
      continue;
    }
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
