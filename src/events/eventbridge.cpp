#include "lift/events/eventbridge.hpp"

namespace lift::events {

std::string_view rule_name_from_arn(std::string_view arn) noexcept {
  const auto parts = split_arn(arn);
  if (!parts || parts->service != "events" || !parts->resource.starts_with("rule/")) return {};
  const auto name = parts->resource.substr(5);
  // A rule on a custom bus: rule/<bus>/<name>.
  const auto slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

namespace detail {

Result<void> check_eventbridge_envelope(const boost::json::value& event) {
  const auto* object = event.if_object();
  if (object == nullptr) return invalid_event("", "expected object");
  for (const char* name : {"detail-type", "source", "detail"}) {
    const auto* member = object->if_contains(name);
    if (member == nullptr || member->is_null()) return invalid_event(name, "is required");
  }
  return {};
}

}  // namespace detail

Result<ScheduledEvent> parse_scheduled(const boost::json::value& event) {
  auto out = parse_eventbridge(event);
  if (!out) return out;
  if (out->source != "aws.events") return invalid_event("source", "expected \"aws.events\"");
  if (out->detail_type != "Scheduled Event") return invalid_event("detail-type", "expected \"Scheduled Event\"");
  return out;
}

}  // namespace lift::events
