#pragma once
// What FUNCTION means for every command that runs or reads a function (`lift invoke`, `lift
// dev`, `lift package`, `lift doctor`), in this order:
//
//   - a path (relative to the current directory) to the function's executable;
//   - a directory holding a `bootstrap` (an unpacked deployment package);
//   - another directory (examples/hello, or `.` inside it): the function built under its name;
//   - a NAME: the function built under that name in the project's build directory, the nearest
//     one from the current directory upwards (up to the project root, the first directory with
//     .git): a directory holding CMakeCache.txt (the current directory may be inside it) or a
//     `build/` holding one. There: bin/examples/NAME (lift's examples), bin/NAME, NAME (a
//     `lift new` project's function is build/NAME).

#include <filesystem>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"

namespace lift::cli {

// The executable FUNCTION names, looked up from `from` (the current directory); otherwise
// Cli.FunctionNotFound, whose message says where it looked and what is built there.
Result<std::filesystem::path> find_function(std::string_view function, const std::filesystem::path& from);

// find_function from the current directory; when it finds nothing, `function` as a path, for
// commands that report an unreadable file themselves.
std::filesystem::path resolve_function(const std::string& function);

}  // namespace lift::cli
