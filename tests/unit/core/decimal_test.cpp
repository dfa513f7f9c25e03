#include "lift/core/decimal.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

lift::Decimal d(std::string_view text) { return lift::parse_decimal(text).value(); }

TEST(Decimal, ReadsIntoTheNormalForm) {
  EXPECT_EQ(d("123"), (lift::Decimal{1, "123", 3}));
  EXPECT_EQ(d("-0.050"), (lift::Decimal{-1, "5", -1}));
  EXPECT_EQ(d("1.23E-5"), (lift::Decimal{1, "123", -4}));
  EXPECT_EQ(d("+007.100e2"), (lift::Decimal{1, "71", 3}));
  EXPECT_EQ(d(".5"), (lift::Decimal{1, "5", 0}));
  EXPECT_EQ(d("5."), (lift::Decimal{1, "5", 1}));
  // Zero has one form whatever its sign and exponent.
  EXPECT_EQ(d("-0"), lift::Decimal{});
  EXPECT_EQ(d("0.000E+999999"), lift::Decimal{});
}

TEST(Decimal, EqualValuesHaveEqualForms) {
  EXPECT_EQ(d("1E2"), d("100"));
  EXPECT_EQ(d("1.0"), d("1"));
  EXPECT_EQ(d("0.001"), d("1e-3"));
  EXPECT_NE(d("1"), d("-1"));
}

TEST(Decimal, ComparisonIsByValue) {
  EXPECT_EQ(d("10") <=> d("9"), std::strong_ordering::greater);
  EXPECT_EQ(d("1.0") <=> d("1"), std::strong_ordering::equal);
  EXPECT_EQ(d("-10") <=> d("-9"), std::strong_ordering::less);
  EXPECT_EQ(d("0.001") <=> d("-1000"), std::strong_ordering::greater);
  EXPECT_EQ(d("1E3") <=> d("999.999"), std::strong_ordering::greater);
  EXPECT_EQ(d("0") <=> d("-0.5"), std::strong_ordering::greater);
  EXPECT_EQ(d("0.12") <=> d("0.1199"), std::strong_ordering::greater);
}

TEST(Decimal, RefusesWhatIsNotANumber) {
  for (const std::string_view bad : {"", "-", ".", "abc", "1..2", "1.2.3", "1e", "1E+", "1e5x", "0x10", " 1", "1 ", "--1", "1,5"}) {
    const auto result = lift::parse_decimal(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, "InvalidNumber");
    EXPECT_EQ(result.error().status, 400);
    EXPECT_EQ(result.error().message, "not a number") << bad;
  }
  EXPECT_EQ(lift::parse_decimal(std::string(5000, '1')).error().message, "not a number: too many digits");
}

TEST(Decimal, HugeExponentsSaturate) {
  // No overflow: the exponent stops growing past a million, far outside any range a caller checks.
  EXPECT_GT(d("1E99999999999999999999999").exponent, 1'000'000);
  EXPECT_LT(d("1E99999999999999999999999").exponent, 100'000'000);
  EXPECT_LT(d("1E-99999999999999999999999").exponent, -1'000'000);
}

}  // namespace
