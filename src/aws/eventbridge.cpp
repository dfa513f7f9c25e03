#include "lift/aws/eventbridge.hpp"

#include <cstdint>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kEventBridgePrefix = "EventBridge";
constexpr std::string_view kEventBridgeContentType = "application/x-amz-json-1.1";
constexpr std::size_t kTimeBytes = 14;  // what EventBridge counts for an entry's Time

Error eventbridge_invalid(std::size_t position, std::string why) {
  return Error{std::string(kEventBridgeValidation), "event entry " + std::to_string(position) + ": " + std::move(why), 400};
}

Result<void> check_entry(const EventEntry& entry, std::size_t position) {
  if (entry.source.empty()) return eventbridge_invalid(position, "a source is needed");
  if (entry.detail_type.empty()) return eventbridge_invalid(position, "a detail type is needed");
  boost::system::error_code ec;
  const auto detail = json::parse(entry.detail, ec);
  if (ec || !detail.is_object()) return eventbridge_invalid(position, "the detail must be a JSON object");
  if (const auto size = event_entry_size(entry); size > kEventBridgeMaxCallBytes)
    return eventbridge_invalid(position, "an entry weighs at most 256 KB, not " + std::to_string(size) + " bytes");
  return {};
}

}  // namespace

std::size_t event_entry_size(const EventEntry& entry) {
  std::size_t size = (entry.time ? kTimeBytes : 0) + entry.source.size() + entry.detail_type.size() + entry.detail.size();
  for (const auto& resource : entry.resources) size += resource.size();
  return size;
}

Result<std::vector<std::vector<std::size_t>>> plan_put_events(const std::vector<EventEntry>& entries) {
  std::vector<std::vector<std::size_t>> calls;
  std::size_t call_bytes = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    LIFT_TRY_VOID(check_entry(entries[i], i));
    const auto size = event_entry_size(entries[i]);
    if (calls.empty() || calls.back().size() == kEventBridgeMaxEntriesPerCall || call_bytes + size > kEventBridgeMaxCallBytes) {
      calls.emplace_back();
      call_bytes = 0;
    }
    calls.back().push_back(i);
    call_bytes += size;
  }
  return calls;
}

std::string put_events_body(const std::vector<EventEntry>& entries) {
  json::array list;
  for (const auto& entry : entries) {
    json::object out;
    if (entry.time) {
      // Epoch seconds, with the milliseconds when there are any, as the AWS SDKs write them.
      const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(entry.time->time_since_epoch()).count();
      if (millis % 1000 == 0) out["Time"] = millis / 1000;
      else out["Time"] = static_cast<double>(millis) / 1000.0;
    }
    out["Source"] = entry.source;
    if (!entry.resources.empty()) {
      json::array resources;
      for (const auto& resource : entry.resources) resources.emplace_back(resource);
      out["Resources"] = std::move(resources);
    }
    out["DetailType"] = entry.detail_type;
    out["Detail"] = entry.detail;
    if (!entry.event_bus_name.empty()) out["EventBusName"] = entry.event_bus_name;
    if (!entry.trace_header.empty()) out["TraceHeader"] = entry.trace_header;
    list.push_back(std::move(out));
  }
  return json::serialize(json::object{{"Entries", std::move(list)}});
}

Result<PutEventsResult> parse_put_events(std::string_view body, std::size_t expected) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object())
    return detail::malformed_answer(kEventBridgePrefix, "EventBridge answered with a body that is not a JSON object: " + detail::excerpt(body));
  detail::AnswerReader read(kEventBridgePrefix, value.as_object());
  PutEventsResult result;
  const auto failed_count = read.integer("FailedEntryCount");
  const auto* entries = read.array("Entries");
  if (read.failed()) return read.error();
  if (entries == nullptr || entries->size() != expected)
    return detail::malformed_answer(kEventBridgePrefix, "EventBridge answered PutEvents with " +
                                                 std::to_string(entries == nullptr ? 0 : entries->size()) + " entries for " +
                                                 std::to_string(expected) + " sent");
  for (const auto& element : *entries) {
    if (!element.is_object()) return detail::malformed_answer(kEventBridgePrefix, "EventBridge answered with an entry that is not an object");
    detail::AnswerReader entry(kEventBridgePrefix, element.as_object());
    PutEventsResultEntry out{entry.string("EventId"), entry.string("ErrorCode"), entry.string("ErrorMessage")};
    if (entry.failed()) return entry.error();
    if (out.event_id.empty() == out.error_code.empty())
      return detail::malformed_answer(kEventBridgePrefix, "EventBridge answered with an entry that has neither an EventId nor an ErrorCode, or both");
    if (!out.ok()) ++result.failed_count;
    result.entries.push_back(std::move(out));
  }
  if (failed_count != static_cast<std::int64_t>(result.failed_count))
    return detail::malformed_answer(kEventBridgePrefix, "EventBridge answered with a FailedEntryCount of " + std::to_string(failed_count) +
                                                 " for " + std::to_string(result.failed_count) + " failed entries");
  return result;
}

Error parse_eventbridge_error(int http_status, std::string_view body, std::string_view error_type) {
  return detail::parse_json_error(kEventBridgePrefix, http_status, body, error_type);
}

struct EventBridgeClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}
  detail::ServiceClient service;
};

EventBridgeClient::EventBridgeClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventBridgeClient::EventBridgeClient(EventBridgeClient&&) noexcept = default;
EventBridgeClient& EventBridgeClient::operator=(EventBridgeClient&&) noexcept = default;
EventBridgeClient::~EventBridgeClient() = default;

Result<EventBridgeClient> EventBridgeClient::create(EventBridgeOptions options) {
  LIFT_TRY(config, detail::service_config(std::move(options), kEventBridgePrefix, "events", "AWS_ENDPOINT_URL_EVENTBRIDGE", "events", "EventBridge"));
  return EventBridgeClient(std::make_unique<Impl>(std::move(config)));
}

const std::string& EventBridgeClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& EventBridgeClient::region() const { return impl_->service.region(); }

Result<PutEventsResult> EventBridgeClient::put_events(const std::vector<EventEntry>& entries, Deadline deadline) {
  if (entries.empty()) return Error{std::string(kEventBridgeValidation), "PutEvents needs at least one entry", 400};
  LIFT_TRY(calls, plan_put_events(entries));
  PutEventsResult result;
  result.entries.reserve(entries.size());
  for (std::size_t c = 0; c < calls.size(); ++c) {
    std::vector<EventEntry> batch;
    batch.reserve(calls[c].size());
    for (const auto position : calls[c]) batch.push_back(entries[position]);
    auto response = impl_->service.send("POST", "", detail::json_protocol_headers(kEventBridgeContentType, "AWSEvents.PutEvents"),
                                        put_events_body(batch), deadline, [](const HttpResponse& answer) {
                                          return parse_eventbridge_error(answer.status, answer.body, answer.header("x-amzn-ErrorType"));
                                        });
    auto answer = response ? parse_put_events(response->body, batch.size()) : Result<PutEventsResult>(std::move(response).error());
    if (!answer) {
      if (c == 0) return std::move(answer).error();
      // This call's entries and the later ones were not accepted: each says why.
      const auto& error = answer.error();
      while (result.entries.size() < entries.size()) {
        result.entries.push_back({"", error.code, error.message});
        ++result.failed_count;
      }
      break;
    }
    result.failed_count += answer->failed_count;
    for (auto& entry : answer->entries) result.entries.push_back(std::move(entry));
  }
  return result;
}

}  // namespace lift::aws
