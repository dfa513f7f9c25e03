// DynamoDbApiKeyStore: API key records as DynamoDB items (DynamoDB JSON written and read here,
// so the security layer needs the client alone, not the mapper).
#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/security/api_key.hpp"

namespace lift::security {

namespace {
namespace json = boost::json;

Error store_error(std::string message) { return Error{"Security.ApiKeyStore", std::move(message), 500, {}}; }

json::array string_set(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) out.emplace_back(v);
  return out;
}

// A string attribute, or nullopt when absent; an error when it has another type.
Result<std::optional<std::string>> read_string(const json::object& item, std::string_view name) {
  const auto* value = item.if_contains(name);
  if (value == nullptr) return std::optional<std::string>{};
  const auto* s = value->is_object() ? value->as_object().if_contains("S") : nullptr;
  if (s == nullptr || !s->is_string()) return store_error("attribute " + std::string(name) + " is not a string");
  return std::optional<std::string>(std::string(s->as_string()));
}

Result<std::vector<std::string>> read_string_set(const json::object& item, std::string_view name) {
  std::vector<std::string> out;
  const auto* value = item.if_contains(name);
  if (value == nullptr) return out;
  const auto* ss = value->is_object() ? value->as_object().if_contains("SS") : nullptr;
  if (ss == nullptr || !ss->is_array()) return store_error("attribute " + std::string(name) + " is not a string set");
  for (const auto& v : ss->as_array()) {
    if (!v.is_string()) return store_error("attribute " + std::string(name) + " holds a non-string");
    out.emplace_back(v.as_string());
  }
  return out;
}
}  // namespace

DynamoDbApiKeyStore::DynamoDbApiKeyStore(aws::DynamoDbClient& client, DynamoDbApiKeyStoreOptions options)
    : client_(&client), options_(std::move(options)) {}

Result<void> DynamoDbApiKeyStore::put(const ApiKeyRecord& record) const {
  if (record.id.empty() || record.hash.empty()) return store_error("an API key record needs an id and a hash");
  json::object item;
  item[options_.key_attribute] = {{"S", record.id}};
  item["hash"] = {{"S", record.hash}};
  item["subject"] = {{"S", record.principal.subject}};
  if (record.principal.tenant) item["tenant"] = {{"S", *record.principal.tenant}};
  // DynamoDB refuses empty sets: an empty list is simply not written.
  if (!record.principal.roles.empty()) item["roles"] = {{"SS", string_set(record.principal.roles)}};
  if (!record.principal.scopes.empty()) item["scopes"] = {{"SS", string_set(record.principal.scopes)}};
  if (record.revoked) item["revoked"] = {{"BOOL", true}};
  if (record.expires_at) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(record.expires_at->time_since_epoch()).count();
    item["expiresAt"] = {{"N", std::to_string(seconds)}};
  }
  json::object request{{"TableName", options_.table}, {"Item", std::move(item)}};
  auto answer = client_->put_item(request, std::chrono::steady_clock::now() + options_.timeout);
  if (!answer) return std::move(answer).error();
  return {};
}

Result<std::optional<ApiKeyRecord>> DynamoDbApiKeyStore::find(std::string_view id) const {
  json::object key;
  key[options_.key_attribute] = {{"S", id}};
  json::object request{{"TableName", options_.table}, {"Key", std::move(key)}, {"ConsistentRead", true}};
  auto answer = client_->get_item(request, std::chrono::steady_clock::now() + options_.timeout);
  if (!answer) return std::move(answer).error();
  const auto* found = answer->if_contains("Item");
  if (found == nullptr || !found->is_object()) return std::optional<ApiKeyRecord>{};
  const auto& item = found->as_object();

  ApiKeyRecord record;
  record.id = std::string(id);
  auto hash = read_string(item, "hash");
  if (!hash) return std::move(hash).error();
  if (!*hash) return store_error("the record of key " + record.id + " has no hash");
  record.hash = std::move(**hash);
  auto subject = read_string(item, "subject");
  if (!subject) return std::move(subject).error();
  record.principal.subject = subject->value_or("");
  auto tenant = read_string(item, "tenant");
  if (!tenant) return std::move(tenant).error();
  record.principal.tenant = std::move(*tenant);
  auto roles = read_string_set(item, "roles");
  if (!roles) return std::move(roles).error();
  record.principal.roles = std::move(*roles);
  auto scopes = read_string_set(item, "scopes");
  if (!scopes) return std::move(scopes).error();
  record.principal.scopes = std::move(*scopes);
  if (const auto* revoked = item.if_contains("revoked")) {
    const auto* b = revoked->is_object() ? revoked->as_object().if_contains("BOOL") : nullptr;
    if (b == nullptr || !b->is_bool()) return store_error("attribute revoked is not a boolean");
    record.revoked = b->as_bool();
  }
  if (const auto* expires = item.if_contains("expiresAt")) {
    const auto* n = expires->is_object() ? expires->as_object().if_contains("N") : nullptr;
    std::int64_t seconds = 0;
    const std::string_view text = n != nullptr && n->is_string() ? std::string_view(n->as_string()) : std::string_view();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
      return store_error("attribute expiresAt is not epoch seconds");
    record.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
  }
  return std::optional<ApiKeyRecord>(std::move(record));
}

}  // namespace lift::security
