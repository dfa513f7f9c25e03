// `lift new`: renders an embedded template and writes it to disk.
#include "new_project.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <system_error>
#include <utility>

#include "project_templates.hpp"

namespace lift::cli {
namespace {

constexpr std::size_t kMaxNameLength = 64;  // Lambda's limit on a function name

Error invalid_name(std::string_view name, std::string why) {
  return Error{"InvalidName", "invalid project name '" + std::string(name) + "': " + std::move(why), 400};
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "my-order_worker2" -> "MyOrderWorker2".
std::string pascal_case(std::string_view name) {
  std::string out;
  bool upper = true;
  for (const char c : name) {
    if (c == '-' || c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The absolute path of lift's source tree, checked to be one; it goes into a CMake string.
Result<std::string> lift_source_path(const std::string& given) {
  std::error_code ec;
  const auto path = std::filesystem::weakly_canonical(std::filesystem::absolute(given, ec), ec);
  if (ec || !std::filesystem::is_regular_file(path / "CMakeLists.txt", ec) ||
      !std::filesystem::is_regular_file(path / "include" / "lift" / "lift.hpp", ec))
    return Error{"InvalidLiftSource", given + " is not lift's source tree (no CMakeLists.txt and include/lift/lift.hpp there)", 400};
  const std::string text = path.generic_string();
  if (text.find_first_of("\"\\$;") != std::string::npos)
    return Error{"InvalidLiftSource", "lift's source path must not contain '\"', '\\', '$' or ';': " + text, 400};
  return text;
}

}  // namespace

std::vector<std::string> project_template_names() {
  std::vector<std::string> names;
  for (const auto& file : template_files()) {
    if (file.template_name == "common") continue;
    if (std::find(names.begin(), names.end(), file.template_name) == names.end())
      names.emplace_back(file.template_name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<void> check_project_name(std::string_view name) {
  if (name.empty()) return invalid_name(name, "it is empty");
  if (name.size() > kMaxNameLength) return invalid_name(name, "longer than 64 characters");
  if (!is_letter(name.front())) return invalid_name(name, "it must start with a letter");
  for (const char c : name) {
    if (!is_letter(c) && !is_digit(c) && c != '-' && c != '_')
      return invalid_name(name, "use letters, digits, '-' and '_' only");
  }
  // Targets CMake and CTest reserve, and lift's own targets (a project that builds lift's
  // source tree with add_subdirectory has them too).
  static constexpr std::array<std::string_view, 14> kReserved{
      "all",   "clean",         "help",          "install",  "test",    "package",   "package_source",
      "depend", "edit_cache", "rebuild_cache", "all_build", "run_tests", "zero_check", "lift"};
  const std::string folded = lower(name);
  if (std::find(kReserved.begin(), kReserved.end(), folded) != kReserved.end())
    return invalid_name(name, "CMake or lift already uses this name for a target");
  if (folded.starts_with("lift_")) return invalid_name(name, "names starting with 'lift_' are lift's own targets");
  return {};
}

Result<std::vector<ProjectFile>> render_project(const NewProjectOptions& options) {
  if (auto checked = check_project_name(options.name); !checked) return std::move(checked).error();
  const auto names = project_template_names();
  if (std::find(names.begin(), names.end(), options.template_name) == names.end()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
    return Error{"UnknownTemplate", "unknown template '" + options.template_name + "' (templates: " + known + ")", 400};
  }
  std::string lift_source;
  if (!options.lift_source.empty()) {
    auto path = lift_source_path(options.lift_source);
    if (!path) return std::move(path).error();
    lift_source = std::move(*path);
  }
  const std::array<std::pair<std::string_view, std::string>, 4> values{{
      {"{{name}}", options.name},
      {"{{Name}}", pascal_case(options.name)},
      {"{{lift_version}}", std::string(lift_version())},
      {"{{lift_source}}", lift_source},
  }};
  // The common files, then the template's own, which replace common files of the same path.
  std::map<std::string, std::string_view> chosen;
  for (const auto* from : {"common", options.template_name.c_str()}) {
    for (const auto& file : template_files()) {
      if (file.template_name == from) chosen[std::string(file.path)] = file.content;
    }
  }
  std::vector<ProjectFile> files;
  for (const auto& [path, content] : chosen) {
    std::string text(content);
    for (const auto& [placeholder, value] : values) text = replace_all(std::move(text), placeholder, value);
    files.push_back({path, std::move(text)});
  }
  return files;
}

Result<std::filesystem::path> create_project(const NewProjectOptions& options) {
  auto files = render_project(options);
  if (!files) return std::move(files).error();
  const auto dir = options.parent / options.name;
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (!std::filesystem::is_directory(dir, ec) || !std::filesystem::is_empty(dir, ec))
      return Error{"DirectoryNotEmpty",
                   dir.string() + " already exists and is not an empty directory; choose another name or --dir", 409};
  }
  for (const auto& file : *files) {
    const auto path = dir / file.path;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return Error{"WriteFailed", "cannot create " + path.parent_path().string() + ": " + ec.message(), 500};
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(file.content.data(), static_cast<std::streamsize>(file.content.size())))
      return Error{"WriteFailed", "cannot write " + path.string(), 500};
  }
  return dir;
}

}  // namespace lift::cli
