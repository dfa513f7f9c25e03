#include "lift/events/eventbridge.hpp"

#include <chrono>

#include <boost/json/parse.hpp>

#include "lift/core/glob.hpp"
#include "lift/core/time.hpp"
#include "lift/core/uuid.hpp"

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

namespace {

// EventBridge's envelope: detail-type and source strings, and a detail.
bool is_envelope(const boost::json::value& event) noexcept {
  const auto* object = event.if_object();
  return object != nullptr && !string_member(event, "detail-type").empty() && !string_member(event, "source").empty() &&
         object->contains("detail");
}

bool is_scheduled(const boost::json::value& event) noexcept {
  return string_member(event, "detail-type") == "Scheduled Event" && string_member(event, "source") == "aws.events";
}

// A sample event: the envelope around `detail`.
boost::json::value sample_envelope(std::string_view source, std::string_view detail_type, boost::json::array resources,
                                   boost::json::value detail, std::string_view region) {
  return boost::json::object{{"version", "0"},
                             {"id", uuid()},
                             {"detail-type", detail_type},
                             {"source", source},
                             {"account", kSampleAccount},
                             {"time", rfc3339(std::chrono::system_clock::now(), Fraction::none)},
                             {"region", region},
                             {"resources", std::move(resources)},
                             {"detail", std::move(detail)}};
}

void summarize_envelope(const boost::json::value& event, Summary& out) {
  out.note(parse_eventbridge(event));
  out.add("event_source", string_member(event, "source"));
  out.add("detail_type", string_member(event, "detail-type"));
}

}  // namespace

bool EventBridge::detect(const boost::json::value& event) noexcept { return is_envelope(event) && !is_scheduled(event); }

void EventBridge::summarize(const boost::json::value& event, Summary& out) { summarize_envelope(event, out); }

bool EventBridge::matches(std::string_view pattern, const Record& event) noexcept {
  if (pattern.starts_with("arn:")) {
    for (const auto& resource : event.resources) {
      if (glob_match(pattern, resource)) return true;
    }
    return false;
  }
  return glob_match(pattern, event.source) || glob_match(pattern, event.detail_type);
}

std::string EventBridge::describe(const Record& event) {
  return "the EventBridge event (source \"" + event.source + "\", detail-type \"" + event.detail_type + "\")";
}

bool Scheduled::detect(const boost::json::value& event) noexcept { return is_envelope(event) && is_scheduled(event); }

void Scheduled::summarize(const boost::json::value& event, Summary& out) {
  summarize_envelope(event, out);
  auto scheduled = parse_scheduled(event);
  out.note(scheduled);
  if (scheduled) out.add("rule", rule_name(*scheduled));
}

bool Scheduled::matches(std::string_view pattern, const Record& event) noexcept {
  for (const auto& resource : event.resources) {
    const auto name = rule_name_from_arn(resource);
    if (!name.empty() && name_or_arn(pattern, name, resource)) return true;
  }
  return false;
}

std::string Scheduled::describe(const Record& event) {
  const auto rule = rule_name(event);
  return rule.empty() ? std::string("a scheduled event of no rule") : "the schedule rule " + std::string(rule);
}

Result<ScheduledEvent> parse_scheduled(const boost::json::value& event) {
  auto out = parse_eventbridge(event);
  if (!out) return out;
  if (out->source != "aws.events") return invalid_event("source", "expected \"aws.events\"");
  if (out->detail_type != "Scheduled Event") return invalid_event("detail-type", "expected \"Scheduled Event\"");
  return out;
}

Result<boost::json::value> EventBridge::sample(const SampleOptions& options) {
  if (options.source.empty() || options.detail_type.empty()) return invalid_sample("an event has a source and a detail-type");
  if (options.region.empty()) return invalid_sample("the region is empty");
  boost::json::error_code error;
  auto detail = boost::json::parse(options.detail, error);
  if (error) return invalid_sample("the detail is not JSON: " + error.message());
  auto event = sample_envelope(options.source, options.detail_type, {}, std::move(detail), options.region);
  if (is_scheduled(event)) return invalid_sample("that is a scheduled event: the scheduled source's sample makes those");
  return event;
}

Result<boost::json::value> Scheduled::sample(const SampleOptions& options) {
  if (options.rule.empty()) return invalid_sample("the rule's name is empty");
  if (options.region.empty()) return invalid_sample("the region is empty");
  const std::string rule = "arn:aws:events:" + options.region + ":" + std::string(kSampleAccount) + ":rule/" + options.rule;
  return sample_envelope("aws.events", "Scheduled Event", {boost::json::value(rule)}, boost::json::object{}, options.region);
}

}  // namespace lift::events
