#pragma once
// README examples are compiled by a test that holds them between "// README begin" and
// "// README end" lines; this checks that README.md still shows those exact lines.

#include <string>

#include "support/files.hpp"

namespace lift::testing_support {

// Empty when README.md holds the example of `test_source` (a path below the source tree),
// else what is wrong.
inline std::string readme_example_problem(const std::string& test_source) {
  const std::string begin_marker = "// README begin\n";
  const auto source = read_file(std::string(LIFT_TEST_SOURCE_DIR) + "/" + test_source);
  const auto begin = source.find(begin_marker);
  const auto end = source.find("// README end");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return test_source + " has no README begin/end markers";
  const auto example = source.substr(begin + begin_marker.size(), end - begin - begin_marker.size());
  if (read_file(std::string(LIFT_TEST_SOURCE_DIR) + "/README.md").find(example) == std::string::npos)
    return "README.md no longer shows the example of " + test_source;
  return {};
}

}  // namespace lift::testing_support
