#pragma once
// What every event model shares: the typed parse with the events layer's error, ARN helpers,
// the time-window fields of stream events, and the conversion of EventBridge's kebab-case
// member names.
//
// Every model is a described struct (BOOST_DESCRIBE_STRUCT) whose member names are the JSON
// member names AWS sends, so it binds like a user type (lift::json::from_json, to_json,
// serialize). Unknown members are ignored; members AWS may omit are std::optional, so that
// to_json writes back what arrived and nothing more.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/core/result.hpp"
#include "lift/events/source.hpp"
#include "lift/json/binding.hpp"

namespace lift::events {

// Error{"InvalidEvent", "<field>: <problem>", 400} (no prefix when `field` is empty), the error
// of every malformed event, as the HTTP adapters report theirs.
Error invalid_event(std::string_view field, std::string_view problem);

// The event as T: lift::json::parse (conversion, then T's rules), with its errors reported as
// "InvalidEvent" (status 400, same message and details naming the JSON path of each problem).
template <class T>
Result<T> parse_event(const boost::json::value& event);

// The parts of an ARN (`arn:partition:service:region:account:resource`); empty when `arn` does
// not have six parts.
struct ArnParts {
  std::string_view partition, service, region, account, resource;
};
std::optional<ArnParts> split_arn(std::string_view arn) noexcept;

// Lambda's tumbling-window fields, present on Kinesis and DynamoDB Streams events of a function
// that aggregates over a window.
struct TimeWindow {
  std::string start;
  std::string end;
};
BOOST_DESCRIBE_STRUCT(TimeWindow, (), (start, end))

// What Kinesis and DynamoDB Streams batches carry when the event source mapping has a tumbling
// window; all absent otherwise.
struct TumblingWindowFields {
  std::optional<TimeWindow> window;
  std::optional<std::map<std::string, std::string>> state;
  std::optional<std::string> shardId;
  std::optional<std::string> eventSourceARN;
  std::optional<bool> isFinalInvokeForWindow;
  std::optional<bool> isWindowTerminatedEarly;
};
BOOST_DESCRIBE_STRUCT(TumblingWindowFields, (),
                      (window, state, shardId, eventSourceARN, isFinalInvokeForWindow, isWindowTerminatedEarly))

namespace detail {

Error remap_to_invalid_event(Error error);

// EventBridge envelopes and most AWS detail payloads name members in kebab-case
// ("detail-type", "request-id"), which C++ cannot spell: for the types that opt in (through
// the lift::json conversion hooks), each '_' of a C++ member name stands for '-' in JSON.
std::string kebab_name(std::string_view member);

template <class T>
Result<void> read_kebab(const boost::json::value& json, T& out) {
  const auto* object = json.if_object();
  if (object == nullptr) return Error{"InvalidBody", "expected object", 400, {ErrorDetail{"", "expected object"}}};
  std::vector<ErrorDetail> details;
  boost::mp11::mp_for_each<lift::json::detail::members_of<T>>([&](auto member) {
    const std::string name = kebab_name(member.name);
    const auto* child = object->if_contains(name);
    if (child == nullptr) return;
    using M = std::remove_cvref_t<decltype(out.*member.pointer)>;
    auto value = lift::json::from_json<M>(*child);
    if (!value) {
      for (auto& d : std::move(value).error().details) {
        std::string field = name;
        if (!d.field.empty() && d.field.front() != '[') field += '.';
        details.push_back(ErrorDetail{field + d.field, std::move(d.message)});
      }
      return;
    }
    out.*member.pointer = std::move(*value);
  });
  if (details.empty()) return {};
  std::string message = details.front().field + ": " + details.front().message;
  return Error{"InvalidBody", std::move(message), 400, std::move(details)};
}

template <class T>
boost::json::value write_kebab(const T& v) {
  boost::json::object out;
  boost::mp11::mp_for_each<lift::json::detail::members_of<T>>([&](auto member) {
    const auto& field = v.*member.pointer;
    if constexpr (lift::json::detail::is_optional_v<std::remove_cvref_t<decltype(field)>>) {
      if (!field) return;
    }
    out.emplace(kebab_name(member.name), lift::json::to_json(field));
  });
  return out;
}

}  // namespace detail

template <class T>
Result<T> parse_event(const boost::json::value& event) {
  auto out = lift::json::parse<T>(event);
  if (!out) return detail::remap_to_invalid_event(std::move(out).error());
  return out;
}

}  // namespace lift::events
