#pragma once
// The resilience layer's own log lines: one JSON object per line, written at once with
// lift::write_log_line, the way every log line of lift is written.

#include <cstdio>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace lift::resilience::detail {

struct LogField {
  std::string_view key;
  std::variant<std::string_view, double> value;
};

// {"level":LEVEL,"message":MESSAGE,<fields>...}\n to `out` (nothing when null); text escaped,
// malformed UTF-8 replaced, numbers as plain decimals.
void write_event(std::FILE* out, std::string_view level, std::string_view message, std::initializer_list<LogField> fields) noexcept;

}  // namespace lift::resilience::detail
