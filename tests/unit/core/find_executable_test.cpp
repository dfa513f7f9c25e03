// find_executable: a command looked up in a PATH value as exec does.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lift/core/find_executable.hpp"
#include "support/temp_dir.hpp"

namespace {

using lift::find_executable;
using lift::testing_support::TempDir;

void write_program(const std::filesystem::path& path, bool executable) {
  std::ofstream(path) << "#!/bin/sh\n";
  std::filesystem::permissions(path, executable ? std::filesystem::perms::owner_all : std::filesystem::perms::owner_read);
}

TEST(FindExecutable, TakesTheFirstExecutableOfThatNameInOrder) {
  TempDir first, second;
  write_program(first / "tool", false);  // not executable: passed over, as exec does
  write_program(second / "tool", true);
  const std::string path = first.path().string() + "::" + second.path().string() + "/";
  EXPECT_EQ(find_executable("tool", path), (second / "tool").string());
  write_program(first / "other", true);
  EXPECT_EQ(find_executable("other", path), (first / "other").string());
}

TEST(FindExecutable, NothingFoundIsNullopt) {
  TempDir dir;
  EXPECT_EQ(find_executable("missing", dir.path().string()), std::nullopt);
  EXPECT_EQ(find_executable("sh", ""), std::nullopt);
  EXPECT_EQ(find_executable("sh", ":::"), std::nullopt);
}

}  // namespace
