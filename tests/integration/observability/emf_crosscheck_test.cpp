// lift's EMF documents against a JSON schema written from the CloudWatch EMF specification
// (validated with ajv) and against what AWS's Node library `aws-embedded-metrics` writes for
// the same metrics. Skips when Node or the npm packages are missing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "lift/observability/metrics.hpp"
#include "support/subprocess.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace lift::observability;
using namespace std::chrono_literals;

const fs::path kSource = LIFT_TEST_SOURCE_DIR;
const fs::path kHere = kSource / "tests/integration/observability";

std::string why_unavailable() {
  const std::string node = LIFT_TEST_NODE;
  if (node.empty() || !fs::exists(node)) return "node is missing";
  for (const char* package : {"ajv", "aws-embedded-metrics"})
    if (!fs::exists(kSource / "node_modules" / package / "package.json"))
      return std::string("node_modules/") + package + " is missing (run scripts/setup)";
  return {};
}

using lift::testing_support::read_file;

// One metric as both sides record it.
struct Spec {
  std::string name;
  double value;
  Unit unit;
  StorageResolution resolution = StorageResolution::standard;
};

struct Case {
  std::string ns = "Lift/Test";
  std::vector<std::vector<std::pair<std::string, std::string>>> dimension_sets;  // first: the main set
  std::vector<Spec> metrics;
  std::vector<std::pair<std::string, std::string>> properties;
};

// lift's documents for a case: "service" from the options, the rest of the first set with
// add_dimension, further sets with add_dimension_set.
std::vector<std::string> lift_documents(const Case& c) {
  std::vector<std::string> docs;
  MetricsOptions options;
  options.metrics_namespace = c.ns;
  options.warn_on_empty = false;
  options.sink = [&docs](std::string_view d) { docs.emplace_back(d); };
  const auto& main = c.dimension_sets.at(0);
  EXPECT_EQ(main.at(0).first, "service");
  options.service = main.at(0).second;
  Metrics metrics(options);
  for (std::size_t i = 1; i < main.size(); ++i) EXPECT_TRUE(metrics.add_dimension(main[i].first, main[i].second));
  for (std::size_t s = 1; s < c.dimension_sets.size(); ++s) {
    const auto& set = c.dimension_sets[s];
    EXPECT_EQ(set.size(), 3u);  // add_dimension_set takes an initializer list
    EXPECT_TRUE(metrics.add_dimension_set({{set[0].first, set[0].second},
                                           {set[1].first, set[1].second},
                                           {set[2].first, set[2].second}}));
  }
  for (const auto& m : c.metrics) {
    auto added = metrics.add(m.name, m.value, m.unit, m.resolution);
    EXPECT_TRUE(added) << added.error().message;
  }
  for (const auto& [k, v] : c.properties) EXPECT_TRUE(metrics.add_metadata(k, json::value(v)));
  EXPECT_TRUE(metrics.flush());
  return docs;
}

json::object reference_spec(const Case& c) {
  json::array sets;
  for (const auto& set : c.dimension_sets) {
    json::object o;
    for (const auto& [k, v] : set) o[k] = v;
    sets.push_back(std::move(o));
  }
  json::array metrics;
  for (const auto& m : c.metrics)
    metrics.push_back(json::object{{"name", m.name}, {"value", m.value}, {"unit", to_string(m.unit)},
                                   {"resolution", static_cast<int>(m.resolution)}});
  json::object properties;
  for (const auto& [k, v] : c.properties) properties[k] = v;
  return {{"namespace", c.ns}, {"dimension_sets", sets}, {"metrics", metrics}, {"properties", properties}};
}

// Runs emf_crosscheck.js; the parsed answer, or an object with "failed" when it did not run.
json::object crosscheck(const std::vector<std::string>& documents, const json::object* reference) {
  json::array docs;
  for (const auto& d : documents) docs.emplace_back(d);
  const fs::path aws_schema = fs::path(LIFT_TESTDATA_DIR) / "emf/schema.json";
  json::object input{{"schema", (kHere / "emf.schema.json").string()},
                     {"aws_schema", fs::exists(aws_schema) ? aws_schema.string() : ""},
                     {"documents", docs}};
  if (reference != nullptr) input["reference"] = *reference;
  const auto result = lift::testing_support::run_command(
      {LIFT_TEST_NODE, (kHere / "emf_crosscheck.js").string()}, json::serialize(input), 60s);
  if (result.exit_code != 0) return {{"failed", result.err}};
  boost::system::error_code ec;
  auto parsed = json::parse(result.out, ec);
  if (ec || !parsed.is_object()) return {{"failed", "not JSON: " + result.out}};
  return parsed.as_object();
}

void expect_valid(const json::object& answer, std::string_view field = "checks") {
  ASSERT_FALSE(answer.contains("failed")) << answer.at("failed");
  for (const auto& check : answer.at(field).as_array()) {
    EXPECT_EQ(check.at("valid"), true) << json::serialize(check);
    // AWS's published example schema, when the test data is present.
    if (!check.at("aws_valid").is_null()) {
      EXPECT_EQ(check.at("aws_valid"), true) << json::serialize(check);
    }
  }
}

// What must agree between two sets of documents, whatever the batching and member order.
struct Normalised {
  std::vector<std::string> namespaces;
  std::vector<json::value> dimension_sets;
  std::map<std::string, std::pair<std::string, std::int64_t>> definitions;  // unit, resolution
  std::map<std::string, std::vector<double>> values;
  std::vector<std::size_t> metrics_per_document;
  std::vector<json::object> other_members;  // dimensions and properties of each document

  friend bool operator==(const Normalised&, const Normalised&) = default;
};

std::string describe(const Normalised& n) {
  std::string out = "namespaces:";
  for (const auto& s : n.namespaces) out += " " + s;
  out += "\nmetrics per document:";
  for (auto c : n.metrics_per_document) out += " " + std::to_string(c);
  out += "\ndefinitions:";
  for (const auto& [name, d] : n.definitions) out += " " + name + "(" + d.first + "," + std::to_string(d.second) + ")";
  out += "\nvalues:";
  for (const auto& [name, v] : n.values) out += " " + name + "x" + std::to_string(v.size());
  out += "\nother members:";
  for (const auto& o : n.other_members) out += " " + json::serialize(o);
  out += "\ndimension sets:";
  for (const auto& d : n.dimension_sets) out += " " + json::serialize(d);
  return out;
}

Normalised normalise(const std::vector<std::string>& documents) {
  Normalised n;
  for (const auto& text : documents) {
    const auto doc = json::parse(text).as_object();
    const auto& directives = doc.at("_aws").at("CloudWatchMetrics").as_array();
    EXPECT_EQ(directives.size(), 1u);
    const auto& d = directives.at(0).as_object();
    n.namespaces.emplace_back(d.at("Namespace").as_string());
    n.dimension_sets.push_back(d.at("Dimensions"));
    n.metrics_per_document.push_back(d.at("Metrics").as_array().size());
    json::object others = doc;
    others.erase("_aws");
    for (const auto& m : d.at("Metrics").as_array()) {
      const std::string name(m.at("Name").as_string());
      const std::string unit = m.as_object().contains("Unit") ? std::string(m.at("Unit").as_string()) : "None";
      const std::int64_t resolution =
          m.as_object().contains("StorageResolution") ? m.at("StorageResolution").to_number<std::int64_t>() : 60;
      n.definitions[name] = {unit, resolution};
      const auto& value = doc.at(name);
      auto& into = n.values[name];
      if (value.is_array()) {
        for (const auto& v : value.as_array()) into.push_back(v.to_number<double>());
      } else {
        into.push_back(value.to_number<double>());
      }
      others.erase(name);
    }
    n.other_members.push_back(std::move(others));
  }
  std::sort(n.metrics_per_document.begin(), n.metrics_per_document.end());
  return n;
}

class EmfCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = why_unavailable(); !why.empty()) LIFT_SKIP_WITHOUT() << why;
  }

  // lift and aws-embedded-metrics on the same case: both valid, same normalised content.
  void compare(const Case& c, std::size_t expected_documents) {
    const auto ours = lift_documents(c);
    ASSERT_EQ(ours.size(), expected_documents);
    const auto spec = reference_spec(c);
    const auto answer = crosscheck(ours, &spec);
    expect_valid(answer);
    expect_valid(answer, "reference_checks");
    std::vector<std::string> theirs;
    for (const auto& r : answer.at("reference").as_array()) theirs.emplace_back(r.as_string());
    ASSERT_EQ(theirs.size(), expected_documents);
    const auto a = normalise(ours);
    const auto b = normalise(theirs);
    EXPECT_TRUE(a == b) << "lift:\n" << describe(a) << "\naws-embedded-metrics:\n" << describe(b);
  }
};

TEST_F(EmfCrosscheck, AwsExamplesPassTheSchema) {
  // The schema must accept what AWS itself documents and emits.
  std::vector<std::string> documents;
  for (const char* file : {"emf/example-docs-valid.json", "emf/aws-embedded-metrics-4.2.1-lambda.json"}) {
    const fs::path path = fs::path(LIFT_TESTDATA_DIR) / file;
    if (fs::exists(path)) documents.push_back(read_file(path));
  }
  if (documents.empty()) LIFT_SKIP_WITHOUT() << "AWS EMF test data missing";
  expect_valid(crosscheck(documents, nullptr));
}

TEST_F(EmfCrosscheck, SchemaRejectsBrokenDocuments) {
  const std::vector<std::string> broken = {
      R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[["d"]],"Metrics":[{"Name":"x","Unit":"Millis"}]}]},"d":"v","x":1})",
      R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[["d"]],"Metrics":[{"Name":"x","StorageResolution":5}]}]},"d":"v","x":1})",
      R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[["d"]],"Metrics":[{"Name":"x"}]}]},"x":1})",
      R"({"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[[]],"Metrics":[{"Name":"x"}]}]},"x":"1"})",
      R"({"_aws":{"Timestamp":"1","CloudWatchMetrics":[]}})"};
  const auto answer = crosscheck(broken, nullptr);
  ASSERT_FALSE(answer.contains("failed")) << answer.at("failed");
  for (const auto& check : answer.at("checks").as_array()) EXPECT_EQ(check.at("valid"), false) << json::serialize(check);
}

TEST_F(EmfCrosscheck, SameDocumentAsAwsEmbeddedMetrics) {
  Case c;
  c.dimension_sets = {{{"service", "orders"}, {"region", "eu-west-1"}}};
  c.metrics = {{"Latency", 12.5, Unit::milliseconds},
               {"Latency", 20, Unit::milliseconds},
               {"Hits", 1, Unit::count, StorageResolution::high},
               {"Payload", 512, Unit::bytes},
               {"Throughput", 3.25, Unit::megabytes_per_second}};
  c.properties = {{"request_id", "req-1"}};
  compare(c, 1);
}

TEST_F(EmfCrosscheck, EveryUnit) {
  Case c;
  c.dimension_sets = {{{"service", "orders"}}};
  for (int u = 0; u <= static_cast<int>(Unit::none); ++u) {
    const auto unit = static_cast<Unit>(u);
    c.metrics.push_back({"m_" + std::to_string(u), static_cast<double>(u), unit});
  }
  compare(c, 1);
}

TEST_F(EmfCrosscheck, DimensionSets) {
  Case c;
  c.dimension_sets = {{{"service", "orders"}, {"region", "eu-west-1"}},
                      {{"service", "orders"}, {"tenant", "t1"}, {"plan", "pro"}}};
  c.metrics = {{"Orders", 1, Unit::count}};
  compare(c, 1);
}

TEST_F(EmfCrosscheck, HundredAndOneMetricsMakeTwoDocuments) {
  Case c;
  c.dimension_sets = {{{"service", "orders"}}};
  for (int i = 0; i < 101; ++i) c.metrics.push_back({"metric_" + std::to_string(i), static_cast<double>(i), Unit::count});
  compare(c, 2);
}

TEST_F(EmfCrosscheck, HundredAndOneValuesAreSplit) {
  Case c;
  c.dimension_sets = {{{"service", "orders"}}};
  for (int i = 0; i < 101; ++i) c.metrics.push_back({"Latency", static_cast<double>(i), Unit::milliseconds});
  c.metrics.push_back({"Other", 1, Unit::count});
  compare(c, 2);
}

TEST_F(EmfCrosscheck, ThirtyOneDimensionsAreRefused) {
  MetricsOptions options;
  options.metrics_namespace = "Lift/Test";
  options.service = "orders";
  options.sink = [](std::string_view) {};
  Metrics metrics(options);
  lift::Result<void> last = lift::ok();
  for (int i = 1; i <= 30 && last; ++i) last = metrics.add_dimension("d" + std::to_string(i), "v");
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, "too_many_dimensions");
}

TEST_F(EmfCrosscheck, ColdStartDocumentIsValid) {
  std::vector<std::string> docs;
  MetricsOptions options;
  options.metrics_namespace = "Lift/Test";
  options.service = "orders";
  options.function_name = "orders-fn";
  options.capture_cold_start = true;
  options.warn_on_empty = false;
  options.sink = [&docs](std::string_view d) { docs.emplace_back(d); };
  Metrics metrics(options);
  metrics.begin_invocation({});
  ASSERT_EQ(docs.size(), 1u);
  Case c;
  c.dimension_sets = {{{"function_name", "orders-fn"}, {"service", "orders"}}};
  c.metrics = {{"ColdStart", 1, Unit::count}};
  const auto spec = reference_spec(c);
  const auto answer = crosscheck(docs, &spec);
  expect_valid(answer);
  std::vector<std::string> theirs;
  for (const auto& r : answer.at("reference").as_array()) theirs.emplace_back(r.as_string());
  const auto a = normalise(docs);
  const auto b = normalise(theirs);
  EXPECT_TRUE(a == b) << "lift:\n" << describe(a) << "\naws-embedded-metrics:\n" << describe(b);
}

}  // namespace
