#pragma once
// UTF-8 well-formedness (RFC 3629): whether a body can travel as JSON text or must be base64,
// and where a JSON writer has to replace bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace lift {

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 when it is malformed
// (no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept;

// Whether all of `text` is well-formed UTF-8.
bool valid_utf8(std::string_view text) noexcept;

// How replace_invalid_utf8 writes a byte that starts no well-formed sequence.
enum class InvalidByte {
  replacement_character,  // U+FFFD, as JSON writers in replace mode write it
  percent_encoded,        // %FF, for text in URI form (a path, a query string)
};

// `text` with each byte that starts no well-formed sequence replaced, so that it is UTF-8 (a
// JSON string, say) whatever arrived.
std::string replace_invalid_utf8(std::string_view text, InvalidByte as = InvalidByte::replacement_character);

}  // namespace lift
