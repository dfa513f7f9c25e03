#pragma once
// Amazon EventBridge's PutEvents over the JSON protocol (application/x-amz-json-1.1, X-Amz-Target
// AWSEvents.PutEvents, SigV4 service "events"). Any number of entries: they are sent in calls of
// at most 10 entries and 256 KB (entry sizes computed as EventBridge documents them), each retried
// by the standard policy and bounded by the caller's deadline; every entry's event id or error
// comes back in the order given.
//
//   auto events = lift::aws::EventBridgeClient::create();
//   if (!events) return events.error();
//   auto put = events->put_events({{.source = "com.acme.orders", .detail_type = "OrderPlaced",
//                                   .detail = R"({"id":"42"})"}}, std::chrono::steady_clock::now() + 2s);
//   if (put && put->failed_count > 0) retry_later(put->entries);
//
// Thread safety: a client's settings are fixed once created and it sends over a thread-safe
// HTTP client and credentials chain; share one across every worker of lift::run(app).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "EventBridge." and the AWS error name without its "Exception" suffix
// ("EventBridge.ResourceNotFound", "EventBridge.AccessDenied", ...).
inline constexpr std::string_view kEventBridgeThrottling = "EventBridge.Throttling";  // retried
// Entries EventBridge would refuse, answered without a call (no source, detail that is not a
// JSON object, an entry over 256 KB, ...).
inline constexpr std::string_view kEventBridgeValidation = "EventBridge.Validation";
// An answer that is not EventBridge's JSON (status kept, 502 for a 2xx).
inline constexpr std::string_view kEventBridgeMalformedResponse = "EventBridge.MalformedResponse";

inline constexpr std::size_t kEventBridgeMaxEntriesPerCall = 10;
inline constexpr std::size_t kEventBridgeMaxCallBytes = 256 * 1024;

using EventBridgeOptions = ServiceOptions;

struct EventEntry {
  std::string source{};       // "com.acme.orders"
  std::string detail_type{};  // "OrderPlaced"
  std::string detail{};       // a JSON object, as text
  std::vector<std::string> resources{};  // ARNs
  std::string event_bus_name{};          // name or ARN; empty: the account's default bus
  std::optional<std::chrono::system_clock::time_point> time{};  // unset: when EventBridge receives it
  std::string trace_header{};            // an X-Ray trace header to carry on
};

// What became of one entry: an event id, or EventBridge's error code and message.
struct PutEventsResultEntry {
  std::string event_id{};
  std::string error_code{};  // EventBridge's ("InternalFailure", "ThrottlingException", ...), or
                             // the code of the error a call failed with, for entries never accepted
  std::string error_message{};
  [[nodiscard]] bool ok() const { return error_code.empty(); }
};

struct PutEventsResult {
  std::size_t failed_count = 0;
  std::vector<PutEventsResultEntry> entries{};  // one per entry given, in order
};

class EventBridgeClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<EventBridgeClient> create(EventBridgeOptions options = {});

  EventBridgeClient(EventBridgeClient&&) noexcept;
  EventBridgeClient& operator=(EventBridgeClient&&) noexcept;
  ~EventBridgeClient();

  // The calls go one after the other. The result is an error only when nothing was accepted:
  // bad entries (kEventBridgeValidation) or the first call failing. When a later call fails, the
  // entries of that call and of those after it (not sent) are failed entries carrying that
  // error's code and message, and the entries already accepted keep their event ids.
  Result<PutEventsResult> put_events(const std::vector<EventEntry>& entries, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit EventBridgeClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Pure halves, for tests and fuzzing.
//
// An entry's size as EventBridge counts it: 14 bytes for a time, and the UTF-8 bytes of the
// source, detail type, detail and each resource.
std::size_t event_entry_size(const EventEntry& entry);

// The entries' positions split into calls in order: at most 10 entries and 256 KB per call.
// Errors: kEventBridgeValidation (400) for an entry EventBridge would refuse, naming its position.
Result<std::vector<std::vector<std::size_t>>> plan_put_events(const std::vector<EventEntry>& entries);

// The JSON body of one PutEvents call with `entries`.
std::string put_events_body(const std::vector<EventEntry>& entries);

// A PutEvents answer for `expected` entries. Errors: kEventBridgeMalformedResponse (502) for a
// body that is not the answer's JSON or holds another number of entries.
Result<PutEventsResult> parse_put_events(std::string_view body, std::size_t expected);

// EventBridge's error answer as an Error coded as described above. Never fails.
Error parse_eventbridge_error(int http_status, std::string_view body, std::string_view error_type = {});

}  // namespace lift::aws
