#pragma once
// Condition, update and key-condition expressions. Every attribute name becomes a `#nN`
// placeholder and every value a `:vN` placeholder, allocated by one Expressions object per
// request, so reserved words never matter, values are always parameters and grouped conditions
// never collide.
//
//   using namespace lift::dynamorm;
//   Condition c = attr("status") == "open" && (attr("amount") > 10 || attribute_not_exists("owner"));
//   Update u = Update().set("title", "x").add("views", 1).remove("draft");
//   Expressions e;
//   std::string condition = e.render(c);    // "(#n0 = :v0 AND (#n1 > :v1 OR attribute_not_exists(#n2)))"
//   e.names();   // {"#n0": "status", ...}    e.values();   // {":v0": {"S": "open"}, ...}
//
// Attribute paths: `a.b[2].c` is the member `c` of the third element of the list `b` in the
// map `a`. A name holding a dot or a bracket is written as one segment with path_segment().

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm {

// A value in an expression: anything with an obvious attribute value.
class Operand {
 public:
  Operand(AttributeValue v) : value_(std::move(v)) {}  // NOLINT: implicit by design
  Operand(Number v) : value_(AttributeValue::number(std::move(v))) {}  // NOLINT
  Operand(const char* v) : value_(AttributeValue::string(v)) {}  // NOLINT
  Operand(std::string v) : value_(AttributeValue::string(std::move(v))) {}  // NOLINT
  Operand(std::string_view v) : value_(AttributeValue::string(std::string(v))) {}  // NOLINT
  Operand(bool v) : value_(AttributeValue::boolean(v)) {}  // NOLINT
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  Operand(I v) : value_(AttributeValue::number(v)) {}  // NOLINT
  Operand(double v);  // NOLINT: non-finite values become NULL, which DynamoDB then refuses

  [[nodiscard]] const AttributeValue& value() const& noexcept { return value_; }
  [[nodiscard]] AttributeValue&& value() && noexcept { return std::move(value_); }

 private:
  AttributeValue value_;
};

// Names and values of one request's expressions.
class Expressions {
 public:
  // `#nN` for the path (each segment its own placeholder, the same name the same placeholder).
  std::string name(std::string_view path);
  // `#nN` for one attribute name taken literally.
  std::string name_literal(std::string_view attribute);
  // A fresh `:vN`.
  std::string value(AttributeValue v);

  [[nodiscard]] std::string render(const class Condition& condition);
  [[nodiscard]] std::string render(const class Update& update);

  [[nodiscard]] const std::map<std::string, std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const AttributeMap& values() const noexcept { return values_; }
  // Adds ExpressionAttributeNames / ExpressionAttributeValues to a request (when not empty).
  void apply(boost::json::object& request) const;

 private:
  std::map<std::string, std::string, std::less<>> by_name_;  // attribute name → placeholder
  std::map<std::string, std::string> names_;                 // placeholder → attribute name
  AttributeMap values_;
};

// ---- conditions (ConditionExpression, FilterExpression) ----

class Condition {
 public:
  enum class Kind : unsigned char {
    compare, compare_size, between, in, exists, not_exists, begins_with, contains, type, and_, or_, not_
  };
  enum class Op : unsigned char { eq, ne, lt, le, gt, ge };

  [[nodiscard]] std::string render(Expressions& e) const;

  friend Condition operator&&(Condition a, Condition b);
  friend Condition operator||(Condition a, Condition b);
  friend Condition operator!(Condition a);

  // Builders (prefer the free functions below).
  static Condition make(Kind kind, std::string path, std::vector<AttributeValue> values, Op op = Op::eq);

 private:
  Kind kind_ = Kind::exists;
  Op op_ = Op::eq;
  std::string path_;
  std::vector<AttributeValue> values_;
  std::vector<Condition> children_;
};

// An attribute path in a condition: `attr("a.b") == 1`.
class Attr {
 public:
  explicit Attr(std::string path) : path_(std::move(path)) {}
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  friend Condition operator==(const Attr& a, Operand v) { return a.compare(Condition::Op::eq, std::move(v)); }
  friend Condition operator!=(const Attr& a, Operand v) { return a.compare(Condition::Op::ne, std::move(v)); }
  friend Condition operator<(const Attr& a, Operand v) { return a.compare(Condition::Op::lt, std::move(v)); }
  friend Condition operator<=(const Attr& a, Operand v) { return a.compare(Condition::Op::le, std::move(v)); }
  friend Condition operator>(const Attr& a, Operand v) { return a.compare(Condition::Op::gt, std::move(v)); }
  friend Condition operator>=(const Attr& a, Operand v) { return a.compare(Condition::Op::ge, std::move(v)); }

 private:
  [[nodiscard]] Condition compare(Condition::Op op, Operand v) const;
  std::string path_;
};
inline Attr attr(std::string path) { return Attr(std::move(path)); }

Condition attribute_exists(std::string path);
Condition attribute_not_exists(std::string path);
Condition attribute_type(std::string path, AttributeType type);
Condition begins_with(std::string path, Operand prefix);
Condition contains(std::string path, Operand value);
Condition between(std::string path, Operand low, Operand high);
Condition in(std::string path, std::vector<AttributeValue> values);
// size(path) <op> n
Condition size_is(std::string path, Condition::Op op, std::int64_t n);

// ---- updates (UpdateExpression) ----

class Update {
 public:
  Update& set(std::string path, Operand value);
  // SET path = if_not_exists(path, value)
  Update& set_if_not_exists(std::string path, Operand value);
  // SET path = list_append(path, list) / list_append(list, path)
  Update& append(std::string path, AttributeList items);
  Update& prepend(std::string path, AttributeList items);
  // SET path = if_not_exists(path, 0) + by: an atomic counter that starts at 0.
  Update& increment(std::string path, std::int64_t by = 1);
  // ADD path value (numbers and sets)
  Update& add(std::string path, Operand value);
  Update& remove(std::string path);
  // DELETE path set (removes members from a set)
  Update& delete_from_set(std::string path, Operand set);

  [[nodiscard]] bool empty() const noexcept { return actions_.empty(); }
  // Whether the update already touches `path` (the mapper adds its own roles otherwise).
  [[nodiscard]] bool touches(std::string_view path) const;
  [[nodiscard]] std::string render(Expressions& e) const;

 private:
  enum class Action : unsigned char { set, set_if_not_exists, append, prepend, increment, add, remove, delete_ };
  struct Clause {
    Action action;
    std::string path;
    AttributeValue value;
  };
  std::vector<Clause> actions_;
};

// ---- key conditions (KeyConditionExpression) ----

// The sort-key part of a key condition.
struct SortKey {
  enum class Op : unsigned char { eq, lt, le, gt, ge, between, begins_with };
  Op op = Op::eq;
  AttributeValue value{};
  AttributeValue high{};  // between only

  static SortKey eq(Operand v) { return {Op::eq, std::move(v).value(), {}}; }
  static SortKey lt(Operand v) { return {Op::lt, std::move(v).value(), {}}; }
  static SortKey le(Operand v) { return {Op::le, std::move(v).value(), {}}; }
  static SortKey gt(Operand v) { return {Op::gt, std::move(v).value(), {}}; }
  static SortKey ge(Operand v) { return {Op::ge, std::move(v).value(), {}}; }
  static SortKey between(Operand low, Operand high) { return {Op::between, std::move(low).value(), std::move(high).value()}; }
  static SortKey begins_with(Operand prefix) { return {Op::begins_with, std::move(prefix).value(), {}}; }
};

// `#pk = :v AND <sort condition>`.
std::string render_key_condition(Expressions& e, std::string_view partition_attribute, AttributeValue partition,
                                 std::string_view sort_attribute, const std::optional<SortKey>& sort);

}  // namespace lift::dynamorm
