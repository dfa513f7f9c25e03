#include "lift/core/time.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <cstdio>
#include <random>
#include <string>

namespace {

using lift::Fraction;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

lift::SystemTime at_ms(std::int64_t ms) { return lift::SystemTime(milliseconds(ms)); }

// The same instant through the C library.
std::string reference(std::int64_t ms) {
  const time_t whole = static_cast<time_t>(ms / 1000);
  tm parts{};
  gmtime_r(&whole, &parts);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(ms % 1000));
  return buffer;
}

TEST(Time, Rfc3339IsUtcWithMillisecondsByDefault) {
  EXPECT_EQ(lift::rfc3339(at_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(lift::rfc3339(at_ms(951782400123)), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(lift::rfc3339(at_ms(1735689599999)), "2024-12-31T23:59:59.999Z");
  EXPECT_EQ(lift::rfc3339(at_ms(1705751700453)), "2024-01-20T11:55:00.453Z");
  std::mt19937_64 rng(11);
  for (int i = 0; i < 10000; ++i) {
    const auto ms = static_cast<std::int64_t>(rng() % 4102444800000ULL);  // up to 2100
    ASSERT_EQ(lift::rfc3339(at_ms(ms)), reference(ms)) << ms;
  }
}

TEST(Time, Rfc3339Fractions) {
  const auto t = lift::SystemTime(seconds(1705751700) + nanoseconds(453'000'000));
  EXPECT_EQ(lift::rfc3339(t, Fraction::none), "2024-01-20T11:55:00Z");
  EXPECT_EQ(lift::rfc3339(t, Fraction::nanos), "2024-01-20T11:55:00.453000000Z");
  EXPECT_EQ(lift::rfc3339(t, Fraction::shortest), "2024-01-20T11:55:00.453Z");
  std::string out;
  lift::append_rfc3339(out, 1705751700, 0, Fraction::shortest);
  out += ' ';
  lift::append_rfc3339(out, 1705751700, 120'000, Fraction::shortest);
  out += ' ';
  lift::append_rfc3339(out, 1705751700, 7, Fraction::shortest);
  EXPECT_EQ(out, "2024-01-20T11:55:00Z 2024-01-20T11:55:00.000120Z 2024-01-20T11:55:00.000000007Z");
  // Fixed-width text sorts as the times do.
  EXPECT_LT(lift::rfc3339(lift::SystemTime(seconds(1) + milliseconds(5)), Fraction::nanos),
            lift::rfc3339(lift::SystemTime(seconds(1) + milliseconds(50)), Fraction::nanos));
}

TEST(Time, BeforeTheEpochCountsBackFromTheDayBefore) {
  EXPECT_EQ(lift::rfc3339(at_ms(-1)), "1969-12-31T23:59:59.999Z");
  std::string out;
  lift::append_rfc3339(out, -86'400 * 365, 0, Fraction::none);
  EXPECT_EQ(out, "1969-01-01T00:00:00Z");
}

TEST(Time, ParsesRfc3339) {
  std::int64_t s = 0;
  std::uint32_t n = 0;
  ASSERT_TRUE(lift::parse_rfc3339("2024-01-20T11:55:00.453Z", s, n));
  EXPECT_EQ(s, 1705751700);
  EXPECT_EQ(n, 453'000'000u);
  ASSERT_TRUE(lift::parse_rfc3339("2026-11-23t12:00:00+01:30", s, n));
  EXPECT_EQ(lift::rfc3339(lift::SystemTime(seconds(s)), Fraction::none), "2026-11-23T10:30:00Z");
  ASSERT_TRUE(lift::parse_rfc3339("2024-01-20 11:55:00.1234567891z", s, n));
  EXPECT_EQ(n, 123'456'789u);  // past nanoseconds: dropped
  ASSERT_TRUE(lift::parse_rfc3339("2016-12-31T23:59:60Z", s, n));
  EXPECT_EQ(lift::rfc3339(lift::SystemTime(seconds(s)), Fraction::none), "2017-01-01T00:00:00Z");
  ASSERT_TRUE(lift::parse_rfc3339("0001-01-01T00:00:00-00:01", s, n));  // outside the clock, not of RFC 3339
  EXPECT_FALSE(lift::parse_rfc3339("0001-01-01T00:00:00Z").has_value());

  const auto t = lift::parse_rfc3339("2026-11-23T10:30:00.5Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(lift::rfc3339(*t, Fraction::nanos), "2026-11-23T10:30:00.500000000Z");
}

TEST(Time, RefusesWhatIsNotRfc3339) {
  for (const char* bad : {"", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T10:30:00",
                          "2026-11-23T10:30:00.Z", "2026-11-23T10:30:00+0100", "2026-11-23T10:30:00+01:00x",
                          "2026-11-23X10:30:00Z", "2026/11/23T10:30:00Z", "2026-11-23T10:30Z", "+026-11-23T10:30:00Z"}) {
    std::int64_t s = 0;
    std::uint32_t n = 0;
    EXPECT_FALSE(lift::parse_rfc3339(bad, s, n)) << bad;
    EXPECT_FALSE(lift::parse_rfc3339(bad).has_value()) << bad;
  }
}

TEST(Time, CommonLogFormatAndEpochMilliseconds) {
  const auto t = at_ms(1705751700453);
  EXPECT_EQ(lift::clf_time(t), "20/Jan/2024:11:55:00 +0000");
  EXPECT_EQ(lift::clf_time(at_ms(1583348638000)), "04/Mar/2020:19:03:58 +0000");
  EXPECT_EQ(lift::epoch_ms(t), 1705751700453);
}

}  // namespace
