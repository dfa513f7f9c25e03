#pragma once
// Condition, update and key-condition expressions. Every attribute name becomes a `#nN`
// placeholder and every value a `:vN` placeholder, allocated by one Expressions object per
// request, so reserved words never matter, values are always parameters and grouped conditions
// never collide.
//
//   using namespace lift::dynamorm;
//   Condition c = attr("status") == "open" && (attr("amount") > 10 || attribute_not_exists("owner"));
//   Update u = Update().set(&Order::ship_status, "shipped").add("views", 1).remove("draft");
//   Expressions e;
//   std::string condition = e.render(c);    // "(#n0 = :v0 AND (#n1 > :v1 OR attribute_not_exists(#n2)))"
//   e.names();   // {"#n0": "status", ...}    e.values();   // {":v0": {"S": "open"}, ...}
//
// Attribute paths (AttributePath) name what an expression reads or writes, three ways:
//   &Order::ship_status    a member of the model: the attribute the model stores it under
//                          ("shipStatus" by the default naming, or its rename); in an update
//                          the value is converted as the model converts that member (a TTL
//                          member as epoch seconds, an empty optional as a REMOVE)
//   "shipStatus"           a path of the model's attributes, as DynamoDB names them:
//                          `a.b[2].c` is the member `c` of the third element of the list `b` in
//                          the map `a`. A table refuses (DynamORM.Validation) a path whose first
//                          segment is no attribute of its model, naming the close ones: a member
//                          name is not an attribute name ("ship_status is not an attribute of
//                          table orders (did you mean shipStatus?)")
//   raw("legacyFlag")      taken as written: an attribute the model does not declare
// Outside a table (rendering by hand) every path is used as written, a member as its name.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"
#include "lift/dynamorm/marshal.hpp"

namespace lift::dynamorm {

struct ModelSchema;  // model.hpp

// What an expression names: a path of the model's attributes, a member of the model, or a raw
// attribute outside it (see above).
class AttributePath {
 public:
  AttributePath(std::string path) : text_(std::move(path)) {}                 // NOLINT: implicit by design
  AttributePath(const char* path) : text_(path) {}                            // NOLINT
  AttributePath(std::string_view path) : text_(path) {}                       // NOLINT
  template <class T, class M>
    requires detail::is_described_struct_v<T>
  AttributePath(M T::*member) : kind_(Kind::member), model_(&typeid(T)) {     // NOLINT
    if (const auto found = detail::find_member(member)) {
      member_ = found->index;
      text_ = std::string(found->name);
    }
  }

  [[nodiscard]] static AttributePath raw(std::string path) {
    AttributePath p(std::move(path));
    p.kind_ = Kind::raw;
    return p;
  }

  // As written: the path, or the member's name.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] bool is_member() const noexcept { return kind_ == Kind::member; }
  [[nodiscard]] bool is_raw() const noexcept { return kind_ == Kind::raw; }

  // The attribute path in `schema`'s names (checked as described above), or DynamORM.Validation.
  [[nodiscard]] Result<std::string> resolve(const ModelSchema& schema) const;

 private:
  enum class Kind : unsigned char { path, raw, member };
  static constexpr std::size_t kNoMember = static_cast<std::size_t>(-1);
  Kind kind_ = Kind::path;
  std::string text_;
  const std::type_info* model_ = nullptr;  // member: the model type
  std::size_t member_ = kNoMember;         // member: its position among the described members
};

// An attribute the model does not declare, used as written: `Update().set(raw("legacyFlag"), true)`.
inline AttributePath raw(std::string path) { return AttributePath::raw(std::move(path)); }

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
  // The same condition with every path resolved against `schema` (AttributePath::resolve).
  [[nodiscard]] Result<Condition> bind(const ModelSchema& schema) const;

  friend Condition operator&&(Condition a, Condition b);
  friend Condition operator||(Condition a, Condition b);
  friend Condition operator!(Condition a);

  // Builders (prefer the free functions below).
  static Condition make(Kind kind, AttributePath path, std::vector<AttributeValue> values, Op op = Op::eq);

 private:
  Kind kind_ = Kind::exists;
  Op op_ = Op::eq;
  AttributePath path_{std::string()};
  std::vector<AttributeValue> values_;
  std::vector<Condition> children_;
};

// An attribute path in a condition: `attr("a.b") == 1`, `attr(&Order::status) == "open"`.
class Attr {
 public:
  explicit Attr(AttributePath path) : path_(std::move(path)) {}
  [[nodiscard]] const AttributePath& path() const noexcept { return path_; }

  friend Condition operator==(const Attr& a, Operand v) { return a.compare(Condition::Op::eq, std::move(v)); }
  friend Condition operator!=(const Attr& a, Operand v) { return a.compare(Condition::Op::ne, std::move(v)); }
  friend Condition operator<(const Attr& a, Operand v) { return a.compare(Condition::Op::lt, std::move(v)); }
  friend Condition operator<=(const Attr& a, Operand v) { return a.compare(Condition::Op::le, std::move(v)); }
  friend Condition operator>(const Attr& a, Operand v) { return a.compare(Condition::Op::gt, std::move(v)); }
  friend Condition operator>=(const Attr& a, Operand v) { return a.compare(Condition::Op::ge, std::move(v)); }

 private:
  [[nodiscard]] Condition compare(Condition::Op op, Operand v) const;
  AttributePath path_;
};
inline Attr attr(AttributePath path) { return Attr(std::move(path)); }

Condition attribute_exists(AttributePath path);
Condition attribute_not_exists(AttributePath path);
Condition attribute_type(AttributePath path, AttributeType type);
Condition begins_with(AttributePath path, Operand prefix);
Condition contains(AttributePath path, Operand value);
Condition between(AttributePath path, Operand low, Operand high);
Condition in(AttributePath path, std::vector<AttributeValue> values);
// size(path) <op> n
Condition size_is(AttributePath path, Condition::Op op, std::int64_t n);

// ---- updates (UpdateExpression) ----

// Each action takes a path (see AttributePath). The typed forms, `set(&Order::status, v)`, take
// a value of the member's own type and convert it as the model converts the member.
class Update {
 public:
  Update& set(AttributePath path, Operand value);
  // SET path = if_not_exists(path, value)
  Update& set_if_not_exists(AttributePath path, Operand value);
  // SET path = list_append(path, list) / list_append(list, path)
  Update& append(AttributePath path, AttributeList items);
  Update& prepend(AttributePath path, AttributeList items);
  // SET path = if_not_exists(path, 0) + by: an atomic counter that starts at 0.
  Update& increment(AttributePath path, std::int64_t by = 1);
  // ADD path value (numbers and sets)
  Update& add(AttributePath path, Operand value);
  Update& remove(AttributePath path);
  // DELETE path set (removes members from a set)
  Update& delete_from_set(AttributePath path, Operand set);

  // Typed: an empty optional (or set) set this way removes the attribute; added to or deleted
  // from a set, an empty set changes nothing.
  template <class T, class M>
    requires detail::is_described_struct_v<T>
  Update& set(M T::*member, const std::type_identity_t<M>& value) { return typed(Action::set, member, value); }
  template <class T, class M>
    requires detail::is_described_struct_v<T>
  Update& set_if_not_exists(M T::*member, const std::type_identity_t<M>& value) { return typed(Action::set_if_not_exists, member, value); }
  template <class T, class M>
    requires(detail::is_described_struct_v<T> && detail::is_vector_v<M>)
  Update& append(M T::*member, const std::type_identity_t<M>& items) { return typed(Action::append, member, items); }
  template <class T, class M>
    requires(detail::is_described_struct_v<T> && detail::is_vector_v<M>)
  Update& prepend(M T::*member, const std::type_identity_t<M>& items) { return typed(Action::prepend, member, items); }
  template <class T, class M>
    requires(detail::is_described_struct_v<T> && (detail::is_number_v<M> || detail::is_set_v<M>))
  Update& add(M T::*member, const std::type_identity_t<M>& value) { return typed(Action::add, member, value); }
  template <class T, class M>
    requires(detail::is_described_struct_v<T> && detail::is_set_v<M>)
  Update& delete_from_set(M T::*member, const std::type_identity_t<M>& set) { return typed(Action::delete_, member, set); }

  [[nodiscard]] bool empty() const noexcept { return actions_.empty(); }
  // Whether the update already touches `path` as written (the mapper adds its own roles
  // otherwise).
  [[nodiscard]] bool touches(std::string_view path) const;
  [[nodiscard]] std::string render(Expressions& e) const;
  // The same update with every path resolved against `schema` (AttributePath::resolve) and the
  // typed values converted with the model's options.
  [[nodiscard]] Result<Update> bind(const ModelSchema& schema) const;

 private:
  enum class Action : unsigned char { set, set_if_not_exists, append, prepend, increment, add, remove, delete_ };
  // A typed value, converted once the model is known: nullopt when it is stored as no attribute.
  using Encoder = std::function<Result<std::optional<AttributeValue>>(Naming, TimeFormat)>;
  struct Clause {
    Action action;
    AttributePath path;
    AttributeValue value;
    Encoder encode{};
  };

  template <class T, class M>
  Update& typed(Action action, M T::*member, const M& value) {
    Encoder encode = [value](Naming naming, TimeFormat time) -> Result<std::optional<AttributeValue>> {
      detail::Problems problems;
      AttributeValue out;
      const bool present = detail::encode(value, out, naming, time, nullptr, problems);
      if (!problems.empty()) return std::move(problems).error();
      if (!present) return std::optional<AttributeValue>();
      return std::optional<AttributeValue>(std::move(out));
    };
    actions_.push_back({action, AttributePath(member), {}, std::move(encode)});
    return *this;
  }

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
