#include "lift/core/json_text.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace lift {
namespace {

// Bodies are mostly plain text, so the writer looks at them 8 bytes at a time (bit tricks from
// "Bit Twiddling Hacks": a byte is zero, or less than n, when its high bit survives the mask).
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

// The high bit of each byte of the result is set where that byte must be escaped (below 0x20,
// '"' or '\\') or, when checking UTF-8, is not ASCII. Borrows only run upwards from a true
// hit, so the lowest set bit is exact; the ones above it may not be.
std::uint64_t escape_mask(std::uint64_t word, bool check_utf8) noexcept {
  const auto below_space = (word - kOnes * 0x20) & ~word & kHighs;
  const auto quote = word ^ (kOnes * '"');
  const auto backslash = word ^ (kOnes * '\\');
  const auto has_quote = (quote - kOnes) & ~quote & kHighs;
  const auto has_backslash = (backslash - kOnes) & ~backslash & kHighs;
  return below_space | has_quote | has_backslash | (check_utf8 ? word & kHighs : 0);
}

// 8 bytes with the first in the lowest byte, so borrows run in text order.
std::uint64_t load8(const char* p) noexcept {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

// The index of the first flagged byte of a non-zero mask.
std::size_t first_flagged(std::uint64_t mask) noexcept { return static_cast<std::size_t>(std::countr_zero(mask)) / 8; }

bool special(unsigned char c, bool check_utf8) noexcept { return c < 0x20 || c == '"' || c == '\\' || (check_utf8 && c >= 0x80); }

// The index of the first byte at or after `i` that escape_mask would flag, or text.size().
std::size_t next_special(std::string_view text, std::size_t i, bool check_utf8) noexcept {
  const char* p = text.data();
  const std::size_t n = text.size();
#ifdef __SSE2__
  const auto quote = _mm_set1_epi8('"');
  const auto backslash = _mm_set1_epi8('\\');
  const auto control = _mm_set1_epi8(0x1f);
  for (; n - i >= 16; i += 16) {
    const auto v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // max(v, 0x1f) == 0x1f exactly for the bytes below 0x20.
    const auto hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                  _mm_cmpeq_epi8(_mm_max_epu8(v, control), control));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit)) | (check_utf8 ? static_cast<unsigned>(_mm_movemask_epi8(v)) : 0u);
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
#endif
  for (; n - i >= 8; i += 8) {
    if (const auto mask = escape_mask(load8(p + i), check_utf8); mask != 0) return i + first_flagged(mask);
  }
  if (i == n) return n;
  if (n >= 8) {
    // The last 8 bytes, without the k before `i` (shifted out, spaces shifted in).
    const auto k = 8 - (n - i);
    const auto word = (load8(p + n - 8) >> (8 * k)) | ((kOnes * ' ') << (64 - 8 * k));
    const auto mask = escape_mask(word, check_utf8);
    return mask != 0 ? i + first_flagged(mask) : n;
  }
  for (; i < n; ++i) {
    if (special(static_cast<unsigned char>(p[i]), check_utf8)) return i;
  }
  return n;
}

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
  if (out.capacity() - out.size() < text.size() + 2) out.reserve(out.size() + text.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the pending run of characters that need no escape
  std::size_t i = 0;
  while ((i = next_special(text, i, check_utf8)) < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {  // only flagged when checking UTF-8
      if (const auto n = utf8_sequence_length(text, i); n != 0) {
        i += n;
        continue;
      }
      out.append(text.data() + run, i - run);
      run = ++i;
      out += "\\ufffd";  // a byte that starts no well-formed character
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
