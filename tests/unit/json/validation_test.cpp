// Validation rules: each rule, several failures together, nested paths, parse's 400 vs 422, and
// what parse_unvalidated and the deprecated bind do instead.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lift/json/binding.hpp"
#include "unit/json/print_error.hpp"

namespace validation_test {

enum class Tier { free, pro, enterprise };
BOOST_DESCRIBE_ENUM(Tier, free, pro, enterprise)

struct Item {
  std::string sku;
  int qty = 1;
  double price = 0;
};
BOOST_DESCRIBE_STRUCT(Item, (), (sku, qty, price))

inline void lift_rules(lift::json::Rules<Item>& r) {
  r.field(&Item::sku).required().pattern("^[A-Z]+-[0-9]+$");
  r.field(&Item::qty).min(1).max(99);
  r.field(&Item::price).min(0.5).max(1e6);
}

struct CreateTodo {
  std::string title;
  int priority = 0;
  std::optional<std::string> email;
  std::vector<Item> items;
  std::map<std::string, Item> extras;
  std::optional<Item> featured;
  std::string color = "red";
  Tier tier = Tier::free;
  std::set<std::string> tags;
};
BOOST_DESCRIBE_STRUCT(CreateTodo, (), (title, priority, email, items, extras, featured, color, tier, tags))

inline void lift_rules(lift::json::Rules<CreateTodo>& r) {
  r.field(&CreateTodo::title).required().length(1, 10);
  r.field(&CreateTodo::priority).min(0).max(5);
  r.field(&CreateTodo::email).email();
  r.field(&CreateTodo::items).max_items(3);
  r.field(&CreateTodo::color).one_of("red", "green");
  r.field(&CreateTodo::tier).one_of(Tier::free, Tier::pro);
  r.field(&CreateTodo::tags).min_items(0).max_items(2).check([](const std::set<std::string>& t) { return !t.contains("x"); },
                                                             "must not contain x");
  r.check("priority", [](const CreateTodo& t) { return t.priority != 3; }, "must not be 3");
}

struct Base {
  std::string id;
};
BOOST_DESCRIBE_STRUCT(Base, (), (id))

struct Derived : Base {
  unsigned count = 0;
};
BOOST_DESCRIBE_STRUCT(Derived, (Base), (count))

inline void lift_rules(lift::json::Rules<Derived>& r) {
  r.field(&Derived::id).required().min_length(2);  // a member of the base
  r.field(&Derived::count).max(10u);
  r.field(&Derived::id).max_length(4);  // adds to the same member's rules
  r.check("", [](const Derived& d) { return d.id != "bad"; }, "this id is not allowed");
}

struct NoRules {
  int n = 0;
  std::vector<Item> items;
};
BOOST_DESCRIBE_STRUCT(NoRules, (), (n, items))

struct Plain {
  int n = 0;
};
BOOST_DESCRIBE_STRUCT(Plain, (), (n))

struct Wide {
  std::int64_t big = 0;
  std::uint64_t huge = 0;
  std::optional<double> ratio;
};
BOOST_DESCRIBE_STRUCT(Wide, (), (big, huge, ratio))

inline void lift_rules(lift::json::Rules<Wide>& r) {
  r.field(&Wide::big).min(-9'007'199'254'740'993LL);  // beyond a double's exact integers
  r.field(&Wide::huge).max(18'446'744'073'709'551'614ULL);
  r.field(&Wide::ratio).required().min(0).max(1);
}

// Counts of one read in the singular.
struct Counted {
  std::string code;
  std::string name = "n";
  std::vector<int> list;
  std::vector<int> pair;
  std::string kind;
};
BOOST_DESCRIBE_STRUCT(Counted, (), (code, name, list, pair, kind))

inline void lift_rules(lift::json::Rules<Counted>& r) {
  r.field(&Counted::code).max_length(1);
  r.field(&Counted::name).min_length(1);
  r.field(&Counted::list).min_items(1);
  r.field(&Counted::pair).max_items(1);
  r.field(&Counted::kind).one_of("only");
}

// Rules declared as a static member, in the class: found wherever the type is, whatever the
// namespace, even though the type is described only after the class.
struct MemberRules {
  std::string item;
  int quantity = 0;
  static void lift_rules(lift::json::Rules<MemberRules>& r) {
    r.field(&MemberRules::item).required().min_length(1);
    r.field(&MemberRules::quantity).min(1).max(100);
    r.check("quantity", [](const MemberRules& m) { return m.quantity != 13; }, "must not be 13");
  }
};
BOOST_DESCRIBE_STRUCT(MemberRules, (), (item, quantity))

// The static member declared in the class and defined after the description.
struct MemberRulesDefinedLater {
  std::string email;
  static void lift_rules(lift::json::Rules<MemberRulesDefinedLater>& r);
};
BOOST_DESCRIBE_STRUCT(MemberRulesDefinedLater, (), (email))
inline void MemberRulesDefinedLater::lift_rules(lift::json::Rules<MemberRulesDefinedLater>& r) {
  r.field(&MemberRulesDefinedLater::email).required().email();
}

}  // namespace validation_test

// The trap as a user wrote it: the type in a namespace, its rules in the global namespace.
namespace validation_test_app {
struct Order {
  std::string item;
  int quantity = 0;
};
BOOST_DESCRIBE_STRUCT(Order, (), (item, quantity))
}  // namespace validation_test_app

inline void lift_rules(lift::json::Rules<validation_test_app::Order>& r) {
  r.field(&validation_test_app::Order::quantity).min(1).max(100);
}

namespace validation_test {
namespace lj = lift::json;
using Details = std::vector<lift::ErrorDetail>;

template <class T>
lift::Error parse_error(std::string_view body) {
  auto result = lj::parse<T>(body);
  EXPECT_FALSE(result) << "expected an error for " << body;
  if (result) return {};
  return result.error();
}

TEST(JsonValidation, ValidBodyParses) {
  auto todo = lj::parse<CreateTodo>(
      R"({"title":"milk","priority":5,"email":"me@example.com","items":[{"sku":"AB-1","qty":2,"price":1.5}],)"
      R"("color":"green","tier":"pro","tags":["a"]})");
  ASSERT_TRUE(todo) << todo.error().message;
  EXPECT_EQ(todo->title, "milk");
  EXPECT_EQ(todo->items.at(0).qty, 2);
}

TEST(JsonValidation, MissingRequiredIs422NotAnInvalidBody) {
  const auto error = parse_error<CreateTodo>(R"({"priority":9})");
  EXPECT_EQ(error.code, "ValidationFailed");
  EXPECT_EQ(error.status, 422);
  EXPECT_EQ(error.message, "title: is required (and 1 more problem)");
  EXPECT_EQ(error.details, (Details{{"title", "is required"}, {"priority", "must be at most 5"}}));
  // null counts as missing (for a member that may hold null)
  EXPECT_EQ(parse_error<Wide>(R"({"ratio":null})").details, (Details{{"ratio", "is required"}}));
}

TEST(JsonValidation, WrongTypeIs400EvenWhenRulesWouldAlsoFail) {
  const auto error = parse_error<CreateTodo>(R"({"priority":"high"})");
  EXPECT_EQ(error.code, "InvalidBody");
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.message, "priority: expected integer");
  const auto not_json = parse_error<CreateTodo>("{");
  EXPECT_EQ(not_json.code, "InvalidJson");
  EXPECT_EQ(not_json.status, 400);
  const auto not_object = parse_error<CreateTodo>("[]");
  EXPECT_EQ(not_object.code, "InvalidBody");
  EXPECT_EQ(not_object.message, "expected object");
}

TEST(JsonValidation, EveryRuleReportsItsMessageAndAllFailuresComeTogether) {
  const auto error = parse_error<CreateTodo>(
      R"({"title":"much too long a title","priority":-1,"email":"not-an-email",)"
      R"("items":[{"sku":"AB-1"},{"sku":"ab","qty":0,"price":0.25},{"sku":"CD-2","qty":100},{"sku":"EF-3"}],)"
      R"("extras":{"gift wrap":{"sku":"GW-1","price":2e6}},"featured":{"qty":5},)"
      R"("color":"blue","tier":"enterprise","tags":["a","b","x"]})");
  EXPECT_EQ(error.code, "ValidationFailed");
  EXPECT_EQ(error.status, 422);
  const Details expected{
      {"title", "must be at most 10 characters long"},
      {"priority", "must be at least 0"},
      {"email", "must be a valid email address"},
      {"items", "must have at most 3 items"},
      {"items[1].sku", "must match the pattern ^[A-Z]+-[0-9]+$"},
      {"items[1].qty", "must be at least 1"},
      {"items[1].price", "must be at least 0.5"},
      {"items[2].qty", "must be at most 99"},
      {R"(extras["gift wrap"].price)", "must be at most 1000000"},
      {"featured.sku", "is required"},
      {"color", R"(must be one of "red", "green")"},
      {"tier", R"(must be one of "free", "pro")"},
      {"tags", "must have at most 2 items"},
      {"tags", "must not contain x"},
  };
  EXPECT_EQ(error.details, expected);
  EXPECT_EQ(error.message, "title: must be at most 10 characters long (and 13 more problems)");
}

TEST(JsonValidation, LengthCountsCodePoints) {
  // Ten code points, twenty bytes.
  EXPECT_TRUE(lj::parse<CreateTodo>(R"({"title":"éééééééééé"})"));
  EXPECT_EQ(parse_error<CreateTodo>(R"({"title":"ééééééééééé"})").details,
            (Details{{"title", "must be at most 10 characters long"}}));
  EXPECT_EQ(parse_error<CreateTodo>(R"({"title":""})").details, (Details{{"title", "must be at least 1 character long"}}));
}

TEST(JsonValidation, MessagesReadInTheSingularForOne) {
  EXPECT_EQ(parse_error<Counted>(R"({"code":"ab","name":"","list":[],"pair":[1,2],"kind":"other"})").details,
            (Details{{"code", "must be at most 1 character long"},
                     {"name", "must be at least 1 character long"},
                     {"list", "must have at least 1 item"},
                     {"pair", "must have at most 1 item"},
                     {"kind", R"(must be "only")"}}));
  using One = std::array<int, 1>;
  using Two = std::array<int, 2>;
  EXPECT_EQ(lj::parse_unvalidated<One>("[]").error().message, "expected array of 1 item");
  EXPECT_EQ(lj::parse_unvalidated<Two>("[]").error().message, "expected array of 2 items");
}

TEST(JsonValidation, RulesInTheGlobalNamespaceApplyToATypeInAnotherNamespace) {
  const auto error = parse_error<validation_test_app::Order>(R"({"item":"book","quantity":-5})");
  EXPECT_EQ(error.code, "ValidationFailed");
  EXPECT_EQ(error.details, (Details{{"quantity", "must be at least 1"}}));
  EXPECT_TRUE(lj::parse<validation_test_app::Order>(R"({"item":"book","quantity":5})"));
}

TEST(JsonValidation, RulesDeclaredAsAStaticMemberApply) {
  EXPECT_TRUE(lj::parse<MemberRules>(R"({"item":"book","quantity":5})"));
  EXPECT_EQ(parse_error<MemberRules>(R"({"quantity":-5})").details,
            (Details{{"item", "is required"}, {"quantity", "must be at least 1"}}));
  EXPECT_EQ(parse_error<MemberRules>(R"({"item":"","quantity":13})").details,
            (Details{{"item", "must be at least 1 character long"}, {"quantity", "must not be 13"}}));
  EXPECT_EQ(lj::validate(MemberRules{"book", 101}).error().details, (Details{{"quantity", "must be at most 100"}}));
  EXPECT_EQ(parse_error<MemberRulesDefinedLater>(R"({"email":"nope"})").details,
            (Details{{"email", "must be a valid email address"}}));
}

TEST(JsonValidation, CustomChecksOnTheWholeValue) {
  EXPECT_EQ(parse_error<CreateTodo>(R"({"title":"t","priority":3})").details, (Details{{"priority", "must not be 3"}}));
  EXPECT_EQ(parse_error<Derived>(R"({"id":"bad"})").details, (Details{{"", "this id is not allowed"}}));
  EXPECT_EQ(parse_error<Derived>(R"({"id":"bad"})").message, "this id is not allowed");
}

TEST(JsonValidation, RulesOnBaseMembersAndRepeatedFieldCalls) {
  EXPECT_TRUE(lj::parse<Derived>(R"({"id":"abc","count":10})"));
  EXPECT_EQ(parse_error<Derived>(R"({"count":11})").details, (Details{{"id", "is required"}, {"count", "must be at most 10"}}));
  EXPECT_EQ(parse_error<Derived>(R"({"id":"a"})").details, (Details{{"id", "must be at least 2 characters long"}}));
  EXPECT_EQ(parse_error<Derived>(R"({"id":"abcde"})").details, (Details{{"id", "must be at most 4 characters long"}}));
}

TEST(JsonValidation, AbsentOptionalMembersSkipTheirRules) {
  auto todo = lj::parse<CreateTodo>(R"({"title":"t","email":null})");
  ASSERT_TRUE(todo) << todo.error().message;
  EXPECT_FALSE(todo->email.has_value());
}

TEST(JsonValidation, AbsentMembersAreNotCheckedWhenParsedButDefaultsAreWhenValidatedDirectly) {
  // Parsed from JSON: an absent member is like an absent property in JSON Schema.
  EXPECT_TRUE(lj::parse<Item>(R"({"sku":"AB-1"})"));  // price defaults to 0, below its minimum
  // Validated on its own, the value is all there is.
  Item item{"AB-1", 1, 0};
  auto checked = lj::validate(item);
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error().code, "ValidationFailed");
  EXPECT_EQ(checked.error().status, 422);
  EXPECT_EQ(checked.error().details, (Details{{"price", "must be at least 0.5"}}));
}

TEST(JsonValidation, ValidateWithoutJsonTreatsRequiredAsHasValue) {
  Wide wide;
  EXPECT_EQ(lj::validate(wide).error().details, (Details{{"ratio", "is required"}}));
  wide.ratio = 0.5;
  EXPECT_TRUE(lj::validate(wide));
  wide.ratio = 2;
  EXPECT_EQ(lj::validate(wide).error().details, (Details{{"ratio", "must be at most 1"}}));

  CreateTodo todo;  // a non-optional required member is always there
  todo.priority = 7;
  todo.title = "t";
  todo.items = {Item{"bad", 1, 1}};
  EXPECT_EQ(lj::validate(todo).error().details,
            (Details{{"priority", "must be at most 5"}, {"items[0].sku", "must match the pattern ^[A-Z]+-[0-9]+$"}}));
}

TEST(JsonValidation, IntegerBoundsCompareExactly) {
  EXPECT_TRUE(lj::parse<Wide>(R"({"big":-9007199254740993,"ratio":0})"));
  EXPECT_EQ(parse_error<Wide>(R"({"big":-9007199254740994,"ratio":0})").details,
            (Details{{"big", "must be at least -9007199254740993"}}));
  EXPECT_TRUE(lj::parse<Wide>(R"({"huge":18446744073709551614,"ratio":1})"));
  EXPECT_EQ(parse_error<Wide>(R"({"huge":18446744073709551615,"ratio":1})").details,
            (Details{{"huge", "must be at most 18446744073709551614"}}));
}

TEST(JsonValidation, TypesWithoutRulesValidateTriviallyButTheirElementsDoNot) {
  EXPECT_TRUE(lj::validate(Plain{}));
  EXPECT_TRUE(lj::validate(42));
  EXPECT_TRUE(lj::parse<Plain>(R"({"n":-5})"));
  EXPECT_EQ(parse_error<NoRules>(R"({"items":[{"sku":"AB-1"},{}]})").details, (Details{{"items[1].sku", "is required"}}));
  EXPECT_EQ(parse_error<std::vector<Item>>(R"([{"sku":"AB-1"},{"sku":"AB-2","qty":0}])").details,
            (Details{{"[1].qty", "must be at least 1"}}));
}

TEST(JsonValidation, ManyFailuresAreBounded) {
  std::string body = "[";
  for (int i = 0; i < 1000; ++i) body += (i == 0 ? "" : ",") + std::string("{}");
  body += "]";
  const auto error = parse_error<std::vector<Item>>(body);
  EXPECT_EQ(error.details.size(), lj::detail::Problems::kLimit);
  EXPECT_EQ(error.details.front(), (lift::ErrorDetail{"[0].sku", "is required"}));
}

TEST(JsonValidation, EmailRule) {
  for (const char* good : {"a@b.co", "first.last+tag@sub.example.org", "x_y-z@a-b.io", "o'neil@example.com"}) {
    EXPECT_TRUE(lj::detail::is_email(good)) << good;
  }
  for (const char* bad : {"", "plain", "@example.com", "a@", "a@b", "a@.com", "a@b..com", "a@-b.com", "a@b-.com",
                          ".a@b.com", "a.@b.com", "a..b@c.com", "a b@c.com", "a@b c.com", "a@b.com\n", "a@@b.com"}) {
    EXPECT_FALSE(lj::detail::is_email(bad)) << bad;
  }
  EXPECT_FALSE(lj::detail::is_email(std::string(65, 'a') + "@b.com"));
  EXPECT_FALSE(lj::detail::is_email("a@" + std::string(64, 'b') + ".com"));
}

TEST(JsonValidation, RulesAreSharedSafelyAcrossThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 200; ++i) {
        auto good = lj::parse<CreateTodo>(R"({"title":"ok","items":[{"sku":"AB-1"}]})");
        auto bad = lj::parse<CreateTodo>(R"({"title":"ok","items":[{"sku":"nope"}]})");
        if (!good || bad) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, (std::vector<int>(4, 0)));
}

TEST(JsonValidation, ParseAcceptsADomAndTextOfEveryKind) {
  const auto dom = boost::json::parse(R"({"title":"dom"})");
  auto from_dom = lj::parse<CreateTodo>(dom);
  ASSERT_TRUE(from_dom);
  EXPECT_EQ(from_dom->title, "dom");
  EXPECT_EQ(lj::parse<CreateTodo>(boost::json::parse("{}")).error().code, "ValidationFailed");
  const std::string text = R"({"title":"str"})";
  EXPECT_TRUE(lj::parse<CreateTodo>(text));
  EXPECT_TRUE(lj::parse<CreateTodo>(std::string_view(text)));
  EXPECT_TRUE(lj::parse<CreateTodo>(R"({"title":"literal"})"));
}

TEST(JsonValidation, ParseRunsTheRulesThatParseUnvalidatedSkips) {
  // Text that fits the type but breaks its rules: parse refuses it, parse_unvalidated does not.
  const std::string_view body = R"({"title":"","priority":9,"items":[{"sku":"nope","qty":0}]})";
  const auto refused = parse_error<CreateTodo>(body);
  EXPECT_EQ(refused.code, "ValidationFailed");
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.details, (Details{{"title", "must be at least 1 character long"},
                                      {"priority", "must be at most 5"},
                                      {"items[0].sku", "must match the pattern ^[A-Z]+-[0-9]+$"},
                                      {"items[0].qty", "must be at least 1"}}));
  const auto unchecked = lj::parse_unvalidated<CreateTodo>(body);
  ASSERT_TRUE(unchecked) << unchecked.error().message;
  EXPECT_EQ(unchecked->priority, 9);
  EXPECT_EQ(unchecked->items.at(0).qty, 0);
  // The rules of a type nested in one without rules, and of a bare vector's elements, too.
  EXPECT_EQ(parse_error<NoRules>(R"({"items":[{}]})").code, "ValidationFailed");
  EXPECT_TRUE(lj::parse_unvalidated<NoRules>(R"({"items":[{}]})"));
  // A required member, absent from the text.
  EXPECT_EQ(parse_error<Wide>("{}").details, (Details{{"ratio", "is required"}}));
  EXPECT_TRUE(lj::parse_unvalidated<Wide>("{}"));
}

TEST(JsonValidation, ParseAndParseUnvalidatedReportConversionErrorsAlike) {
  for (const char* body : {"{", "[]", R"({"priority":"high"})", R"({"items":[{"qty":1.5}]})", "{\"title\":\"\xff\"}"}) {
    const auto checked = lj::parse<CreateTodo>(body);
    const auto unchecked = lj::parse_unvalidated<CreateTodo>(body);
    ASSERT_FALSE(checked) << body;
    ASSERT_FALSE(unchecked) << body;
    EXPECT_EQ(checked.error(), unchecked.error()) << body;
    EXPECT_EQ(checked.error().status, 400) << body;
  }
}

TEST(JsonValidation, DeprecatedBindIsParse) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  for (const char* body : {R"({"title":"ok"})", R"({"priority":9})", R"({"priority":"high"})", "{"}) {
    const auto old_name = lj::bind<CreateTodo>(body);
    const auto new_name = lj::parse<CreateTodo>(body);
    ASSERT_EQ(bool(old_name), bool(new_name)) << body;
    if (!new_name) {
      EXPECT_EQ(old_name.error(), new_name.error()) << body;
    }
  }
  EXPECT_EQ(lj::bind<CreateTodo>(boost::json::parse("{}")).error().code, "ValidationFailed");
  EXPECT_TRUE(lj::bind<CreateTodo>(std::string(R"({"title":"str"})")));
#pragma GCC diagnostic pop
}

}  // namespace
