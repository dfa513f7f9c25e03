// What FUNCTION may be: an executable, a directory with a bootstrap, a source folder or a name
// of a function built in the project's build directory, found from anywhere in the project.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "function_path.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using lift::cli::find_function;
using lift::testing_support::TempDir;

void executable(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "#!/bin/false\n";
  fs::permissions(path, fs::perms::owner_all);
}

// project/.git, project/build (configured), project/src/deep, and what is built.
struct Project {
  Project() {
    fs::create_directories(root() / ".git");
    fs::create_directories(root() / "src" / "deep");
    fs::create_directories(root() / "examples" / "hello");
    executable(build() / "bin" / "examples" / "hello");
    executable(build() / "bin" / "tool");
    executable(build() / "my-api");
    std::ofstream(build() / "CMakeCache.txt") << "\n";
  }
  [[nodiscard]] fs::path root() const { return dir.path() / "project"; }
  [[nodiscard]] fs::path build() const { return root() / "build"; }
  TempDir dir;
};

TEST(FindFunction, ANameIsLookedUpInTheBuildDirectoryFromAnywhereInTheProject) {
  Project p;
  for (const auto& from : {p.root(), p.root() / "src" / "deep", p.build(), p.build() / "bin" / "examples"}) {
    auto found = find_function("hello", from);
    ASSERT_TRUE(found) << from << ": " << found.error().message;
    EXPECT_EQ(*found, p.build() / "bin" / "examples" / "hello");
  }
  EXPECT_EQ(*find_function("tool", p.root()), p.build() / "bin" / "tool");
  EXPECT_EQ(*find_function("my-api", p.root() / "src"), p.build() / "my-api");  // a `lift new` project
}

TEST(FindFunction, PathsAndDirectoriesComeBeforeNames) {
  Project p;
  executable(p.root() / "src" / "hello");  // a file called hello here wins over the built one
  EXPECT_EQ(*find_function("hello", p.root() / "src"), p.root() / "src" / "hello");
  executable(p.dir.path() / "unpacked" / "bootstrap");
  EXPECT_EQ(*find_function("unpacked", p.dir.path()), p.dir.path() / "unpacked" / "bootstrap");
  EXPECT_EQ(*find_function(p.build().string() + "/bin/tool", "/"), p.build() / "bin" / "tool");
  // A source folder without a bootstrap names the function built under its name.
  EXPECT_EQ(*find_function(".", p.root() / "examples" / "hello"), p.build() / "bin" / "examples" / "hello");
  EXPECT_EQ(*find_function("examples/hello/", p.root()), p.build() / "bin" / "examples" / "hello");
}

TEST(FindFunction, NotFoundSaysWhereItLookedAndWhatIsBuilt) {
  Project p;
  auto missing = find_function("helo", p.root() / "src" / "deep");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "Cli.FunctionNotFound");
  const auto& message = missing.error().message;
  EXPECT_NE(message.find("no function named 'helo'"), std::string::npos) << message;
  for (const auto& place : {p.build() / "bin" / "examples" / "helo", p.build() / "bin" / "helo", p.build() / "helo"}) {
    EXPECT_NE(message.find(place.string()), std::string::npos) << message;
  }
  EXPECT_NE(message.find("functions built there: hello, my-api, tool"), std::string::npos) << message;

  auto no_file = find_function("build/bin/nope", p.root());
  ASSERT_FALSE(no_file);
  EXPECT_NE(no_file.error().message.find("no function at build/bin/nope (no such file or directory)"), std::string::npos);

  fs::create_directories(p.root() / "docs");
  auto folder = find_function("docs", p.root());
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find("docs is a directory without a bootstrap"), std::string::npos) << folder.error().message;
}

TEST(FindFunction, TheSearchStopsAtTheProjectRoot) {
  Project p;
  // A nested project without a build of its own does not borrow the outer one's.
  fs::create_directories(p.root() / "vendor" / "other" / ".git");
  auto found = find_function("hello", p.root() / "vendor" / "other");
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("no build directory"), std::string::npos) << found.error().message;
}

}  // namespace
