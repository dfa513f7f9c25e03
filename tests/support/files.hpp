#pragma once
// Reading a whole file in a test: sample events, generated projects, captured logs.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace lift::testing_support {

// The file's bytes, or an empty string when it cannot be read (tests that need the file
// check for that and skip or fail with their own message).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace lift::testing_support
