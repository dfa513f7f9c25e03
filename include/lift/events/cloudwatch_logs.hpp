#pragma once
// Amazon CloudWatch Logs subscription events: `{"awslogs":{"data":"<base64 of gzip of JSON>"}}`.
//
//   auto logs = lift::events::parse_cloudwatch_logs(json);   // decoded
//   for (const auto& e : logs->logEvents) e.message;
//
// The same payload reaches Kinesis when a subscription filter targets a stream:
// decode_cloudwatch_logs(record.kinesis.data) reads it there.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/events/common.hpp"

namespace lift::events {

// The event as it arrives.
struct CloudWatchLogsRaw {
  std::string data;  // base64 of gzip (or zlib) of a CloudWatchLogsData document
};
BOOST_DESCRIBE_STRUCT(CloudWatchLogsRaw, (), (data))

struct CloudWatchLogsEvent {
  CloudWatchLogsRaw awslogs;
};
BOOST_DESCRIBE_STRUCT(CloudWatchLogsEvent, (), (awslogs))

struct CloudWatchLogEvent {
  std::string id;
  std::int64_t timestamp = 0;  // epoch milliseconds
  std::string message;
  std::optional<std::map<std::string, std::string>> extractedFields;
};
BOOST_DESCRIBE_STRUCT(CloudWatchLogEvent, (), (id, timestamp, message, extractedFields))

// The decoded payload.
struct CloudWatchLogsData {
  std::string messageType;  // "DATA_MESSAGE"; "CONTROL_MESSAGE" when CloudWatch checks the destination
  std::string owner;        // the account id
  std::string logGroup;
  std::string logStream;
  std::vector<std::string> subscriptionFilters;
  std::vector<CloudWatchLogEvent> logEvents;
  std::optional<std::string> policyLevel;  // "ACCOUNT_LEVEL_POLICY" for account-level subscriptions

  [[nodiscard]] bool is_control_message() const noexcept { return messageType == "CONTROL_MESSAGE"; }
};
BOOST_DESCRIBE_STRUCT(CloudWatchLogsData, (),
                      (messageType, owner, logGroup, logStream, subscriptionFilters, logEvents, policyLevel))

// Inflated payloads larger than this are refused (a gzip bomb would otherwise take the memory
// of the function). CloudWatch Logs sends at most 1 MB of log events per batch.
inline constexpr std::size_t kMaxCloudWatchLogsBytes = 8 * 1024 * 1024;

void lift_rules(lift::json::Rules<CloudWatchLogsEvent>& r);
void lift_rules(lift::json::Rules<CloudWatchLogsRaw>& r);

// base64 → gzip or zlib → JSON → CloudWatchLogsData. Errors: "InvalidEvent" (400): "invalid
// base64", "invalid gzip data: <reason>", "inflated data larger than N bytes", "trailing data
// after the gzip stream", then JSON and binding errors naming their path.
Result<CloudWatchLogsData> decode_cloudwatch_logs(std::string_view base64_data,
                                                  std::size_t max_inflated = kMaxCloudWatchLogsBytes);

// The event's envelope only (awslogs.data kept encoded).
Result<CloudWatchLogsEvent> parse_cloudwatch_logs_event(const boost::json::value& event);
// The event decoded; errors are prefixed with `awslogs.data: `.
Result<CloudWatchLogsData> parse_cloudwatch_logs(const boost::json::value& event,
                                                 std::size_t max_inflated = kMaxCloudWatchLogsBytes);

// Options of a sample event (`lift events generate cloudwatch-logs`).
struct CloudWatchLogsSampleOptions {
  std::string log_group = "/aws/lambda/my-function";
  std::optional<std::string> log_stream;  // a Lambda function's stream of today when absent
  std::vector<std::string> message{"START RequestId: 1 Version: $LATEST", "END RequestId: 1"};  // one log event each
};
BOOST_DESCRIBE_STRUCT(CloudWatchLogsSampleOptions, (), (log_group, log_stream, message))

// The source: one decoded batch of a subscription filter per invocation, routed by log group
// name. A handler takes the decoded CloudWatchLogsData.
struct CloudWatchLogs {
  static constexpr SourceInfo info{"cloudwatch-logs", "Amazon CloudWatch Logs subscription filters"};
  using Event = CloudWatchLogsData;
  using Record = Event;
  static bool detect(const boost::json::value& event) noexcept { return !string_at(event, {"awslogs", "data"}).empty(); }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = CloudWatchLogsSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"log_group", "the log group"},
      {"log_stream", "the log stream (a Lambda function's, of today, by default)"},
      {"message", "a log line, one log event each (repeatable)"},
  };
  // The payload gzipped and base64-encoded into awslogs.data, as CloudWatch Logs sends it.
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_cloudwatch_logs(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& data) noexcept;
  static std::string describe(const Record& data) { return "the log group " + data.logGroup; }
  static constexpr Failures failures = Failures::fail_invocation;
};
LIFT_EVENT_SOURCE(CloudWatchLogs);

}  // namespace lift::events
