// Non-template parts of the typed conversion: paths, error values, text writers, parsing with
// a position.


#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "lift/json/convert.hpp"

namespace lift::json::detail {

std::string render_path(const PathFrame* frame) {
  // Walk to the root once to size the output, then fill it in order.
  const PathFrame* chain[64];
  std::size_t depth = 0;
  std::vector<const PathFrame*> deep;  // only for paths deeper than 64
  for (const auto* f = frame; f != nullptr; f = f->parent) {
    if (depth < std::size(chain)) chain[depth] = f;
    else deep.push_back(f);
    ++depth;
  }
  std::string out;
  for (std::size_t i = depth; i-- > 0;) {
    const PathFrame* f = i < std::size(chain) ? chain[i] : deep[i - std::size(chain)];
    switch (f->kind) {
      case PathFrame::Kind::member:
        if (!out.empty()) out += '.';
        out += f->name;
        break;
      case PathFrame::Kind::index:
        out += '[';
        out += std::to_string(f->index);
        out += ']';
        break;
      case PathFrame::Kind::key:
        out += '[';
        append_escaped(out, f->name);
        out += ']';
        break;
    }
  }
  return out;
}

void Problems::add(const PathFrame* at, std::string message) {
  if (full()) return;
  details_.push_back(ErrorDetail{render_path(at), std::move(message)});
}

Error invalid_body(std::vector<ErrorDetail> details) {
  std::string message = details.empty() ? std::string("invalid body")
                        : details.front().field.empty()
                            ? details.front().message
                            : details.front().field + ": " + details.front().message;
  return Error{"InvalidBody", std::move(message), 400, std::move(details)};
}

std::string integer_range_message(std::int64_t min, std::uint64_t max) {
  return "expected integer between " + std::to_string(min) + " and " + std::to_string(max);
}

std::string inexact_integer_message(std::int64_t min, std::uint64_t max) {
  // The double may equal a whole number in range that is not the one the client wrote
  // (9007199254740993.0, or -9223372036854775809, which no 64-bit integer holds).
  return integer_range_message(min, max) + ", in digits only above 9007199254740991 in magnitude";
}

std::string count_of(std::size_t count, std::string_view noun) {
  std::string text = std::to_string(count);
  text += ' ';
  text += noun;
  if (count != 1) text += 's';
  return text;
}

std::string enum_names_message(const std::string_view* names, std::size_t count) {
  std::string message = "expected one of: ";
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) message += ", ";
    message += names[i];
  }
  return message;
}

// ---- text writers ----

void append_double(std::string& out, double value) {
  // Whole numbers of up to 15 digits read better as integers ("1000000", not "1e+06").
  // Negative zero keeps its sign only as "-0.0": parsers read "-0" as the integer 0.
  if (value == 0 && std::signbit(value)) {
    out += "-0.0";
    return;
  }
  if (std::trunc(value) == value && std::abs(value) < 1e15) {
    append_integer(out, static_cast<std::int64_t>(value));
    return;
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

double float_as_double(float value) noexcept {
  char buffer[32];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
  double widened = 0;
  std::from_chars(buffer, written.ptr, widened);
  return widened;
}

}  // namespace lift::json::detail
