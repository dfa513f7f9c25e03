#pragma once
// Amazon SNS events, with the PascalCase member names SNS uses.
//
//   auto event = lift::events::parse_sns(json);
//   const auto& n = event->Records[0].Sns;     // n.Message, n.Subject, n.MessageAttributes
//
// SNS has been seen spelling two members both ways: SigningCertUrl / SigningCertURL and
// UnsubscribeUrl / UnsubscribeURL. Both are kept as they arrived; signing_cert_url() and
// unsubscribe_url() read whichever is present.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/events/common.hpp"

namespace lift::events {

struct SnsMessageAttribute {
  std::string Type;  // "String", "Number", "Binary", "String.Array"
  std::string Value;
};
BOOST_DESCRIBE_STRUCT(SnsMessageAttribute, (), (Type, Value))

struct SnsMessage {
  std::string Type;  // "Notification"
  std::string MessageId;
  std::string TopicArn;
  std::optional<std::string> Subject;  // absent or null when the publisher gave none
  std::string Message;
  std::string Timestamp;  // RFC 3339
  std::string SignatureVersion;
  std::string Signature;
  std::optional<std::string> SigningCertUrl;
  std::optional<std::string> SigningCertURL;
  std::optional<std::string> UnsubscribeUrl;
  std::optional<std::string> UnsubscribeURL;
  std::optional<std::map<std::string, SnsMessageAttribute>> MessageAttributes;

  [[nodiscard]] std::string_view signing_cert_url() const noexcept;
  [[nodiscard]] std::string_view unsubscribe_url() const noexcept;
  // The topic name: the last part of TopicArn.
  [[nodiscard]] std::string_view topic_name() const noexcept;
};
BOOST_DESCRIBE_STRUCT(SnsMessage, (),
                      (Type, MessageId, TopicArn, Subject, Message, Timestamp, SignatureVersion, Signature, SigningCertUrl,
                       SigningCertURL, UnsubscribeUrl, UnsubscribeURL, MessageAttributes))

struct SnsRecord {
  std::string EventSource;  // "aws:sns"
  std::string EventVersion;
  std::string EventSubscriptionArn;
  SnsMessage Sns;
};
BOOST_DESCRIBE_STRUCT(SnsRecord, (), (EventSource, EventVersion, EventSubscriptionArn, Sns))

struct SnsEvent {
  std::vector<SnsRecord> Records;
};
BOOST_DESCRIBE_STRUCT(SnsEvent, (), (Records))

// Required: Records and each record's Sns.
void lift_rules(lift::json::Rules<SnsEvent>& r);
void lift_rules(lift::json::Rules<SnsRecord>& r);

Result<SnsEvent> parse_sns(const boost::json::value& event);

// Options of a sample event (`lift events generate sns`).
struct SnsSampleOptions {
  std::string topic = "alerts";
  std::string message = "Hello from SNS!";
  std::optional<std::string> subject;  // null when absent
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(SnsSampleOptions, (), (topic, message, subject, region))

// The source: routed by topic name or ARN; a handler may take the SnsRecord or its SnsMessage.
// SNS has no partial batch response: the first failure fails the invocation.
struct Sns {
  static constexpr SourceInfo info{"sns", "Amazon SNS: notifications from a topic"};
  using Event = SnsEvent;
  using Record = SnsRecord;
  static bool detect(const boost::json::value& event) noexcept { return records_event_source(event) == "aws:sns"; }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = SnsSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"topic", "the topic's name"},
      {"message", "the message"},
      {"subject", "the subject (none by default)"},
      {"region", "the AWS region"},
  };
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_sns(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.Records; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return array_items(event, "Records"); }
  static bool matches(std::string_view pattern, const Record& r) noexcept { return name_or_arn(pattern, r.Sns.topic_name(), r.Sns.TopicArn); }
  static std::string describe(const Record& r) { return "the SNS topic " + r.Sns.TopicArn; }
  static constexpr Failures failures = Failures::fail_invocation;
  static std::string_view item_id(const Record& r) noexcept { return r.Sns.MessageId; }
  static const SnsMessage& as(std::type_identity<SnsMessage>, const Record& r, const boost::json::value&) noexcept { return r.Sns; }
};
LIFT_EVENT_SOURCE(Sns);

}  // namespace lift::events
