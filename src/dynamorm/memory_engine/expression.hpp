#pragma once
// DynamoDB's expression languages for the embedded engine: a tokenizer and recursive-descent
// parsers for condition (ConditionExpression, FilterExpression, KeyConditionExpression), update
// and projection expressions, and their evaluation against items.
//
// Precedence, from DynamoDB's reference: comparisons, IN, BETWEEN, functions, parentheses, NOT,
// AND, OR. Errors are ValidationExceptions with DynamoDB's messages, prefixed by the parameter
// ("Invalid ConditionExpression: Syntax error; token: \"=\", near: \"a = = :b\"").

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm::engine {

// One step of a document path: an attribute or map member name, or a list index.
struct PathStep {
  std::string name;
  std::optional<std::size_t> index;

  friend bool operator==(const PathStep&, const PathStep&) = default;
};
using Path = std::vector<PathStep>;

// "a.b[2]" (for people) and "[a, b, [2]]" (DynamoDB's form in overlap messages).
std::string path_text(const Path& path);
std::string path_list_text(const Path& path);

// The ExpressionAttributeNames and ExpressionAttributeValues of one request, shared by all its
// expressions; remembers which were used so that the unused ones can be refused.
class Placeholders {
 public:
  Placeholders() = default;
  Placeholders(std::map<std::string, std::string, std::less<>> names, AttributeMap values)
      : names_(std::move(names)), values_(std::move(values)) {}

  [[nodiscard]] const std::string* name(std::string_view placeholder);
  [[nodiscard]] const AttributeValue* value(std::string_view placeholder);

  // "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}", then values.
  [[nodiscard]] Result<void> check_unused() const;

 private:
  std::map<std::string, std::string, std::less<>> names_;
  AttributeMap values_;
  std::set<std::string, std::less<>> used_names_;
  std::set<std::string, std::less<>> used_values_;
};

// ---- Conditions ----

// A path, a placeholder's value, or a function call (only size() yields a value; the other
// functions are conditions and appear here only while parsing, to be refused).
struct Operand {
  enum class Kind { path, value, function };
  Kind kind = Kind::value;
  Path path{};
  AttributeValue value{};
  std::string function{};
  std::vector<Operand> args{};
};

enum class Comparator { eq, ne, lt, le, gt, ge };
std::string_view to_string(Comparator comparator);

struct Condition {
  enum class Kind { compare, between, in, and_, or_, not_, function };
  Kind kind = Kind::compare;
  Comparator comparator = Comparator::eq;  // compare
  std::string function{};                  // function: attribute_exists, begins_with, ...
  std::vector<Operand> operands{};         // compare: 2, between: 3, in: 2+, function: its arguments
  std::vector<Condition> children{};       // and, or: 2; not: 1
};

// `parameter` names the request member in messages ("ConditionExpression", "FilterExpression",
// "KeyConditionExpression").
Result<Condition> parse_condition(std::string_view text, std::string_view parameter, Placeholders& placeholders);

// The item's value at `path`, or null when there is none.
const AttributeValue* resolve(const AttributeMap& item, const Path& path);

// Whether `item` (empty when there is no item) satisfies the condition.
bool evaluate(const Condition& condition, const AttributeMap& item);

// The attribute names at the head of every path of the condition (to refuse key attributes in a
// filter) and the heads of nested paths (to refuse `.`/`[]` on key attributes).
void collect_heads(const Condition& condition, std::set<std::string>& heads, std::set<std::string>& nested_heads);

// ---- Key conditions ----

// A KeyConditionExpression reduced to the partition key equality and an optional sort key
// condition (=, <, <=, >, >=, BETWEEN or begins_with).
struct KeyCondition {
  std::string partition_name;
  AttributeValue partition_value;
  struct Sort {
    std::string name;
    Condition::Kind kind = Condition::Kind::compare;  // compare, between or function (begins_with)
    Comparator comparator = Comparator::eq;
    std::vector<AttributeValue> values;  // 1, or 2 for BETWEEN
  };
  std::optional<Sort> sort;
};

// Splits a parsed key condition by the key schema of the table or index read. Errors name what
// DynamoDB names: missing partition key, a condition on a non-key attribute, operators a key
// condition cannot use, a value whose type is not the key's.
struct KeySchemaView {
  std::string partition_name;
  AttributeType partition_type = AttributeType::S;
  std::optional<std::string> sort_name;
  AttributeType sort_type = AttributeType::S;
};
Result<KeyCondition> key_condition(const Condition& condition, const KeySchemaView& schema);

// Whether a sort key value satisfies the sort condition.
bool matches(const KeyCondition::Sort& sort, const AttributeValue& value);

// ---- Updates ----

struct UpdateValue {
  enum class Kind { path, value, plus, minus, if_not_exists, list_append };
  Kind kind = Kind::value;
  Path path{};
  AttributeValue value{};
  std::vector<UpdateValue> args{};  // plus, minus, if_not_exists, list_append: 2
};

struct UpdateAction {
  enum class Kind { set, remove, add, delete_ };
  Kind kind = Kind::set;
  Path path{};
  UpdateValue value{};       // set
  AttributeValue operand{};  // add, delete
};

struct UpdateExpression {
  std::vector<UpdateAction> actions;
};

Result<UpdateExpression> parse_update(std::string_view text, Placeholders& placeholders);

// Applies the update to `item` (the key attributes when there was no item). Every SET value is
// computed from the item as it was before the update, as DynamoDB does. Errors:
// ValidationException for a path whose parent is missing, an operand of the wrong type, a number
// out of range.
Result<void> apply_update(const UpdateExpression& update, AttributeMap& item);

// The paths the update writes, for ReturnValues UPDATED_OLD and UPDATED_NEW.
std::vector<Path> updated_paths(const UpdateExpression& update);

// ---- Projections ----

Result<std::vector<Path>> parse_projection(std::string_view text, Placeholders& placeholders);

// The parts of `item` at `paths`, nested as in the item; list elements keep their order and
// close up (a[1] and a[3] become a two-element list).
AttributeMap project(const AttributeMap& item, const std::vector<Path>& paths);

// ---- Values ----

// DynamoDB's ordering of two scalar values of one type (N by value, S and B bytewise); nullopt
// when they are not both S, N or B of the same type.
std::optional<int> compare_values(const AttributeValue& a, const AttributeValue& b);

bool is_reserved_word(std::string_view word);

}  // namespace lift::dynamorm::engine
