#include "function_path.hpp"

#include <algorithm>
#include <optional>
#include <vector>

namespace lift::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNotFound = "Cli.FunctionNotFound";
// At most this many names in the list of what is built.
constexpr std::size_t kListedFunctions = 12;

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

bool is_executable_file(const fs::directory_entry& entry) {
  std::error_code ec;
  return entry.is_regular_file(ec) && (entry.status(ec).permissions() & fs::perms::owner_exec) != fs::perms::none;
}

// The project's build directory: the nearest of `from` and its parents that is one (holds
// CMakeCache.txt) or has a build/ that is, stopping at the project root (.git) or /.
std::optional<fs::path> find_build_directory(const fs::path& from) {
  std::error_code ec;
  for (fs::path dir = from;; dir = dir.parent_path()) {
    if (fs::exists(dir / "CMakeCache.txt", ec)) return dir;
    if (fs::exists(dir / "build" / "CMakeCache.txt", ec)) return dir / "build";
    if (fs::exists(dir / ".git", ec) || dir == dir.parent_path()) return std::nullopt;
  }
}

// Where a function called `name` is built, in lookup order.
std::vector<fs::path> candidates(const fs::path& build, const std::string& name) {
  return {build / "bin" / "examples" / name, build / "bin" / name, build / name};
}

// The executables built in those places, for the error: the user may have mistyped one.
std::string built_functions(const fs::path& build) {
  std::vector<std::string> names;
  for (const auto& dir : {build / "bin" / "examples", build / "bin", build}) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      auto name = it->path().filename().string();
      if (name != "lift" && is_executable_file(*it)) names.push_back(std::move(name));
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.empty()) return "nothing is built there yet";
  std::string list = "functions built there: ";
  for (std::size_t i = 0; i < names.size() && i < kListedFunctions; ++i) list += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > kListedFunctions) list += ", ...";
  return list;
}

Result<fs::path> find_by_name(const std::string& name, const fs::path& from, std::string_view what) {
  const auto build = find_build_directory(from);
  if (!build) {
    return Error{kNotFound,
                 std::string(what) + ", and no build directory (one holding CMakeCache.txt, or a build/ holding one) was found in " +
                     from.string() + " or above it; build the function first, or give the path to its executable",
                 400};
  }
  const auto places = candidates(*build, name);
  for (const auto& place : places) {
    if (is_file(place)) return place;
  }
  std::string looked;
  for (const auto& place : places) looked += (looked.empty() ? "" : ", ") + place.string();
  return Error{kNotFound, std::string(what) + "; looked for " + looked + "; " + built_functions(*build), 400};
}

}  // namespace

Result<fs::path> find_function(std::string_view function, const fs::path& from) {
  std::error_code ec;
  const fs::path path(function);
  const fs::path here = (path.is_absolute() ? path : from / path).lexically_normal();
  if (fs::is_directory(here, ec)) {
    if (is_file(here / "bootstrap")) return here / "bootstrap";
    // A source folder (examples/hello, or `.` inside it): the function built under its name,
    // in the build directory of the project that folder is in.
    const auto folder = fs::weakly_canonical(here, ec);
    const auto name = folder.filename().string();
    return find_by_name(name, folder,
                        path.string() + " is a directory without a bootstrap, and no function named '" + name + "' is built");
  }
  if (fs::exists(here, ec)) return here;
  if (function.empty() || function.find('/') != std::string_view::npos) {
    return Error{kNotFound, "no function at " + path.string() + " (no such file or directory)", 400};
  }
  return find_by_name(std::string(function), from, "no function named '" + std::string(function) + "' (and no file of that name here)");
}

fs::path resolve_function(const std::string& function) {
  std::error_code ec;
  auto found = find_function(function, fs::current_path(ec));
  return found ? *std::move(found) : fs::path(function);
}

}  // namespace lift::cli
