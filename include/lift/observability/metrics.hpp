#pragma once
// CloudWatch metrics as Embedded Metric Format (EMF) documents written to stdout, which
// CloudWatch Logs turns into metrics: no API call, no network on the invocation path.
//
// Driven per invocation like Powertools' Metrics:
//   metrics.begin_invocation(ctx);   // ColdStart metric on the first one, when enabled
//   metrics.add("OrdersPlaced", 1, Unit::count);
//   metrics.end_invocation();        // one or more EMF documents, then cleared
// What is still pending when the object is destroyed is flushed (shutdown).
//
// Thread safety: one Metrics may be shared by every worker of lift::run(app)
// (AWS_LAMBDA_MAX_CONCURRENCY > 1). Between begin_invocation and end_invocation, what a thread
// records (metrics, dimensions, metadata, timestamp) belongs to the invocation that thread runs
// and is flushed as that invocation's own documents; the runtime runs each invocation on one
// thread, start to end. What is recorded outside an invocation (at init, on a thread a handler
// started) is shared, under a lock, and goes out with the next flush outside an invocation or
// the next invocation to end. The namespace and default dimensions are shared configuration:
// changes apply from the next invocation on (and to the calling thread's own at once). The
// ColdStart metric is written once per object; the sink gets one document at a time.

#include <boost/json/value.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/runtime/context.hpp"

namespace lift::observability {

// Every unit CloudWatch accepts.
enum class Unit : std::uint8_t {
  seconds,
  microseconds,
  milliseconds,
  bytes,
  kilobytes,
  megabytes,
  gigabytes,
  terabytes,
  bits,
  kilobits,
  megabits,
  gigabits,
  terabits,
  percent,
  count,
  bytes_per_second,
  kilobytes_per_second,
  megabytes_per_second,
  gigabytes_per_second,
  terabytes_per_second,
  bits_per_second,
  kilobits_per_second,
  megabits_per_second,
  gigabits_per_second,
  terabits_per_second,
  count_per_second,
  none,
};

// CloudWatch's spelling: "Milliseconds", "Bytes/Second", "None", ...
std::string_view to_string(Unit unit) noexcept;
std::optional<Unit> parse_unit(std::string_view text) noexcept;

// 1: high resolution (per-second); 60: standard.
enum class StorageResolution : std::uint8_t { high = 1, standard = 60 };

namespace emf {

inline constexpr std::size_t kMaxMetricsPerDocument = 100;
inline constexpr std::size_t kMaxValuesPerMetric = 100;
inline constexpr std::size_t kMaxDimensionsPerSet = 30;
inline constexpr std::size_t kMaxMetricNameLength = 255;  // CloudWatch's MetricName limit
inline constexpr std::size_t kMaxDimensionNameLength = 250;
inline constexpr std::size_t kMaxDimensionValueLength = 1024;
inline constexpr std::size_t kMaxNamespaceLength = 256;

// 1 to 255 printable ASCII characters, not only spaces, and not the reserved "_aws".
constexpr bool valid_metric_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > kMaxMetricNameLength || name == "_aws") return false;
  bool visible = false;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E) return false;
    if (c != ' ') visible = true;
  }
  return visible;
}

}  // namespace emf

// A metric name known at compile time, checked at compile time: `metrics.add("Latency", ...)`
// with a string literal goes through this type, so an invalid literal does not compile.
class MetricName {
 public:
  template <std::size_t N>
  consteval MetricName(const char (&name)[N]) : name_(name, N - 1) {  // NOLINT: implicit by design
    if (!emf::valid_metric_name(name_)) throw "invalid CloudWatch metric name: 1 to 255 printable ASCII characters";
  }
  [[nodiscard]] constexpr std::string_view view() const noexcept { return name_; }

 private:
  std::string_view name_;
};

using Dimension = std::pair<std::string, std::string>;

// Receives one EMF document, newline included. The default writes it to stdout with one
// write(2).
using MetricsSink = std::function<void(std::string_view document)>;
using MetricsWarning = std::function<void(std::string_view message)>;

struct MetricsOptions {
  // Unset: POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME. The service, when known,
  // is a default dimension named "service".
  std::optional<std::string> metrics_namespace;
  std::optional<std::string> service;
  // Dimensions on every document, kept across flushes.
  std::vector<Dimension> default_dimensions;
  // Emit a ColdStart metric (Count 1, dimensions function_name and service) in its own
  // document on the first invocation.
  bool capture_cold_start = false;
  // Unset: AWS_LAMBDA_FUNCTION_NAME.
  std::optional<std::string> function_name;
  // Say so (through on_warning) when an invocation ends with no metrics.
  bool warn_on_empty = true;
  MetricsSink sink;
  // Default: one line on stderr.
  MetricsWarning on_warning;
};

class Metrics {
 public:
  explicit Metrics(MetricsOptions options = {});
  ~Metrics();  // flushes what is pending
  Metrics(Metrics&&) noexcept;
  Metrics& operator=(Metrics&&) noexcept;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  Result<void> set_namespace(std::string_view name);
  [[nodiscard]] const std::string& metrics_namespace() const noexcept;
  Result<void> add_default_dimension(std::string_view name, std::string_view value);

  // Adds to this flush's main dimension set (the one with the service and default dimensions).
  Result<void> add_dimension(std::string_view name, std::string_view value);
  // Starts another dimension set for this flush: the default dimensions plus `dimensions`.
  Result<void> add_dimension_set(std::initializer_list<std::pair<std::string_view, std::string_view>> dimensions);

  // Records a value; a metric given several values is written as an array. Errors: an invalid
  // name or value, a name already used in this flush with another unit or resolution, or used
  // by a dimension or metadata key.
  Result<void> add(MetricName name, double value, Unit unit = Unit::none,
                   StorageResolution resolution = StorageResolution::standard);
  // Names only known at run time (checked at run time).
  template <class S>
    requires(std::convertible_to<const S&, std::string_view> && !std::is_array_v<S>)
  Result<void> add(const S& name, double value, Unit unit = Unit::none,
                   StorageResolution resolution = StorageResolution::standard) {
    const std::string_view view = name;
    if (!emf::valid_metric_name(view)) return invalid_name(view);
    return add_checked(view, value, unit, resolution);
  }

  // A top-level member of the documents (searchable in CloudWatch Logs, not a metric).
  Result<void> add_metadata(std::string_view key, boost::json::value value);
  // The `_aws.Timestamp` of the next flush (default: the flush time).
  void set_timestamp(std::chrono::system_clock::time_point time) noexcept;

  // Number of distinct metrics pending (for this thread's invocation, inside one).
  [[nodiscard]] std::size_t size() const noexcept;

  // The documents the pending metrics make, without writing or clearing them.
  [[nodiscard]] Result<std::vector<std::string>> serialize() const;
  // Writes the pending metrics and clears them with this flush's dimensions and metadata
  // (default dimensions and the namespace stay). Nothing pending: nothing written. Inside an
  // invocation, this thread's invocation's metrics; outside, the shared ones.
  Result<void> flush() noexcept;

  // Writes one document now, on its own: `name` with `value`, the service and default
  // dimensions plus `dimensions` as its one dimension set, in the namespace in effect. Nothing
  // pending is touched, so an event seen in the middle of an invocation (a circuit breaker's
  // state change) neither takes nor gives the invocation's dimensions. Errors: as add() and
  // add_dimension(), or no namespace.
  Result<void> write_event(MetricName name, double value, Unit unit,
                           std::initializer_list<std::pair<std::string_view, std::string_view>> dimensions);

  void begin_invocation(const runtime::InvocationContext& context) noexcept;
  // flush() of this thread's invocation, with the warning when nothing was recorded, and of
  // what was recorded outside an invocation since the last flush.
  Result<void> end_invocation() noexcept;

 private:
  static Result<void> invalid_name(std::string_view name);
  Result<void> add_checked(std::string_view name, double value, Unit unit, StorageResolution resolution);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lift::observability
