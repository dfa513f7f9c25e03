#pragma once
// Writing JSON text directly, for the hot paths that skip building a DOM (response answers,
// typed serialisation).

#include <string>
#include <string_view>

namespace lift {

// Appends `text` as a quoted JSON string: '"', '\\' and control characters escaped; other bytes,
// UTF-8 included, copied as they are.
void append_json_string(std::string& out, std::string_view text);

}  // namespace lift
