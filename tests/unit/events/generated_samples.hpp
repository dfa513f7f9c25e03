#pragma once
// Checks of a source against AWS's samples of its kind (both folders of the shared test data):
// the samples themselves, and the events its descriptor's sample() generates, which must look
// like them.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "event_samples.hpp"
#include "lift/events/detect.hpp"
#include "lift/json/convert.hpp"
#include "support/files.hpp"
#include "support/sample_events.hpp"

namespace lift_test {

struct KindSample {
  std::string file;
  std::size_t records = 0;
  boost::json::value event;
};

// AWS's samples of `kind`, parsed; empty when the test data is absent.
inline std::vector<KindSample> aws_samples_of(std::string_view kind) {
  std::vector<KindSample> out;
  for (const auto& sample : lift::testing_support::sample_events()) {
    if (sample.kind != kind) continue;
    out.push_back(KindSample{sample.file, sample.records, boost::json::parse(lift::testing_support::read_file(sample.path))});
  }
  return out;
}

// Every AWS sample of `kind` is detected as `kind` and parses (with `parse`), and the model
// writes back exactly what it read (nothing more, nothing less). Returns how many it checked.
template <class Parse>
std::size_t expect_aws_samples_round_trip(std::string_view kind, Parse parse) {
  const auto samples = aws_samples_of(kind);
  for (const auto& s : samples) {
    SCOPED_TRACE(s.file);
    EXPECT_EQ(lift::events::to_string(lift::events::detect(s.event)), kind);
    auto parsed = parse(s.event);
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
    if (!parsed) continue;
    const auto json = lift::json::to_json(*parsed);
    const auto problem = not_subset(json, s.event);
    EXPECT_FALSE(problem) << problem.value_or("");
    EXPECT_EQ(leaves(json), leaves(s.event));
  }
  return samples.size();
}

// Every object member name in `value`, at any depth, except under the members named in `skip`
// (free-form content such as CloudFormation's ResourceProperties).
inline void member_names(const boost::json::value& value, std::set<std::string>& out, const std::set<std::string>& skip = {}) {
  if (const auto* object = value.if_object()) {
    for (const auto& entry : *object) {
      const std::string key(entry.key());
      out.insert(key);
      if (!skip.contains(key)) member_names(entry.value(), out, skip);
    }
  } else if (const auto* array = value.if_array()) {
    for (const auto& element : *array) member_names(element, out, skip);
  }
}

// D::sample(options) is an event of D's kind that D parses (when D is routed) and `lift events
// inspect` reads without error, and every member name it has is one AWS's samples of the kind
// use.
template <class D>
void expect_sample_like_aws(const typename D::SampleOptions& options, const std::set<std::string>& skip = {}) {
  auto sample = D::sample(options);
  ASSERT_TRUE(sample) << sample.error().message;
  EXPECT_EQ(lift::events::detect(*sample), lift::events::Kind::of<D>()) << boost::json::serialize(*sample);
  if constexpr (lift::events::RoutedSource<D>) {
    auto parsed = D::parse(*sample);
    EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  }
  const auto inspected = lift::events::inspect(*sample);
  EXPECT_FALSE(inspected.contains("error")) << boost::json::serialize(inspected);
  EXPECT_EQ(inspected.at("source").as_string(), D::info.name);
  const auto samples = aws_samples_of(D::info.name);
  if (samples.empty()) return;
  std::set<std::string> aws, generated;
  for (const auto& s : samples) member_names(s.event, aws, skip);
  member_names(*sample, generated, skip);
  for (const auto& name : generated) EXPECT_TRUE(aws.contains(name)) << name << " is in no AWS sample of " << D::info.name;
}

}  // namespace lift_test
