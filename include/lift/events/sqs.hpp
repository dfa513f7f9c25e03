#pragma once
// Amazon SQS events: a batch of messages from one queue.
//
//   auto event = lift::events::parse_sqs(json);
//   for (const auto& m : event->Records) {
//     m.body;                                   // the message text
//     m.attributes.ApproximateReceiveCount;     // "1"
//     m.queue_name();                           // "orders.fifo"
//   }

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/events/common.hpp"

namespace lift::events {

// System attributes. The first four always arrive; the rest depend on the queue and the sender.
struct SqsAttributes {
  std::string ApproximateReceiveCount;
  std::string SentTimestamp;  // epoch milliseconds, as text
  std::string SenderId;
  std::string ApproximateFirstReceiveTimestamp;
  std::optional<std::string> AWSTraceHeader;
  std::optional<std::string> MessageGroupId;          // FIFO queues
  std::optional<std::string> MessageDeduplicationId;  // FIFO queues
  std::optional<std::string> SequenceNumber;          // FIFO queues
  std::optional<std::string> DeadLetterQueueSourceArn;

  // ApproximateReceiveCount as a number (0 when absent or malformed).
  [[nodiscard]] std::uint32_t receive_count() const noexcept;
  // SentTimestamp in epoch milliseconds (0 when absent or malformed).
  [[nodiscard]] std::int64_t sent_timestamp_ms() const noexcept;
};
BOOST_DESCRIBE_STRUCT(SqsAttributes, (),
                      (ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp, AWSTraceHeader,
                       MessageGroupId, MessageDeduplicationId, SequenceNumber, DeadLetterQueueSourceArn))

// A message attribute. binaryValue is base64 as AWS sends it (decode with binary()).
struct SqsMessageAttribute {
  std::optional<std::string> stringValue;
  std::optional<std::string> binaryValue;
  std::optional<std::vector<std::string>> stringListValues;
  std::optional<std::vector<std::string>> binaryListValues;
  std::string dataType;  // "String", "Number", "Binary", optionally with a ".custom" suffix

  // The decoded bytes of binaryValue; "InvalidEvent" when it is absent or not base64.
  [[nodiscard]] Result<std::string> binary() const;
};
BOOST_DESCRIBE_STRUCT(SqsMessageAttribute, (), (stringValue, binaryValue, stringListValues, binaryListValues, dataType))

struct SqsMessage {
  std::string messageId;
  std::string receiptHandle;
  std::string body;
  SqsAttributes attributes;
  std::map<std::string, SqsMessageAttribute> messageAttributes;
  std::optional<std::string> md5OfBody;
  std::optional<std::string> md5OfMessageAttributes;
  std::string eventSource;     // "aws:sqs"
  std::string eventSourceARN;  // the queue's ARN
  std::string awsRegion;

  // The queue name: the last part of eventSourceARN ("" when it is not an ARN).
  [[nodiscard]] std::string_view queue_name() const noexcept;
  // True for a FIFO queue (its name ends in ".fifo"), whose messages must be handled in order.
  [[nodiscard]] bool is_fifo() const noexcept;
};
BOOST_DESCRIBE_STRUCT(SqsMessage, (),
                      (messageId, receiptHandle, body, attributes, messageAttributes, md5OfBody, md5OfMessageAttributes,
                       eventSource, eventSourceARN, awsRegion))

struct SqsEvent {
  std::vector<SqsMessage> Records;
};
BOOST_DESCRIBE_STRUCT(SqsEvent, (), (Records))

// Required: Records, and each message's messageId (the identifier of a partial batch failure).
void lift_rules(lift::json::Rules<SqsEvent>& r);
void lift_rules(lift::json::Rules<SqsMessage>& r);

// Errors: "InvalidEvent" (400) naming the JSON path: `Records: is required`,
// `Records[0].body: expected string`, ...
Result<SqsEvent> parse_sqs(const boost::json::value& event);

// Options of a sample event (`lift events generate sqs`).
struct SqsSampleOptions {
  std::string queue = "orders";
  std::vector<std::string> body{"Hello from SQS!"};  // one message each
  bool fifo = false;
  std::string group_id = "default";
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(SqsSampleOptions, (), (queue, body, fifo, group_id, region))

// The source: routed by queue name or ARN; failed messages are reported in batchItemFailures
// by messageId, and a FIFO queue stops at its first failure (lift/events/source.hpp).
struct Sqs {
  static constexpr SourceInfo info{"sqs", "Amazon SQS: a batch of messages from one queue"};
  using Event = SqsEvent;
  using Record = SqsMessage;
  static bool detect(const boost::json::value& event) noexcept { return records_event_source(event) == "aws:sqs"; }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = SqsSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"queue", "the queue's name"},
      {"body", "a message's body, one record each (repeatable)"},
      {"fifo", "a FIFO queue (\".fifo\" is added to the name)"},
      {"group_id", "the MessageGroupId of a FIFO queue's messages"},
      {"region", "the AWS region"},
  };
  // md5OfBody is the body's MD5, as SQS computes it.
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_sqs(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.Records; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return array_items(event, "Records"); }
  static bool matches(std::string_view pattern, const Record& m) noexcept { return name_or_arn(pattern, m.queue_name(), m.eventSourceARN); }
  static std::string describe(const Record& m) { return "the SQS queue " + m.eventSourceARN; }
  static constexpr Failures failures = Failures::report_items;
  static std::string_view item_id(const Record& m) noexcept { return m.messageId; }
  static bool ordered(const Record& m) noexcept { return m.is_fifo(); }
};
LIFT_EVENT_SOURCE(Sqs);

}  // namespace lift::events
