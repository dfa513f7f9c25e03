// Non-template parts of JSON Schema generation: component names, rule keywords, references.

#include <boost/core/demangle.hpp>

#include <string>

#include "lift/json/schema.hpp"

namespace lift::json {

namespace detail {

std::string component_base_name(const char* mangled_name) {
  const std::string full = boost::core::demangle(mangled_name);
  // Drop every namespace or enclosing-class qualifier: an identifier followed by "::".
  std::string unqualified;
  std::size_t i = 0;
  while (i < full.size()) {
    if (full.compare(i, 2, "::") == 0) {
      // Remove the identifier just written before "::".
      while (!unqualified.empty()) {
        const char c = unqualified.back();
        const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!word) break;
        unqualified.pop_back();
      }
      i += 2;
      continue;
    }
    unqualified += full[i++];
  }
  // OpenAPI component names: [A-Za-z0-9._-]; anything else becomes one '_', none trailing.
  std::string name;
  for (char c : unqualified) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                         c == '.' || c == '-';
    if (allowed) name += c;
    else if (!name.empty() && name.back() != '_') name += '_';
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name.empty() ? std::string("Type") : name;
}

void add_rule_keywords(boost::json::object& schema, const std::optional<Bound>& min, const std::optional<Bound>& max,
                       const std::optional<std::size_t>& min_length, const std::optional<std::size_t>& max_length,
                       const std::optional<std::size_t>& min_items, const std::optional<std::size_t>& max_items,
                       const std::string& pattern, bool email, const std::optional<boost::json::array>& one_of) {
  // A rule narrower than the type's own range replaces it; a wider one changes nothing.
  if (min) {
    const auto* existing = schema.if_contains("minimum");
    if (existing == nullptr || existing->to_number<double>() < min->as_double()) schema["minimum"] = min->to_json();
  }
  if (max) {
    const auto* existing = schema.if_contains("maximum");
    if (existing == nullptr || existing->to_number<double>() > max->as_double()) schema["maximum"] = max->to_json();
  }
  if (min_length) schema["minLength"] = *min_length;
  if (max_length) schema["maxLength"] = *max_length;
  if (min_items) schema["minItems"] = *min_items;
  if (max_items) schema["maxItems"] = *max_items;
  if (!pattern.empty()) schema["pattern"] = pattern;
  if (email) schema["format"] = "email";
  if (one_of) schema["enum"] = *one_of;
}

}  // namespace detail

boost::json::value SchemaRegistry::ref_to(const std::string& name) {
  if (building_ > 0) referenced_.insert(name);
  return boost::json::object{{"$ref", prefix_ + name}};
}

std::string SchemaRegistry::claim_name(const char* mangled_name) {
  const std::string base = detail::component_base_name(mangled_name);
  std::string name = base;
  for (int suffix = 2; taken_.contains(name); ++suffix) name = base + "_" + std::to_string(suffix);
  taken_.insert(name);
  names_.emplace(mangled_name, name);
  return name;
}

}  // namespace lift::json
