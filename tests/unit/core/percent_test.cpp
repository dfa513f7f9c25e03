#include "lift/core/percent.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using lift::percent::Plus;

TEST(Percent, DecodesEscapesOfEitherCase) {
  std::string out;
  EXPECT_TRUE(lift::percent::decode("a%20b+c%2f%2F", out));
  EXPECT_EQ(out, "a b+c//");
  EXPECT_TRUE(lift::percent::decode("%E2%82%AC%00x", out));
  EXPECT_EQ(out, std::string("\xe2\x82\xac\0x", 5));
  EXPECT_TRUE(lift::percent::decode("", out));
  EXPECT_EQ(out, "");
}

TEST(Percent, PlainTextIsCopiedAndReplacesTheOutput) {
  std::string out = "left over";
  EXPECT_TRUE(lift::percent::decode("/users/42", out));
  EXPECT_EQ(out, "/users/42");
}

TEST(Percent, PlusIsASpaceOnlyWhenAsked) {
  std::string out;
  EXPECT_TRUE(lift::percent::decode("a+b%2B", out, Plus::space));
  EXPECT_EQ(out, "a b+");
  EXPECT_EQ(lift::percent::decode("a+b%20c", Plus::space), "a b c");
  EXPECT_EQ(lift::percent::decode("a+b"), "a+b");
}

TEST(Percent, MalformedEscapesAreKeptAndReported) {
  std::string out;
  EXPECT_FALSE(lift::percent::decode("%g0", out));
  EXPECT_EQ(out, "%g0");
  EXPECT_FALSE(lift::percent::decode("abc%2", out));
  EXPECT_EQ(out, "abc%2");
  EXPECT_FALSE(lift::percent::decode("50%", out));
  EXPECT_EQ(out, "50%");
  EXPECT_FALSE(lift::percent::decode("%zz+x%41", out, Plus::space));
  EXPECT_EQ(out, "%zz xA");
  // API Gateway's way: the path keeps what it cannot decode.
  EXPECT_EQ(lift::percent::decode("a%2Fb%zz+c"), "a/b%zz+c");
}

}  // namespace
