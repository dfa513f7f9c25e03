// Query parameters and headers bound to described structs (lift::Query<P>, lift::Headers<H>):
// the non-template half of handler.hpp's binding, and their OpenAPI parameter objects.

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "lift/app/handler.hpp"

namespace lift::detail {

namespace {

template <class N>
bool read_whole(std::string_view text, N& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// "if_match" -> "If-Match": how a header is written in documents and errors.
std::string header_display_name(std::string_view member) {
  std::string out(member);
  bool word_start = true;
  for (auto& c : out) {
    if (c == '_') c = '-';
    const auto u = static_cast<unsigned char>(c);
    c = static_cast<char>(word_start ? std::toupper(u) : std::tolower(u));
    word_start = c == '-';
  }
  return out;
}

// The detail's field with its leading member name written as the parameter is: `if_match` and
// `if_match[1]` become `If-Match` and `If-Match[1]` for a header; a query parameter is its member.
std::string parameter_field(std::string_view field, ParameterIn in) {
  if (in == ParameterIn::query) return std::string(field);
  const auto end = field.find_first_of(".[");
  const auto member = field.substr(0, end);
  return header_display_name(member) + std::string(end == std::string_view::npos ? std::string_view() : field.substr(end));
}

}  // namespace

boost::json::value parameter_json(ParameterText as, std::string_view text) {
  switch (as) {
    case ParameterText::integer: {
      std::int64_t signed_value = 0;
      if (read_whole(text, signed_value)) return signed_value;
      std::uint64_t unsigned_value = 0;
      if (read_whole(text, unsigned_value)) return unsigned_value;
      break;
    }
    case ParameterText::number: {
      double value = 0;
      if (read_whole(text, value) && std::isfinite(value)) return value;
      break;
    }
    case ParameterText::boolean:
      if (text == "true" || text == "1") return true;
      if (text == "false" || text == "0") return false;
      break;
    case ParameterText::string:
      break;
  }
  return boost::json::string(text);
}

std::string header_field(std::string_view member) {
  std::string out(member);
  for (auto& c : out) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error parameter_error(Error error, ParameterIn in) {
  const std::string_view what = in == ParameterIn::query ? "query parameter " : "header ";
  for (auto& detail : error.details) detail.field = parameter_field(detail.field, in);
  if (!error.details.empty()) {
    const auto& first = error.details.front();
    error.message = std::string(what) + first.field + ": " + first.message;
    if (const auto more = error.details.size() - 1; more > 0) {
      error.message += " (and " + std::to_string(more) + (more == 1 ? " more problem)" : " more problems)");
    }
  }
  error.code = in == ParameterIn::query ? "InvalidQuery" : "InvalidHeader";
  error.status = 400;
  return error;
}

boost::json::array parameter_docs(const boost::json::object& schema, ParameterIn in) {
  boost::json::array out;
  const auto* properties = schema.if_contains("properties");
  if (properties == nullptr || !properties->is_object()) return out;
  const auto* required = schema.if_contains("required");
  const auto is_required = [&](std::string_view name) {
    if (required == nullptr || !required->is_array()) return false;
    for (const auto& r : required->as_array()) {
      if (r.is_string() && r.as_string() == name) return true;
    }
    return false;
  };
  for (const auto& [name, property] : properties->as_object()) {
    boost::json::object parameter;
    parameter["name"] = in == ParameterIn::query ? std::string(name) : header_display_name(name);
    parameter["in"] = in == ParameterIn::query ? "query" : "header";
    parameter["required"] = is_required(name);
    parameter["schema"] = property;
    out.push_back(std::move(parameter));
  }
  return out;
}

}  // namespace lift::detail
