#include "lift/core/json_text.hpp"

#include <gtest/gtest.h>

namespace {

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out = "x";
  lift::append_json_string(out, std::string_view("a\"b\\c\n\r\t\b\f\x01\x1f\0z", 14));
  EXPECT_EQ(out, R"(x"a\"b\\c\n\r\t\b\f\u0001\u001f\u0000z")");
}

TEST(JsonText, CopiesUtf8AndPlainTextAsIs) {
  std::string out;
  lift::append_json_string(out, "caf\xc3\xa9 / <ok>");
  EXPECT_EQ(out, "\"caf\xc3\xa9 / <ok>\"");
  out.clear();
  lift::append_json_string(out, "");
  EXPECT_EQ(out, "\"\"");
}

}  // namespace
