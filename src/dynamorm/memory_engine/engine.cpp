#include "lift/dynamorm/memory_engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "errors.hpp"
#include "expression.hpp"
#include "lift/core/env.hpp"
#include "request.hpp"
#include "storage_keys.hpp"
#include "table.hpp"

namespace lift::dynamorm {
namespace json = boost::json;
using namespace engine;

namespace {

constexpr std::size_t kMaxBatchGetKeys = 100;
constexpr std::size_t kMaxBatchWriteRequests = 25;
constexpr std::size_t kMaxTransactItems = 100;
constexpr std::size_t kMaxBatchGetBytes = 16 * 1024 * 1024;

const AttributeMap kNoItem;

std::string wire_type(const std::string& code) {
  if (code == "ValidationException") return "com.amazon.coral.validate#ValidationException";
  if (code == "SerializationException" || code == "UnknownOperationException") return "com.amazon.coral.service#" + code;
  return "com.amazonaws.dynamodb.v20120810#" + code;
}

// Error details named "Item" or "CancellationReasons" carry JSON that goes into the answer.
EngineAnswer error_answer(const Error& error) {
  json::object body{{"__type", wire_type(error.code)}};
  if (!error.message.empty() || error.code != "UnknownOperationException") body["message"] = error.message;
  for (const auto& detail : error.details) {
    boost::system::error_code ec;
    auto value = json::parse(detail.message, ec);
    if (!ec) body[detail.field] = std::move(value);
  }
  return EngineAnswer{error.status, json::serialize(body)};
}

Error with_item(Error error, const AttributeMap& item) {
  error.details.push_back({"Item", json::serialize(item_to_dynamodb_json(item))});
  return error;
}

Result<std::string> table_name(const json::object& request) {
  auto name = required_string(request, "TableName");
  if (!name) return name;
  if (auto ok = check_table_name("tableName", *name); !ok) return std::move(ok).error();
  return name;
}

Result<AttributeMap> required_item(const json::object& request, std::string_view key) {
  const auto* v = request.if_contains(key);
  if (v == nullptr || v->is_null()) return constraint_error(member_name(key), "null", "Member must not be null");
  if (!v->is_object()) return serialization_error("Start of structure or map found where not expected");
  return read_item(*v);
}

// Paths that descend into a key attribute (`PK.a`, `PK[0]`) are refused: keys are scalars.
Result<void> check_scalar_keys(const std::vector<const KeySchema*>& schemas, const std::set<std::string>& nested_heads) {
  for (const auto* schema : schemas) {
    for (const auto* attribute : {&schema->partition, schema->sort ? &*schema->sort : nullptr}) {
      if (attribute != nullptr && nested_heads.contains(attribute->name))
        return validation_error("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: " +
                                attribute->name);
    }
  }
  return {};
}

std::set<std::string> nested_heads_of(const std::vector<Path>& paths) {
  std::set<std::string> out;
  for (const auto& path : paths) {
    if (path.size() > 1) out.insert(path.front().name);
  }
  return out;
}

double write_units(const std::optional<AttributeMap>& a, const std::optional<AttributeMap>& b) {
  const auto units = [](const std::optional<AttributeMap>& item) {
    return item ? std::ceil(static_cast<double>(item_size(*item)) / 1024.0) : 1.0;
  };
  return std::max({1.0, units(a), units(b)});
}

double read_units(std::size_t bytes, bool consistent) {
  const double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

json::object consumed(const std::string& table, double units, const std::string& mode) {
  json::object out{{"TableName", table}, {"CapacityUnits", units}};
  if (mode == "INDEXES") out["Table"] = json::object{{"CapacityUnits", units}};
  return out;
}

Result<std::string> capacity_mode(const json::object& request) {
  return enum_member(request, "ReturnConsumedCapacity", {"INDEXES", "TOTAL", "NONE"}, "NONE");
}

// ---- Writes: read, then prepared against the tables, then evaluated, then committed ----

struct WriteRequest {
  enum class Kind { put, update, remove, check };
  Kind kind = Kind::put;
  std::string table;
  AttributeMap item;  // put: the item; others: the key
  Expressions expressions;
  std::string return_values = "NONE";
  bool old_on_failure = false;  // ReturnValuesOnConditionCheckFailure ALL_OLD
};

Result<WriteRequest> read_write(const json::object& request, WriteRequest::Kind kind, bool single) {
  WriteRequest out;
  out.kind = kind;
  auto name = table_name(request);
  if (!name) return std::move(name).error();
  out.table = std::move(*name);
  auto item = required_item(request, kind == WriteRequest::Kind::put ? "Item" : "Key");
  if (!item) return std::move(item).error();
  out.item = std::move(*item);
  if (single) {
    auto return_values = enum_member(request, "ReturnValues", {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"}, "NONE");
    if (!return_values) return std::move(return_values).error();
    out.return_values = std::move(*return_values);
    // PutItem refuses the update-only values; DeleteItem ignores them, as dynalite observed.
    if (kind == WriteRequest::Kind::put && out.return_values != "NONE" && out.return_values != "ALL_OLD")
      return validation_error("ReturnValues can only be ALL_OLD or NONE");
  }
  auto on_failure = enum_member(request, "ReturnValuesOnConditionCheckFailure", {"ALL_OLD", "NONE"}, "NONE");
  if (!on_failure) return std::move(on_failure).error();
  out.old_on_failure = *on_failure == "ALL_OLD";
  if (kind == WriteRequest::Kind::put && item_size(out.item) > kMaxItemSize)
    return validation_error("Item size has exceeded the maximum allowed size");
  auto expressions = kind == WriteRequest::Kind::update ? read_expressions(request, {"UpdateExpression", "ConditionExpression"})
                                                        : read_expressions(request, {"ConditionExpression"});
  if (!expressions) return std::move(expressions).error();
  out.expressions = std::move(*expressions);
  if (kind == WriteRequest::Kind::check && !out.expressions.condition)
    return constraint_error("conditionExpression", "null", "Member must not be null");
  return out;
}

// A write located in its table, its key and static parts checked.
struct Target {
  Table* table = nullptr;
  std::string storage_key;
};

// What a write does to its item.
struct Outcome {
  std::optional<AttributeMap> old_item;
  std::optional<AttributeMap> new_item;  // nullopt: deleted (or left alone by a check)
};

}  // namespace

struct MemoryEngine::State {
  EngineOptions options;
  std::map<std::string, Table, std::less<>> tables;

  [[nodiscard]] std::chrono::system_clock::time_point now() const {
    return options.clock ? options.clock() : std::chrono::system_clock::now();
  }
  [[nodiscard]] std::int64_t now_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }

  Result<Table*> table(const std::string& name) {
    const auto found = tables.find(name);
    if (found == tables.end()) return resource_not_found();
    return &found->second;
  }

  Result<json::object> dispatch(std::string_view operation, const json::object& request);

  // ---- tables ----
  Result<json::object> create_table(const json::object& request);
  Result<json::object> describe_table(const json::object& request);
  Result<json::object> delete_table(const json::object& request);
  Result<json::object> list_tables(const json::object& request);
  Result<json::object> update_time_to_live(const json::object& request);
  Result<json::object> describe_time_to_live(const json::object& request);

  // ---- items ----
  Result<Target> prepare(const WriteRequest& request);
  Result<Outcome> evaluate_write(const WriteRequest& request, const Target& target);
  void commit(const WriteRequest& request, const Target& target, const Outcome& outcome);
  Result<json::object> write_item(const json::object& request, WriteRequest::Kind kind);
  Result<json::object> get_item(const json::object& request);
  Result<json::object> query_or_scan(const json::object& request, bool query);
  Result<json::object> batch_get_item(const json::object& request);
  Result<json::object> batch_write_item(const json::object& request);
  Result<json::object> transact_write_items(const json::object& request);
  Result<json::object> transact_get_items(const json::object& request);
};

// ---- tables ----

Result<json::object> MemoryEngine::State::create_table(const json::object& request) {
  auto table = table_from_request(request, now(), options.region, options.account);
  if (!table) return std::move(table).error();
  if (tables.contains(table->name)) return failure("ResourceInUseException", "Table already exists: " + table->name);
  const std::string name = table->name;
  auto& stored = tables.emplace(name, std::move(*table)).first->second;
  // Tables are usable at once: the answer says ACTIVE rather than CREATING.
  return json::object{{"TableDescription", stored.describe("ACTIVE")}};
}

Result<json::object> MemoryEngine::State::describe_table(const json::object& request) {
  auto name = table_name(request);
  if (!name) return std::move(name).error();
  const auto found = tables.find(*name);
  if (found == tables.end()) return resource_not_found("Requested resource not found: Table: " + *name + " not found");
  return json::object{{"Table", found->second.describe("ACTIVE")}};
}

Result<json::object> MemoryEngine::State::delete_table(const json::object& request) {
  auto name = table_name(request);
  if (!name) return std::move(name).error();
  const auto found = tables.find(*name);
  if (found == tables.end()) return resource_not_found("Requested resource not found: Table: " + *name + " not found");
  json::object description = found->second.describe("DELETING");
  tables.erase(found);
  return json::object{{"TableDescription", std::move(description)}};
}

Result<json::object> MemoryEngine::State::list_tables(const json::object& request) {
  auto start = string_member(request, "ExclusiveStartTableName");
  if (!start) return std::move(start).error();
  if (*start) {
    if (auto ok = check_table_name("exclusiveStartTableName", **start); !ok) return std::move(ok).error();
  }
  auto limit = integer_member(request, "Limit");
  if (!limit) return std::move(limit).error();
  if (*limit && (**limit < 1 || **limit > 100))
    return constraint_error("limit", "'" + std::to_string(**limit) + "'",
                            **limit < 1 ? "Member must have value greater than or equal to 1" : "Member must have value less than or equal to 100");
  const auto max = static_cast<std::size_t>(limit->value_or(100));
  json::array names;
  auto it = *start ? tables.upper_bound(**start) : tables.begin();
  for (; it != tables.end() && names.size() < max; ++it) names.emplace_back(it->first);
  json::object out{{"TableNames", names}};
  if (it != tables.end() && !names.empty()) out["LastEvaluatedTableName"] = names.back();
  return out;
}

Result<json::object> MemoryEngine::State::update_time_to_live(const json::object& request) {
  auto name = table_name(request);
  if (!name) return std::move(name).error();
  auto specification = object_member(request, "TimeToLiveSpecification");
  if (!specification) return std::move(specification).error();
  if (*specification == nullptr) return constraint_error("timeToLiveSpecification", "null", "Member must not be null");
  auto attribute = required_string(**specification, "AttributeName");
  if (!attribute) return std::move(attribute).error();
  if (attribute->empty() || attribute->size() > 255)
    return constraint_error("timeToLiveSpecification.attributeName", "'" + *attribute + "'",
                            attribute->empty() ? "Member must have length greater than or equal to 1"
                                               : "Member must have length less than or equal to 255");
  auto enabled = bool_member(**specification, "Enabled");
  if (!enabled) return std::move(enabled).error();
  if (!*enabled) return constraint_error("timeToLiveSpecification.enabled", "null", "Member must not be null");
  auto table = this->table(*name);
  if (!table) return std::move(table).error();
  Table& t = **table;
  if (**enabled && t.ttl_attribute) return validation_error("TimeToLive is already enabled");
  if (!**enabled && !t.ttl_attribute) return validation_error("TimeToLive is already disabled");
  if (!**enabled && *t.ttl_attribute != *attribute)
    return validation_error("TimeToLive is active on a different AttributeName: current AttributeName is " + *t.ttl_attribute);
  if (**enabled) t.ttl_attribute = *attribute;
  else t.ttl_attribute.reset();
  return json::object{{"TimeToLiveSpecification", json::object{{"AttributeName", *attribute}, {"Enabled", **enabled}}}};
}

Result<json::object> MemoryEngine::State::describe_time_to_live(const json::object& request) {
  auto name = table_name(request);
  if (!name) return std::move(name).error();
  auto table = this->table(*name);
  if (!table) return std::move(table).error();
  json::object description{{"TimeToLiveStatus", (*table)->ttl_attribute ? "ENABLED" : "DISABLED"}};
  if ((*table)->ttl_attribute) description["AttributeName"] = *(*table)->ttl_attribute;
  return json::object{{"TimeToLiveDescription", std::move(description)}};
}

// ---- writes ----

Result<Target> MemoryEngine::State::prepare(const WriteRequest& request) {
  auto table = this->table(request.table);
  if (!table) return std::move(table).error();
  Table& t = **table;
  if (request.kind == WriteRequest::Kind::put) {
    if (auto ok = t.check_item(request.item); !ok) return std::move(ok).error();
  } else {
    if (auto ok = t.check_key(request.item); !ok) return std::move(ok).error();
  }
  if (request.expressions.update) {
    std::set<std::string> heads;
    std::set<std::string> nested;
    for (const auto& action : request.expressions.update->actions) {
      heads.insert(action.path.front().name);
      if (action.path.size() > 1) nested.insert(action.path.front().name);
    }
    for (const auto* attribute : {&t.key.partition, t.key.sort ? &*t.key.sort : nullptr}) {
      if (attribute != nullptr && heads.contains(attribute->name) && !nested.contains(attribute->name))
        return validation_error("One or more parameter values were invalid: Cannot update attribute " + attribute->name +
                                ". This attribute is part of the key");
    }
    std::vector<const KeySchema*> schemas{&t.key};
    for (const auto& index : t.indexes) schemas.push_back(&index.key);
    if (auto ok = check_scalar_keys(schemas, nested); !ok) return std::move(ok).error();
  }
  return Target{&t, t.storage_key_of(request.item)};
}

Result<Outcome> MemoryEngine::State::evaluate_write(const WriteRequest& request, const Target& target) {
  Outcome outcome;
  if (const AttributeMap* existing = target.table->find(target.storage_key, now_seconds())) outcome.old_item = *existing;
  if (const auto& condition = request.expressions.condition) {
    if (!evaluate(*condition, outcome.old_item ? *outcome.old_item : kNoItem)) {
      Error failed = conditional_check_failed();
      if (request.old_on_failure && outcome.old_item) failed = with_item(std::move(failed), *outcome.old_item);
      return failed;
    }
  }
  switch (request.kind) {
    case WriteRequest::Kind::put: outcome.new_item = request.item; break;
    case WriteRequest::Kind::remove: break;
    case WriteRequest::Kind::check: outcome.new_item = outcome.old_item; break;
    case WriteRequest::Kind::update: {
      AttributeMap item = outcome.old_item ? *outcome.old_item : request.item;
      if (request.expressions.update) {
        if (auto ok = apply_update(*request.expressions.update, item); !ok) return std::move(ok).error();
      }
      if (auto ok = target.table->check_item(item); !ok) return std::move(ok).error();
      if (item_size(item) > kMaxItemSize) return validation_error("Item size to update has exceeded the maximum allowed size");
      outcome.new_item = std::move(item);
      break;
    }
  }
  return outcome;
}

void MemoryEngine::State::commit(const WriteRequest& request, const Target& target, const Outcome& outcome) {
  if (request.kind == WriteRequest::Kind::check) return;
  if (request.kind == WriteRequest::Kind::remove && !outcome.old_item) return;
  target.table->write(target.storage_key, outcome.new_item);
}

Result<json::object> MemoryEngine::State::write_item(const json::object& request, WriteRequest::Kind kind) {
  auto write = read_write(request, kind, true);
  if (!write) return std::move(write).error();
  auto capacity = capacity_mode(request);
  if (!capacity) return std::move(capacity).error();
  auto target = prepare(*write);
  if (!target) return std::move(target).error();
  auto outcome = evaluate_write(*write, *target);
  if (!outcome) return std::move(outcome).error();
  commit(*write, *target, *outcome);

  json::object out;
  const std::string& mode = write->return_values;
  const auto paths = write->expressions.update ? updated_paths(*write->expressions.update) : std::vector<Path>{};
  if (mode == "ALL_OLD" && outcome->old_item) {
    out["Attributes"] = item_to_dynamodb_json(*outcome->old_item);
  } else if (mode == "UPDATED_OLD" && outcome->old_item) {
    out["Attributes"] = item_to_dynamodb_json(project(*outcome->old_item, paths));
  } else if (mode == "ALL_NEW" && outcome->new_item) {
    out["Attributes"] = item_to_dynamodb_json(*outcome->new_item);
  } else if (mode == "UPDATED_NEW" && outcome->new_item) {
    out["Attributes"] = item_to_dynamodb_json(project(*outcome->new_item, paths));
  }
  if (*capacity != "NONE") out["ConsumedCapacity"] = consumed(write->table, write_units(outcome->old_item, outcome->new_item), *capacity);
  return out;
}

// ---- reads ----

Result<json::object> MemoryEngine::State::get_item(const json::object& request) {
  auto name = table_name(request);
  if (!name) return std::move(name).error();
  auto key = required_item(request, "Key");
  if (!key) return std::move(key).error();
  auto consistent = bool_member(request, "ConsistentRead");
  if (!consistent) return std::move(consistent).error();
  auto capacity = capacity_mode(request);
  if (!capacity) return std::move(capacity).error();
  auto expressions = read_expressions(request, {"ProjectionExpression"});
  if (!expressions) return std::move(expressions).error();
  auto table = this->table(*name);
  if (!table) return std::move(table).error();
  Table& t = **table;
  if (auto ok = t.check_key(*key); !ok) return std::move(ok).error();
  if (expressions->projection) {
    if (auto ok = check_scalar_keys({&t.key}, nested_heads_of(*expressions->projection)); !ok) return std::move(ok).error();
  }
  json::object out;
  const AttributeMap* item = t.find(t.storage_key_of(*key), now_seconds());
  if (item != nullptr) out["Item"] = item_to_dynamodb_json(expressions->projection ? project(*item, *expressions->projection) : *item);
  if (*capacity != "NONE")
    out["ConsumedCapacity"] = consumed(t.name, read_units(item ? item_size(*item) : 0, consistent->value_or(false)), *capacity);
  return out;
}

namespace {

// The parameters of a Query or Scan, read and checked before any table is looked at.
struct ReadRequest {
  std::string table;
  std::optional<std::string> index;
  std::string select;  // empty: the default for the table or index
  std::optional<std::int64_t> limit;
  bool consistent = false;
  bool forward = true;
  std::string capacity;
  std::optional<AttributeMap> start;
  std::optional<std::int64_t> segment;
  std::optional<std::int64_t> total_segments;
  Expressions expressions;
};

Result<void> read_segments(const json::object& request, ReadRequest& out) {
  auto segment = integer_member(request, "Segment");
  if (!segment) return std::move(segment).error();
  auto total = integer_member(request, "TotalSegments");
  if (!total) return std::move(total).error();
  out.segment = *segment;
  out.total_segments = *total;
  if (out.segment && *out.segment < 0)
    return constraint_error("segment", "'" + std::to_string(*out.segment) + "'", "Member must have value greater than or equal to 0");
  if (out.total_segments && (*out.total_segments < 1 || *out.total_segments > 1000000))
    return constraint_error("totalSegments", "'" + std::to_string(*out.total_segments) + "'",
                            *out.total_segments < 1 ? "Member must have value greater than or equal to 1"
                                                    : "Member must have value less than or equal to 1000000");
  if (out.segment && !out.total_segments)
    return validation_error("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  if (out.total_segments && !out.segment)
    return validation_error("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  if (out.segment && *out.segment >= *out.total_segments)
    return validation_error("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                            std::to_string(*out.segment) + " is not less than TotalSegments: " + std::to_string(*out.total_segments));
  return {};
}

Result<ReadRequest> read_query_or_scan(const json::object& request, bool query) {
  ReadRequest out;
  auto name = table_name(request);
  if (!name) return std::move(name).error();
  out.table = std::move(*name);
  auto index = string_member(request, "IndexName");
  if (!index) return std::move(index).error();
  if (*index) {
    if (auto ok = check_table_name("indexName", **index); !ok) return std::move(ok).error();
  }
  out.index = std::move(*index);
  auto select = enum_member(request, "Select", {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"}, "");
  if (!select) return std::move(select).error();
  out.select = std::move(*select);
  auto limit = integer_member(request, "Limit");
  if (!limit) return std::move(limit).error();
  if (*limit && **limit < 1) return constraint_error("limit", "'" + std::to_string(**limit) + "'", "Member must have value greater than or equal to 1");
  out.limit = *limit;
  auto consistent = bool_member(request, "ConsistentRead");
  if (!consistent) return std::move(consistent).error();
  out.consistent = consistent->value_or(false);
  auto forward = bool_member(request, "ScanIndexForward");
  if (!forward) return std::move(forward).error();
  out.forward = !query || forward->value_or(true);
  auto capacity = capacity_mode(request);
  if (!capacity) return std::move(capacity).error();
  out.capacity = std::move(*capacity);
  auto start = object_member(request, "ExclusiveStartKey");
  if (!start) return std::move(start).error();
  if (*start != nullptr) {
    auto key = read_item(json::value(**start));
    if (!key) return std::move(key).error();
    out.start = std::move(*key);
  }
  if (!query) {
    if (auto ok = read_segments(request, out); !ok) return std::move(ok).error();
  }
  if (query && request.if_contains("KeyConditionExpression") == nullptr && request.if_contains("KeyConditions") == nullptr)
    return validation_error("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  auto expressions = query ? read_expressions(request, {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"})
                           : read_expressions(request, {"ProjectionExpression", "FilterExpression"});
  if (!expressions) return std::move(expressions).error();
  out.expressions = std::move(*expressions);
  if (out.expressions.projection && !out.select.empty() && out.select != "SPECIFIC_ATTRIBUTES")
    return validation_error("One or more parameter values were invalid: Select type " + out.select +
                            " is not allowed with ProjectionExpression; use SPECIFIC_ATTRIBUTES");
  if (out.select == "SPECIFIC_ATTRIBUTES" && !out.expressions.projection)
    return validation_error("One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES needs a ProjectionExpression");
  if (out.select == "ALL_PROJECTED_ATTRIBUTES" && !out.index)
    return validation_error(std::string("One or more parameter values were invalid: ALL_PROJECTED_ATTRIBUTES can be used only when ") +
                            (query ? "Querying" : "Scanning") + " using an IndexName");
  return out;
}

// Three hex digits: where a Scan segment starts or ends in the partition hash space.
std::string segment_bound(long value) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out(3, '0');
  for (int i = 2; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[value & 15];
    value >>= 4;
  }
  return out;
}

// The storage keys a read covers: from `low` (exclusive when `low_open`) to `high` (exclusive).
struct KeyRange {
  std::string low;
  bool low_open = false;
  std::string high = "~";
};

// Checks an ExclusiveStartKey against the table, the index and the key condition read, as
// DynamoDB does, and gives its storage key.
Result<std::string> start_storage_key(const Table& t, const Index* index, const std::optional<KeyCondition>& keys,
                                      const AttributeMap& start) {
  const KeySchema& schema = index != nullptr ? index->key : t.key;
  std::set<std::string> names{t.key.partition.name};
  if (t.key.sort) names.insert(t.key.sort->name);
  if (index != nullptr) {
    names.insert(index->key.partition.name);
    if (index->key.sort) names.insert(index->key.sort->name);
  }
  if (start.size() != names.size())
    return validation_error(keys || index != nullptr ? "The provided starting key is invalid"
                                                     : "The provided starting key is invalid: The provided key element does not match the schema");
  if (index != nullptr) {
    for (const auto* attribute : {&index->key.partition, index->key.sort ? &*index->key.sort : nullptr}) {
      if (attribute == nullptr) continue;
      const auto found = start.find(attribute->name);
      if (found == start.end()) return validation_error("The provided starting key is invalid");
      if (found->second.type() != attribute->type) return validation_error("The provided key element does not match the schema");
    }
  }
  if (auto ok = t.check_key(t.key_of(start)); !ok) return validation_error("The provided starting key is invalid: " + ok.error().message);
  if (keys) {
    const AttributeValue& partition = start.at(schema.partition.name);
    if (!keys->sort) {
      if (!(partition == keys->partition_value))
        return validation_error("The provided starting key is outside query boundaries based on provided conditions");
    } else {
      if (!matches(*keys->sort, start.at(schema.sort->name)))
        return validation_error("The provided starting key does not match the range key predicate");
      if (!(partition == keys->partition_value)) return validation_error("The query can return at most one row and cannot be restarted");
    }
  }
  if (index != nullptr) return t.index_key_of(*index, start).value_or("");
  std::string key = t.storage_key_of(start);
  // A Scan starts after the item's key followed by its hash, as dynalite counts it.
  if (!keys) key += partition_hash(start.at(t.key.partition.name), t.key.sort ? &start.at(t.key.sort->name) : nullptr);
  return key;
}

// The storage keys a Query (one partition) or a Scan (a segment, or everything) reads.
Result<KeyRange> read_range(const ReadRequest& r, const std::optional<KeyCondition>& keys, const std::optional<std::string>& start) {
  KeyRange range;
  const bool segmented = r.total_segments && *r.total_segments > 1;
  if (keys) {
    range.low = partition_hash(keys->partition_value, nullptr) + "/" + ordered_text(keys->partition_value) + "/";
    range.high = range.low + "~";
  } else if (segmented) {
    const std::int64_t total = *r.total_segments;
    if (*r.segment > 0) {
      range.low = segment_bound(static_cast<long>((4096 * *r.segment + total - 1) / total));
      range.low_open = true;
    }
    range.high = segment_bound(static_cast<long>((4096 * (*r.segment + 1) + total - 1) / total - 1)) + "~";
  }
  if (start) {
    if (segmented && ((range.low_open && *start < range.low) || *start > range.high))
      return validation_error("The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct "
                              "Segment. TotalSegments: " + std::to_string(*r.total_segments) + " Segment: " + std::to_string(*r.segment));
    if (!r.forward) {
      range.high = *start;
    } else {
      range.low = *start;
      range.low_open = true;
    }
  }
  return range;
}

}  // namespace

Result<json::object> MemoryEngine::State::query_or_scan(const json::object& request, bool query) {
  auto read = read_query_or_scan(request, query);
  if (!read) return std::move(read).error();
  const ReadRequest& r = *read;
  const Expressions& expressions = r.expressions;

  auto table = this->table(r.table);
  if (!table) return std::move(table).error();
  Table& t = **table;
  const Index* index = nullptr;
  if (r.index) {
    index = t.find_index(*r.index);
    if (index == nullptr) return validation_error("The table does not have the specified index: " + *r.index);
    if (index->global && r.consistent) return validation_error("Consistent reads are not supported on global secondary indexes");
    if (index->global && r.select == "ALL_ATTRIBUTES" && index->projection_type != "ALL")
      return validation_error("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
                              "secondary index " + index->name + " because its projection type is not ALL");
  }
  const KeySchema& schema = index != nullptr ? index->key : t.key;
  // A local index reads the whole item from the table when asked for all of it.
  const bool fetch_whole = index != nullptr && r.select == "ALL_ATTRIBUTES" && index->projection_type != "ALL";

  std::optional<KeyCondition> keys;
  if (query) {
    KeySchemaView view{schema.partition.name, schema.partition.type, std::nullopt, AttributeType::S};
    if (schema.sort) {
      view.sort_name = schema.sort->name;
      view.sort_type = schema.sort->type;
    }
    auto split = key_condition(*expressions.key_condition, view);
    if (!split) return std::move(split).error();
    keys = std::move(*split);
  }
  std::optional<std::string> start;
  if (r.start) {
    auto key = start_storage_key(t, index, keys, *r.start);
    if (!key) return std::move(key).error();
    start = std::move(*key);
  }

  // A Query's filter may not name the key it reads by; no path may descend into a key.
  std::set<std::string> filter_heads;
  std::set<std::string> nested;
  if (expressions.filter) collect_heads(*expressions.filter, filter_heads, nested);
  if (keys) {
    for (const auto* attribute : {&schema.partition, schema.sort ? &*schema.sort : nullptr}) {
      if (attribute != nullptr && filter_heads.contains(attribute->name))
        return validation_error("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + attribute->name);
    }
  }
  if (expressions.projection) nested.merge(nested_heads_of(*expressions.projection));
  std::vector<const KeySchema*> schemas{&t.key};
  if (index != nullptr) schemas.push_back(&index->key);
  if (auto ok = check_scalar_keys(schemas, nested); !ok) return std::move(ok).error();

  auto range = read_range(r, keys, start);
  if (!range) return std::move(range).error();

  // The table storage keys in reading order, from the table itself or from the index.
  std::vector<const std::string*> order;
  const auto collect = [&](const auto& map, auto storage_of) {
    auto it = range->low_open ? map.upper_bound(range->low) : map.lower_bound(range->low);
    const auto end = map.lower_bound(range->high);
    for (; it != end && it != map.end(); ++it) order.push_back(storage_of(*it));
  };
  if (index != nullptr) collect(index->entries, [](const auto& entry) { return &entry.second; });
  else collect(t.items, [](const auto& entry) { return &entry.first; });
  if (!r.forward) std::reverse(order.begin(), order.end());

  // Items are read up to Limit or 1 MB, then filtered: Count is what passed, ScannedCount what
  // was read, and LastEvaluatedKey the last item read.
  const std::int64_t now = now_seconds();
  const std::string page_sort_key = t.key.sort ? t.key.sort->name : std::string();
  const std::size_t max_count = r.limit ? static_cast<std::size_t>(*r.limit) : SIZE_MAX;
  std::size_t count = 0;
  std::size_t matched = 0;
  std::size_t bytes = 0;
  std::size_t read_bytes = 0;
  const AttributeMap* last = nullptr;
  // The answer in one arena, freed with it: a page of items is hundreds of small allocations
  // (an answer with nothing to read is a few, for which the arena would cost more than it saves).
  const json::storage_ptr arena = order.empty() ? json::storage_ptr() : json::make_shared_resource<json::monotonic_resource>();
  json::array items(arena);
  for (const auto* storage : order) {
    const AttributeMap& whole = t.items.at(*storage);
    if (t.expired(whole, now)) continue;
    if (keys && keys->sort) {
      const auto sort_value = whole.find(keys->sort->name);
      if (sort_value == whole.end() || !matches(*keys->sort, sort_value->second)) continue;
    }
    if (count >= max_count || bytes >= kMaxPageSize) break;
    // What the index holds of the item; without an index, the item itself (not a copy).
    std::optional<AttributeMap> projected;
    if (index != nullptr) projected = t.project_for_index(*index, whole);
    const AttributeMap& seen = projected ? *projected : whole;
    ++count;
    bytes += page_size(seen, page_sort_key);
    read_bytes += item_size(seen);
    last = &whole;
    const AttributeMap& result = fetch_whole ? whole : seen;
    if (expressions.filter && !evaluate(*expressions.filter, result)) continue;
    ++matched;
    if (r.select != "COUNT")
      items.push_back(item_to_dynamodb_json(expressions.projection ? project(result, *expressions.projection) : result, arena));
  }
  json::object out(arena);
  if (r.select != "COUNT") out["Items"] = std::move(items);
  out["Count"] = static_cast<std::int64_t>(matched);  // signed, as reading the text gives
  out["ScannedCount"] = static_cast<std::int64_t>(count);
  if ((count >= max_count || bytes >= kMaxPageSize) && last != nullptr) {
    AttributeMap key = t.key_of(*last);
    if (index != nullptr) {
      for (const auto* attribute : {&index->key.partition, index->key.sort ? &*index->key.sort : nullptr}) {
        if (attribute != nullptr) key.insert_or_assign(attribute->name, last->at(attribute->name));
      }
    }
    out["LastEvaluatedKey"] = item_to_dynamodb_json(key, arena);
  }
  if (r.capacity != "NONE") out["ConsumedCapacity"] = consumed(t.name, read_units(read_bytes, r.consistent), r.capacity);
  return out;
}

Result<json::object> MemoryEngine::State::batch_get_item(const json::object& request) {
  auto request_items = object_member(request, "RequestItems");
  if (!request_items) return std::move(request_items).error();
  if (*request_items == nullptr) return constraint_error("requestItems", "null", "Member must not be null");
  if ((*request_items)->empty()) return constraint_error("requestItems", "'{}'", "Member must have length greater than or equal to 1");
  auto capacity = capacity_mode(request);
  if (!capacity) return std::move(capacity).error();

  struct TableRead {
    std::string name;
    std::vector<AttributeMap> keys;
    Expressions expressions;
    bool consistent = false;
  };
  std::vector<TableRead> reads;
  std::size_t total = 0;
  for (const auto& [name, entry] : **request_items) {
    TableRead read;
    read.name = std::string(name);
    if (auto ok = check_table_name("requestItems.member.key", read.name); !ok) return std::move(ok).error();
    if (!entry.is_object()) return serialization_error("Unexpected value type in payload");
    const auto& o = entry.get_object();
    auto keys = array_member(o, "Keys");
    if (!keys) return std::move(keys).error();
    if (*keys == nullptr) return constraint_error("requestItems." + read.name + ".member.keys", "null", "Member must not be null");
    if ((*keys)->empty() || (*keys)->size() > kMaxBatchGetKeys)
      return constraint_error("requestItems." + read.name + ".member.keys", "'[...]'",
                              (*keys)->empty() ? "Member must have length greater than or equal to 1"
                                               : "Member must have length less than or equal to 100");
    auto consistent = bool_member(o, "ConsistentRead");
    if (!consistent) return std::move(consistent).error();
    read.consistent = consistent->value_or(false);
    auto expressions = read_expressions(o, {"ProjectionExpression"});
    if (!expressions) return std::move(expressions).error();
    read.expressions = std::move(*expressions);
    std::set<std::string> seen;
    for (const auto& key_json : **keys) {
      auto key = read_item(key_json);
      if (!key) return std::move(key).error();
      std::string identity;
      for (const auto& [attribute, value] : *key) identity += attribute + "\x1f" + json::serialize(to_dynamodb_json(value)) + "\x1e";
      if (!seen.insert(identity).second) return validation_error("Provided list of item keys contains duplicates");
      if (++total > kMaxBatchGetKeys) return validation_error("Too many items requested for the BatchGetItem call");
      read.keys.push_back(std::move(*key));
    }
    reads.push_back(std::move(read));
  }
  for (const auto& read : reads) {
    auto table = this->table(read.name);
    if (!table) return std::move(table).error();
    for (const auto& key : read.keys) {
      if (auto ok = (*table)->check_key(key); !ok) return std::move(ok).error();
    }
  }
  json::object responses;
  json::object unprocessed;
  json::array capacities;
  std::size_t bytes = 0;
  const std::int64_t now = now_seconds();
  for (const auto& read : reads) {
    Table& t = tables.find(read.name)->second;
    json::array found;
    json::array left;
    std::size_t read_bytes = 0;
    for (const auto& key : read.keys) {
      const AttributeMap* item = t.find(t.storage_key_of(key), now);
      if (item == nullptr) continue;
      const std::size_t size = item_size(*item);
      // Past DynamoDB's answer size the rest is returned as UnprocessedKeys.
      if (bytes + size > kMaxBatchGetBytes) {
        left.push_back(item_to_dynamodb_json(key));
        continue;
      }
      bytes += size;
      read_bytes += size;
      found.push_back(item_to_dynamodb_json(read.expressions.projection ? project(*item, *read.expressions.projection) : *item));
    }
    responses[read.name] = std::move(found);
    if (!left.empty()) unprocessed[read.name] = json::object{{"Keys", std::move(left)}};
    if (*capacity != "NONE") capacities.push_back(consumed(read.name, read_units(read_bytes, read.consistent), *capacity));
  }
  json::object out{{"Responses", std::move(responses)}, {"UnprocessedKeys", std::move(unprocessed)}};
  if (*capacity != "NONE") out["ConsumedCapacity"] = std::move(capacities);
  return out;
}

Result<json::object> MemoryEngine::State::batch_write_item(const json::object& request) {
  auto request_items = object_member(request, "RequestItems");
  if (!request_items) return std::move(request_items).error();
  if (*request_items == nullptr) return constraint_error("requestItems", "null", "Member must not be null");
  if ((*request_items)->empty()) return constraint_error("requestItems", "'{}'", "Member must have length greater than or equal to 1");
  auto capacity = capacity_mode(request);
  if (!capacity) return std::move(capacity).error();

  std::vector<WriteRequest> writes;
  std::size_t total = 0;
  for (const auto& [name, entry] : **request_items) {
    const std::string table(name);
    if (auto ok = check_table_name("requestItems.member.key", table); !ok) return std::move(ok).error();
    if (!entry.is_array()) return serialization_error("Unexpected field type");
    const auto& list = entry.get_array();
    if (list.empty() || list.size() > kMaxBatchWriteRequests)
      return constraint_error("requestItems", "'{" + table + "=[...]}'",
                              "Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have "
                              "length greater than or equal to 1]");
    for (const auto& element : list) {
      if (!element.is_object()) return serialization_error("Unexpected value type in payload");
      const auto& o = element.get_object();
      auto put = object_member(o, "PutRequest");
      if (!put) return std::move(put).error();
      auto del = object_member(o, "DeleteRequest");
      if (!del) return std::move(del).error();
      if ((*put == nullptr) == (*del == nullptr))
        return validation_error("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
      WriteRequest write;
      write.table = table;
      write.kind = *put != nullptr ? WriteRequest::Kind::put : WriteRequest::Kind::remove;
      auto item = required_item(*put != nullptr ? **put : **del, *put != nullptr ? "Item" : "Key");
      if (!item) return std::move(item).error();
      write.item = std::move(*item);
      if (write.kind == WriteRequest::Kind::put && item_size(write.item) > kMaxItemSize)
        return validation_error("Item size has exceeded the maximum allowed size");
      writes.push_back(std::move(write));
    }
    total += list.size();
  }
  if (total > kMaxBatchWriteRequests) return validation_error("Too many items requested for the BatchWriteItem call");

  std::vector<Target> targets;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& write : writes) {
    auto target = prepare(write);
    if (!target) {
      Error e = std::move(target).error();
      // BatchWriteItem names every key problem the same way.
      if (e.message.find("Missing the key") != std::string::npos || e.message.find("Type mismatch for key") != std::string::npos)
        e.message = "The provided key element does not match the schema";
      return e;
    }
    if (!seen.emplace(write.table, target->storage_key).second) return validation_error("Provided list of item keys contains duplicates");
    targets.push_back(*target);
  }
  std::map<std::string, double> units;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    auto outcome = evaluate_write(writes[i], targets[i]);
    if (!outcome) return std::move(outcome).error();
    commit(writes[i], targets[i], *outcome);
    units[writes[i].table] += write_units(outcome->old_item, outcome->new_item);
  }
  json::object out{{"UnprocessedItems", json::object{}}};
  if (*capacity != "NONE") {
    json::array list;
    for (const auto& [table, n] : units) list.push_back(consumed(table, n, *capacity));
    out["ConsumedCapacity"] = std::move(list);
  }
  return out;
}

Result<json::object> MemoryEngine::State::transact_write_items(const json::object& request) {
  auto list = array_member(request, "TransactItems");
  if (!list) return std::move(list).error();
  if (*list == nullptr) return constraint_error("transactItems", "null", "Member must not be null");
  if ((*list)->empty() || (*list)->size() > kMaxTransactItems)
    return constraint_error("transactItems", "'[...]'",
                            (*list)->empty() ? "Member must have length greater than or equal to 1"
                                             : "Member must have length less than or equal to 100");
  auto token = string_member(request, "ClientRequestToken");
  if (!token) return std::move(token).error();
  auto capacity = capacity_mode(request);
  if (!capacity) return std::move(capacity).error();

  std::vector<WriteRequest> writes;
  for (const auto& element : **list) {
    if (!element.is_object()) return serialization_error("Unexpected value type in payload");
    const auto& o = element.get_object();
    std::optional<WriteRequest> write;
    int actions = 0;
    for (const auto& [member, kind] : {std::pair{"Put", WriteRequest::Kind::put}, std::pair{"Update", WriteRequest::Kind::update},
                                       std::pair{"Delete", WriteRequest::Kind::remove}, std::pair{"ConditionCheck", WriteRequest::Kind::check}}) {
      auto action = object_member(o, member);
      if (!action) return std::move(action).error();
      if (*action == nullptr) continue;
      ++actions;
      auto read = read_write(**action, kind, false);
      if (!read) return std::move(read).error();
      write = std::move(*read);
    }
    if (actions != 1) return validation_error("TransactItems can only contain one of Check, Put, Update or Delete");
    writes.push_back(std::move(*write));
  }
  std::vector<Target> targets;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& write : writes) {
    auto target = prepare(write);
    if (!target) return std::move(target).error();
    if (!seen.emplace(write.table, target->storage_key).second)
      return validation_error("Transaction request cannot include multiple operations on one item");
    targets.push_back(*target);
  }
  // Every action is evaluated against the state before the transaction; all or nothing.
  std::vector<Outcome> outcomes;
  json::array reasons;
  bool cancelled = false;
  std::string codes;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    auto outcome = evaluate_write(writes[i], targets[i]);
    json::object reason;
    if (outcome) {
      reason["Code"] = "None";
      outcomes.push_back(std::move(*outcome));
    } else {
      cancelled = true;
      const Error& e = outcome.error();
      const bool condition = e.code == "ConditionalCheckFailedException";
      reason["Code"] = condition ? "ConditionalCheckFailed" : "ValidationError";
      reason["Message"] = e.message;
      for (const auto& detail : e.details) {
        if (detail.field == "Item") reason["Item"] = json::parse(detail.message);
      }
      outcomes.emplace_back();
    }
    codes += (codes.empty() ? "" : ", ") + std::string(reason["Code"].as_string());
    reasons.push_back(std::move(reason));
  }
  if (cancelled) {
    Error e = failure("TransactionCanceledException",
                      "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]");
    e.details.push_back({"CancellationReasons", json::serialize(reasons)});
    return e;
  }
  std::map<std::string, double> units;
  for (std::size_t i = 0; i < writes.size(); ++i) {
    commit(writes[i], targets[i], outcomes[i]);
    units[writes[i].table] += 2 * write_units(outcomes[i].old_item, outcomes[i].new_item);
  }
  json::object out;
  if (*capacity != "NONE") {
    json::array consumed_list;
    for (const auto& [table, n] : units) consumed_list.push_back(consumed(table, n, *capacity));
    out["ConsumedCapacity"] = std::move(consumed_list);
  }
  return out;
}

Result<json::object> MemoryEngine::State::transact_get_items(const json::object& request) {
  auto list = array_member(request, "TransactItems");
  if (!list) return std::move(list).error();
  if (*list == nullptr) return constraint_error("transactItems", "null", "Member must not be null");
  if ((*list)->empty() || (*list)->size() > kMaxTransactItems)
    return constraint_error("transactItems", "'[...]'",
                            (*list)->empty() ? "Member must have length greater than or equal to 1"
                                             : "Member must have length less than or equal to 100");
  struct Read {
    std::string table;
    AttributeMap key;
    Expressions expressions;
  };
  std::vector<Read> reads;
  for (const auto& element : **list) {
    if (!element.is_object()) return serialization_error("Unexpected value type in payload");
    auto get = object_member(element.get_object(), "Get");
    if (!get) return std::move(get).error();
    if (*get == nullptr) return constraint_error("transactItems.member.get", "null", "Member must not be null");
    Read read;
    auto name = table_name(**get);
    if (!name) return std::move(name).error();
    read.table = std::move(*name);
    auto key = required_item(**get, "Key");
    if (!key) return std::move(key).error();
    read.key = std::move(*key);
    auto expressions = read_expressions(**get, {"ProjectionExpression"});
    if (!expressions) return std::move(expressions).error();
    read.expressions = std::move(*expressions);
    reads.push_back(std::move(read));
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& read : reads) {
    auto table = this->table(read.table);
    if (!table) return std::move(table).error();
    if (auto ok = (*table)->check_key(read.key); !ok) return std::move(ok).error();
    if (!seen.emplace(read.table, (*table)->storage_key_of(read.key)).second)
      return validation_error("Transaction request cannot include multiple operations on one item");
  }
  json::array responses;
  const std::int64_t now = now_seconds();
  for (const auto& read : reads) {
    Table& t = *this->table(read.table).value();
    json::object response;
    if (const AttributeMap* item = t.find(t.storage_key_of(read.key), now))
      response["Item"] = item_to_dynamodb_json(read.expressions.projection ? project(*item, *read.expressions.projection) : *item);
    responses.push_back(std::move(response));
  }
  return json::object{{"Responses", std::move(responses)}};
}

Result<json::object> MemoryEngine::State::dispatch(std::string_view operation, const json::object& request) {
  if (operation == "CreateTable") return create_table(request);
  if (operation == "DescribeTable") return describe_table(request);
  if (operation == "DeleteTable") return delete_table(request);
  if (operation == "ListTables") return list_tables(request);
  if (operation == "UpdateTimeToLive") return update_time_to_live(request);
  if (operation == "DescribeTimeToLive") return describe_time_to_live(request);
  if (operation == "PutItem") return write_item(request, WriteRequest::Kind::put);
  if (operation == "UpdateItem") return write_item(request, WriteRequest::Kind::update);
  if (operation == "DeleteItem") return write_item(request, WriteRequest::Kind::remove);
  if (operation == "GetItem") return get_item(request);
  if (operation == "Query") return query_or_scan(request, true);
  if (operation == "Scan") return query_or_scan(request, false);
  if (operation == "BatchGetItem") return batch_get_item(request);
  if (operation == "BatchWriteItem") return batch_write_item(request);
  if (operation == "TransactWriteItems") return transact_write_items(request);
  if (operation == "TransactGetItems") return transact_get_items(request);
  return failure("UnknownOperationException", "");
}

// ---- MemoryEngine ----

MemoryEngine::MemoryEngine() : MemoryEngine(EngineOptions{}) {}

MemoryEngine::MemoryEngine(EngineOptions options) : state_(std::make_unique<State>()) { state_->options = std::move(options); }

MemoryEngine::~MemoryEngine() = default;

EngineAnswer MemoryEngine::handle(std::string_view operation, std::string_view request_json) {
  boost::system::error_code ec;
  json::value request = json::parse(request_json, ec);
  if (ec || !request.is_object()) return error_answer(serialization_error("Start of list found where not expected"));
  std::lock_guard lock(mutex_);
  auto answer = state_->dispatch(operation, request.get_object());
  if (!answer) return error_answer(answer.error());
  return EngineAnswer{200, json::serialize(*answer)};
}

namespace {
// Members whose values are items in DynamoDB JSON, which holds no JSON number (a number is
// {"N": "text"}): as_parsed need not walk them, and a page of items is most of an answer.
bool holds_items(std::string_view member) {
  return member == "Items" || member == "Item" || member == "Attributes" || member == "LastEvaluatedKey";
}

// What reading the answer's text back would give: JSON text has no unsigned integers, so a
// count the engine holds as std::size_t reads back as a signed one (what callers then ask for).
void as_parsed(json::value& value) {
  switch (value.kind()) {
    case json::kind::uint64:
      if (value.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) value = static_cast<std::int64_t>(value.get_uint64());
      break;
    case json::kind::object:
      for (auto& member : value.get_object()) {
        if (!holds_items(member.key())) as_parsed(member.value());
      }
      break;
    case json::kind::array:
      for (auto& element : value.get_array()) as_parsed(element);
      break;
    default: break;
  }
}
}  // namespace

std::pair<int, json::value> MemoryEngine::handle(std::string_view operation, const json::object& request) {
  Result<json::object> answer = [&] {
    std::lock_guard lock(mutex_);
    return state_->dispatch(operation, request);
  }();
  if (!answer) {
    auto error = error_answer(answer.error());
    return {error.status, json::string(error.body)};
  }
  json::value out(std::move(*answer));
  as_parsed(out);
  return {200, std::move(out)};
}

void MemoryEngine::clear() {
  std::lock_guard lock(mutex_);
  state_->tables.clear();
}

MemoryEngine& process_engine() {
  static MemoryEngine engine;
  return engine;
}

Transport memory_transport(MemoryEngine& engine) {
  return [&engine](std::string_view operation, std::string_view request_json) {
    auto answer = engine.handle(operation, request_json);
    return std::pair<int, std::string>(answer.status, std::move(answer.body));
  };
}

Transport memory_transport() { return memory_transport(process_engine()); }

ObjectTransport memory_object_transport(MemoryEngine& engine) {
  return [&engine](std::string_view operation, const json::object& request) { return engine.handle(operation, request); };
}

ObjectTransport memory_object_transport() { return memory_object_transport(process_engine()); }

ObjectTransport object_transport_from_environment() {
  if (env_or("LIFT_DYNAMODB_ENDPOINT", "").starts_with("memory:")) return memory_object_transport();
  return {};
}

Transport transport_from_environment() {
  if (env_or("LIFT_DYNAMODB_ENDPOINT", "").starts_with("memory:")) return memory_transport();
  return {};
}

}  // namespace lift::dynamorm
