// lift's own check, not part of the example: the README's recipe "a route that stores data"
// shows examples/orders/orders.cpp as it is.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string read(const std::string& path) {
  std::ifstream in(std::string(LIFT_TEST_SOURCE_DIR) + "/" + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(OrdersReadme, TheRecipeIsTheExamplesCode) {
  const std::string source = read("examples/orders/orders.cpp");
  const auto begin = source.find("struct Order {");
  const auto end = source.find("}  // namespace orders");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  std::string code = source.substr(begin, end - begin);
  while (!code.empty() && code.back() == '\n') code.pop_back();
  EXPECT_NE(read("README.md").find("```cpp\n" + code + "\n```"), std::string::npos)
      << "README.md's recipe differs from examples/orders/orders.cpp";
}

}  // namespace
