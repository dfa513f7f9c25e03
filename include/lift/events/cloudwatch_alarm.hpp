#pragma once
// Amazon CloudWatch alarms that invoke a function directly (the alarm's Lambda action): the
// alarm, its new and previous state, and its configuration (the metrics of a metric alarm,
// single or metric math, or the rule of a composite alarm).
//
//   auto event = lift::events::parse_cloudwatch_alarm(json);
//   event->alarmData.alarmName;            // "cpu-high"
//   event->alarmData.state.value;          // "ALARM"
//   auto data = event->alarmData.state.reason_data();   // reasonData parsed from its JSON text
//   (*data).at("threshold");
//
// The "CloudWatch Alarm State Change" events that reach a function through EventBridge are
// EventBridge events (lift/events/eventbridge.hpp), not these.

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

// A state of the alarm.
struct CloudWatchAlarmState {
  std::string value;  // "OK", "ALARM" or "INSUFFICIENT_DATA"
  std::string reason;
  std::optional<std::string> reasonData;  // JSON text: the datapoints, or a composite alarm's triggering alarms
  std::string timestamp;
  std::optional<std::string> actionsSuppressedBy;  // composite alarms: "WaitPeriod", "ExtensionPeriod", "Alarm"
  std::optional<std::string> actionsSuppressedReason;

  // reasonData parsed (null when absent); "InvalidEvent" when it is not JSON.
  [[nodiscard]] Result<boost::json::value> reason_data() const;
  // reasonData bound to T (a described struct, with its rules); "InvalidEvent" naming the problem.
  template <class T>
  [[nodiscard]] Result<T> reason_data() const {
    auto json = reason_data();
    if (!json) return std::move(json).error();
    return parse_event<T>(*json);
  }
};
BOOST_DESCRIBE_STRUCT(CloudWatchAlarmState, (),
                      (value, reason, reasonData, timestamp, actionsSuppressedBy, actionsSuppressedReason))

// A metric: CloudWatch names its namespace "namespace", which C++ cannot spell; the member is
// metric_namespace and reads and writes as "namespace".
struct CloudWatchMetric {
  std::string metric_namespace;
  std::string name;
  std::map<std::string, std::string> dimensions;
};
Result<void> lift_from_json(const boost::json::value& json, CloudWatchMetric& out);
boost::json::value lift_to_json(const CloudWatchMetric& metric);

struct CloudWatchMetricStat {
  CloudWatchMetric metric;
  std::int64_t period = 0;  // seconds
  std::string stat;         // "Average", "p99", ...
  std::optional<std::string> unit;
};
BOOST_DESCRIBE_STRUCT(CloudWatchMetricStat, (), (metric, period, stat, unit))

// One metric of a metric alarm: a metric (metricStat) or a metric math expression.
struct CloudWatchAlarmMetric {
  std::string id;
  std::optional<CloudWatchMetricStat> metricStat;
  std::optional<std::string> expression;
  std::optional<std::string> label;
  std::optional<bool> returnData;
  std::optional<std::int64_t> period;
};
BOOST_DESCRIBE_STRUCT(CloudWatchAlarmMetric, (), (id, metricStat, expression, label, returnData, period))

// A metric alarm has metrics; a composite alarm has alarmRule and its actions suppressor.
struct CloudWatchAlarmConfiguration {
  std::optional<std::string> description;
  std::optional<std::vector<CloudWatchAlarmMetric>> metrics;
  std::optional<std::string> alarmRule;
  std::optional<std::string> actionsSuppressor;
  std::optional<std::int64_t> actionsSuppressorWaitPeriod;
  std::optional<std::int64_t> actionsSuppressorExtensionPeriod;
};
BOOST_DESCRIBE_STRUCT(CloudWatchAlarmConfiguration, (),
                      (description, metrics, alarmRule, actionsSuppressor, actionsSuppressorWaitPeriod,
                       actionsSuppressorExtensionPeriod))

struct CloudWatchAlarmData {
  std::string alarmName;
  CloudWatchAlarmState state;
  std::optional<CloudWatchAlarmState> previousState;
  std::optional<CloudWatchAlarmConfiguration> configuration;
};
BOOST_DESCRIBE_STRUCT(CloudWatchAlarmData, (), (alarmName, state, previousState, configuration))

struct CloudWatchAlarmEvent {
  std::string source;  // "aws.cloudwatch"
  std::string alarmArn;
  std::string accountId;
  std::string time;
  std::string region;
  CloudWatchAlarmData alarmData;

  // A composite alarm (its configuration has an alarmRule).
  [[nodiscard]] bool composite() const noexcept { return alarmData.configuration && alarmData.configuration->alarmRule; }
};
BOOST_DESCRIBE_STRUCT(CloudWatchAlarmEvent, (), (source, alarmArn, accountId, time, region, alarmData))

// Required: alarmArn, alarmData, its alarmName and state, and the state's value.
void lift_rules(lift::json::Rules<CloudWatchAlarmEvent>& r);
void lift_rules(lift::json::Rules<CloudWatchAlarmData>& r);
void lift_rules(lift::json::Rules<CloudWatchAlarmState>& r);

Result<CloudWatchAlarmEvent> parse_cloudwatch_alarm(const boost::json::value& event);

// The options of CloudWatchAlarm::sample.
struct CloudWatchAlarmSampleOptions {
  std::string alarm = "cpu-high";
  std::string state = "ALARM";
  std::string previous_state = "OK";
  bool composite = false;
};
BOOST_DESCRIBE_STRUCT(CloudWatchAlarmSampleOptions, (), (alarm, state, previous_state, composite))

// The source: one alarm state change per invocation, routed by the alarm's name (alarmData's
// alarmName), or its ARN with a pattern that starts with "arn:". Handlers answer nothing; a
// failure fails the invocation (CloudWatch invokes asynchronously: Lambda retries it).
struct CloudWatchAlarm {
  static constexpr SourceInfo info{"cloudwatch-alarm", "Amazon CloudWatch alarm state changes (the alarm's Lambda action)"};
  using Event = CloudWatchAlarmEvent;
  using Record = Event;
  // Its source, an alarm ARN and alarmData: EventBridge's alarm events have detail instead.
  static bool detect(const boost::json::value& event) noexcept {
    return string_member(event, "source") == "aws.cloudwatch" && !string_member(event, "alarmArn").empty() &&
           member_at(event, {"alarmData"}) != nullptr && member_at(event, {"alarmData"})->is_object();
  }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = CloudWatchAlarmSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"alarm", "the alarm's name"},
      {"state", "the new state: OK, ALARM or INSUFFICIENT_DATA"},
      {"previous_state", "the state before: OK, ALARM or INSUFFICIENT_DATA"},
      {"composite", "a composite alarm (an alarm rule) instead of a metric alarm"},
  };
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_cloudwatch_alarm(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& event) noexcept {
    return name_or_arn(pattern, event.alarmData.alarmName, event.alarmArn);
  }
  static std::string describe(const Record& event) { return "the CloudWatch alarm " + event.alarmArn; }
  static constexpr Failures failures = Failures::fail_invocation;
};
LIFT_EVENT_SOURCE(CloudWatchAlarm);

}  // namespace lift::events
