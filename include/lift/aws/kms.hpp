#pragma once
// AWS KMS's Encrypt, Decrypt and GenerateDataKey over the JSON protocol
// (application/x-amz-json-1.1, X-Amz-Target TrentService.<Op>, SigV4 service "kms"), with
// encryption contexts; binary values are bytes here and base64 only on the wire. Retried by the
// standard policy and bounded by the caller's deadline.
//
//   auto kms = lift::aws::KmsClient::create();
//   if (!kms) return kms.error();
//   auto key = kms->generate_data_key({.key_id = "alias/app", .context = {{"table", "patients"}}}, deadline);
//   // key->plaintext: 32 bytes to encrypt with, then forget; key->ciphertext_blob: stored beside the data
//   auto again = kms->decrypt({.ciphertext_blob = key->ciphertext_blob, .context = {{"table", "patients"}}}, deadline);
//
// A data-key provider (DynamORM field encryption) is these two calls: generate_data_key with
// AES_256 and the attribute's context, decrypt with the same context.
//
// Plaintexts are secrets: no error message quotes a request or an answer body.
//
// Thread safety: a client's settings are fixed once created and it sends over a thread-safe
// HTTP client and credentials chain; share one across every worker of lift::run(app).

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "KMS." and the AWS error name without its "Exception" suffix; those callers act
// on are named here. Others are kept ("KMS.KMSInvalidState", "KMS.DependencyTimeout", ...).
inline constexpr std::string_view kKmsNotFound = "KMS.NotFound";
inline constexpr std::string_view kKmsAccessDenied = "KMS.AccessDenied";
inline constexpr std::string_view kKmsDisabled = "KMS.Disabled";
// A ciphertext KMS cannot open: damaged, or under another encryption context.
inline constexpr std::string_view kKmsInvalidCiphertext = "KMS.InvalidCiphertext";
inline constexpr std::string_view kKmsIncorrectKey = "KMS.IncorrectKey";
inline constexpr std::string_view kKmsThrottling = "KMS.Throttling";  // retried
// A request KMS would refuse, answered without a call (no key, plaintext over 4 KB, ...).
inline constexpr std::string_view kKmsValidation = "KMS.Validation";
// An answer that is not KMS's JSON (status kept, 502 for a 2xx).
inline constexpr std::string_view kKmsMalformedResponse = "KMS.MalformedResponse";

inline constexpr std::size_t kKmsMaxPlaintextBytes = 4096;
inline constexpr std::size_t kKmsMaxCiphertextBytes = 6144;

using KmsOptions = ServiceOptions;

// KMS's encryption context: name/value pairs bound to a ciphertext (not secret: logged by CloudTrail).
using KmsEncryptionContext = std::map<std::string, std::string>;

struct KmsEncryptRequest {
  std::string key_id{};     // key id, key ARN, alias name ("alias/app") or alias ARN
  std::string plaintext{};  // 1..4096 bytes
  KmsEncryptionContext context{};
  std::string encryption_algorithm{};  // empty: SYMMETRIC_DEFAULT
  std::vector<std::string> grant_tokens{};
};

struct KmsEncryptResult {
  std::string ciphertext_blob{};  // bytes
  std::string key_id{};           // the key's ARN
  std::string encryption_algorithm{};
};

struct KmsDecryptRequest {
  std::string ciphertext_blob{};  // bytes, 1..6144
  KmsEncryptionContext context{};  // the one it was encrypted with
  std::string key_id{};            // empty: not sent (symmetric keys); set: KMS checks the key is that one
  std::string encryption_algorithm{};
  std::vector<std::string> grant_tokens{};
};

struct KmsDecryptResult {
  std::string plaintext{};  // bytes
  std::string key_id{};
  std::string encryption_algorithm{};
};

struct KmsGenerateDataKeyRequest {
  std::string key_id{};
  KmsEncryptionContext context{};
  std::string key_spec = "AES_256";          // or "AES_128"; empty with number_of_bytes
  std::optional<int> number_of_bytes{};      // 1..1024, instead of a key spec
  std::vector<std::string> grant_tokens{};
};

struct KmsDataKey {
  std::string plaintext{};        // the key's bytes (32 for AES_256)
  std::string ciphertext_blob{};  // the key encrypted under the KMS key: store it
  std::string key_id{};
};

class KmsClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<KmsClient> create(KmsOptions options = {});

  KmsClient(KmsClient&&) noexcept;
  KmsClient& operator=(KmsClient&&) noexcept;
  ~KmsClient();

  Result<KmsEncryptResult> encrypt(const KmsEncryptRequest& request, Deadline deadline);
  Result<KmsDecryptResult> decrypt(const KmsDecryptRequest& request, Deadline deadline);
  Result<KmsDataKey> generate_data_key(const KmsGenerateDataKeyRequest& request, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit KmsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Pure halves, for tests and fuzzing. Bodies: errors kKmsValidation (400).
Result<std::string> kms_encrypt_body(const KmsEncryptRequest& request);
Result<std::string> kms_decrypt_body(const KmsDecryptRequest& request);
Result<std::string> kms_generate_data_key_body(const KmsGenerateDataKeyRequest& request);
// Answers. Errors: kKmsMalformedResponse (502), never quoting the body (it may hold a plaintext).
Result<KmsEncryptResult> parse_kms_encrypt(std::string_view body);
Result<KmsDecryptResult> parse_kms_decrypt(std::string_view body);
Result<KmsDataKey> parse_kms_generate_data_key(std::string_view body);
// KMS's error answer as an Error coded as described above. Never fails.
Error parse_kms_error(int http_status, std::string_view body, std::string_view error_type = {});

}  // namespace lift::aws
