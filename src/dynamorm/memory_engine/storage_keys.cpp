#include "storage_keys.hpp"

#include <vector>

#include "decimal.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"

namespace lift::dynamorm::engine {
namespace {

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
  out += hex::encode(std::string(1, static_cast<char>(biased & 0xff)));
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

std::string ordered_text(const AttributeValue& value) {
  if (const auto* s = value.as_string()) return hex::encode(*s);
  if (const auto* b = value.as_binary()) return hex::encode(b->bytes);
  if (const auto* n = value.as_number()) return number_text(*n);
  return {};
}

std::string partition_hash(const AttributeValue& partition, const AttributeValue* sort) {
  std::string input = "Outliers";
  input += key_bytes(partition);
  if (sort != nullptr) input += key_bytes(*sort);
  return hex::encode(digest::md5(input)).substr(0, 6);
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
