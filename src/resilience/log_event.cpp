#include "log_event.hpp"

#include <string>

#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"

namespace lift::resilience::detail {

void write_event(std::FILE* out, std::string_view level, std::string_view message, std::initializer_list<LogField> fields) noexcept {
  if (out == nullptr) return;
  try {
    std::string line = R"({"level":)";
    append_json_string(line, level);
    line += R"(,"message":)";
    append_json_string(line, message, InvalidUtf8::replace);
    for (const auto& field : fields) {
      line += ',';
      append_json_string(line, field.key);
      line += ':';
      if (const auto* text = std::get_if<std::string_view>(&field.value)) {
        append_json_string(line, *text, InvalidUtf8::replace);
      } else {
        append_json_number(line, std::get<double>(field.value));
      }
    }
    line += "}\n";
    write_log_line(out, line);
  } catch (...) {
    // Out of memory for a log line: the call it describes must not fail for it.
  }
}

}  // namespace lift::resilience::detail
