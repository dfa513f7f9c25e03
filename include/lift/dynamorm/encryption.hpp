#pragma once
// Field encryption: attributes stored as an envelope only a key provider can open.
//
//   auto keys = lift::dynamorm::LocalKeyProvider::from_base64(lift::env("TODO_FIELD_KEY"));  // dev/tests
//   const auto model = Model<Patient>("patients").partition_key(&Patient::id, "PK").encrypted(&Patient::diagnosis);
//   Table<Patient> patients = Table<Patient>(client, model).with_encryption(*keys);
//
// Each write of an encrypted attribute asks the provider for a fresh data key (KMS
// GenerateDataKey in production), seals the attribute's value with AES-256-GCM under it and
// stores the DynamoDB map
//   {"v": N 1, "edk": B <the data key as the provider encrypted it>, "nonce": B <12 bytes>,
//    "ct": B <ciphertext followed by the 16-byte GCM tag>}
// (DMS's envelope). The value sealed is the attribute's DynamoDB JSON (`{"S":"..."}`), so any
// type comes back as it was. The table and the attribute name are bound to both layers: as
// GCM's associated data and as the provider's encryption context {"table", "attribute"} (KMS
// refuses to decrypt the data key under another context, and CloudTrail shows it). An envelope
// copied into another attribute or table, or changed in any byte, does not open.
//
// Failing closed. A write of an encrypted attribute without a provider, a read of one without
// a provider, and an envelope that does not open are errors, never plaintext and never the
// stored envelope:
//   DynamORM.EncryptionNotConfigured    500  the table has no key provider
//   DynamORM.InvalidEncryptedEnvelope   500  not an envelope, an unknown version, a wrong tag
//                                            (tampered, moved to another attribute or table)
//   DynamORM.EncryptedFieldNotQueryable 400  a key, an index key, a condition, a filter or an
//                                            update expression names an encrypted attribute
// A provider's own errors (KMS AccessDenied, throttling) are returned as the provider gave them.
//
// Thread safety: the functions here hold no state; a KeyProvider is called by every worker at
// once and must be safe for that (LocalKeyProvider holds only its key, never changed).

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm {

inline constexpr std::string_view kEncryptionNotConfigured = "DynamORM.EncryptionNotConfigured";
inline constexpr std::string_view kInvalidEncryptedEnvelope = "DynamORM.InvalidEncryptedEnvelope";
inline constexpr std::string_view kEncryptedFieldNotQueryable = "DynamORM.EncryptedFieldNotQueryable";

// KMS's encryption context: {"table": ..., "attribute": ...} for an attribute.
using EncryptionContext = std::map<std::string, std::string>;

// Key bytes wiped from memory when dropped.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes&) = default;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.wipe(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { wipe(); }

  [[nodiscard]] std::string_view view() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }

 private:
  void wipe() noexcept;
  std::string bytes_;
};

struct DataKey {
  SecretBytes plaintext;  // 32 bytes: the AES-256 key
  std::string encrypted;  // stored as the envelope's edk
};

// Where data keys come from: KMS in production (an adapter over a KMS client's GenerateDataKey
// with KeySpec AES_256 and Decrypt, passing the context as KMS's EncryptionContext), or
// LocalKeyProvider. Thread safety: called from every worker at once.
class KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // A fresh 32-byte key and that key encrypted for `context`.
  [[nodiscard]] virtual Result<DataKey> generate_data_key(const EncryptionContext& context) const = 0;
  // The key `encrypted` holds, only under the context it was made for; a key that does not open
  // is DynamORM.InvalidEncryptedEnvelope (or the provider's own error).
  [[nodiscard]] virtual Result<SecretBytes> decrypt_data_key(std::string_view encrypted, const EncryptionContext& context) const = 0;
};

// Data keys wrapped (AES-256-GCM, the context as associated data) under one 32-byte master key
// the function is configured with. For tests and development: the master key is a secret the
// function holds in its configuration, with no rotation, audit or access policy; production
// data wants KMS (an adapter over the KMS client). edk = "L1" + nonce (12) + wrapped key + tag.
class LocalKeyProvider final : public KeyProvider {
 public:
  // DynamORM.Validation unless `key` is 32 bytes (base64: 44 characters, e.g. `openssl rand -base64 32`).
  [[nodiscard]] static Result<std::shared_ptr<const LocalKeyProvider>> create(std::string_view key);
  [[nodiscard]] static Result<std::shared_ptr<const LocalKeyProvider>> from_base64(std::string_view key);

  [[nodiscard]] Result<DataKey> generate_data_key(const EncryptionContext& context) const override;
  [[nodiscard]] Result<SecretBytes> decrypt_data_key(std::string_view encrypted, const EncryptionContext& context) const override;

  explicit LocalKeyProvider(SecretBytes key) : key_(std::move(key)) {}

 private:
  SecretBytes key_;
};

// The context of `attribute` of `table`.
[[nodiscard]] EncryptionContext encryption_context(std::string_view table, std::string_view attribute);

// `value` sealed as the envelope map (a fresh data key from `keys`).
[[nodiscard]] Result<AttributeValue> encrypt_attribute(const KeyProvider& keys, std::string_view table, std::string_view attribute,
                                                       const AttributeValue& value);
// The value an envelope holds, when it opens for this table and attribute.
[[nodiscard]] Result<AttributeValue> decrypt_attribute(const KeyProvider& keys, std::string_view table, std::string_view attribute,
                                                       const AttributeValue& envelope);

}  // namespace lift::dynamorm
