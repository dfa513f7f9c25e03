#include "lift/events/cloudwatch_alarm.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "lift/json/document.hpp"

namespace lift::events {

Result<boost::json::value> CloudWatchAlarmState::reason_data() const {
  if (!reasonData) return boost::json::value();
  auto parsed = lift::json::parse_document(*reasonData);
  if (!parsed) return invalid_event("reasonData", "is not JSON: " + parsed.error().message);
  return std::move(*parsed);
}

Result<void> lift_from_json(const boost::json::value& json, CloudWatchMetric& out) {
  const auto* object = json.if_object();
  if (object == nullptr) return Error{"InvalidBody", "expected object", 400};
  std::vector<ErrorDetail> details;
  const auto read = [&](std::string_view name, auto& member) {
    const auto* child = object->if_contains(name);
    if (child == nullptr || child->is_null()) return;
    auto value = lift::json::from_json<std::remove_cvref_t<decltype(member)>>(*child);
    if (!value) {
      details.push_back(ErrorDetail{std::string(name), value.error().message});
      return;
    }
    member = std::move(*value);
  };
  read("namespace", out.metric_namespace);
  read("name", out.name);
  read("dimensions", out.dimensions);
  if (details.empty()) return {};
  std::string message = details.front().field + ": " + details.front().message;
  return Error{"InvalidBody", std::move(message), 400, std::move(details)};
}

boost::json::value lift_to_json(const CloudWatchMetric& metric) {
  boost::json::object dimensions;
  for (const auto& [name, value] : metric.dimensions) dimensions[name] = value;
  return boost::json::object{{"namespace", metric.metric_namespace}, {"name", metric.name}, {"dimensions", std::move(dimensions)}};
}

void lift_rules(lift::json::Rules<CloudWatchAlarmEvent>& r) {
  r.field(&CloudWatchAlarmEvent::alarmArn).required();
  r.field(&CloudWatchAlarmEvent::alarmData).required();
}

void lift_rules(lift::json::Rules<CloudWatchAlarmData>& r) {
  r.field(&CloudWatchAlarmData::alarmName).required();
  r.field(&CloudWatchAlarmData::state).required();
}

void lift_rules(lift::json::Rules<CloudWatchAlarmState>& r) { r.field(&CloudWatchAlarmState::value).required(); }

Result<CloudWatchAlarmEvent> parse_cloudwatch_alarm(const boost::json::value& event) {
  return parse_event<CloudWatchAlarmEvent>(event);
}

void CloudWatchAlarm::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_cloudwatch_alarm(event));
  out.add("alarm", string_at(event, {"alarmData", "alarmName"}));
  out.add("alarm_arn", string_member(event, "alarmArn"));
  out.add("state", string_at(event, {"alarmData", "state", "value"}));
  out.add("previous_state", string_at(event, {"alarmData", "previousState", "value"}));
  out.add("reason", shorten(string_at(event, {"alarmData", "state", "reason"})));
}

namespace {

bool is_state(std::string_view state) noexcept { return state == "OK" || state == "ALARM" || state == "INSUFFICIENT_DATA"; }

// A state as a metric alarm or a composite alarm writes it.
boost::json::object sample_state(std::string_view value, bool composite, std::string_view timestamp) {
  boost::json::object reason_data;
  std::string reason;
  if (composite) {
    reason = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-child transitioned to " + std::string(value);
    reason_data["triggeringAlarms"] = boost::json::array{
        boost::json::object{{"arn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-child"},
                            {"state", {{"value", value}, {"timestamp", timestamp}}}}};
  } else {
    const bool alarm = value == "ALARM";
    reason = std::string("Threshold Crossed: 1 out of the last 1 datapoints [") + (alarm ? "91.5" : "12.5") + "] was " +
             (alarm ? "" : "not ") + "greater than the threshold (80.0).";
    reason_data = {{"version", "1.0"},
                   {"queryDate", timestamp},
                   {"startDate", "2024-02-17T11:51:00.000+0000"},
                   {"statistic", "Average"},
                   {"period", 60},
                   {"recentDatapoints", boost::json::array{alarm ? 91.5 : 12.5}},
                   {"threshold", 80.0},
                   {"evaluatedDatapoints",
                    boost::json::array{boost::json::object{{"timestamp", "2024-02-17T11:51:00.000+0000"},
                                                           {"sampleCount", 5.0},
                                                           {"value", alarm ? 91.5 : 12.5}}}}};
  }
  return {{"value", value}, {"reason", reason}, {"reasonData", boost::json::serialize(reason_data)}, {"timestamp", timestamp}};
}

}  // namespace

Result<boost::json::value> CloudWatchAlarm::sample(const SampleOptions& options) {
  if (options.alarm.empty()) return invalid_sample("an alarm has a name");
  for (const auto* state : {&options.state, &options.previous_state}) {
    if (!is_state(*state)) return invalid_sample("an alarm state is OK, ALARM or INSUFFICIENT_DATA, not \"" + *state + "\"");
  }
  const std::string now = "2024-02-17T11:53:08.431+0000";
  const std::string before = "2024-02-17T11:51:31.462+0000";
  boost::json::object configuration;
  if (options.composite) {
    configuration = {{"alarmRule", "ALARM(cpu-child) OR ALARM(memory-child)"},
                     {"actionsSuppressor", "maintenance-window"},
                     {"actionsSuppressorWaitPeriod", 120},
                     {"actionsSuppressorExtensionPeriod", 180}};
  } else {
    configuration = {{"description", "CPU above 80% for a minute"},
                     {"metrics",
                      boost::json::array{boost::json::object{
                          {"id", "m1"},
                          {"metricStat",
                           {{"metric", {{"namespace", "AWS/EC2"}, {"name", "CPUUtilization"}, {"dimensions", {{"InstanceId", "i-0123456789abcdef0"}}}}},
                            {"period", 60},
                            {"stat", "Average"}}},
                          {"returnData", true}}}}};
  }
  return boost::json::value{{"source", "aws.cloudwatch"},
                            {"alarmArn", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + options.alarm},
                            {"accountId", "123456789012"},
                            {"time", now},
                            {"region", "us-east-1"},
                            {"alarmData",
                             {{"alarmName", options.alarm},
                              {"state", sample_state(options.state, options.composite, now)},
                              {"previousState", sample_state(options.previous_state, options.composite, before)},
                              {"configuration", std::move(configuration)}}}};
}

}  // namespace lift::events
