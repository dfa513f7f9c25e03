#pragma once
// Writing JSON text for logs, EMF and X-Ray documents without building a DOM. Unlike
// lift::append_json_string these writers accept any bytes: whatever a user logs must still
// come out as valid JSON (invalid UTF-8 becomes U+FFFD, long strings are cut).

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace lift::observability::detail {

inline constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

// Appends `text` as a quoted JSON string. Control characters, '"' and '\\' are escaped; each
// byte that does not start a well-formed UTF-8 sequence becomes \ufffd. When `text` is longer
// than `max_bytes`, it is cut on a character boundary and " …[truncated]" is appended.
void append_string(std::string& out, std::string_view text, std::size_t max_bytes = kNoLimit);

void append_int(std::string& out, std::int64_t value);
void append_uint(std::string& out, std::uint64_t value);
// Doubles: lift::append_json_number (lift/core/json_text.hpp), as in every log line.
// Fixed notation with `decimals` digits after the point (X-Ray times); NaN and infinities
// (which JSON cannot hold) become null.
void append_fixed(std::string& out, double value, int decimals);

// Serialises a Boost.JSON value; strings inside go through append_string.
void append_json(std::string& out, const boost::json::value& value, std::size_t max_bytes = kNoLimit);

// The demangled name of the dynamic type of `error`.
std::string type_name(const std::exception& error);

}  // namespace lift::observability::detail
