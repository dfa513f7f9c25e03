#include "lift/core/random.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

TEST(Random, HexHasTheDigitsAskedFor) {
  for (const std::size_t digits : {0u, 1u, 16u, 24u, 33u}) {
    const auto id = lift::random_hex(digits);
    EXPECT_EQ(id.size(), digits);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  }
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(lift::random_hex(32));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Random, DigitsHaveTheDigitsAskedForAndUseThemAll) {
  for (const std::size_t digits : {0u, 1u, 18u, 56u}) {
    const auto number = lift::random_digits(digits);
    EXPECT_EQ(number.size(), digits);
    EXPECT_EQ(number.find_first_not_of("0123456789"), std::string::npos) << number;
  }
  const auto many = lift::random_digits(10000);
  for (char digit = '0'; digit <= '9'; ++digit) EXPECT_NE(many.find(digit), std::string::npos) << digit;
}

TEST(Random, BytesFillTheWholeBuffer) {
  // 64 zero bytes from a working source: about 2^-512.
  std::string bytes(64, '\0');
  lift::random_bytes(bytes.data(), bytes.size());
  EXPECT_NE(bytes, std::string(64, '\0'));
}

}  // namespace
