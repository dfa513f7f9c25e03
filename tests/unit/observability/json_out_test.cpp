// The layer's JSON writers: timestamps without gmtime_r, strings from arbitrary bytes.
#include "observability/json_out.hpp"

#include <gtest/gtest.h>
#include <time.h>

#include <boost/json.hpp>
#include <cstdio>
#include <limits>
#include <random>
#include <string>

namespace {

using namespace lift::observability::detail;
using Clock = std::chrono::system_clock;

std::string timestamp(std::int64_t ms) {
  std::string out;
  append_timestamp(out, Clock::time_point(std::chrono::milliseconds(ms)));
  return out;
}

// The same instant through the C library.
std::string reference(std::int64_t ms) {
  const time_t seconds = static_cast<time_t>(ms / 1000);
  tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(ms % 1000));
  return buffer;
}

TEST(JsonOutTest, TimestampsAreRfc3339UtcWithMilliseconds) {
  EXPECT_EQ(timestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(timestamp(951782400123), "2000-02-29T00:00:00.123Z");
  EXPECT_EQ(timestamp(1735689599999), "2024-12-31T23:59:59.999Z");
  std::mt19937_64 rng(11);
  for (int i = 0; i < 10000; ++i) {
    const auto ms = static_cast<std::int64_t>(rng() % 4102444800000ULL);  // up to 2100
    ASSERT_EQ(timestamp(ms), reference(ms)) << ms;
  }
}

TEST(JsonOutTest, StringsFromAnyBytesParseBack) {
  std::mt19937 rng(3);
  for (int i = 0; i < 5000; ++i) {
    std::string bytes(rng() % 40, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    std::string out;
    append_string(out, bytes, i % 2 == 0 ? kNoLimit : 17);
    boost::json::error_code ec;
    const auto parsed = boost::json::parse(out, ec);
    ASSERT_FALSE(ec) << out;
    ASSERT_TRUE(parsed.is_string());
  }
  std::string out;
  append_string(out, "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\ \x01");
  EXPECT_EQ(boost::json::parse(out).as_string(), "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \\ \x01");
}

TEST(JsonOutTest, NumbersThatJsonCannotHoldBecomeNull) {
  std::string out;
  append_double(out, std::numeric_limits<double>::quiet_NaN());
  out += ',';
  append_double(out, -std::numeric_limits<double>::infinity());
  out += ',';
  append_double(out, 0.1);
  out += ',';
  append_fixed(out, 1478293361.271, 6);
  EXPECT_EQ(out, "null,null,0.1,1478293361.271000");
}

}  // namespace
