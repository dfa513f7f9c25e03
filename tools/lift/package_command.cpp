// `lift package FUNCTION -o function.zip [--arch x86_64|arm64] [--no-strip]`: the zip Lambda
// takes for the provided.al2023 / provided.al2 runtimes, with the executable as `bootstrap` at
// its root, cut to its loaded segments.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include "commands.hpp"
#include "elf_file.hpp"
#include "file_io.hpp"
#include "function_path.hpp"
#include "zip_archive.hpp"

namespace lift::cli {
namespace {

struct PackageOptions {
  std::string function;
  std::string output;
  std::string arch;
  bool no_strip = false;
};

// Written beside the target and renamed over it: a failed run never leaves half a zip.
bool write_file_atomically(const std::filesystem::path& path, const std::string& bytes) {
  auto partial = path;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return false;
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) std::filesystem::remove(partial, ec);
  return !ec;
}

int run_package(const PackageOptions& options) {
  const auto path = resolve_function(options.function);
  std::string binary;
  if (!read_file(path, binary)) {
    std::cerr << "lift package: cannot read " << path.string() << " (give an executable, a directory with a bootstrap, or an example name)\n";
    return kExitUsage;
  }
  auto elf = read_elf(binary);
  if (!elf) {
    std::cerr << "lift package: " << path.string() << ": " << elf.error().message
              << "; the bootstrap must be the function's executable itself\n";
    return kExitUsage;
  }
  if (!options.arch.empty() && options.arch != elf->architecture) {
    std::cerr << "lift package: " << path.string() << " is built for " << elf->architecture << ", not " << options.arch
              << "; build the function for " << options.arch << " first\n";
    return kExitUsage;
  }
  std::string bootstrap = binary;
  if (!options.no_strip) {
    auto stripped = strip_to_segments(binary);
    if (!stripped) {
      std::cerr << "lift package: " << stripped.error().message << '\n';
      return kExitUsage;
    }
    bootstrap = std::move(*stripped);
  }
  auto zip = write_zip({ZipEntry{.name = "bootstrap", .data = std::move(bootstrap), .mode = 0100755}});
  if (!zip) {
    std::cerr << "lift package: " << zip.error().message << '\n';
    return kExitUsage;
  }
  if (!write_file_atomically(options.output, *zip)) {
    std::cerr << "lift package: cannot write " << options.output << '\n';
    return kExitUsage;
  }
  std::cout << options.output << ": bootstrap for " << elf->architecture << ", " << binary.size() << " bytes"
            << (options.no_strip ? "" : " (" + std::to_string(elf->loaded_bytes) + " once stripped)") << ", "
            << zip->size() << " bytes zipped\n";
  return kExitOk;
}

}  // namespace

void add_package_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PackageOptions>();
  auto* package = app.add_subcommand("package", "zip a function for Lambda: its executable as bootstrap, stripped");
  package->add_option("FUNCTION", options->function, "executable, directory with a bootstrap, or example name")->required();
  package->add_option("-o,--output", options->output, "the zip to write")->required();
  package->add_option("--arch", options->arch, "refuse a binary built for another architecture")
      ->check(CLI::IsMember({"x86_64", "arm64"}));
  package->add_flag("--no-strip", options->no_strip, "keep symbols and debug information");
  package->callback([options, &exit_code] { exit_code = run_package(*options); });
}

}  // namespace lift::cli
