// The ELF reader behind `lift doctor` and the stripper behind `lift package`, on this test's own
// executable (a real binary of this machine) and on broken input.

#include <gtest/gtest.h>

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "elf_file.hpp"
#include "support/files.hpp"

namespace {

using lift::cli::glibc_version_of;
using lift::cli::GlibcVersion;
using lift::cli::read_elf;
using lift::cli::strip_to_segments;

std::string own_executable() { return lift::testing_support::read_file("/proc/self/exe"); }

TEST(ElfFile, ReadsThisTestsOwnExecutable) {
  const auto bytes = own_executable();
  auto elf = read_elf(bytes);
  ASSERT_TRUE(elf) << elf.error().message;
#if defined(__x86_64__)
  EXPECT_EQ(elf->architecture, "x86_64");
  EXPECT_EQ(elf->interpreter, "/lib64/ld-linux-x86-64.so.2");
#elif defined(__aarch64__)
  EXPECT_EQ(elf->architecture, "arm64");
#endif
  EXPECT_NE(std::find(elf->needed.begin(), elf->needed.end(), "libc.so.6"), elf->needed.end());
  ASSERT_TRUE(elf->newest_glibc.has_value());
  EXPECT_GE(*elf->newest_glibc, (GlibcVersion{2, 2}));
  EXPECT_NE(std::find_if(elf->versions.begin(), elf->versions.end(), [](const std::string& v) { return v.starts_with("GLIBC_"); }),
            elf->versions.end());
  EXPECT_TRUE(elf->has_section_headers);
  EXPECT_LE(elf->loaded_bytes, bytes.size());
}

TEST(ElfFile, StrippingKeepsWhatTheLoaderReads) {
  const auto bytes = own_executable();
  auto original = read_elf(bytes);
  auto stripped = strip_to_segments(bytes);
  ASSERT_TRUE(original && stripped);
  EXPECT_LT(stripped->size(), bytes.size());
  auto again = read_elf(*stripped);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->has_section_headers);
  EXPECT_EQ(again->architecture, original->architecture);
  EXPECT_EQ(again->interpreter, original->interpreter);
  EXPECT_EQ(again->needed, original->needed);
  EXPECT_EQ(again->versions, original->versions);
  EXPECT_EQ(again->newest_glibc, original->newest_glibc);
  // The loaded bytes themselves are unchanged.
  EXPECT_EQ(stripped->substr(sizeof(Elf64_Ehdr)), bytes.substr(sizeof(Elf64_Ehdr), stripped->size() - sizeof(Elf64_Ehdr)));
  // Stripping twice changes nothing more.
  EXPECT_EQ(*strip_to_segments(*stripped), *stripped);
}

void expect_invalid_elf(const std::string& bytes, const std::string& fragment) {
  auto elf = read_elf(bytes);
  ASSERT_FALSE(elf) << fragment;
  EXPECT_EQ(elf.error().code, "InvalidElf");
  EXPECT_NE(elf.error().message.find(fragment), std::string::npos) << elf.error().message;
  EXPECT_FALSE(strip_to_segments(bytes));
}

TEST(ElfFile, NotAnExecutableIsATypedError) {
  expect_invalid_elf("", "not an ELF file");
  expect_invalid_elf("#!/bin/sh\nexec ./real-bootstrap\n", "a script");
  expect_invalid_elf(std::string("\x7f" "ELF\x01\x01\x01", 7) + std::string(60, '\0'), "not a 64-bit");
  expect_invalid_elf(std::string("\x7f" "ELF\x02\x02\x01", 7) + std::string(60, '\0'), "not a little-endian");

  auto bytes = own_executable();
  auto relocatable = bytes.substr(0, 4096);
  const std::uint16_t rel = ET_REL;
  std::memcpy(relocatable.data() + offsetof(Elf64_Ehdr, e_type), &rel, sizeof rel);
  expect_invalid_elf(relocatable, "not an executable");

  auto far_table = bytes.substr(0, 4096);
  const std::uint64_t far = 1ull << 40;
  std::memcpy(far_table.data() + offsetof(Elf64_Ehdr, e_phoff), &far, sizeof far);
  expect_invalid_elf(far_table, "program header table");
}

TEST(ElfFile, StrippingIsRefusedWhenItWouldChangeWhatTheLoaderReads) {
  // A PT_INTERP segment placed over the header's section fields (found by the fuzz target).
  const std::string bytes = lift::testing_support::read_file(LIFT_TEST_SOURCE_DIR "/tests/fuzz/corpus/cli_files/segment_over_header");
  ASSERT_FALSE(bytes.empty());
  ASSERT_TRUE(read_elf(bytes));
  auto stripped = strip_to_segments(bytes);
  ASSERT_FALSE(stripped);
  EXPECT_EQ(stripped.error().code, "InvalidElf");
  EXPECT_NE(stripped.error().message.find("overlaps the ELF header"), std::string::npos);
}

TEST(ElfFile, EveryTruncationIsAnErrorNotACrash) {
  const auto bytes = own_executable();
  // Segments reach far into the file: every prefix that cuts one is refused.
  for (std::size_t n = 0; n < 8192; n += 13) EXPECT_FALSE(read_elf(bytes.substr(0, n))) << n;
}

TEST(ElfFile, GlibcVersionNames) {
  EXPECT_EQ(glibc_version_of("GLIBC_2.34"), (GlibcVersion{2, 34}));
  EXPECT_EQ(glibc_version_of("GLIBC_2.3.4"), (GlibcVersion{2, 3}));
  EXPECT_EQ(glibc_version_of("GLIBC_2.2.5"), (GlibcVersion{2, 2}));
  EXPECT_FALSE(glibc_version_of("GLIBC_PRIVATE"));
  EXPECT_FALSE(glibc_version_of("GLIBCXX_3.4.29"));
  EXPECT_FALSE(glibc_version_of("GLIBC_2"));
  EXPECT_FALSE(glibc_version_of("GLIBC_2.x"));
  EXPECT_LT((GlibcVersion{2, 26}), (GlibcVersion{2, 34}));
  EXPECT_EQ((GlibcVersion{2, 34}).text(), "2.34");
}

}  // namespace
