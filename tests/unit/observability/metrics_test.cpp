// EMF metrics: document shape, limits (documents split, typed errors), conflicts, cold start,
// compile-time names. The documents are checked against a schema and AWS's Node library in
// tests/integration/observability.
#include "lift/observability/metrics.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "observability_test_support.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::observability;
using lift::observability_test::Captured;
using lift::observability_test::CleanEnv;
using lift::observability_test::invocation;
using lift::observability_test::parse_or_null;
using lift::testing_support::ScopedEnv;

// Names checked at compile time: an invalid literal passed to add() does not compile.
static_assert(emf::valid_metric_name("Latency"));
static_assert(emf::valid_metric_name("orders.placed/second #2"));
static_assert(!emf::valid_metric_name(""));
static_assert(!emf::valid_metric_name("   "));
static_assert(!emf::valid_metric_name("tab\there"));
static_assert(!emf::valid_metric_name("_aws"));
static_assert(!emf::valid_metric_name(std::string_view("caf\xC3\xA9")));
constexpr MetricName kLatency{"Latency"};
static_assert(kLatency.view() == "Latency");

class MetricsTest : public ::testing::Test {
 protected:
  MetricsOptions options() {
    MetricsOptions o;
    o.metrics_namespace = "Lift/Test";
    o.service = "orders";
    o.sink = out.sink();
    o.on_warning = warnings.sink();
    return o;
  }
  std::vector<json::object> documents() {
    std::vector<json::object> docs;
    for (const auto& text : out.items) {
      EXPECT_EQ(text.back(), '\n');
      auto value = parse_or_null(text);
      EXPECT_TRUE(value.is_object()) << text;
      docs.push_back(value.is_object() ? value.as_object() : json::object());
    }
    return docs;
  }
  static const json::object& directive(const json::object& doc) {
    return doc.at("_aws").at("CloudWatchMetrics").at(0).as_object();
  }

  CleanEnv env;
  Captured out;
  Captured warnings;
};

TEST_F(MetricsTest, DocumentHasTheEmfShape) {
  Metrics metrics(options());
  ASSERT_TRUE(metrics.add_dimension("region", "eu-west-1"));
  ASSERT_TRUE(metrics.add("Latency", 12.5, Unit::milliseconds));
  ASSERT_TRUE(metrics.add("Latency", 20, Unit::milliseconds));
  ASSERT_TRUE(metrics.add("Hits", 1, Unit::count, StorageResolution::high));
  const std::string dynamic_name = "Bytes" + std::to_string(1);
  ASSERT_TRUE(metrics.add(dynamic_name, 512, Unit::bytes));
  ASSERT_TRUE(metrics.add_metadata("request_id", "req-1"));
  ASSERT_TRUE(metrics.add_metadata("detail", json::value(json::object{{"a", 1}})));
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(metrics.flush());
  const auto docs = documents();
  ASSERT_EQ(docs.size(), 1u);
  const auto& doc = docs[0];
  const auto timestamp = doc.at("_aws").at("Timestamp").as_int64();
  EXPECT_GE(timestamp, before);
  EXPECT_LT(timestamp, before + 5000);
  const auto& d = directive(doc);
  EXPECT_EQ(d.at("Namespace"), "Lift/Test");
  EXPECT_EQ(d.at("Dimensions"), (json::array{json::array{"service", "region"}}));
  EXPECT_EQ(d.at("Metrics"), json::parse(R"([{"Name":"Latency","Unit":"Milliseconds"},
      {"Name":"Hits","Unit":"Count","StorageResolution":1},{"Name":"Bytes1","Unit":"Bytes"}])"));
  EXPECT_EQ(doc.at("service"), "orders");
  EXPECT_EQ(doc.at("region"), "eu-west-1");
  EXPECT_EQ(doc.at("Latency"), (json::array{12.5, 20}));
  EXPECT_EQ(doc.at("Hits"), 1);
  EXPECT_EQ(doc.at("request_id"), "req-1");  // metadata: top level, not in _aws
  EXPECT_EQ(doc.at("detail").at("a"), 1);
  EXPECT_FALSE(doc.at("_aws").as_object().contains("request_id"));
}

TEST_F(MetricsTest, FlushClearsPerFlushStateAndKeepsDefaults) {
  auto o = options();
  o.default_dimensions = {{"stage", "prod"}};
  Metrics metrics(o);
  ASSERT_TRUE(metrics.add_dimension("region", "eu-west-1"));
  ASSERT_TRUE(metrics.add_metadata("m", 1));
  ASSERT_TRUE(metrics.add("A", 1, Unit::count));
  ASSERT_TRUE(metrics.flush());
  EXPECT_EQ(metrics.size(), 0u);
  ASSERT_TRUE(metrics.add("A", 2, Unit::seconds));  // a new flush: another unit is fine
  ASSERT_TRUE(metrics.flush());
  const auto docs = documents();
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(directive(docs[0]).at("Dimensions"), (json::array{json::array{"service", "stage", "region"}}));
  EXPECT_EQ(directive(docs[1]).at("Dimensions"), (json::array{json::array{"service", "stage"}}));
  EXPECT_FALSE(docs[1].contains("region"));
  EXPECT_FALSE(docs[1].contains("m"));
  EXPECT_EQ(docs[1].at("A"), 2);
}

TEST_F(MetricsTest, NothingPendingWritesNothing) {
  Metrics metrics(options());
  ASSERT_TRUE(metrics.flush());
  EXPECT_TRUE(out.items.empty());
}

TEST_F(MetricsTest, MoreThan100MetricsSplitIntoDocuments) {
  Metrics metrics(options());
  for (int i = 0; i < 101; ++i) ASSERT_TRUE(metrics.add("m" + std::to_string(i), i, Unit::count));
  ASSERT_TRUE(metrics.flush());
  const auto docs = documents();
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(directive(docs[0]).at("Metrics").as_array().size(), 100u);
  EXPECT_EQ(directive(docs[1]).at("Metrics").as_array().size(), 1u);
  EXPECT_EQ(directive(docs[1]).at("Metrics").at(0).at("Name"), "m100");
  EXPECT_EQ(docs[1].at("m100"), 100);
  EXPECT_FALSE(docs[1].contains("m0"));
  EXPECT_EQ(docs[1].at("service"), "orders");  // dimensions repeat in every document
}

TEST_F(MetricsTest, MoreThan100ValuesSplitIntoDocuments) {
  Metrics metrics(options());
  for (int i = 0; i < 101; ++i) ASSERT_TRUE(metrics.add("Latency", i, Unit::milliseconds));
  ASSERT_TRUE(metrics.add("Other", 7, Unit::count));
  ASSERT_TRUE(metrics.flush());
  const auto docs = documents();
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].at("Latency").as_array().size(), 100u);
  EXPECT_EQ(docs[0].at("Latency").at(99), 99);
  EXPECT_EQ(docs[1].at("Latency"), 100);  // a single value is a number, not an array
  EXPECT_EQ(docs[0].at("Other"), 7);
  EXPECT_FALSE(docs[1].contains("Other"));
}

TEST_F(MetricsTest, ThirtyOneDimensionsAreATypedError) {
  Metrics metrics(options());  // "service" is the first of the set
  for (int i = 1; i < 30; ++i) ASSERT_TRUE(metrics.add_dimension("d" + std::to_string(i), "v"));
  auto over = metrics.add_dimension("d30", "v");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, "too_many_dimensions");
  auto set = metrics.add_dimension_set({{"a", "1"}, {"b", "2"}});
  EXPECT_TRUE(set);
  ASSERT_TRUE(metrics.add("A", 1, Unit::count));
  ASSERT_TRUE(metrics.flush());
  const auto docs = documents();
  ASSERT_EQ(docs.size(), 1u);
  const auto& sets = directive(docs[0]).at("Dimensions").as_array();
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].as_array().size(), 30u);
  EXPECT_EQ(sets[1], (json::array{"service", "a", "b"}));

  Metrics defaults(options());
  for (int i = 1; i < 30; ++i) ASSERT_TRUE(defaults.add_default_dimension("d" + std::to_string(i), "v"));
  EXPECT_EQ(defaults.add_default_dimension("d30", "v").error().code, "too_many_dimensions");
  EXPECT_EQ(defaults.add_dimension("x", "v").error().code, "too_many_dimensions");
}

TEST_F(MetricsTest, OneNameWithTwoUnitsInAFlushIsATypedError) {
  Metrics metrics(options());
  ASSERT_TRUE(metrics.add("Latency", 1, Unit::milliseconds));
  auto conflict = metrics.add("Latency", 1, Unit::seconds);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, "metric_unit_conflict");
  auto resolution = metrics.add("Latency", 1, Unit::milliseconds, StorageResolution::high);
  EXPECT_EQ(resolution.error().code, "metric_resolution_conflict");
}

TEST_F(MetricsTest, RuntimeValidationOfNamesValuesAndDimensions) {
  Metrics metrics(options());
  EXPECT_EQ(metrics.add(std::string(""), 1).error().code, "invalid_metric_name");
  EXPECT_EQ(metrics.add(std::string(256, 'x'), 1).error().code, "invalid_metric_name");
  EXPECT_EQ(metrics.add(std::string("bad\nname"), 1).error().code, "invalid_metric_name");
  const char* pointer = "_aws";
  EXPECT_EQ(metrics.add(pointer, 1).error().code, "invalid_metric_name");
  EXPECT_TRUE(metrics.add(std::string(255, 'x'), 1));
  EXPECT_EQ(metrics.add("V", std::numeric_limits<double>::quiet_NaN()).error().code, "invalid_metric_value");
  EXPECT_EQ(metrics.add("V", std::numeric_limits<double>::infinity()).error().code, "invalid_metric_value");
  EXPECT_EQ(metrics.add("V", 1e300).error().code, "invalid_metric_value");
  EXPECT_EQ(metrics.add_dimension(":reserved", "v").error().code, "invalid_dimension");
  EXPECT_EQ(metrics.add_dimension("k", "").error().code, "invalid_dimension");
  EXPECT_EQ(metrics.add_dimension("k", std::string(1025, 'v')).error().code, "invalid_dimension");
  EXPECT_EQ(metrics.add_dimension("service", "other").error().code, "dimension_value_conflict");
  ASSERT_TRUE(metrics.add("Requests", 1, Unit::count));
  EXPECT_EQ(metrics.add_dimension("Requests", "x").error().code, "metric_name_conflict");
  EXPECT_EQ(metrics.add("service", 1).error().code, "metric_name_conflict");
  EXPECT_EQ(metrics.add_metadata("Requests", 1).error().code, "metric_name_conflict");
  EXPECT_EQ(metrics.add_metadata("_aws", 1).error().code, "invalid_metadata_key");
  EXPECT_EQ(metrics.set_namespace("bad$namespace").error().code, "invalid_namespace");
  EXPECT_EQ(metrics.metrics_namespace(), "Lift/Test");
}

TEST_F(MetricsTest, NamespaceAndServiceFromTheEnvironment) {
  ScopedEnv ns("POWERTOOLS_METRICS_NAMESPACE", "Env/NS");
  ScopedEnv service("POWERTOOLS_SERVICE_NAME", "env-service");
  MetricsOptions o;
  o.sink = out.sink();
  Metrics metrics(o);
  ASSERT_TRUE(metrics.add("A", 1, Unit::count));
  ASSERT_TRUE(metrics.flush());
  const auto docs = documents();
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(directive(docs[0]).at("Namespace"), "Env/NS");
  EXPECT_EQ(docs[0].at("service"), "env-service");
}

TEST_F(MetricsTest, NoNamespaceIsATypedErrorAtFlush) {
  MetricsOptions o;
  o.sink = out.sink();
  o.on_warning = warnings.sink();
  Metrics metrics(o);
  ASSERT_TRUE(metrics.add("A", 1, Unit::count));
  auto flushed = metrics.flush();
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().code, "metrics_namespace_missing");
  EXPECT_TRUE(out.items.empty());
  EXPECT_EQ(metrics.size(), 0u);  // dropped, not retried forever
}

TEST_F(MetricsTest, ColdStartMetricInItsOwnDocumentOnce) {
  auto o = options();
  o.capture_cold_start = true;
  o.function_name = "orders-fn";
  Metrics metrics(o);
  metrics.begin_invocation(invocation());
  ASSERT_TRUE(metrics.add("A", 1, Unit::count));
  ASSERT_TRUE(metrics.end_invocation());
  metrics.begin_invocation(invocation());
  ASSERT_TRUE(metrics.add("A", 1, Unit::count));
  ASSERT_TRUE(metrics.end_invocation());
  const auto docs = documents();
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(directive(docs[0]).at("Metrics"), json::parse(R"([{"Name":"ColdStart","Unit":"Count"}])"));
  EXPECT_EQ(directive(docs[0]).at("Dimensions"), (json::array{json::array{"function_name", "service"}}));
  EXPECT_EQ(docs[0].at("ColdStart"), 1);
  EXPECT_EQ(docs[0].at("function_name"), "orders-fn");
  EXPECT_FALSE(docs[1].contains("ColdStart"));
  EXPECT_FALSE(docs[2].contains("ColdStart"));
}

TEST_F(MetricsTest, WarnsWhenAnInvocationEmitsNothing) {
  Metrics metrics(options());
  metrics.begin_invocation(invocation());
  ASSERT_TRUE(metrics.end_invocation());
  EXPECT_TRUE(out.items.empty());
  ASSERT_EQ(warnings.items.size(), 1u);
  EXPECT_NE(warnings.items[0].find("No application metrics"), std::string::npos);

  auto quiet = options();
  quiet.warn_on_empty = false;
  Captured none;
  quiet.on_warning = none.sink();
  Metrics silent(quiet);
  silent.begin_invocation(invocation());
  ASSERT_TRUE(silent.end_invocation());
  EXPECT_TRUE(none.items.empty());
}

TEST_F(MetricsTest, PendingMetricsAreFlushedOnDestruction) {
  {
    Metrics metrics(options());
    ASSERT_TRUE(metrics.add("Shutdown", 1, Unit::count));
    Metrics moved = std::move(metrics);  // the moved-from object must not write it twice
  }
  ASSERT_EQ(out.items.size(), 1u);
}

TEST_F(MetricsTest, TimestampCanBeSet) {
  Metrics metrics(options());
  metrics.set_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123)));
  ASSERT_TRUE(metrics.add("A", 1, Unit::count));
  auto docs = metrics.serialize();
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(parse_or_null((*docs)[0]).at("_aws").at("Timestamp"), 1700000000123);
  EXPECT_TRUE(out.items.empty());  // serialize() writes nothing
  EXPECT_EQ(metrics.size(), 1u);
}

TEST(MetricUnitTest, EveryUnitHasItsCloudWatchName) {
  const std::vector<std::string_view> names = {
      "Seconds",          "Microseconds",      "Milliseconds",     "Bytes",           "Kilobytes",
      "Megabytes",        "Gigabytes",         "Terabytes",        "Bits",            "Kilobits",
      "Megabits",         "Gigabits",          "Terabits",         "Percent",         "Count",
      "Bytes/Second",     "Kilobytes/Second",  "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
      "Bits/Second",      "Kilobits/Second",   "Megabits/Second",  "Gigabits/Second", "Terabits/Second",
      "Count/Second",     "None"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto unit = static_cast<Unit>(i);
    EXPECT_EQ(to_string(unit), names[i]);
    EXPECT_EQ(parse_unit(names[i]), unit);
  }
  EXPECT_EQ(parse_unit("Millis"), std::nullopt);
}

}  // namespace
