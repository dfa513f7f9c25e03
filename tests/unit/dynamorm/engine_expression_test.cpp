// The embedded engine's parts: exact decimals, storage order, item sizes, and the expression
// languages (every construct, precedence, every error DynamoDB names).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "dynamorm/memory_engine/decimal.hpp"
#include "dynamorm/memory_engine/expression.hpp"
#include "dynamorm/memory_engine/request.hpp"
#include "dynamorm/memory_engine/storage_keys.hpp"

namespace {

using namespace lift::dynamorm;
using namespace lift::dynamorm::engine;

Number num(std::string_view text) { return Number::parse(text).value(); }
AttributeValue S(std::string s) { return AttributeValue::string(std::move(s)); }
AttributeValue N(std::string_view text) { return AttributeValue::number(num(text)); }

AttributeMap item(std::string_view json) { return read_item(boost::json::parse(json)).value(); }

Placeholders placeholders(std::string_view names_json = "{}", std::string_view values_json = "{}") {
  std::map<std::string, std::string, std::less<>> names;
  const auto parsed = boost::json::parse(names_json);
  for (const auto& [k, v] : parsed.as_object()) names.emplace(std::string(k), std::string(v.as_string()));
  return Placeholders(std::move(names), item(values_json));
}

// ---- decimals ----

TEST(Decimal, CanonicalTextIsPlainAndTrimmed) {
  for (const auto& [in, out] : std::vector<std::pair<std::string, std::string>>{
           {"1E2", "100"}, {"-0.50", "-0.5"}, {"0.000", "0"}, {"-0", "0"}, {"1.23E-5", "0.0000123"}, {"+5", "5"},
           {"007.100", "7.1"}, {".5", "0.5"}, {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"}}) {
    EXPECT_EQ(canonical_text(*lift::parse_decimal(in)), out) << in;
  }
}

TEST(Decimal, AdditionAndSubtractionAreExact) {
  EXPECT_EQ(add(num("0.1"), num("0.2"))->text(), "0.3");
  EXPECT_EQ(add(num("99999999999999999999999999999999999999"), num("1"))->text(), "100000000000000000000000000000000000000");
  EXPECT_EQ(subtract(num("1"), num("1.000"))->text(), "0");
  EXPECT_EQ(subtract(num("-5"), num("-7.5"))->text(), "2.5");
  EXPECT_EQ(add(num("100"), num("-0.001"))->text(), "99.999");
  EXPECT_EQ(add(num("-100"), num("0.001"))->text(), "-99.999");
  EXPECT_EQ(add(num("1E-130"), num("1E-130"))->text(), "0." + std::string(129, '0') + "2");
  EXPECT_EQ(subtract(num("12345678901234567890.5"), num("0.5"))->text(), "12345678901234567890");
}

TEST(Decimal, ResultsBeyondDynamoDbLimitsAreRefused) {
  auto digits = add(num("12345678901234567890123456789012345678"), num("0.1"));
  ASSERT_FALSE(digits);
  EXPECT_EQ(digits.error().code, "ValidationException");
  EXPECT_EQ(digits.error().message, "Attempting to store more than 38 significant digits in a Number");
  auto overflow = add(num("9.9999999999999999999999999999999999999E+125"), num("1E+125"));
  ASSERT_FALSE(overflow);
  EXPECT_NE(overflow.error().message.find("Number overflow"), std::string::npos);
}

// ---- storage order and sizes ----

TEST(StorageKeys, NumbersSortByValueStringsAndBinaryBytewise) {
  const std::vector<std::string> numbers{"-1000", "-99.1", "-9.91", "-9.9", "-1.5", "-1", "-0.001", "0", "0.001", "1", "1.5", "9.91", "99.1", "1000"};
  for (std::size_t i = 1; i < numbers.size(); ++i)
    EXPECT_LT(ordered_text(N(numbers[i - 1])), ordered_text(N(numbers[i]))) << numbers[i - 1] << " < " << numbers[i];
  EXPECT_EQ(ordered_text(N("1.50")), ordered_text(N("1.5")));
  const std::vector<std::string> strings{"", "A", "a", "ab", "b", "\xc3\xa9"};
  for (std::size_t i = 2; i < strings.size(); ++i) EXPECT_LT(ordered_text(S(strings[i - 1])), ordered_text(S(strings[i])));
  EXPECT_LT(ordered_text(AttributeValue::binary(std::string("\x01", 1))), ordered_text(AttributeValue::binary("\xff")));
}

TEST(ItemSize, CountsNamesAndValuesAsDynamoDbDoes) {
  EXPECT_EQ(item_size(item(R"({"a": {"S": "abc"}})")), 4u);
  EXPECT_EQ(item_size(item(R"({"name": {"S": "é"}})")), 6u);  // UTF-8 bytes
  EXPECT_EQ(item_size(item(R"({"n": {"N": "1"}})")), 3u);
  EXPECT_EQ(item_size(item(R"({"n": {"N": "12345"}})")), 5u);
  EXPECT_EQ(item_size(item(R"({"b": {"BOOL": true}, "z": {"NULL": true}})")), 4u);
  EXPECT_EQ(item_size(item(R"({"l": {"L": [{"S": "a"}, {"N": "1"}]}})")), 1u + 3 + (1 + 1) + (1 + 2));
  EXPECT_EQ(item_size(item(R"({"m": {"M": {"x": {"S": "ab"}}}})")), 1u + 3 + 1 + (1 + 2));
  EXPECT_EQ(item_size(item(R"({"s": {"SS": ["ab", "c"]}, "y": {"B": "AAEC"}})")), 1u + 3 + 1 + 3);
}

// ---- conditions ----

Condition condition(std::string_view text, Placeholders& p) {
  auto parsed = parse_condition(text, "ConditionExpression", p);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  return std::move(*parsed);
}

std::string condition_error(std::string_view text, std::string_view names = "{}", std::string_view values = R"({":v": {"S": "x"}})") {
  auto p = placeholders(names, values);
  auto parsed = parse_condition(text, "ConditionExpression", p);
  if (parsed) return "parsed";
  EXPECT_EQ(parsed.error().code, "ValidationException");
  return parsed.error().message;
}

TEST(ConditionParser, AndBindsTighterThanOrAndNotTighterThanAnd) {
  auto p = placeholders("{}", R"({":x": {"N": "1"}})");
  auto c = condition("a = :x OR b = :x AND c = :x", p);
  ASSERT_EQ(c.kind, Condition::Kind::or_);
  EXPECT_EQ(c.children[1].kind, Condition::Kind::and_);
  c = condition("NOT a = :x AND b = :x", p);
  ASSERT_EQ(c.kind, Condition::Kind::and_);
  EXPECT_EQ(c.children[0].kind, Condition::Kind::not_);
  c = condition("(a = :x OR b = :x) AND c = :x", p);
  ASSERT_EQ(c.kind, Condition::Kind::and_);
  EXPECT_EQ(c.children[0].kind, Condition::Kind::or_);
  c = condition("a = :x and b = :x or not c = :x", p);  // keywords in any case
  EXPECT_EQ(c.kind, Condition::Kind::or_);
}

TEST(ConditionParser, ReadsEveryConstruct) {
  auto p = placeholders(R"({"#n": "name", "#k": "key.with.dots"})",
                        R"({":a": {"N": "1"}, ":b": {"N": "5"}, ":s": {"S": "x"}, ":t": {"S": "SS"}})");
  auto c = condition(
      "#n.given[2].#k <> :s AND x.y BETWEEN :a AND :b AND z IN (:a, :b, :s) AND attribute_exists(#n) AND "
      "attribute_not_exists(q) AND attribute_type(tags, :t) AND begins_with(#n.given[2].#k, :s) AND contains(tags, :s) AND "
      "size(tags) >= :a AND a < :a AND a <= :a AND a > :a AND a >= :a AND a = :a",
      p);
  ASSERT_TRUE(p.check_unused());
  // The leftmost comparison: a path with a member, an index and a placeholder name with dots.
  const Condition* leftmost = &c;
  while (leftmost->kind == Condition::Kind::and_) leftmost = &leftmost->children[0];
  ASSERT_EQ(leftmost->kind, Condition::Kind::compare);
  EXPECT_EQ(leftmost->comparator, Comparator::ne);
  EXPECT_EQ(path_text(leftmost->operands[0].path), "name.given[2].key.with.dots");
  ASSERT_EQ(leftmost->operands[0].path.size(), 4u);
  EXPECT_EQ(leftmost->operands[0].path[3].name, "key.with.dots");
}

TEST(ConditionParser, EvaluatesLikeDynamoDb) {
  const AttributeMap it = item(R"({"n": {"N": "10"}, "s": {"S": "hello"}, "tags": {"SS": ["a", "b"]}, "nums": {"NS": ["1.5"]},
      "l": {"L": [{"S": "x"}, {"N": "2"}]}, "m": {"M": {"deep": {"L": [{"N": "0"}, {"M": {"z": {"BOOL": true}}}]}}},
      "bin": {"B": "AAECAw=="}, "nul": {"NULL": true}})");
  auto p = placeholders("{}", R"({":nine": {"N": "9"}, ":ten": {"N": "10.0"}, ":he": {"S": "he"}, ":ll": {"S": "ll"}, ":a": {"S": "a"},
      ":x": {"S": "x"}, ":two": {"N": "2"}, ":onefive": {"N": "1.5"}, ":SS": {"S": "SS"}, ":L": {"S": "L"}, ":t": {"BOOL": true},
      ":b12": {"B": "AQI="}, ":b01": {"B": "AAE="}, ":NULL": {"S": "NULL"}})");
  const auto yes = [&](std::string_view text) { EXPECT_TRUE(evaluate(condition(text, p), it)) << text; };
  const auto no = [&](std::string_view text) { EXPECT_FALSE(evaluate(condition(text, p), it)) << text; };
  yes("n > :nine");  // numbers by value, not text
  yes("n = :ten");
  no("n < :nine");
  yes("n BETWEEN :nine AND :ten");
  yes("n IN (:nine, :ten)");
  no("s IN (:nine, :ten)");
  yes("begins_with(s, :he)");
  no("begins_with(s, :ll)");
  yes("contains(s, :ll)");
  yes("contains(tags, :a)");
  yes("contains(nums, :onefive)");
  yes("contains(l, :x)");
  yes("contains(l, :two)");
  yes("begins_with(bin, :b01)");
  yes("contains(bin, :b12)");
  yes("attribute_type(tags, :SS)");
  yes("attribute_type(nul, :NULL)");
  no("attribute_type(l, :SS)");
  yes("attribute_type(l, :L)");
  yes("size(s) > :two");
  yes("size(tags) = :two");
  yes("m.deep[1].z = :t");
  no("m.deep[2].z = :t");
  yes("attribute_exists(m.deep[0])");
  yes("attribute_not_exists(absent)");
  yes("absent <> :x");  // a missing attribute differs from any value
  no("absent = :x");
  no("absent < :x");
  no("s < :nine");  // different types never order
  yes("NOT (n < :nine OR s = :x)");
}

TEST(ConditionParser, SyntaxErrorsNameTheToken) {
  EXPECT_EQ(condition_error("a = = :v"), "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"");
  EXPECT_EQ(condition_error("a ="), "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
  EXPECT_NE(condition_error("a = :v)").find("Syntax error; token: \")\""), std::string::npos);
  EXPECT_NE(condition_error("(a = :v").find("<EOF>"), std::string::npos);
  EXPECT_NE(condition_error("a $ :v").find("token: \"$\""), std::string::npos);
  EXPECT_NE(condition_error("a BETWEEN :v :v").find("Syntax error"), std::string::npos);
  EXPECT_NE(condition_error("a IN :v").find("Syntax error"), std::string::npos);
  EXPECT_NE(condition_error("a[x] = :v").find("Syntax error"), std::string::npos);
  EXPECT_NE(condition_error("a = :v AND").find("<EOF>"), std::string::npos);
  EXPECT_NE(condition_error("a = :v - :v").find("Syntax error; token: \"-\""), std::string::npos);  // no arithmetic in conditions
  EXPECT_NE(condition_error("a").find("<EOF>"), std::string::npos);
  EXPECT_NE(condition_error("# = :v").find("token: \"#\""), std::string::npos);
  EXPECT_EQ(condition_error(""), "Invalid ConditionExpression: The expression can not be empty;");
  EXPECT_EQ(condition_error("   "), "Invalid ConditionExpression: The expression can not be empty;");
  EXPECT_NE(condition_error(std::string(5000, 'a') + " = :v").find("Expression size has exceeded the maximum allowed size"), std::string::npos);
  EXPECT_NE(condition_error(std::string(200, '(') + "a = :v" + std::string(200, ')')).find("nested"), std::string::npos);
}

TEST(ConditionParser, SemanticErrorsAreDynamoDbs) {
  EXPECT_EQ(condition_error("size = :v"), "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: size");
  EXPECT_EQ(condition_error("Status = :v"), "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Status");
  EXPECT_EQ(condition_error("#s = :v"),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #s");
  EXPECT_EQ(condition_error("a = :w"),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :w");
  EXPECT_EQ(condition_error("nope(a)"), "Invalid ConditionExpression: Invalid function name; function: nope");
  EXPECT_EQ(condition_error("begins_with(a)"),
            "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, "
            "number of operands: 1");
  EXPECT_EQ(condition_error("attribute_exists(:v)"),
            "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists");
  EXPECT_EQ(condition_error("begins_with(a, :n)", "{}", R"({":n": {"N": "1"}})"),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand "
            "type: N");
  EXPECT_EQ(condition_error("attribute_type(a, :v)"),
            "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  EXPECT_EQ(condition_error("attribute_exists(a) = :v"),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists");
  EXPECT_EQ(condition_error("size(a)"),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size");
  EXPECT_EQ(condition_error("a.b = a.b"),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; "
            "operator: =, first operand: [a, b]");
  EXPECT_EQ(condition_error("a BETWEEN :hi AND :lo", "{}", R"({":hi": {"N": "5"}, ":lo": {"N": "1"}})"),
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower "
            "bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}");
  EXPECT_NE(condition_error("a BETWEEN :n AND :v", "{}", R"({":n": {"N": "5"}, ":v": {"S": "x"}})").find("same data type"), std::string::npos);
  EXPECT_NE(condition_error("size(:n) = :n", "{}", R"({":n": {"N": "5"}})").find("operator or function: size, operand type: N"),
            std::string::npos);
}

TEST(Placeholders, UnusedOnesAreNamed) {
  auto p = placeholders(R"({"#a": "a", "#b": "b"})", R"({":x": {"S": "x"}, ":y": {"S": "y"}})");
  ASSERT_TRUE(parse_condition("#a = :x", "ConditionExpression", p));
  auto unused = p.check_unused();
  ASSERT_FALSE(unused);
  EXPECT_EQ(unused.error().message, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}");
  auto q = placeholders(R"({"#a": "a"})", R"({":x": {"S": "x"}, ":y": {"S": "y"}})");
  ASSERT_TRUE(parse_condition("#a = :x", "ConditionExpression", q));
  EXPECT_EQ(q.check_unused().error().message, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
}

// ---- key conditions ----

std::string key_error(std::string_view text, std::string_view values = R"({":v": {"S": "x"}, ":w": {"S": "y"}, ":n": {"N": "1"}})") {
  auto p = placeholders(R"({"#pk": "PK"})", values);
  auto parsed = parse_condition(text, "KeyConditionExpression", p);
  if (!parsed) return parsed.error().message;
  auto split = key_condition(*parsed, KeySchemaView{"PK", AttributeType::S, "SK", AttributeType::S});
  return split ? "ok" : split.error().message;
}

TEST(KeyCondition, AcceptsWhatDynamoDbAccepts) {
  EXPECT_EQ(key_error("PK = :v"), "ok");
  EXPECT_EQ(key_error("PK = :v AND SK BETWEEN :v AND :w"), "ok");
  EXPECT_EQ(key_error("begins_with(SK, :v) AND #pk = :w"), "ok");
  EXPECT_EQ(key_error(":v = PK AND :w < SK"), "ok");
  for (const char* op : {"<", "<=", ">", ">=", "="}) EXPECT_EQ(key_error(std::string("PK = :v AND SK ") + op + " :w"), "ok") << op;
}

TEST(KeyCondition, RefusesWhatDynamoDbRefuses) {
  EXPECT_EQ(key_error("PK = :v OR SK = :w"), "Invalid operator used in KeyConditionExpression: OR");
  EXPECT_EQ(key_error("NOT PK = :v"), "Invalid operator used in KeyConditionExpression: NOT");
  EXPECT_EQ(key_error("PK IN (:v, :w)"), "Invalid operator used in KeyConditionExpression: IN");
  EXPECT_EQ(key_error("PK <> :v"), "Invalid operator used in KeyConditionExpression: <>");
  EXPECT_EQ(key_error("PK = :v AND contains(SK, :w)"), "Invalid operator used in KeyConditionExpression: contains");
  EXPECT_EQ(key_error("SK = :v"), "Query condition missed key schema element: PK");
  EXPECT_EQ(key_error("PK = :v AND colour = :w"), "Query condition missed key schema element: SK");
  EXPECT_EQ(key_error("PK < :v"), "Query key condition not supported");
  EXPECT_EQ(key_error("PK = :v AND PK = :w"), "KeyConditionExpressions must only contain one condition per key");
  EXPECT_EQ(key_error("PK.a = :v"), "KeyConditionExpressions cannot have conditions on nested attributes");
  EXPECT_EQ(key_error("PK = SK"), "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  EXPECT_EQ(key_error(":v = :w"), "Invalid condition in KeyConditionExpression: No key attribute specified");
  EXPECT_EQ(key_error("PK = :n"), "One or more parameter values were invalid: Condition parameter type does not match schema type");
  EXPECT_EQ(key_error("PK = :v AND size(SK) = :n"), "KeyConditionExpressions cannot contain nested operations");
  EXPECT_EQ(key_error("PK = :v AND a = :v AND b = :w"), "Conditions can be of length 1 or 2 only");
}

// ---- updates ----

std::string update_error(std::string_view text, std::string_view values = R"({":v": {"S": "x"}, ":n": {"N": "1"}, ":ss": {"SS": ["a"]}})") {
  auto p = placeholders(R"({"#a": "a"})", values);
  auto parsed = parse_update(text, p);
  if (parsed) return "parsed";
  EXPECT_EQ(parsed.error().code, "ValidationException");
  return parsed.error().message;
}

AttributeMap updated(std::string_view before, std::string_view text, std::string_view values = "{}") {
  auto p = placeholders(R"({"#a": "a"})", values);
  auto parsed = parse_update(text, p);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  AttributeMap it = item(before);
  auto ok = apply_update(*parsed, it);
  if (!ok) throw std::runtime_error(ok.error().message);
  return it;
}

TEST(UpdateExpression, SetWithArithmeticFunctionsAndPaths) {
  EXPECT_EQ(updated(R"({"n": {"N": "0.1"}})", "SET n = n + :x, m = :x - n", R"({":x": {"N": "0.2"}})"),
            item(R"({"n": {"N": "0.3"}, "m": {"N": "0.1"}})"));  // both computed from the item before the update
  EXPECT_EQ(updated(R"({})", "SET a = if_not_exists(a, :zero) + :one", R"({":zero": {"N": "0"}, ":one": {"N": "1"}})"),
            item(R"({"a": {"N": "1"}})"));
  EXPECT_EQ(updated(R"({"l": {"L": [{"S": "a"}]}})", "set l = list_append(l, :more), k = list_append(:more, l)",
                    R"({":more": {"L": [{"S": "b"}]}})"),
            item(R"({"l": {"L": [{"S": "a"}, {"S": "b"}]}, "k": {"L": [{"S": "b"}, {"S": "a"}]}})"));
  EXPECT_EQ(updated(R"({"m": {"M": {"x": {"L": [{"N": "1"}, {"N": "2"}]}}}})", "SET m.x[1] = :v, m.x[9] = :w, m.y = :v",
                    R"({":v": {"S": "v"}, ":w": {"S": "w"}})"),
            item(R"({"m": {"M": {"x": {"L": [{"N": "1"}, {"S": "v"}, {"S": "w"}]}, "y": {"S": "v"}}}})"));
  EXPECT_EQ(updated(R"({"a": {"S": "x"}})", "SET b = #a"), item(R"({"a": {"S": "x"}, "b": {"S": "x"}})"));
}

TEST(UpdateExpression, RemoveAddDelete) {
  EXPECT_EQ(updated(R"({"a": {"S": "x"}, "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]}})", "REMOVE #a, l[1], l[3]"),
            item(R"({"l": {"L": [{"N": "0"}, {"N": "2"}]}})"));  // indexes name the list before the update
  EXPECT_EQ(updated(R"({"n": {"N": "1"}})", "ADD n :x, fresh :x", R"({":x": {"N": "-0.5"}})"),
            item(R"({"n": {"N": "0.5"}, "fresh": {"N": "-0.5"}})"));
  EXPECT_EQ(updated(R"({"s": {"SS": ["a", "b"]}})", "ADD s :more", R"({":more": {"SS": ["b", "c"]}})"),
            item(R"({"s": {"SS": ["a", "b", "c"]}})"));
  EXPECT_EQ(updated(R"({"s": {"NS": ["1", "2"]}, "t": {"NS": ["1"]}})", "DELETE s :one, t :one", R"({":one": {"NS": ["1.0"]}})"),
            item(R"({"s": {"NS": ["2"]}})"));  // the last member gone removes the set
  EXPECT_EQ(updated(R"({})", "SET a = :v REMOVE b ADD c :n DELETE d :s",
                    R"({":v": {"S": "v"}, ":n": {"N": "2"}, ":s": {"SS": ["x"]}})"),
            item(R"({"a": {"S": "v"}, "c": {"N": "2"}})"));
}

TEST(UpdateExpression, RuntimeErrors) {
  const auto fails = [](std::string_view before, std::string_view text, std::string_view values, std::string_view message) {
    try {
      updated(before, text, values);
      ADD_FAILURE() << text << " should fail";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), message) << text;
    }
  };
  fails("{}", "SET a = b + :n", R"({":n": {"N": "1"}})", "The provided expression refers to an attribute that does not exist in the item");
  fails(R"({"b": {"S": "x"}})", "SET a = b + :n", R"({":n": {"N": "1"}})", "An operand in the update expression has an incorrect data type");
  fails(R"({"a": {"S": "x"}})", "ADD a :n", R"({":n": {"N": "1"}})", "An operand in the update expression has an incorrect data type");
  fails("{}", "SET a.b = :n", R"({":n": {"N": "1"}})", "The document path provided in the update expression is invalid for update");
  fails(R"({"a": {"S": "x"}})", "SET a[0] = :n", R"({":n": {"N": "1"}})",
        "The document path provided in the update expression is invalid for update");
  fails(R"({"n": {"N": "99999999999999999999999999999999999999"}})", "SET n = n + :x", R"({":x": {"N": "0.5"}})",
        "Attempting to store more than 38 significant digits in a Number");
}

TEST(UpdateExpression, ParseErrors) {
  EXPECT_EQ(update_error("SET a = :v SET b = :v"),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
  EXPECT_EQ(update_error("SET a = :v, a.b = :v"),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
            "[a], path two: [a, b]");
  EXPECT_EQ(update_error("SET a[1] = :v REMOVE a.b"),
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: "
            "[a, [1]], path two: [a, b]");
  EXPECT_EQ(update_error("ADD a :v"), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING");
  EXPECT_EQ(update_error("DELETE a :n"),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER");
  EXPECT_EQ(update_error("SET a = b + :v"),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S");
  EXPECT_EQ(update_error("SET a = list_append(a, :n)"),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: N");
  EXPECT_EQ(update_error("SET a = if_not_exists(:v, :v)"),
            "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists");
  EXPECT_EQ(update_error("SET a = nope(a)"), "Invalid UpdateExpression: Invalid function name; function: nope");
  EXPECT_EQ(update_error("SET a = list_append(a)"),
            "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of "
            "operands: 1");
  EXPECT_EQ(update_error("SET name = :v"), "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name");
  EXPECT_EQ(update_error("SET #b = :v"),
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #b");
  EXPECT_NE(update_error("SET a :v").find("Syntax error; token: \":v\""), std::string::npos);
  EXPECT_NE(update_error("ADD a b").find("Syntax error; token: \"b\""), std::string::npos);
  EXPECT_NE(update_error("UPSERT a = :v").find("Syntax error; token: \"UPSERT\""), std::string::npos);
  EXPECT_NE(update_error("SET a = :v,").find("<EOF>"), std::string::npos);
  EXPECT_NE(update_error("REMOVE a b").find("Syntax error"), std::string::npos);
}

// ---- projections ----

TEST(Projection, ListElementsCloseUpAndMapsNest) {
  auto p = placeholders(R"({"#n": "name"})");
  auto paths = parse_projection("#n, l[3], l[1], m.a, m.b.c, absent", p);
  ASSERT_TRUE(paths) << paths.error().message;
  const AttributeMap it = item(R"({"name": {"S": "x"}, "other": {"S": "y"}, "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]},
      "m": {"M": {"a": {"N": "1"}, "b": {"M": {"c": {"N": "2"}, "d": {"N": "3"}}}, "z": {"N": "9"}}}})");
  EXPECT_EQ(project(it, *paths),
            item(R"({"name": {"S": "x"}, "l": {"L": [{"N": "1"}, {"N": "3"}]}, "m": {"M": {"a": {"N": "1"}, "b": {"M": {"c": {"N": "2"}}}}}})"));
  auto q = placeholders();
  auto overlap = parse_projection("a, a.b", q);
  ASSERT_FALSE(overlap);
  EXPECT_EQ(overlap.error().message,
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path "
            "one: [a], path two: [a, b]");
  EXPECT_FALSE(parse_projection("a,", q));
  EXPECT_EQ(parse_projection("comment", q).error().message,
            "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: comment");
}

}  // namespace
