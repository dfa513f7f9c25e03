#pragma once
// What a test needs from outside the repository: AWS's test data (LIFT_TESTDATA_DIR), a Node.js
// peer from node_modules, python3, dynalite. Without it the test skips, so a developer without
// the data can still run the rest; with LIFT_REQUIRE_TESTDATA=1 (CI sets it) the absence is a
// failure, so a broken set-up cannot go green while testing less.
//
//   if (!dynalite.available()) LIFT_SKIP_WITHOUT() << dynalite.why_unavailable();
//
// Use it only for a missing requirement; a test that does not apply (an engine-only feature on
// dynalite) still says GTEST_SKIP().

#include <cstdlib>
#include <string_view>

#include <gtest/gtest.h>

namespace lift_test {

inline bool requirements_are_mandatory() {
  const char* value = std::getenv("LIFT_REQUIRE_TESTDATA");
  return value != nullptr && std::string_view(value) != "" && std::string_view(value) != "0";
}

inline ::testing::TestPartResult::Type missing_requirement_result() {
  return requirements_are_mandatory() ? ::testing::TestPartResult::kFatalFailure
                                      : ::testing::TestPartResult::kSkip;
}

}  // namespace lift_test

// GTEST_SKIP() or, under LIFT_REQUIRE_TESTDATA, a fatal failure; returns from the test like both.
#define LIFT_SKIP_WITHOUT()                                                                  \
  return GTEST_MESSAGE_AT_(__FILE__, __LINE__,                                               \
                           ::lift_test::requirements_are_mandatory()                         \
                               ? "a requirement is missing and LIFT_REQUIRE_TESTDATA is set" \
                               : "Skipped",                                                  \
                           ::lift_test::missing_requirement_result())
