#pragma once
// Amazon Data Firehose (Kinesis Data Firehose) data transformation: a delivery stream hands a
// batch of records to the function before delivering them, and the function answers every
// record: Ok with its data (transformed or as it came), Dropped, or ProcessingFailed (Firehose
// sends those to its error output).
//
//   app.firehose("clicks", [](lift::Context&, const lift::events::FirehoseRecord& r) -> lift::events::FirehoseResult {
//     auto bytes = r.data_bytes();                       // Result<std::string>
//     if (!bytes) return lift::events::FirehoseResult::failed();
//     if (bytes->empty()) return lift::events::FirehoseResult::dropped();
//     return lift::events::FirehoseResult::ok(to_csv(*bytes)).with_partition_key("year", "2024");
//   });

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/events/common.hpp"

namespace lift::events {

// Where a record read from a Kinesis data stream came from.
struct FirehoseKinesisRecordMetadata {
  std::string shardId;
  std::string partitionKey;
  std::int64_t approximateArrivalTimestamp = 0;  // epoch milliseconds
  std::string sequenceNumber;
  std::int64_t subsequenceNumber = 0;
};
BOOST_DESCRIBE_STRUCT(FirehoseKinesisRecordMetadata, (),
                      (shardId, partitionKey, approximateArrivalTimestamp, sequenceNumber, subsequenceNumber))

struct FirehoseRecord {
  std::string recordId;
  std::int64_t approximateArrivalTimestamp = 0;  // epoch milliseconds
  std::optional<std::string> data;               // base64 (Direct PUT and Kinesis stream sources)
  std::optional<std::string> kafkaRecordValue;   // base64, instead of data (an Amazon MSK source)
  std::optional<FirehoseKinesisRecordMetadata> kinesisRecordMetadata;  // a Kinesis stream source
  std::optional<boost::json::value> mskRecordMetadata;                 // an MSK source, as it came

  // Not part of the record's JSON: the event's deliveryStreamArn, copied here by
  // parse_firehose so that routes can match the delivery stream.
  std::string delivery_stream_arn;

  // The record's data as it came (base64): data, or kafkaRecordValue.
  [[nodiscard]] std::string_view encoded_data() const noexcept;
  // The decoded bytes; "InvalidEvent" (`data: invalid base64`) when they are not base64.
  [[nodiscard]] Result<std::string> data_bytes() const;
  // The delivery stream's name ("" when delivery_stream_arn is not a delivery stream ARN).
  [[nodiscard]] std::string_view delivery_stream_name() const noexcept;
};
BOOST_DESCRIBE_STRUCT(FirehoseRecord, (),
                      (recordId, approximateArrivalTimestamp, data, kafkaRecordValue, kinesisRecordMetadata, mskRecordMetadata))

struct FirehoseEvent {
  std::string invocationId;
  std::string deliveryStreamArn;  // "arn:aws:firehose:us-east-1:123456789012:deliverystream/NAME"
  std::optional<std::string> sourceKinesisStreamArn;  // when the source is a Kinesis data stream
  std::optional<std::string> sourceMSKArn;            // when the source is an Amazon MSK cluster
  std::string region;
  std::vector<FirehoseRecord> records;

  // The delivery stream's name; "" when deliveryStreamArn is not a delivery stream ARN (one of
  // AWS's samples says "aws:lambda:events").
  [[nodiscard]] std::string_view delivery_stream_name() const noexcept;
};
BOOST_DESCRIBE_STRUCT(FirehoseEvent, (), (invocationId, deliveryStreamArn, sourceKinesisStreamArn, sourceMSKArn, region, records))

// Required: invocationId, deliveryStreamArn, records; each record's recordId and its data (or
// kafkaRecordValue).
void lift_rules(lift::json::Rules<FirehoseEvent>& r);
void lift_rules(lift::json::Rules<FirehoseRecord>& r);

// Errors: "InvalidEvent" naming the path (`records[1].recordId: is required`). Data is decoded
// on demand (FirehoseRecord::data_bytes), so that one undecodable record fails alone.
Result<FirehoseEvent> parse_firehose(const boost::json::value& event);

// "NAME" of "arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME"; "" for anything else.
[[nodiscard]] std::string_view delivery_stream_name_from_arn(std::string_view arn) noexcept;

// What becomes of a record: Firehose's `result`.
enum class FirehoseStatus { Ok, Dropped, ProcessingFailed };

// A record's answer. Default: Ok with the record's data as it came.
struct FirehoseResult {
  FirehoseStatus status = FirehoseStatus::Ok;
  std::optional<std::string> data;  // the new bytes (not base64); nullopt: the data as it came
  std::map<std::string, std::string> partition_keys;  // dynamic partitioning (metadata.partitionKeys)
  // Apache Iceberg destinations (metadata.otfMetadata): where the record goes, and how.
  std::optional<std::string> destination_database, destination_table, operation;

  // Ok with `bytes` as the record's data (lift encodes them).
  [[nodiscard]] static FirehoseResult ok(std::string bytes);
  // Ok with the record's data as it came.
  [[nodiscard]] static FirehoseResult ok() { return {}; }
  [[nodiscard]] static FirehoseResult dropped();
  [[nodiscard]] static FirehoseResult failed();

  // A key of the S3 prefix of a stream with dynamic partitioning.
  FirehoseResult& with_partition_key(std::string name, std::string value);
  // The Iceberg table the record goes to; operation "insert", "update" or "delete" ("" leaves
  // the stream's default).
  FirehoseResult& with_destination_table(std::string database, std::string table, std::string operation = "");
};

// The transformation answer: {"records":[{"recordId","result","data","metadata"?}]}, one entry
// per record in the event's order. A failed outcome is ProcessingFailed with the record's data
// as it came; an MSK source's records answer kafkaRecordValue instead of data.
[[nodiscard]] boost::json::value firehose_response(const FirehoseEvent& event, std::span<const Result<FirehoseResult>> outcomes);

// Options of a sample event (`lift events generate firehose`).
struct FirehoseSampleOptions {
  std::string stream = "delivery-stream";
  std::vector<std::string> data;  // one record per entry; "Hello from Firehose!" when none
  std::string source_stream;      // a Kinesis data stream as the source; Direct PUT when empty
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(FirehoseSampleOptions, (), (stream, data, source_stream, region))

// The source: routed by delivery stream name or ARN. Every record is answered (answer_each):
// what its handler returned, ProcessingFailed for an error or an exception (the invocation
// never fails for one record), Ok with the data as it came for a record no handler answered.
struct Firehose {
  static constexpr SourceInfo info{"firehose", "Amazon Data Firehose record transformation"};
  using Event = FirehoseEvent;
  using Record = FirehoseRecord;
  using Answer = FirehoseResult;
  using SampleOptions = FirehoseSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"stream", "the delivery stream's name"},
      {"data", "a record's data (repeat for several records)"},
      {"source_stream", "a Kinesis data stream as the source (Direct PUT when empty)"},
      {"region", "the AWS region"},
  };
  // invocationId and deliveryStreamArn are text and `records` an array.
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_firehose(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.records; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return array_items(event, "records"); }
  static bool matches(std::string_view pattern, const Record& r) noexcept {
    return name_or_arn(pattern, r.delivery_stream_name(), r.delivery_stream_arn);
  }
  static std::string describe(const Record& r) { return "the Firehose delivery stream " + r.delivery_stream_arn; }
  static constexpr Failures failures = Failures::answer_each;
  static std::string_view item_id(const Record& r) noexcept { return r.recordId; }
  static Event subset(const Event& event, std::span<const std::size_t> indices);
  static boost::json::value raw_subset(const boost::json::value& event, std::span<const std::size_t> indices);
  static Result<boost::json::value> answer(const boost::json::value& event, const Event& typed, std::span<Result<Answer>> outcomes,
                                           const AnswerContext& context);
};
LIFT_EVENT_SOURCE(Firehose);

}  // namespace lift::events
