#include "lift/core/find_executable.hpp"

#include <unistd.h>

namespace lift {

std::optional<std::string> find_executable(std::string_view program, std::string_view directories) {
  while (!directories.empty()) {
    const auto colon = directories.find(':');
    const auto directory = directories.substr(0, colon);
    directories = colon == std::string_view::npos ? std::string_view{} : directories.substr(colon + 1);
    if (directory.empty()) continue;
    std::string candidate(directory);
    if (candidate.back() != '/') candidate += '/';
    candidate += program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

}  // namespace lift
