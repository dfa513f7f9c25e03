#include "lift/core/compression.hpp"

#include <zlib.h>

#include <limits>

namespace lift::compression {
namespace {

Error failed(std::string message) { return Error{"CompressionFailed", std::move(message), 500}; }

Error invalid(std::string message) { return Error{"InvalidCompressedData", std::move(message), 400}; }

int window_bits(Framing framing, bool reading) {
  switch (framing) {
    case Framing::raw: return -15;  // negative: no header or trailer
    case Framing::zlib:
    case Framing::gzip:
      if (reading) return 15 + 32;               // + 32: either header, detected from the data
      return framing == Framing::gzip ? 15 + 16 : 15;  // + 16: gzip's wrapper instead of zlib's
  }
  return 15;
}

std::string_view name(Framing framing) {
  switch (framing) {
    case Framing::gzip: return "gzip";
    case Framing::zlib: return "zlib";
    case Framing::raw: return "deflate";
  }
  return "deflate";
}

// One zlib stream, ended however the call returns.
class Deflater {
 public:
  Deflater(Framing framing, Level level) {
    const bool best = level == Level::best;
    ok_ = deflateInit2(&stream_, best ? Z_BEST_COMPRESSION : Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits(framing, false),
                       best ? 9 : 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&stream_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  Result<std::string> all(std::string_view data) {
    if (!ok_) return failed("zlib could not start deflating");
    if (data.size() > std::numeric_limits<uInt>::max()) return failed("data too large to deflate at once");
    std::string out(deflateBound(&stream_, static_cast<uLong>(data.size())), '\0');
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<uInt>(data.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    // deflateBound leaves room for everything: one call finishes the stream.
    if (::deflate(&stream_, Z_FINISH) != Z_STREAM_END) return failed("zlib could not deflate the data");
    out.resize(stream_.total_out);
    return out;
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

class Inflater {
 public:
  explicit Inflater(Framing framing) : name_(name(framing)) { ok_ = inflateInit2(&stream_, window_bits(framing, true)) == Z_OK; }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  Result<std::string> all(std::string_view data, std::size_t max_output) {
    if (!ok_) return invalid("invalid " + name_ + " data: cannot start inflating");
    if (data.size() > std::numeric_limits<uInt>::max()) return invalid("compressed data too large");
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<uInt>(data.size());
    constexpr std::size_t kChunk = 64 * 1024;
    std::string out;
    for (;;) {
      // Inflate straight into the output, a chunk at a time.
      const std::size_t used = out.size();
      out.resize(used + kChunk);
      stream_.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      stream_.avail_out = static_cast<uInt>(kChunk);
      const int status = ::inflate(&stream_, Z_NO_FLUSH);
      out.resize(used + kChunk - stream_.avail_out);
      if (out.size() > max_output) return invalid("inflated data larger than " + std::to_string(max_output) + " bytes");
      if (status == Z_STREAM_END) {
        if (stream_.avail_in != 0) return invalid("trailing data after the " + name_ + " stream");
        return out;
      }
      if (status == Z_BUF_ERROR && stream_.avail_in == 0) return invalid("invalid " + name_ + " data: truncated");
      if (status != Z_OK) {
        std::string problem = "invalid " + name_ + " data";
        if (stream_.msg != nullptr) problem.append(": ").append(stream_.msg);
        return invalid(std::move(problem));
      }
    }
  }

 private:
  std::string name_;
  z_stream stream_{};
  bool ok_ = false;
};

}  // namespace

Result<std::string> deflate(std::string_view data, Framing framing, Level level) { return Deflater(framing, level).all(data); }

Result<std::string> inflate(std::string_view data, Framing framing, std::size_t max_output) {
  return Inflater(framing).all(data, max_output);
}

}  // namespace lift::compression
