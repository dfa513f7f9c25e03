#include "lift/security/principal.hpp"

#include <algorithm>

#include "lift/security/errors.hpp"

namespace lift::security {

namespace json = boost::json;

namespace {

void split_into(std::string_view text, std::string_view separators, std::vector<std::string>& out) {
  while (!text.empty()) {
    const auto end = text.find_first_of(separators);
    const auto item = text.substr(0, end);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.emplace_back(item);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

void names_into(const json::value& value, std::string_view separators, std::vector<std::string>& out) {
  if (value.is_string()) {
    split_into(value.get_string(), separators, out);
  } else if (value.is_array()) {
    for (const auto& entry : value.get_array())
      if (entry.is_string() && !entry.get_string().empty()) out.emplace_back(entry.get_string());
  }
}

const json::value* find_claim(const json::object& claims, std::string_view name) {
  if (const auto* direct = claims.if_contains(name)) return direct;
  const json::object* object = &claims;
  const json::value* value = nullptr;
  while (object != nullptr) {
    const auto dot = name.find('.');
    value = object->if_contains(name.substr(0, dot));
    if (value == nullptr || dot == std::string_view::npos) return value;
    name.remove_prefix(dot + 1);
    object = value->if_object();
  }
  return nullptr;
}

std::optional<std::string> text_of(const json::value* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_int64()) return std::to_string(value->get_int64());
  if (value->is_uint64()) return std::to_string(value->get_uint64());
  return std::nullopt;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

Principal principal_from_claims(const json::object& claims, const PrincipalOptions& options) {
  Principal principal;
  principal.subject = text_of(claims.if_contains(options.subject_claim)).value_or("");
  // Only a string names a tenant: a number would alias the string of its digits (123 and "123").
  if (const auto* tenant = find_claim(claims, options.tenant_claim); tenant != nullptr && tenant->is_string() &&
                                                                     !tenant->get_string().empty())
    principal.tenant = std::string(tenant->get_string());
  if (const auto* roles = find_claim(claims, options.roles_claim)) names_into(*roles, " ,", principal.roles);
  if (const auto* scope = claims.if_contains("scope")) names_into(*scope, " ", principal.scopes);
  if (const auto* scp = claims.if_contains("scp")) names_into(*scp, " ", principal.scopes);
  principal.claims = claims;
  principal.method = "jwt";
  return principal;
}

bool Principal::has_role(std::string_view role) const noexcept { return contains(roles, role); }
bool Principal::has_scope(std::string_view scope) const noexcept { return contains(scopes, scope); }
bool Principal::has_any_role(std::initializer_list<std::string_view> wanted) const noexcept {
  return std::any_of(wanted.begin(), wanted.end(), [this](std::string_view role) { return has_role(role); });
}

Result<void> Principal::require_role(std::string_view role) const {
  if (has_role(role)) return {};
  return forbidden(AuthReason::missing_role, "role \"" + std::string(role) + "\" is required");
}

Result<void> Principal::require_any_role(std::initializer_list<std::string_view> wanted) const {
  if (has_any_role(wanted)) return {};
  std::string names;
  for (const auto role : wanted) names += (names.empty() ? "" : ", ") + std::string(role);
  return forbidden(AuthReason::missing_role, "one of the roles " + names + " is required");
}

Result<void> Principal::require_scope(std::string_view scope) const {
  if (has_scope(scope)) return {};
  return forbidden(AuthReason::missing_scope, "scope \"" + std::string(scope) + "\" is required");
}

Result<void> Principal::require_tenant(std::string_view wanted) const {
  if (tenant && !wanted.empty() && *tenant == wanted) return {};
  return forbidden(AuthReason::wrong_tenant, "the resource belongs to another tenant");
}

}  // namespace lift::security
