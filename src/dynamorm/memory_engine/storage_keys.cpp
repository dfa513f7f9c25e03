#include "storage_keys.hpp"

#include <array>
#include <cstring>
#include <vector>

#include "decimal.hpp"

namespace lift::dynamorm::engine {
namespace {

// ---- MD5 (RFC 1321): only to spread partitions, never for security. ----

constexpr std::array<std::uint32_t, 64> kSines{
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
constexpr std::array<int, 64> kShifts{7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                      5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                      4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                      6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

std::uint32_t rotate_left(std::uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

constexpr char kHex[] = "0123456789abcdef";

std::string hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// dynalite's byte form of a number for the partition hash (the big-endian base-100 form of
// DynamoDB's own number encoding).
std::string number_bytes(const Number& number) {
  const Decimal d = decimal_of(number);
  if (d.sign == 0) return std::string(1, static_cast<char>(0x80));
  const bool negative = d.sign < 0;
  const auto& mantissa = d.digits;
  const long exponent = d.exponent;
  const int append_zero = exponent % 2 != 0 ? 1 : 0;
  const auto m = static_cast<long>(mantissa.size());
  const long length = (m + append_zero + 1) / 2;
  std::vector<int> bytes(static_cast<std::size_t>(length + (length < 20 && negative ? 2 : 1)), 0);
  if (length < 20 && negative) bytes.back() = 102;
  const auto floor_half = [](long v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
  bytes[0] = static_cast<int>(floor_half(exponent + append_zero) - 64);
  if (negative) bytes[0] = ~bytes[0];
  bool appended_zero = false;
  for (long i = 0; i < m; ++i) {
    const auto index = static_cast<std::size_t>((i + append_zero) / 2 + 1);
    if (append_zero != 0 && i == 0 && !appended_zero) {
      bytes[index] = 0;
      appended_zero = true;
      --i;
      continue;  // i + append_zero is even and i is not the last digit: nothing to finish
    }
    const int digit = mantissa[static_cast<std::size_t>(i)] - '0';
    if ((i + append_zero) % 2 == 0) bytes[index] = digit * 10;
    else bytes[index] += digit;
    if ((i + append_zero) % 2 != 0 || i == m - 1) bytes[index] = negative ? 101 - bytes[index] : bytes[index] + 1;
  }
  std::string out;
  out.reserve(bytes.size());
  for (const int b : bytes) out += static_cast<char>(static_cast<unsigned char>(b & 0xff));
  return out;
}

std::string key_bytes(const AttributeValue& value) {
  if (const auto* s = value.as_string()) return *s;
  if (const auto* b = value.as_binary()) return b->bytes;
  if (const auto* n = value.as_number()) return number_bytes(*n);
  return {};
}

// Sortable text of a number: sign, biased exponent in two hex digits, then the digits (for a
// negative number, those of 10 - |mantissa|, so that larger magnitudes sort first).
std::string number_text(const Number& number) {
  const Decimal d = decimal_of(number);
  if (d.sign == 0) return "1000";
  const long e = d.exponent - 1;  // scientific exponent: d1.d2d3… × 10^e
  const long biased = d.sign < 0 ? 125 - e : 130 + e;
  std::string out = d.sign < 0 ? "0" : "1";
  out += kHex[(biased >> 4) & 15];
  out += kHex[biased & 15];
  if (d.sign > 0) return out + d.digits;
  const Decimal ten{1, "1", 2};
  const Decimal mantissa{1, d.digits, 1};
  std::string rest = canonical_text(add(ten, negate(mantissa)));
  std::erase(rest, '.');
  return out + rest;
}

std::size_t number_size(const Number& number) {
  const Decimal d = decimal_of(number);
  if (d.sign == 0) return 1;
  const auto digits = d.digits.size();
  const long e = d.exponent - 1;
  return 1 + (digits + 1) / 2 + ((digits % 2 != 0 || e % 2 != 0) ? 0 : 1) + (d.sign < 0 ? 1 : 0);
}

std::size_t size_of(const AttributeValue& value, bool compress);

std::size_t stored_size(const AttributeValue& value, bool compress) {
  const std::size_t size = size_of(value, compress);
  if (!compress) return size;
  switch (value.type()) {
    case AttributeType::S: return size + (size < 128 ? 1 : size < 16384 ? 2 : 3);
    case AttributeType::B:
    case AttributeType::N: return size + 1;
    case AttributeType::SS: return size + value.as_string_set()->size() + 1;
    case AttributeType::NS: return size + value.as_number_set()->size() + 1;
    case AttributeType::BS: return size + value.as_binary_set()->size() + 1;
    case AttributeType::NULL_: return 0;
    case AttributeType::BOOL: return 1;
    case AttributeType::L:
    case AttributeType::M: return size;
  }
  return size;
}

std::size_t map_size(const AttributeMap& map, bool compress) {
  std::size_t size = 0;
  for (const auto& [name, value] : map) size += stored_size(value, compress) + (compress ? 1 : name.size());
  return size;
}

std::size_t size_of(const AttributeValue& value, bool compress) {
  switch (value.type()) {
    case AttributeType::S: return value.as_string()->size();
    case AttributeType::B: return value.as_binary()->bytes.size();
    case AttributeType::N: return number_size(*value.as_number());
    case AttributeType::BOOL:
    case AttributeType::NULL_: return 1;
    case AttributeType::SS: {
      std::size_t size = 0;
      for (const auto& s : *value.as_string_set()) size += s.size();
      return size;
    }
    case AttributeType::NS: {
      std::size_t size = 0;
      for (const auto& n : *value.as_number_set()) size += number_size(n);
      return size;
    }
    case AttributeType::BS: {
      std::size_t size = 0;
      for (const auto& b : *value.as_binary_set()) size += b.bytes.size();
      return size;
    }
    case AttributeType::L: {
      std::size_t size = 3;
      for (const auto& element : *value.as_list()) size += 1 + stored_size(element, compress);
      return size;
    }
    case AttributeType::M: return 3 + value.as_map()->size() + map_size(*value.as_map(), compress);
  }
  return 0;
}

}  // namespace

std::string md5_hex(std::string_view bytes) {
  std::uint32_t a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
  std::string message(bytes);
  const std::uint64_t bit_length = static_cast<std::uint64_t>(bytes.size()) * 8;
  message += static_cast<char>(0x80);
  while (message.size() % 64 != 56) message += '\0';
  for (int i = 0; i < 8; ++i) message += static_cast<char>((bit_length >> (8 * i)) & 0xff);
  for (std::size_t chunk = 0; chunk < message.size(); chunk += 64) {
    std::array<std::uint32_t, 16> w{};
    for (std::size_t i = 0; i < 16; ++i) {
      for (std::size_t j = 0; j < 4; ++j)
        w[i] |= static_cast<std::uint32_t>(static_cast<unsigned char>(message[chunk + i * 4 + j])) << (8 * j);
    }
    std::uint32_t a = a0, b = b0, c = c0, d = d0;
    for (std::size_t i = 0; i < 64; ++i) {
      std::uint32_t f = 0;
      std::size_t g = 0;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      f = f + a + kSines[i] + w[g];
      a = d;
      d = c;
      c = b;
      b = b + rotate_left(f, kShifts[i]);
    }
    a0 += a;
    b0 += b;
    c0 += c;
    d0 += d;
  }
  std::string digest;
  for (const std::uint32_t v : {a0, b0, c0, d0}) {
    for (int i = 0; i < 4; ++i) digest += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  return hex(digest);
}

std::string ordered_text(const AttributeValue& value) {
  if (const auto* s = value.as_string()) return hex(*s);
  if (const auto* b = value.as_binary()) return hex(b->bytes);
  if (const auto* n = value.as_number()) return number_text(*n);
  return {};
}

std::string partition_hash(const AttributeValue& partition, const AttributeValue* sort) {
  std::string input = "Outliers";
  input += key_bytes(partition);
  if (sort != nullptr) input += key_bytes(*sort);
  return md5_hex(input).substr(0, 6);
}

std::string storage_key(const AttributeValue& partition, const AttributeValue* sort) {
  std::string key = partition_hash(partition, nullptr);
  key += '/';
  key += ordered_text(partition);
  key += '/';
  if (sort != nullptr) {
    key += ordered_text(*sort);
    key += '/';
  }
  return key;
}

std::size_t value_size(const AttributeValue& value) { return size_of(value, false); }

std::size_t item_size(const AttributeMap& item) { return map_size(item, false); }

std::size_t page_size(const AttributeMap& item, std::string_view sort_key) {
  std::size_t sort_size = 0;
  std::size_t size = 0;
  for (const auto& [name, value] : item) {
    if (name == sort_key) {
      sort_size = stored_size(value, false);
      continue;
    }
    size += stored_size(value, true) + 1;
  }
  return 2 + size + (1 + (1 + size) / 3072) * (18 + sort_size);
}

}  // namespace lift::dynamorm::engine
