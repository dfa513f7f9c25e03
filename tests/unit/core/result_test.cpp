#include "lift/core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

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

// ---- monadic operations (as std::expected's) ----

lift::Error not_found() { return lift::Error{"NotFound", "no such thing", 404}; }

TEST(ResultMonadic, AndThenChainsOnValuesAndPassesErrorsThrough) {
  const auto halve = [](int n) -> lift::Result<int> {
    if (n % 2 != 0) return lift::Error{"odd", "cannot halve an odd number", 422};
    return n / 2;
  };
  EXPECT_EQ(*parse_positive(8).and_then(halve).and_then(halve), 2);
  auto odd = parse_positive(3).and_then(halve);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().code, "odd");
  bool called = false;
  auto failed = parse_positive(-1).and_then([&](int n) -> lift::Result<std::string> {
    called = true;
    return std::to_string(n);
  });
  EXPECT_FALSE(called);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "not_positive");
  EXPECT_EQ(failed.error().status, 400);
}

TEST(ResultMonadic, TransformMapsTheValueToAnotherTypeOrToVoid) {
  lift::Result<std::string> text = parse_positive(42).transform([](int n) { return std::to_string(n); });
  EXPECT_EQ(*text, "42");
  int seen = 0;
  lift::Result<void> done = parse_positive(5).transform([&](int n) { seen = n; });
  EXPECT_TRUE(done);
  EXPECT_EQ(seen, 5);
  auto failed = parse_positive(0).transform([](int n) { return n * 2.5; });
  static_assert(std::is_same_v<decltype(failed), lift::Result<double>>);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "not_positive");
  // A function returning a reference gives a Result of a copy.
  struct Named {
    std::string name;
    const std::string& get() const { return name; }
  };
  lift::Result<Named> named = Named{"ada"};
  auto name = named.transform([](const Named& n) -> const std::string& { return n.get(); });
  static_assert(std::is_same_v<decltype(name), lift::Result<std::string>>);
  EXPECT_EQ(*name, "ada");
}

TEST(ResultMonadic, OrElseRecoversFromAnErrorAndTransformErrorRewritesIt) {
  auto recovered = parse_positive(-3).or_else([](const lift::Error& e) -> lift::Result<int> {
    if (e.code == "not_positive") return 1;
    return e;
  });
  EXPECT_EQ(*recovered, 1);
  bool called = false;
  auto untouched = parse_positive(7).or_else([&](const lift::Error&) -> lift::Result<int> {
    called = true;
    return 0;
  });
  EXPECT_FALSE(called);
  EXPECT_EQ(*untouched, 7);

  auto rewritten = parse_positive(0).transform_error([](lift::Error e) {
    e.message = "quantity: " + e.message;
    e.status = 422;
    return e;
  });
  ASSERT_FALSE(rewritten);
  EXPECT_EQ(rewritten.error().message, "quantity: expected a positive number");
  EXPECT_EQ(rewritten.error().status, 422);
  EXPECT_EQ(*parse_positive(2).transform_error([](lift::Error) { return not_found(); }), 2);
}

TEST(ResultMonadic, MoveOnlyValuesAreMovedThroughARvalueChain) {
  auto make = []() -> lift::Result<std::unique_ptr<int>> { return std::make_unique<int>(4); };
  auto doubled = make()
                     .and_then([](std::unique_ptr<int> p) -> lift::Result<std::unique_ptr<int>> {
                       *p *= 2;
                       return p;
                     })
                     .transform([](std::unique_ptr<int> p) { return *p; });
  EXPECT_EQ(*doubled, 8);
  // On an lvalue the value is passed by reference and stays.
  auto kept = make();
  auto read = kept.transform([](const std::unique_ptr<int>& p) { return *p + 1; });
  EXPECT_EQ(*read, 5);
  ASSERT_TRUE(*kept);
  EXPECT_EQ(**kept, 4);
}

TEST(ResultMonadic, VoidResultsChainWithFunctionsOfNoValue) {
  lift::Result<void> good = lift::ok();
  EXPECT_EQ(*good.and_then([]() -> lift::Result<int> { return 3; }), 3);
  EXPECT_EQ(*good.transform([] { return std::string("x"); }), "x");
  lift::Result<void> bad = not_found();
  auto passed = bad.and_then([]() -> lift::Result<int> { return 3; });
  ASSERT_FALSE(passed);
  EXPECT_EQ(passed.error().status, 404);
  EXPECT_TRUE(bad.or_else([](const lift::Error&) { return lift::ok(); }));
  auto renamed = bad.transform_error([](lift::Error e) {
    e.code = "Gone";
    return e;
  });
  EXPECT_EQ(renamed.error().code, "Gone");
  EXPECT_TRUE(good.transform_error([](lift::Error) { return not_found(); }));
}

// ---- LIFT_TRY ----

lift::Result<int> sum_of_positives(int a, int b) {
  LIFT_TRY(x, parse_positive(a));
  LIFT_TRY(y, parse_positive(b));
  return x + y;
}

lift::Result<void> store(std::vector<int>& out, int n) {
  if (n > 100) return lift::Error{"too_big", "at most 100", 422};
  out.push_back(n);
  return {};
}

// Another Result type in the same function: the error converts.
lift::Result<std::string> describe(std::vector<int>& out, int n) {
  LIFT_TRY(value, parse_positive(n));
  LIFT_TRY_VOID(store(out, value));
  return "stored " + std::to_string(value);
}

lift::Result<std::unique_ptr<int>> boxed(int n) {
  LIFT_TRY(p, lift::Result<std::unique_ptr<int>>(std::make_unique<int>(n)));
  return p;
}

TEST(LiftTry, DeclaresTheValueOrReturnsTheError) {
  EXPECT_EQ(*sum_of_positives(2, 3), 5);
  auto failed = sum_of_positives(2, -3);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "not_positive");
  EXPECT_EQ(failed.error().status, 400);
  EXPECT_EQ(**boxed(9), 9);
}

TEST(LiftTry, WorksInFunctionsReturningAnyResultAndForResultVoid) {
  std::vector<int> stored;
  EXPECT_EQ(*describe(stored, 7), "stored 7");
  EXPECT_EQ(describe(stored, 0).error().code, "not_positive");
  auto too_big = describe(stored, 101);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, "too_big");
  EXPECT_EQ(too_big.error().status, 422);
  EXPECT_EQ(stored, std::vector<int>{7});
}

TEST(LiftTry, TheVoidFormIsOneStatement) {
  std::vector<int> stored;
  const auto twice = [&](bool both) -> lift::Result<void> {
    if (both) LIFT_TRY_VOID(store(stored, 1));
    else LIFT_TRY_VOID(store(stored, 2));
    LIFT_TRY_VOID(store(stored, 3));
    return {};
  };
  EXPECT_TRUE(twice(true));
  EXPECT_TRUE(twice(false));
  EXPECT_EQ(stored, (std::vector<int>{1, 3, 2, 3}));
}

}  // namespace
