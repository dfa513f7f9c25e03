#pragma once
// Looking a command up in PATH, as exec does: for the commands that start other programs.

#include <optional>
#include <string>
#include <string_view>

namespace lift {

// The first executable file named `program` in `directories` (a PATH value: ':'-separated,
// empty entries skipped); nullopt when there is none.
std::optional<std::string> find_executable(std::string_view program, std::string_view directories);

}  // namespace lift
