#pragma once
// Apache Kafka events, from Amazon MSK and from self-managed clusters: the records of one poll
// of the event source mapping, grouped by topic-partition ("orders-0"). Keys and values are
// base64 as Lambda sends them; KafkaRecord decodes them.
//
//   auto event = lift::events::parse_kafka(json);
//   for (const auto& r : event->records) {          // every record, in the order the event lists them
//     auto value = r.value_bytes();                  // Result<std::string>
//     r.topic; r.partition; r.offset;
//     auto trace = r.header("traceparent");          // std::optional<std::string>
//   }

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lift/events/common.hpp"

namespace lift::events {

struct KafkaRecord {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::int64_t timestamp = 0;        // epoch milliseconds
  std::string timestampType;         // "CREATE_TIME" or "LOG_APPEND_TIME"
  std::optional<std::string> key;    // base64; absent or null when the record has no key
  std::optional<std::string> value;  // base64; null for a tombstone
  // One object per header, naming it and giving its bytes as numbers: Java's signed bytes
  // (-128..127) or unsigned ones (0..255). A name may repeat.
  std::vector<std::map<std::string, std::vector<int>>> headers;

  // Not part of the record's JSON: the event's eventSourceArn (the MSK cluster; "" for a
  // self-managed cluster), copied here by parse_kafka so that routes can match the cluster.
  std::string cluster_arn;

  // The decoded key, "" when there is none; "InvalidEvent" (`key: invalid base64`) when it is
  // not base64.
  [[nodiscard]] Result<std::string> key_bytes() const;
  // The decoded value, "" for a tombstone; "InvalidEvent" (`value: invalid base64`).
  [[nodiscard]] Result<std::string> value_bytes() const;
  // The bytes of the first header with this name; nullopt when there is none.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  // "orders-0": the topic-partition the event lists the record under.
  [[nodiscard]] std::string topic_partition() const;
  // "orders-0@15": how lift names the record, in its logs and in the BatchItemFailures a
  // whole-batch handler returns (failures.add(r.item_id())).
  [[nodiscard]] std::string item_id() const;
};
BOOST_DESCRIBE_STRUCT(KafkaRecord, (), (topic, partition, offset, timestamp, timestampType, key, value, headers))

// Required: topic, partition and offset (what names a record); header bytes from -128 to 255.
void lift_rules(lift::json::Rules<KafkaRecord>& r);

// The event's `records`: a JSON object from "topic-partition" to that partition's records.
// Kept in the order the event lists them, partition after partition, so that all() is one
// contiguous run in document order.
class KafkaRecords {
 public:
  // One topic-partition and its records (views into the KafkaRecords).
  struct Partition {
    std::string_view topic_partition;
    std::span<const KafkaRecord> records;
  };

  // Adds a record under `topic_partition`: after the others of that partition, which is added
  // at the end when new.
  void add(std::string_view topic_partition, KafkaRecord record);

  [[nodiscard]] std::span<const KafkaRecord> all() const noexcept { return records_; }
  [[nodiscard]] std::span<KafkaRecord> all() noexcept { return records_; }
  [[nodiscard]] std::size_t size() const noexcept { return records_.size(); }
  [[nodiscard]] bool empty() const noexcept { return records_.empty(); }
  [[nodiscard]] const KafkaRecord& operator[](std::size_t i) const noexcept { return records_[i]; }
  [[nodiscard]] auto begin() const noexcept { return records_.begin(); }
  [[nodiscard]] auto end() const noexcept { return records_.end(); }
  [[nodiscard]] auto begin() noexcept { return records_.begin(); }
  [[nodiscard]] auto end() noexcept { return records_.end(); }

  // Every topic-partition, in the order the event lists them.
  [[nodiscard]] std::vector<Partition> partitions() const;
  // The records under one topic-partition (empty when none).
  [[nodiscard]] std::span<const KafkaRecord> of(std::string_view topic_partition) const noexcept;
  // The topic-partition record i is listed under ("" past the end).
  [[nodiscard]] std::string_view topic_partition_of(std::size_t i) const noexcept;

  friend Result<void> lift_from_json(const boost::json::value& json, KafkaRecords& out);
  friend boost::json::value lift_to_json(const KafkaRecords& records);

 private:
  struct Group {
    std::string key;
    std::size_t first = 0;
    std::size_t count = 0;
  };
  std::vector<KafkaRecord> records_;
  std::vector<Group> groups_;
  std::map<std::string, std::size_t, std::less<>> index_;  // topic-partition -> its group
};

struct KafkaEvent {
  std::string eventSource;                      // "aws:kafka" (MSK) or "SelfManagedKafka"
  std::optional<std::string> eventSourceArn;    // the MSK cluster's ARN
  std::optional<std::string> bootstrapServers;  // "host:port,host:port"
  KafkaRecords records;

  // True for an Amazon MSK cluster (eventSource "aws:kafka").
  [[nodiscard]] bool is_msk() const noexcept { return eventSource == "aws:kafka"; }
};
BOOST_DESCRIBE_STRUCT(KafkaEvent, (), (eventSource, eventSourceArn, bootstrapServers, records))

// Required: eventSource and records.
void lift_rules(lift::json::Rules<KafkaEvent>& r);

// Errors: "InvalidEvent" naming the path (`records["orders-0"][1].offset: is required`). Keys,
// values and header bytes are decoded on demand (KafkaRecord::value_bytes, ...), so that one
// undecodable record fails alone.
Result<KafkaEvent> parse_kafka(const boost::json::value& event);

// The event sources of Kafka events: Amazon MSK, and self-managed clusters (AWS's
// documentation writes "SelfManagedKafka", some of its samples "aws:SelfManagedKafka").
inline constexpr std::string_view kKafkaEventSources[] = {"aws:kafka", "SelfManagedKafka", "aws:SelfManagedKafka"};

// Options of a sample event (`lift events generate kafka`).
struct KafkaSampleOptions {
  std::string topic = "orders";
  std::int32_t partition = 0;
  std::vector<std::string> values;  // one record per value; "Hello from Kafka!" when none
  std::string key;                  // every record's key; none when empty
  std::vector<std::string> headers;  // "name=value"
  bool self_managed = false;
  std::string cluster = "demo-cluster";
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(KafkaSampleOptions, (), (topic, partition, values, key, headers, self_managed, cluster, region))

// The source: routed by topic name, or by the MSK cluster's ARN. Failed records are reported in
// batchItemFailures as {"partition":"<topic>-<partition>","offset":N}, which Lambda honours on
// event source mappings in provisioned mode with ReportBatchItemFailures; on the others Lambda
// ignores the answer (see docs/event-sources.md).
struct Kafka {
  static constexpr SourceInfo info{"kafka", "Apache Kafka records from Amazon MSK or a self-managed cluster"};
  using Event = KafkaEvent;
  using Record = KafkaRecord;
  using SampleOptions = KafkaSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"topic", "the topic of the records"},
      {"partition", "their partition"},
      {"values", "a record's value (repeat for several records)"},
      {"key", "every record's key (none when empty)"},
      {"headers", "a header of every record, name=value (repeatable)"},
      {"self_managed", "a self-managed cluster instead of Amazon MSK"},
      {"cluster", "the MSK cluster's name"},
      {"region", "the AWS region"},
  };
  // eventSource is a Kafka source and `records` an object.
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_kafka(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.records.all(); }
  // Each partition's records, partition after partition, as parse_kafka lists them.
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event);
  static bool matches(std::string_view pattern, const Record& r) noexcept { return name_or_arn(pattern, r.topic, r.cluster_arn); }
  static std::string describe(const Record& r);
  static constexpr Failures failures = Failures::report_items;
  static std::string item_id(const Record& r) { return r.item_id(); }
  static boost::json::value failure_identifier(const Record& r);
  static Event subset(const Event& event, std::span<const std::size_t> indices);
  static boost::json::value raw_subset(const boost::json::value& event, std::span<const std::size_t> indices);
};
LIFT_EVENT_SOURCE(Kafka);

}  // namespace lift::events
