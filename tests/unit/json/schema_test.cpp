// JSON Schema generation: nested types with rules, components, standalone schemas.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lift/json/schema.hpp"
#include "support/json.hpp"

namespace schema_test {

enum class Priority { low, high };
BOOST_DESCRIBE_ENUM(Priority, low, high)

struct Item {
  std::string sku;
  std::uint8_t qty = 1;
  std::optional<double> price;
};
BOOST_DESCRIBE_STRUCT(Item, (), (sku, qty, price))

inline void lift_rules(lift::json::Rules<Item>& r) {
  r.field(&Item::sku).required().pattern("^[A-Z]+$");
  r.field(&Item::qty).min(1).max(1000);  // the type's own maximum (255) is narrower
  r.field(&Item::price).min(0.5);
}

struct Entity {
  std::string id;
};
BOOST_DESCRIBE_STRUCT(Entity, (), (id))

struct CreateTodo : Entity {
  std::string title;
  int priority = 0;
  std::optional<std::string> email;
  std::vector<Item> items;
  Priority level = Priority::low;
  std::chrono::system_clock::time_point due{};
  std::map<std::string, std::int64_t> counters;
  std::set<std::string> tags;
  std::array<float, 2> point{};
  std::string color;
  boost::json::value extra;
  bool done = false;
};
BOOST_DESCRIBE_STRUCT(CreateTodo, (Entity), (title, priority, email, items, level, due, counters, tags, point, color, extra, done))

inline void lift_rules(lift::json::Rules<CreateTodo>& r) {
  r.field(&CreateTodo::title).required().length(1, 200);
  r.field(&CreateTodo::priority).min(0).max(5);
  r.field(&CreateTodo::email).email();
  r.field(&CreateTodo::items).min_items(1).max_items(50);
  r.field(&CreateTodo::color).one_of("red", "green");
  r.check("priority", [](const CreateTodo& t) { return t.priority != 3; }, "must not be 3");
}

struct Tree {
  std::string label;
  std::vector<Tree> children;
};
BOOST_DESCRIBE_STRUCT(Tree, (), (label, children))

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};
BOOST_DESCRIBE_STRUCT(Page<Item>, (), (items, next_cursor))

}  // namespace schema_test

namespace other {
struct Item {
  int a = 0;
};
BOOST_DESCRIBE_STRUCT(Item, (), (a))
}  // namespace other

namespace schema_test {
// Rules as a static member, written before the type is described.
struct Quantity {
  int value = 0;
  static void lift_rules(lift::json::Rules<Quantity>& r) { r.field(&Quantity::value).required().min(1).max(100); }
};
BOOST_DESCRIBE_STRUCT(Quantity, (), (value))

struct UsesBothItems {
  Item mine;
  other::Item theirs;
};
BOOST_DESCRIBE_STRUCT(UsesBothItems, (), (mine, theirs))
}  // namespace schema_test

namespace schema_test {
namespace lj = lift::json;

using lift::testing_support::json_of;

const char* const kItemSchema = R"({
  "type": "object",
  "properties": {
    "sku": {"type": "string", "pattern": "^[A-Z]+$"},
    "qty": {"type": "integer", "minimum": 1, "maximum": 255},
    "price": {"type": "number", "format": "double", "minimum": 0.5}
  },
  "required": ["sku"]
})";

const char* const kCreateTodoSchema = R"({
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "title": {"type": "string", "minLength": 1, "maxLength": 200},
    "priority": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 5},
    "email": {"type": "string", "format": "email"},
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}, "minItems": 1, "maxItems": 50},
    "level": {"type": "string", "enum": ["low", "high"]},
    "due": {"type": "string", "format": "date-time"},
    "counters": {"type": "object", "additionalProperties": {"type": "integer", "format": "int64"}},
    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
    "point": {"type": "array", "items": {"type": "number", "format": "float"}, "minItems": 2, "maxItems": 2},
    "color": {"type": "string", "enum": ["red", "green"]},
    "extra": {},
    "done": {"type": "boolean"}
  },
  "required": ["title"]
})";

TEST(JsonSchema, NestedTypeWithRulesBecomesComponents) {
  lj::SchemaRegistry registry;
  EXPECT_EQ(registry.schema_of<CreateTodo>(), json_of(R"({"$ref": "#/components/schemas/CreateTodo"})"));
  const auto& components = registry.components();
  ASSERT_EQ(components.size(), 2u) << components;
  EXPECT_EQ(components.at("CreateTodo"), json_of(kCreateTodoSchema)) << components.at("CreateTodo");
  EXPECT_EQ(components.at("Item"), json_of(kItemSchema)) << components.at("Item");
  // Asking again (or for a type that uses it) adds nothing new.
  EXPECT_EQ(registry.schema_of<std::vector<CreateTodo>>(),
            json_of(R"({"type": "array", "items": {"$ref": "#/components/schemas/CreateTodo"}})"));
  EXPECT_EQ(registry.components().size(), 2u);
}

TEST(JsonSchema, StandaloneSchemaInlinesTheRootAndKeepsTheRestInDefs) {
  auto expected = json_of(kCreateTodoSchema).as_object();
  expected["properties"].as_object()["items"].as_object()["items"] = json_of(R"({"$ref": "#/$defs/Item"})");
  expected["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  expected["$defs"] = boost::json::object{{"Item", json_of(kItemSchema)}};
  EXPECT_EQ(boost::json::value(lj::schema<CreateTodo>()), boost::json::value(expected)) << lj::schema<CreateTodo>();

  auto item = json_of(kItemSchema).as_object();
  item["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  EXPECT_EQ(lj::schema<Item>(), item);
  EXPECT_EQ(lj::schema<std::vector<int>>(), json_of(R"({"$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array", "items": {"type": "integer", "format": "int32"}})").as_object());
}

TEST(JsonSchema, RecursiveTypesReferToThemselves) {
  EXPECT_EQ(lj::schema<Tree>(), json_of(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"label": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}}},
    "$defs": {"Tree": {"type": "object", "properties": {"label": {"type": "string"},
              "children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}}}}}
  })").as_object());
}

TEST(JsonSchema, ComponentNamesDropNamespacesAndStayUnique) {
  lj::SchemaRegistry registry;
  (void)registry.schema_of<UsesBothItems>();
  EXPECT_EQ(registry.components().at("UsesBothItems"), json_of(R"({"type": "object", "properties": {
    "mine": {"$ref": "#/components/schemas/Item"}, "theirs": {"$ref": "#/components/schemas/Item_2"}}})"));
  EXPECT_EQ(registry.components().at("Item_2"), json_of(R"({"type": "object", "properties": {"a": {"type": "integer", "format": "int32"}}})"));
  EXPECT_EQ(registry.name_of<Page<Item>>(), "Page_Item");
  EXPECT_EQ(lj::detail::component_base_name(typeid(std::map<std::string, int>).name()).find(':'), std::string::npos);
}

TEST(JsonSchema, ScalarSchemas) {
  lj::SchemaRegistry registry;
  EXPECT_EQ(registry.schema_of<bool>(), json_of(R"({"type": "boolean"})"));
  EXPECT_EQ(registry.schema_of<std::int64_t>(), json_of(R"({"type": "integer", "format": "int64"})"));
  EXPECT_EQ(registry.schema_of<std::uint16_t>(), json_of(R"({"type": "integer", "minimum": 0, "maximum": 65535})"));
  EXPECT_EQ(registry.schema_of<std::int8_t>(), json_of(R"({"type": "integer", "minimum": -128, "maximum": 127})"));
  EXPECT_EQ(registry.schema_of<std::uint64_t>(), json_of(R"({"type": "integer", "minimum": 0, "maximum": 18446744073709551615})"));
  EXPECT_EQ(registry.schema_of<std::optional<std::string>>(), json_of(R"({"type": "string"})"));
  EXPECT_EQ(registry.schema_of<boost::json::object>(), json_of(R"({"type": "object"})"));
  EXPECT_EQ(registry.schema_of<boost::json::array>(), json_of(R"({"type": "array"})"));
  EXPECT_TRUE(registry.components().empty());
}

TEST(JsonSchema, RulesDeclaredAsAStaticMemberAreInTheSchema) {
  EXPECT_EQ(lj::schema<Quantity>(), json_of(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"value": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 100}},
    "required": ["value"]
  })"));
}

TEST(JsonSchema, CustomRefPrefix) {
  lj::SchemaRegistry registry("#/definitions/");
  EXPECT_EQ(registry.schema_of<Item>(), json_of(R"({"$ref": "#/definitions/Item"})"));
}

}  // namespace
