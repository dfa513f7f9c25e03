#include "lift/dynamorm/attribute_value.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace {

using lift::dynamorm::AttributeList;
using lift::dynamorm::AttributeMap;
using lift::dynamorm::AttributeType;
using lift::dynamorm::AttributeValue;
using lift::dynamorm::Binary;
using lift::dynamorm::Number;
using lift::dynamorm::ReadOptions;

lift::Result<AttributeValue> read(std::string_view json, const ReadOptions& options = {}) {
  return lift::dynamorm::from_dynamodb_json(boost::json::parse(json), options);
}

Number num(std::string_view text) { return Number::parse(text).value(); }

void expect_error(std::string_view json, std::string_view field, std::string_view problem, const ReadOptions& options = {}) {
  auto v = read(json, options);
  ASSERT_FALSE(v) << json;
  EXPECT_EQ(v.error().code, "InvalidAttributeValue");
  EXPECT_EQ(v.error().status, 400);
  ASSERT_EQ(v.error().details.size(), 1u);
  EXPECT_EQ(v.error().details[0].field, field) << json;
  EXPECT_EQ(v.error().details[0].message.substr(0, problem.size()), problem) << json << ": " << v.error().details[0].message;
  EXPECT_EQ(v.error().message, field.empty() ? v.error().details[0].message : std::string(field) + ": " + v.error().details[0].message);
}

TEST(AttributeValue, EveryTypeRoundTrips) {
  const char* documents[] = {
      R"({"S":"hello"})",
      R"({"S":""})",
      R"({"N":"-12.500"})",
      R"({"N":"1E+3"})",
      R"({"B":"AAEqQQ=="})",
      R"({"BOOL":true})",
      R"({"BOOL":false})",
      R"({"NULL":true})",
      R"({"M":{}})",
      R"({"M":{"a":{"S":"x"},"b":{"M":{"c":{"L":[{"N":"1"},{"NULL":true}]}}}}})",
      R"({"L":[]})",
      R"({"L":[{"S":"Cookies"},{"N":"3.14159"},{"BS":["AQI="]}]})",
      R"({"SS":["Giraffe","Zebra"]})",
      R"({"NS":["1234","567.8"]})",
      R"({"BS":["AAEqQQ==","QSoBAA=="]})",
  };
  for (const char* text : documents) {
    auto v = read(text);
    ASSERT_TRUE(v) << text << ": " << v.error().message;
    EXPECT_EQ(lift::dynamorm::to_dynamodb_json(*v), boost::json::parse(text)) << text;
    auto again = lift::dynamorm::from_dynamodb_json(lift::dynamorm::to_dynamodb_json(*v));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *v) << text;
  }
}

TEST(AttributeValue, TypesAndAccessors) {
  EXPECT_TRUE(AttributeValue().is_null());
  EXPECT_EQ(AttributeValue().type(), AttributeType::NULL_);
  EXPECT_EQ(lift::dynamorm::to_string(AttributeType::NULL_), "NULL");
  EXPECT_EQ(lift::dynamorm::to_string(AttributeType::BS), "BS");

  const auto s = AttributeValue::string("x");
  EXPECT_EQ(s.type(), AttributeType::S);
  EXPECT_EQ(*s.as_string(), "x");
  EXPECT_EQ(s.as_number(), nullptr);
  EXPECT_EQ(s.as_bool(), nullptr);

  const auto b = AttributeValue::binary(std::string("\0\xff", 2));
  EXPECT_EQ(lift::dynamorm::to_dynamodb_json(b), boost::json::parse(R"({"B":"AP8="})"));

  const auto n = AttributeValue::number(42);
  EXPECT_EQ(n.as_number()->text(), "42");
  EXPECT_EQ(AttributeValue::number(-7LL).as_number()->as_integer<int>(), -7);
  EXPECT_EQ(AttributeValue::boolean(false), AttributeValue::boolean(false));
  EXPECT_NE(AttributeValue::boolean(false), AttributeValue::null());
  EXPECT_NE(AttributeValue::string("1"), AttributeValue::number(1));

  auto m = AttributeValue::map({{"id", AttributeValue::string("a")}, {"tags", AttributeValue::string_set({"x", "y"})}});
  m.as_map()->emplace("n", AttributeValue::number(3));
  EXPECT_EQ(m.as_map()->size(), 3u);
  EXPECT_EQ(lift::dynamorm::to_dynamodb_json(m),
            boost::json::parse(R"({"M":{"id":{"S":"a"},"n":{"N":"3"},"tags":{"SS":["x","y"]}}})"));

  // Value semantics: a copy is independent.
  auto copy = m;
  copy.as_map()->at("id") = AttributeValue::string("b");
  EXPECT_EQ(*m.as_map()->at("id").as_string(), "a");
  EXPECT_NE(copy, m);
  auto moved = std::move(copy);
  EXPECT_EQ(*moved.as_map()->at("id").as_string(), "b");

  const auto l = AttributeValue::list({AttributeValue::number(1), AttributeValue::null()});
  EXPECT_EQ(l.as_list()->size(), 2u);
  EXPECT_EQ(AttributeValue::list({AttributeValue::number(1), AttributeValue::number(2)}),
            AttributeValue::list({AttributeValue::number(1), AttributeValue::number(2)}));
  EXPECT_NE(AttributeValue::list({AttributeValue::number(1), AttributeValue::number(2)}),
            AttributeValue::list({AttributeValue::number(2), AttributeValue::number(1)}));
}

TEST(AttributeValue, NumbersKeepTheirTextAndCompareByValue) {
  auto v = read(R"({"N":"123456789012345678901234567890.12345678"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->as_number()->text(), "123456789012345678901234567890.12345678");  // never a double
  EXPECT_EQ(num("1"), num("1.0"));
  EXPECT_EQ(num("1"), num("1E0"));
  EXPECT_EQ(num("100"), num("1e2"));
  EXPECT_EQ(num("-0"), num("0.000"));
  EXPECT_EQ(num("0.5"), num(".5"));
  EXPECT_LT(num("-2"), num("-1.5"));
  EXPECT_LT(num("-1"), num("0"));
  EXPECT_LT(num("0"), num("1E-130"));
  EXPECT_LT(num("9.99"), num("10"));
  EXPECT_LT(num("0.12"), num("0.123"));
  EXPECT_GT(num("1E+125"), num("99999999999999999999999999999999999999"));
  EXPECT_EQ(num("12").as_integer<int>(), 12);
  EXPECT_EQ(num("1.2E1").as_integer<int>(), 12);
  EXPECT_EQ(num("-9223372036854775808").as_integer<std::int64_t>(), INT64_MIN);
  EXPECT_EQ(num("18446744073709551615").as_integer<std::uint64_t>(), UINT64_MAX);
  EXPECT_FALSE(num("18446744073709551616").as_integer<std::uint64_t>());
  EXPECT_FALSE(num("1.5").as_integer<int>());
  EXPECT_FALSE(num("300").as_integer<std::int8_t>());
  EXPECT_FALSE(num("-1").as_integer<unsigned>());
  EXPECT_DOUBLE_EQ(num("3.14159").as_double(), 3.14159);
  EXPECT_DOUBLE_EQ(num("+2.5e1").as_double(), 25.0);

  for (const char* bad : {"", "-", "+", ".", "1.2.3", "1e", "1e+", "abc", "12x", " 1", "1 ", "0x10", "NaN", "Infinity", "1,5"}) {
    EXPECT_FALSE(Number::parse(bad)) << bad;
  }
  EXPECT_FALSE(Number::parse("123456789012345678901234567890123456789"));  // 39 significant digits
  EXPECT_TRUE(Number::parse("12345678901234567890123456789012345678000000"));  // 38 + zeros
  EXPECT_TRUE(Number::parse("9.9999999999999999999999999999999999999E+125"));
  EXPECT_FALSE(Number::parse("1E+126"));
  EXPECT_TRUE(Number::parse("1E-130"));
  EXPECT_FALSE(Number::parse("1E-131"));
  EXPECT_TRUE(Number::parse("0E+999999"));  // zero, whatever the exponent
  EXPECT_FALSE(Number::parse("1E99999999999999999999999"));
}

TEST(AttributeValue, SetsCompareAsSets) {
  EXPECT_EQ(AttributeValue::string_set({"a", "b"}), AttributeValue::string_set({"b", "a"}));
  EXPECT_NE(AttributeValue::string_set({"a", "b"}), AttributeValue::string_set({"a"}));
  EXPECT_EQ(AttributeValue::number_set({num("1"), num("2.50")}), AttributeValue::number_set({num("2.5"), num("1.0")}));
  EXPECT_EQ(AttributeValue::binary_set({Binary{"x"}, Binary{"y"}}), AttributeValue::binary_set({Binary{"y"}, Binary{"x"}}));
  EXPECT_NE(AttributeValue::string_set({"1"}), AttributeValue::number_set({num("1")}));
  EXPECT_EQ(AttributeValue::map({{"a", AttributeValue::number(1)}}), *read(R"({"M":{"a":{"N":"1.0"}}})"));
}

TEST(AttributeValue, MalformedInputNamesThePath) {
  expect_error(R"("x")", "", "expected an object with one type key");
  expect_error(R"({})", "", "expected one type key, found none");
  expect_error(R"({"S":"x","N":"1"})", "", "expected one type key, found 2");
  expect_error(R"({"X":"x"})", "", R"(unknown attribute type "X")");
  expect_error(R"({"s":"x"})", "", R"(unknown attribute type "s")");
  expect_error(R"({"S":1})", "S", "expected a string");
  expect_error(R"({"N":1})", "N", "expected a number as a string");
  expect_error(R"({"N":"1.2.3"})", "N", "not a number");
  expect_error(R"({"N":"1E+200"})", "N", "number magnitude larger");
  expect_error(R"({"B":"not base64!"})", "B", "invalid base64");
  expect_error(R"({"B":5})", "B", "expected base64 text");
  expect_error(R"({"BOOL":"true"})", "BOOL", "expected true or false");
  expect_error(R"({"NULL":false})", "NULL", "expected true");
  expect_error(R"({"M":[]})", "M", "expected an object");
  expect_error(R"({"L":{}})", "L", "expected an array");
  expect_error(R"({"M":{"a":{"L":[{"S":"x"},{"N":"y"}]}}})", R"(M["a"].L[1].N)", "not a number");
  expect_error(R"({"M":{"we\"ird":{"Q":1}}})", R"(M["we\"ird"])", R"(unknown attribute type "Q")");
  expect_error(R"({"SS":[]})", "SS", "empty set");
  expect_error(R"({"NS":[]})", "NS", "empty set");
  expect_error(R"({"BS":[]})", "BS", "empty set");
  expect_error(R"({"SS":["a",1]})", "SS[1]", "expected a string");
  expect_error(R"({"NS":["1","x"]})", "NS[1]", "not a number");
  expect_error(R"({"BS":["AA==","!"]})", "BS[1]", "invalid base64");
  expect_error(R"({"SS":["a","a"]})", "SS", "set has repeated members");
  expect_error(R"({"NS":["1","1.0"]})", "NS", "set has repeated members");
  expect_error(R"({"SS":{}})", "SS", "expected an array");

  // What stream images have been seen to carry, when allowed.
  const ReadOptions lenient{.allow_empty_sets = true, .allow_repeated_set_members = true};
  EXPECT_TRUE(read(R"({"SS":[]})", lenient));
  EXPECT_TRUE(read(R"({"BS":["AA==","AA=="]})", lenient));
  EXPECT_EQ(*read(R"({"BS":["AA==","AA=="]})", lenient), *read(R"({"BS":["AA=="]})"));
}

TEST(AttributeValue, DepthIsBounded) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += R"({"L":[)";
  deep += R"({"NULL":true})";
  for (int i = 0; i < 100; ++i) deep += "]}";
  boost::json::parse_options options;
  options.max_depth = 1000;
  auto v = lift::dynamorm::from_dynamodb_json(boost::json::parse(deep, {}, options));
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("nested deeper than 64 levels"), std::string::npos);
  EXPECT_TRUE(lift::dynamorm::from_dynamodb_json(boost::json::parse(deep, {}, options), ReadOptions{.max_depth = 200}));
}

TEST(AttributeValue, Items) {
  auto item = lift::dynamorm::item_from_dynamodb_json(boost::json::parse(R"({"id":{"S":"a"},"n":{"N":"1"}})"));
  ASSERT_TRUE(item);
  EXPECT_EQ(item->size(), 2u);
  EXPECT_EQ(item->find(std::string_view("id"))->second, AttributeValue::string("a"));  // heterogeneous lookup
  EXPECT_EQ(lift::dynamorm::item_to_dynamodb_json(*item), boost::json::parse(R"({"id":{"S":"a"},"n":{"N":"1"}})"));
  auto bad = lift::dynamorm::item_from_dynamodb_json(boost::json::parse(R"({"id":{"S":"a"},"n":{"N":"x"}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.substr(0, 14), R"(["n"].N: not a)");
  EXPECT_FALSE(lift::dynamorm::item_from_dynamodb_json(boost::json::parse("[]")));
}

}  // namespace
