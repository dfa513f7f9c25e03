#include "lift/core/uuid.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace {

TEST(Uuid, IsVersion4InCanonicalForm) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) {
    const auto id = lift::uuid();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
  }
}

TEST(Uuid, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(lift::uuid());
  EXPECT_EQ(seen.size(), 10000u);
}

}  // namespace
