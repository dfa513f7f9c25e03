#pragma once
// Amazon Kinesis Data Streams events. Record data is base64 as Kinesis sends it;
// KinesisRecord::data() decodes it.
//
//   auto event = lift::events::parse_kinesis(json);
//   for (const auto& r : event->Records) {
//     auto bytes = r.data();        // Result<std::string>
//     r.kinesis.partitionKey;
//   }

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/events/common.hpp"

namespace lift::events {

struct KinesisData {
  std::string kinesisSchemaVersion;
  std::string partitionKey;
  std::string sequenceNumber;
  std::string data;  // base64
  double approximateArrivalTimestamp = 0;  // seconds since the epoch, with milliseconds
  std::optional<std::string> encryptionType;  // "NONE", "KMS"
};
BOOST_DESCRIBE_STRUCT(KinesisData, (),
                      (kinesisSchemaVersion, partitionKey, sequenceNumber, data, approximateArrivalTimestamp, encryptionType))

struct KinesisRecord {
  KinesisData kinesis;
  std::string eventSource;  // "aws:kinesis"
  std::string eventVersion;
  std::string eventID;  // "shardId-000000000000:<sequence number>"
  std::string eventName;
  std::string invokeIdentityArn;
  std::string awsRegion;
  std::string eventSourceARN;  // the stream's ARN

  // The record's bytes; "InvalidEvent" (`kinesis.data: invalid base64`) when data is not base64.
  [[nodiscard]] Result<std::string> data() const;
  // The stream name: "orders" in "arn:aws:kinesis:us-east-1:1234:stream/orders".
  [[nodiscard]] std::string_view stream_name() const noexcept;
};
BOOST_DESCRIBE_STRUCT(KinesisRecord, (),
                      (kinesis, eventSource, eventVersion, eventID, eventName, invokeIdentityArn, awsRegion, eventSourceARN))

struct KinesisEvent : TumblingWindowFields {
  std::vector<KinesisRecord> Records;
};
BOOST_DESCRIBE_STRUCT(KinesisEvent, (TumblingWindowFields), (Records))

// Required: Records, each record's kinesis with data and sequenceNumber.
void lift_rules(lift::json::Rules<KinesisEvent>& r);
void lift_rules(lift::json::Rules<KinesisRecord>& r);
void lift_rules(lift::json::Rules<KinesisData>& r);

// Also checks that every record's data is base64, so that data() cannot fail afterwards.
// Errors: "InvalidEvent" naming the path (`Records[1].kinesis.data: invalid base64`).
Result<KinesisEvent> parse_kinesis(const boost::json::value& event);

// Options of a sample event (`lift events generate kinesis`).
struct KinesisSampleOptions {
  std::string stream = "events";
  std::vector<std::string> data{"Hello from Kinesis!"};  // one record each
  std::string partition_key = "partition-1";
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(KinesisSampleOptions, (), (stream, data, partition_key, region))

// The source: routed by stream name or ARN; failed records are reported in batchItemFailures
// by their sequence number (Lambda restarts the shard from the lowest one).
struct Kinesis {
  static constexpr SourceInfo info{"kinesis", "Amazon Kinesis Data Streams records"};
  using Event = KinesisEvent;
  using Record = KinesisRecord;
  static bool detect(const boost::json::value& event) noexcept { return records_event_source(event) == "aws:kinesis"; }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = KinesisSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"stream", "the stream's name"},
      {"data", "a record's data, one record each (repeatable)"},
      {"partition_key", "the records' partition key"},
      {"region", "the AWS region"},
  };
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_kinesis(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.Records; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return array_items(event, "Records"); }
  static bool matches(std::string_view pattern, const Record& r) noexcept { return name_or_arn(pattern, r.stream_name(), r.eventSourceARN); }
  static std::string describe(const Record& r) { return "the Kinesis stream " + r.eventSourceARN; }
  static constexpr Failures failures = Failures::report_items;
  static std::string_view item_id(const Record& r) noexcept { return r.kinesis.sequenceNumber; }
};
LIFT_EVENT_SOURCE(Kinesis);

}  // namespace lift::events
