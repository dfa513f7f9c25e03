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

// `text` with each byte that starts no well-formed sequence replaced by U+FFFD (what JSON
// writers in replace mode write), so that it can be a JSON string whatever arrived.
std::string replace_invalid_utf8(std::string_view text);

}  // namespace lift
