#include "zip_archive.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "lift/core/compression.hpp"

namespace lift::cli {
namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr std::uint16_t kVersion = 20;              // 2.0: deflate
constexpr std::uint16_t kMadeByUnix = (3u << 8) | kVersion;
constexpr std::uint16_t kUtf8Names = 0x0800;
constexpr std::uint16_t kDosDate1980 = (0u << 9) | (1u << 5) | 1u;  // 1980-01-01, the earliest DOS date

Error invalid_zip(std::string message) { return Error{"InvalidZip", std::move(message), 400, {}}; }

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
  put16(out, static_cast<std::uint16_t>(v >> 16));
}

// Little-endian reads with bounds checks: a reader that fails instead of running off the end.
class Cursor {
 public:
  Cursor(std::string_view bytes, std::uint64_t at) : bytes_(bytes), at_(at), ok_(at <= bytes.size()) {}
  std::uint16_t u16() { return static_cast<std::uint16_t>(take(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take(4)); }
  std::string_view text(std::uint64_t n) {
    if (!ok_ || bytes_.size() - at_ < n) {
      ok_ = false;
      return {};
    }
    auto out = bytes_.substr(at_, n);
    at_ += n;
    return out;
  }
  void skip(std::uint64_t n) { (void)text(n); }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::uint64_t at() const { return at_; }

 private:
  std::uint64_t take(int n) {
    if (!ok_ || bytes_.size() - at_ < static_cast<std::uint64_t>(n)) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes_[at_ + i]);
    at_ += n;
    return v;
  }
  std::string_view bytes_;
  std::uint64_t at_;
  bool ok_;
};

std::uint32_t crc_of(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large data in pieces.
  while (!data.empty()) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(data.size(), 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), n);
    data.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(crc);
}

Result<std::string> deflate_raw(std::string_view data) {
  // Raw deflate: zip adds its own header and CRC.
  auto out = compression::deflate(data, compression::Framing::raw, compression::Level::best);
  if (!out) return Error{"ZipFailed", out.error().message, 500, {}};
  return out;
}

Result<std::string> inflate_raw(std::string_view data, std::uint64_t expected, std::uint64_t limit) {
  if (expected > limit) return invalid_zip("an entry of " + std::to_string(expected) + " bytes is over the limit");
  auto out = compression::inflate(data, compression::Framing::raw, static_cast<std::size_t>(expected));
  // Exactly the declared size: more is refused, less is a lie in the directory.
  if (!out || out->size() != expected) return invalid_zip("an entry's compressed data is corrupt");
  return out;
}

}  // namespace

Result<std::string> write_zip(const std::vector<ZipEntry>& entries) {
  std::string out;
  std::string directory;
  for (const auto& entry : entries) {
    if (entry.name.empty() || entry.name.size() > 0xffff) return invalid_zip("an entry name is empty or too long");
    if (entry.data.size() >= std::numeric_limits<std::uint32_t>::max()) return invalid_zip(entry.name + " is too large for a zip without Zip64");
    auto deflated = deflate_raw(entry.data);
    if (!deflated) return std::move(deflated).error();
    // Store what deflate does not shrink (already compressed data).
    const bool store = deflated->size() >= entry.data.size();
    const std::string_view body = store ? std::string_view(entry.data) : std::string_view(*deflated);
    const std::uint16_t method = store ? 0 : 8;
    const std::uint32_t crc = crc_of(entry.data);
    if (out.size() >= std::numeric_limits<std::uint32_t>::max()) return invalid_zip("the archive is too large without Zip64");
    const auto offset = static_cast<std::uint32_t>(out.size());

    put32(out, kLocalHeader);
    put16(out, kVersion);
    put16(out, kUtf8Names);
    put16(out, method);
    put16(out, 0);  // time 00:00:00
    put16(out, kDosDate1980);
    put32(out, crc);
    put32(out, static_cast<std::uint32_t>(body.size()));
    put32(out, static_cast<std::uint32_t>(entry.data.size()));
    put16(out, static_cast<std::uint16_t>(entry.name.size()));
    put16(out, 0);
    out += entry.name;
    out += body;

    put32(directory, kCentralHeader);
    put16(directory, kMadeByUnix);
    put16(directory, kVersion);
    put16(directory, kUtf8Names);
    put16(directory, method);
    put16(directory, 0);
    put16(directory, kDosDate1980);
    put32(directory, crc);
    put32(directory, static_cast<std::uint32_t>(body.size()));
    put32(directory, static_cast<std::uint32_t>(entry.data.size()));
    put16(directory, static_cast<std::uint16_t>(entry.name.size()));
    put16(directory, 0);  // extra
    put16(directory, 0);  // comment
    put16(directory, 0);  // disk
    put16(directory, 0);  // internal attributes
    put32(directory, entry.mode << 16);  // Unix mode in the high half of the external attributes
    put32(directory, offset);
    directory += entry.name;
  }
  if (entries.size() > 0xffff) return invalid_zip("too many entries for a zip without Zip64");
  const auto directory_offset = static_cast<std::uint32_t>(out.size());
  out += directory;
  put32(out, kEndOfCentralDirectory);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint16_t>(entries.size()));
  put16(out, static_cast<std::uint16_t>(entries.size()));
  put32(out, static_cast<std::uint32_t>(directory.size()));
  put32(out, directory_offset);
  put16(out, 0);
  return out;
}

Result<std::vector<ZipEntry>> read_zip(std::string_view archive, bool with_data, std::uint64_t max_entry_bytes) {
  // The end record is the last 22 bytes, unless a comment (at most 65535 bytes) follows it.
  constexpr std::size_t kEndSize = 22;
  if (archive.size() < kEndSize) return invalid_zip("too short to be a zip file");
  std::optional<std::size_t> end_at;
  const std::size_t lowest = archive.size() >= kEndSize + 0xffff ? archive.size() - kEndSize - 0xffff : 0;
  for (std::size_t at = archive.size() - kEndSize + 1; at-- > lowest;) {
    Cursor c(archive, at);
    if (c.u32() == kEndOfCentralDirectory) {
      end_at = at;
      break;
    }
  }
  if (!end_at) return invalid_zip("no end of central directory record: not a zip file");
  Cursor end(archive, *end_at + 4);
  const auto disk = end.u16();
  const auto directory_disk = end.u16();
  end.u16();
  const auto count = end.u16();
  const auto directory_size = end.u32();
  const auto directory_offset = end.u32();
  if (disk != 0 || directory_disk != 0) return invalid_zip("multi-part zip files are not supported");
  if (count == 0xffff || directory_offset == 0xffffffff) return invalid_zip("Zip64 archives are not supported");
  if (std::uint64_t{directory_offset} + directory_size > *end_at) return invalid_zip("the central directory is outside the file");

  std::vector<ZipEntry> entries;
  Cursor c(archive, directory_offset);
  for (std::uint16_t i = 0; i < count; ++i) {
    if (c.u32() != kCentralHeader) return invalid_zip("central directory entry " + std::to_string(i) + " is corrupt");
    c.u16();  // made by
    c.u16();  // needed
    const auto flags = c.u16();
    const auto method = c.u16();
    c.u16();
    c.u16();
    ZipEntry entry;
    entry.crc32 = c.u32();
    entry.compressed_size = c.u32();
    entry.size = c.u32();
    const auto name_length = c.u16();
    const auto extra_length = c.u16();
    const auto comment_length = c.u16();
    c.u16();
    c.u16();
    entry.mode = c.u32() >> 16;
    const auto local_offset = c.u32();
    entry.name = std::string(c.text(name_length));
    c.skip(extra_length);
    c.skip(comment_length);
    if (!c.ok()) return invalid_zip("the central directory is truncated");
    if (entry.compressed_size == 0xffffffff || entry.size == 0xffffffff || local_offset == 0xffffffff) {
      return invalid_zip("Zip64 entries are not supported");
    }
    if ((flags & 1) != 0) return invalid_zip(entry.name + " is encrypted");
    if (method != 0 && method != 8) return invalid_zip(entry.name + " uses compression method " + std::to_string(method));
    if (with_data) {
      Cursor local(archive, local_offset);
      if (local.u32() != kLocalHeader) return invalid_zip(entry.name + ": local header is corrupt");
      local.skip(22);
      const auto local_name = local.u16();
      const auto local_extra = local.u16();
      local.skip(std::uint64_t{local_name} + local_extra);
      const auto body = local.text(entry.compressed_size);
      if (!local.ok()) return invalid_zip(entry.name + ": data runs past the end of the file");
      if (method == 0) {
        if (entry.compressed_size != entry.size) return invalid_zip(entry.name + ": stored sizes disagree");
        if (entry.size > max_entry_bytes) return invalid_zip(entry.name + " is over the size limit");
        entry.data = std::string(body);
      } else {
        auto inflated = inflate_raw(body, entry.size, max_entry_bytes);
        if (!inflated) return invalid_zip(entry.name + ": " + inflated.error().message);
        entry.data = std::move(*inflated);
      }
      if (crc_of(entry.data) != entry.crc32) return invalid_zip(entry.name + ": CRC-32 mismatch");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace lift::cli
