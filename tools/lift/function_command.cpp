#include "function_command.hpp"

#include <cstdlib>

#include "elf_file.hpp"
#include "file_io.hpp"
#include "lift/core/env.hpp"
#include "lift/core/find_executable.hpp"

namespace lift::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kForeign = "Cli.ForeignArchitecture";

// qemu's and GNU's name of the CPU of an ElfInfo architecture; empty when lift knows none.
std::string cpu_of(const std::string& architecture) {
  if (architecture == "arm64") return "aarch64";
  if (architecture == "x86_64") return "x86_64";
  return {};
}

std::optional<fs::path> in_path(const std::string& program) {
  auto found = find_executable(program, env_or("PATH", "/usr/local/bin:/usr/bin:/bin"));
  if (!found) return std::nullopt;
  return fs::path(*found);
}

}  // namespace

std::string host_architecture() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "arm64";
#else
  return "unknown";
#endif
}

Result<FunctionCommand> function_command(const fs::path& executable) {
  FunctionCommand command;
  command.architecture = host_architecture();
  command.argv = {executable.string()};
  std::string bytes;
  if (!read_file(executable, bytes)) return command;  // starting it will say what is wrong
  auto elf = read_elf(bytes);
  if (!elf || elf->architecture == command.architecture) return command;
  command.architecture = elf->architecture;

  const auto cpu = cpu_of(elf->architecture);
  if (cpu.empty()) {
    return Error{kForeign, executable.string() + " is built for " + elf->architecture + ", which lift cannot run on this " +
                               host_architecture() + " machine", 400};
  }
  auto qemu = in_path("qemu-" + cpu);
  if (!qemu) qemu = in_path("qemu-" + cpu + "-static");
  if (!qemu) {
    return Error{kForeign, executable.string() + " is built for " + elf->architecture + " and this machine is " +
                               host_architecture() + "; install qemu's user-mode emulator (Debian and Ubuntu: apt install qemu-user) "
                               "to run it emulated, or run it on an " + elf->architecture + " machine", 400};
  }
  command.emulator = qemu->string();
  command.argv = {qemu->string()};
  // A dynamically linked function needs glibc's loader for its architecture. qemu looks for it
  // under the -L prefix; without one, at the path the executable names, which exists only when
  // the host has that architecture's libc6 (multiarch).
  std::error_code ec;
  if (const char* prefix = std::getenv("QEMU_LD_PREFIX"); prefix != nullptr && *prefix != '\0') {
    command.argv.insert(command.argv.end(), {"-L", prefix});
  } else if (elf->interpreter && !fs::exists(*elf->interpreter, ec)) {
    const fs::path cross_root = fs::path("/usr") / (cpu + "-linux-gnu");
    if (fs::exists(cross_root / fs::path(*elf->interpreter).relative_path(), ec)) {
      command.argv.insert(command.argv.end(), {"-L", cross_root.string()});
    } else {
      return Error{kForeign, executable.string() + " is built for " + elf->architecture + " and needs its loader " + *elf->interpreter +
                                 ", which this machine does not have; install the " + elf->architecture +
                                 " C library (Debian: apt install libc6:" + elf->architecture + " or libc6-" + elf->architecture +
                                 "-cross) or set QEMU_LD_PREFIX to a directory holding it", 400};
    }
  }
  command.argv.push_back(executable.string());
  const auto task_root = fs::absolute(executable, ec).parent_path().string();
  command.environment = {{"LAMBDA_TASK_ROOT", task_root}, {"LAMBDA_RUNTIME_DIR", task_root}};
  return command;
}

}  // namespace lift::cli
