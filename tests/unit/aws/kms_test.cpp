// KMS: Encrypt, Decrypt and GenerateDataKey bodies (bytes as base64, encryption contexts),
// answers read back to bytes, errors typed, no plaintext in any message.
#include "lift/aws/kms.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/scoped_env.hpp"
#include "support/result_code.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using lift::Result;

using lift::testing_support::code;

constexpr const char* kKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

TEST(KmsRequest, BodiesCarryBytesAsBase64AndTheContext) {
  auto encrypt = kms_encrypt_body({.key_id = "alias/app", .plaintext = std::string("\x00\x01secret", 8),
                                   .context = {{"table", "patients"}, {"attribute", "diagnosis"}}});
  ASSERT_TRUE(encrypt);
  EXPECT_EQ(json::parse(*encrypt), json::parse(R"({"KeyId": "alias/app", "Plaintext": "AAFzZWNyZXQ=",
    "EncryptionContext": {"attribute": "diagnosis", "table": "patients"}})"));

  auto decrypt = kms_decrypt_body({.ciphertext_blob = "\x01\x02\x03", .context = {{"table", "patients"}}, .key_id = kKey});
  ASSERT_TRUE(decrypt);
  EXPECT_EQ(json::parse(*decrypt), json::parse(std::string(R"({"CiphertextBlob": "AQID", "EncryptionContext": {"table": "patients"},
    "KeyId": ")") + kKey + "\"}"));

  auto key = kms_generate_data_key_body({.key_id = kKey, .context = {{"tenant", "acme"}}, .grant_tokens = {"token"}});
  ASSERT_TRUE(key);
  EXPECT_EQ(json::parse(*key), json::parse(std::string(R"({"KeyId": ")") + kKey +
                                           R"(", "EncryptionContext": {"tenant": "acme"}, "KeySpec": "AES_256", "GrantTokens": ["token"]})"));
  auto bytes = kms_generate_data_key_body({.key_id = kKey, .key_spec = "", .number_of_bytes = 64});
  ASSERT_TRUE(bytes);
  EXPECT_EQ(json::parse(*bytes), json::parse(std::string(R"({"KeyId": ")") + kKey + R"(", "NumberOfBytes": 64})"));
}

TEST(KmsRequest, BadInputIsRefusedBeforeACall) {
  EXPECT_EQ(code(kms_encrypt_body({.key_id = "", .plaintext = "x"})), kKmsValidation);
  EXPECT_EQ(code(kms_encrypt_body({.key_id = "k", .plaintext = ""})), kKmsValidation);
  EXPECT_EQ(code(kms_encrypt_body({.key_id = "k", .plaintext = std::string(4097, 'x')})), kKmsValidation);
  EXPECT_EQ(code(kms_encrypt_body({.key_id = "k", .plaintext = std::string(4096, 'x')})), "ok");
  EXPECT_EQ(code(kms_decrypt_body({.ciphertext_blob = ""})), kKmsValidation);
  EXPECT_EQ(code(kms_decrypt_body({.ciphertext_blob = std::string(6145, 'x')})), kKmsValidation);
  EXPECT_EQ(code(kms_generate_data_key_body({.key_id = ""})), kKmsValidation);
  EXPECT_EQ(code(kms_generate_data_key_body({.key_id = "k", .key_spec = "AES_512"})), kKmsValidation);
  EXPECT_EQ(code(kms_generate_data_key_body({.key_id = "k", .number_of_bytes = 32})), kKmsValidation);  // both
  EXPECT_EQ(code(kms_generate_data_key_body({.key_id = "k", .key_spec = ""})), kKmsValidation);          // neither
  EXPECT_EQ(code(kms_generate_data_key_body({.key_id = "k", .key_spec = "", .number_of_bytes = 1025})), kKmsValidation);
  // The plaintext is never in the message.
  auto refused = kms_encrypt_body({.key_id = "k", .plaintext = "hunter2" + std::string(4096, 'x')});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("hunter2"), std::string::npos);
}

TEST(KmsAnswer, AnswersAsTheReferenceShowsThem) {
  auto encrypted = parse_kms_encrypt(std::string(R"({"CiphertextBlob": "AQIDBA==", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "KeyId": ")") +
                                     kKey + "\"}");
  ASSERT_TRUE(encrypted) << encrypted.error().message;
  EXPECT_EQ(encrypted->ciphertext_blob, "\x01\x02\x03\x04");
  EXPECT_EQ(encrypted->key_id, kKey);
  EXPECT_EQ(encrypted->encryption_algorithm, "SYMMETRIC_DEFAULT");

  auto decrypted = parse_kms_decrypt(R"({"Plaintext": "c2VjcmV0", "KeyId": "k", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})");
  ASSERT_TRUE(decrypted);
  EXPECT_EQ(decrypted->plaintext, "secret");

  const std::string key_bytes(32, '\x5a');
  auto key = parse_kms_generate_data_key(R"({"CiphertextBlob": "AQIDBAU=", "Plaintext": "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=", "KeyId": "k"})");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->plaintext, key_bytes);
  EXPECT_EQ(key->ciphertext_blob, "\x01\x02\x03\x04\x05");
}

TEST(KmsAnswer, BadAnswersAreMalformedAndQuoteNothing) {
  for (const char* body : {"", "null", "[]", "{}", R"({"Plaintext": "c2VjcmV0!"})", R"({"Plaintext": 5})", R"({"Plaintext": ""})",
                           R"({"Plaintext": "c2VjcmV0", "KeyId": 3})", R"({"Plaintext": "c2VjcmV0" )"}) {
    auto decrypted = parse_kms_decrypt(body);
    ASSERT_FALSE(decrypted) << body;
    EXPECT_EQ(decrypted.error().code, kKmsMalformedResponse) << body;
    EXPECT_EQ(decrypted.error().status, 502);
    EXPECT_EQ(decrypted.error().message.find("c2VjcmV0"), std::string::npos) << decrypted.error().message;
  }
  EXPECT_EQ(code(parse_kms_generate_data_key(R"({"Plaintext": "c2VjcmV0"})")), kKmsMalformedResponse);  // no CiphertextBlob
  EXPECT_EQ(code(parse_kms_encrypt(R"({"KeyId": "k"})")), kKmsMalformedResponse);
}

TEST(KmsErrors, Typed) {
  EXPECT_EQ(parse_kms_error(400, R"({"__type": "InvalidCiphertextException"})").code, kKmsInvalidCiphertext);
  EXPECT_EQ(parse_kms_error(400, R"({"__type": "NotFoundException", "message": "Alias arn:... is not found."})").code, kKmsNotFound);
  EXPECT_EQ(parse_kms_error(400, R"({"__type": "AccessDeniedException"})").code, kKmsAccessDenied);
  EXPECT_EQ(parse_kms_error(400, R"({"__type": "DisabledException"})").code, kKmsDisabled);
  EXPECT_EQ(parse_kms_error(400, R"({"__type": "ThrottlingException"})").code, kKmsThrottling);
  EXPECT_EQ(parse_kms_error(400, "{}", "KMSInvalidStateException:http://internal").code, "KMS.KMSInvalidState");
  EXPECT_EQ(parse_kms_error(500, "oops").code, kKmsMalformedResponse);
}

TEST(KmsClientConfig, EndpointFromTheRegion) {
  lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_KMS", std::nullopt);
  EXPECT_EQ(KmsClient::create({.region = "eu-central-1"})->endpoint(), "https://kms.eu-central-1.amazonaws.com");
}

}  // namespace
