#pragma once
// Reading the process environment: Lambda configures functions only through it.

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace lift {

// The value of an environment variable, or nullopt when it is unset.
inline std::optional<std::string_view> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string_view(value);
}

// The value of an environment variable, or `fallback` when it is unset or empty.
inline std::string env_or(const char* name, std::string_view fallback) {
  auto value = env(name);
  return std::string(value && !value->empty() ? *value : fallback);
}

}  // namespace lift
