#pragma once
// The project templates of `lift new` (tools/lift/templates), embedded in the CLI at build
// time by embed_templates.cmake.

#include <string_view>
#include <vector>

namespace lift::cli {

// One file of a template: `path` is relative to the new project's directory; `content` holds
// placeholders ({{name}}, ...) that new_project.cpp replaces. The template "common" holds the
// files every project gets; a template's own file of the same path replaces it.
struct TemplateFile {
  std::string_view template_name;
  std::string_view path;
  std::string_view content;
};

const std::vector<TemplateFile>& template_files();

// The version of the lift that built this CLI (the project's CMake version).
std::string_view lift_version();

}  // namespace lift::cli
