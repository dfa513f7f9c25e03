#pragma once
// Reading a whole file, for the commands that look at a built function (package, doctor).

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace lift::cli {

// The file's bytes into `out`; false when it cannot be opened or read.
inline bool read_file(const std::filesystem::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace lift::cli
