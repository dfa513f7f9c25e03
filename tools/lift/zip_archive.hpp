#pragma once
// The zip files Lambda takes as a function's code: written deterministically (fixed times, so
// the same binary gives the same zip and the same CodeSha256) and read back by `lift doctor`.
// Deflate and CRC-32 come from zlib; no Zip64 (Lambda's limits are far below 4 GiB).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::cli {

struct ZipEntry {
  std::string name;                 // path inside the archive, '/'-separated
  std::string data;                 // the file's content (empty in a listing)
  std::uint32_t mode = 0100644;     // Unix mode: type and permission bits
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;
  std::uint32_t crc32 = 0;
};

// A zip of `entries` (name, data and mode are used), deflated.
Result<std::string> write_zip(const std::vector<ZipEntry>& entries);

// The entries of a zip, with their data when `with_data` (inflated and CRC-checked). Errors
// (code "InvalidZip") for anything that is not a well-formed zip, Zip64, encryption, methods
// other than store and deflate, or an entry larger than `max_entry_bytes` once inflated.
Result<std::vector<ZipEntry>> read_zip(std::string_view archive, bool with_data,
                                       std::uint64_t max_entry_bytes = 512ull << 20);

}  // namespace lift::cli
