#pragma once
// AWS's sample events, as the tests see them: every row of the shared manifests
// (LIFT_TESTDATA_DIR/events and /events-new) with the kind lift gives it and the records a
// handler sees.
//
// The shared manifest of events/ still says "unknown" for a few samples of sources lift has
// learned since (they also sit in events-new/ under their kind): those rows are overridden
// here, for the sources lift knows, so that the shared manifest can follow.

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lift/events/detect.hpp"

namespace lift::testing_support {

struct SampleEvent {
  std::string kind;     // as `lift events inspect` prints it
  std::string file;     // relative to its folder ("sqs/go-sqs-event.json")
  std::string path;     // the file to read
  std::size_t records = 0;
};

// Rows of events/manifest.tsv whose kind lift now knows better.
struct ManifestOverride {
  std::string_view file, kind;
  std::size_t records;
};
inline constexpr ManifestOverride kManifestOverrides[] = {
    {"unknown/go-kafka-event.json", "kafka", 1},
    {"unknown/go-kinesis-firehose-event.json", "firehose", 2},
    {"unknown/pt-appSyncResolverEvent.json", "appsync-resolver", 1},
    {"unknown/pt-cloudWatchAlarmEventSingleMetric.json", "cloudwatch-alarm", 1},
    {"unknown/pt-cloudformationCustomResourceCreate.json", "cloudformation-custom-resource", 1},
};

inline std::string testdata_dir() { return LIFT_TESTDATA_DIR; }

// The samples of one folder ("events" or "events-new"); empty when the test data is absent.
// Rows of a kind lift does not know yet are left out (events-new holds sources before lift
// learns them).
inline std::vector<SampleEvent> sample_events_in(const std::string& folder) {
  std::vector<SampleEvent> out;
  const std::string dir = testdata_dir() + "/" + folder;
  std::ifstream manifest(dir + "/manifest.tsv");
  std::string line;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    SampleEvent sample;
    fields >> sample.kind >> sample.file >> sample.records;
    if (sample.kind == "kind" || sample.file.empty()) continue;
    for (const auto& row : kManifestOverrides) {
      if (sample.file == row.file && events::kind_from_string(row.kind)) {
        sample.kind = row.kind;
        sample.records = row.records;
      }
    }
    if (!events::kind_from_string(sample.kind)) continue;
    sample.path = dir + "/" + sample.file;
    out.push_back(std::move(sample));
  }
  return out;
}

// Every sample of both folders.
inline std::vector<SampleEvent> sample_events() {
  auto out = sample_events_in("events");
  for (auto& sample : sample_events_in("events-new")) out.push_back(std::move(sample));
  return out;
}

}  // namespace lift::testing_support
