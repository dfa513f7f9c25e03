#pragma once
// How the embedded engine orders items, and how large DynamoDB considers an item, private to it.
//
// Items are stored under a text key whose byte order is the order DynamoDB returns them in:
// `<partition hash>/<partition value>/<sort value>/`. The partition hash spreads partitions the
// way DynamoDB's does (Scan order and segments follow it); it is the first six hex digits of
// MD5("Outliers" + key bytes), the scheme of dynalite, so that Scan pages of the two match
// exactly in the conformance suite. Sort values sort as DynamoDB sorts them: strings and binary
// bytewise, numbers by value.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm::engine {

// A key value (S, N or B) as text whose bytewise order is DynamoDB's order of such values.
std::string ordered_text(const AttributeValue& value);

// The six hex digits that spread partitions; `sort` may be null.
std::string partition_hash(const AttributeValue& partition, const AttributeValue* sort);

// The storage key of an item under a key schema: partition hash, partition, sort (when any).
std::string storage_key(const AttributeValue& partition, const AttributeValue* sort);

// The size DynamoDB counts against the 400 KB item limit: for each attribute, the UTF-8 length of
// its name plus the size of its value (strings: UTF-8 bytes; binary: bytes; numbers: about one
// byte per two significant digits plus one; BOOL and NULL: 1; lists and maps: 3 plus 1 per
// element plus the elements; sets: their members).
std::size_t item_size(const AttributeMap& item);
std::size_t value_size(const AttributeValue& value);

// The size used to fill a 1 MB Query or Scan page: DynamoDB's internal, compressed form is not
// documented; this is dynalite's measured approximation of it. `sort_key` names the attribute
// whose value counts as metadata (the sort key of the table or index read).
std::size_t page_size(const AttributeMap& item, std::string_view sort_key);

inline constexpr std::size_t kMaxItemSize = 400 * 1024;
inline constexpr std::size_t kMaxPageSize = 1024 * 1024;

}  // namespace lift::dynamorm::engine
