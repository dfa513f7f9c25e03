#pragma once
// Reading DynamoDB requests for the embedded engine: members of the right JSON type (a
// SerializationException otherwise, as DynamoDB answers), the constraint checks DynamoDB reports
// as "1 validation error detected: ...", attribute values in canonical form, and the
// expressions of a request parsed together with their placeholders.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "expression.hpp"
#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"

namespace lift::dynamorm::engine {

// "1 validation error detected: Value <value> at '<member>' failed to satisfy constraint: <rule>"
Error constraint_error(std::string_view member, std::string_view value, std::string_view rule);
// The member name as DynamoDB writes it in such messages ("TableName" → "tableName").
std::string member_name(std::string_view key);

// Typed members; absent and null read as nullopt (or null pointers).
Result<std::optional<std::string>> string_member(const boost::json::object& o, std::string_view key);
Result<std::optional<bool>> bool_member(const boost::json::object& o, std::string_view key);
Result<std::optional<std::int64_t>> integer_member(const boost::json::object& o, std::string_view key);
Result<const boost::json::object*> object_member(const boost::json::object& o, std::string_view key);
Result<const boost::json::array*> array_member(const boost::json::object& o, std::string_view key);

// A required string member ("Member must not be null" when absent).
Result<std::string> required_string(const boost::json::object& o, std::string_view key);
// TableName (or IndexName): 3 to 255 characters of [a-zA-Z0-9_.-].
Result<void> check_table_name(std::string_view member, const std::string& name);
// An enumerated member: absent gives `fallback`.
Result<std::string> enum_member(const boost::json::object& o, std::string_view key, std::initializer_list<std::string_view> allowed,
                                std::string_view fallback);

// An item or key in DynamoDB JSON, numbers made canonical; DynamoDB's messages for bad values.
Result<AttributeMap> read_item(const boost::json::value& json);
Result<AttributeValue> read_value(const boost::json::value& json);

// The canonical form of every number in a value (what DynamoDB stores and answers).
AttributeValue canonicalized(const AttributeValue& value);

// The expressions of one request, parsed with its placeholders.
struct Expressions {
  std::optional<Condition> condition;      // ConditionExpression
  std::optional<Condition> key_condition;  // KeyConditionExpression
  std::optional<Condition> filter;         // FilterExpression
  std::optional<UpdateExpression> update;  // UpdateExpression
  std::optional<std::vector<Path>> projection;  // ProjectionExpression (or AttributesToGet)
};

// Reads the expression members among `accepted` ("ConditionExpression", "UpdateExpression",
// "KeyConditionExpression", "FilterExpression", "ProjectionExpression") with
// ExpressionAttributeNames and ExpressionAttributeValues. Errors: the placeholder rules
// (empty maps, bad keys, unused or undefined placeholders), every parse error, legacy
// parameters (Expected, KeyConditions, ...), which the engine does not implement.
Result<Expressions> read_expressions(const boost::json::object& request, std::initializer_list<std::string_view> accepted);

}  // namespace lift::dynamorm::engine
