// How lift starts a built function: as it is when it is built for this machine, under qemu's
// user-mode emulator when it is built for the other architecture Lambda runs, and a typed error
// that names the package to install when no emulator is there.

#include <gtest/gtest.h>

#include <elf.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "function_command.hpp"
#include "support/files.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lift::cli::function_command;
using lift::cli::host_architecture;
using lift::testing_support::ScopedEnv;
using lift::testing_support::TempDir;

// This test's own executable with another e_machine: what a cross-compiled function looks like
// to lift (only its headers are read).
fs::path executable_for(const TempDir& dir, std::uint16_t machine) {
  auto bytes = lift::testing_support::read_file("/proc/self/exe");
  std::memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_machine), &machine, sizeof machine);
  const auto path = dir / "bootstrap";
  std::ofstream(path, std::ios::binary) << bytes;
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

std::uint16_t other_machine() { return host_architecture() == "arm64" ? EM_X86_64 : EM_AARCH64; }
std::string other_cpu() { return host_architecture() == "arm64" ? "x86_64" : "aarch64"; }

TEST(FunctionCommand, AFunctionForThisMachineRunsAsItIs) {
  auto command = function_command("/proc/self/exe");
  ASSERT_TRUE(command) << command.error().message;
  EXPECT_EQ(command->argv, std::vector<std::string>{"/proc/self/exe"});
  EXPECT_EQ(command->architecture, host_architecture());
  EXPECT_FALSE(command->emulator);
  EXPECT_TRUE(command->environment.empty());

  // A script, or a file that is not there, is started as it is: the start says what is wrong.
  TempDir dir;
  std::ofstream(dir / "script") << "#!/bin/sh\nexec ./real\n";
  EXPECT_EQ(function_command(dir / "script")->argv, std::vector<std::string>{(dir / "script").string()});
  EXPECT_EQ(function_command(dir / "missing")->argv, std::vector<std::string>{(dir / "missing").string()});
}

TEST(FunctionCommand, AFunctionForTheOtherArchitectureRunsUnderQemu) {
  TempDir dir, bin;
  const auto function = executable_for(dir, other_machine());
  const auto qemu = bin / ("qemu-" + other_cpu());
  std::ofstream(qemu) << "#!/bin/sh\n";
  fs::permissions(qemu, fs::perms::owner_all);
  ScopedEnv path("PATH", bin.path().c_str());
  ScopedEnv prefix("QEMU_LD_PREFIX", nullptr);

  auto command = function_command(function);
  ASSERT_TRUE(command) << command.error().message;
  EXPECT_EQ(command->emulator, qemu.string());
  EXPECT_EQ(command->argv.front(), qemu.string());
  EXPECT_EQ(command->argv.back(), function.string());
  EXPECT_EQ(command->architecture, host_architecture() == "arm64" ? "x86_64" : "arm64");
  // LAMBDA_TASK_ROOT is the function's directory, not the emulator's.
  ASSERT_EQ(command->environment.size(), 2u);
  EXPECT_EQ(command->environment[0], (std::pair<std::string, std::string>{"LAMBDA_TASK_ROOT", dir.path().string()}));

  // QEMU_LD_PREFIX names where the other architecture's glibc lives; lift passes it on.
  ScopedEnv root("QEMU_LD_PREFIX", "/opt/sysroot");
  auto rooted = function_command(function);
  ASSERT_TRUE(rooted);
  EXPECT_EQ(rooted->argv, (std::vector<std::string>{qemu.string(), "-L", "/opt/sysroot", function.string()}));
}

TEST(FunctionCommand, WithoutQemuTheErrorSaysWhatToInstall) {
  TempDir dir, empty;
  const auto function = executable_for(dir, other_machine());
  ScopedEnv path("PATH", empty.path().c_str());
  auto command = function_command(function);
  ASSERT_FALSE(command);
  EXPECT_EQ(command.error().code, "Cli.ForeignArchitecture");
  EXPECT_NE(command.error().message.find("apt install qemu-user"), std::string::npos) << command.error().message;

  // A machine Lambda does not run at all.
  const auto riscv = executable_for(dir, EM_RISCV);
  auto unknown = function_command(riscv);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("which lift cannot run"), std::string::npos) << unknown.error().message;
}

}  // namespace
