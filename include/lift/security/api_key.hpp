#pragma once
// API keys: only a hash is stored, the presented key is compared in constant time, and the
// store is found by the key's public id (the part before the first '.').
//
//   auto issued = lift::security::generate_api_key("lk");   // "lk_3f9a...": show once
//   store->add({.id = issued.id, .hash = issued.hash, .principal = {.subject = "svc-billing"}});
//   lift::security::ApiKeyVerifier verifier(store);
//   auto who = verifier.verify(presented);                   // 401 invalid_api_key / revoked

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"
#include "lift/security/principal.hpp"

namespace lift::aws {
class DynamoDbClient;
}

namespace lift::security {

// Lower-case hex SHA-256 of the key (no pepper), or HMAC-SHA-256 keyed by `pepper`.
std::string hash_api_key(std::string_view key);
std::string hash_api_key(std::string_view key, std::string_view pepper);

// Equal contents, in time that depends only on the lengths (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

// The id of a presented key: what precedes the first '.'; nullopt when there is no '.' or
// either part is empty.
std::optional<std::string_view> api_key_id(std::string_view key) noexcept;

struct IssuedApiKey {
  std::string id{};    // "<prefix>_<16 hex>", public
  std::string key{};   // "<id>.<43 base64url characters>": give it to the client once
  std::string hash{};  // what to store
};
// 256 random bits from OpenSSL's CSPRNG.
IssuedApiKey generate_api_key(std::string_view prefix, std::string_view pepper = {});

struct ApiKeyRecord {
  std::string id{};
  std::string hash{};  // hash_api_key(key[, pepper])
  Principal principal{};
  bool revoked = false;
  std::optional<std::chrono::system_clock::time_point> expires_at{};
};

// Where records live; implementations may be remote (DynamoDB) and must be thread-safe.
class ApiKeyStore {
 public:
  virtual ~ApiKeyStore() = default;
  // nullopt when the id is unknown; an Error only for a failing store.
  virtual Result<std::optional<ApiKeyRecord>> find(std::string_view id) const = 0;
};

class MemoryApiKeyStore final : public ApiKeyStore {
 public:
  void put(ApiKeyRecord record);
  bool remove(std::string_view id);
  Result<std::optional<ApiKeyRecord>> find(std::string_view id) const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ApiKeyRecord, std::less<>> records_;
};

// Records in a DynamoDB table, one item per key, read with GetItem (strongly consistent, so a
// revocation takes effect at once):
//   {"PK": id, "hash": S, "subject": S, "tenant"?: S, "roles"?: SS, "scopes"?: SS,
//    "revoked"?: BOOL, "expiresAt"?: N (epoch seconds)}
// `client` (e.g. lift::dynamodb()) must outlive the store. Each lookup is bounded by `timeout`.
struct DynamoDbApiKeyStoreOptions {
  std::string table{};
  std::string key_attribute = "PK";
  std::chrono::milliseconds timeout{2000};
};
class DynamoDbApiKeyStore final : public ApiKeyStore {
 public:
  DynamoDbApiKeyStore(aws::DynamoDbClient& client, DynamoDbApiKeyStoreOptions options);
  // Writes (or replaces) a record: how keys are provisioned and revoked (revoked = true).
  Result<void> put(const ApiKeyRecord& record) const;
  Result<std::optional<ApiKeyRecord>> find(std::string_view id) const override;

 private:
  aws::DynamoDbClient* client_;
  DynamoDbApiKeyStoreOptions options_;
};

struct ApiKeyOptions {
  std::string pepper{};  // empty: plain SHA-256 hashes
  std::size_t max_key_bytes = 256;
  std::function<std::chrono::system_clock::time_point()> clock{};  // null: the system clock
};

// Thread safety: holds its options and a store, which must be thread-safe (both shipped stores
// are); share one verifier across the workers of lift::run(app).
class ApiKeyVerifier {
 public:
  explicit ApiKeyVerifier(std::shared_ptr<const ApiKeyStore> store, ApiKeyOptions options = {});

  // The record's principal (method "api_key"). Errors: no_token (empty), invalid_api_key
  // (malformed, unknown id or wrong secret, alike), revoked (also expired), or the store's error.
  [[nodiscard]] Result<Principal> verify(std::string_view presented) const;

 private:
  std::shared_ptr<const ApiKeyStore> store_;
  ApiKeyOptions options_;
};

}  // namespace lift::security
