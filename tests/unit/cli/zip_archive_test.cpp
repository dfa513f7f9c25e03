// The zips `lift package` writes and `lift doctor` reads: round trips, determinism, and every
// kind of broken archive as a typed error.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "zip_archive.hpp"

namespace {

using lift::cli::read_zip;
using lift::cli::write_zip;
using lift::cli::ZipEntry;

std::vector<ZipEntry> sample_entries() {
  std::string binary;
  for (int i = 0; i < 5000; ++i) binary += static_cast<char>((i * 7919) % 256);  // barely compressible
  return {ZipEntry{.name = "bootstrap", .data = binary, .mode = 0100755},
          ZipEntry{.name = "config/settings.json", .data = std::string(4000, 'a'), .mode = 0100644},
          ZipEntry{.name = "empty", .data = "", .mode = 0100600}};
}

std::string sample_zip() {
  auto zip = write_zip(sample_entries());
  EXPECT_TRUE(zip) << zip.error().message;
  return zip ? *zip : std::string();
}

TEST(ZipArchive, RoundTripsNamesModesAndData) {
  const auto entries = sample_entries();
  auto back = read_zip(sample_zip(), true);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->size(), entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*back)[i].name, entries[i].name);
    EXPECT_EQ((*back)[i].mode, entries[i].mode);
    EXPECT_EQ((*back)[i].data, entries[i].data);
    EXPECT_EQ((*back)[i].size, entries[i].data.size());
  }
  // Compressible data is deflated, the rest stored.
  EXPECT_LT((*back)[1].compressed_size, 100u);
}

TEST(ZipArchive, SameInputSameBytes) {
  // Fixed timestamps: the same function gives the same zip, so its CodeSha256 does not change.
  EXPECT_EQ(sample_zip(), sample_zip());
}

TEST(ZipArchive, ListingWithoutDataKeepsSizes) {
  auto listing = read_zip(sample_zip(), false);
  ASSERT_TRUE(listing);
  EXPECT_TRUE((*listing)[0].data.empty());
  EXPECT_EQ((*listing)[0].size, 5000u);
}

TEST(ZipArchive, ACommentAfterTheEndRecordIsSkipped) {
  auto zip = sample_zip();
  // Set the comment length in the end record and append the comment.
  zip[zip.size() - 2] = 5;
  zip += "hello";
  auto back = read_zip(zip, true);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->size(), 3u);
}

void expect_invalid_zip(const std::string& archive, const std::string& why, std::uint64_t limit = 512ull << 20) {
  auto back = read_zip(archive, true, limit);
  ASSERT_FALSE(back) << why;
  EXPECT_EQ(back.error().code, "InvalidZip") << why;
  EXPECT_FALSE(back.error().message.empty());
}

TEST(ZipArchive, BrokenArchivesAreTypedErrors) {
  const auto zip = sample_zip();
  expect_invalid_zip("", "empty");
  expect_invalid_zip("not a zip file at all, just text that is long enough", "text");
  expect_invalid_zip(zip.substr(0, zip.size() - 1), "end record cut");
  expect_invalid_zip(zip.substr(zip.size() / 2), "first half missing");

  auto corrupt = zip;
  corrupt[40] = static_cast<char>(corrupt[40] ^ 0x55);  // inside the first (stored) entry's data
  expect_invalid_zip(corrupt, "CRC mismatch");

  auto encrypted = zip;
  const auto central = encrypted.find(std::string("PK\x01\x02", 4));
  ASSERT_NE(central, std::string::npos);
  encrypted[central + 8] = 1;  // general purpose flag bit 0
  expect_invalid_zip(encrypted, "encrypted");

  auto method = zip;
  method[central + 10] = 12;  // bzip2
  expect_invalid_zip(method, "unsupported method");

  auto zip64 = zip;
  for (int i = 0; i < 4; ++i) zip64[zip64.size() - 6 + i] = static_cast<char>(0xff);  // directory offset
  expect_invalid_zip(zip64, "Zip64 marker");

  auto lying = zip;
  lying[central + 24] = static_cast<char>(lying[central + 24] + 1);  // declared size one larger
  expect_invalid_zip(lying, "declared size disagrees");
}

TEST(ZipArchive, InflatedSizeIsBounded) {
  // 10 MB of zeros deflates to a few KB: a reader must not inflate what it will not keep.
  auto bomb = write_zip({ZipEntry{.name = "bootstrap", .data = std::string(10u << 20, '\0'), .mode = 0100755}});
  ASSERT_TRUE(bomb);
  EXPECT_LT(bomb->size(), 20000u);
  expect_invalid_zip(*bomb, "over the limit", 1u << 20);
  EXPECT_TRUE(read_zip(*bomb, true, 16u << 20));
}

TEST(ZipArchive, EveryTruncationIsAnErrorNotACrash) {
  const auto zip = sample_zip();
  for (std::size_t n = 0; n < zip.size(); n += 7) {
    auto back = read_zip(zip.substr(0, n), true);
    EXPECT_FALSE(back) << n;
  }
}

}  // namespace
