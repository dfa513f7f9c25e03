#pragma once
// AWS's sample events (LIFT_TESTDATA_DIR/events) and a check that a model's JSON agrees with
// the event it was read from.

#include <boost/json.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace lift_test {

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
