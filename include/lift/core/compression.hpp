#pragma once
// DEFLATE over zlib (RFC 1950-1952): gzip response bodies and payloads, raw streams in zip
// files. In the lift_core_compression target, so that code which never compresses does not
// link zlib.

#include <cstddef>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::compression {

// The wrapper around the DEFLATE stream: gzip's header and CRC-32 trailer, zlib's header and
// Adler-32 trailer, or none (zip keeps its own header and CRC).
enum class Framing { gzip, zlib, raw };

// zlib's default (level 6) or its smallest output (level 9, all the memory zlib may use).
enum class Level { standard, best };

// The compressed form of `data`. Errors (zlib out of memory): code "CompressionFailed", 500.
Result<std::string> deflate(std::string_view data, Framing framing, Level level = Level::standard);

// The data of exactly one compressed stream: nothing may follow it, and more than `max_output`
// bytes of output is an error (a small input can inflate to gigabytes). Reading gzip or zlib
// accepts either (their headers tell them apart). Errors: code "InvalidCompressedData", 400,
// with a message such as "invalid gzip data: truncated".
Result<std::string> inflate(std::string_view data, Framing framing, std::size_t max_output);

}  // namespace lift::compression
