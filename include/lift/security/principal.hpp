#pragma once
// Who is calling: built from verified JWT claims or an API key, checked by handlers.
//
//   auto who = lift::security::principal_from_claims(jwt->claims, {.roles_claim = "cognito:groups"});
//   if (auto allowed = who.require_role("admin"); !allowed) return allowed.error();  // 403

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/core/result.hpp"

namespace lift::security {

struct PrincipalOptions {
  std::string subject_claim = "sub";
  std::string tenant_claim = "tenant_id";
  // A string array, or a string of space- or comma-separated names ("cognito:groups", "roles").
  // A name that is not a claim is read as a dotted path ("realm_access.roles").
  std::string roles_claim = "roles";
};

struct Principal {
  std::string subject{};
  std::optional<std::string> tenant{};
  std::vector<std::string> roles{};
  std::vector<std::string> scopes{};
  boost::json::object claims{};  // everything the token said (empty for API keys)
  std::string method{};          // "jwt", "api_key", ...

  [[nodiscard]] bool has_role(std::string_view role) const noexcept;
  [[nodiscard]] bool has_scope(std::string_view scope) const noexcept;
  [[nodiscard]] bool has_any_role(std::initializer_list<std::string_view> roles) const noexcept;

  // 403 Forbidden (missing_role, missing_scope, wrong_tenant) when the check fails.
  [[nodiscard]] Result<void> require_role(std::string_view role) const;
  [[nodiscard]] Result<void> require_any_role(std::initializer_list<std::string_view> roles) const;
  [[nodiscard]] Result<void> require_scope(std::string_view scope) const;
  // The principal's tenant must be `tenant` (a principal without a tenant never matches).
  [[nodiscard]] Result<void> require_tenant(std::string_view tenant) const;
};

// Subject from a string claim (a numeric one is written as its digits); tenant from a non-empty
// string claim only (a number, which would alias the string of its digits, gives none); roles from
// the roles claim; scopes from "scope" (space-separated, OAuth 2.0) or "scp" (array or string).
Principal principal_from_claims(const boost::json::object& claims, const PrincipalOptions& options = {});

}  // namespace lift::security
