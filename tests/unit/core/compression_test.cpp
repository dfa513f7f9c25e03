#include "lift/core/compression.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using lift::compression::deflate;
using lift::compression::Framing;
using lift::compression::inflate;
using lift::compression::Level;

const std::string kText = [] {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "{\"message\":\"line " + std::to_string(i) + "\"}\n";
  return text;
}();

TEST(Compression, EachFramingRoundTrips) {
  for (const auto framing : {Framing::gzip, Framing::zlib, Framing::raw}) {
    for (const auto level : {Level::standard, Level::best}) {
      auto packed = deflate(kText, framing, level);
      ASSERT_TRUE(packed);
      EXPECT_LT(packed->size(), kText.size() / 4);
      auto unpacked = inflate(*packed, framing, kText.size());
      ASSERT_TRUE(unpacked) << unpacked.error().message;
      EXPECT_EQ(*unpacked, kText);
    }
  }
  auto empty = deflate("", Framing::gzip);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*inflate(*empty, Framing::gzip, 0), "");
}

TEST(Compression, FramingsHaveTheirHeaders) {
  const auto gzip = *deflate(kText, Framing::gzip);
  EXPECT_EQ(gzip.substr(0, 2), "\x1f\x8b");  // RFC 1952 ID1 ID2
  const auto zlib = *deflate(kText, Framing::zlib);
  EXPECT_EQ(static_cast<unsigned char>(zlib[0]) & 0x0f, 8u);  // RFC 1950 CM: deflate
  // Reading gzip or zlib takes either; raw is neither.
  EXPECT_EQ(*inflate(zlib, Framing::gzip, kText.size()), kText);
  EXPECT_EQ(*inflate(gzip, Framing::zlib, kText.size()), kText);
  EXPECT_FALSE(inflate(gzip, Framing::raw, kText.size()));
}

TEST(Compression, InflateRefusesWhatIsNotOneWholeStream) {
  const auto gzip = *deflate(kText, Framing::gzip);
  const auto expect_error = [](const lift::Result<std::string>& result, const std::string& message) {
    ASSERT_FALSE(result) << message;
    EXPECT_EQ(result.error().code, "InvalidCompressedData");
    EXPECT_EQ(result.error().status, 400);
    EXPECT_EQ(result.error().message.substr(0, message.size()), message);
  };
  expect_error(inflate("plain text, not gzip", Framing::gzip, 1000), "invalid gzip data");
  expect_error(inflate(gzip.substr(0, gzip.size() / 2), Framing::gzip, kText.size()), "invalid gzip data: truncated");
  expect_error(inflate(gzip + "junk", Framing::gzip, kText.size()), "trailing data after the gzip stream");
  expect_error(inflate("\xff\xff", Framing::raw, 10), "invalid deflate data");
  expect_error(inflate(gzip, Framing::gzip, kText.size() - 1),
               "inflated data larger than " + std::to_string(kText.size() - 1) + " bytes");
}

TEST(Compression, TheLimitStopsABombEarly) {
  // 64 MiB of zeros deflate to about 64 KiB; inflating stops at the limit.
  const auto bomb = *deflate(std::string(64u << 20, '\0'), Framing::gzip, Level::best);
  EXPECT_LT(bomb.size(), 128u << 10);
  const auto result = inflate(bomb, Framing::gzip, 1u << 20);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("larger than"), std::string::npos);
}

}  // namespace
