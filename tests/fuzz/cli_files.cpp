// Fuzzes what `lift doctor` reads from users' files: zip archives (with a small inflation limit)
// and ELF executables, and the stripper on whatever reads as ELF. Typed errors only, never a
// crash; a zip entry's data matches its declared size; stripping gives an ELF that reads the
// same, or is refused.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "elf_file.hpp"
#include "zip_archive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  if (auto entries = lift::cli::read_zip(bytes, true, 1u << 20)) {
    for (const auto& entry : *entries) {
      if (entry.data.size() != entry.size) std::abort();
    }
  } else if (entries.error().code != "InvalidZip") {
    std::abort();
  }

  auto elf = lift::cli::read_elf(bytes);
  if (!elf) {
    if (elf.error().code != "InvalidElf") std::abort();
    return 0;
  }
  auto stripped = lift::cli::strip_to_segments(bytes);
  if (!stripped) {
    // Refused only when a segment overlaps the header fields it would clear.
    if (stripped.error().code != "InvalidElf") std::abort();
    return 0;
  }
  auto again = lift::cli::read_elf(*stripped);
  if (!again || again->needed != elf->needed || again->versions != elf->versions || again->interpreter != elf->interpreter) {
    std::abort();
  }
  return 0;
}
