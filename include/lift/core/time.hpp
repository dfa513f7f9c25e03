#pragma once
// Times as AWS writes them: RFC 3339 UTC text (logs, events, DynamoDB items, JSON bodies), the
// access-log time API Gateway puts in requestContext, and milliseconds since the epoch. The
// calendar comes from <chrono>: no gmtime_r, no time zone lock.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lift {

using SystemTime = std::chrono::system_clock::time_point;

// Milliseconds since 1970-01-01T00:00:00Z (Lambda's deadlines, API Gateway's timeEpoch).
std::int64_t epoch_ms(SystemTime time) noexcept;

// Digits after the seconds: none, 3, 9 (a fixed width that sorts as text), or the fewest of
// 0, 3, 6 and 9 that keep the value.
enum class Fraction { none, millis, nanos, shortest };

// RFC 3339 in UTC: 2024-01-20T11:55:00.453Z (with Fraction::millis). Years outside 0000-9999
// are clamped to them.
void append_rfc3339(std::string& out, std::int64_t seconds, std::uint32_t nanos, Fraction fraction);
void append_rfc3339(std::string& out, SystemTime time, Fraction fraction = Fraction::millis);
std::string rfc3339(SystemTime time, Fraction fraction = Fraction::millis);

// Reads an RFC 3339 date-time, YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), with the 't',
// 'z' and space RFC 3339 section 5.6 allows. Fraction digits past nanoseconds are dropped; a
// leap second (:60) is the first second of the next minute. False (nullopt) when malformed.
bool parse_rfc3339(std::string_view text, std::int64_t& seconds, std::uint32_t& nanos) noexcept;
// As above, for times within the system clock's range.
std::optional<SystemTime> parse_rfc3339(std::string_view text) noexcept;

// The Common Log Format time API Gateway writes in requestContext: 20/Jan/2024:11:55:00 +0000.
std::string clf_time(SystemTime time);

}  // namespace lift
