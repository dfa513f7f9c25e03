// What FUNCTION may be, from anywhere inside a project: `lift invoke hello` in a subdirectory
// finds the function built in the project's build directory, and a name it cannot find is an
// error that says where it looked and what is built there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/json.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lift::testing_support::json_of;
using lift::testing_support::run_command;
using lift::testing_support::TempDir;

// A project the way lift's own tree is: a build directory with the example built in it.
class Project {
 public:
  Project() {
    fs::create_directories(dir_ / ".git");
    fs::create_directories(dir_ / "build" / "bin" / "examples");
    fs::create_directories(dir_ / "examples" / "hello");
    fs::create_directories(dir_ / "src" / "deep");
    std::ofstream(dir_ / "build" / "CMakeCache.txt") << "# configured\n";
    fs::create_symlink(LIFT_HELLO, dir_ / "build" / "bin" / "examples" / "hello");
  }
  [[nodiscard]] fs::path path() const { return dir_.path(); }

 private:
  TempDir dir_{"lift-project"};
};

// `lift ARGS...` run in `directory`, with the hello event on stdin.
lift::testing_support::CommandResult lift_in(const fs::path& directory, const std::string& args) {
  const auto event = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--path", "/hello", "--query", "name=deep"});
  return run_command({"/bin/sh", "-c", "cd '" + directory.string() + "' && exec '" + LIFT_CLI + "' " + args}, event.out);
}

std::string message_of(const std::string& out) {
  return std::string(json_of(std::string(json_of(out).at("body").as_string())).at("message").as_string());
}

TEST(LiftFunctionLookup, ANameIsFoundFromAnyDirectoryOfTheProject) {
  Project project;
  for (const auto& where : {project.path(), project.path() / "src" / "deep", project.path() / "build",
                            project.path() / "build" / "bin" / "examples"}) {
    const auto result = lift_in(where, "invoke hello");
    ASSERT_EQ(result.exit_code, 0) << where << ": " << result.err;
    EXPECT_EQ(message_of(result.out), "hello, deep");
  }
}

TEST(LiftFunctionLookup, AnExamplesSourceFolderNamesItsBuiltFunction) {
  Project project;
  const auto result = lift_in(project.path() / "examples" / "hello", "invoke .");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(message_of(result.out), "hello, deep");
  EXPECT_EQ(lift_in(project.path(), "invoke examples/hello").exit_code, 0);
}

TEST(LiftFunctionLookup, AnUnknownNameSaysWhereItLookedAndWhatIsBuilt) {
  Project project;
  const auto result = lift_in(project.path() / "src" / "deep", "invoke helo");
  EXPECT_EQ(result.exit_code, 2);
  const auto build = fs::canonical(project.path() / "build");
  EXPECT_NE(result.err.find("no function named 'helo'"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find((build / "bin" / "examples" / "helo").string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("functions built there: hello"), std::string::npos) << result.err;
  // lift dev reads FUNCTION the same way.
  const auto dev = lift_in(project.path() / "src" / "deep", "dev helo --port 0");
  EXPECT_EQ(dev.exit_code, 2);
  EXPECT_NE(dev.err.find("functions built there: hello"), std::string::npos) << dev.err;
}

TEST(LiftFunctionLookup, OutsideAnyProjectTheErrorSaysThereIsNoBuildDirectory) {
  TempDir nowhere;
  fs::create_directories(nowhere / ".git");  // a project root without a build
  const auto result = lift_in(nowhere.path(), "invoke hello");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no build directory"), std::string::npos) << result.err;
}

}  // namespace
