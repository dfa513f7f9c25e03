// Field encryption's envelope: values of every type round-trip, the envelope has DMS's shape,
// and everything that should not open does not (another attribute or table, a changed byte,
// another master key, a malformed envelope), with typed errors and nothing returned.
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "lift/core/base64.hpp"
#include "lift/dynamorm/encryption.hpp"
#include "lift/dynamorm/errors.hpp"

namespace {

using namespace lift::dynamorm;

const std::string kMasterKey(32, 'k');

std::shared_ptr<const LocalKeyProvider> local() { return LocalKeyProvider::create(kMasterKey).value(); }

// A provider that counts its calls and can be made to fail.
class CountingProvider final : public KeyProvider {
 public:
  explicit CountingProvider(std::shared_ptr<const KeyProvider> inner) : inner_(std::move(inner)) {}
  lift::Result<DataKey> generate_data_key(const EncryptionContext& context) const override {
    ++generated;
    last_context = context;
    if (fail) return lift::Error{"KMS.AccessDeniedException", "denied", 403};
    return inner_->generate_data_key(context);
  }
  lift::Result<SecretBytes> decrypt_data_key(std::string_view encrypted, const EncryptionContext& context) const override {
    ++decrypted;
    return inner_->decrypt_data_key(encrypted, context);
  }
  mutable std::atomic<int> generated{0}, decrypted{0};
  mutable EncryptionContext last_context;
  bool fail = false;

 private:
  std::shared_ptr<const KeyProvider> inner_;
};

AttributeValue sealed(const AttributeValue& v, std::string_view table = "patients", std::string_view attribute = "diagnosis") {
  auto e = encrypt_attribute(*local(), table, attribute, v);
  EXPECT_TRUE(e) << e.error().message;
  return e ? *e : AttributeValue();
}

TEST(FieldEncryption, EveryTypeRoundTrips) {
  const std::vector<AttributeValue> values = {
      AttributeValue::string("flu"),
      AttributeValue::string(""),
      AttributeValue::number(Number::parse("-12.5E3").value()),
      AttributeValue::binary(std::string("\0\1\2", 3)),
      AttributeValue::boolean(true),
      AttributeValue::null(),
      AttributeValue::map({{"a", AttributeValue::string("x")}, {"b", AttributeValue::list({AttributeValue::number(1)})}}),
      AttributeValue::string_set({"a", "b"}),
      AttributeValue::number_set({Number(1), Number(2)}),
  };
  for (const auto& v : values) {
    const auto envelope = sealed(v);
    auto back = decrypt_attribute(*local(), "patients", "diagnosis", envelope);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, v);
  }
}

TEST(FieldEncryption, TheEnvelopeIsDmsShape) {
  const auto envelope = sealed(AttributeValue::string("flu"));
  const auto* m = envelope.as_map();
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->size(), 4U);
  EXPECT_EQ(m->at("v"), AttributeValue::number(1));
  ASSERT_NE(m->at("edk").as_binary(), nullptr);
  ASSERT_NE(m->at("nonce").as_binary(), nullptr);
  EXPECT_EQ(m->at("nonce").as_binary()->bytes.size(), 12U);
  ASSERT_NE(m->at("ct").as_binary(), nullptr);
  // {"S":"flu"} (11 bytes) and the 16-byte tag.
  EXPECT_EQ(m->at("ct").as_binary()->bytes.size(), 11U + 16U);
  EXPECT_EQ(m->at("ct").as_binary()->bytes.find("flu"), std::string::npos);
}

TEST(FieldEncryption, ADataKeyPerWriteBoundToTableAndAttribute) {
  CountingProvider keys(local());
  auto a = encrypt_attribute(keys, "patients", "diagnosis", AttributeValue::string("flu"));
  auto b = encrypt_attribute(keys, "patients", "diagnosis", AttributeValue::string("flu"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(keys.generated.load(), 2);
  EXPECT_EQ(keys.last_context, (EncryptionContext{{"attribute", "diagnosis"}, {"table", "patients"}}));
  // A fresh key and nonce each time: nothing repeats.
  EXPECT_NE(a->as_map()->at("edk"), b->as_map()->at("edk"));
  EXPECT_NE(a->as_map()->at("nonce"), b->as_map()->at("nonce"));
  EXPECT_NE(a->as_map()->at("ct"), b->as_map()->at("ct"));
}

TEST(FieldEncryption, AnEnvelopeOpensOnlyWhereItWasWritten) {
  const auto envelope = sealed(AttributeValue::string("flu"));
  for (const auto& [table, attribute] : std::vector<std::pair<std::string, std::string>>{
           {"patients", "notes"}, {"patients2", "diagnosis"}, {"patient", "sdiagnosis"}, {"", ""}}) {
    auto opened = decrypt_attribute(*local(), table, attribute, envelope);
    ASSERT_FALSE(opened) << table << "/" << attribute;
    EXPECT_EQ(opened.error().code, kInvalidEncryptedEnvelope);
    EXPECT_EQ(opened.error().message.find("flu"), std::string::npos);
  }
  auto other_key = LocalKeyProvider::create(std::string(32, 'o')).value();
  auto opened = decrypt_attribute(*other_key, "patients", "diagnosis", envelope);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, kInvalidEncryptedEnvelope);
}

TEST(FieldEncryption, EveryChangedByteIsRefused) {
  const auto envelope = sealed(AttributeValue::string("flu"));
  for (const char* member : {"edk", "nonce", "ct"}) {
    const auto size = envelope.as_map()->at(member).as_binary()->bytes.size();
    for (std::size_t i = 0; i < size; ++i) {
      auto changed = envelope;
      (*changed.as_map())[member].as_binary()->bytes[i] ^= 0x01;
      auto opened = decrypt_attribute(*local(), "patients", "diagnosis", changed);
      ASSERT_FALSE(opened) << member << "[" << i << "]";
      EXPECT_EQ(opened.error().code, kInvalidEncryptedEnvelope) << member << "[" << i << "]";
    }
  }
  // The tag cut off.
  auto cut = envelope;
  auto& ct = (*cut.as_map())["ct"].as_binary()->bytes;
  ct.resize(ct.size() - 1);
  EXPECT_EQ(decrypt_attribute(*local(), "patients", "diagnosis", cut).error().code, kInvalidEncryptedEnvelope);
}

TEST(FieldEncryption, MalformedEnvelopesAreTypedErrors) {
  const auto good = sealed(AttributeValue::string("flu"));
  const auto with = [&](std::string_view member, std::optional<AttributeValue> value) {
    auto e = good;
    if (value) (*e.as_map())[std::string(member)] = *value;
    else e.as_map()->erase(std::string(member));
    return e;
  };
  const std::vector<std::pair<std::string, AttributeValue>> cases = {
      {"plaintext string", AttributeValue::string("flu")},
      {"empty map", AttributeValue::map({})},
      {"no v", with("v", std::nullopt)},
      {"v 2", with("v", AttributeValue::number(2))},
      {"v a string", with("v", AttributeValue::string("1"))},
      {"no edk", with("edk", std::nullopt)},
      {"edk a string", with("edk", AttributeValue::string("x"))},
      {"short nonce", with("nonce", AttributeValue::binary("123"))},
      {"ct empty", with("ct", AttributeValue::binary(""))},
      {"an extra member", with("extra", AttributeValue::string("x"))},
      {"edk of another provider", with("edk", AttributeValue::binary("kms-ciphertext-blob"))},
  };
  for (const auto& [what, envelope] : cases) {
    auto opened = decrypt_attribute(*local(), "patients", "diagnosis", envelope);
    ASSERT_FALSE(opened) << what;
    EXPECT_EQ(opened.error().code, kInvalidEncryptedEnvelope) << what;
    EXPECT_GE(opened.error().status, 500) << what;
  }
}

TEST(FieldEncryption, ProviderErrorsPassThrough) {
  CountingProvider keys(local());
  keys.fail = true;
  auto e = encrypt_attribute(keys, "patients", "diagnosis", AttributeValue::string("flu"));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, "KMS.AccessDeniedException");
}

TEST(FieldEncryption, TheLocalProviderWantsA32ByteKey) {
  for (const std::string& bad : {std::string(), std::string(16, 'k'), std::string(33, 'k')}) {
    auto p = LocalKeyProvider::create(bad);
    ASSERT_FALSE(p) << bad.size();
    EXPECT_EQ(p.error().code, kValidation);
  }
  EXPECT_FALSE(LocalKeyProvider::from_base64("not base64!"));
  EXPECT_FALSE(LocalKeyProvider::from_base64(lift::base64::encode(std::string(31, 'k'))));
  auto p = LocalKeyProvider::from_base64(lift::base64::encode(kMasterKey));
  ASSERT_TRUE(p) << p.error().message;
  // The same master key opens what another instance sealed.
  auto opened = decrypt_attribute(**p, "patients", "diagnosis", sealed(AttributeValue::string("flu")));
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, AttributeValue::string("flu"));
}

TEST(FieldEncryption, SecretBytesAreMovedNotLeft) {
  SecretBytes a(std::string(32, 's'));
  SecretBytes b(std::move(a));
  EXPECT_EQ(a.size(), 0U);  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(b.size(), 32U);
  a = std::move(b);
  EXPECT_EQ(a.size(), 32U);
}

}  // namespace
