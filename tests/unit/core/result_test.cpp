#include "lift/core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

lift::Result<int> parse_positive(int n) {
  if (n <= 0) return lift::Error{"not_positive", "expected a positive number", 400};
  return n;
}

TEST(Result, HoldsValue) {
  auto r = parse_positive(3);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 3);
  EXPECT_EQ(r.value_or(9), 3);
}

TEST(Result, HoldsError) {
  auto r = parse_positive(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "not_positive");
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.value_or(9), 9);
}

TEST(Result, ReadingTheValueOfAnErrorThrowsLogicError) {
  auto r = parse_positive(0);
  EXPECT_THROW((void)r.value(), lift::BadResultAccess);
  auto good = parse_positive(1);
  EXPECT_THROW((void)good.error(), std::logic_error);
}

TEST(Result, MoveOnlyValues) {
  lift::Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r);
  auto owned = std::move(r).value();
  EXPECT_EQ(*owned, 7);
}

TEST(Result, VoidResult) {
  lift::Result<void> good = lift::ok();
  EXPECT_TRUE(good);
  EXPECT_NO_THROW(good.value());
  lift::Result<void> bad = lift::Error{"e", "m"};
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 500);
  EXPECT_THROW(bad.value(), lift::BadResultAccess);
}

}  // namespace
