#pragma once
// What `lift doctor` and `lift package` need to know about a Linux executable, read from its
// program headers and dynamic segment only: that works on stripped binaries (no section
// headers) and on binaries built for another architecture, where `ldd` cannot run.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::cli {

struct GlibcVersion {
  int major = 0;
  int minor = 0;
  friend auto operator<=>(const GlibcVersion&, const GlibcVersion&) = default;
  [[nodiscard]] std::string text() const { return std::to_string(major) + "." + std::to_string(minor); }
};

struct ElfInfo {
  std::string architecture;               // "x86_64" or "arm64" (others by e_machine number)
  std::optional<std::string> interpreter; // PT_INTERP; none for a static executable
  std::vector<std::string> needed;        // DT_NEEDED, in order
  std::vector<std::string> versions;      // every version the binary needs (GLIBC_2.34, GLIBCXX_3.4.29...)
  std::optional<GlibcVersion> newest_glibc;  // the highest GLIBC_x.y among them
  bool position_independent = false;      // ET_DYN
  bool has_section_headers = false;       // false once stripped to its segments
  std::uint64_t loaded_bytes = 0;         // headers and segments: the size once stripped
};

// Reads a 64-bit little-endian ELF executable from its bytes. Errors (code "InvalidElf") name
// what is wrong: not ELF, 32-bit, big-endian, a header or table out of the file's bounds.
Result<ElfInfo> read_elf(std::string_view bytes);

// The executable cut to what the loader reads: the bytes its program headers cover, without
// section headers, symbols or debug information ("strip --strip-all" and more, for any
// architecture). Refuses what read_elf refuses.
Result<std::string> strip_to_segments(std::string_view bytes);

// Parses "GLIBC_2.34" (or "GLIBC_2.3.4", read as 2.3); nullopt for anything else.
std::optional<GlibcVersion> glibc_version_of(std::string_view version_name);

}  // namespace lift::cli
