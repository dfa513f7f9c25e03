// Kafka events (Amazon MSK and self-managed): the model over AWS's samples, record order,
// decoders, detection, the descriptor's routing and batch hooks, sample events and bad input.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "event_samples.hpp"
#include "lift/core/base64.hpp"
#include "lift/events/detect.hpp"
#include "lift/events/kafka.hpp"
#include "support/requirements.hpp"

namespace {

namespace ev = lift::events;
using boost::json::parse;

// AWS's samples of Kafka events (events-new/kafka and the one still under events/unknown).
const std::vector<std::string> kSampleFiles = {"events-new/kafka/go-kafka-event.json", "events-new/kafka/pt-kafkaEventSelfManaged.json",
                                               "events-new/kafka/rs-example-kafka-event.json", "events/unknown/go-kafka-event.json"};

using lift_test::expect_invalid;
using lift_test::read_testdata;

std::string record_json(std::string_view topic, int partition, long long offset, std::string_view extra = "") {
  return R"({"topic":")" + std::string(topic) + R"(","partition":)" + std::to_string(partition) + R"(,"offset":)" +
         std::to_string(offset) + R"(,"timestamp":1,"timestampType":"CREATE_TIME","value":"dg==","headers":[])" + std::string(extra) + "}";
}

// A self-managed event whose records object lists "b-1" (two records) before "a-0" (one).
boost::json::value unordered_event() {
  return parse(R"({"eventSource":"SelfManagedKafka","bootstrapServers":"k:9092","records":{"b-1":[)" + record_json("b", 1, 7) + "," +
               record_json("b", 1, 8) + R"(],"a-0":[)" + record_json("a", 0, 3) + "]}}");
}

void collect_names(const boost::json::value& v, std::set<std::string>& names, bool skip_keys = false) {
  if (const auto* object = v.if_object()) {
    for (const auto& member : *object) {
      // The keys of `records` (topic-partitions) and of each header (header names) are data.
      const bool data_keys = member.key() == "records" || member.key() == "headers";
      if (!skip_keys) names.emplace(member.key());
      collect_names(member.value(), names, data_keys);
    }
  } else if (const auto* array = v.if_array()) {
    for (const auto& item : *array) collect_names(item, names, skip_keys);
  }
}

// ---- the samples ----

TEST(Kafka, EverySampleParsesDetectsAndWritesBackWhatItRead) {
  for (const auto& file : kSampleFiles) {
    const auto event = read_testdata(file);
    if (event.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available";
    EXPECT_EQ(ev::detect(event), ev::kind_of<ev::Kafka>) << file;
    auto parsed = ev::parse_kafka(event);
    ASSERT_TRUE(parsed) << file << ": " << parsed.error().message;
    EXPECT_EQ(parsed->records.size(), 1u) << file;
    EXPECT_EQ(ev::Kafka::raw_records(event).size(), 1u) << file;
    const auto json = lift::json::to_json(*parsed);
    EXPECT_FALSE(lift_test::not_subset(json, event)) << file << ": " << lift_test::not_subset(json, event).value_or("");
    EXPECT_EQ(lift_test::leaves(json), lift_test::leaves(event)) << file;
    EXPECT_EQ(parse(lift::json::serialize(*parsed)), json) << file;
    const auto summary = ev::inspect(event);
    EXPECT_EQ(summary.at("source"), "kafka") << file;
    EXPECT_FALSE(summary.contains("error")) << file;
  }
}

TEST(Kafka, MskSampleKnownValues) {
  LIFT_REQUIRE_TESTDATA(event, "events-new/kafka/go-kafka-event.json");
  auto parsed = ev::parse_kafka(event);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->eventSource, "aws:kafka");
  EXPECT_TRUE(parsed->is_msk());
  const std::string arn = "arn:aws:kafka:us-west-2:012345678901:cluster/ExampleMSKCluster/e9f754c6-d29a-4430-a7db-958a19fd2c54-4";
  EXPECT_EQ(parsed->eventSourceArn, arn);
  EXPECT_NE(parsed->bootstrapServers->find("b-2.demo-cluster-1"), std::string::npos);
  const auto& r = parsed->records[0];
  EXPECT_EQ(r.topic, "AWSKafkaTopic");
  EXPECT_EQ(r.partition, 0);
  EXPECT_EQ(r.offset, 0);
  EXPECT_EQ(r.timestamp, 1595035749700);
  EXPECT_EQ(r.timestampType, "CREATE_TIME");
  EXPECT_EQ(r.key_bytes().value(), "8d5596b4-1813-4238-b24b-6dad8e3d1c0c");
  EXPECT_EQ(r.value_bytes().value(), "8d5596b4-1813-4238-b24b-6dad8e3d1c0c");
  // Signed bytes: -36 is 0xDC, -128 is 0x80.
  EXPECT_EQ(r.header("headerKey"), std::string("\x76\xDC\x00\x7F\x80", 5));
  EXPECT_EQ(r.header("other"), std::nullopt);
  EXPECT_EQ(r.cluster_arn, arn);
  EXPECT_EQ(r.topic_partition(), "AWSKafkaTopic-0");
  EXPECT_EQ(r.item_id(), "AWSKafkaTopic-0@0");
  ASSERT_EQ(parsed->records.partitions().size(), 1u);
  EXPECT_EQ(parsed->records.partitions()[0].topic_partition, "AWSKafkaTopic-0");
}

TEST(Kafka, SelfManagedSampleKnownValues) {
  LIFT_REQUIRE_TESTDATA(event, "events-new/kafka/pt-kafkaEventSelfManaged.json");
  auto parsed = ev::parse_kafka(event);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->eventSource, "aws:SelfManagedKafka");
  EXPECT_FALSE(parsed->is_msk());
  EXPECT_FALSE(parsed->eventSourceArn);
  const auto& r = parsed->records[0];
  EXPECT_EQ(r.topic, "mytopic");
  EXPECT_EQ(r.offset, 15);
  EXPECT_EQ(r.key_bytes().value(), "recordKey");
  EXPECT_EQ(r.value_bytes().value(), R"({"key":"value"})");
  EXPECT_EQ(r.header("headerKey"), "headerValue");
  EXPECT_EQ(r.cluster_arn, "");
  EXPECT_EQ(ev::Kafka::describe(r), "the Kafka topic mytopic");
}

// ---- the records, in the order the event lists them ----

TEST(Kafka, RecordsKeepTheEventsOrderAcrossPartitions) {
  const auto event = unordered_event();
  auto parsed = ev::parse_kafka(event);
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto all = ev::Kafka::records(*parsed);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].item_id(), "b-1@7");
  EXPECT_EQ(all[1].item_id(), "b-1@8");
  EXPECT_EQ(all[2].item_id(), "a-0@3");
  const auto raw = ev::Kafka::raw_records(event);
  ASSERT_EQ(raw.size(), 3u);
  for (std::size_t i = 0; i < raw.size(); ++i) EXPECT_EQ(raw[i]->at("offset").to_number<long long>(), all[i].offset);
  const auto partitions = parsed->records.partitions();
  ASSERT_EQ(partitions.size(), 2u);
  EXPECT_EQ(partitions[0].topic_partition, "b-1");
  EXPECT_EQ(partitions[0].records.size(), 2u);
  EXPECT_EQ(partitions[1].topic_partition, "a-0");
  EXPECT_EQ(parsed->records.of("a-0").size(), 1u);
  EXPECT_TRUE(parsed->records.of("c-9").empty());
  EXPECT_EQ(parsed->records.topic_partition_of(0), "b-1");
  EXPECT_EQ(parsed->records.topic_partition_of(1), "b-1");
  EXPECT_EQ(parsed->records.topic_partition_of(2), "a-0");
  EXPECT_EQ(parsed->records.topic_partition_of(3), "");
  // Written back in the same order.
  EXPECT_EQ(lift::json::serialize(parsed->records), boost::json::serialize(event.at("records")));
}

TEST(Kafka, AddingKeepsEachPartitionContiguous) {
  ev::KafkaRecords records;
  const auto record = [](long long offset) {
    ev::KafkaRecord r;
    r.topic = "t";
    r.offset = offset;
    return r;
  };
  records.add("t-0", record(1));
  records.add("t-1", record(10));
  records.add("t-0", record(2));
  records.add("t-2", record(20));
  records.add("t-1", record(11));
  std::vector<long long> offsets;
  for (const auto& r : records) offsets.push_back(r.offset);
  EXPECT_EQ(offsets, (std::vector<long long>{1, 2, 10, 11, 20}));
  EXPECT_EQ(records.topic_partition_of(2), "t-1");
  EXPECT_EQ(records.topic_partition_of(4), "t-2");
  EXPECT_EQ(records.of("t-1")[1].offset, 11);
}

TEST(Kafka, ManyPartitionsParseInOrder) {
  std::string text = R"({"eventSource":"aws:kafka","records":{)";
  constexpr int kPartitions = 5000;
  for (int p = kPartitions; p-- > 0;) {
    text += "\"t-" + std::to_string(p) + "\":[" + record_json("t", p, p) + "]";
    if (p > 0) text += ",";
  }
  text += "}}";
  auto parsed = ev::parse_kafka(parse(text));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->records.size(), static_cast<std::size_t>(kPartitions));
  EXPECT_EQ(parsed->records[0].partition, kPartitions - 1);
  EXPECT_EQ(parsed->records[kPartitions - 1].partition, 0);
}

// ---- decoders ----

TEST(Kafka, DecodersGiveTypedErrorsAndEmptyBytesForMissingKeysAndTombstones) {
  auto parsed = ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[
      {"topic":"t","partition":0,"offset":1,"key":"not base64!","value":"%%%"},
      {"topic":"t","partition":0,"offset":2,"key":null,"value":null},
      {"topic":"t","partition":0,"offset":3}]}})"));
  ASSERT_TRUE(parsed) << parsed.error().message;  // decoded on demand: one bad record fails alone
  expect_invalid(parsed->records[0].key_bytes(), "key: invalid base64");
  expect_invalid(parsed->records[0].value_bytes(), "value: invalid base64");
  for (std::size_t i : {1u, 2u}) {
    EXPECT_EQ(parsed->records[i].key_bytes().value(), "");
    EXPECT_EQ(parsed->records[i].value_bytes().value(), "");
    EXPECT_FALSE(parsed->records[i].key);
    EXPECT_TRUE(parsed->records[i].headers.empty());
  }
}

TEST(Kafka, HeadersRepeatAndTakeSignedOrUnsignedBytes) {
  auto parsed = ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[
      {"topic":"t","partition":0,"offset":1,"headers":[{"a":[255,-1,0]},{"b":[]},{"a":[1]}]}]}})"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto& r = parsed->records[0];
  EXPECT_EQ(r.header("a"), std::string("\xFF\xFF\x00", 3));  // the first one
  EXPECT_EQ(r.header("b"), "");
  EXPECT_EQ(r.header(""), std::nullopt);
}

// ---- bad input ----

TEST(Kafka, MalformedEventsAreInvalidEventsNamingThePath) {
  expect_invalid(ev::parse_kafka(parse(R"([1])")), "expected object");
  expect_invalid(ev::parse_kafka(parse(R"({"records":{}})")), "eventSource: is required");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka"})")), "records: is required");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":[]})")), "records: expected object");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":{}}})")), R"(records["t-0"]: expected array)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[7]}})")), R"(records["t-0"][0]: expected object)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":0}]}})")),
                 R"(records["t-0"][0].offset: is required)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":"0","offset":1}]}})")),
                 R"(records["t-0"][0].partition: expected integer)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":4294967296,"offset":1}]}})")),
                 R"(records["t-0"][0].partition)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":0,"offset":1.5}]}})")),
                 R"(records["t-0"][0].offset: expected integer)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":0,"offset":1,"value":7}]}})")),
                 R"(records["t-0"][0].value: expected string)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":0,"offset":1,"headers":[{"a":[256]}]}]}})")),
                 R"(records["t-0"][0].headers: header bytes must be numbers from -128 to 255)");
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t","partition":0,"offset":1,"headers":{"a":[1]}}]}})")),
                 R"(records["t-0"][0].headers: expected array)");
  // A key that needs escaping is quoted as JSON.
  expect_invalid(ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"a\"b":[{}]}})")), R"(records["a\"b"][0].topic: is required)");
}

TEST(Kafka, OddButValidValuesParse) {
  auto parsed = ev::parse_kafka(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[
      {"topic":"","partition":-1,"offset":9223372036854775807,"timestamp":-5,"timestampType":"NO_TIMESTAMP_TYPE","value":""}],
      "empty-0":[]}})"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->records.size(), 1u);
  EXPECT_EQ(parsed->records[0].offset, 9223372036854775807LL);
  EXPECT_EQ(parsed->records[0].item_id(), "--1@9223372036854775807");
  // An event without records is an event of no records.
  auto empty = ev::parse_kafka(parse(R"({"eventSource":"SelfManagedKafka","records":{}})"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->records.empty());
}

// ---- detection ----

TEST(Kafka, DetectionNeedsAKafkaSourceAndARecordsObject) {
  for (const auto* json : {R"({"eventSource":"aws:kafka","records":{}})", R"({"eventSource":"SelfManagedKafka","records":{}})",
                           R"({"eventSource":"aws:SelfManagedKafka","records":{"t-0":[]}})"}) {
    EXPECT_EQ(ev::detect(parse(json)), ev::kind_of<ev::Kafka>) << json;
  }
  for (const auto* json : {R"({"Records":[{"eventSource":"aws:kafka"}]})", R"({"eventSource":"aws:kafka"})",
                           R"({"eventSource":"aws:kafka","records":[]})", R"({"eventSource":"aws:kafka","records":null})",
                           R"({"eventSource":"aws:sqs","records":{}})", R"({"eventSource":"aws:Kafka","records":{}})",
                           R"({"eventSource":7,"records":{}})", R"({"records":{"t-0":[]}})", R"(["aws:kafka"])"}) {
    EXPECT_FALSE(ev::Kafka::detect(parse(json))) << json;
    EXPECT_TRUE(ev::detect(parse(json)).is_unknown()) << json;
  }
}

// ---- the descriptor ----

TEST(Kafka, RoutesMatchTheTopicOrTheClusterArn) {
  ev::KafkaRecord r;
  r.topic = "orders.created";
  r.partition = 3;
  r.offset = 42;
  EXPECT_TRUE(ev::Kafka::matches("orders.*", r));
  EXPECT_TRUE(ev::Kafka::matches("*", r));
  EXPECT_FALSE(ev::Kafka::matches("payments", r));
  // Self-managed: no cluster ARN, so an ARN pattern never matches.
  EXPECT_FALSE(ev::Kafka::matches("arn:*", r));
  r.cluster_arn = "arn:aws:kafka:us-east-1:123456789012:cluster/prod/abc-1";
  EXPECT_TRUE(ev::Kafka::matches("arn:aws:kafka:*:cluster/prod/*", r));
  EXPECT_FALSE(ev::Kafka::matches("arn:aws:kafka:*:cluster/dev/*", r));
  EXPECT_FALSE(ev::Kafka::matches("arn:*:orders.created", r));
  EXPECT_EQ(ev::Kafka::describe(r), "the Kafka topic orders.created of arn:aws:kafka:us-east-1:123456789012:cluster/prod/abc-1");
  EXPECT_EQ(ev::Kafka::item_id(r), "orders.created-3@42");
  EXPECT_EQ(ev::Kafka::failure_identifier(r), parse(R"({"partition":"orders.created-3","offset":42})"));
}

TEST(Kafka, SubsetsKeepTheirPartitionsAndTheEnvelope) {
  const auto event = unordered_event();
  auto parsed = ev::parse_kafka(event);
  ASSERT_TRUE(parsed);
  const std::size_t picked[] = {1, 2};
  const auto subset = ev::Kafka::subset(*parsed, picked);
  EXPECT_EQ(subset.eventSource, "SelfManagedKafka");
  EXPECT_EQ(subset.bootstrapServers, "k:9092");
  ASSERT_EQ(subset.records.size(), 2u);
  EXPECT_EQ(subset.records[0].item_id(), "b-1@8");
  EXPECT_EQ(subset.records[1].item_id(), "a-0@3");
  const auto raw = ev::Kafka::raw_subset(event, picked);
  EXPECT_EQ(raw.at("bootstrapServers"), "k:9092");
  EXPECT_EQ(raw.at("records"), parse(R"({"b-1":[)" + record_json("b", 1, 8) + R"(],"a-0":[)" + record_json("a", 0, 3) + "]}"));
  // What raw_subset gives parses into what subset gives.
  EXPECT_EQ(lift::json::to_json(*ev::parse_kafka(raw)), lift::json::to_json(subset));
  const std::size_t none[] = {7};
  EXPECT_TRUE(ev::Kafka::subset(*parsed, none).records.empty());
  EXPECT_EQ(ev::Kafka::raw_subset(event, none).at("records"), boost::json::object());
}

TEST(Kafka, SummaryShowsEachRecord) {
  const auto summary = ev::inspect(unordered_event());
  EXPECT_EQ(summary.at("source"), "kafka");
  EXPECT_EQ(summary.at("records"), 3);
  EXPECT_EQ(summary.at("event_source"), "SelfManagedKafka");
  const auto& items = summary.at("summary").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0], parse(R"({"topic":"b","partition":1,"offset":7,"value":"v"})"));
  const auto broken = ev::inspect(parse(R"({"eventSource":"aws:kafka","records":{"t-0":[{"topic":"t"}]}})"));
  EXPECT_EQ(broken.at("source"), "kafka");
  EXPECT_TRUE(broken.contains("error"));
}

// ---- sample events ----

TEST(Kafka, SampleEventsLookLikeAwsSamples) {
  std::set<std::string> aws_names;
  for (const auto& file : kSampleFiles) {
    const auto event = read_testdata(file);
    if (event.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available";
    collect_names(event, aws_names);
  }
  ev::KafkaSampleOptions msk;
  msk.values = {"one", "two"};
  msk.key = "k";
  msk.headers = {"trace=abc", "empty="};
  ev::KafkaSampleOptions self_managed;
  self_managed.self_managed = true;
  self_managed.topic = "payments";
  self_managed.partition = 4;
  for (const auto& options : {ev::KafkaSampleOptions{}, msk, self_managed}) {
    auto sample = ev::Kafka::sample(options);
    ASSERT_TRUE(sample) << sample.error().message;
    EXPECT_EQ(ev::detect(*sample), ev::kind_of<ev::Kafka>);
    auto parsed = ev::Kafka::parse(*sample);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_FALSE(ev::inspect(*sample).contains("error"));
    std::set<std::string> names;
    collect_names(*sample, names);
    for (const auto& name : names) EXPECT_TRUE(aws_names.contains(name)) << name;
  }
  auto two = ev::Kafka::parse(*ev::Kafka::sample(msk));
  ASSERT_EQ(two->records.size(), 2u);
  EXPECT_EQ(two->records[1].value_bytes().value(), "two");
  EXPECT_EQ(two->records[0].key_bytes().value(), "k");
  EXPECT_EQ(two->records[0].header("trace"), "abc");
  EXPECT_EQ(two->records[0].header("empty"), "");
  EXPECT_TRUE(two->records[0].cluster_arn.starts_with("arn:aws:kafka:us-east-1:123456789012:cluster/demo-cluster/"));
  auto payments = ev::Kafka::parse(*ev::Kafka::sample(self_managed));
  EXPECT_EQ(payments->eventSource, "SelfManagedKafka");
  EXPECT_EQ(payments->records[0].item_id(), "payments-4@0");
  EXPECT_EQ(payments->records[0].key_bytes().value(), "");
}

TEST(Kafka, SampleOptionsThatMakeNoEventAreRefused) {
  const auto refused = [](ev::KafkaSampleOptions options) {
    auto sample = ev::Kafka::sample(options);
    ASSERT_FALSE(sample);
    EXPECT_EQ(sample.error().code, "InvalidSample");
  };
  ev::KafkaSampleOptions options;
  options.topic = "";
  refused(options);
  options = {};
  options.partition = -1;
  refused(options);
  options = {};
  options.headers = {"no-equals"};
  refused(options);
  options = {};
  options.headers = {"=value"};
  refused(options);
  options = {};
  options.cluster = "";
  refused(options);
}

}  // namespace
