#include "lift/core/base64.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

// RFC 4648 section 10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(lift::base64::encode(plain), encoded);
    auto decoded = lift::base64::decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, UrlAlphabetAndPadding) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(lift::base64::encode(bytes), "+/+/");
  EXPECT_EQ(lift::base64::encode_url(bytes), "-_-_");
  EXPECT_EQ(lift::base64::encode_url("f"), "Zg");
  EXPECT_EQ(lift::base64::encode_url("f", true), "Zg==");
  EXPECT_EQ(*lift::base64::decode_url("Zg"), "f");
  EXPECT_EQ(*lift::base64::decode_url("Zg=="), "f");
  EXPECT_EQ(*lift::base64::decode_url("-_-_"), bytes);
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(*lift::base64::decode(lift::base64::encode(all)), all);
  EXPECT_EQ(*lift::base64::decode_url(lift::base64::encode_url(all)), all);
}

TEST(Base64, RejectsBadInputWithTypedError) {
  for (const char* bad : {"Zg=", "Z", "Zm9v!", "Zm 9v", "Zh==", "Zm9=v", "-_-_", "====", "Zg==="}) {
    auto r = lift::base64::decode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_base64");
    EXPECT_EQ(r.error().status, 400);
  }
  EXPECT_FALSE(lift::base64::decode_url("+/+/"));
}

}  // namespace
