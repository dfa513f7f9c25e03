#pragma once
// Amazon EventBridge events (and CloudWatch Events, their former name), including scheduled
// events. The envelope's `detail` is a boost::json::value by default, or any type that binds:
//
//   struct OrderPlaced { std::string order_id; double total = 0; };
//   BOOST_DESCRIBE_STRUCT(OrderPlaced, (), (order_id, total))
//   auto event = lift::events::parse_eventbridge<OrderPlaced>(json);
//   event->detail_type;        // "Order Placed"
//   event->detail.order_id;
//
// JSON names: EventBridge writes "detail-type" and "replay-name"; the C++ members are
// detail_type and replay_name (each '_' stands for '-'). The Detail type binds with its own
// names and rules.

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/events/common.hpp"

namespace lift::events {

template <class Detail = boost::json::value>
struct EventBridgeEvent {
  std::string version;
  std::string id;
  std::string detail_type;  // "detail-type"
  std::string source;
  std::string account;
  std::string time;  // RFC 3339
  std::string region;
  std::vector<std::string> resources;
  Detail detail{};
  std::optional<std::string> replay_name;  // "replay-name", on events replayed from an archive

  BOOST_DESCRIBE_CLASS(EventBridgeEvent, (), (version, id, detail_type, source, account, time, region, resources, detail, replay_name),
                       (), ())
};

template <class Detail>
Result<void> lift_from_json(const boost::json::value& json, EventBridgeEvent<Detail>& out) {
  return detail::read_kebab(json, out);
}
template <class Detail>
boost::json::value lift_to_json(const EventBridgeEvent<Detail>& event) {
  return detail::write_kebab(event);
}

// A scheduled event: source "aws.events", detail-type "Scheduled Event", the rule's ARN in
// resources and an empty detail.
using ScheduledEvent = EventBridgeEvent<boost::json::value>;

// The rule name in an EventBridge rule ARN ("arn:aws:events:us-east-1:1234:rule/nightly" →
// "nightly", also for rules on a custom bus: ".../rule/bus/nightly" → "nightly"); "" otherwise.
std::string_view rule_name_from_arn(std::string_view arn) noexcept;
// The name of the rule that fired a scheduled event (its first resource that is a rule ARN).
template <class Detail>
std::string_view rule_name(const EventBridgeEvent<Detail>& event) noexcept {
  for (const auto& resource : event.resources) {
    if (auto name = rule_name_from_arn(resource); !name.empty()) return name;
  }
  return {};
}

namespace detail {
// "detail-type", "source" and "detail" must be present: "InvalidEvent" naming the first missing.
Result<void> check_eventbridge_envelope(const boost::json::value& event);
}  // namespace detail

// Errors: "InvalidEvent" (400): `detail-type: is required`, `detail.total: expected number`, ...
template <class Detail = boost::json::value>
Result<EventBridgeEvent<Detail>> parse_eventbridge(const boost::json::value& event) {
  if (auto checked = detail::check_eventbridge_envelope(event); !checked) return std::move(checked).error();
  return parse_event<EventBridgeEvent<Detail>>(event);
}

// parse_eventbridge, then source "aws.events" and detail-type "Scheduled Event" are checked.
Result<ScheduledEvent> parse_scheduled(const boost::json::value& event);

// Options of a sample event (`lift events generate eventbridge`).
struct EventBridgeSampleOptions {
  std::string source = "com.example.orders";
  std::string detail_type = "Order Placed";
  std::string detail = R"({"order_id":"o-1","total":42.5})";
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(EventBridgeSampleOptions, (), (source, detail_type, detail, region))

// The EventBridge source (scheduled events are the Scheduled source): one event per
// invocation, routed by its source or detail-type, or by any of its resources with an ARN
// pattern. A handler may take EventBridgeEvent<Detail> for any Detail that binds; what it
// returns (any value that converts to JSON, or nothing) is the answer.
struct EventBridge {
  static constexpr SourceInfo info{"eventbridge", "Amazon EventBridge events (and CloudWatch Events)"};
  using Event = EventBridgeEvent<>;
  using Record = Event;
  using Answer = std::optional<boost::json::value>;
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = EventBridgeSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"source", "the event's source"},
      {"detail_type", "its detail-type"},
      {"detail", "its detail (JSON)"},
      {"region", "the AWS region"},
  };
  // A scheduled event's source and detail-type are refused: that is the Scheduled source.
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_eventbridge(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& event) noexcept;
  static std::string describe(const Record& event);
  static constexpr Failures failures = Failures::fail_invocation;
  template <class Detail>
  static Result<EventBridgeEvent<Detail>> as(std::type_identity<EventBridgeEvent<Detail>>, const Record&,
                                             const boost::json::value& raw) {
    return parse_eventbridge<Detail>(raw);
  }
};
LIFT_EVENT_SOURCE(EventBridge);

// Options of a sample event (`lift events generate scheduled`).
struct ScheduledSampleOptions {
  std::string rule = "nightly";
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(ScheduledSampleOptions, (), (rule, region))

// Scheduled events (EventBridge rules and the EventBridge Scheduler's legacy shape): routed by
// the name of the rule that fired, or its ARN; when no scheduled route matches, the event goes
// on to the EventBridge routes.
struct Scheduled {
  static constexpr SourceInfo info{"scheduled", "scheduled events of EventBridge rules", false, &EventBridge::info};
  using Event = ScheduledEvent;
  using Record = Event;
  using Answer = std::optional<boost::json::value>;
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = ScheduledSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"rule", "the name of the rule that fired"},
      {"region", "the AWS region"},
  };
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_scheduled(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& event) noexcept;
  static std::string describe(const Record& event);
  static constexpr Failures failures = Failures::fail_invocation;
  template <class Detail>
  static Result<EventBridgeEvent<Detail>> as(std::type_identity<EventBridgeEvent<Detail>>, const Record&,
                                             const boost::json::value& raw) {
    return parse_eventbridge<Detail>(raw);
  }
};
LIFT_EVENT_SOURCE(Scheduled);

}  // namespace lift::events
