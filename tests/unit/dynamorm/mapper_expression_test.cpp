// DynamORM's expression builders: placeholders for every name and value, reserved words,
// grouping, updates and key conditions.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "lift/dynamorm/expression.hpp"

namespace {

using namespace lift::dynamorm;

TEST(Expressions, ConditionsUsePlaceholdersForEveryNameAndValue) {
  Expressions e;
  const Condition c = attr("status") == "open" && (attr("amount") > 10 || attribute_not_exists("owner"));
  EXPECT_EQ(e.render(c), "(#n0 = :v0 AND (#n1 > :v1 OR attribute_not_exists(#n2)))");
  EXPECT_EQ(e.names().at("#n0"), "status");
  EXPECT_EQ(e.names().at("#n2"), "owner");
  EXPECT_EQ(*e.values().at(":v0").as_string(), "open");
  EXPECT_EQ(e.values().at(":v1").as_number()->text(), "10");
}

TEST(Expressions, ReservedWordsAndOddNamesAreOnlyEverPlaceholders) {
  Expressions e;
  const auto text = e.render(attr("size") == 1 && attr("name") != "x" && attr("data.values[2].count") >= 3);
  EXPECT_EQ(text, "((#n0 = :v0 AND #n1 <> :v1) AND #n2.#n3[2].#n4 >= :v2)");
  EXPECT_EQ(e.names().at("#n3"), "values");
  // A name with a dot, taken literally.
  EXPECT_EQ(e.name_literal("a.b"), "#n5");
  // The same name gets the same placeholder.
  EXPECT_EQ(e.name("size"), "#n0");
}

TEST(Expressions, EveryConditionForm) {
  Expressions e;
  const Condition c = begins_with("sk", "ORDER#") && contains("tags", "red") && between("n", 1, 5) &&
                      in("state", {AttributeValue::string("a"), AttributeValue::string("b")}) &&
                      size_is("items", Condition::Op::lt, 3) && attribute_exists("x") && !(attr("y") <= 2) &&
                      attribute_type("z", AttributeType::SS) && attr("q") < 1.5;
  EXPECT_EQ(e.render(c),
            "((((((((begins_with(#n0, :v0) AND contains(#n1, :v1)) AND #n2 BETWEEN :v2 AND :v3) AND #n3 IN (:v4, :v5)) AND "
            "size(#n4) < :v6) AND attribute_exists(#n5)) AND (NOT #n6 <= :v7)) AND attribute_type(#n7, :v8)) AND #n8 < :v9)");
  EXPECT_EQ(*e.values().at(":v8").as_string(), "SS");
  EXPECT_EQ(e.values().at(":v9").as_number()->text(), "1.5");
}

TEST(Expressions, GroupedConditionsNeverCollide) {
  // One allocator per request: the same value twice gets two placeholders, names are shared.
  Expressions e;
  const auto a = attr("s") == "x";
  const auto b = attr("s") == "x";
  EXPECT_EQ(e.render((a || b) && (a || b)), "((#n0 = :v0 OR #n0 = :v1) AND (#n0 = :v2 OR #n0 = :v3))");
  EXPECT_EQ(e.values().size(), 4u);
}

TEST(Expressions, Updates) {
  Expressions e;
  Update u;
  u.set("title", "t").set_if_not_exists("created", "now").append("log", {AttributeValue::string("x")}).increment("views", 2)
      .add("tags", AttributeValue::string_set({"a"})).remove("draft").delete_from_set("old", AttributeValue::string_set({"b"}));
  EXPECT_EQ(e.render(u),
            "SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1), #n2 = list_append(if_not_exists(#n2, :v2), :v3), "
            "#n3 = if_not_exists(#n3, :v4) + :v5 REMOVE #n5 ADD #n4 :v6 DELETE #n6 :v7");
  EXPECT_TRUE(u.touches("views"));
  EXPECT_FALSE(u.touches("other"));
}

TEST(Expressions, KeyConditions) {
  Expressions e;
  EXPECT_EQ(render_key_condition(e, "PK", AttributeValue::string("a"), "SK", SortKey::begins_with("ORDER#")),
            "#n0 = :v0 AND begins_with(#n1, :v1)");
  Expressions f;
  EXPECT_EQ(render_key_condition(f, "PK", AttributeValue::string("a"), "SK", SortKey::between(1, 9)), "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2");
  Expressions g;
  EXPECT_EQ(render_key_condition(g, "PK", AttributeValue::string("a"), "", std::nullopt), "#n0 = :v0");
  for (auto [key, op] : {std::pair{SortKey::lt(1), "<"}, {SortKey::le(1), "<="}, {SortKey::gt(1), ">"}, {SortKey::ge(1), ">="}, {SortKey::eq(1), "="}}) {
    Expressions h;
    EXPECT_EQ(render_key_condition(h, "PK", AttributeValue::string("a"), "SK", key), std::string("#n0 = :v0 AND #n1 ") + op + " :v1");
  }
}

TEST(Expressions, ApplyAddsNamesAndValuesToTheRequest) {
  Expressions e;
  boost::json::object request;
  e.apply(request);
  EXPECT_TRUE(request.empty());
  request["ConditionExpression"] = e.render(attr("a") == 1);
  e.apply(request);
  EXPECT_EQ(boost::json::serialize(request),
            R"({"ConditionExpression":"#n0 = :v0","ExpressionAttributeNames":{"#n0":"a"},"ExpressionAttributeValues":{":v0":{"N":"1"}}})");
}

}  // namespace
