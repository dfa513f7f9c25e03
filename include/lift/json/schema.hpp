#pragma once
// JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) generated from the same types and
// rules that bind request bodies, so documentation cannot drift from behaviour.
//
//   lift::json::SchemaRegistry registry;                        // for an OpenAPI document
//   boost::json::value body = registry.schema_of<CreateOrder>();
//   // body == {"$ref": "#/components/schemas/CreateOrder"}; registry.components() holds
//   // CreateOrder and every struct it uses, each once.
//   boost::json::object standalone = lift::json::schema<CreateOrder>();  // with "$defs"
//
// Mapping: bool → boolean; integers → integer (int32/int64 formats, or the type's range as
// minimum/maximum); float/double → number; strings → string; optional<T> → T's schema, the
// member not required; vector/array/set → array (set: uniqueItems); string-keyed maps →
// object with additionalProperties; described enums → string enum of the names;
// time points → string, format date-time; boost::json::value → {} (anything); described
// structs → object with properties, as a named component. Rules add required, minimum,
// maximum, minLength, maxLength, minItems, maxItems, pattern, enum and format email; custom
// checks cannot be expressed and are left out.
//
// Component names are the C++ type names without namespaces, with characters OpenAPI does
// not allow replaced by '_' (Page<Todo> → Page_Todo); a second type with the same name gets
// a numeric suffix.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <typeinfo>
#include <unordered_map>

#include "lift/json/convert.hpp"
#include "lift/json/validation.hpp"

namespace lift::json {

namespace detail {

// The component name of a type from its mangled name: see the top of this header.
std::string component_base_name(const char* mangled_name);

// Adds the keywords of a member's rules to its schema.
void add_rule_keywords(boost::json::object& schema, const std::optional<Bound>& min, const std::optional<Bound>& max,
                       const std::optional<std::size_t>& min_length, const std::optional<std::size_t>& max_length,
                       const std::optional<std::size_t>& min_items, const std::optional<std::size_t>& max_items,
                       const std::string& pattern, bool email, const std::optional<boost::json::array>& one_of);

}  // namespace detail

class SchemaRegistry {
 public:
  // `ref_prefix` starts every "$ref": OpenAPI components by default, "#/$defs/" for a
  // standalone schema.
  explicit SchemaRegistry(std::string ref_prefix = "#/components/schemas/") : prefix_(std::move(ref_prefix)) {}

  // The schema of T: inline for scalars and containers, a "$ref" for a described struct,
  // whose schema (and those of the structs it uses) is added to components() once.
  template <class T>
  boost::json::value schema_of();

  // Component name → schema of every struct seen so far.
  [[nodiscard]] const boost::json::object& components() const noexcept { return components_; }

  // The component name given to T, registering it if needed.
  template <class T>
  std::string name_of() {
    (void)schema_of<T>();
    return names_.at(typeid(T).name());
  }

  // True when a "$ref" to this component was written inside some component (a type that
  // refers to itself, or one used by another).
  [[nodiscard]] bool referenced_by_components(const std::string& name) const { return referenced_.contains(name); }

 private:
  template <class T>
  boost::json::value struct_ref();
  template <class T>
  boost::json::object struct_schema();
  boost::json::value ref_to(const std::string& name);
  std::string claim_name(const char* mangled_name);

  std::string prefix_;
  std::unordered_map<std::string, std::string> names_;  // mangled type name → component name
  std::set<std::string> taken_;
  std::set<std::string> referenced_;
  boost::json::object components_;
  std::size_t building_ = 0;  // depth of component schemas under construction
};

template <class T>
boost::json::value SchemaRegistry::schema_of() {
  using boost::json::object;
  if constexpr (std::is_same_v<T, bool>) {
    return object{{"type", "boolean"}};
  } else if constexpr (detail::is_integer_v<T>) {
    object schema{{"type", "integer"}};
    if constexpr (std::is_signed_v<T> && sizeof(T) == 4) {
      schema["format"] = "int32";
    } else if constexpr (std::is_signed_v<T> && sizeof(T) == 8) {
      schema["format"] = "int64";
    } else {
      schema["minimum"] = static_cast<std::int64_t>(std::numeric_limits<T>::min());
      schema["maximum"] = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    }
    return schema;
  } else if constexpr (std::is_floating_point_v<T>) {
    object schema{{"type", "number"}};
    if constexpr (std::is_same_v<T, float>) schema["format"] = "float";
    else if constexpr (std::is_same_v<T, double>) schema["format"] = "double";
    return schema;
  } else if constexpr (std::is_convertible_v<const T&, std::string_view> || std::is_same_v<T, boost::json::string>) {
    return object{{"type", "string"}};
  } else if constexpr (detail::is_optional_v<T>) {
    return schema_of<typename T::value_type>();
  } else if constexpr (detail::is_vector_v<T> || detail::is_set_v<T> || detail::is_std_array_v<T>) {
    object schema{{"type", "array"}, {"items", schema_of<typename T::value_type>()}};
    if constexpr (detail::is_set_v<T>) schema["uniqueItems"] = true;
    if constexpr (detail::is_std_array_v<T>) {
      schema["minItems"] = std::tuple_size_v<T>;
      schema["maxItems"] = std::tuple_size_v<T>;
    }
    return schema;
  } else if constexpr (detail::is_string_map_v<T>) {
    return object{{"type", "object"}, {"additionalProperties", schema_of<typename T::mapped_type>()}};
  } else if constexpr (detail::is_described_enum_v<T>) {
    boost::json::array names;
    boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) { names.emplace_back(e.name); });
    return object{{"type", "string"}, {"enum", std::move(names)}};
  } else if constexpr (detail::is_sys_time_v<T>) {
    return object{{"type", "string"}, {"format", "date-time"}};
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    return object{};
  } else if constexpr (std::is_same_v<T, boost::json::object>) {
    return object{{"type", "object"}};
  } else if constexpr (std::is_same_v<T, boost::json::array>) {
    return object{{"type", "array"}};
  } else if constexpr (detail::is_described_struct_v<T>) {
    return struct_ref<T>();
  } else {
    static_assert(detail::always_false_v<T>, "lift::json::SchemaRegistry: unsupported type");
  }
}

template <class T>
boost::json::value SchemaRegistry::struct_ref() {
  const char* key = typeid(T).name();
  if (auto found = names_.find(key); found != names_.end()) return ref_to(found->second);
  const std::string name = claim_name(key);
  // Registered before it is built, so a type that contains itself refers to itself.
  components_[name] = boost::json::object{};
  ++building_;
  auto schema = struct_schema<T>();
  --building_;
  components_[name] = std::move(schema);
  return ref_to(name);
}

template <class T>
boost::json::object SchemaRegistry::struct_schema() {
  const Rules<T>* rules = detail::rules_for<T>();
  boost::json::object properties;
  boost::json::array required;
  std::size_t position = 0;
  boost::mp11::mp_for_each<detail::members_of<T>>([&](auto member) {
    using M = std::remove_cvref_t<decltype(std::declval<const T&>().*member.pointer)>;
    auto property = schema_of<M>();
    if (const auto* spec = rules != nullptr ? rules->spec_of_member(position) : nullptr) {
      if (spec->required) required.emplace_back(member.name);
      detail::add_rule_keywords(property.as_object(), spec->min, spec->max, spec->min_length, spec->max_length,
                                spec->min_items, spec->max_items, spec->pattern_source, spec->email, spec->one_of);
    }
    properties[member.name] = std::move(property);
    ++position;
  });
  boost::json::object schema{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) schema["required"] = std::move(required);
  return schema;
}

// A standalone schema of T: "$schema", T's schema inlined at the root and the structs it
// uses under "$defs".
template <class T>
boost::json::object schema() {
  SchemaRegistry registry("#/$defs/");
  auto root = registry.schema_of<T>();
  boost::json::object out{{"$schema", "https://json-schema.org/draft/2020-12/schema"}};
  boost::json::object defs = registry.components();
  if constexpr (detail::is_described_struct_v<T>) {
    const auto name = registry.name_of<T>();
    for (const auto& entry : defs.at(name).as_object()) out.insert(entry);
    if (!registry.referenced_by_components(name)) defs.erase(name);
  } else {
    for (const auto& entry : root.as_object()) out.insert(entry);
  }
  if (!defs.empty()) out["$defs"] = std::move(defs);
  return out;
}

}  // namespace lift::json
