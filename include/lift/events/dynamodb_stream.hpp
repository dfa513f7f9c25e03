#pragma once
// Amazon DynamoDB Streams events. Keys and images are DynamoDB items (lift::dynamorm
// AttributeMap), read from DynamoDB JSON with every attribute type.
//
//   auto event = lift::events::parse_dynamodb_stream(json);
//   for (const auto& r : event->Records) {
//     if (r.operation() == lift::events::StreamOperation::remove) ...
//     const auto& id = r.dynamodb.Keys.at("id");      // AttributeValue
//     r.table_name();                                  // "Orders"
//   }

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/dynamorm/attribute_value.hpp"
#include "lift/events/common.hpp"

namespace lift::events {

struct DynamoDBStreamRecord {
  // Seconds since the epoch; some producers write a fraction.
  std::optional<double> ApproximateCreationDateTime;
  dynamorm::AttributeMap Keys;
  std::optional<dynamorm::AttributeMap> NewImage;  // with NEW_IMAGE / NEW_AND_OLD_IMAGES, not on REMOVE
  std::optional<dynamorm::AttributeMap> OldImage;  // with OLD_IMAGE / NEW_AND_OLD_IMAGES, not on INSERT
  std::string SequenceNumber;
  std::optional<std::int64_t> SizeBytes;
  std::string StreamViewType;  // KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES
};
BOOST_DESCRIBE_STRUCT(DynamoDBStreamRecord, (),
                      (ApproximateCreationDateTime, Keys, NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType))

// Who made the change: {"type":"Service","principalId":"dynamodb.amazonaws.com"} for TTL
// deletions.
struct DynamoDBUserIdentity {
  std::string type;
  std::string principalId;
};
BOOST_DESCRIBE_STRUCT(DynamoDBUserIdentity, (), (type, principalId))

enum class StreamOperation { insert, modify, remove, unknown };

struct DynamoDBRecord {
  std::string eventID;
  std::string eventName;  // "INSERT", "MODIFY", "REMOVE"
  std::string eventVersion;
  std::string eventSource;  // "aws:dynamodb"
  std::string awsRegion;
  DynamoDBStreamRecord dynamodb;
  std::string eventSourceARN;  // the stream's ARN
  std::optional<DynamoDBUserIdentity> userIdentity;

  [[nodiscard]] StreamOperation operation() const noexcept;
  // The table: "Orders" in "arn:aws:dynamodb:us-east-1:1234:table/Orders/stream/2024-..." ("" when
  // eventSourceARN is not a table stream ARN).
  [[nodiscard]] std::string_view table_name() const noexcept;
  // True when DynamoDB's TTL removed the item.
  [[nodiscard]] bool is_ttl_removal() const noexcept;
};
BOOST_DESCRIBE_STRUCT(DynamoDBRecord, (),
                      (eventID, eventName, eventVersion, eventSource, awsRegion, dynamodb, eventSourceARN, userIdentity))

struct DynamoDBStreamEvent : TumblingWindowFields {
  std::vector<DynamoDBRecord> Records;
};
BOOST_DESCRIBE_STRUCT(DynamoDBStreamEvent, (TumblingWindowFields), (Records))

// Required: Records, each record's dynamodb with Keys and SequenceNumber (the identifier of a
// partial batch failure).
void lift_rules(lift::json::Rules<DynamoDBStreamEvent>& r);
void lift_rules(lift::json::Rules<DynamoDBRecord>& r);
void lift_rules(lift::json::Rules<DynamoDBStreamRecord>& r);

// The table name in a DynamoDB table or stream ARN; "" otherwise.
std::string_view table_name_from_arn(std::string_view arn) noexcept;

// Errors: "InvalidEvent" naming the path, down into attribute values:
// `Records[0].dynamodb.NewImage["price"].N: not a number`.
Result<DynamoDBStreamEvent> parse_dynamodb_stream(const boost::json::value& event);

// Options of a sample event (`lift events generate dynamodb-stream`).
struct DynamoDBStreamSampleOptions {
  std::string table = "Orders";
  std::vector<std::string> id{"1"};  // the changed item's id (S), one record each
  std::string event_name = "INSERT";
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(DynamoDBStreamSampleOptions, (), (table, id, event_name, region))

// The source: routed by table name or stream ARN; failed records are reported in
// batchItemFailures by their SequenceNumber.
struct DynamoDBStream {
  static constexpr SourceInfo info{"dynamodb-stream", "Amazon DynamoDB Streams: item changes of a table"};
  using Event = DynamoDBStreamEvent;
  using Record = DynamoDBRecord;
  static bool detect(const boost::json::value& event) noexcept { return records_event_source(event) == "aws:dynamodb"; }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = DynamoDBStreamSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"table", "the table's name"},
      {"id", "the changed item's id (a string key), one record each (repeatable)"},
      {"event_name", "INSERT, MODIFY or REMOVE"},
      {"region", "the AWS region"},
  };
  // Records of a NEW_AND_OLD_IMAGES stream.
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_dynamodb_stream(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.Records; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return array_items(event, "Records"); }
  static bool matches(std::string_view pattern, const Record& r) noexcept { return name_or_arn(pattern, r.table_name(), r.eventSourceARN); }
  static std::string describe(const Record& r) { return "the DynamoDB stream " + r.eventSourceARN; }
  static constexpr Failures failures = Failures::report_items;
  static std::string_view item_id(const Record& r) noexcept { return r.dynamodb.SequenceNumber; }
};
LIFT_EVENT_SOURCE(DynamoDBStream);

}  // namespace lift::events
