// `lift new` without building anything: which names are accepted, what each template renders,
// and that an existing project is never overwritten.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "new_project.hpp"
#include "support/temp_dir.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using lift::cli::check_project_name;
using lift::cli::create_project;
using lift::cli::NewProjectOptions;
using lift::cli::render_project;
using lift::testing_support::TempDir;

using lift::testing_support::read_file;

TEST(NewProjectName, AcceptsLettersDigitsDashesAndUnderscores) {
  for (const char* good : {"hello", "my-fn", "Order_Worker2", "a", "x-1_y-2", "lifted", "lift-app"}) {
    EXPECT_TRUE(check_project_name(good)) << good;
  }
  EXPECT_TRUE(check_project_name(std::string(64, 'a')));
}

TEST(NewProjectName, RefusesEverythingElseSayingWhy) {
  for (const char* bad : {"", "9lives", "-dash", "_under", "has space", "a/b", "../up", "a.b", "naïve", "semi;colon",
                          "quote\"", "all", "Test", "install", "lift", "LIFT", "lift_core", "Lift_App"}) {
    auto checked = check_project_name(bad);
    ASSERT_FALSE(checked) << bad;
    EXPECT_EQ(checked.error().code, "InvalidName") << bad;
    EXPECT_NE(checked.error().message.find("invalid project name"), std::string::npos) << checked.error().message;
  }
  EXPECT_FALSE(check_project_name(std::string(65, 'a')));
}

TEST(NewProjectTemplates, AreHttpSqsAndWebSocket) {
  EXPECT_EQ(lift::cli::project_template_names(), (std::vector<std::string>{"http", "sqs", "websocket"}));
}

// Every template renders a complete project with every placeholder replaced.
TEST(NewProjectTemplates, RenderACompleteProject) {
  for (const auto& name : lift::cli::project_template_names()) {
    auto files = render_project({.name = "my-fn", .template_name = name});
    ASSERT_TRUE(files) << files.error().message;
    std::set<std::string> paths;
    for (const auto& file : *files) {
      paths.insert(file.path);
      // A placeholder is {{word}}; C++ brace initialisers ({{"name", "tea"}}) are not.
      EXPECT_FALSE(std::regex_search(file.content, std::regex(R"(\{\{[A-Za-z_]+\}\})"))) << name << ": " << file.path;
      EXPECT_FALSE(file.content.empty()) << name << ": " << file.path;
    }
    for (const char* expected : {"CMakeLists.txt", "README.md", "template.yaml", ".gitignore", "src/main.cpp", "src/app.cpp",
                                 "src/app.hpp", "tests/CMakeLists.txt", "tests/app_test.cpp"}) {
      EXPECT_TRUE(paths.contains(expected)) << name << ": " << expected;
    }
    bool has_event = false;
    for (const auto& path : paths) has_event = has_event || (path.starts_with("events/") && path.ends_with(".json"));
    EXPECT_TRUE(has_event) << name;
    for (const auto& file : *files) {
      if (file.path == "CMakeLists.txt") {
        EXPECT_NE(file.content.find("project(my-fn LANGUAGES CXX)"), std::string::npos);
        EXPECT_NE(file.content.find("find_package(lift "), std::string::npos);
        EXPECT_NE(file.content.find("lift_add_function(my-fn "), std::string::npos);
        EXPECT_NE(file.content.find("set(LIFT_SOURCE_DIR \"\" CACHE PATH"), std::string::npos);
      }
      if (file.path == "template.yaml") {
        EXPECT_NE(file.content.find("MyFnFunction:"), std::string::npos) << name;
        EXPECT_NE(file.content.find("Runtime: provided.al2023"), std::string::npos) << name;
        EXPECT_NE(file.content.find("CodeUri: build/function.zip"), std::string::npos) << name;
      }
    }
  }
}

TEST(NewProjectTemplates, UnknownTemplatesAndBadLiftSourcesAreRefused) {
  auto unknown = render_project({.name = "fn", .template_name = "grpc"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "UnknownTemplate");
  EXPECT_NE(unknown.error().message.find("http, sqs, websocket"), std::string::npos) << unknown.error().message;

  TempDir dir("lift-new-unit");
  auto not_lift = render_project({.name = "fn", .lift_source = dir.path().string()});
  ASSERT_FALSE(not_lift);
  EXPECT_EQ(not_lift.error().code, "InvalidLiftSource");
}

TEST(NewProjectTemplates, LiftSourceBecomesTheDefaultOfLiftSourceDir) {
  TempDir dir("lift-new-unit");
  fs::create_directories(dir.path() / "include" / "lift");
  std::ofstream(dir.path() / "CMakeLists.txt") << "project(lift)\n";
  std::ofstream(dir.path() / "include" / "lift" / "lift.hpp") << "#pragma once\n";
  auto files = render_project({.name = "fn", .lift_source = dir.path().string()});
  ASSERT_TRUE(files) << files.error().message;
  for (const auto& file : *files) {
    if (file.path == "CMakeLists.txt") {
      EXPECT_NE(file.content.find("set(LIFT_SOURCE_DIR \"" + fs::canonical(dir.path()).generic_string() + "\""),
                std::string::npos)
          << file.content;
    }
  }
}

TEST(NewProjectCreate, WritesTheProjectAndNeverOverwritesOne) {
  TempDir dir("lift-new-unit");
  ASSERT_FALSE(dir.path().empty());
  NewProjectOptions options{.name = "orders", .template_name = "sqs", .parent = dir.path()};
  auto created = create_project(options);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(*created, dir.path() / "orders");
  EXPECT_NE(read_file(dir.path() / "orders" / "src" / "app.cpp").find("app.sqs("), std::string::npos);
  EXPECT_NE(read_file(dir.path() / "orders" / ".gitignore").find("build/"), std::string::npos);

  // Edited by its user, then `lift new` again: refused, nothing touched.
  std::ofstream(dir.path() / "orders" / "src" / "app.cpp") << "// mine\n";
  auto again = create_project(options);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "DirectoryNotEmpty");
  EXPECT_EQ(read_file(dir.path() / "orders" / "src" / "app.cpp"), "// mine\n");

  // A file in the way is refused too; an empty directory is used.
  std::ofstream(dir.path() / "a-file") << "x";
  auto file = create_project({.name = "a-file", .parent = dir.path()});
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, "DirectoryNotEmpty");
  fs::create_directories(dir.path() / "empty");
  EXPECT_TRUE(create_project({.name = "empty", .parent = dir.path()}));
  EXPECT_TRUE(fs::exists(dir.path() / "empty" / "events" / "get-hello.json"));

  // A bad name is refused before anything is written.
  auto bad = create_project({.name = "../escape", .parent = dir.path()});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidName");
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "escape"));
}

}  // namespace
