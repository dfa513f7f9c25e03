#pragma once
// The command that starts a built function on this machine: the executable itself, or, when it
// is built for another architecture (an arm64 function on an x86_64 machine), the executable
// under qemu's user-mode emulator (qemu-aarch64 from the qemu-user package), so that `lift
// invoke` and `lift doctor` answer for the binary that will be deployed.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::cli {

// "x86_64" or "arm64", as ElfInfo::architecture names them.
std::string host_architecture();

struct FunctionCommand {
  std::vector<std::string> argv;
  std::string architecture;        // the executable's; the host's for a script
  std::optional<std::string> emulator;  // the qemu executable, when the function runs emulated
  // What the function's environment must say despite the emulator being argv[0]
  // (LAMBDA_TASK_ROOT is the function's directory, not qemu's).
  std::vector<std::pair<std::string, std::string>> environment;
};

// Reads the executable's ELF header. A function for the host's architecture (or a script) runs
// as it is; one for another architecture runs under qemu-<cpu> (or qemu-<cpu>-static) found in
// PATH, with glibc's loader taken from QEMU_LD_PREFIX or, when the host has no loader for that
// architecture, from the cross toolchain's /usr/<cpu>-linux-gnu. Errors (code
// "Cli.ForeignArchitecture") say which package to install.
Result<FunctionCommand> function_command(const std::filesystem::path& executable);

}  // namespace lift::cli
