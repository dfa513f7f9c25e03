#include "json_out.hpp"

#include "lift/core/json_text.hpp"

#include <cxxabi.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>

namespace lift::observability::detail {
namespace {

constexpr std::string_view kTruncated = " \u2026[truncated]";

}  // namespace

void append_string(std::string& out, std::string_view text, std::size_t max_bytes) {
  bool truncated = false;
  if (text.size() > max_bytes) {
    std::size_t cut = max_bytes;
    // Back up to the start of a character so the cut does not make a malformed sequence.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80 && max_bytes - cut < 3) --cut;
    text = text.substr(0, cut);
    truncated = true;
  }
  // Log lines must be valid JSON whatever the message holds.
  append_json_string(out, text, InvalidUtf8::replace);
  if (truncated) out.insert(out.size() - 1, kTruncated);
}

void append_int(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_uint(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_fixed(std::string& out, double value, int decimals) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (result.ec != std::errc{}) {
    append_json_number(out, value);
    return;
  }
  out.append(buffer, result.ptr);
}

void append_json(std::string& out, const boost::json::value& value, std::size_t max_bytes) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: append_int(out, value.get_int64()); break;
    case boost::json::kind::uint64: append_uint(out, value.get_uint64()); break;
    case boost::json::kind::double_: append_json_number(out, value.get_double()); break;
    case boost::json::kind::string: append_string(out, value.get_string(), max_bytes); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_json(out, item, max_bytes);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) out += ',';
        first = false;
        append_string(out, member.key(), max_bytes);
        out += ':';
        append_json(out, member.value(), max_bytes);
      }
      out += '}';
      break;
    }
  }
}

std::string type_name(const std::exception& error) {
  const char* mangled = typeid(error).name();
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                              &std::free);
  return status == 0 && demangled ? std::string(demangled.get()) : std::string(mangled);
}

}  // namespace lift::observability::detail
