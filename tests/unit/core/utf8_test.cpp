#include "lift/core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

TEST(Utf8, SequenceLengthFollowsRfc3629) {
  EXPECT_EQ(lift::utf8_sequence_length("A", 0), 1u);
  EXPECT_EQ(lift::utf8_sequence_length("\xc3\xa9", 0), 2u);
  EXPECT_EQ(lift::utf8_sequence_length("\xe2\x82\xac", 0), 3u);
  EXPECT_EQ(lift::utf8_sequence_length("\xf0\x9f\x98\x80", 0), 4u);
  EXPECT_EQ(lift::utf8_sequence_length("\xf4\x8f\xbf\xbf", 0), 4u);  // U+10FFFF
  EXPECT_EQ(lift::utf8_sequence_length("\xf4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(lift::utf8_sequence_length("\xe2\x82", 0), 0u);          // cut short
  EXPECT_EQ(lift::utf8_sequence_length("\xc0\xaf", 0), 0u);          // overlong
  EXPECT_EQ(lift::utf8_sequence_length("\xed\xa0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(lift::utf8_sequence_length("\x80", 0), 0u);              // stray continuation byte
  EXPECT_EQ(lift::utf8_sequence_length("a\xc3\xa9", 1), 2u);
}

TEST(Utf8, ValidAcceptsWellFormedText) {
  EXPECT_TRUE(lift::valid_utf8(""));
  EXPECT_TRUE(lift::valid_utf8("plain ASCII, longer than one eight-byte word"));
  EXPECT_TRUE(lift::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(lift::valid_utf8(std::string("nul \0 inside", 12)));
}

TEST(Utf8, ValidRefusesMalformedText) {
  for (const std::string_view bad : {
           std::string_view("\xff\xfe", 2),           // not UTF-8 at all
           std::string_view("abc\x80"),               // stray continuation byte
           std::string_view("\xc0\xaf"),              // overlong '/'
           std::string_view("\xe0\x80\xaf"),          // overlong, three bytes
           std::string_view("\xf0\x80\x80\xaf"),      // overlong, four bytes
           std::string_view("\xed\xa0\x80"),          // surrogate U+D800
           std::string_view("\xf4\x90\x80\x80"),      // above U+10FFFF
           std::string_view("\xf8\x88\x80\x80\x80"),  // five-byte form
           std::string_view("ends short \xe2\x82"),   // cut at the end
           std::string_view("\xc3(")}) {              // continuation byte missing
    EXPECT_FALSE(lift::valid_utf8(bad)) << bad;
  }
  // After a run of ASCII read eight bytes at a time, and inside one.
  EXPECT_FALSE(lift::valid_utf8("0123456789abcdef\xff"));
  EXPECT_FALSE(lift::valid_utf8("0123\xff" "4567890"));
}

TEST(Utf8, ReplaceInvalidKeepsGoodTextAndReplacesEachBadByte) {
  EXPECT_EQ(lift::replace_invalid_utf8(""), "");
  EXPECT_EQ(lift::replace_invalid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(lift::replace_invalid_utf8("caf\xe9"), "caf\xef\xbf\xbd");  // Latin-1
  EXPECT_EQ(lift::replace_invalid_utf8(std::string_view("\xff\xfe", 2)), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(lift::replace_invalid_utf8("a\xe2\x82" "b"), "a\xef\xbf\xbd\xef\xbf\xbd" "b");  // cut short
  EXPECT_EQ(lift::replace_invalid_utf8(std::string("nul \0", 5)), std::string("nul \0", 5));
  EXPECT_EQ(lift::replace_invalid_utf8("/caf\xe9/\xc3\xa9\xff", lift::InvalidByte::percent_encoded), "/caf%E9/\xc3\xa9%FF");
  for (const std::string_view bad : {std::string_view("\xc0\xaf"), std::string_view("\xed\xa0\x80"),
                                     std::string_view("0123456789abcdef\xff")}) {
    EXPECT_TRUE(lift::valid_utf8(lift::replace_invalid_utf8(bad))) << bad;
  }
}

}  // namespace
