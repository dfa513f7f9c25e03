// The layer's JSON writers: strings from arbitrary bytes, numbers JSON cannot hold.
#include "observability/json_out.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>
#include <random>
#include <string>

namespace {

using namespace lift::observability::detail;

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
  append_fixed(out, std::numeric_limits<double>::quiet_NaN(), 6);
  out += ',';
  append_fixed(out, -std::numeric_limits<double>::infinity(), 6);
  out += ',';
  append_fixed(out, 1478293361.271, 6);
  EXPECT_EQ(out, "null,null,1478293361.271000");
}

}  // namespace
