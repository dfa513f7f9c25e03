#pragma once
// README examples kept compiling: a test source holds the example between the lines
// "// README begin" and "// README end", compiles and runs it, and checks with
// readme_shows_example_of that README.md still shows exactly those lines.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace lift_test {

inline std::string read_source_file(const std::string& relative_path) {
  std::ifstream in(std::string(LIFT_TEST_SOURCE_DIR) + "/" + relative_path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `test_source`: the test's path in the repository ("tests/unit/resilience/readme_example_test.cpp").
inline ::testing::AssertionResult readme_shows_example_of(const std::string& test_source) {
  const auto source = read_source_file(test_source);
  constexpr std::string_view kBegin = "// README begin\n";
  const auto begin = source.find(kBegin);
  const auto end = source.find("// README end");
  if (begin == std::string::npos || end == std::string::npos || end < begin)
    return ::testing::AssertionFailure() << test_source << " has no README begin/end markers";
  const auto example = source.substr(begin + kBegin.size(), end - begin - kBegin.size());
  if (read_source_file("README.md").find(example) == std::string::npos)
    return ::testing::AssertionFailure() << "README.md no longer shows the example of " << test_source;
  return ::testing::AssertionSuccess();
}

}  // namespace lift_test
