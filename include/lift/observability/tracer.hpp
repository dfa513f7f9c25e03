#pragma once
// AWS X-Ray tracing: subsegments of the segment Lambda records for each invocation, sent as
// independent subsegment documents over UDP to the X-Ray daemon (AWS_XRAY_DAEMON_ADDRESS).
//
//   tracer.begin_invocation(ctx);                        // reads Root/Parent/Sampled
//   {
//     auto handler = tracer.begin_handler_subsegment("orders");
//     auto call = tracer.begin_subsegment("DynamoDB", SubsegmentNamespace::aws);
//     call.set_aws({.operation = "PutItem", .table_name = "orders"});
//     http_headers["X-Amzn-Trace-Id"] = tracer.propagation_header();
//   }                                                    // each sent as it ends
//   tracer.end_invocation();
//
// Nothing is recorded or sent when the invocation has no trace header or is not sampled.
// Sending never blocks (a non-blocking datagram; a full socket buffer drops it).
//
// Thread safety: one Tracer may be shared by every worker of lift::run(app)
// (AWS_LAMBDA_MAX_CONCURRENCY > 1). The trace, the sampling decision and the stack of open
// subsegments belong to the invocation the calling thread runs (the runtime runs each on one
// thread, start to end), so subsegments of concurrent invocations never take each other as
// parent. A Subsegment belongs to the invocation it was begun in: end it on that invocation's
// thread. The socket, the sink (one datagram at a time) and the counters are shared.

#include <boost/json/value.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "lift/core/result.hpp"
#include "lift/runtime/context.hpp"

namespace lift::observability {

// The X-Ray trace header: `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`.
struct TraceHeader {
  std::string root;              // 1-<8 hex epoch seconds>-<24 hex>
  std::string parent;            // 16 hex; empty when absent
  std::optional<bool> sampled;   // nullopt when absent or "?" (not decided)
  std::string lineage;           // kept only to propagate it

  // Error "invalid_trace_header" when Root is missing or malformed, or Parent or Sampled is
  // malformed. Unknown keys are ignored.
  static Result<TraceHeader> parse(std::string_view header);
  [[nodiscard]] std::string to_string() const;
};

enum class SubsegmentNamespace : std::uint8_t { none, aws, remote };

// The `aws` block of a subsegment for a call to an AWS service.
struct AwsCall {
  std::string operation;   // "PutItem"
  std::string region;
  std::string request_id;  // x-amzn-RequestId of the answer
  std::string table_name;  // DynamoDB
  std::string queue_url;   // SQS
  std::optional<int> retries;
};

// The `http` block of a subsegment for an outbound HTTP call.
struct HttpCall {
  std::string method;
  std::string url;
  int status = 0;  // 0: no response
  std::optional<std::uint64_t> content_length;
};

// An annotation value: X-Ray indexes strings, numbers and booleans.
class AnnotationValue {
 public:
  using Storage = std::variant<std::string, std::int64_t, double, bool>;
  AnnotationValue(const char* text) : value_(std::string(text != nullptr ? text : "")) {}  // NOLINT: implicit
  AnnotationValue(std::string_view text) : value_(std::string(text)) {}                // NOLINT
  AnnotationValue(std::string text) noexcept : value_(std::move(text)) {}               // NOLINT
  AnnotationValue(bool flag) noexcept : value_(flag) {}                                  // NOLINT
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  AnnotationValue(T number) noexcept : value_(static_cast<std::int64_t>(number)) {}  // NOLINT
  template <std::floating_point T>
  AnnotationValue(T number) noexcept : value_(static_cast<double>(number)) {}  // NOLINT
  [[nodiscard]] const Storage& get() const noexcept { return value_; }

 private:
  Storage value_;
};

namespace detail {
struct TracerCore;
struct SubsegmentData;
}  // namespace detail

// One timed unit of work. Ends (and is sent) on end() or destruction. A default-constructed
// or unsampled Subsegment records nothing and all its calls are cheap no-ops.
class Subsegment {
 public:
  Subsegment() noexcept;
  ~Subsegment();
  Subsegment(Subsegment&& other) noexcept;
  Subsegment& operator=(Subsegment&& other) noexcept;
  Subsegment(const Subsegment&) = delete;
  Subsegment& operator=(const Subsegment&) = delete;

  // Recorded and to be sent.
  [[nodiscard]] bool active() const noexcept;
  // 16 hex characters; empty when not active.
  [[nodiscard]] const std::string& id() const noexcept;

  // Keys: 1 to 500 characters of [A-Za-z0-9_] (what X-Ray can filter on); at most 50 per
  // subsegment; strings cut at 1000 characters. Error "invalid_annotation".
  Result<void> annotate(std::string_view key, AnnotationValue value);
  // Under metadata.<ns>.<key>; namespaces starting with "AWS." are X-Ray's. Error
  // "invalid_metadata".
  Result<void> add_metadata(std::string_view key, boost::json::value value, std::string_view ns = "default");

  void set_error() noexcept;     // a client error (4xx)
  void set_fault() noexcept;     // a server error (5xx)
  void set_throttle() noexcept;  // throttled (429); also an error
  // Records a cause.exceptions entry (type, message) and marks the subsegment as a fault.
  void add_exception(const std::exception& error, bool remote = false) noexcept;
  void add_exception(std::exception_ptr error, bool remote = false) noexcept;
  void set_namespace(SubsegmentNamespace ns) noexcept;
  // Fills the `aws` block and sets namespace aws.
  void set_aws(const AwsCall& call) noexcept;
  // Fills the `http` block and sets namespace remote; 429 → throttle, 4xx → error, 5xx → fault.
  void set_http(const HttpCall& call) noexcept;

  // A child of this subsegment.
  [[nodiscard]] Subsegment begin_subsegment(std::string_view name, SubsegmentNamespace ns = SubsegmentNamespace::none);

  // Sets end_time and sends the document. Later calls do nothing.
  void end() noexcept;

 private:
  friend class Tracer;
  Subsegment(std::shared_ptr<detail::TracerCore> core, std::unique_ptr<detail::SubsegmentData> data) noexcept;

  std::shared_ptr<detail::TracerCore> core_;
  std::unique_ptr<detail::SubsegmentData> data_;
};

// Receives each datagram (header line and document) instead of the UDP socket.
using TraceSink = std::function<void(std::string_view datagram)>;

struct TracerOptions {
  // Unset: AWS_XRAY_DAEMON_ADDRESS ("host:port", or Lambda's "udp:host:port tcp:host:port"),
  // else 127.0.0.1:2000.
  std::optional<std::string> daemon_address;
  // Unset: POWERTOOLS_SERVICE_NAME; the Service annotation of handler subsegments.
  std::optional<std::string> service;
  // Unset: enabled unless POWERTOOLS_TRACE_DISABLED is "true" or "1".
  std::optional<bool> enabled;
  TraceSink sink;
};

class Tracer {
 public:
  static constexpr std::string_view kHeaderName = "X-Amzn-Trace-Id";

  explicit Tracer(TracerOptions options = {});

  // Starts the calling thread's invocation. Takes the trace from context.trace_id, else from
  // _X_AMZN_TRACE_ID. A malformed header means no tracing for this invocation.
  void begin_invocation(const runtime::InvocationContext& context) noexcept;
  // The same from a header value; returns why it was rejected.
  Result<void> begin_invocation(std::string_view trace_header) noexcept;
  // Forgets the trace; subsegments still open are not sent.
  void end_invocation() noexcept;

  // Of the calling thread's invocation (false and nullopt outside one).
  [[nodiscard]] bool sampled() const noexcept;
  [[nodiscard]] const std::optional<TraceHeader>& trace() const noexcept;

  // A child of the innermost open subsegment, else of Lambda's segment.
  [[nodiscard]] Subsegment begin_subsegment(std::string_view name, SubsegmentNamespace ns = SubsegmentNamespace::none);
  // "## <handler>" with the ColdStart and Service annotations, as Powertools records it.
  [[nodiscard]] Subsegment begin_handler_subsegment(std::string_view handler);

  // The X-Amzn-Trace-Id value for an outbound call: this trace, the innermost open
  // subsegment as Parent, the sampling decision. Empty without a trace.
  [[nodiscard]] std::string propagation_header() const;

  // Datagrams sent, and dropped (too large, socket errors).
  [[nodiscard]] std::size_t sent() const noexcept;
  [[nodiscard]] std::size_t dropped() const noexcept;

 private:
  std::shared_ptr<detail::TracerCore> core_;
};

}  // namespace lift::observability
