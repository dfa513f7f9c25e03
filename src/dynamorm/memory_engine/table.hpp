#pragma once
// A table of the embedded engine: its schema, its items in DynamoDB's order, its secondary
// indexes kept in step with every write, and its time-to-live setting. Private to the engine;
// the engine's mutex guards every table.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm::engine {

struct KeyAttribute {
  std::string name;
  AttributeType type = AttributeType::S;
};

struct KeySchema {
  KeyAttribute partition;
  std::optional<KeyAttribute> sort;
};

struct Index {
  std::string name;
  bool global = true;
  KeySchema key;
  std::string projection_type = "ALL";  // ALL, KEYS_ONLY or INCLUDE
  std::vector<std::string> non_key_attributes;
  boost::json::object description;  // as DescribeTable shows it
  // Index storage key (index partition hash / partition / sort / table key hash) → table
  // storage key; only items that have every index key attribute are in the index.
  std::map<std::string, std::string> entries;
};

class Table {
 public:
  std::string name;
  KeySchema key;
  std::vector<Index> indexes;
  std::map<std::string, AttributeMap> items;  // storage key → item
  boost::json::object description;           // the static part of DescribeTable's answer
  std::optional<std::string> ttl_attribute;   // set while TTL is enabled

  // ---- keys ----

  // The storage key of an item or a key (both have the key attributes, already validated).
  [[nodiscard]] std::string storage_key_of(const AttributeMap& item) const;
  // The storage key of an item in an index, or nullopt when the item lacks an index key.
  [[nodiscard]] std::optional<std::string> index_key_of(const Index& index, const AttributeMap& item) const;

  // A Key parameter: exactly the key attributes with the declared types, no empty strings or
  // binaries, sizes within DynamoDB's limits. Errors: ValidationException with DynamoDB's
  // messages ("The provided key element does not match the schema", ...).
  [[nodiscard]] Result<void> check_key(const AttributeMap& key) const;
  // An item to write: key attributes present with their types, index key attributes (when
  // present) of the declared type and not empty.
  [[nodiscard]] Result<void> check_item(const AttributeMap& item) const;
  // The key attributes of an item.
  [[nodiscard]] AttributeMap key_of(const AttributeMap& item) const;

  [[nodiscard]] const Index* find_index(std::string_view index_name) const;
  // The attributes an index holds of an item (its projection).
  [[nodiscard]] AttributeMap project_for_index(const Index& index, const AttributeMap& item) const;

  // ---- items ----

  // Whether TTL makes the item invisible at `now` (epoch seconds): TTL enabled, the attribute a
  // number of epoch seconds not after now and not more than five years before it (DynamoDB
  // ignores older values, which are usually milliseconds by mistake).
  [[nodiscard]] bool expired(const AttributeMap& item, std::int64_t now) const;

  // The visible item under a storage key (expired items are dropped on the way), or null.
  AttributeMap* find(const std::string& storage_key, std::int64_t now);
  // Writes (or, with nullopt, deletes) the item under its storage key and updates the indexes.
  void write(const std::string& storage_key, std::optional<AttributeMap> item);

  // DescribeTable's answer, with the live item count and size.
  [[nodiscard]] boost::json::object describe(std::string_view status) const;
};

// Reads a CreateTable request into a table. Errors: ValidationException with DynamoDB's
// messages for the schema problems it names.
Result<Table> table_from_request(const boost::json::object& request, std::chrono::system_clock::time_point now,
                                 const std::string& region, const std::string& account);

}  // namespace lift::dynamorm::engine
