#include "request.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "decimal.hpp"
#include "errors.hpp"

namespace lift::dynamorm::engine {
namespace json = boost::json;
namespace {

// What DynamoDB's deserializer says when a member has the wrong JSON type.
std::string found_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::bool_: return v.get_bool() ? "TRUE_VALUE" : "FALSE_VALUE";
    case json::kind::int64:
    case json::kind::uint64: return "NUMBER_VALUE";
    case json::kind::double_: return "DECIMAL_VALUE";
    case json::kind::string: return "STRING_VALUE";
    default: return "";
  }
}

Error wrong_type(const json::value& v, std::string_view expected) {
  if (v.is_object()) return serialization_error("Start of structure or map found where not expected");
  if (v.is_array()) return serialization_error("Unrecognized collection type class java.lang." + std::string(expected));
  return serialization_error(found_text(v) + " cannot be converted to " + std::string(expected));
}

const json::value* member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

bool valid_placeholder(std::string_view key, char sigil) {
  if (key.size() < 2 || key.front() != sigil) return false;
  for (const char c : key.substr(1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// DynamoDB's wording for the problems the attribute value reader finds.
Error value_error(const Error& read) {
  const std::string problem = read.details.empty() ? read.message : read.details.front().message;
  const std::string& path = read.details.empty() ? std::string() : read.details.front().field;
  const auto invalid = [](std::string m) { return validation_error("One or more parameter values were invalid: " + std::move(m)); };
  if (problem == "expected one type key, found none" || problem.starts_with("unknown attribute type"))
    return validation_error("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  if (problem.starts_with("expected one type key, found"))
    return validation_error("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  if (problem == "empty set") {
    const std::string type = path.ends_with("SS") ? "string" : path.ends_with("NS") ? "number" : "binary";
    return invalid("An " + type + " set may not be empty");
  }
  if (problem == "set has repeated members") return invalid("Input collection contains duplicates");
  if (problem == "expected true") return invalid("Null attribute value types must have the value of true");
  if (problem.starts_with("nested deeper")) return validation_error("Nesting Levels have exceeded supported limits");
  if (problem.starts_with("number has more than 38")) return validation_error("Attempting to store more than 38 significant digits in a Number");
  if (problem.starts_with("number magnitude larger"))
    return validation_error("Number overflow. Attempting to store a number with magnitude larger than supported range");
  if (problem.starts_with("number magnitude smaller"))
    return validation_error("Number underflow. Attempting to store a number with magnitude smaller than supported range");
  if (problem.starts_with("not a number")) return validation_error("The parameter cannot be converted to a numeric value");
  if (problem == "invalid base64") return serialization_error("Base64 encoded value is not valid");
  return serialization_error("Unexpected value type in payload");
}

constexpr ReadOptions kRequestValues{.allow_empty_sets = false, .allow_repeated_set_members = false, .max_depth = 32};

constexpr std::string_view kLegacy[] = {"Expected",   "ConditionalOperator", "AttributeUpdates", "KeyConditions",
                                        "QueryFilter", "ScanFilter"};

}  // namespace

std::string member_name(std::string_view key) {
  std::string out(key);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

Error constraint_error(std::string_view member, std::string_view value, std::string_view rule) {
  return validation_error("1 validation error detected: Value " + std::string(value) + " at '" + std::string(member) +
                          "' failed to satisfy constraint: " + std::string(rule));
}

Result<std::optional<std::string>> string_member(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return wrong_type(*v, "String");
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::optional<bool>> bool_member(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return wrong_type(*v, "Boolean");
  return std::optional<bool>(v->get_bool());
}

Result<std::optional<std::int64_t>> integer_member(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->get_int64());
  if (v->is_uint64()) return std::optional<std::int64_t>(static_cast<std::int64_t>(std::min<std::uint64_t>(v->get_uint64(), INT64_MAX)));
  if (v->is_double()) {
    const double d = v->get_double();
    if (d > -9.2e18 && d < 9.2e18) return std::optional<std::int64_t>(static_cast<std::int64_t>(d));
    return std::optional<std::int64_t>(d < 0 ? INT64_MIN : INT64_MAX);
  }
  return wrong_type(*v, "Integer");
}

Result<const json::object*> object_member(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) {
    if (v->is_array()) return serialization_error("Unrecognized collection type java.util.Map");
    return serialization_error("Unexpected field type");
  }
  return &v->get_object();
}

Result<const json::array*> array_member(const json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (v == nullptr) return static_cast<const json::array*>(nullptr);
  if (!v->is_array()) {
    if (v->is_object()) return serialization_error("Start of structure or map found where not expected");
    return serialization_error("Unexpected field type");
  }
  return &v->get_array();
}

Result<std::string> required_string(const json::object& o, std::string_view key) {
  auto value = string_member(o, key);
  if (!value) return std::move(value).error();
  if (!*value) return constraint_error(member_name(key), "null", "Member must not be null");
  return std::move(**value);
}

Result<void> check_table_name(std::string_view member, const std::string& name) {
  const std::string quoted = "'" + name + "'";
  if (name.size() < 3) return constraint_error(member, quoted, "Member must have length greater than or equal to 3");
  if (name.size() > 255) return constraint_error(member, quoted, "Member must have length less than or equal to 255");
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return constraint_error(member, quoted, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  }
  return {};
}

Result<std::string> enum_member(const json::object& o, std::string_view key, std::initializer_list<std::string_view> allowed,
                                std::string_view fallback) {
  auto value = string_member(o, key);
  if (!value) return std::move(value).error();
  if (!*value) return std::string(fallback);
  for (const auto candidate : allowed) {
    if (**value == candidate) return std::move(**value);
  }
  std::string set = "[";
  for (const auto candidate : allowed) {
    if (set.size() > 1) set += ", ";
    set += candidate;
  }
  return constraint_error(member_name(key), "'" + **value + "'", "Member must satisfy enum value set: " + set + "]");
}

AttributeValue canonicalized(const AttributeValue& value) {
  switch (value.type()) {
    case AttributeType::N: return AttributeValue::number(canonical(*value.as_number()));
    case AttributeType::NS: {
      std::vector<Number> members;
      members.reserve(value.as_number_set()->size());
      for (const auto& n : *value.as_number_set()) members.push_back(canonical(n));
      return AttributeValue::number_set(std::move(members));
    }
    case AttributeType::M: {
      AttributeMap map;
      for (const auto& [name, v] : *value.as_map()) map.emplace(name, canonicalized(v));
      return AttributeValue::map(std::move(map));
    }
    case AttributeType::L: {
      AttributeList list;
      list.reserve(value.as_list()->size());
      for (const auto& v : *value.as_list()) list.push_back(canonicalized(v));
      return AttributeValue::list(std::move(list));
    }
    default: return value;
  }
}

Result<AttributeValue> read_value(const json::value& json) {
  auto value = from_dynamodb_json(json, kRequestValues);
  if (!value) return value_error(value.error());
  return canonicalized(*value);
}

Result<AttributeMap> read_item(const json::value& json) {
  if (!json.is_object()) return serialization_error("Start of list found where not expected");
  AttributeMap out;
  for (const auto& [name, v] : json.get_object()) {
    auto value = read_value(v);
    if (!value) return std::move(value).error();
    out.emplace(std::string(name), std::move(*value));
  }
  return out;
}

Result<Expressions> read_expressions(const json::object& request, std::initializer_list<std::string_view> accepted) {
  for (const auto legacy : kLegacy) {
    if (member(request, legacy) != nullptr)
      return validation_error("The legacy parameter " + std::string(legacy) +
                              " is not supported by the embedded engine; use the expression parameters");
  }
  std::map<std::string, std::string, std::less<>> names;
  AttributeMap values;
  auto names_json = object_member(request, "ExpressionAttributeNames");
  if (!names_json) return std::move(names_json).error();
  auto values_json = object_member(request, "ExpressionAttributeValues");
  if (!values_json) return std::move(values_json).error();

  std::vector<std::pair<std::string_view, std::string>> present;
  for (const auto name : accepted) {
    auto text = string_member(request, name);
    if (!text) return std::move(text).error();
    if (*text) present.emplace_back(name, std::move(**text));
  }
  auto attributes_to_get = array_member(request, "AttributesToGet");
  if (!attributes_to_get) return std::move(attributes_to_get).error();
  if (*attributes_to_get != nullptr && std::find(accepted.begin(), accepted.end(), "ProjectionExpression") == accepted.end())
    return validation_error("AttributesToGet is not a parameter of this operation");
  if (*attributes_to_get != nullptr && !present.empty())
    return validation_error(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
        "{AttributesToGet} Expression parameters: {ProjectionExpression}");

  if (*names_json != nullptr) {
    if (present.empty()) return validation_error("ExpressionAttributeNames can only be specified when using expressions");
    if ((*names_json)->empty()) return validation_error("ExpressionAttributeNames must not be empty");
    for (const auto& [key, v] : **names_json) {
      if (!valid_placeholder(key, '#'))
        return validation_error("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + std::string(key) + "\"");
      if (!v.is_string()) return wrong_type(v, "String");
      names.emplace(std::string(key), std::string(v.get_string()));
    }
  }
  if (*values_json != nullptr) {
    const bool value_expression = std::any_of(present.begin(), present.end(), [](const auto& p) { return p.first != "ProjectionExpression"; });
    if (!value_expression) {
      std::string which;
      for (const auto name : accepted) {
        if (name == "ProjectionExpression") continue;
        if (!which.empty()) which += " and ";
        which += name;
      }
      return validation_error("ExpressionAttributeValues can only be specified when using expressions: " + which +
                              (which.find(" and ") == std::string::npos ? " is null" : " are null"));
    }
    if ((*values_json)->empty()) return validation_error("ExpressionAttributeValues must not be empty");
    for (const auto& [key, v] : **values_json) {
      if (!valid_placeholder(key, ':'))
        return validation_error("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + std::string(key) + "\"");
    }
    for (const auto& [key, v] : **values_json) {
      auto value = read_value(v);
      if (!value) {
        Error e = std::move(value).error();
        if (e.code == "ValidationException")
          e.message = "ExpressionAttributeValues contains invalid value: " + e.message + " for key " + std::string(key);
        return e;
      }
      values.emplace(std::string(key), std::move(*value));
    }
  }

  Placeholders placeholders(std::move(names), std::move(values));
  Expressions out;
  // DynamoDB reads them in this order, so its first error is this one's too.
  for (const auto name : {"UpdateExpression", "ConditionExpression", "KeyConditionExpression", "FilterExpression", "ProjectionExpression"}) {
    const auto found = std::find_if(present.begin(), present.end(), [&](const auto& p) { return p.first == name; });
    if (found == present.end()) continue;
    const std::string& text = found->second;
    const std::string_view which = name;
    if (which == "UpdateExpression") {
      auto update = parse_update(text, placeholders);
      if (!update) return std::move(update).error();
      out.update = std::move(*update);
    } else if (which == "ProjectionExpression") {
      auto paths = parse_projection(text, placeholders);
      if (!paths) return std::move(paths).error();
      out.projection = std::move(*paths);
    } else {
      auto condition = parse_condition(text, which, placeholders);
      if (!condition) return std::move(condition).error();
      if (which == "ConditionExpression") out.condition = std::move(*condition);
      else if (which == "KeyConditionExpression") out.key_condition = std::move(*condition);
      else out.filter = std::move(*condition);
    }
  }
  if (auto unused = placeholders.check_unused(); !unused) return std::move(unused).error();

  if (*attributes_to_get != nullptr) {
    if ((*attributes_to_get)->empty())
      return constraint_error("attributesToGet", "'[]'", "Member must have length greater than or equal to 1");
    std::vector<Path> paths;
    for (const auto& v : **attributes_to_get) {
      if (!v.is_string()) return wrong_type(v, "String");
      Path path{PathStep{std::string(v.get_string()), std::nullopt}};
      if (std::find(paths.begin(), paths.end(), path) != paths.end())
        return validation_error("One or more parameter values were invalid: Duplicate value in attribute name: " + std::string(v.get_string()));
      paths.push_back(std::move(path));
    }
    out.projection = std::move(paths);
  }
  return out;
}

}  // namespace lift::dynamorm::engine
