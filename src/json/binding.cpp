// Non-template parts of the typed conversion: paths, error values, RFC 3339, text writers,
// parsing with a position.


#include <algorithm>
#include <charconv>
#include <cmath>
#include <chrono>
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

std::string enum_names_message(const std::string_view* names, std::size_t count) {
  std::string message = "expected one of: ";
  for (std::size_t i = 0; i < count; ++i) {
    if (i != 0) message += ", ";
    message += names[i];
  }
  return message;
}

// ---- RFC 3339 ----

namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) noexcept {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

}  // namespace

bool parse_rfc3339(std::string_view text, std::int64_t& seconds, std::uint32_t& nanos) noexcept {
  // full-date "T" full-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 't', 'z' and a
  // space separator are accepted as RFC 3339 section 5.6 allows.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, month) ||
      text[7] != '-' || !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second)) {
    return false;
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return false;

  std::size_t at = 19;
  std::uint32_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t first = at;
    std::uint32_t scale = 100'000'000;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      // Digits past nanoseconds are truncated.
      fraction += static_cast<std::uint32_t>(text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == first) return false;
  }
  if (at >= text.size()) return false;
  int offset_minutes = 0;
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else if (text[at] == '+' || text[at] == '-') {
    int offset_hour = 0, offset_minute = 0;
    if (!digits(text, at + 1, 2, offset_hour) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !digits(text, at + 4, 2, offset_minute) || offset_hour > 23 || offset_minute > 59) {
      return false;
    }
    offset_minutes = (offset_hour * 60 + offset_minute) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return false;
  }
  if (at != text.size()) return false;

  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  // A leap second (:60) lands on the first second of the next minute.
  seconds = static_cast<std::int64_t>(days) * 86'400 + hour * 3'600 + minute * 60 + second - offset_minutes * 60;
  nanos = fraction;
  return true;
}

void append_rfc3339(std::string& out, std::int64_t seconds, std::uint32_t nanos) {
  const auto day_count = seconds >= 0 ? seconds / 86'400 : -((-seconds + 86'399) / 86'400);
  const auto in_day = seconds - day_count * 86'400;
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(day_count))};
  char buffer[40];
  char* p = buffer;
  const auto put = [&p](unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  put(static_cast<unsigned>(static_cast<int>(date.year())), 4);
  *p++ = '-';
  put(static_cast<unsigned>(date.month()), 2);
  *p++ = '-';
  put(static_cast<unsigned>(date.day()), 2);
  *p++ = 'T';
  put(static_cast<unsigned>(in_day / 3'600), 2);
  *p++ = ':';
  put(static_cast<unsigned>(in_day / 60 % 60), 2);
  *p++ = ':';
  put(static_cast<unsigned>(in_day % 60), 2);
  if (nanos != 0) {
    *p++ = '.';
    if (nanos % 1'000'000 == 0) put(nanos / 1'000'000, 3);
    else if (nanos % 1'000 == 0) put(nanos / 1'000, 6);
    else put(nanos, 9);
  }
  *p++ = 'Z';
  out.append(buffer, p);
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
