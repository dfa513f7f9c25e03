#pragma once
// Writing JSON text directly, for the hot paths that skip building a DOM (response answers,
// typed serialisation).

#include <string>
#include <string_view>

namespace lift {

// What to do with bytes that are not well-formed UTF-8.
enum class InvalidUtf8 {
  keep,     // copy them: the caller knows the text is UTF-8 (or sends it base64 otherwise)
  replace,  // write each as \ufffd, so the output is valid JSON whatever the input (log lines)
};

// Appends `text` as a quoted JSON string: '"', '\\' and control characters escaped; other bytes,
// UTF-8 included, copied as they are (malformed UTF-8 as `invalid` says).
void append_json_string(std::string& out, std::string_view text, InvalidUtf8 invalid = InvalidUtf8::keep);

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 when it is malformed
// (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept;

}  // namespace lift
