// A function that starts a child process (`sleep 60`), as functions that shell out to a tool
// do, and writes "FUNCTION_PID CHILD_PID" to $LIFT_TEST_PID_FILE. LIFT_TEST_MODE says what the
// invocation does then: "hang" (until it is killed: a timeout) or "return" (answers at once,
// leaving the child running). The child keeps the function's stdout and stderr.

#include <spawn.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "lift/core/env.hpp"
#include "lift/runtime/runtime.hpp"

extern char** environ;

namespace {

lift::Result<lift::runtime::Response> handle(const lift::runtime::Invocation&) {
  char program[] = "sleep";
  char seconds[] = "60";
  char* argv[] = {program, seconds, nullptr};
  pid_t child = -1;
  if (posix_spawnp(&child, "sleep", nullptr, nullptr, argv, environ) != 0) {
    return lift::Error{"Test.SpawnFailed", "cannot start sleep"};
  }
  const std::filesystem::path file = lift::env_or("LIFT_TEST_PID_FILE", "");
  const auto partial = file.string() + ".partial";
  std::ofstream(partial) << ::getpid() << ' ' << child << '\n';
  std::filesystem::rename(partial, file);  // the test never reads half a line
  if (lift::env_or("LIFT_TEST_MODE", "hang") == "hang") std::this_thread::sleep_for(std::chrono::seconds(60));
  return lift::runtime::Response{R"({"statusCode":200,"body":"spawned"})"};
}

}  // namespace

int main() {
  lift::runtime::Runtime runtime;
  return runtime.run(lift::runtime::Handler(handle));
}
