#pragma once
// AWS's sample events (LIFT_TESTDATA_DIR/events) and a check that a model's JSON agrees with
// the event it was read from.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"
#include "support/requirements.hpp"

namespace lift_test {

// A file of the test data (`relative` to LIFT_TESTDATA_DIR), parsed; null when it is absent.
inline boost::json::value read_testdata(const std::string& relative) {
  std::ifstream in(std::string(LIFT_TESTDATA_DIR) + "/" + relative);
  if (!in) return nullptr;
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

// Declares `var`, the test data file `relative`, or skips the test when the data is absent.
#define LIFT_REQUIRE_TESTDATA(var, relative)                           \
  const boost::json::value var = lift_test::read_testdata(relative); \
  if (var.is_null()) LIFT_SKIP_WITHOUT() << "test data not available: " << (relative)

// `result` is the error of a malformed event: "InvalidEvent", 400, its message containing
// `message`.
template <class T>
void expect_invalid(const lift::Result<T>& result, std::string_view message) {
  ASSERT_FALSE(result) << "expected an error containing: " << message;
  EXPECT_EQ(result.error().code, "InvalidEvent");
  EXPECT_EQ(result.error().status, 400);
  EXPECT_NE(result.error().message.find(message), std::string::npos) << result.error().message;
}

struct Sample {
  std::string kind;
  std::string file;
  std::size_t records = 0;
  boost::json::value event;
};

inline std::string samples_dir() { return LIFT_TESTDATA_DIR "/events"; }

// Every sample of `kind` listed in manifest.tsv, parsed; empty when the samples are absent.
inline std::vector<Sample> samples_of(const std::string& kind) {
  std::vector<Sample> out;
  std::ifstream manifest(samples_dir() + "/manifest.tsv");
  std::string line;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    Sample s;
    std::string records;
    fields >> s.kind >> s.file >> records;
    if (s.kind != kind) continue;
    s.records = static_cast<std::size_t>(std::stoul(records));
    std::ifstream in(samples_dir() + "/" + s.file);
    std::stringstream text;
    text << in.rdbuf();
    s.event = boost::json::parse(text.str());
    out.push_back(std::move(s));
  }
  return out;
}

inline bool samples_available() { return std::ifstream(samples_dir() + "/manifest.tsv").good(); }

// Where `model` says something `original` does not: every member of every object of `model`
// is in `original` with an equal value (numbers compare by value, arrays element by element).
// nullopt when `model` is a subset of `original`.
inline std::optional<std::string> not_subset(const boost::json::value& model, const boost::json::value& original,
                                             const std::string& path = "") {
  if (model.is_number() && original.is_number()) {
    if (model.is_double() || original.is_double()) {
      if (model.to_number<double>() == original.to_number<double>()) return std::nullopt;
    } else if (model == original) {
      return std::nullopt;
    }
    return path + ": " + boost::json::serialize(model) + " != " + boost::json::serialize(original);
  }
  if (model.kind() != original.kind()) {
    return path + ": " + boost::json::serialize(model) + " is not " + boost::json::serialize(original);
  }
  if (const auto* object = model.if_object()) {
    for (const auto& entry : *object) {
      const auto key = std::string(entry.key());
      const auto* other = original.as_object().if_contains(entry.key());
      if (other == nullptr) return path + "." + key + ": not in the original";
      if (auto problem = not_subset(entry.value(), *other, path + "." + key)) return problem;
    }
    return std::nullopt;
  }
  if (const auto* array = model.if_array()) {
    const auto& other = original.as_array();
    if (array->size() != other.size()) return path + ": " + std::to_string(array->size()) + " items, not " + std::to_string(other.size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (auto problem = not_subset((*array)[i], other[i], path + "[" + std::to_string(i) + "]")) return problem;
    }
    return std::nullopt;
  }
  if (model != original) return path + ": " + boost::json::serialize(model) + " != " + boost::json::serialize(original);
  return std::nullopt;
}

// How many leaf values (strings, numbers, booleans) `value` holds: a model that wrote nothing
// would trivially be a subset, so the tests also compare how much of the original it covers.
inline std::size_t leaves(const boost::json::value& value) {
  if (const auto* object = value.if_object()) {
    std::size_t n = 0;
    for (const auto& entry : *object) n += leaves(entry.value());
    return n;
  }
  if (const auto* array = value.if_array()) {
    std::size_t n = 0;
    for (const auto& element : *array) n += leaves(element);
    return n;
  }
  return value.is_null() ? 0 : 1;
}

}  // namespace lift_test
