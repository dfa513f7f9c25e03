#include "lift/core/json_text.hpp"
#include "lift/core/utf8.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <string_view>

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

// Numbers in log lines read as people and log tools expect: 0.267, not 2.67E-1.
TEST(JsonText, NumbersArePlainDecimals) {
  const auto text = [](double value) {
    std::string out;
    lift::append_json_number(out, value);
    return out;
  };
  EXPECT_EQ(text(0.267), "0.267");
  EXPECT_EQ(text(2.67e-1), "0.267");
  EXPECT_EQ(text(1500), "1500");
  EXPECT_EQ(text(-12.5), "-12.5");
  EXPECT_EQ(text(0), "0");
  EXPECT_EQ(text(0.000015), "0.000015");
  EXPECT_EQ(text(0.1 + 0.2), "0.30000000000000004");  // the fewest digits that read back the same
  EXPECT_EQ(text(1e20), "100000000000000000000");
  EXPECT_EQ(text(1478293361.271), "1478293361.271");
  // Outside 1e-6 .. 1e21 in magnitude, plain digits would run long: exponent notation, as
  // JavaScript writes these.
  EXPECT_EQ(text(1e-7), "1e-07");
  EXPECT_EQ(text(-1e21), "-1e+21");
  EXPECT_EQ(text(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  // JSON holds no NaN or infinity.
  EXPECT_EQ(text(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(text(-std::numeric_limits<double>::infinity()), "null");
}

}  // namespace

namespace {

// The obvious byte-at-a-time escaper, to hold the word-at-a-time one to.
std::string reference_escape(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '\b') out += "\\b";
    else if (c == '\f') out += "\\f";
    else if (c < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += buffer;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

TEST(JsonText, MatchesTheByteAtATimeEscaperOnEveryByteAndLength) {
  std::mt19937 bytes(7);  // fixed seed: the same strings on every run
  for (int round = 0; round < 20000; ++round) {
    std::string text(static_cast<std::size_t>(round % 41), '\0');
    // Mostly plain text with the occasional byte to escape, at every offset within a word.
    for (auto& c : text) {
      const auto r = bytes() % 100;
      c = r < 90 ? static_cast<char>('a' + bytes() % 26) : static_cast<char>(bytes() % 256);
    }
    std::string out = "prefix";
    lift::append_json_string(out, text);
    ASSERT_EQ(out, "prefix" + reference_escape(text)) << round;
  }
  for (int c = 0; c < 256; ++c) {
    const std::string text = "0123456789" + std::string(1, static_cast<char>(c)) + "abcdefghij";
    std::string out;
    lift::append_json_string(out, text);
    ASSERT_EQ(out, reference_escape(text)) << c;
  }
  // Short text (checked in overlapping words, not byte by byte): every byte at every place, and
  // the in-place writer agreeing with the appending one.
  for (std::size_t length = 1; length < 17; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string text(length, 'k');
        text[at] = static_cast<char>(c);
        std::string out;
        lift::append_json_string(out, text);
        ASSERT_EQ(out, reference_escape(text)) << length << " " << at << " " << c;
        std::string room(lift::json_string_room(text.size()), '\0');
        room.resize(static_cast<std::size_t>(lift::write_json_string(room.data(), text) - room.data()));
        ASSERT_EQ(room, out) << length << " " << at << " " << c;
      }
    }
  }
}

}  // namespace

namespace {

TEST(JsonText, InvalidUtf8IsReplacedOnlyWhenAsked) {
  const std::string_view text("ok \xc3\xa9 \xff \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98\x80 end", 23);
  std::string kept;
  lift::append_json_string(kept, text);
  EXPECT_EQ(kept, "\"" + std::string(text) + "\"");
  std::string replaced;
  lift::append_json_string(replaced, text, lift::InvalidUtf8::replace);
  // é and the emoji stay; a stray byte, an overlong form and a surrogate become U+FFFD per byte.
  EXPECT_EQ(replaced, "\"ok \xc3\xa9 \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \xf0\x9f\x98\x80 end\"");
}

}  // namespace

namespace {

// reference_escape, with ill-formed UTF-8 replaced by U+FFFD one byte at a time.
std::string reference_replace(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const auto one = reference_escape(text.substr(i, 1));
      out += one.substr(1, one.size() - 2);
      ++i;
    } else if (const auto n = lift::utf8_sequence_length(text, i); n != 0) {
      out += text.substr(i, n);
      i += n;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  return out + "\"";
}

// Long text is escaped in slices of a few KiB: what crosses a slice's end (an escape, a
// multi-byte character, a run of stray continuation bytes) comes out as in one piece.
TEST(JsonText, LongTextMatchesTheReferenceAcrossSliceBoundaries) {
  std::mt19937 bytes(11);
  const std::string_view pieces[] = {"a", "\"", "\\", "\n", "\x01", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xff", "\xed\xa0\x80"};
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const std::size_t length = 3000 + bytes() % 14000;
    while (text.size() < length) {
      const auto r = bytes() % 100;
      text += r < 80 ? std::string_view("abcdefgh") : pieces[bytes() % std::size(pieces)];
    }
    std::string kept = "[";
    lift::append_json_string(kept, text);
    ASSERT_EQ(kept, "[" + reference_escape(text)) << round;
    std::string replaced = "[";
    lift::append_json_string(replaced, text, lift::InvalidUtf8::replace);
    ASSERT_EQ(replaced, "[" + reference_replace(text)) << round;
  }
  // Continuation bytes only, longer than a slice.
  const std::string stray(9000, '\x80');
  std::string out;
  lift::append_json_string(out, stray, lift::InvalidUtf8::replace);
  EXPECT_EQ(out, reference_replace(stray));
}

}  // namespace
