#pragma once
// Parses JSON in a test, failing the test (not crashing it) when the text is not JSON.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace lift::testing_support {

inline boost::json::value json_of(const std::string& text) {
  boost::json::error_code ec;
  auto value = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text;
  return value;
}

}  // namespace lift::testing_support
