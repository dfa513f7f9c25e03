#include "lift/core/base64.hpp"

#include <array>
#include <cstdint>

namespace lift::base64 {
namespace {

constexpr std::string_view kStandard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> reverse_table(std::string_view alphabet) {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}

constexpr auto kStandardReverse = reverse_table(kStandard);
constexpr auto kUrlReverse = reverse_table(kUrl);

std::string encode_with(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (static_cast<std::uint8_t>(bytes[i + 1]) << 8) | static_cast<std::uint8_t>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    const std::uint32_t n = (static_cast<std::uint8_t>(bytes[i]) << 16) | (static_cast<std::uint8_t>(bytes[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

Error invalid(std::string_view why) { return Error{"invalid_base64", "invalid base64: " + std::string(why), 400}; }

Result<std::string> decode_with(std::string_view text, const std::array<std::int8_t, 256>& reverse) {
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding > 0 && (text.size() + padding) % 4 != 0) return invalid("wrong padding");
  if (text.size() % 4 == 1) return invalid("truncated input");

  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (char c : text) {
    const std::int8_t value = reverse[static_cast<unsigned char>(c)];
    if (value < 0) return invalid("unexpected character");
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((accumulator >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, so that each text has exactly one decoding.
  if ((accumulator & ((1u << bits) - 1)) != 0) return invalid("non-zero trailing bits");
  return out;
}

}  // namespace

std::string encode(std::string_view bytes) { return encode_with(bytes, kStandard, true); }
std::string encode_url(std::string_view bytes, bool pad) { return encode_with(bytes, kUrl, pad); }
Result<std::string> decode(std::string_view text) { return decode_with(text, kStandardReverse); }
Result<std::string> decode_url(std::string_view text) { return decode_with(text, kUrlReverse); }

}  // namespace lift::base64
