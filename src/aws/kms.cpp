#include "lift/aws/kms.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/core/base64.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kKmsPrefix = "KMS";
constexpr std::string_view kKmsContentType = "application/x-amz-json-1.1";

Error kms_invalid(std::string message) { return Error{std::string(kKmsValidation), std::move(message), 400}; }

Result<void> check_key_id(std::string_view key_id, std::string_view operation) {
  if (key_id.empty()) return kms_invalid(std::string(operation) + " needs a key id, key ARN, alias name or alias ARN");
  return {};
}

void add_common(json::object& body, const KmsEncryptionContext& context, const std::vector<std::string>& grant_tokens) {
  if (!context.empty()) {
    json::object out;
    for (const auto& [name, value] : context) out[name] = value;
    body["EncryptionContext"] = std::move(out);
  }
  if (!grant_tokens.empty()) {
    json::array tokens;
    for (const auto& token : grant_tokens) tokens.emplace_back(token);
    body["GrantTokens"] = std::move(tokens);
  }
}

// The answer's object; the body is never quoted (it may carry a plaintext).
Result<json::object> parse_object(std::string_view body, std::string_view operation) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object())
    return detail::malformed_answer(kKmsPrefix, "KMS answered " + std::string(operation) + " with a body of " + std::to_string(body.size()) +
                                                 " bytes that is not a JSON object");
  return std::move(value.as_object());
}

// A base64 member, required.
std::string blob(detail::AnswerReader& read, std::string_view key) {
  auto encoded = read.optional_string(key);
  if (!encoded) {
    if (!read.failed()) read.fail("no " + std::string(key));
    return {};
  }
  auto bytes = base64::decode(*encoded);
  if (!bytes || bytes->empty()) {
    read.fail("a " + std::string(key) + " that is not base64");
    return {};
  }
  return std::move(*bytes);
}

}  // namespace

Result<std::string> kms_encrypt_body(const KmsEncryptRequest& request) {
  LIFT_TRY_VOID(check_key_id(request.key_id, "Encrypt"));
  if (request.plaintext.empty() || request.plaintext.size() > kKmsMaxPlaintextBytes)
    return kms_invalid("Encrypt takes 1 to 4096 bytes of plaintext, not " + std::to_string(request.plaintext.size()) +
                   " (encrypt larger data with a data key)");
  json::object body{{"KeyId", request.key_id}, {"Plaintext", base64::encode(request.plaintext)}};
  add_common(body, request.context, request.grant_tokens);
  if (!request.encryption_algorithm.empty()) body["EncryptionAlgorithm"] = request.encryption_algorithm;
  return json::serialize(body);
}

Result<std::string> kms_decrypt_body(const KmsDecryptRequest& request) {
  if (request.ciphertext_blob.empty() || request.ciphertext_blob.size() > kKmsMaxCiphertextBytes)
    return kms_invalid("Decrypt takes 1 to 6144 bytes of ciphertext, not " + std::to_string(request.ciphertext_blob.size()));
  json::object body{{"CiphertextBlob", base64::encode(request.ciphertext_blob)}};
  add_common(body, request.context, request.grant_tokens);
  if (!request.key_id.empty()) body["KeyId"] = request.key_id;
  if (!request.encryption_algorithm.empty()) body["EncryptionAlgorithm"] = request.encryption_algorithm;
  return json::serialize(body);
}

Result<std::string> kms_generate_data_key_body(const KmsGenerateDataKeyRequest& request) {
  LIFT_TRY_VOID(check_key_id(request.key_id, "GenerateDataKey"));
  if (request.number_of_bytes.has_value() == !request.key_spec.empty())
    return kms_invalid("GenerateDataKey takes either a key spec (AES_256, AES_128) or a number of bytes, not both or neither");
  if (!request.key_spec.empty() && request.key_spec != "AES_256" && request.key_spec != "AES_128")
    return kms_invalid("the key spec '" + request.key_spec + "' is not AES_256 or AES_128");
  if (request.number_of_bytes && (*request.number_of_bytes < 1 || *request.number_of_bytes > 1024))
    return kms_invalid("a data key has 1 to 1024 bytes, not " + std::to_string(*request.number_of_bytes));
  json::object body{{"KeyId", request.key_id}};
  add_common(body, request.context, request.grant_tokens);
  if (!request.key_spec.empty()) body["KeySpec"] = request.key_spec;
  if (request.number_of_bytes) body["NumberOfBytes"] = *request.number_of_bytes;
  return json::serialize(body);
}

Result<KmsEncryptResult> parse_kms_encrypt(std::string_view body) {
  LIFT_TRY(object, parse_object(body, "Encrypt"));
  detail::AnswerReader read(kKmsPrefix, object);
  KmsEncryptResult result;
  result.ciphertext_blob = blob(read, "CiphertextBlob");
  result.key_id = read.string("KeyId");
  result.encryption_algorithm = read.string("EncryptionAlgorithm");
  if (read.failed()) return read.error();
  return result;
}

Result<KmsDecryptResult> parse_kms_decrypt(std::string_view body) {
  LIFT_TRY(object, parse_object(body, "Decrypt"));
  detail::AnswerReader read(kKmsPrefix, object);
  KmsDecryptResult result;
  result.plaintext = blob(read, "Plaintext");
  result.key_id = read.string("KeyId");
  result.encryption_algorithm = read.string("EncryptionAlgorithm");
  if (read.failed()) return read.error();
  return result;
}

Result<KmsDataKey> parse_kms_generate_data_key(std::string_view body) {
  LIFT_TRY(object, parse_object(body, "GenerateDataKey"));
  detail::AnswerReader read(kKmsPrefix, object);
  KmsDataKey key;
  key.plaintext = blob(read, "Plaintext");
  key.ciphertext_blob = blob(read, "CiphertextBlob");
  key.key_id = read.string("KeyId");
  if (read.failed()) return read.error();
  return key;
}

Error parse_kms_error(int http_status, std::string_view body, std::string_view error_type) {
  return detail::parse_json_error(kKmsPrefix, http_status, body, error_type);
}

struct KmsClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}

  Result<std::string> call(std::string_view operation, std::string body, Deadline deadline) {
    auto response = service.send("POST", "", detail::json_protocol_headers(kKmsContentType, "TrentService." + std::string(operation)),
                                 std::move(body), deadline, [](const HttpResponse& answer) {
                                   return parse_kms_error(answer.status, answer.body, answer.header("x-amzn-ErrorType"));
                                 });
    if (!response) return std::move(response).error();
    return std::move(response->body);
  }

  detail::ServiceClient service;
};

KmsClient::KmsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KmsClient::KmsClient(KmsClient&&) noexcept = default;
KmsClient& KmsClient::operator=(KmsClient&&) noexcept = default;
KmsClient::~KmsClient() = default;

Result<KmsClient> KmsClient::create(KmsOptions options) {
  LIFT_TRY(config, detail::service_config(std::move(options), kKmsPrefix, "kms", "AWS_ENDPOINT_URL_KMS", "kms", "KMS"));
  return KmsClient(std::make_unique<Impl>(std::move(config)));
}

const std::string& KmsClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& KmsClient::region() const { return impl_->service.region(); }

Result<KmsEncryptResult> KmsClient::encrypt(const KmsEncryptRequest& request, Deadline deadline) {
  LIFT_TRY(body, kms_encrypt_body(request));
  return impl_->call("Encrypt", std::move(body), deadline).and_then([](const std::string& answer) { return parse_kms_encrypt(answer); });
}

Result<KmsDecryptResult> KmsClient::decrypt(const KmsDecryptRequest& request, Deadline deadline) {
  LIFT_TRY(body, kms_decrypt_body(request));
  return impl_->call("Decrypt", std::move(body), deadline).and_then([](const std::string& answer) { return parse_kms_decrypt(answer); });
}

Result<KmsDataKey> KmsClient::generate_data_key(const KmsGenerateDataKeyRequest& request, Deadline deadline) {
  LIFT_TRY(body, kms_generate_data_key_body(request));
  return impl_->call("GenerateDataKey", std::move(body), deadline).and_then([](const std::string& answer) {
    return parse_kms_generate_data_key(answer);
  });
}

}  // namespace lift::aws
