// Typed conversion (from_json, parse_unvalidated, to_json, serialize): round trips of every
// supported type, and every error with its path. Validation rules are validation_test's.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <array>
#include <bit>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "lift/json/binding.hpp"
#include "unit/json/print_error.hpp"
#include "support/json.hpp"

namespace binding_test {

enum class Status { draft, active, archived };
BOOST_DESCRIBE_ENUM(Status, draft, active, archived)

struct Line {
  std::string sku;
  int qty = 1;
  std::optional<double> price;
};
BOOST_DESCRIBE_STRUCT(Line, (), (sku, qty, price))

struct Entity {
  std::string id;
  std::uint32_t version = 0;
};
BOOST_DESCRIBE_STRUCT(Entity, (), (id, version))

struct Order : Entity {
  Status status = Status::draft;
  std::vector<Line> items;
  std::map<std::string, std::string> labels;
  std::optional<std::string> note;
  std::chrono::system_clock::time_point created_at{};
};
BOOST_DESCRIBE_STRUCT(Order, (Entity), (status, items, labels, note, created_at))

struct Scalars {
  bool flag = false;
  std::int8_t i8 = 0;
  std::uint8_t u8 = 0;
  std::int16_t i16 = 0;
  std::uint16_t u16 = 0;
  std::int32_t i32 = 0;
  std::uint32_t u32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  float f = 0;
  double d = 0;
  std::string s;
};
BOOST_DESCRIBE_STRUCT(Scalars, (), (flag, i8, u8, i16, u16, i32, u32, i64, u64, f, d, s))

struct Containers {
  std::vector<int> numbers;
  std::array<int, 3> triple{};
  std::set<std::string> tags;
  std::unordered_map<std::string, int> counts;
  std::vector<std::optional<int>> holes;
  std::vector<std::vector<std::string>> grid;
  std::vector<bool> bits;
};
BOOST_DESCRIBE_STRUCT(Containers, (), (numbers, triple, tags, counts, holes, grid, bits))

struct Passthrough {
  boost::json::value any;
  boost::json::object obj;
  boost::json::array arr;
};
BOOST_DESCRIBE_STRUCT(Passthrough, (), (any, obj, arr))

struct Deep {
  std::string name;
  std::vector<Deep> children;
};
BOOST_DESCRIBE_STRUCT(Deep, (), (name, children))

struct WithDefaults {
  std::string name = "unnamed";
  int size = 7;
};
BOOST_DESCRIBE_STRUCT(WithDefaults, (), (name, size))

}  // namespace binding_test

namespace binding_test {
namespace lj = lift::json;
using Clock = std::chrono::system_clock;

using lift::testing_support::json_of;

// Serialize and to_json must describe the same document.
template <class T>
void expect_same_document(const T& value) {
  EXPECT_EQ(json_of(lj::serialize(value)), lj::to_json(value)) << lj::serialize(value);
}

template <class T>
lift::Error error_of(std::string_view text) {
  auto result = lj::parse_unvalidated<T>(text);
  EXPECT_FALSE(result) << "expected an error for " << text;
  if (result) return {};
  return result.error();
}

Clock::time_point at(std::int64_t seconds, std::int64_t nanos = 0) {
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos)));
}

TEST(JsonBinding, NestedStructWithBaseRoundTrips) {
  Order order;
  order.id = "ord-1";
  order.version = 3;
  order.status = Status::active;
  order.items = {{"A-1", 2, 9.5}, {"B-2", 1, std::nullopt}};
  order.labels = {{"team", "blue"}, {"weird key \"q\"", "x"}};
  order.created_at = at(1'700'000'000, 123'000'000);

  const auto text = lj::serialize(order);
  EXPECT_EQ(text,
            R"({"id":"ord-1","version":3,"status":"active","items":[{"sku":"A-1","qty":2,"price":9.5},{"sku":"B-2","qty":1}],)"
            R"("labels":{"team":"blue","weird key \"q\"":"x"},"created_at":"2023-11-14T22:13:20.123Z"})");
  expect_same_document(order);

  auto back = lj::parse_unvalidated<Order>(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, "ord-1");
  EXPECT_EQ(back->version, 3u);
  EXPECT_EQ(back->status, Status::active);
  ASSERT_EQ(back->items.size(), 2u);
  EXPECT_EQ(back->items[0].price, 9.5);
  EXPECT_FALSE(back->items[1].price.has_value());
  EXPECT_EQ(back->labels, order.labels);
  EXPECT_FALSE(back->note.has_value());
  EXPECT_EQ(back->created_at, order.created_at);
  EXPECT_EQ(lj::serialize(*back), text);
}

TEST(JsonBinding, ScalarsRoundTripAtTheirLimits) {
  Scalars s;
  s.flag = true;
  s.i8 = std::numeric_limits<std::int8_t>::min();
  s.u8 = std::numeric_limits<std::uint8_t>::max();
  s.i16 = std::numeric_limits<std::int16_t>::min();
  s.u16 = std::numeric_limits<std::uint16_t>::max();
  s.i32 = std::numeric_limits<std::int32_t>::min();
  s.u32 = std::numeric_limits<std::uint32_t>::max();
  s.i64 = std::numeric_limits<std::int64_t>::min();
  s.u64 = std::numeric_limits<std::uint64_t>::max();
  s.f = 0.1f;
  s.d = -1.25e-300;
  s.s = std::string("tab\t nl\n quote\" backslash\\ nul") + '\0' + " \x01 é 😀";
  expect_same_document(s);
  auto back = lj::parse_unvalidated<Scalars>(lj::serialize(s));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->flag, s.flag);
  EXPECT_EQ(back->i8, s.i8);
  EXPECT_EQ(back->u8, s.u8);
  EXPECT_EQ(back->i16, s.i16);
  EXPECT_EQ(back->u16, s.u16);
  EXPECT_EQ(back->i32, s.i32);
  EXPECT_EQ(back->u32, s.u32);
  EXPECT_EQ(back->i64, s.i64);
  EXPECT_EQ(back->u64, s.u64);
  EXPECT_EQ(back->f, s.f);
  EXPECT_EQ(back->d, s.d);
  EXPECT_EQ(back->s, s.s);
  EXPECT_EQ(lj::to_json(s).at("f"), 0.1);  // the float's shortest text, not 0.10000000149
}

// Numbers read back exactly: the parser's fast default can land one ulp off, which a client
// would see as its value changing on the way through.
TEST(JsonBinding, EveryFloatAndDoubleReadsBackBitForBit) {
  EXPECT_EQ(*lj::parse_unvalidated<double>("-2.7984480067441762e-80"), -2.7984480067441762e-80);
  EXPECT_EQ(*lj::parse_unvalidated<double>("-3.112641022526418e+202"), -3.112641022526418e+202);
  std::mt19937_64 bits(20261123);  // fixed seed: the same 200000 values on every run
  for (int i = 0; i < 100000; ++i) {
    const auto d = std::bit_cast<double>(bits());
    const auto f = std::bit_cast<float>(static_cast<std::uint32_t>(bits()));
    if (std::isfinite(d)) {
      auto back = lj::parse_unvalidated<double>(lj::serialize(d));
      ASSERT_TRUE(back && *back == d) << lj::serialize(d);
    }
    if (std::isfinite(f)) {
      auto back = lj::parse_unvalidated<float>(lj::serialize(f));
      ASSERT_TRUE(back && *back == f) << lj::serialize(f);
    }
  }
}

// "-0" is the integer 0 to every JSON parser; the sign of a negative zero survives as "-0.0".
TEST(JsonBinding, NegativeZeroKeepsItsSign) {
  EXPECT_EQ(lj::serialize(-0.0), "-0.0");
  EXPECT_EQ(lj::serialize(-0.0f), "-0.0");
  EXPECT_EQ(lj::serialize(0.0), "0");
  // A double that underflows to -0 as a float (found by the json_binding fuzz target).
  auto tiny = lj::parse_unvalidated<float>("-2.7984480067441762e-80");
  ASSERT_TRUE(tiny);
  EXPECT_TRUE(*tiny == 0 && std::signbit(*tiny));
  auto back = lj::parse_unvalidated<float>(lj::serialize(*tiny));
  ASSERT_TRUE(back);
  EXPECT_TRUE(std::signbit(*back));
  auto wide = lj::parse_unvalidated<double>(lj::serialize(-0.0));
  ASSERT_TRUE(wide);
  EXPECT_TRUE(std::signbit(*wide));
}

TEST(JsonBinding, NumbersBeyondADoubleAreRefusedAndTinyOnesAreZero) {
  for (const char* text : {"1e400", "[1,-1e400]", "{\"price\":3.4028235e38477}"}) {
    auto parsed = lj::parse_unvalidated<boost::json::value>(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, "InvalidJson");
    EXPECT_NE(parsed.error().message.find("number out of the range of a double"), std::string::npos)
        << parsed.error().message;
  }
  auto tiny = lj::parse_unvalidated<double>("1e-400");
  ASSERT_TRUE(tiny);
  EXPECT_EQ(*tiny, 0.0);
  auto negative_tiny = lj::parse_unvalidated<double>("-1e-400");
  ASSERT_TRUE(negative_tiny);
  EXPECT_TRUE(*negative_tiny == 0 && std::signbit(*negative_tiny));
  EXPECT_EQ(*lj::parse_unvalidated<double>("4.9406564584124654e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(*lj::parse_unvalidated<double>("1.7976931348623157e308"), std::numeric_limits<double>::max());
}

// The DOM lives in the caller's resource: an arena per invocation, released at once.
TEST(JsonBinding, ParseDocumentBuildsInTheGivenStorage) {
  boost::json::monotonic_resource arena;
  boost::json::storage_ptr storage(&arena);
  auto document = lj::parse_document(R"({"a":[1,"two",{"b":null}],"c":"a string long enough to allocate"})", storage);
  ASSERT_TRUE(document);
  EXPECT_EQ(document->storage(), storage);
  EXPECT_EQ(document->at("a").storage(), storage);
  EXPECT_EQ(document->at("c").as_string().storage(), storage);
  auto plain = lj::parse_document("[1]");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->storage(), boost::json::storage_ptr());
}

TEST(JsonBinding, ContainersRoundTrip) {
  Containers c;
  c.numbers = {1, -2, 3};
  c.triple = {7, 8, 9};
  c.tags = {"b", "a"};
  c.counts = {{"x", 1}};
  c.holes = {1, std::nullopt, 3};
  c.grid = {{"a"}, {}, {"b", "c"}};
  c.bits = {true, false};
  expect_same_document(c);
  EXPECT_EQ(lj::to_json(c).at("holes"), json_of("[1,null,3]"));
  EXPECT_EQ(lj::to_json(c).at("tags"), json_of(R"(["a","b"])"));
  auto back = lj::parse_unvalidated<Containers>(lj::serialize(c));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->numbers, c.numbers);
  EXPECT_EQ(back->triple, c.triple);
  EXPECT_EQ(back->tags, c.tags);
  EXPECT_EQ(back->counts, c.counts);
  EXPECT_EQ(back->holes, c.holes);
  EXPECT_EQ(back->grid, c.grid);
  EXPECT_EQ(back->bits, c.bits);
}

TEST(JsonBinding, SetsDropDuplicates) {
  auto c = lj::parse_unvalidated<Containers>(R"({"tags":["a","a","b"]})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->tags, (std::set<std::string>{"a", "b"}));
}

TEST(JsonBinding, JsonValuesPassThroughAndOutliveTheParse) {
  lift::Result<Passthrough> p = lj::parse_unvalidated<Passthrough>(R"({"any":[1,{"k":"v"}],"obj":{"a":null},"arr":[true,"x"]})");
  ASSERT_TRUE(p) << p.error().message;
  // Parsing used a short-lived arena: the values must own their memory now.
  EXPECT_EQ(p->any, json_of(R"([1,{"k":"v"}])"));
  EXPECT_EQ(p->obj, json_of(R"({"a":null})").as_object());
  EXPECT_EQ(p->arr, json_of(R"([true,"x"])").as_array());
  expect_same_document(*p);
  auto whole = lj::parse_unvalidated<boost::json::value>(R"({"z":1})");
  ASSERT_TRUE(whole);
  EXPECT_EQ(*whole, json_of(R"({"z":1})"));
  EXPECT_EQ(error_of<Passthrough>(R"({"obj":[]})").message, "obj: expected object");
  EXPECT_EQ(error_of<Passthrough>(R"({"arr":{}})").message, "arr: expected array");
}

TEST(JsonBinding, StringViewAndCharPointerWriteAsStrings) {
  const std::string_view view = "a\"b";
  EXPECT_EQ(lj::serialize(view), R"("a\"b")");
  EXPECT_EQ(lj::to_json(view), "a\"b");
  const char* text = "plain";
  EXPECT_EQ(lj::serialize(text), R"("plain")");
}

TEST(JsonBinding, OptionalReadsAbsentAndNullAsEmptyAndOmitsIt) {
  auto line = lj::parse_unvalidated<Line>(R"({"sku":"x","price":null})");
  ASSERT_TRUE(line);
  EXPECT_FALSE(line->price.has_value());
  EXPECT_EQ(lj::serialize(*line), R"({"sku":"x","qty":1})");
  EXPECT_FALSE(lj::to_json(*line).as_object().contains("price"));
  EXPECT_EQ(lj::serialize(std::optional<int>{}), "null");
  EXPECT_EQ(lj::to_json(std::optional<int>{}), nullptr);
}

TEST(JsonBinding, AbsentMembersKeepDefaultsAndUnknownMembersAreIgnored) {
  auto value = lj::parse_unvalidated<WithDefaults>(R"({"size":3,"extra":{"deep":[1,2]},"name2":"x"})");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->name, "unnamed");
  EXPECT_EQ(value->size, 3);
}

TEST(JsonBinding, TopLevelNonObjectIsExpectedObjectWithoutPrefix) {
  for (auto text : {"[]", "1", "\"x\"", "null", "true"}) {
    const auto error = error_of<Order>(text);
    EXPECT_EQ(error.code, "InvalidBody");
    EXPECT_EQ(error.status, 400);
    EXPECT_EQ(error.message, "expected object") << text;
    ASSERT_EQ(error.details.size(), 1u);
    EXPECT_EQ(error.details[0], (lift::ErrorDetail{"", "expected object"}));
  }
}

TEST(JsonBinding, WrongTypesAtDepthNameTheirPathAndAreAllReported) {
  const auto error = error_of<Order>(
      R"({"id":5,"items":[{"sku":"a"},{"sku":"b"},{"sku":"c","qty":"two"}],"labels":{"team":1},"note":[],"status":"gone"})");
  EXPECT_EQ(error.code, "InvalidBody");
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.message, "id: expected string");
  const std::vector<lift::ErrorDetail> expected{
      {"id", "expected string"},
      {"status", "expected one of: draft, active, archived"},
      {"items[2].qty", "expected integer"},
      {R"(labels["team"])", "expected string"},
      {"note", "expected string"},
  };
  EXPECT_EQ(error.details, expected);
}

TEST(JsonBinding, ScalarTypeErrors) {
  EXPECT_EQ(error_of<Scalars>(R"({"flag":1})").message, "flag: expected boolean");
  EXPECT_EQ(error_of<Scalars>(R"({"d":"1"})").message, "d: expected number");
  EXPECT_EQ(error_of<Scalars>(R"({"f":1e300})").message, "f: expected number within float range");
  EXPECT_EQ(error_of<Scalars>(R"({"s":null})").message, "s: expected string");
  EXPECT_EQ(error_of<Containers>(R"({"numbers":{}})").message, "numbers: expected array");
  EXPECT_EQ(error_of<Containers>(R"({"triple":[1,2]})").message, "triple: expected array of 3 items");
  EXPECT_EQ(error_of<Containers>(R"({"counts":[]})").message, "counts: expected object");
  EXPECT_EQ(error_of<Containers>(R"({"grid":[["a"],["b",3]]})").message, "grid[1][1]: expected string");
  EXPECT_EQ(error_of<std::vector<int>>(R"([1,"x"])").message, "[1]: expected integer");
  using StringToInt = std::map<std::string, int>;
  EXPECT_EQ(error_of<StringToInt>(R"({"a.b":true})").message, R"(["a.b"]: expected integer)");
}

TEST(JsonBinding, IntegersAreRangeChecked) {
  EXPECT_EQ(error_of<Scalars>(R"({"u8":300})").message, "u8: expected integer between 0 and 255");
  EXPECT_EQ(error_of<Scalars>(R"({"u8":-1})").message, "u8: expected integer between 0 and 255");
  EXPECT_EQ(error_of<Scalars>(R"({"i8":-129})").message, "i8: expected integer between -128 and 127");
  EXPECT_EQ(error_of<Scalars>(R"({"i32":2147483648})").message, "i32: expected integer between -2147483648 and 2147483647");
  EXPECT_EQ(error_of<Scalars>(R"({"i64":9223372036854775808})").message,
            "i64: expected integer between -9223372036854775808 and 9223372036854775807");
  EXPECT_EQ(error_of<Scalars>(R"({"u64":18446744073709551616})").message,
            "u64: expected integer between 0 and 18446744073709551615");
  EXPECT_EQ(error_of<Scalars>(R"({"i32":1.5})").message, "i32: expected integer");
  EXPECT_EQ(error_of<Scalars>(R"({"i32":true})").message, "i32: expected integer");
  EXPECT_EQ(error_of<Scalars>(R"({"i32":1e10})").message, "i32: expected integer between -2147483648 and 2147483647");
  auto whole = lj::parse_unvalidated<Scalars>(R"({"i32":2.0,"u64":18446744073709551615,"i64":-9223372036854775808,"u16":1e3})");
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(whole->i32, 2);
  EXPECT_EQ(whole->u64, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(whole->i64, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(whole->u16, 1000);
}

// Integers are read exactly: an integer literal as the integer it is, never through a double,
// and a number written with a fraction or an exponent only where a double holds every integer
// (|n| <= 2^53 - 1). Anything else is refused with the path, never rounded.
TEST(JsonBinding, IntegersAreReadExactlyOrRefused) {
  const auto value = [](std::string_view member, std::string_view number) {
    return lj::parse_unvalidated<Scalars>("{\"" + std::string(member) + "\":" + std::string(number) + "}");
  };
  const auto refusal = [&](std::string_view member, std::string_view number) {
    auto read = value(member, number);
    EXPECT_FALSE(read) << member << " = " << number;
    if (read) return std::string();
    EXPECT_EQ(read.error().code, "InvalidBody");
    EXPECT_EQ(read.error().status, 400);
    return read.error().message;
  };
  // Every width at its edges, and one past them.
  EXPECT_EQ(value("i8", "127")->i8, 127);
  EXPECT_EQ(value("i8", "-128")->i8, -128);
  EXPECT_EQ(refusal("i8", "128"), "i8: expected integer between -128 and 127");
  EXPECT_EQ(refusal("i8", "-129"), "i8: expected integer between -128 and 127");
  EXPECT_EQ(value("u8", "255")->u8, 255);
  EXPECT_EQ(refusal("u8", "256"), "u8: expected integer between 0 and 255");
  EXPECT_EQ(value("i16", "-32768")->i16, -32768);
  EXPECT_EQ(refusal("i16", "32768"), "i16: expected integer between -32768 and 32767");
  EXPECT_EQ(value("u32", "4294967295")->u32, 4294967295u);
  EXPECT_EQ(refusal("u32", "-1"), "u32: expected integer between 0 and 4294967295");
  EXPECT_EQ(value("i64", "9223372036854775807")->i64, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(value("i64", "-9223372036854775808")->i64, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(value("u64", "18446744073709551615")->u64, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(refusal("u64", "18446744073709551616"), "u64: expected integer between 0 and 18446744073709551615");
  EXPECT_EQ(refusal("u64", "-1"), "u64: expected integer between 0 and 18446744073709551615");
  // One below INT64_MIN is a double equal to INT64_MIN: refused, not rounded into range.
  const std::string inexact_i64 =
      "i64: expected integer between -9223372036854775808 and 9223372036854775807, in digits only above "
      "9007199254740991 in magnitude";
  EXPECT_EQ(refusal("i64", "-9223372036854775809"), inexact_i64);
  EXPECT_EQ(refusal("i64", "9223372036854775808"), "i64: expected integer between -9223372036854775808 and 9223372036854775807");
  // 2^53 + 1 is exact as an integer literal; with a fraction it would be read as 2^53.
  EXPECT_EQ(value("i64", "9007199254740993")->i64, 9007199254740993);
  EXPECT_EQ(value("u64", "9007199254740993")->u64, 9007199254740993u);
  EXPECT_EQ(refusal("i64", "9007199254740993.0"), inexact_i64);
  EXPECT_EQ(refusal("i64", "1e18"), inexact_i64);
  EXPECT_EQ(value("i64", "9007199254740991.0")->i64, 9007199254740991);
  EXPECT_EQ(value("i64", "-9.007199254740991e15")->i64, -9007199254740991);
  EXPECT_EQ(refusal("i64", "1e20"), "i64: expected integer between -9223372036854775808 and 9223372036854775807");
  EXPECT_EQ(refusal("u64", "1e20"), "u64: expected integer between 0 and 18446744073709551615");
  EXPECT_EQ(refusal("i32", "1e20"), "i32: expected integer between -2147483648 and 2147483647");
  // Whole numbers written as doubles are integers; fractions are not.
  EXPECT_EQ(value("i32", "1.0")->i32, 1);
  EXPECT_EQ(value("u16", "1e3")->u16, 1000);
  EXPECT_EQ(value("u64", "-0")->u64, 0u);
  EXPECT_EQ(value("u64", "-0.0")->u64, 0u);
  EXPECT_EQ(value("i8", "-0.0")->i8, 0);
  EXPECT_EQ(refusal("i32", "1.5"), "i32: expected integer");
  EXPECT_EQ(refusal("i64", "-0.5"), "i64: expected integer");
  EXPECT_EQ(refusal("u8", "255.5"), "u8: expected integer");
}

TEST(JsonBinding, EnumsAreNames) {
  EXPECT_EQ(lj::serialize(Status::archived), R"("archived")");
  EXPECT_EQ(lj::to_json(Status::draft), "draft");
  auto s = lj::parse_unvalidated<Status>(R"("active")");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, Status::active);
  EXPECT_EQ(error_of<Status>(R"("Active")").message, "expected one of: draft, active, archived");
  EXPECT_EQ(error_of<Status>("1").message, "expected one of: draft, active, archived");
  // A value without a name (a cast integer) is still written, as its number.
  EXPECT_EQ(lj::serialize(static_cast<Status>(42)), "42");
  EXPECT_EQ(lj::to_json(static_cast<Status>(42)), 42);
}

TEST(JsonBinding, TimestampsAcceptRfc3339OffsetsAndFractions) {
  struct Case {
    const char* text;
    Clock::time_point expected;
  };
  const Case cases[] = {
      {R"("1970-01-01T00:00:00Z")", at(0)},
      {R"("2024-02-29T12:30:45Z")", at(1'709'209'845)},
      {R"("2024-02-29T14:30:45+02:00")", at(1'709'209'845)},
      {R"("2024-02-29T07:00:45-05:30")", at(1'709'209'845)},
      {R"("2024-02-29t12:30:45.5z")", at(1'709'209'845, 500'000'000)},
      {R"("2024-02-29 12:30:45.123456789Z")", at(1'709'209'845, 123'456'789)},
      {R"("2024-02-29T12:30:45.1234567891234Z")", at(1'709'209'845, 123'456'789)},
      {R"("1969-12-31T23:59:59.25Z")", at(-1, 250'000'000)},
      {R"("2016-12-31T23:59:60Z")", at(1'483'228'800)},
  };
  for (const auto& c : cases) {
    auto t = lj::parse_unvalidated<Clock::time_point>(c.text);
    ASSERT_TRUE(t) << c.text << ": " << t.error().message;
    EXPECT_EQ(*t, c.expected) << c.text;
  }
}

TEST(JsonBinding, TimestampsWriteUtcWithTheirPrecision) {
  EXPECT_EQ(lj::serialize(at(0)), R"("1970-01-01T00:00:00Z")");
  EXPECT_EQ(lj::serialize(at(1'709'209'845, 500'000'000)), R"("2024-02-29T12:30:45.500Z")");
  EXPECT_EQ(lj::serialize(at(1'709'209'845, 123'456'000)), R"("2024-02-29T12:30:45.123456Z")");
  EXPECT_EQ(lj::serialize(at(1'709'209'845, 123'456'789)), R"("2024-02-29T12:30:45.123456789Z")");
  EXPECT_EQ(lj::serialize(at(-1, 250'000'000)), R"("1969-12-31T23:59:59.250Z")");
  EXPECT_EQ(lj::to_json(at(1'709'209'845)), "2024-02-29T12:30:45Z");
  const std::chrono::sys_seconds coarse{std::chrono::seconds(86'400)};
  EXPECT_EQ(lj::serialize(coarse), R"("1970-01-02T00:00:00Z")");
  auto back = lj::parse_unvalidated<std::chrono::sys_seconds>(R"("1970-01-02T00:00:00.9Z")");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, coarse);  // a coarser clock truncates the fraction
}

TEST(JsonBinding, BadTimestampsAreErrors) {
  for (const char* text : {R"("")", R"("2024-02-30T00:00:00Z")", R"("2023-02-29T00:00:00Z")", R"("2024-13-01T00:00:00Z")",
                           R"("2024-01-01T24:00:00Z")", R"("2024-01-01T00:60:00Z")", R"("2024-01-01T00:00:61Z")",
                           R"("2024-01-01T00:00:00")", R"("2024-01-01T00:00:00.Z")", R"("2024-01-01T00:00:00+0100")",
                           R"("2024-01-01T00:00:00+24:00")", R"("2024-01-01")", R"("2024-01-01T00:00:00Zjunk")",
                           R"("2024-1-01T00:00:00Z")", "1704067200"}) {
    EXPECT_EQ(error_of<Clock::time_point>(text).message, "expected RFC 3339 date-time") << text;
  }
  EXPECT_EQ(error_of<Clock::time_point>(R"("9999-12-31T23:59:59Z")").message, "date-time out of range");
  EXPECT_EQ(error_of<Order>(R"({"created_at":"yesterday"})").message, "created_at: expected RFC 3339 date-time");
}

TEST(JsonBinding, InvalidJsonNamesThePosition) {
  auto e = lj::parse_unvalidated<Order>("{\"id\":\n  tru}");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, "InvalidJson");
  EXPECT_EQ(e.error().status, 400);
  EXPECT_EQ(e.error().message.rfind("invalid JSON at line 2, column ", 0), 0u) << e.error().message;
  EXPECT_TRUE(e.error().details.empty());
  EXPECT_EQ(lj::parse_unvalidated<Order>("").error().message, "invalid JSON at line 1, column 1: incomplete JSON");
  EXPECT_EQ(lj::parse_unvalidated<Order>("{\"id\":").error().code, "InvalidJson");
  EXPECT_EQ(lj::parse_unvalidated<Order>("{} {}").error().message.rfind("invalid JSON at line 1, column 4", 0), 0u);
  EXPECT_EQ(lj::parse_unvalidated<Order>("{\"id\":\"\xff\"}").error().code, "InvalidJson");  // not UTF-8
}

TEST(JsonBinding, DeepNestingIsBoundedByTheParser) {
  std::string ok_text;
  for (int i = 0; i < 30; ++i) ok_text += R"({"name":"n","children":[)";
  ok_text += "{}";
  for (int i = 0; i < 30; ++i) ok_text += "]}";
  auto ok = lj::parse_unvalidated<Deep>(ok_text);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->children.at(0).children.at(0).name, "n");

  std::string deep(100'000, '[');
  auto refused = lj::parse_unvalidated<Deep>(deep);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "InvalidJson");
  EXPECT_NE(refused.error().message.find("too deep"), std::string::npos) << refused.error().message;

  std::string wrong_at_depth = R"({"children":[{"children":[{"children":[{"name":1}]}]}]})";
  EXPECT_EQ(error_of<Deep>(wrong_at_depth).message, "children[0].children[0].children[0].name: expected string");
}

TEST(JsonBinding, HugeArraysBindAndErrorsAreBounded) {
  std::string text = "[";
  for (int i = 0; i < 100'000; ++i) text += (i == 0 ? "" : ",") + std::to_string(i);
  text += "]";
  auto numbers = lj::parse_unvalidated<std::vector<std::int32_t>>(text);
  ASSERT_TRUE(numbers);
  EXPECT_EQ(numbers->size(), 100'000u);
  EXPECT_EQ(numbers->back(), 99'999);

  std::string bad = "[";
  for (int i = 0; i < 10'000; ++i) bad += (i == 0 ? "" : ",") + std::string("\"x\"");
  bad += "]";
  const auto error = error_of<std::vector<int>>(bad);
  EXPECT_EQ(error.details.size(), lj::detail::Problems::kLimit);
  EXPECT_EQ(error.details.front(), (lift::ErrorDetail{"[0]", "expected integer"}));
  EXPECT_EQ(error.message, "[0]: expected integer");
}

TEST(JsonBinding, FromJsonReadsADom) {
  const auto dom = json_of(R"({"sku":"z","qty":4})");
  auto line = lj::from_json<Line>(dom);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->sku, "z");
  EXPECT_EQ(line->qty, 4);
  EXPECT_EQ(lj::from_json<Line>(json_of(R"({"qty":"4"})")).error().message, "qty: expected integer");
}

TEST(JsonBinding, NonFiniteNumbersWriteNull) {
  EXPECT_EQ(lj::serialize(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(lj::serialize(std::numeric_limits<float>::quiet_NaN()), "null");
  EXPECT_EQ(lj::to_json(std::numeric_limits<double>::quiet_NaN()), nullptr);
}

}  // namespace
