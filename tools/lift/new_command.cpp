// `lift new NAME [--template http|sqs|websocket] [--dir PARENT] [--lift-source DIR]`: creates a
// project that builds and passes its tests out of the box (see new_project.hpp).

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>

#include "commands.hpp"
#include "new_project.hpp"

namespace lift::cli {
namespace {

// The prefix this CLI is installed in (PREFIX/bin/lift beside PREFIX/lib*/cmake/lift), for the
// CMAKE_PREFIX_PATH hint; empty when it runs from a build tree.
std::string installed_prefix() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto prefix = self.parent_path().parent_path();
  for (const char* lib : {"lib", "lib64"}) {
    if (std::filesystem::exists(prefix / lib / "cmake" / "lift" / "liftConfig.cmake", ec)) return prefix.string();
  }
  return {};
}

int run_new(const NewProjectOptions& options) {
  auto dir = create_project(options);
  if (!dir) {
    std::cerr << "lift new: " << dir.error().message << '\n';
    return dir.error().code == "WriteFailed" ? kExitFunctionError : kExitUsage;
  }
  std::string configure = "cmake -S . -B build";
  if (!options.lift_source.empty()) {
    // LIFT_SOURCE_DIR's default: nothing to add.
  } else if (const auto prefix = installed_prefix(); !prefix.empty()) {
    configure += " -DCMAKE_PREFIX_PATH=" + prefix;
  } else {
    configure += " -DCMAKE_PREFIX_PATH=<lift's install prefix>";
  }
  std::cout << "created " << dir->string() << " (" << options.template_name << ")\n\n"
            << "  cd " << dir->string() << "\n"
            << "  " << configure << "\n"
            << "  cmake --build build\n"
            << "  ctest --test-dir build --output-on-failure\n\n"
            << "then README.md: invoke it locally, package it, deploy it with template.yaml.\n";
  return kExitOk;
}

}  // namespace

void add_new_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<NewProjectOptions>();
  auto* command = app.add_subcommand("new", "create a project: a function, its tests and events, a SAM template");
  command->add_option("NAME", options->name, "the project: letters, digits, '-' and '_', starting with a letter")
      ->required();
  command->add_option("-t,--template", options->template_name, "what the function handles")
      ->check(CLI::IsMember(project_template_names()))
      ->capture_default_str();
  command->add_option("--dir", options->parent, "where to create the project's directory")->capture_default_str();
  command->add_option("--lift-source", options->lift_source,
                      "lift's source tree, built with the project instead of an installed lift");
  command->callback([options, &exit_code] { exit_code = run_new(*options); });
}

}  // namespace lift::cli
