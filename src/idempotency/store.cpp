// The idempotency records in DynamoDB, in Powertools' layout, and the hashing of keys.

#include <algorithm>
#include <charconv>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/json_text.hpp"
#include "lift/idempotency/idempotency.hpp"

namespace lift::idempotency {

namespace {

void append_canonical(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: out += std::to_string(value.get_int64()); break;
    case boost::json::kind::uint64: out += std::to_string(value.get_uint64()); break;
    case boost::json::kind::double_: append_json_number(out, value.get_double()); break;
    case boost::json::kind::string: append_json_string(out, value.get_string()); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_canonical(out, element);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      const auto& object = value.get_object();
      std::vector<const boost::json::key_value_pair*> members;
      members.reserve(object.size());
      for (const auto& member : object) members.push_back(&member);
      // JavaScript sorts keys by UTF-16 code units; for the ASCII names keys have in practice
      // that is byte order.
      std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out += '{';
      bool first = true;
      for (const auto* member : members) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, member->key());
        out += ':';
        append_canonical(out, member->value());
      }
      out += '}';
      break;
    }
  }
}

Error damaged(std::string message) { return Error{std::string(kStoreError), "damaged idempotency record: " + std::move(message), 500}; }

boost::json::object string_attribute(std::string_view text) { return {{"S", text}}; }
boost::json::object number_attribute(std::int64_t n) { return {{"N", std::to_string(n)}}; }

Result<std::int64_t> read_number(const boost::json::object& item, std::string_view name) {
  const auto* attribute = item.if_contains(name);
  const auto* object = attribute != nullptr ? attribute->if_object() : nullptr;
  const auto* n = object != nullptr ? object->if_contains("N") : nullptr;
  if (n == nullptr || !n->is_string()) return damaged(std::string(name) + " is not a number");
  const auto text = n->get_string();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return damaged(std::string(name) + " is not an integer: " + std::string(text));
  return value;
}

// nullopt when absent; an error when present but not a string.
Result<std::optional<std::string>> read_string(const boost::json::object& item, std::string_view name) {
  const auto* attribute = item.if_contains(name);
  if (attribute == nullptr) return std::optional<std::string>();
  const auto* object = attribute->if_object();
  const auto* s = object != nullptr ? object->if_contains("S") : nullptr;
  if (s == nullptr || !s->is_string()) return damaged(std::string(name) + " is not a string");
  return std::optional<std::string>(std::string(s->get_string()));
}

// A `data` attribute of another type than S: Powertools for TypeScript (v2) stores the answer as
// the DynamoDB form of its JSON (an M for an object). Read back as JSON text, so a record a Node
// function wrote replays here; lift itself writes JSON text (S), as Powertools for Python does.
Result<boost::json::value> plain_json(const boost::json::value& attribute, int depth = 0) {
  const auto* typed = attribute.if_object();
  if (typed == nullptr || typed->size() != 1 || depth > 64) return damaged("data is not a DynamoDB value");
  const auto& [type, payload] = *typed->begin();
  if (type == "S" && payload.is_string()) return boost::json::value(payload.get_string());
  if (type == "BOOL" && payload.is_bool()) return boost::json::value(payload.get_bool());
  if (type == "NULL") return boost::json::value();
  if (type == "N" && payload.is_string()) {
    boost::system::error_code ec;
    auto number = boost::json::parse(payload.get_string(), ec);
    if (ec || !number.is_number()) return damaged("data holds a number that is not one");
    return number;
  }
  if (type == "L" && payload.is_array()) {
    boost::json::array out;
    for (const auto& element : payload.get_array()) {
      auto value = plain_json(element, depth + 1);
      if (!value) return std::move(value).error();
      out.push_back(std::move(*value));
    }
    return boost::json::value(std::move(out));
  }
  if (type == "M" && payload.is_object()) {
    boost::json::object out;
    for (const auto& [name, element] : payload.get_object()) {
      auto value = plain_json(element, depth + 1);
      if (!value) return std::move(value).error();
      out[name] = std::move(*value);
    }
    return boost::json::value(std::move(out));
  }
  return damaged("data holds a DynamoDB " + std::string(type) + ", which JSON cannot");
}

boost::json::object key_of(std::string_view id) { return {{std::string(kIdAttribute), string_attribute(id)}}; }

}  // namespace

std::string canonical_json(const boost::json::value& value) {
  std::string out;
  append_canonical(out, value);
  return out;
}

std::string hash(std::string_view text) { return base64::encode(digest::md5(text)); }

std::string_view to_string(EventKind kind) noexcept {
  switch (kind) {
    case EventKind::executed: return "executed";
    case EventKind::replayed: return "replayed";
    case EventKind::waited: return "waited";
    case EventKind::in_progress: return "in_progress";
    case EventKind::payload_mismatch: return "payload_mismatch";
    case EventKind::failed: return "failed";
    case EventKind::not_stored: return "not_stored";
    case EventKind::store_error: return "store_error";
  }
  return "unknown";
}

Result<Record> Store::parse(const boost::json::object& item) {
  Record record;
  auto id = read_string(item, kIdAttribute);
  if (!id) return std::move(id).error();
  if (!*id || (*id)->empty()) return damaged("no id");
  record.id = std::move(**id);
  auto status = read_string(item, kStatusAttribute);
  if (!status) return std::move(status).error();
  if (!*status || (**status != kStatusInProgress && **status != kStatusCompleted))
    return damaged(record.id + ": unknown status " + (*status ? **status : std::string("(none)")));
  record.status = std::move(**status);
  auto expiration = read_number(item, kExpirationAttribute);
  if (!expiration) return damaged(record.id + ": " + expiration.error().message);
  record.expiration = *expiration;
  if (item.contains(kInProgressExpirationAttribute)) {
    auto in_progress = read_number(item, kInProgressExpirationAttribute);
    if (!in_progress) return damaged(record.id + ": " + in_progress.error().message);
    record.in_progress_expiration = *in_progress;
  }
  if (const auto* data = item.if_contains(kDataAttribute); data != nullptr && data->is_object() && data->get_object().contains("S")) {
    auto text = read_string(item, kDataAttribute);
    if (!text) return damaged(record.id + ": " + text.error().message);
    record.data = std::move(*text);
  } else if (data != nullptr) {
    auto value = plain_json(*data);
    if (!value) return damaged(record.id + ": " + value.error().message);
    record.data = boost::json::serialize(*value);
  }
  auto validation = read_string(item, kValidationAttribute);
  if (!validation) return damaged(record.id + ": " + validation.error().message);
  if (*validation) record.validation = std::move(**validation);
  if (record.status == kStatusCompleted && !record.data) return damaged(record.id + ": completed without data");
  return record;
}

std::size_t Store::item_bytes(const Record& record) {
  // Names and values as DynamoDB counts them; numbers at most 21 bytes.
  std::size_t bytes = kIdAttribute.size() + record.id.size() + kStatusAttribute.size() + record.status.size() +
                      kExpirationAttribute.size() + 21 + kInProgressExpirationAttribute.size() + 21;
  if (record.data) bytes += kDataAttribute.size() + record.data->size();
  if (!record.validation.empty()) bytes += kValidationAttribute.size() + record.validation.size();
  return bytes;
}

Result<Store::Lock> Store::lock(const Record& record, std::chrono::system_clock::time_point now, Deadline deadline) {
  boost::json::object item = key_of(record.id);
  item[kStatusAttribute] = string_attribute(record.status);
  item[kExpirationAttribute] = number_attribute(record.expiration);
  if (record.in_progress_expiration) item[kInProgressExpirationAttribute] = number_attribute(*record.in_progress_expiration);
  if (!record.validation.empty()) item[kValidationAttribute] = string_attribute(record.validation);
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  boost::json::object request{
      {"TableName", table_},
      {"Item", std::move(item)},
      {"ConditionExpression",
       "attribute_not_exists(#id) OR #expiry < :now OR "
       "(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)"},
      {"ExpressionAttributeNames",
       {{"#id", kIdAttribute},
        {"#expiry", kExpirationAttribute},
        {"#status", kStatusAttribute},
        {"#in_progress_expiry", kInProgressExpirationAttribute}}},
      {"ExpressionAttributeValues",
       {{":now", number_attribute(now_ms / 1000)},
        {":now_in_millis", number_attribute(now_ms)},
        {":inprogress", string_attribute(kStatusInProgress)}}},
      {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"},
  };
  // The record that failed the condition can vanish before it is read (released by its owner,
  // deleted by TTL): then the lock is tried again, a bounded number of times.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto put = client_->put_item(request, deadline);
    if (put) return Lock{true, std::nullopt};
    if (put.error().code != aws::kDynamoDbConditionalCheckFailed) return std::move(put).error();
    if (auto old = aws::condition_failed_item(put.error())) {
      auto existing = parse(*old);
      if (!existing) return std::move(existing).error();
      return Lock{false, std::move(*existing)};
    }
    auto existing = get(record.id, deadline);
    if (!existing) return std::move(existing).error();
    if (*existing) return Lock{false, std::move(**existing)};
  }
  return Error{std::string(kStoreError), "the idempotency record " + record.id + " kept changing while its lock was taken", 503};
}

Result<void> Store::complete(const Record& record, Deadline deadline) {
  boost::json::object names{{"#data", kDataAttribute}, {"#expiry", kExpirationAttribute}, {"#status", kStatusAttribute}};
  boost::json::object values{{":data", string_attribute(record.data.value_or("null"))},
                             {":expiry", number_attribute(record.expiration)},
                             {":status", string_attribute(kStatusCompleted)}};
  std::string update = "SET #data = :data, #expiry = :expiry, #status = :status";
  if (!record.validation.empty()) {
    names["#validation"] = kValidationAttribute;
    values[":validation"] = string_attribute(record.validation);
    update += ", #validation = :validation";
  }
  boost::json::object request{{"TableName", table_},
                              {"Key", key_of(record.id)},
                              {"UpdateExpression", update},
                              {"ExpressionAttributeNames", std::move(names)},
                              {"ExpressionAttributeValues", std::move(values)}};
  auto updated = client_->update_item(request, deadline);
  if (!updated) return std::move(updated).error();
  return {};
}

Result<void> Store::release(std::string_view id, Deadline deadline) {
  auto deleted = client_->delete_item({{"TableName", table_}, {"Key", key_of(id)}}, deadline);
  if (!deleted) return std::move(deleted).error();
  return {};
}

Result<std::optional<Record>> Store::get(std::string_view id, Deadline deadline) {
  auto answer = client_->get_item({{"TableName", table_}, {"Key", key_of(id)}, {"ConsistentRead", true}}, deadline);
  if (!answer) return std::move(answer).error();
  const auto* item = answer->if_contains("Item");
  if (item == nullptr || !item->is_object()) return std::optional<Record>();
  auto record = parse(item->get_object());
  if (!record) return std::move(record).error();
  return std::optional<Record>(std::move(*record));
}

Result<void> Store::create_table(Deadline deadline) {
  boost::json::object request{
      {"TableName", table_},
      {"AttributeDefinitions", boost::json::array{{{"AttributeName", kIdAttribute}, {"AttributeType", "S"}}}},
      {"KeySchema", boost::json::array{{{"AttributeName", kIdAttribute}, {"KeyType", "HASH"}}}},
      {"BillingMode", "PAY_PER_REQUEST"},
  };
  auto created = client_->create_table(request, deadline);
  if (!created && created.error().code != "DynamoDB.ResourceInUse") return std::move(created).error();
  // A new table answers writes once ACTIVE (dynalite and DynamoDB Local take a moment).
  for (;;) {
    auto described = client_->describe_table({{"TableName", table_}}, deadline);
    if (!described) return std::move(described).error();
    const auto* table = described->if_contains("Table");
    const auto* status = table != nullptr && table->is_object() ? table->get_object().if_contains("TableStatus") : nullptr;
    if (status == nullptr || !status->is_string() || status->get_string() == "ACTIVE") break;
    if (std::chrono::steady_clock::now() + std::chrono::milliseconds(20) >= deadline)
      return Error{std::string(kStoreError), "the idempotency table " + table_ + " did not become active in time", 503};
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The table's TTL removes expired records; where the store cannot set it (an older local
  // DynamoDB), the lock's condition treats them as gone anyway.
  (void)client_->update_time_to_live(
      {{"TableName", table_}, {"TimeToLiveSpecification", {{"Enabled", true}, {"AttributeName", kExpirationAttribute}}}}, deadline);
  return {};
}

}  // namespace lift::idempotency
