#include "elf_file.hpp"

#include <elf.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <type_traits>

namespace lift::cli {
namespace {

Error invalid_elf(std::string message) { return Error{"InvalidElf", std::move(message), 400, {}}; }

// Copies a T out of the file at `offset`, or fails when it does not fit.
template <class T>
bool read_at(std::string_view bytes, std::uint64_t offset, T& out) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(&out, bytes.data() + offset, sizeof(T));
  return true;
}

// A NUL-terminated string inside [table, table + table_size) of the file.
std::optional<std::string> string_at(std::string_view bytes, std::uint64_t table, std::uint64_t table_size,
                                     std::uint64_t index) {
  if (table > bytes.size() || index >= table_size) return std::nullopt;
  const std::uint64_t limit = std::min<std::uint64_t>(bytes.size(), table + table_size);
  if (table + index >= limit) return std::nullopt;
  const char* begin = bytes.data() + table + index;
  const auto* end = static_cast<const char*>(std::memchr(begin, '\0', limit - (table + index)));
  if (end == nullptr) return std::nullopt;
  return std::string(begin, end);
}

struct Parsed {
  Elf64_Ehdr header{};
  std::vector<Elf64_Phdr> segments;
};

Result<Parsed> parse_headers(std::string_view bytes) {
  Parsed parsed;
  if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
    return invalid_elf(bytes.starts_with("#!") ? "a script, not an ELF executable" : "not an ELF file");
  }
  if (static_cast<unsigned char>(bytes[EI_CLASS]) != ELFCLASS64) return invalid_elf("not a 64-bit ELF file");
  if (static_cast<unsigned char>(bytes[EI_DATA]) != ELFDATA2LSB) return invalid_elf("not a little-endian ELF file");
  if (!read_at(bytes, 0, parsed.header)) return invalid_elf("the ELF header is truncated");
  const auto& h = parsed.header;
  if (h.e_type != ET_EXEC && h.e_type != ET_DYN) return invalid_elf("not an executable (ELF type " + std::to_string(h.e_type) + ")");
  if (h.e_phnum == 0) return invalid_elf("no program headers");
  if (h.e_phentsize != sizeof(Elf64_Phdr)) return invalid_elf("unexpected program header size");
  for (std::uint16_t i = 0; i < h.e_phnum; ++i) {
    Elf64_Phdr segment{};
    if (!read_at(bytes, h.e_phoff + std::uint64_t{i} * sizeof(Elf64_Phdr), segment)) {
      return invalid_elf("the program header table runs past the end of the file");
    }
    if (segment.p_offset > bytes.size() || bytes.size() - segment.p_offset < segment.p_filesz) {
      return invalid_elf("segment " + std::to_string(i) + " runs past the end of the file");
    }
    parsed.segments.push_back(segment);
  }
  return parsed;
}

// Where the bytes the loader reads end: headers, program header table and every segment.
std::uint64_t image_end(const Parsed& parsed) {
  const auto& h = parsed.header;
  std::uint64_t end = std::max<std::uint64_t>(sizeof(Elf64_Ehdr), h.e_phoff + std::uint64_t{h.e_phnum} * sizeof(Elf64_Phdr));
  for (const auto& s : parsed.segments) end = std::max<std::uint64_t>(end, s.p_offset + s.p_filesz);
  return end;
}

// File offset of a virtual address inside a loaded segment.
std::optional<std::uint64_t> offset_of(const std::vector<Elf64_Phdr>& segments, std::uint64_t address) {
  for (const auto& s : segments) {
    if (s.p_type == PT_LOAD && address >= s.p_vaddr && address - s.p_vaddr < s.p_filesz) {
      return s.p_offset + (address - s.p_vaddr);
    }
  }
  return std::nullopt;
}

std::string architecture_name(std::uint16_t machine) {
  switch (machine) {
    case EM_X86_64: return "x86_64";
    case EM_AARCH64: return "arm64";
    default: return "machine " + std::to_string(machine);
  }
}

}  // namespace

std::optional<GlibcVersion> glibc_version_of(std::string_view name) {
  constexpr std::string_view prefix = "GLIBC_";
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  GlibcVersion v;
  const char* end = name.data() + name.size();
  auto [after_major, e1] = std::from_chars(name.data(), end, v.major);
  if (e1 != std::errc{} || after_major == end || *after_major != '.') return std::nullopt;
  auto [after_minor, e2] = std::from_chars(after_major + 1, end, v.minor);
  if (e2 != std::errc{} || (after_minor != end && *after_minor != '.')) return std::nullopt;
  return v;
}

Result<ElfInfo> read_elf(std::string_view bytes) {
  auto parsed = parse_headers(bytes);
  if (!parsed) return std::move(parsed).error();
  const auto& h = parsed->header;
  const auto& segments = parsed->segments;
  ElfInfo info;
  info.architecture = architecture_name(h.e_machine);
  info.position_independent = h.e_type == ET_DYN;
  info.has_section_headers = h.e_shoff != 0 && h.e_shnum != 0;

  info.loaded_bytes = image_end(*parsed);
  // Everything below reads only the loaded image, so a stripped copy reads the same.
  bytes = bytes.substr(0, info.loaded_bytes);
  const Elf64_Phdr* dynamic = nullptr;
  for (const auto& s : segments) {
    if (s.p_type == PT_INTERP) {
      auto text = string_at(bytes, s.p_offset, s.p_filesz, 0);
      if (!text) return invalid_elf("the interpreter path is not a string");
      info.interpreter = std::move(*text);
    } else if (s.p_type == PT_DYNAMIC) {
      dynamic = &s;
    }
  }
  if (dynamic == nullptr) return info;

  std::vector<std::uint64_t> needed_offsets;
  std::uint64_t strtab = 0, strsz = 0, verneed = 0, verneednum = 0;
  bool have_strtab = false, have_verneed = false;
  const std::uint64_t entries = dynamic->p_filesz / sizeof(Elf64_Dyn);
  for (std::uint64_t i = 0; i < entries; ++i) {
    Elf64_Dyn entry{};
    if (!read_at(bytes, dynamic->p_offset + i * sizeof(Elf64_Dyn), entry)) break;
    if (entry.d_tag == DT_NULL) break;
    switch (entry.d_tag) {
      case DT_NEEDED: needed_offsets.push_back(entry.d_un.d_val); break;
      case DT_STRTAB: strtab = entry.d_un.d_ptr; have_strtab = true; break;
      case DT_STRSZ: strsz = entry.d_un.d_val; break;
      case DT_VERNEED: verneed = entry.d_un.d_ptr; have_verneed = true; break;
      case DT_VERNEEDNUM: verneednum = entry.d_un.d_val; break;
      default: break;
    }
  }
  if (!have_strtab) {
    if (needed_offsets.empty()) return info;
    return invalid_elf("DT_NEEDED entries without a string table");
  }
  const auto strings = offset_of(segments, strtab);
  if (!strings) return invalid_elf("the dynamic string table is outside every loaded segment");
  for (const auto index : needed_offsets) {
    auto name = string_at(bytes, *strings, strsz, index);
    if (!name) return invalid_elf("a DT_NEEDED name is outside the string table");
    info.needed.push_back(std::move(*name));
  }

  if (have_verneed) {
    auto at = offset_of(segments, verneed);
    if (!at) return invalid_elf("the version needs table is outside every loaded segment");
    std::uint64_t offset = *at;
    // vn_next/vna_next chains are bounded by the declared counts; a loop cannot go on forever.
    for (std::uint64_t n = 0; n < verneednum; ++n) {
      Elf64_Verneed need{};
      if (!read_at(bytes, offset, need)) return invalid_elf("a version needs entry is truncated");
      std::uint64_t aux_offset = offset + need.vn_aux;
      for (std::uint16_t a = 0; a < need.vn_cnt; ++a) {
        Elf64_Vernaux aux{};
        if (!read_at(bytes, aux_offset, aux)) return invalid_elf("a version needs entry is truncated");
        auto name = string_at(bytes, *strings, strsz, aux.vna_name);
        if (!name) return invalid_elf("a version name is outside the string table");
        if (auto glibc = glibc_version_of(*name); glibc && (!info.newest_glibc || *glibc > *info.newest_glibc)) {
          info.newest_glibc = glibc;
        }
        if (std::find(info.versions.begin(), info.versions.end(), *name) == info.versions.end()) {
          info.versions.push_back(std::move(*name));
        }
        if (aux.vna_next == 0) break;
        aux_offset += aux.vna_next;
      }
      if (need.vn_next == 0) break;
      offset += need.vn_next;
    }
  }
  return info;
}

Result<std::string> strip_to_segments(std::string_view bytes) {
  auto parsed = parse_headers(bytes);
  if (!parsed) return std::move(parsed).error();
  std::string out(bytes.substr(0, image_end(*parsed)));
  Elf64_Ehdr header = parsed->header;
  header.e_shoff = 0;
  header.e_shnum = 0;
  header.e_shstrndx = SHN_UNDEF;
  std::memcpy(out.data(), &header, sizeof header);
  // The header's section fields mean nothing to the loader, unless a segment it reads (the
  // interpreter path, dynamic strings) overlaps them: then clearing them would change the
  // program, and it is refused instead.
  auto before = read_elf(bytes);
  auto after = read_elf(out);
  if (!before || !after || before->interpreter != after->interpreter || before->needed != after->needed ||
      before->versions != after->versions) {
    return invalid_elf("a segment overlaps the ELF header's section fields; stripping would change what the loader reads");
  }
  return out;
}

}  // namespace lift::cli
