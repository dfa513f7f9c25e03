#pragma once
// Field encryption's data keys from AWS KMS: GenerateDataKey (AES_256) for each write and
// Decrypt for each read, under one KMS key, with the attribute's encryption context
// {"table", "attribute"} passed as KMS's EncryptionContext (KMS refuses a data key under any
// other context, and CloudTrail records each use).
//
//   LIFT_TRY(kms, lift::aws::KmsClient::create());
//   auto keys = lift::dynamorm::KmsKeyProvider::create(std::move(kms), lift::env_or("PATIENT_KEY_ID", ""));
//   Table<Patient> patients = Table<Patient>(client, model).with_encryption(*keys);
//
// Calls are bounded by the invocation's deadline (10 s outside one). KMS's errors are returned
// as KMS gave them (KMS.AccessDenied, KMS.InvalidCiphertext for a data key under another
// context, throttling after the client's retries); a data key of the wrong size is
// DynamORM.InvalidEncryptedEnvelope. Only what uses this links the KMS client.
//
// Thread safety: safe to share by every worker (AWS_LAMBDA_MAX_CONCURRENCY > 1): the KMS client
// is thread-safe and the provider holds nothing else that changes.
#include <memory>
#include <string>

#include "lift/aws/kms.hpp"
#include "lift/dynamorm/encryption.hpp"

namespace lift::dynamorm {

class KmsKeyProvider final : public KeyProvider {
 public:
  // DynamORM.Validation for an empty key id (a key id, key ARN, alias name or alias ARN).
  [[nodiscard]] static Result<std::shared_ptr<const KmsKeyProvider>> create(aws::KmsClient kms, std::string key_id);

  [[nodiscard]] Result<DataKey> generate_data_key(const EncryptionContext& context) const override;
  [[nodiscard]] Result<SecretBytes> decrypt_data_key(std::string_view encrypted, const EncryptionContext& context) const override;

  KmsKeyProvider(std::shared_ptr<aws::KmsClient> kms, std::string key_id) : kms_(std::move(kms)), key_id_(std::move(key_id)) {}

 private:
  std::shared_ptr<aws::KmsClient> kms_;
  std::string key_id_;
};

}  // namespace lift::dynamorm
