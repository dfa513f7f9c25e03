#include "lift/dynamorm/kms_key_provider.hpp"

#include "lift/dynamorm/table.hpp"

namespace lift::dynamorm {
namespace {

constexpr std::size_t kDataKeyBytes = 32;

Error wrong_key_size(std::size_t size) {
  return Error{std::string(kInvalidEncryptedEnvelope),
               "KMS returned a data key of " + std::to_string(size) + " bytes where AES-256 needs " + std::to_string(kDataKeyBytes),
               500};
}

}  // namespace

Result<std::shared_ptr<const KmsKeyProvider>> KmsKeyProvider::create(aws::KmsClient kms, std::string key_id) {
  if (key_id.empty()) return Error{"DynamORM.Validation", "a KMS key provider needs a key id, key ARN or alias", 400};
  return std::make_shared<const KmsKeyProvider>(std::make_shared<aws::KmsClient>(std::move(kms)), std::move(key_id));
}

Result<DataKey> KmsKeyProvider::generate_data_key(const EncryptionContext& context) const {
  auto key = kms_->generate_data_key({.key_id = key_id_, .context = context, .key_spec = "AES_256"}, default_deadline());
  if (!key) return std::move(key).error();
  if (key->plaintext.size() != kDataKeyBytes) return wrong_key_size(key->plaintext.size());
  return DataKey{SecretBytes(std::move(key->plaintext)), std::move(key->ciphertext_blob)};
}

Result<SecretBytes> KmsKeyProvider::decrypt_data_key(std::string_view encrypted, const EncryptionContext& context) const {
  // The key id is sent too: KMS then refuses a data key some other key made.
  auto key = kms_->decrypt({.ciphertext_blob = std::string(encrypted), .context = context, .key_id = key_id_}, default_deadline());
  if (!key) return std::move(key).error();
  if (key->plaintext.size() != kDataKeyBytes) return wrong_key_size(key->plaintext.size());
  return SecretBytes(std::move(key->plaintext));
}

}  // namespace lift::dynamorm
