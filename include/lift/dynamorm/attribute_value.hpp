#pragma once
// DynamoDB attribute values: the vocabulary of items, keys, expressions values and stream
// images, and their DynamoDB JSON form (`{"S":"x"}`, `{"N":"1.5"}`, `{"M":{...}}`).
//
// An AttributeValue holds exactly one of the ten DynamoDB types:
//   S     std::string                 N     Number (its decimal text, never a double)
//   B     Binary (raw bytes; base64 in DynamoDB JSON)
//   BOOL  bool                        NULL  (no payload)
//   M     AttributeMap                L     AttributeList
//   SS    std::vector<std::string>    NS    std::vector<Number>    BS    std::vector<Binary>
//
// Values compare as DynamoDB compares them: numbers by value ("1" == "1.0" == "1E0"), sets as
// sets (order and repeats do not matter), maps by key and value, lists element by element.
// A default-constructed AttributeValue is NULL.
//
//   auto v = lift::dynamorm::from_dynamodb_json(json);   // Result<AttributeValue>
//   if (const auto* n = v->as_number()) n->text();       // "3.14159"
//   boost::json::value back = lift::dynamorm::to_dynamodb_json(*v);
//
// Described structs can hold AttributeValue and AttributeMap members (stream images, keys):
// lift_from_json/lift_to_json below are the conversion hooks of lift::json.

#include <compare>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include "lift/core/result.hpp"

namespace lift::dynamorm {

// A DynamoDB number: up to 38 significant digits, kept as its decimal text so that nothing is
// lost to binary floating point. Equality and ordering are numeric.
class Number {
 public:
  Number() : text_("0") {}
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  explicit Number(I value) : text_(std::to_string(value)) {}

  // Decimal text as DynamoDB accepts it: optional sign, digits with an optional fraction (or a
  // fraction alone), optional exponent; at most 38 significant digits, magnitude 1E-130 to
  // 9.99E+125 (or zero). Errors: code "InvalidAttributeValue", status 400.
  static Result<Number> parse(std::string_view text);

  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  // The value when it is an integer that fits I; nullopt otherwise ("1.5", "1E40").
  template <std::integral I>
  [[nodiscard]] std::optional<I> as_integer() const;
  // The nearest double (may round; a DynamoDB number has more digits than a double).
  [[nodiscard]] double as_double() const;

  friend bool operator==(const Number& a, const Number& b);
  friend std::strong_ordering operator<=>(const Number& a, const Number& b);

 private:
  explicit Number(std::string text, int /*checked*/) : text_(std::move(text)) {}
  [[nodiscard]] std::optional<std::int64_t> as_int64() const;
  [[nodiscard]] std::optional<std::uint64_t> as_uint64() const;
  std::string text_;
};

// Raw bytes of a B or BS value.
struct Binary {
  std::string bytes;

  friend bool operator==(const Binary&, const Binary&) = default;
  friend auto operator<=>(const Binary&, const Binary&) = default;
};

class AttributeValue;
// Byte-wise name order, the same as std::less<std::string>, for any string-like key. Most
// attribute names already differ in their first byte: that is decided inline, without a call.
struct AttributeNameLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    if (!a.empty() && !b.empty() && a.front() != b.front()) {
      return static_cast<unsigned char>(a.front()) < static_cast<unsigned char>(b.front());
    }
    return a < b;
  }
};
using AttributeMap = std::map<std::string, AttributeValue, AttributeNameLess>;
using AttributeList = std::vector<AttributeValue>;

// The DynamoDB type tags. to_string gives the wire name: "S", "N", "B", "BOOL", "NULL", "M",
// "L", "SS", "NS", "BS".
enum class AttributeType : unsigned char { S, N, B, BOOL, NULL_, M, L, SS, NS, BS };
[[nodiscard]] std::string_view to_string(AttributeType type) noexcept;

class AttributeValue {
 public:
  AttributeValue() = default;  // NULL

  static AttributeValue string(std::string value) { return AttributeValue(std::in_place_index<0>, std::move(value)); }
  static AttributeValue number(Number value) { return AttributeValue(std::in_place_index<1>, std::move(value)); }
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  static AttributeValue number(I value) {
    return number(Number(value));
  }
  static AttributeValue binary(std::string bytes) { return AttributeValue(std::in_place_index<2>, Binary{std::move(bytes)}); }
  static AttributeValue boolean(bool value) { return AttributeValue(std::in_place_index<3>, value); }
  static AttributeValue null() { return AttributeValue(); }
  static AttributeValue map(AttributeMap value) { return AttributeValue(std::in_place_index<5>, std::move(value)); }
  static AttributeValue list(AttributeList value) { return AttributeValue(std::in_place_index<6>, std::move(value)); }
  // Sets keep the order given. DynamoDB refuses empty sets and repeated members in requests;
  // to_dynamodb_json writes what the value holds.
  static AttributeValue string_set(std::vector<std::string> value) { return AttributeValue(std::in_place_index<7>, std::move(value)); }
  static AttributeValue number_set(std::vector<Number> value) { return AttributeValue(std::in_place_index<8>, std::move(value)); }
  static AttributeValue binary_set(std::vector<Binary> value) { return AttributeValue(std::in_place_index<9>, std::move(value)); }

  [[nodiscard]] AttributeType type() const noexcept { return static_cast<AttributeType>(value_.index()); }
  [[nodiscard]] bool is_null() const noexcept { return type() == AttributeType::NULL_; }

  // The payload when the value has that type, nullptr otherwise.
  [[nodiscard]] const std::string* as_string() const noexcept { return std::get_if<0>(&value_); }
  [[nodiscard]] const Number* as_number() const noexcept { return std::get_if<1>(&value_); }
  [[nodiscard]] const Binary* as_binary() const noexcept { return std::get_if<2>(&value_); }
  [[nodiscard]] const bool* as_bool() const noexcept { return std::get_if<3>(&value_); }
  [[nodiscard]] const AttributeMap* as_map() const noexcept { return std::get_if<5>(&value_); }
  [[nodiscard]] const AttributeList* as_list() const noexcept { return std::get_if<6>(&value_); }
  [[nodiscard]] const std::vector<std::string>* as_string_set() const noexcept { return std::get_if<7>(&value_); }
  [[nodiscard]] const std::vector<Number>* as_number_set() const noexcept { return std::get_if<8>(&value_); }
  [[nodiscard]] const std::vector<Binary>* as_binary_set() const noexcept { return std::get_if<9>(&value_); }
  [[nodiscard]] std::string* as_string() noexcept { return std::get_if<0>(&value_); }
  [[nodiscard]] Number* as_number() noexcept { return std::get_if<1>(&value_); }
  [[nodiscard]] Binary* as_binary() noexcept { return std::get_if<2>(&value_); }
  [[nodiscard]] bool* as_bool() noexcept { return std::get_if<3>(&value_); }
  [[nodiscard]] AttributeMap* as_map() noexcept { return std::get_if<5>(&value_); }
  [[nodiscard]] AttributeList* as_list() noexcept { return std::get_if<6>(&value_); }
  [[nodiscard]] std::vector<std::string>* as_string_set() noexcept { return std::get_if<7>(&value_); }
  [[nodiscard]] std::vector<Number>* as_number_set() noexcept { return std::get_if<8>(&value_); }
  [[nodiscard]] std::vector<Binary>* as_binary_set() noexcept { return std::get_if<9>(&value_); }

  friend bool operator==(const AttributeValue& a, const AttributeValue& b);

 private:
  struct Null {
    friend bool operator==(Null, Null) noexcept { return true; }
  };
  // Alternatives in AttributeType order, so index() is the type.
  using Storage = std::variant<std::string, Number, Binary, bool, Null, AttributeMap, AttributeList,
                               std::vector<std::string>, std::vector<Number>, std::vector<Binary>>;
  // Built in place: a factory costs no extra variant move.
  template <std::size_t I, class A>
  AttributeValue(std::in_place_index_t<I> at, A&& value) : value_(at, std::forward<A>(value)) {}

  Storage value_{std::in_place_index<4>};
};

// How strictly DynamoDB JSON is read. The defaults are DynamoDB's own request validation.
// Stream images and SDK fixtures have been seen carrying empty sets and repeated set members,
// so readers of events relax those two rules.
struct ReadOptions {
  bool allow_empty_sets = false;
  bool allow_repeated_set_members = false;
  // Nesting beyond this depth (maps and lists) is refused; DynamoDB allows 32 levels.
  int max_depth = 64;
};

// `{"S":"x"}` → AttributeValue. Exactly one type key is required. Errors: code
// "InvalidAttributeValue", status 400, message "<path>: <problem>" with the path relative to
// `json` (`M["a"].L[2].N: not a number`; no prefix for the value itself), details holding the
// same path and problem. Problems: not an object, no or two type keys, unknown type, payload of
// the wrong JSON type, N not a DynamoDB number, B not base64, NULL not true, empty set or
// repeated member (unless allowed), nesting too deep.
Result<AttributeValue> from_dynamodb_json(const boost::json::value& json, const ReadOptions& options = {});
// `{"name":{"S":"x"},...}` (an item, a key, a stream image) → AttributeMap; paths start with
// the attribute name in brackets (`["name"].N: not a number`).
Result<AttributeMap> item_from_dynamodb_json(const boost::json::value& json, const ReadOptions& options = {});

// AttributeValue → `{"S":"x"}`; B and BS as standard base64; N as its text. The JSON is
// allocated from `storage` (the default resource when empty): one arena for a whole answer of
// many items saves an allocation and a free for every member of every one.
boost::json::value to_dynamodb_json(const AttributeValue& value, boost::json::storage_ptr storage = {});
boost::json::value item_to_dynamodb_json(const AttributeMap& item, boost::json::storage_ptr storage = {});

// Conversion hooks of lift::json (see lift/json/convert.hpp): an AttributeValue member, or an
// AttributeMap member (a map of them), binds from DynamoDB JSON. Bound values are what AWS sent
// (stream images), so empty sets and repeated set members are tolerated there.
Result<void> lift_from_json(const boost::json::value& json, AttributeValue& out);
boost::json::value lift_to_json(const AttributeValue& value);

template <std::integral I>
std::optional<I> Number::as_integer() const {
  if constexpr (std::is_signed_v<I>) {
    const auto v = as_int64();
    if (!v || !std::in_range<I>(*v)) return std::nullopt;
    return static_cast<I>(*v);
  } else {
    const auto v = as_uint64();
    if (!v || !std::in_range<I>(*v)) return std::nullopt;
    return static_cast<I>(*v);
  }
}

}  // namespace lift::dynamorm
