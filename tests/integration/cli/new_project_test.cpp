// `lift new` end to end, as a user runs it: this build of lift is installed into a temporary
// prefix (`cmake --install`), the installed `lift new` creates a project from each template,
// and the project is configured against the prefix (find_package(lift)), built, and its own
// tests run; then the installed `lift invoke` runs the built function with the project's event
// (by its path, then by its name from inside the project) and `lift doctor` checks it as Lambda's provided.al2023 would take it.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/scoped_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lift::testing_support::CommandResult;
using lift::testing_support::run_command;
using lift::testing_support::ScopedEnv;
using lift::testing_support::TempDir;

constexpr auto kStepTimeout = std::chrono::minutes(8);

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (timed out)" : "") + "\n--- stdout\n" + r.out +
         "\n--- stderr\n" + r.err;
}

// Installs this build into dir/prefix and returns the prefix.
fs::path install_lift(const fs::path& dir) {
  const auto prefix = dir / "prefix";
  auto installed = run_command({LIFT_CMAKE, "--install", LIFT_BUILD_DIR, "--prefix", prefix.string()}, {}, kStepTimeout);
  EXPECT_EQ(installed.exit_code, 0) << describe(installed);
  return prefix;
}

// `lift new NAME --template T`, configure against the installed lift, build, run ctest.
void build_and_test(const std::string& name, const std::string& template_name, const std::string& event,
                    const std::string& expected_in_answer) {
  TempDir dir("lift-new");
  ASSERT_FALSE(dir.path().empty());
  // ccache (when lift's build uses it) sees every temporary project at the same relative paths.
  ScopedEnv ccache_base("CCACHE_BASEDIR", dir.path().string().c_str());
  const auto prefix = install_lift(dir.path());
  const std::string lift = (prefix / "bin" / "lift").string();
  ASSERT_TRUE(fs::exists(prefix / "lib" / "cmake" / "lift" / "liftConfig.cmake"));

  auto created = run_command({lift, "new", name, "--template", template_name, "--dir", dir.path().string()});
  ASSERT_EQ(created.exit_code, 0) << describe(created);
  const auto project = dir.path() / name;
  const auto build = project / "build";

  std::vector<std::string> configure{LIFT_CMAKE, "-S", project.string(), "-B", build.string(), "-G", LIFT_CMAKE_GENERATOR,
                                     "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_PREFIX_PATH=" + prefix.string(),
                                     std::string("-DCMAKE_CXX_COMPILER=") + LIFT_CXX};
  if (const std::string ccache = LIFT_CCACHE_PROGRAM; !ccache.empty() && !ccache.ends_with("NOTFOUND"))
    configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" + ccache);
  auto configured = run_command(configure, {}, kStepTimeout);
  ASSERT_EQ(configured.exit_code, 0) << describe(configured);

  auto built = run_command({LIFT_CMAKE, "--build", build.string(), "-j", "2"}, {}, kStepTimeout);
  ASSERT_EQ(built.exit_code, 0) << describe(built);

  auto tested = run_command({LIFT_CTEST, "--test-dir", build.string(), "--output-on-failure"}, {}, kStepTimeout);
  ASSERT_EQ(tested.exit_code, 0) << describe(tested);
  EXPECT_NE(tested.out.find("100% tests passed"), std::string::npos) << tested.out;

  // The function itself, under the Runtime API emulator, with the project's own event.
  auto invoked = run_command({lift, "invoke", (build / name).string(), "--event", (project / "events" / event).string()});
  ASSERT_EQ(invoked.exit_code, 0) << describe(invoked);
  EXPECT_NE(invoked.out.find(expected_in_answer), std::string::npos) << invoked.out;
  // By its name, from any directory of the project: found in the project's build directory.
  auto by_name = run_command({"/bin/sh", "-c", "cd '" + (project / "src").string() + "' && exec '" + lift + "' invoke " + name +
                                                   " --event ../events/" + event});
  ASSERT_EQ(by_name.exit_code, 0) << describe(by_name);
  EXPECT_NE(by_name.out.find(expected_in_answer), std::string::npos) << by_name.out;
  // Built with lift_add_function from the installed package: nothing Lambda would refuse.
  auto doctor = run_command({lift, "doctor", (build / name).string()});
  EXPECT_EQ(doctor.exit_code, 0) << describe(doctor);
}

TEST(LiftNew, HttpProjectBuildsAndPassesItsTests) {
  build_and_test("hello-api", "http", "get-hello.json", "hello, lift");
}

TEST(LiftNew, SqsProjectBuildsAndPassesItsTests) {
  build_and_test("order-worker", "sqs", "orders.json", "batchItemFailures");
}

TEST(LiftNew, WebSocketProjectBuildsAndPassesItsTests) {
  // Its connections go to the embedded engine (the template's README runs it so), and a connect
  // stores one without calling the Management API.
  ScopedEnv memory("LIFT_DYNAMODB_ENDPOINT", "memory:");
  build_and_test("echo_socket", "websocket", "connect.json", "statusCode");
}

// What users get wrong: refused before anything is written, exit status 2.
TEST(LiftNew, RefusesBadNamesAndNonEmptyDirectories) {
  TempDir dir("lift-new");
  ASSERT_FALSE(dir.path().empty());
  for (const char* bad : {"has space", "9lives", "../escape", "lift"}) {
    auto refused = run_command({LIFT_CLI, "new", bad, "--dir", dir.path().string()});
    EXPECT_EQ(refused.exit_code, 2) << bad << "\n" << describe(refused);
    EXPECT_NE(refused.err.find("invalid project name"), std::string::npos) << refused.err;
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));

  auto unknown = run_command({LIFT_CLI, "new", "fine", "--template", "grpc", "--dir", dir.path().string()});
  EXPECT_EQ(unknown.exit_code, 2) << describe(unknown);

  fs::create_directories(dir.path() / "taken");
  { std::ofstream(dir.path() / "taken" / "notes.txt") << "mine\n"; }
  auto taken = run_command({LIFT_CLI, "new", "taken", "--dir", dir.path().string()});
  EXPECT_EQ(taken.exit_code, 2) << describe(taken);
  EXPECT_NE(taken.err.find("not an empty directory"), std::string::npos) << taken.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "taken"), fs::directory_iterator{}), 1);

  // An empty directory is fine.
  fs::create_directories(dir.path() / "empty");
  auto created = run_command({LIFT_CLI, "new", "empty", "--template", "sqs", "--dir", dir.path().string()});
  EXPECT_EQ(created.exit_code, 0) << describe(created);
  EXPECT_TRUE(fs::exists(dir.path() / "empty" / "events" / "orders.json"));
}

}  // namespace
