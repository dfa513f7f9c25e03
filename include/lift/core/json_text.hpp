#pragma once
// Writing JSON text directly, for the hot paths that skip building a DOM (response answers,
// typed serialisation).

#include <cstddef>
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

// Appends `value` as a JSON number in plain decimal notation, as people and log tools read
// numbers (0.267, 1500, -12.5; never 2.67E-1): the fewest digits that read back as the same
// double, in fixed notation from 1e-6 up to 1e21 in magnitude and in exponent notation outside
// that range (as JavaScript writes numbers), so that no value makes a line run long. NaN and
// infinities, which JSON cannot hold, become null. Every log line of lift writes doubles so.
void append_json_number(std::string& out, double value);

// Whether `text` is written as it is between the quotes: nothing in it to escape (or, with
// InvalidUtf8::replace, to replace).
bool json_text_is_plain(std::string_view text, InvalidUtf8 invalid = InvalidUtf8::keep) noexcept;

// The most bytes write_json_string writes for a text of `size` bytes (every byte as \u00XX).
constexpr std::size_t json_string_room(std::size_t size) noexcept { return 6 * size + 2; }

// As append_json_string, written at `to`, which has json_string_room(text.size()) bytes; returns
// the end. For writers that make room for several strings at once (an answer's headers).
char* write_json_string(char* to, std::string_view text, InvalidUtf8 invalid = InvalidUtf8::keep) noexcept;

}  // namespace lift
