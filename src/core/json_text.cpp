#include "lift/core/json_text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "lift/core/utf8.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace lift {

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  const double magnitude = std::abs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e21);
  char buffer[64];  // fixed below 1e21: at most 21 integer digits, or 6 zeros and 17 digits after the point
  const auto written = plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                             : std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, written.ptr);
}

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

#ifdef __SSE2__
// Bytes of `v` flagged as in next_special.
unsigned flagged(__m128i v, bool check_utf8) noexcept {
  const auto hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f)));
  return static_cast<unsigned>(_mm_movemask_epi8(hit)) | (check_utf8 ? static_cast<unsigned>(_mm_movemask_epi8(v)) : 0u);
}
#endif

// Whether any byte of `text` needs attention. Header names and values are short: they are
// read in at most a few loads, the last one overlapping the one before, with no byte-by-byte tail.
bool has_special(std::string_view text, bool check_utf8) noexcept {
  const char* p = text.data();
  const std::size_t n = text.size();
#ifdef __SSE2__
  if (n >= 16) {
    for (std::size_t i = 0; i + 16 <= n; i += 16) {
      if (flagged(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), check_utf8) != 0) return true;
    }
    return (n % 16) != 0 && flagged(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + n - 16)), check_utf8) != 0;
  }
  if (n >= 8) {
    const auto v = _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                                      _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8)));
    return flagged(v, check_utf8) != 0;
  }
#endif
  if (n >= 4 && n < 8) {  // two overlapping 4-byte loads in one word: any byte flagged is enough
    std::uint32_t head;
    std::uint32_t tail;
    std::memcpy(&head, p, sizeof head);
    std::memcpy(&tail, p + n - 4, sizeof tail);
    return escape_mask(head | std::uint64_t{tail} << 32, check_utf8) != 0;
  }
  if (n < 4) {
    for (std::size_t i = 0; i < n; ++i) {
      if (special(static_cast<unsigned char>(p[i]), check_utf8)) return true;
    }
    return false;
  }
  return next_special(text, 0, check_utf8) != n;
}

// Writes the escaped form of `text` at `to` and returns the end. `i` is the first byte
// next_special flags; there must be room for the worst case (6 bytes per input byte).
char* write_escaped(char* to, std::string_view text, std::size_t i, bool check_utf8) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t n = text.size();
  std::memcpy(to, text.data(), i);
  to += i;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!special(c, check_utf8)) {
      // A run of plain bytes: short ones (JSON inside JSON, mostly) byte by byte, long ones
      // found 16 bytes at a time and copied at once.
      if (n - i < 32) {
        do {
          *to++ = text[i++];
        } while (i < n && !special(static_cast<unsigned char>(text[i]), check_utf8));
      } else {
        const auto end = next_special(text, i, check_utf8);
        std::memcpy(to, text.data() + i, end - i);
        to += end - i;
        i = end;
      }
      continue;
    }
    if (c >= 0x80) {  // only flagged when checking UTF-8
      if (const auto length = utf8_sequence_length(text, i); length != 0) {
        std::memcpy(to, text.data() + i, length);
        to += length;
        i += length;
      } else {
        std::memcpy(to, "\\ufffd", 6);  // a byte that starts no well-formed character
        to += 6;
        ++i;
      }
      continue;
    }
    ++i;
    char short_form = 0;
    switch (c) {
      case '"': short_form = '"'; break;
      case '\\': short_form = '\\'; break;
      case '\n': short_form = 'n'; break;
      case '\r': short_form = 'r'; break;
      case '\t': short_form = 't'; break;
      case '\b': short_form = 'b'; break;
      case '\f': short_form = 'f'; break;
      default: break;
    }
    if (short_form != 0) {
      to[0] = '\\';
      to[1] = short_form;
      to += 2;
    } else {
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
      std::memcpy(to, escaped, sizeof escaped);
      to += sizeof escaped;
    }
  }
  return to;
}

}  // namespace

bool json_text_is_plain(std::string_view text, InvalidUtf8 invalid) noexcept {
  return !has_special(text, invalid == InvalidUtf8::replace);
}

char* write_json_string(char* to, std::string_view text, InvalidUtf8 invalid) noexcept {
  const bool check_utf8 = invalid == InvalidUtf8::replace;
  *to++ = '"';
  if (!has_special(text, check_utf8)) {
    if (!text.empty()) std::memcpy(to, text.data(), text.size());  // data() may be null when empty
    to += text.size();
  } else {
    to = write_escaped(to, text, next_special(text, 0, check_utf8), check_utf8);
  }
  *to++ = '"';
  return to;
}

void append_json_string(std::string& out, std::string_view text, InvalidUtf8 invalid) {
  const bool check_utf8 = invalid == InvalidUtf8::replace;
  const std::size_t at = out.size();
  if (!has_special(text, check_utf8)) {  // the common case: nothing to escape
    if (out.capacity() - at < text.size() + 2) out.reserve(at + text.size() + 2);
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  // Room for the worst case, written in place, then cut to size. Past a few KiB the worst
  // case is too generous to ask for at once, so long text goes in slices.
  constexpr std::size_t kSlice = 4096;
  out.push_back('"');
  for (std::size_t start = 0; start < text.size();) {
    auto slice = text.substr(start, kSlice);
    // A slice must not end inside a UTF-8 sequence: its end moves back to a lead byte.
    if (check_utf8 && start + slice.size() < text.size()) {
      std::size_t end = slice.size();
      while (end > 0 && (static_cast<unsigned char>(text[start + end]) & 0xC0) == 0x80) --end;
      if (end > 0) slice = slice.substr(0, end);  // else no lead byte at all: every byte is invalid anyway
    }
    const std::size_t base = out.size();
    out.resize(base + 6 * slice.size());
    char* end = write_escaped(out.data() + base, slice, next_special(slice, 0, check_utf8), check_utf8);
    out.resize(static_cast<std::size_t>(end - out.data()));
    start += slice.size();
  }
  out.push_back('"');
}

}  // namespace lift
