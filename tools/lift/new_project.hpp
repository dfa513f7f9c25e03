#pragma once
// `lift new`: a new project from one of the templates embedded in the CLI (tools/lift/templates):
// a CMake project that finds an installed lift (or builds lift's source tree along with it),
// its function, a GoogleTest test that invokes the function's app in-process with realistic
// events, a SAM template, a README and a .gitignore.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::cli {

struct NewProjectOptions {
  std::string name;                    // the project, its directory and its function's target
  std::string template_name = "http";  // one of project_template_names()
  std::filesystem::path parent = ".";  // the project is created at parent/name
  std::string lift_source{};           // lift's source tree, the default of LIFT_SOURCE_DIR (optional)
};

struct ProjectFile {
  std::string path;  // relative to the project's directory
  std::string content;
};

// "http", "sqs", "websocket".
std::vector<std::string> project_template_names();

// A name is 1 to 64 letters, digits, '-' and '_' starting with a letter (it names a CMake
// project and targets, a directory and CloudFormation resources); CMake's reserved target
// names and lift's own ("lift", "lift_*") are refused. Error "InvalidName" saying why.
Result<void> check_project_name(std::string_view name);

// The project's files with their placeholders replaced: {{name}}, {{Name}} (the name in
// PascalCase, letters and digits only: CloudFormation logical ids), {{lift_version}},
// {{lift_source}}. Errors: "InvalidName", "UnknownTemplate", "InvalidLiftSource".
Result<std::vector<ProjectFile>> render_project(const NewProjectOptions& options);

// Writes the project at parent/name and returns that directory. Refuses ("DirectoryNotEmpty")
// a path that exists and is not an empty directory; "WriteFailed" when a file cannot be
// written; the errors of render_project.
Result<std::filesystem::path> create_project(const NewProjectOptions& options);

}  // namespace lift::cli
