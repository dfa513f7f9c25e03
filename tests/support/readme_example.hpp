#pragma once
// README examples kept honest: a test file holds an example between "// README begin" and
// "// README end", compiles and runs it, and checks that README.md still shows it to the letter.

#include <fstream>
#include <sstream>
#include <string>

namespace lift::testing_support {

inline std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(LIFT_TEST_SOURCE_DIR) + "/" + relative);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The example between the markers of `test_file` (relative to the source tree); empty without
// them.
inline std::string readme_example(const std::string& test_file) {
  const auto source = read_source_file(test_file);
  const std::string begin_marker = "// README begin\n";
  const auto begin = source.find(begin_marker);
  const auto end = source.find("// README end");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return {};
  return source.substr(begin + begin_marker.size(), end - begin - begin_marker.size());
}

// Whether README.md shows the example of `test_file`, as it is written there.
inline bool readme_shows_example_of(const std::string& test_file) {
  const auto example = readme_example(test_file);
  return !example.empty() && read_source_file("README.md").find(example) != std::string::npos;
}

}  // namespace lift::testing_support
