#include "table.hpp"

#include <algorithm>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "errors.hpp"
#include "lift/core/uuid.hpp"
#include "request.hpp"
#include "storage_keys.hpp"

namespace lift::dynamorm::engine {
namespace json = boost::json;
namespace {

constexpr std::int64_t kFiveYears = 5LL * 365 * 24 * 3600;
constexpr std::size_t kMaxPartitionKeyBytes = 2048;
constexpr std::size_t kMaxSortKeyBytes = 1024;

std::string key_type_text(AttributeType type) { return std::string(to_string(type)); }

std::size_t key_size(const AttributeValue& value) {
  if (const auto* s = value.as_string()) return s->size();
  if (const auto* b = value.as_binary()) return b->bytes.size();
  return 0;  // numbers are always small enough
}

bool empty_key_value(const AttributeValue& value) {
  if (const auto* s = value.as_string()) return s->empty();
  if (const auto* b = value.as_binary()) return b->bytes.empty();
  return false;
}

Result<void> check_key_size(const AttributeValue& value, bool partition) {
  const std::size_t size = key_size(value);
  if (partition && size > kMaxPartitionKeyBytes)
    return validation_error("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes");
  if (!partition && size > kMaxSortKeyBytes)
    return validation_error(
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  return {};
}

struct Definitions {
  std::vector<std::pair<std::string, AttributeType>> list;
  [[nodiscard]] std::optional<AttributeType> type_of(const std::string& name) const {
    for (const auto& [n, t] : list) {
      if (n == name) return t;
    }
    return std::nullopt;
  }
  [[nodiscard]] std::string names() const {
    std::string out;
    for (const auto& [n, t] : list) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }
};

struct RawKeyElement {
  std::string name;
  std::string key_type;
};

Result<std::vector<RawKeyElement>> read_key_schema(const json::object& o, std::string_view member) {
  auto array = array_member(o, "KeySchema");
  if (!array) return std::move(array).error();
  if (*array == nullptr) return constraint_error(std::string(member), "null", "Member must not be null");
  if ((*array)->empty() || (*array)->size() > 2)
    return constraint_error(std::string(member), "'[...]'",
                            (*array)->empty() ? "Member must have length greater than or equal to 1"
                                              : "Member must have length less than or equal to 2");
  std::vector<RawKeyElement> out;
  for (const auto& element : **array) {
    if (!element.is_object()) return serialization_error("Unexpected value type in payload");
    auto name = required_string(element.get_object(), "AttributeName");
    if (!name) return std::move(name).error();
    auto type = enum_member(element.get_object(), "KeyType", {"HASH", "RANGE"}, "");
    if (!type) return std::move(type).error();
    if (type->empty()) return constraint_error(std::string(member) + ".member.keyType", "null", "Member must not be null");
    out.push_back(RawKeyElement{std::move(*name), std::move(*type)});
  }
  return out;
}

std::string key_names(const std::vector<RawKeyElement>& key) {
  std::string out;
  for (const auto& k : key) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out;
}

Result<KeySchema> key_schema_of(const std::vector<RawKeyElement>& raw, const Definitions& definitions) {
  for (const auto& element : raw) {
    if (!definitions.type_of(element.name))
      return validation_error("One or more parameter values were invalid: Some index key attributes are not defined in "
                              "AttributeDefinitions. Keys: [" + key_names(raw) + "], AttributeDefinitions: [" + definitions.names() + "]");
  }
  if (raw.size() == 2 && raw[0].name == raw[1].name)
    return validation_error("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  if (raw[0].key_type != "HASH") return validation_error("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  if (raw.size() == 2 && raw[1].key_type != "RANGE")
    return validation_error("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  KeySchema out;
  out.partition = KeyAttribute{raw[0].name, *definitions.type_of(raw[0].name)};
  if (raw.size() == 2) out.sort = KeyAttribute{raw[1].name, *definitions.type_of(raw[1].name)};
  return out;
}

json::array key_schema_json(const KeySchema& key) {
  json::array out;
  out.push_back(json::object{{"AttributeName", key.partition.name}, {"KeyType", "HASH"}});
  if (key.sort) out.push_back(json::object{{"AttributeName", key.sort->name}, {"KeyType", "RANGE"}});
  return out;
}

Result<Index> read_index(const json::value& entry, bool global, const Definitions& definitions, const KeySchema& table_key,
                         bool on_demand, const std::string& table_arn) {
  const std::string member = global ? "globalSecondaryIndexes.member" : "localSecondaryIndexes.member";
  if (!entry.is_object()) return serialization_error("Unexpected value type in payload");
  const auto& o = entry.get_object();
  auto name = required_string(o, "IndexName");
  if (!name) return std::move(name).error();
  if (auto ok = check_table_name(member + ".indexName", *name); !ok) return std::move(ok).error();
  auto raw = read_key_schema(o, member + ".keySchema");
  if (!raw) return std::move(raw).error();
  auto key = key_schema_of(*raw, definitions);
  if (!key) return std::move(key).error();
  Index index;
  index.name = std::move(*name);
  index.global = global;
  index.key = std::move(*key);
  if (!global) {
    if (!index.key.sort)
      return validation_error("One or more parameter values were invalid: Index KeySchema does not have a range key for index: " + index.name);
    if (index.key.partition.name != table_key.partition.name)
      return validation_error("One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as "
                              "table KeySchema for index: " + index.name + ". index hash key: " + index.key.partition.name +
                              ", table hash key: " + table_key.partition.name);
  }
  auto projection = object_member(o, "Projection");
  if (!projection) return std::move(projection).error();
  if (*projection == nullptr) return constraint_error(member + ".projection", "null", "Member must not be null");
  auto type = enum_member(**projection, "ProjectionType", {"ALL", "INCLUDE", "KEYS_ONLY"}, "");
  if (!type) return std::move(type).error();
  if (type->empty()) return validation_error("One or more parameter values were invalid: Unknown ProjectionType: null");
  index.projection_type = std::move(*type);
  auto non_key = array_member(**projection, "NonKeyAttributes");
  if (!non_key) return std::move(non_key).error();
  if (*non_key != nullptr) {
    if (index.projection_type != "INCLUDE")
      return validation_error("One or more parameter values were invalid: ProjectionType is " + index.projection_type +
                              ", but NonKeyAttributes is specified");
    for (const auto& attribute : **non_key) {
      if (!attribute.is_string()) return serialization_error("Unexpected value type in payload");
      index.non_key_attributes.emplace_back(attribute.get_string());
    }
  } else if (index.projection_type == "INCLUDE") {
    return validation_error("One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  }
  auto throughput = object_member(o, "ProvisionedThroughput");
  if (!throughput) return std::move(throughput).error();
  if (global && on_demand && *throughput != nullptr)
    return validation_error("One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: " +
                            index.name + " when BillingMode is PAY_PER_REQUEST");
  if (global && !on_demand && *throughput == nullptr)
    return validation_error("One or more parameter values were invalid: ProvisionedThroughput must be specified for index: " + index.name);

  json::object projection_json{{"ProjectionType", index.projection_type}};
  if (!index.non_key_attributes.empty()) {
    json::array attributes;
    for (const auto& a : index.non_key_attributes) attributes.emplace_back(a);
    projection_json["NonKeyAttributes"] = std::move(attributes);
  }
  index.description = json::object{{"IndexName", index.name}, {"KeySchema", key_schema_json(index.key)}, {"Projection", projection_json}};
  index.description["IndexArn"] = table_arn + "/index/" + index.name;
  if (global) {
    index.description["IndexStatus"] = "ACTIVE";
    json::object units{{"NumberOfDecreasesToday", 0}, {"ReadCapacityUnits", 0}, {"WriteCapacityUnits", 0}};
    if (*throughput != nullptr) {
      for (const auto* unit : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
        auto n = integer_member(**throughput, unit);
        if (!n) return std::move(n).error();
        units[unit] = n->value_or(0);
      }
    }
    index.description["ProvisionedThroughput"] = std::move(units);
  }
  return index;
}

}  // namespace

// ---- keys ----

std::string Table::storage_key_of(const AttributeMap& item) const {
  const AttributeValue& partition = item.at(key.partition.name);
  const AttributeValue* sort = key.sort ? &item.at(key.sort->name) : nullptr;
  return storage_key(partition, sort);
}

std::optional<std::string> Table::index_key_of(const Index& index, const AttributeMap& item) const {
  const auto partition = item.find(index.key.partition.name);
  if (partition == item.end() || partition->second.type() != index.key.partition.type) return std::nullopt;
  const AttributeValue* sort = nullptr;
  if (index.key.sort) {
    const auto found = item.find(index.key.sort->name);
    if (found == item.end() || found->second.type() != index.key.sort->type) return std::nullopt;
    sort = &found->second;
  }
  // Equal index keys are ordered by a hash of the table key, as dynalite orders them.
  const AttributeValue& table_partition = item.at(key.partition.name);
  const AttributeValue* table_sort = key.sort ? &item.at(key.sort->name) : nullptr;
  return storage_key(partition->second, sort) + partition_hash(table_partition, table_sort);
}

Result<void> Table::check_key(const AttributeMap& k) const {
  const std::size_t expected = key.sort ? 2 : 1;
  if (k.size() != expected) return validation_error("The provided key element does not match the schema");
  for (const auto* attribute : {&key.partition, key.sort ? &*key.sort : nullptr}) {
    if (attribute == nullptr) continue;
    const auto found = k.find(attribute->name);
    if (found == k.end() || found->second.type() != attribute->type)
      return validation_error("The provided key element does not match the schema");
    if (empty_key_value(found->second))
      return validation_error(std::string("One or more parameter values were invalid: The AttributeValue for a key attribute cannot "
                                          "contain an empty ") +
                              (attribute->type == AttributeType::S ? "string" : "binary") + " value. Key: " + attribute->name);
    if (auto ok = check_key_size(found->second, attribute == &key.partition); !ok) return ok;
  }
  return {};
}

Result<void> Table::check_item(const AttributeMap& item) const {
  for (const auto* attribute : {&key.partition, key.sort ? &*key.sort : nullptr}) {
    if (attribute == nullptr) continue;
    const auto found = item.find(attribute->name);
    if (found == item.end())
      return validation_error("One or more parameter values were invalid: Missing the key " + attribute->name + " in the item");
    if (found->second.type() != attribute->type)
      return validation_error("One or more parameter values were invalid: Type mismatch for key " + attribute->name +
                              " expected: " + key_type_text(attribute->type) + " actual: " + key_type_text(found->second.type()));
    if (empty_key_value(found->second))
      return validation_error(std::string("One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                                          "contain an empty ") +
                              (attribute->type == AttributeType::S ? "string" : "binary") + " value. Key: " + attribute->name);
    if (auto ok = check_key_size(found->second, attribute == &key.partition); !ok) return ok;
  }
  for (const auto& index : indexes) {
    for (const auto* attribute : {&index.key.partition, index.key.sort ? &*index.key.sort : nullptr}) {
      if (attribute == nullptr) continue;
      const auto found = item.find(attribute->name);
      if (found == item.end()) continue;
      if (found->second.type() != attribute->type)
        return validation_error("One or more parameter values were invalid: Type mismatch for Index Key " + attribute->name +
                                " Expected: " + key_type_text(attribute->type) + " Actual: " + key_type_text(found->second.type()) +
                                " IndexName: " + index.name);
      if (empty_key_value(found->second))
        return validation_error("One or more parameter values are not valid. A value specified for a secondary index key is not "
                                "supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: " +
                                index.name + ", IndexKey: " + attribute->name);
    }
  }
  return {};
}

AttributeMap Table::key_of(const AttributeMap& item) const {
  AttributeMap out;
  if (const auto found = item.find(key.partition.name); found != item.end()) out.emplace(found->first, found->second);
  if (key.sort) {
    if (const auto found = item.find(key.sort->name); found != item.end()) out.emplace(found->first, found->second);
  }
  return out;
}

const Index* Table::find_index(std::string_view index_name) const {
  for (const auto& index : indexes) {
    if (index.name == index_name) return &index;
  }
  return nullptr;
}

AttributeMap Table::project_for_index(const Index& index, const AttributeMap& item) const {
  if (index.projection_type == "ALL") return item;
  AttributeMap out = key_of(item);
  const auto copy = [&](const std::string& name) {
    if (const auto found = item.find(name); found != item.end()) out.insert_or_assign(name, found->second);
  };
  copy(index.key.partition.name);
  if (index.key.sort) copy(index.key.sort->name);
  for (const auto& name : index.non_key_attributes) copy(name);
  return out;
}

// ---- items ----

bool Table::expired(const AttributeMap& item, std::int64_t now) const {
  if (!ttl_attribute) return false;
  const auto found = item.find(*ttl_attribute);
  if (found == item.end()) return false;
  const auto* number = found->second.as_number();
  if (number == nullptr) return false;
  const auto seconds = number->as_integer<std::int64_t>();
  const double value = seconds ? static_cast<double>(*seconds) : number->as_double();
  return value <= static_cast<double>(now) && value >= static_cast<double>(now - kFiveYears);
}

AttributeMap* Table::find(const std::string& storage_key, std::int64_t now) {
  const auto found = items.find(storage_key);
  if (found == items.end()) return nullptr;
  if (expired(found->second, now)) {
    write(storage_key, std::nullopt);  // TTL deletes lazily: the first access after expiry
    return nullptr;
  }
  return &found->second;
}

void Table::write(const std::string& storage_key, std::optional<AttributeMap> item) {
  const auto existing = items.find(storage_key);
  for (auto& index : indexes) {
    if (existing != items.end()) {
      if (auto old_key = index_key_of(index, existing->second)) index.entries.erase(*old_key);
    }
    if (item) {
      if (auto new_key = index_key_of(index, *item)) index.entries.insert_or_assign(*new_key, storage_key);
    }
  }
  if (item) items.insert_or_assign(storage_key, std::move(*item));
  else if (existing != items.end()) items.erase(existing);
}

json::object Table::describe(std::string_view status) const {
  json::object out = description;
  out["TableStatus"] = status;
  std::size_t bytes = 0;
  for (const auto& [k, item] : items) bytes += item_size(item);
  out["ItemCount"] = items.size();
  out["TableSizeBytes"] = bytes;
  for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    const bool global = std::string_view(kind) == "GlobalSecondaryIndexes";
    json::array list;
    for (const auto& index : indexes) {
      if (index.global != global) continue;
      json::object entry = index.description;
      std::size_t index_bytes = 0;
      for (const auto& [k, table_key] : index.entries) index_bytes += item_size(project_for_index(index, items.at(table_key)));
      entry["ItemCount"] = index.entries.size();
      entry["IndexSizeBytes"] = index_bytes;
      list.push_back(std::move(entry));
    }
    if (!list.empty()) out[kind] = std::move(list);
  }
  return out;
}

// ---- CreateTable ----

Result<Table> table_from_request(const json::object& request, std::chrono::system_clock::time_point now, const std::string& region,
                                 const std::string& account) {
  auto name = required_string(request, "TableName");
  if (!name) return std::move(name).error();
  if (auto ok = check_table_name("tableName", *name); !ok) return std::move(ok).error();

  auto definitions_json = array_member(request, "AttributeDefinitions");
  if (!definitions_json) return std::move(definitions_json).error();
  if (*definitions_json == nullptr) return constraint_error("attributeDefinitions", "null", "Member must not be null");
  Definitions definitions;
  for (const auto& entry : **definitions_json) {
    if (!entry.is_object()) return serialization_error("Unexpected value type in payload");
    auto attribute = required_string(entry.get_object(), "AttributeName");
    if (!attribute) return std::move(attribute).error();
    auto type = enum_member(entry.get_object(), "AttributeType", {"B", "N", "S"}, "");
    if (!type) return std::move(type).error();
    if (type->empty()) return constraint_error("attributeDefinitions.member.attributeType", "null", "Member must not be null");
    if (definitions.type_of(*attribute))
      return validation_error("Cannot have two attributes with the same name. Attribute name: " + *attribute);
    const AttributeType t = *type == "S" ? AttributeType::S : *type == "N" ? AttributeType::N : AttributeType::B;
    definitions.list.emplace_back(std::move(*attribute), t);
  }
  auto raw_key = read_key_schema(request, "keySchema");
  if (!raw_key) return std::move(raw_key).error();

  auto billing = enum_member(request, "BillingMode", {"PROVISIONED", "PAY_PER_REQUEST"}, "PROVISIONED");
  if (!billing) return std::move(billing).error();
  const bool on_demand = *billing == "PAY_PER_REQUEST";
  auto throughput = object_member(request, "ProvisionedThroughput");
  if (!throughput) return std::move(throughput).error();
  json::object units{{"NumberOfDecreasesToday", 0}, {"ReadCapacityUnits", 0}, {"WriteCapacityUnits", 0}};
  if (on_demand && *throughput != nullptr)
    return validation_error("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                            "specified when BillingMode is PAY_PER_REQUEST");
  if (!on_demand) {
    if (*throughput == nullptr)
      return validation_error("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
                              "specified when BillingMode is PROVISIONED");
    for (const auto* unit : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
      auto n = integer_member(**throughput, unit);
      if (!n) return std::move(n).error();
      if (!*n || **n < 1)
        return validation_error("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
                                "specified when BillingMode is PROVISIONED");
      units[unit] = **n;
    }
  }

  if (raw_key->size() > definitions.list.size()) return validation_error("Invalid KeySchema: Some index key attribute have no definition");
  auto key = key_schema_of(*raw_key, definitions);
  if (!key) return std::move(key).error();

  Table table;
  table.name = std::move(*name);
  table.key = std::move(*key);
  const std::string arn = "arn:aws:dynamodb:" + region + ":" + account + ":table/" + table.name;

  std::set<std::string> index_names;
  for (const bool global : {false, true}) {
    auto list = array_member(request, global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    if (!list) return std::move(list).error();
    if (*list == nullptr) continue;
    const std::string kind = global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
    if ((*list)->empty()) return validation_error("One or more parameter values were invalid: List of " + kind + " is empty");
    if (!global && !table.key.sort)
      return validation_error("One or more parameter values were invalid: Table KeySchema does not have a range key, which is "
                              "required when specifying a LocalSecondaryIndex");
    for (const auto& entry : **list) {
      auto index = read_index(entry, global, definitions, table.key, on_demand, arn);
      if (!index) return std::move(index).error();
      if (!index_names.insert(index->name).second)
        return validation_error("One or more parameter values were invalid: Duplicate index name: " + index->name);
      table.indexes.push_back(std::move(*index));
    }
    if (!global && (*list)->size() > 5)
      return validation_error("One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5");
    if (global && (*list)->size() > 20)
      return validation_error("One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20");
  }

  // Every definition must be a key of the table or of an index.
  std::set<std::string> used{table.key.partition.name};
  if (table.key.sort) used.insert(table.key.sort->name);
  for (const auto& index : table.indexes) {
    used.insert(index.key.partition.name);
    if (index.key.sort) used.insert(index.key.sort->name);
  }
  if (used.size() != definitions.list.size()) {
    if (table.indexes.empty())
      return validation_error("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
                              "number of attributes defined in AttributeDefinitions");
    std::string keys;
    for (const auto& u : used) keys += (keys.empty() ? "" : ", ") + u;
    return validation_error("One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [" +
                            definitions.names() + "], keys used: [" + keys + "]");
  }

  const double created = std::chrono::duration<double>(now.time_since_epoch()).count();
  json::array definitions_out;
  for (const auto& [n, t] : definitions.list) definitions_out.push_back(json::object{{"AttributeName", n}, {"AttributeType", key_type_text(t)}});
  table.description = json::object{{"AttributeDefinitions", std::move(definitions_out)},
                                   {"TableName", table.name},
                                   {"KeySchema", key_schema_json(table.key)},
                                   {"CreationDateTime", created},
                                   {"ProvisionedThroughput", std::move(units)},
                                   {"TableArn", arn},
                                   {"TableId", lift::uuid()},
                                   {"DeletionProtectionEnabled", false}};
  if (on_demand) {
    table.description["BillingModeSummary"] = json::object{{"BillingMode", "PAY_PER_REQUEST"}, {"LastUpdateToPayPerRequestDateTime", created}};
  }
  return table;
}

}  // namespace lift::dynamorm::engine
