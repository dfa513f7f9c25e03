#include "function_path.hpp"

namespace lift::cli {

std::filesystem::path resolve_function(const std::string& function) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path(function);
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "bootstrap", ec)) return path / "bootstrap";
    // examples/NAME is a source folder; its function is built under build/bin/examples.
    const auto name = path.lexically_normal().filename().empty() ? path.lexically_normal().parent_path().filename()
                                                                 : path.lexically_normal().filename();
    if (const auto built = fs::path("build/bin/examples") / name; fs::is_regular_file(built, ec)) return built;
    return path / "bootstrap";
  }
  if (fs::exists(path, ec) || function.find('/') != std::string::npos) return path;
  for (fs::path candidate : {fs::path("build/bin/examples") / function, fs::path("build/bin") / function}) {
    if (fs::exists(candidate, ec)) return candidate;
  }
  return path;
}

}  // namespace lift::cli
