#include "lift/core/time.hpp"

#include <algorithm>

namespace lift {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::int64_t kSecondsPerDay = 86'400;

// Writes `value` as exactly `width` digits at `at`.
void put(char* at, std::int64_t value, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Writes HH:MM:SS at `at`; returns the end.
char* put_clock(char* at, std::int64_t second_of_day) noexcept {
  put(at, second_of_day / 3600, 2);
  at[2] = ':';
  put(at + 3, second_of_day / 60 % 60, 2);
  at[5] = ':';
  put(at + 6, second_of_day % 60, 2);
  return at + 8;
}

struct Civil {
  int year;
  unsigned month;
  unsigned day;
  std::int64_t second_of_day;
};

Civil civil(std::int64_t seconds) noexcept {
  // Floor division: the seconds before 1970 belong to the day that starts before them.
  const std::int64_t day_count = seconds >= 0 ? seconds / kSecondsPerDay : -((-seconds + kSecondsPerDay - 1) / kSecondsPerDay);
  const year_month_day date{sys_days(days(day_count))};
  return {static_cast<int>(date.year()), static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
          seconds - day_count * kSecondsPerDay};
}

void split(SystemTime time, std::int64_t& seconds, std::uint32_t& nanos) noexcept {
  const auto whole = std::chrono::floor<std::chrono::seconds>(time);
  seconds = whole.time_since_epoch().count();
  nanos = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(time - whole).count());
}

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

std::int64_t epoch_ms(SystemTime time) noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

void append_rfc3339(std::string& out, std::int64_t seconds, std::uint32_t nanos, Fraction fraction) {
  const Civil c = civil(seconds);
  // Written digit by digit: this runs for every log line and stored item.
  char buffer[32];
  put(buffer, std::clamp(c.year, 0, 9999), 4);
  buffer[4] = '-';
  put(buffer + 5, c.month, 2);
  buffer[7] = '-';
  put(buffer + 8, c.day, 2);
  buffer[10] = 'T';
  char* end = put_clock(buffer + 11, c.second_of_day);
  int width = 0;
  switch (fraction) {
    case Fraction::none: break;
    case Fraction::millis: width = 3; break;
    case Fraction::nanos: width = 9; break;
    case Fraction::shortest: width = nanos == 0 ? 0 : nanos % 1'000'000 == 0 ? 3 : nanos % 1'000 == 0 ? 6 : 9; break;
  }
  if (width != 0) {
    *end++ = '.';
    std::int64_t scaled = nanos;
    for (int i = width; i < 9; ++i) scaled /= 10;
    put(end, scaled, width);
    end += width;
  }
  *end++ = 'Z';
  out.append(buffer, end);
}

void append_rfc3339(std::string& out, SystemTime time, Fraction fraction) {
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  split(time, seconds, nanos);
  append_rfc3339(out, seconds, nanos, fraction);
}

std::string rfc3339(SystemTime time, Fraction fraction) {
  std::string out;
  append_rfc3339(out, time, fraction);
  return out;
}

bool parse_rfc3339(std::string_view text, std::int64_t& seconds, std::uint32_t& nanos) noexcept {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, hour) ||
      text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return false;
  }
  const year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return false;

  std::size_t at = 19;
  std::uint32_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t first = at;
    std::uint32_t scale = 100'000'000;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction += static_cast<std::uint32_t>(text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == first) return false;
  }
  if (at >= text.size()) return false;  // a time without a zone is ambiguous
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

  const std::int64_t day_count = sys_days(date).time_since_epoch().count();
  seconds = day_count * kSecondsPerDay + hour * 3'600 + minute * 60 + second - offset_minutes * 60;
  nanos = fraction;
  return true;
}

std::optional<SystemTime> parse_rfc3339(std::string_view text) noexcept {
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  if (!parse_rfc3339(text, seconds, nanos)) return std::nullopt;
  // The clock's range (about ±292 years around 1970 at nanosecond precision) is narrower than
  // RFC 3339's.
  using Duration = SystemTime::duration;
  constexpr auto max_seconds = std::chrono::floor<std::chrono::seconds>(Duration::max()).count() - 1;
  constexpr auto min_seconds = std::chrono::ceil<std::chrono::seconds>(Duration::min()).count() + 1;
  if (seconds > max_seconds || seconds < min_seconds) return std::nullopt;
  return SystemTime(std::chrono::duration_cast<Duration>(std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos)));
}

std::string clf_time(SystemTime time) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Civil c = civil(std::chrono::floor<std::chrono::seconds>(time).time_since_epoch().count());
  char buffer[32];
  put(buffer, c.day, 2);
  buffer[2] = '/';
  std::copy_n(kMonths[(c.month - 1) % 12], 3, buffer + 3);
  buffer[6] = '/';
  put(buffer + 7, std::clamp(c.year, 0, 9999), 4);
  buffer[11] = ':';
  char* end = put_clock(buffer + 12, c.second_of_day);
  return std::string(buffer, end) + " +0000";
}

}  // namespace lift
