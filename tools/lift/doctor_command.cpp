// `lift doctor FUNCTION|ZIP [--target provided.al2023|provided.al2] [--arch x86_64|arm64]
// [--no-start]`: what would hurt this function on Lambda, found before deploying it. Reads the
// ELF and the zip directly, then starts the function under the Runtime API emulator to time its
// init (under qemu when it is built for another architecture than this machine's).

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "elf_file.hpp"
#include "file_io.hpp"
#include "function_command.hpp"
#include "function_path.hpp"
#include "lift/local/runtime_emulator.hpp"
#include "zip_archive.hpp"

namespace lift::cli {
namespace {

struct DoctorOptions {
  std::string function;
  std::string target = "provided.al2023";
  std::string arch;  // the architecture the function is deployed as; empty: either of Lambda's
  bool no_start = false;
};

// Lambda's limits for a function's code: 50 MB zipped (direct upload), 250 MB unzipped.
constexpr std::uint64_t kMaxZippedBytes = 50ull * 1000 * 1000;
constexpr std::uint64_t kMaxUnzippedBytes = 250ull * 1000 * 1000;

// The libraries glibc itself provides on Amazon Linux: depending on these is fine.
constexpr std::array kGlibcLibraries = {"libc.so.6",    "libm.so.6",     "libpthread.so.0", "libdl.so.2",
                                        "librt.so.1",   "libresolv.so.2", "libutil.so.1",   "libanl.so.1",
                                        "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"};

class Report {
 public:
  void ok(const std::string& what) { line("ok", what); }
  void warn(const std::string& what) { line("warning", what); }
  void error(const std::string& what) {
    line("error", what);
    ++errors_;
  }
  [[nodiscard]] int errors() const { return errors_; }

 private:
  static void line(std::string_view level, const std::string& what) {
    std::cout << level << std::string(9 - level.size(), ' ') << what << '\n';
  }
  int errors_ = 0;
};

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// A temporary directory that removes itself: the bootstrap of a zip is run from there.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    auto pattern = (std::filesystem::temp_directory_path() / "lift-doctor-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void check_zip(const std::string& archive, Report& report, std::string& bootstrap, bool& runnable) {
  auto entries = read_zip(archive, true, kMaxUnzippedBytes);
  if (!entries) {
    report.error("zip: " + entries.error().message);
    return;
  }
  std::uint64_t unzipped = 0;
  const ZipEntry* found = nullptr;
  for (const auto& entry : *entries) {
    unzipped += entry.size;
    const auto name = std::filesystem::path(entry.name).filename().string();
    if (entry.name == "bootstrap") found = &entry;
    if (name.starts_with("ld-linux") || name.starts_with("ld-musl")) {
      report.error("zip: " + entry.name + " is a bundled dynamic loader; link against the system's glibc instead");
    } else if (name.find(".so") != std::string::npos && (name.ends_with(".so") || name.find(".so.") != std::string::npos)) {
      report.error("zip: " + entry.name + " is a bundled shared library; link it statically into the bootstrap");
    }
  }
  if (archive.size() > kMaxZippedBytes) {
    report.error("zip: " + megabytes(archive.size()) + " zipped, over Lambda's 50 MB limit for direct upload");
  } else if (unzipped > kMaxUnzippedBytes) {
    report.error("zip: " + megabytes(unzipped) + " unzipped, over Lambda's 250 MB limit");
  } else {
    report.ok("zip: " + megabytes(archive.size()) + " zipped, " + megabytes(unzipped) + " unzipped, " +
              std::to_string(entries->size()) + (entries->size() == 1 ? " file" : " files"));
  }
  if (found == nullptr) {
    report.error("zip: no bootstrap at the root of the archive; Lambda's provided runtimes start ./bootstrap");
    return;
  }
  if ((found->mode & 0111) == 0) {
    report.error("zip: bootstrap is not executable (mode " + [&] {
      char text[8];
      std::snprintf(text, sizeof text, "%o", found->mode & 07777);
      return std::string(text);
    }() + "); Lambda cannot start it");
    runnable = false;
  }
  bootstrap = found->data;
}

void check_executable(const std::string& bytes, const DoctorOptions& options, GlibcVersion target_glibc, Report& report,
                      std::string& architecture) {
  const std::string& target = options.target;
  if (bytes.starts_with("#!")) {
    const auto first_line = bytes.substr(0, std::min<std::size_t>(bytes.find('\n'), 80));
    report.error("bootstrap is a script (" + first_line +
                 "): every cold start pays for a shell before the function; make the executable itself the bootstrap");
    return;
  }
  auto elf = read_elf(bytes);
  if (!elf) {
    report.error("bootstrap: " + elf.error().message);
    return;
  }
  architecture = elf->architecture;
  const std::string kind = "ELF 64-bit " + elf->architecture + (elf->has_section_headers ? "" : ", stripped");
  if (elf->architecture != "x86_64" && elf->architecture != "arm64") {
    report.error("executable: " + kind + "; Lambda runs x86_64 and arm64 functions only");
  } else if (!options.arch.empty() && elf->architecture != options.arch) {
    report.error("executable: " + kind + ", but the function is deployed as " + options.arch +
                 " (--arch): Lambda could not start it; build it for " + options.arch + " or deploy it as " + elf->architecture);
  } else {
    report.ok("executable: " + kind);
  }

  const std::string standard_loader =
      elf->architecture == "arm64" ? "/lib/ld-linux-aarch64.so.1" : "/lib64/ld-linux-x86-64.so.2";
  if (!elf->interpreter) {
    report.ok("loader: none (static executable)");
  } else if (*elf->interpreter != standard_loader) {
    report.error("loader: " + *elf->interpreter + " is not the system's " + standard_loader +
                 " (a bundled loader); link against the system's glibc");
  } else {
    report.ok("loader: " + *elf->interpreter);
  }

  std::vector<std::string> outside;
  for (const auto& library : elf->needed) {
    if (std::find(kGlibcLibraries.begin(), kGlibcLibraries.end(), library) == kGlibcLibraries.end()) outside.push_back(library);
  }
  if (outside.empty()) {
    std::string names;
    for (const auto& library : elf->needed) names += (names.empty() ? "" : ", ") + library;
    report.ok("shared libraries: only glibc's" + (names.empty() ? std::string() : " (" + names + ")"));
  } else {
    for (const auto& library : outside) {
      report.error("shared library " + library + " is not part of glibc and is not on " + target +
                   "; link it statically (lift_add_function does for libstdc++, libgcc and Boost)");
    }
  }

  if (std::find(elf->versions.begin(), elf->versions.end(), "GLIBC_PRIVATE") != elf->versions.end()) {
    report.warn("glibc: uses GLIBC_PRIVATE symbols, which may differ between glibc builds");
  }
  if (!elf->newest_glibc) {
    report.ok("glibc: no versioned glibc symbols");
  } else if (*elf->newest_glibc > target_glibc) {
    report.error("glibc: needs " + elf->newest_glibc->text() + ", newer than " + target + "'s " + target_glibc.text() +
                 "; build on a system with glibc " + target_glibc.text() + " or older");
  } else {
    report.ok("glibc: needs at most " + elf->newest_glibc->text() + " (" + target + " has " + target_glibc.text() + ")");
  }
}

void smoke_start(const std::filesystem::path& executable, Report& report) {
  auto command = function_command(executable);
  if (!command) {
    report.warn("start: skipped, " + command.error().message);
    return;
  }
  // Under qemu, the start takes far longer than on Lambda: the timing is labelled as emulated.
  const std::string emulated = command->emulator ? " (emulated under " + std::filesystem::path(*command->emulator).filename().string() + ")" : "";
  local::FunctionConfig config;
  config.command = command->argv;
  config.environment = command->environment;
  config.function_name = "doctor";
  config.capture_logs = true;
  config.inherit_environment = false;  // as on Lambda: only the runtime's variables
  config.init_timeout = std::chrono::milliseconds(10000);
  config.timeout = std::chrono::milliseconds(10000);
  local::RuntimeEmulator emulator(std::move(config));
  if (auto started = emulator.start(); !started) {
    report.error("start: " + started.error().message);
    return;
  }
  auto result = emulator.invoke({.payload = "{}"});
  if (!result) {
    report.error("start: " + result.error().message);
    return;
  }
  const bool crashed = result->error_type && (*result->error_type == "Runtime.ExitError" || result->error_type->starts_with("Runtime.Init") ||
                                              *result->error_type == "Sandbox.Timedout");
  if (crashed) {
    auto logs = result->logs.substr(0, 400);
    report.error("start: the function did not serve an invocation (" + *result->error_type + ")" +
                 (logs.empty() ? std::string() : "; its output: " + logs));
    return;
  }
  char init[64] = "unknown";
  if (result->init_duration) std::snprintf(init, sizeof init, "%.2f ms", static_cast<double>(result->init_duration->count()) / 1000.0);
  report.ok(std::string("start: init (exec to first /next) ") + init + emulated + "; a {} event was answered" +
            (result->ok() ? "" : " with " + result->error_type.value_or("an error") + ", which is fine for a smoke test"));
}

int run_doctor(const DoctorOptions& options) {
  GlibcVersion target_glibc;
  if (options.target == "provided.al2023") target_glibc = {2, 34};
  else if (options.target == "provided.al2") target_glibc = {2, 26};

  std::filesystem::path path = options.function;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) path = resolve_function(options.function);
  std::string bytes;
  if (!read_file(path, bytes)) {
    std::cerr << "lift doctor: cannot read " << path.string() << " (give an executable, a zip, a directory with a bootstrap, or an example name)\n";
    return kExitUsage;
  }
  std::cout << "lift doctor: " << path.string() << " for " << options.target << '\n';
  Report report;
  std::string bootstrap;
  bool runnable = true;
  const bool is_zip = bytes.starts_with(std::string_view("PK\x03\x04", 4)) || bytes.starts_with(std::string_view("PK\x05\x06", 4));
  if (is_zip) {
    check_zip(bytes, report, bootstrap, runnable);
  } else {
    bootstrap = std::move(bytes);
    if (access(path.c_str(), X_OK) != 0) {
      report.error("bootstrap is not executable; Lambda cannot start it");
      runnable = false;
    }
  }
  std::string architecture;
  if (!bootstrap.empty()) check_executable(bootstrap, options, target_glibc, report, architecture);

  if (options.no_start) {
    report.warn("start: skipped (--no-start)");
  } else if (!runnable || architecture.empty()) {
    report.warn("start: skipped, there is no executable bootstrap to start");
  } else if (is_zip) {
    TemporaryDirectory directory;
    const auto executable = directory.path() / "bootstrap";
    {
      std::ofstream out(executable, std::ios::binary);
      out.write(bootstrap.data(), static_cast<std::streamsize>(bootstrap.size()));
    }
    std::filesystem::permissions(executable, std::filesystem::perms::owner_all, ec);
    if (directory.path().empty() || ec) report.error("start: cannot unpack the bootstrap into a temporary directory");
    else smoke_start(executable, report);
  } else {
    smoke_start(path, report);
  }
  std::cout << (report.errors() == 0 ? "no problems found\n" : std::to_string(report.errors()) + " problem(s) found\n");
  return report.errors() == 0 ? kExitOk : kExitFunctionError;
}

}  // namespace

void add_doctor_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DoctorOptions>();
  auto* doctor = app.add_subcommand("doctor", "check a function or its zip for what would hurt on Lambda, then smoke-start it");
  doctor->add_option("FUNCTION", options->function, "zip, executable, directory with a bootstrap, or example name")->required();
  doctor->add_option("--target", options->target, "the Lambda runtime to check against")
      ->check(CLI::IsMember({"provided.al2023", "provided.al2"}));
  doctor->add_option("--arch", options->arch, "the architecture the function is deployed as (default: either)")
      ->check(CLI::IsMember({"x86_64", "arm64"}));
  doctor->add_flag("--no-start", options->no_start, "only read the files; do not start the function");
  doctor->callback([options, &exit_code] { exit_code = run_doctor(*options); });
}

}  // namespace lift::cli
