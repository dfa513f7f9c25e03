#include "lift/core/hex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(Hex, EncodesEachByteAsTwoLowerCaseDigits) {
  EXPECT_EQ(lift::hex::encode(""), "");
  EXPECT_EQ(lift::hex::encode("abc"), "616263");
  EXPECT_EQ(lift::hex::encode(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}

TEST(Hex, DigitValueOfEitherCase) {
  EXPECT_EQ(lift::hex::digit_value('0'), 0);
  EXPECT_EQ(lift::hex::digit_value('9'), 9);
  EXPECT_EQ(lift::hex::digit_value('a'), 10);
  EXPECT_EQ(lift::hex::digit_value('F'), 15);
  EXPECT_EQ(lift::hex::digit_value('g'), -1);
  EXPECT_EQ(lift::hex::digit_value('%'), -1);
  static_assert(lift::hex::digit_value('c') == 12);
}

}  // namespace
