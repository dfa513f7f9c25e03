#include "lift/dynamorm/table.hpp"

#include <algorithm>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/deadline.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/time.hpp"
#include "lift/dynamorm/encryption.hpp"
#include "lift/dynamorm/tenant.hpp"

namespace lift::dynamorm {

namespace json = boost::json;

namespace {

constexpr std::size_t kBatchGetChunk = 100;
constexpr std::size_t kBatchWriteChunk = 25;
constexpr std::size_t kMaxTransactItems = 100;

std::string_view sv(const json::string& s) { return {s.data(), s.size()}; }

// The one clock of the mapper's lifecycle roles.
std::chrono::system_clock::time_point now() { return std::chrono::system_clock::now(); }

// Go's encoding/json escapes these inside strings; cursors must be the same text.
std::string go_json_escapes(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

json::value json_string(std::string_view s) { return json::value(json::string_view(s.data(), s.size())); }

Result<AttributeMap> read_item(const json::value* v) {
  if (v == nullptr) return AttributeMap{};
  return item_from_dynamodb_json(*v, ReadOptions{true, true, 64});
}

}  // namespace

Deadline default_deadline() {
  const auto now = std::chrono::steady_clock::now();
  if (const auto invocation = aws::InvocationDeadline::current()) return aws::call_deadline(*invocation, now);
  return now + std::chrono::seconds(10);
}

// ---- cursors ----

std::string encode_cursor(const Cursor& cursor) {
  std::string text = "{\"lastKey\":";
  text += json::serialize(item_to_dynamodb_json(cursor.last_key));
  if (cursor.index) {
    text += ",\"index\":";
    text += json::serialize(json_string(*cursor.index));
  }
  if (cursor.sort) {
    text += ",\"sort\":";
    text += json::serialize(json_string(*cursor.sort));
  }
  text += '}';
  return base64::encode_url(go_json_escapes(std::move(text)), true);
}

Result<Cursor> decode_cursor(std::string_view text) {
  const auto invalid = [](std::string why) { return validation_error("invalid cursor: " + why); };
  auto bytes = base64::decode_url(text);
  if (!bytes) return invalid("not base64url");
  std::error_code ec;
  const auto parsed = json::parse(*bytes, ec);
  if (ec || !parsed.is_object()) return invalid("not a JSON object");
  const auto& object = parsed.get_object();
  const auto* last_key = object.if_contains("lastKey");
  if (last_key == nullptr || !last_key->is_object()) return invalid("no lastKey");
  auto key = item_from_dynamodb_json(*last_key);
  if (!key) return invalid(key.error().message);
  Cursor cursor{std::move(*key)};
  if (const auto* index = object.if_contains("index"); index != nullptr && !index->is_null()) {
    if (!index->is_string()) return invalid("index is not a string");
    cursor.index = std::string(sv(index->get_string()));
  }
  if (const auto* sort = object.if_contains("sort"); sort != nullptr && !sort->is_null()) {
    if (!sort->is_string() || (sort->get_string() != "ASC" && sort->get_string() != "DESC")) return invalid("sort is not ASC or DESC");
    cursor.sort = std::string(sv(sort->get_string()));
  }
  return cursor;
}

namespace {

// What is signed: the cursor under a label, so that a signature made for anything else with the
// same key never passes for a cursor's.
std::string cursor_mac(std::string_view cursor, std::string_view key) {
  return digest::hmac_sha256(key, "lift.dynamorm.cursor.v1\n" + std::string(cursor));
}

}  // namespace

std::string sign_cursor(std::string_view cursor, std::string_view key) {
  std::string out(cursor);
  out += '.';
  out += base64::encode_url(cursor_mac(cursor, key));
  return out;
}

Result<std::string> verify_cursor(std::string_view signed_cursor, std::string_view key) {
  const auto dot = signed_cursor.rfind('.');
  if (dot == std::string_view::npos) return validation_error("invalid cursor: not signed");
  const auto cursor = signed_cursor.substr(0, dot);
  auto given = base64::decode_url(signed_cursor.substr(dot + 1));
  if (!given) return validation_error("invalid cursor: not signed");
  // Compared through a second HMAC, so the time the comparison takes tells nothing about the
  // expected signature.
  if (digest::hmac_sha256(key, cursor_mac(cursor, key)) != digest::hmac_sha256(key, *given))
    return validation_error("invalid cursor: its signature does not match");
  return std::string(cursor);
}

namespace detail {

namespace {

Error translate(Error error, const ModelSchema& schema, std::string_view operation) {
  return from_dynamodb_error(std::move(error), schema.table, operation);
}

// Attribute names of every partition key a tenant prefix applies to: the table's and each GSI's.
std::vector<std::string> tenant_key_attributes(const ModelSchema& schema) {
  std::vector<std::string> out{schema.partition_attribute()};
  for (const auto& ix : schema.indexes)
    if (ix.global && std::find(out.begin(), out.end(), ix.partition_attribute) == out.end()) out.push_back(ix.partition_attribute);
  return out;
}

std::string key_type_name(char t) { return std::string(1, t); }

}  // namespace

TableCore::TableCore(aws::DynamoDbClient& client, std::shared_ptr<const ModelSchema> schema)
    : client_(&client), schema_(std::move(schema)) {}

TableCore::TableCore(std::shared_ptr<aws::DynamoDbClient> client, std::shared_ptr<const ModelSchema> schema)
    : client_(client.get()), owned_client_(std::move(client)), schema_(std::move(schema)) {}

Result<TableCore> TableCore::scoped(std::string tenant) const {
  if (!schema_->tenant) return validation_error("model " + schema_->table + " has no tenant member");
  if (!is_valid_tenant_id(tenant)) return validation_error("invalid tenant id: " + std::string(kTenantIdRule));
  TableCore copy = *this;
  copy.tenant_ = std::move(tenant);
  return copy;
}

Deadline TableCore::deadline() const { return deadline_ ? *deadline_ : default_deadline(); }


namespace {

// Checks shared by every operation: a valid model, and a scope when the model needs one.
Result<void> usable(const ModelSchema& schema, const std::optional<std::string>& tenant) {
  if (auto ok = schema.check(); !ok) return ok;
  if (schema.tenant && !tenant) return validation_error("model " + schema.table + " is tenant-scoped: use for_tenant(id)");
  return {};
}

std::string tenant_prefix(const std::string& tenant) { return "tenant#" + tenant + "#"; }

Error not_queryable(const ModelSchema& s, std::string_view attribute, std::string_view where) {
  return Error{std::string(kEncryptedFieldNotQueryable),
               std::string(attribute) + ": attribute of table " + s.table + " is encrypted and cannot be used in " + std::string(where), 400};
}

// A caller's condition or filter in the model's names; refused when it names an encrypted
// attribute (its ciphertext differs on every write: nothing could match).
Result<Condition> bind_condition(const ModelSchema& s, const Condition& condition, std::string_view where) {
  auto bound = condition.bind(s);
  if (!bound || !s.has_encrypted()) return bound;
  Expressions e;
  (void)e.render(*bound);
  for (const auto& [placeholder, name] : e.names())
    if (s.encrypted(name)) return not_queryable(s, name, where);
  return bound;
}

Error encryption_not_configured(const ModelSchema& s, std::string_view attribute) {
  return Error{std::string(kEncryptionNotConfigured),
               std::string(attribute) + ": attribute of table " + s.table + " is encrypted and the table has no key provider (nothing written or read)",
               500};
}

}  // namespace

Result<AttributeValue> TableCore::seal(const std::string& attribute, const AttributeValue& value) const {
  if (!keys_) return encryption_not_configured(*schema_, attribute);
  return encrypt_attribute(*keys_, schema_->table, attribute, value);
}

Result<void> TableCore::seal_all(AttributeMap& stored) const {
  if (!schema_->has_encrypted()) return {};  // every put comes through here
  for (const auto& f : schema_->fields) {
    if (!f.encrypted) continue;
    const auto found = stored.find(f.attribute);
    if (found == stored.end()) continue;
    auto sealed = seal(f.attribute, found->second);
    if (!sealed) return std::move(sealed).error();
    found->second = std::move(*sealed);
  }
  return {};
}

Result<std::optional<AttributeMap>> TableCore::shown(AttributeMap item) const {
  auto mine = visible(std::move(item));
  if (!mine || !schema_->has_encrypted()) return mine;
  for (const auto& f : schema_->fields) {
    if (!f.encrypted) continue;
    const auto found = mine->find(f.attribute);
    if (found == mine->end()) continue;
    if (!keys_) return encryption_not_configured(*schema_, f.attribute);
    auto opened = decrypt_attribute(*keys_, schema_->table, f.attribute, found->second);
    if (!opened) return std::move(opened).error();
    found->second = std::move(*opened);
  }
  return mine;
}

std::optional<AttributeMap> TableCore::visible(AttributeMap item) const {
  if (!tenant_) return item;
  const auto& s = *schema_;
  const auto found = item.find(s.attribute(*s.tenant));
  if (found == item.end() || found->second.as_string() == nullptr || *found->second.as_string() != *tenant_) return std::nullopt;
  const std::string prefix = tenant_prefix(*tenant_);
  for (const auto& name : tenant_key_attributes(s)) {
    const auto key = item.find(name);
    if (key == item.end()) continue;
    auto* text = key->second.as_string();
    if (text == nullptr || !text->starts_with(prefix)) return std::nullopt;
    text->erase(0, prefix.size());
  }
  return item;
}

namespace {

// DynamoDB refuses an empty string or binary as an index key: such an item is simply not in
// that index (a sparse index), so the attribute is left out.
void drop_empty_index_keys(const ModelSchema& s, AttributeMap& item) {
  const auto drop = [&item](const std::string& name) {
    const auto found = item.find(name);
    if (found == item.end()) return;
    const auto* text = found->second.as_string();
    const auto* bytes = found->second.as_binary();
    if ((text != nullptr && text->empty()) || (bytes != nullptr && bytes->bytes.empty())) item.erase(found);
  };
  for (const auto& ix : s.indexes) {
    if (ix.global) drop(ix.partition_attribute);
    if (ix.sort_attribute) drop(*ix.sort_attribute);
  }
}

Result<void> to_storage(const ModelSchema& s, const std::optional<std::string>& tenant, AttributeMap& item) {
  drop_empty_index_keys(s, item);
  if (!tenant) return {};
  item.insert_or_assign(s.attribute(*s.tenant), AttributeValue::string(*tenant));
  const std::string prefix = tenant_prefix(*tenant);
  for (const auto& name : tenant_key_attributes(s)) {
    const auto key = item.find(name);
    if (key == item.end()) continue;
    auto* text = key->second.as_string();
    if (text == nullptr) return validation_error(name + ": a tenant-scoped key must be a string");
    text->insert(0, prefix);
  }
  return {};
}

}  // namespace

Result<boost::json::object> TableCore::key_request(const Key& key) const {
  if (auto ok = usable(*schema_, tenant_); !ok) return std::move(ok).error();
  const auto& s = *schema_;
  AttributeMap stored;
  AttributeValue pk = key.partition;
  if (tenant_) {
    const auto* text = pk.as_string();
    if (text == nullptr) return validation_error(s.partition_attribute() + ": a tenant-scoped key must be a string");
    pk = AttributeValue::string(tenant_prefix(*tenant_) + *text);
  }
  stored.emplace(s.partition_attribute(), std::move(pk));
  if (s.sort_key) {
    if (!key.sort) return validation_error("missing sort key " + *s.sort_attribute());
    stored.emplace(*s.sort_attribute(), *key.sort);
  } else if (key.sort) {
    return validation_error("model " + s.table + " has no sort key");
  }
  return json::object{{"TableName", s.table}, {"Key", item_to_dynamodb_json(stored)}};
}

Result<void> TableCore::create_table(bool if_not_exists) const {
  if (auto ok = schema_->check(); !ok) return ok;
  const auto& s = *schema_;
  std::map<std::string, char> definitions;
  definitions[s.partition_attribute()] = s.fields[*s.partition_key].key_type;
  json::array key_schema{json::object{{"AttributeName", s.partition_attribute()}, {"KeyType", "HASH"}}};
  if (s.sort_key) {
    definitions[*s.sort_attribute()] = s.fields[*s.sort_key].key_type;
    key_schema.push_back(json::object{{"AttributeName", *s.sort_attribute()}, {"KeyType", "RANGE"}});
  }
  json::array gsis, lsis;
  for (const auto& ix : s.indexes) {
    definitions[ix.partition_attribute] = ix.partition_type;
    json::array keys{json::object{{"AttributeName", ix.partition_attribute}, {"KeyType", "HASH"}}};
    if (ix.sort_attribute) {
      definitions[*ix.sort_attribute] = ix.sort_type;
      keys.push_back(json::object{{"AttributeName", *ix.sort_attribute}, {"KeyType", "RANGE"}});
    }
    json::object projection{{"ProjectionType", ix.projection == ProjectionType::all         ? "ALL"
                                               : ix.projection == ProjectionType::keys_only ? "KEYS_ONLY"
                                                                                            : "INCLUDE"}};
    if (ix.projection == ProjectionType::include) {
      json::array attributes;
      for (const auto& a : ix.projected) attributes.push_back(json_string(a));
      projection["NonKeyAttributes"] = std::move(attributes);
    }
    json::object index{{"IndexName", ix.name}, {"KeySchema", std::move(keys)}, {"Projection", std::move(projection)}};
    (ix.global ? gsis : lsis).push_back(std::move(index));
  }
  json::array attribute_definitions;
  for (const auto& [name, type] : definitions)
    attribute_definitions.push_back(json::object{{"AttributeName", name}, {"AttributeType", key_type_name(type)}});
  json::object request{{"TableName", s.table},
                       {"AttributeDefinitions", std::move(attribute_definitions)},
                       {"KeySchema", std::move(key_schema)},
                       {"BillingMode", "PAY_PER_REQUEST"}};
  if (!gsis.empty()) request["GlobalSecondaryIndexes"] = std::move(gsis);
  if (!lsis.empty()) request["LocalSecondaryIndexes"] = std::move(lsis);
  const auto d = deadline();
  auto created = client_->create_table(request, d);
  if (!created) {
    if (if_not_exists && created.error().code == "DynamoDB.ResourceInUse") return {};
    return translate(std::move(created).error(), s, "CreateTable");
  }
  // Tables are usable once ACTIVE; local backends get there at once, DynamoDB in seconds.
  auto active = aws::wait_for_active_table(*client_, s.table, d);
  if (!active) return translate(std::move(active).error(), s, "DescribeTable");
  if (*active) return {};
  return Error{std::string(kTimeout), "table " + s.table + " did not become ACTIVE before the deadline", 504};
}

// ---- writes ----

Result<boost::json::object> TableCore::put_request(AttributeMap& item, const WriteOptions& options) const {
  if (auto ok = usable(*schema_, tenant_); !ok) return std::move(ok).error();
  const auto& s = *schema_;
  const auto stamp = AttributeValue::string(lift::rfc3339(now(), lift::Fraction::nanos));
  if (s.created_at) item.insert_or_assign(s.attribute(*s.created_at), stamp);
  if (s.updated_at) item.insert_or_assign(s.attribute(*s.updated_at), stamp);
  if (s.version) {
    const auto found = item.find(s.attribute(*s.version));
    const auto* n = found == item.end() ? nullptr : found->second.as_number();
    if (n == nullptr || *n == Number()) item.insert_or_assign(s.attribute(*s.version), AttributeValue::number(s.initial_version));
  }
  if (s.tenant) item.insert_or_assign(s.attribute(*s.tenant), AttributeValue::string(*tenant_));
  if (!item.contains(s.partition_attribute())) return validation_error("missing partition key " + s.partition_attribute());
  if (s.sort_key && !item.contains(*s.sort_attribute())) return validation_error("missing sort key " + *s.sort_attribute());
  AttributeMap stored = item;
  if (auto ok = to_storage(s, tenant_, stored); !ok) return std::move(ok).error();
  if (auto ok = seal_all(stored); !ok) return std::move(ok).error();
  json::object request{{"TableName", s.table}, {"Item", item_to_dynamodb_json(stored)}};
  std::optional<Condition> condition;
  if (options.if_not_exists) condition = attribute_not_exists(s.partition_attribute());
  if (options.condition) {
    auto mine = bind_condition(s, *options.condition, "a condition");
    if (!mine) return std::move(mine).error();
    condition = condition ? std::move(*condition) && std::move(*mine) : std::move(*mine);
  }
  if (condition) {
    Expressions e;
    request["ConditionExpression"] = e.render(*condition);
    e.apply(request);
  }
  return request;
}

Result<AttributeMap> TableCore::put(AttributeMap item, const WriteOptions& options) const {
  auto request = put_request(item, options);
  if (!request) return std::move(request).error();
  auto answer = client_->put_item(*request, deadline());
  if (!answer) return translate(std::move(answer).error(), *schema_, "PutItem");
  return item;
}

Result<AttributeMap> TableCore::get(const Key& key, bool consistent) const {
  auto request = key_request(key);
  if (!request) return std::move(request).error();
  if (consistent) (*request)["ConsistentRead"] = true;
  auto answer = client_->get_item(*request, deadline());
  if (!answer) return translate(std::move(answer).error(), *schema_, "GetItem");
  auto item = read_item(answer->if_contains("Item"));
  if (!item) return std::move(item).error();
  if (!answer->contains("Item")) return item_not_found(schema_->table);
  auto shown = this->shown(std::move(*item));
  if (!shown) return std::move(shown).error();
  if (!*shown) return item_not_found(schema_->table);
  return std::move(**shown);
}

Result<boost::json::object> TableCore::update_request(const Key& key, const Update& update, std::optional<std::int64_t> expected_version,
                                                      const std::optional<Condition>& condition, bool keys_prefixed) const {
  auto request = key_request(key);
  if (!request) return request;
  const auto& s = *schema_;
  auto bound = update.bind(s);
  if (!bound) return std::move(bound).error();
  // update(item) seals the values it sets (keys_prefixed); an expression's values are plaintext.
  if (!keys_prefixed)
    for (const auto& f : s.fields)
      if (f.encrypted && bound->touches(f.attribute))
        return not_queryable(s, f.attribute, "an update expression (write it with put or update(item))");
  if (tenant_ && !keys_prefixed) {
    for (const auto& name : tenant_key_attributes(s))
      if (bound->touches(name)) return validation_error(name + ": a tenant-scoped key is written by put or update(item), not an update expression");
    if (bound->touches(s.attribute(*s.tenant))) return validation_error("the tenant attribute cannot be updated");
  }
  Update full = std::move(*bound);
  if (s.updated_at && !full.touches(s.attribute(*s.updated_at))) full.set(s.attribute(*s.updated_at), lift::rfc3339(now(), lift::Fraction::nanos));
  if (s.version && !full.touches(s.attribute(*s.version))) full.add(s.attribute(*s.version), 1);
  if (full.empty()) return validation_error("empty update");
  Condition c = attribute_exists(s.partition_attribute());
  if (s.version && expected_version) c = std::move(c) && attr(s.attribute(*s.version)) == *expected_version;
  if (condition) {
    auto mine = bind_condition(s, *condition, "a condition");
    if (!mine) return std::move(mine).error();
    c = std::move(c) && std::move(*mine);
  }
  Expressions e;
  (*request)["UpdateExpression"] = e.render(full);
  (*request)["ConditionExpression"] = e.render(c);
  e.apply(*request);
  return request;
}

namespace {

// After a failed condition of an update or delete: ItemNotFound when the key holds no item of
// this scope, ConditionFailed (with the item) otherwise.
Error condition_failure(const TableCore& core, const Key& key, Error error, std::string_view operation) {
  if (error.code != aws::kDynamoDbConditionalCheckFailed) return from_dynamodb_error(std::move(error), core.schema().table, operation);
  bool exists = false;
  if (auto old = aws::condition_failed_item(error)) {
    const json::value old_value(std::move(*old));
    auto item = read_item(&old_value);
    exists = item && core.visible(std::move(*item)).has_value();
  } else {
    // Backends that ignore ReturnValuesOnConditionCheckFailure: look.
    auto current = core.get(key, true);
    if (!current && current.error().code != kItemNotFound) return current.error();
    exists = current.ok();
  }
  if (!exists) return item_not_found(core.schema().table);
  return from_dynamodb_error(std::move(error), core.schema().table, operation);
}

}  // namespace

Result<AttributeMap> TableCore::update(const Key& key, const Update& update, std::optional<std::int64_t> expected_version,
                                       const std::optional<Condition>& condition, bool keys_prefixed) const {
  auto request = update_request(key, update, expected_version, condition, keys_prefixed);
  if (!request) return std::move(request).error();
  (*request)["ReturnValues"] = "ALL_NEW";
  (*request)["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  auto answer = client_->update_item(*request, deadline());
  if (!answer) return condition_failure(*this, key, std::move(answer).error(), "UpdateItem");
  auto item = read_item(answer->if_contains("Attributes"));
  if (!item) return std::move(item).error();
  auto shown = this->shown(std::move(*item));
  if (!shown) return std::move(shown).error();
  if (!*shown) return item_not_found(schema_->table);
  return std::move(**shown);
}

Result<AttributeMap> TableCore::update_fields(AttributeMap item, const std::vector<AttributePath>& fields,
                                              const std::optional<Condition>& condition) const {
  if (auto ok = usable(*schema_, tenant_); !ok) return std::move(ok).error();
  const auto& s = *schema_;
  const auto pk = item.find(s.partition_attribute());
  if (pk == item.end()) return validation_error("missing partition key " + s.partition_attribute());
  Key key(pk->second);
  if (s.sort_key) {
    const auto sk = item.find(*s.sort_attribute());
    if (sk == item.end()) return validation_error("missing sort key " + *s.sort_attribute());
    key.sort = sk->second;
  }
  std::optional<std::int64_t> expected;
  if (s.version) {
    const auto v = item.find(s.attribute(*s.version));
    const auto* n = v == item.end() ? nullptr : v->second.as_number();
    expected = n != nullptr ? n->as_integer<std::int64_t>().value_or(0) : 0;
  }
  // Library-owned fields are never written from the caller's values.
  const auto owned = [&](std::size_t i) {
    return s.fields[i].role != Role::none && s.fields[i].role != Role::ttl;
  };
  std::vector<std::size_t> chosen;
  if (fields.empty()) {
    for (std::size_t i = 0; i < s.fields.size(); ++i)
      if (!owned(i)) chosen.push_back(i);
  } else {
    for (const auto& field : fields) {
      // The names an Update takes: attribute names (checked, with suggestions) or members.
      auto name = field.resolve(s);
      if (!name) return std::move(name).error();
      std::optional<std::size_t> found;
      for (std::size_t i = 0; i < s.fields.size(); ++i)
        if (s.fields[i].attribute == *name) found = i;
      if (!found) return validation_error("update: " + *name + " is not a top-level attribute of table " + s.table);
      if (owned(*found)) return validation_error("update: " + *name + " is a key or is set by the library");
      chosen.push_back(*found);
    }
  }
  // GSI keys of a tenant-scoped model are stored with the tenant prefix.
  AttributeMap stored = item;
  if (auto ok = to_storage(s, tenant_, stored); !ok) return std::move(ok).error();
  Update u;
  for (const auto i : chosen) {
    const auto& name = s.attribute(i);
    const auto value = stored.find(name);
    if (value == stored.end()) {
      u.remove(name);
    } else if (s.fields[i].encrypted) {
      auto sealed = seal(name, value->second);
      if (!sealed) return std::move(sealed).error();
      u.set(name, std::move(*sealed));
    } else {
      u.set(name, value->second);
    }
  }
  return update(key, u, expected, condition, true);
}

Result<boost::json::object> TableCore::delete_request(const Key& key, std::optional<std::int64_t> expected_version,
                                                      const std::optional<Condition>& condition) const {
  auto request = key_request(key);
  if (!request) return request;
  const auto& s = *schema_;
  Condition c = attribute_exists(s.partition_attribute());
  if (s.version && expected_version) c = std::move(c) && attr(s.attribute(*s.version)) == *expected_version;
  if (condition) {
    auto mine = bind_condition(s, *condition, "a condition");
    if (!mine) return std::move(mine).error();
    c = std::move(c) && std::move(*mine);
  }
  Expressions e;
  (*request)["ConditionExpression"] = e.render(c);
  e.apply(*request);
  return request;
}

Result<void> TableCore::remove(const Key& key, std::optional<std::int64_t> expected_version, const std::optional<Condition>& condition) const {
  auto request = delete_request(key, expected_version, condition);
  if (!request) return std::move(request).error();
  (*request)["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  auto answer = client_->delete_item(*request, deadline());
  if (!answer) return condition_failure(*this, key, std::move(answer).error(), "DeleteItem");
  return {};
}

Result<boost::json::object> TableCore::check_request(const Key& key, const Condition& condition) const {
  auto request = key_request(key);
  if (!request) return request;
  auto bound = bind_condition(*schema_, condition, "a condition");
  if (!bound) return std::move(bound).error();
  Expressions e;
  (*request)["ConditionExpression"] = e.render(*bound);
  e.apply(*request);
  return request;
}

// ---- reads of many ----

// The cursor text a client gets (signed when the table has a key), and the cursor it names.
std::string TableCore::cursor_text(const Cursor& cursor) const {
  auto text = encode_cursor(cursor);
  return cursor_key_ ? sign_cursor(text, *cursor_key_) : text;
}

Result<Cursor> TableCore::read_cursor(std::string_view text) const {
  if (!cursor_key_) return decode_cursor(text);
  auto verified = verify_cursor(text, *cursor_key_);
  if (!verified) return std::move(verified).error();
  return decode_cursor(*verified);
}

namespace {

struct ReadPlan {
  std::optional<std::string> index;
  std::optional<std::string> sort;  // "ASC"/"DESC" for queries, none for scans
};

}  // namespace

namespace {

// Adds the filter, the tenant filter, the projection and the cursor shared by queries and scans.
Result<void> finish_read(const ModelSchema& s, const std::optional<std::string>& tenant, json::object& request, Expressions& e,
                         const std::optional<Condition>& filter, const std::vector<std::string>& projection,
                         const std::optional<Cursor>& cursor, const ReadPlan& plan) {
  std::optional<Condition> f = filter;
  if (f) {
    auto bound = bind_condition(s, *f, "a filter");
    if (!bound) return std::move(bound).error();
    f = std::move(*bound);
  }
  if (tenant) {
    Condition mine = attr(s.attribute(*s.tenant)) == *tenant;
    f = f ? std::move(mine) && *f : std::move(mine);
  }
  if (f) request["FilterExpression"] = e.render(*f);
  if (!projection.empty()) {
    std::vector<std::string> names;
    for (const auto& name : projection) {
      auto checked = AttributePath(name).resolve(s);
      if (!checked) return std::move(checked).error();
      names.push_back(std::move(*checked));
    }
    if (tenant) {
      // visible() needs the tenant attribute and the prefixed keys.
      names.push_back(s.attribute(*s.tenant));
      for (const auto& k : tenant_key_attributes(s)) names.push_back(k);
    }
    std::string text;
    std::set<std::string> seen;
    for (const auto& n : names) {
      if (!seen.insert(n).second) continue;
      if (!text.empty()) text += ", ";
      text += e.name(n);
    }
    request["ProjectionExpression"] = text;
  }
  if (cursor) {
    if (cursor->index != plan.index || cursor->sort != plan.sort)
      return validation_error("invalid cursor: it belongs to another query (index or order differs)");
    if (tenant) {
      const auto pk = cursor->last_key.find(s.partition_attribute());
      const auto* text = pk == cursor->last_key.end() ? nullptr : pk->second.as_string();
      if (text == nullptr || !text->starts_with(tenant_prefix(*tenant))) return validation_error("invalid cursor: not this tenant's");
    }
    request["ExclusiveStartKey"] = item_to_dynamodb_json(cursor->last_key);
  }
  e.apply(request);
  return {};
}

}  // namespace

namespace {

// The cursor a query or scan starts after, if the caller gave one.
Result<std::optional<Cursor>> start_of(const TableCore& core, const std::string& text) {
  if (text.empty()) return std::optional<Cursor>();
  auto cursor = core.read_cursor(text);
  if (!cursor) return std::move(cursor).error();
  return std::optional<Cursor>(std::move(*cursor));
}

Result<Page<AttributeMap>> read_page(const TableCore& core, const json::object& answer, const ReadPlan& plan) {
  Page<AttributeMap> page;
  if (const auto* items = answer.if_contains("Items"); items != nullptr && items->is_array()) {
    for (const auto& v : items->get_array()) {
      auto item = item_from_dynamodb_json(v, ReadOptions{true, true, 64});
      if (!item) return std::move(item).error();
      auto shown = core.shown(std::move(*item));
      if (!shown) return std::move(shown).error();
      if (*shown) page.items.push_back(std::move(**shown));
    }
  }
  if (const auto* last = answer.if_contains("LastEvaluatedKey"); last != nullptr && last->is_object() && !last->get_object().empty()) {
    auto key = item_from_dynamodb_json(*last);
    if (!key) return std::move(key).error();
    page.next_cursor = core.cursor_text(Cursor{std::move(*key), plan.index, plan.sort});
  }
  return page;
}

}  // namespace

namespace {

Result<json::object> query_request(const ModelSchema& s, const std::optional<std::string>& tenant, const AttributeValue& partition,
                                   const QueryOptions& options, Expressions& e) {
  std::string pk = s.partition_attribute();
  const std::string* sk = s.sort_attribute();
  if (options.index) {
    const auto* ix = s.index(*options.index);
    if (ix == nullptr) return validation_error("model " + s.table + " has no index " + *options.index);
    pk = ix->partition_attribute;
    sk = ix->sort_attribute ? &*ix->sort_attribute : nullptr;
  }
  if (options.sort_key && sk == nullptr) return validation_error("query: " + (options.index ? *options.index : s.table) + " has no sort key");
  AttributeValue value = partition;
  if (tenant) {  // table keys, LSIs and GSIs all carry the tenant prefix
    const auto* text = value.as_string();
    if (text == nullptr) return validation_error(pk + ": a tenant-scoped key must be a string");
    value = AttributeValue::string(tenant_prefix(*tenant) + *text);
  }
  json::object request{{"TableName", s.table}};
  if (options.index) request["IndexName"] = *options.index;
  request["KeyConditionExpression"] = render_key_condition(e, pk, std::move(value), sk != nullptr ? *sk : "", options.sort_key);
  if (options.consistent_read) request["ConsistentRead"] = true;
  if (options.descending) request["ScanIndexForward"] = false;
  if (options.limit) request["Limit"] = *options.limit;
  return request;
}

}  // namespace

Result<Page<AttributeMap>> TableCore::query(const AttributeValue& partition, const QueryOptions& options) const {
  if (auto ok = usable(*schema_, tenant_); !ok) return std::move(ok).error();
  Expressions e;
  auto request = query_request(*schema_, tenant_, partition, options, e);
  if (!request) return std::move(request).error();
  const ReadPlan plan{options.index, std::string(options.descending ? "DESC" : "ASC")};
  auto cursor = start_of(*this, options.cursor);
  if (!cursor) return std::move(cursor).error();
  if (auto ok = finish_read(*schema_, tenant_, *request, e, options.filter, options.projection, *cursor, plan); !ok)
    return std::move(ok).error();
  auto answer = client_->query(*request, deadline());
  if (!answer) return translate(std::move(answer).error(), *schema_, "Query");
  return read_page(*this, *answer, plan);
}

Result<Page<AttributeMap>> TableCore::scan(const ScanOptions& options) const {
  if (auto ok = usable(*schema_, tenant_); !ok) return std::move(ok).error();
  if (options.index && schema_->index(*options.index) == nullptr)
    return validation_error("model " + schema_->table + " has no index " + *options.index);
  json::object request{{"TableName", schema_->table}};
  if (options.index) request["IndexName"] = *options.index;
  if (options.consistent_read) request["ConsistentRead"] = true;
  if (options.limit) request["Limit"] = *options.limit;
  Expressions e;
  const ReadPlan plan{options.index, std::nullopt};
  auto cursor = start_of(*this, options.cursor);
  if (!cursor) return std::move(cursor).error();
  if (auto ok = finish_read(*schema_, tenant_, request, e, options.filter, options.projection, *cursor, plan); !ok)
    return std::move(ok).error();
  auto answer = client_->scan(request, deadline());
  if (!answer) return translate(std::move(answer).error(), *schema_, "Scan");
  return read_page(*this, *answer, plan);
}

Result<std::int64_t> TableCore::count(const std::optional<AttributeValue>& partition, const QueryOptions& options) const {
  if (auto ok = usable(*schema_, tenant_); !ok) return std::move(ok).error();
  std::int64_t total = 0;
  std::optional<json::value> start;
  const auto d = deadline();
  do {
    Expressions e;
    json::object request;
    if (partition) {
      auto q = query_request(*schema_, tenant_, *partition, options, e);
      if (!q) return std::move(q).error();
      request = std::move(*q);
    } else {
      request = json::object{{"TableName", schema_->table}};
      if (options.index) request["IndexName"] = *options.index;
      if (options.consistent_read) request["ConsistentRead"] = true;
    }
    request.erase("Limit");
    if (auto ok = finish_read(*schema_, tenant_, request, e, options.filter, {}, std::nullopt, {}); !ok) return std::move(ok).error();
    request["Select"] = "COUNT";
    if (start) request["ExclusiveStartKey"] = *start;
    auto answer = partition ? client_->query(request, d) : client_->scan(request, d);
    if (!answer) return translate(std::move(answer).error(), *schema_, partition ? "Query" : "Scan");
    if (const auto* c = answer->if_contains("Count"); c != nullptr && c->is_int64()) total += c->get_int64();
    start.reset();
    if (const auto* last = answer->if_contains("LastEvaluatedKey"); last != nullptr && last->is_object() && !last->get_object().empty())
      start = *last;
  } while (start);
  return total;
}

// ---- batches ----

Result<std::vector<AttributeMap>> TableCore::batch_get(const std::vector<Key>& keys, bool consistent) const {
  std::vector<AttributeMap> out;
  std::vector<json::value> unique;
  std::set<std::string> seen;  // DynamoDB refuses a batch that names a key twice
  for (const auto& key : keys) {
    auto request = key_request(key);
    if (!request) return std::move(request).error();
    auto& k = (*request)["Key"];
    if (seen.insert(json::serialize(k)).second) unique.push_back(std::move(k));
  }
  const auto d = deadline();
  for (std::size_t at = 0; at < unique.size(); at += kBatchGetChunk) {
    json::array chunk;
    for (std::size_t i = at; i < std::min(unique.size(), at + kBatchGetChunk); ++i) chunk.push_back(unique[i]);
    json::object table{{"Keys", std::move(chunk)}};
    if (consistent) table["ConsistentRead"] = true;
    json::object request{{"RequestItems", json::object{{schema_->table, std::move(table)}}}};
    auto answer = client_->batch_get_item_all(request, d);
    if (!answer) return translate(std::move(answer).error(), *schema_, "BatchGetItem");
    const auto* responses = answer->if_contains("Responses");
    const auto* items = responses != nullptr && responses->is_object() ? responses->get_object().if_contains(schema_->table) : nullptr;
    if (items == nullptr || !items->is_array()) continue;
    for (const auto& v : items->get_array()) {
      auto item = item_from_dynamodb_json(v, ReadOptions{true, true, 64});
      if (!item) return std::move(item).error();
      auto shown = this->shown(std::move(*item));
      if (!shown) return std::move(shown).error();
      if (*shown) out.push_back(std::move(**shown));
    }
  }
  return out;
}

namespace {

Result<void> write_chunks(aws::DynamoDbClient& client, const std::string& table, std::vector<json::value> requests, Deadline d) {
  for (std::size_t at = 0; at < requests.size(); at += kBatchWriteChunk) {
    json::array chunk;
    for (std::size_t i = at; i < std::min(requests.size(), at + kBatchWriteChunk); ++i) chunk.push_back(std::move(requests[i]));
    json::object request{{"RequestItems", json::object{{table, std::move(chunk)}}}};
    auto answer = client.batch_write_item_all(request, d);
    if (!answer) return from_dynamodb_error(std::move(answer).error(), table, "BatchWriteItem");
  }
  return {};
}

}  // namespace

Result<void> TableCore::batch_put(std::vector<AttributeMap> items) const {
  std::vector<json::value> requests;
  requests.reserve(items.size());
  for (auto& item : items) {
    auto put = put_request(item, {});
    if (!put) return std::move(put).error();
    requests.push_back(json::object{{"PutRequest", json::object{{"Item", std::move((*put)["Item"])}}}});
  }
  return write_chunks(*client_, schema_->table, std::move(requests), deadline());
}

Result<void> TableCore::batch_delete(const std::vector<Key>& keys) const {
  std::vector<json::value> requests;
  requests.reserve(keys.size());
  for (const auto& key : keys) {
    auto request = key_request(key);
    if (!request) return std::move(request).error();
    requests.push_back(json::object{{"DeleteRequest", json::object{{"Key", std::move((*request)["Key"])}}}});
  }
  return write_chunks(*client_, schema_->table, std::move(requests), deadline());
}

}  // namespace detail

// ---- transactions ----

namespace {

// The tables a transaction's operations name, for the log of a server-side fault.
std::string tables_of(const std::vector<boost::json::object>& items) {
  std::set<std::string> names;
  const auto add = [&names](const json::object& request) {
    const auto* name = request.if_contains("TableName");
    if (name != nullptr && name->is_string()) names.emplace(sv(name->get_string()));
  };
  for (const auto& item : items) {
    add(item);  // a get: {TableName, Key}
    for (const auto& [kind, body] : item)  // a write: {"Put": {TableName, ...}}
      if (const auto* request = body.if_object()) add(*request);
  }
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

TransactWrite& TransactWrite::add(std::string_view kind, Result<boost::json::object> request) {
  if (!request) return fail(std::move(request).error());
  items_.push_back(json::object{{kind, std::move(*request)}});
  return *this;
}

TransactWrite& TransactWrite::fail(Error error) {
  if (!error_) error_ = std::move(error);
  return *this;
}

Result<void> TransactWrite::run(aws::DynamoDbClient& client, Deadline deadline) const {
  if (error_) return *error_;
  if (items_.empty()) return validation_error("empty transaction");
  if (items_.size() > kMaxTransactItems) return validation_error("a transaction holds at most 100 operations");
  json::array items;
  for (const auto& item : items_) items.push_back(item);
  auto answer = client.transact_write_items(json::object{{"TransactItems", std::move(items)}}, deadline);
  if (!answer) return from_dynamodb_error(std::move(answer).error(), tables_of(items_), "TransactWriteItems");
  return {};
}

Result<std::vector<std::optional<AttributeMap>>> TransactGet::run(aws::DynamoDbClient& client, Deadline deadline) const {
  if (error_) return *error_;
  if (items_.empty()) return std::vector<std::optional<AttributeMap>>{};
  if (items_.size() > kMaxTransactItems) return validation_error("a transaction holds at most 100 operations");
  json::array items;
  for (const auto& item : items_) items.push_back(json::object{{"Get", item}});
  auto answer = client.transact_get_items(json::object{{"TransactItems", std::move(items)}}, deadline);
  if (!answer) return from_dynamodb_error(std::move(answer).error(), tables_of(items_), "TransactGetItems");
  std::vector<std::optional<AttributeMap>> out(items_.size());
  if (const auto* responses = answer->if_contains("Responses"); responses != nullptr && responses->is_array()) {
    const auto& array = responses->get_array();
    for (std::size_t i = 0; i < std::min(array.size(), out.size()); ++i) {
      const auto* response = array[i].if_object();
      const auto* item = response != nullptr ? response->if_contains("Item") : nullptr;
      if (item == nullptr) continue;
      auto parsed = item_from_dynamodb_json(*item, ReadOptions{true, true, 64});
      if (!parsed) return std::move(parsed).error();
      out[i] = std::move(*parsed);
    }
  }
  return out;
}

std::vector<aws::CancellationReason> cancellation_reasons(const Error& error) {
  if (error.code != kTransactionCanceled) return {};
  Error as_aws = error;
  as_aws.code = aws::kDynamoDbTransactionCanceled;
  return aws::cancellation_reasons(as_aws);
}

}  // namespace lift::dynamorm
