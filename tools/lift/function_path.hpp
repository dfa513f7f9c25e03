#pragma once
// How every subcommand finds the function it was given.

#include <filesystem>
#include <string>

namespace lift::cli {

// FUNCTION is an executable, a directory holding a `bootstrap`, the name of an example built at
// build/bin/examples/NAME, or an example's source folder (examples/NAME) whose build is there.
std::filesystem::path resolve_function(const std::string& function);

}  // namespace lift::cli
