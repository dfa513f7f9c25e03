#pragma once
// Which tenant ids DynamORM scopes data by (Table::for_tenant), and so which tenants a caller
// may have: 1 to 128 bytes of ASCII letters, digits and `-` `_` `.` `:` `@`. Every key of a
// tenant-scoped table is stored as `tenant#<tenant id>#<value>`, so the id must not hold the
// separator, must leave room in DynamoDB's 2048-byte partition key, and must read the same in
// logs, cursors and keys. Header-only, so that the layers that take tenants from credentials
// (lift::mw::tenant_of) refuse the same ids without linking the mapper.

#include <cstddef>
#include <string_view>

namespace lift::dynamorm {

inline constexpr std::size_t kMaxTenantIdBytes = 128;
// Said to whoever sends an unusable tenant.
inline constexpr std::string_view kTenantIdRule = "a tenant id is 1 to 128 letters, digits and - _ . : @";

[[nodiscard]] constexpr bool is_valid_tenant_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxTenantIdBytes) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                    c == ':' || c == '@';
    if (!ok) return false;
  }
  return true;
}

}  // namespace lift::dynamorm
