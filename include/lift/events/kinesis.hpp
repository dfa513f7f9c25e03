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

}  // namespace lift::events
