#include "lift/observability/metrics.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <mutex>

#include "invocation_state.hpp"
#include "json_out.hpp"
#include "lift/core/env.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"
#include "lift/core/time.hpp"

namespace lift::observability {

namespace {

constexpr std::array<std::string_view, 27> kUnitNames = {
    "Seconds",          "Microseconds",       "Milliseconds",       "Bytes",           "Kilobytes",
    "Megabytes",        "Gigabytes",          "Terabytes",          "Bits",            "Kilobits",
    "Megabits",         "Gigabits",           "Terabits",           "Percent",         "Count",
    "Bytes/Second",     "Kilobytes/Second",   "Megabytes/Second",   "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second",      "Kilobits/Second",    "Megabits/Second",    "Gigabits/Second", "Terabits/Second",
    "Count/Second",     "None"};
static_assert(static_cast<std::size_t>(Unit::none) + 1 == kUnitNames.size());

// The largest integer a double (and JavaScript, which reads these documents) holds exactly.
constexpr double kMaxSafeInteger = 9007199254740991.0;

Error metrics_error(std::string code, std::string message) { return Error{std::move(code), std::move(message), 500}; }

// Concatenation by append: g++ 12 warns (falsely, bug 105329) on some inlined operator+ chains.
std::string text(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const auto part : parts) out += part;
  return out;
}

// CloudWatch dimension names and values: ASCII, not only whitespace, bounded length; a name
// may not start with ':'.
bool valid_dimension_part(std::string_view text, std::size_t max) {
  if (text.empty() || text.size() > max) return false;
  bool visible = false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c > 0x7E || c < 0x20) return false;
    if (c != ' ') visible = true;
  }
  return visible;
}

// Namespaces: ^(?=.*\S)[a-zA-Z0-9 ._#:/-]+$, at most 256 characters.
bool valid_namespace(std::string_view name) {
  if (name.empty() || name.size() > emf::kMaxNamespaceLength) return false;
  bool visible = false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                    c == '.' || c == '_' || c == '#' || c == ':' || c == '/' || c == '-';
    if (!ok) return false;
    if (c != ' ') visible = true;
  }
  return visible;
}

using DimensionSet = std::vector<Dimension>;

const std::string* find_dimension(const DimensionSet& set, std::string_view name) {
  for (const auto& [key, value] : set) {
    if (key == name) return &value;
  }
  return nullptr;
}

struct Metric {
  std::string name;
  Unit unit = Unit::none;
  StorageResolution resolution = StorageResolution::standard;
  std::vector<double> values;
};

}  // namespace

std::string_view to_string(Unit unit) noexcept {
  const auto index = static_cast<std::size_t>(unit);
  return index < kUnitNames.size() ? kUnitNames[index] : "None";
}

std::optional<Unit> parse_unit(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kUnitNames.size(); ++i) {
    if (kUnitNames[i] == text) return static_cast<Unit>(i);
  }
  return std::nullopt;
}

namespace {

// What one flush writes: the metrics, dimensions and metadata recorded for it, with the
// namespace and default dimensions they go out with.
struct Batch {
  std::string ns;
  DimensionSet defaults;             // service first, then the default dimensions
  DimensionSet dimensions;           // this flush's additions to the main set
  std::vector<DimensionSet> extra;   // this flush's other sets (defaults not included)
  std::vector<Metric> metrics;
  std::vector<std::pair<std::string, boost::json::value>> metadata;
  std::optional<std::chrono::system_clock::time_point> timestamp;

  [[nodiscard]] bool is_dimension(std::string_view name) const {
    if (find_dimension(defaults, name) || find_dimension(dimensions, name)) return true;
    return std::any_of(extra.begin(), extra.end(), [name](const DimensionSet& s) { return find_dimension(s, name); });
  }
  [[nodiscard]] bool is_metric(std::string_view name) const {
    return std::any_of(metrics.begin(), metrics.end(), [name](const Metric& m) { return m.name == name; });
  }
  [[nodiscard]] bool is_metadata(std::string_view key) const {
    return std::any_of(metadata.begin(), metadata.end(), [key](const auto& m) { return m.first == key; });
  }
  // The value a dimension already has somewhere in this flush (one root member per name).
  [[nodiscard]] const std::string* dimension_value(std::string_view name) const {
    if (const auto* v = find_dimension(defaults, name)) return v;
    if (const auto* v = find_dimension(dimensions, name)) return v;
    for (const auto& set : extra) {
      if (const auto* v = find_dimension(set, name)) return v;
    }
    return nullptr;
  }

  Result<void> check_dimension(std::string_view name, std::string_view value) const {
    if (!valid_dimension_part(name, emf::kMaxDimensionNameLength) || name.front() == ':' || name == "_aws")
      return metrics_error("invalid_dimension", "invalid dimension name '" + std::string(name) +
                                                    "': 1 to 250 printable ASCII characters, not starting with ':'");
    if (!valid_dimension_part(value, emf::kMaxDimensionValueLength))
      return metrics_error("invalid_dimension", "invalid value for dimension '" + std::string(name) +
                                                    "': 1 to 1024 printable ASCII characters");
    if (is_metric(name) || is_metadata(name))
      return metrics_error("metric_name_conflict", "dimension '" + std::string(name) + "' is already a metric or metadata key");
    if (const auto* existing = dimension_value(name); existing != nullptr && *existing != value)
      return metrics_error("dimension_value_conflict",
                           "dimension '" + std::string(name) + "' already has another value in this flush");
    return ok();
  }

  // The dimension sets of a document, each as the list of its names.
  [[nodiscard]] std::vector<std::vector<std::string_view>> dimension_sets() const {
    std::vector<std::vector<std::string_view>> sets;
    auto& main = sets.emplace_back();
    for (const auto& d : defaults) main.push_back(d.first);
    for (const auto& d : dimensions) main.push_back(d.first);
    for (const auto& set : extra) {
      auto& names = sets.emplace_back();
      for (const auto& d : defaults) names.push_back(d.first);
      for (const auto& d : set) {
        if (!find_dimension(defaults, d.first)) names.push_back(d.first);
      }
    }
    return sets;
  }

  [[nodiscard]] std::int64_t timestamp_ms() const {
    return epoch_ms(timestamp.value_or(std::chrono::system_clock::now()));
  }

  // One document: the given metrics (name index, first value, value count).
  struct Slice {
    const Metric* metric;
    std::size_t first;
    std::size_t count;
  };
  [[nodiscard]] std::string document(const std::vector<Slice>& slices, std::int64_t ts,
                                     const std::vector<std::vector<std::string_view>>& sets,
                                     const std::vector<std::pair<std::string_view, std::string_view>>& dimension_values,
                                     const std::vector<std::pair<std::string, boost::json::value>>& meta) const {
    std::string out;
    out.reserve(256 + slices.size() * 48);
    out += R"({"_aws":{"Timestamp":)";
    detail::append_int(out, ts);
    out += R"(,"CloudWatchMetrics":[{"Namespace":)";
    detail::append_string(out, ns);
    out += R"(,"Dimensions":[)";
    for (std::size_t s = 0; s < sets.size(); ++s) {
      if (s > 0) out += ',';
      out += '[';
      for (std::size_t i = 0; i < sets[s].size(); ++i) {
        if (i > 0) out += ',';
        detail::append_string(out, sets[s][i]);
      }
      out += ']';
    }
    out += R"(],"Metrics":[)";
    for (std::size_t i = 0; i < slices.size(); ++i) {
      if (i > 0) out += ',';
      out += R"({"Name":)";
      detail::append_string(out, slices[i].metric->name);
      out += R"(,"Unit":")";
      out += to_string(slices[i].metric->unit);
      out += '"';
      // Standard resolution is the default and, as AWS's libraries do, is left out.
      if (slices[i].metric->resolution == StorageResolution::high) out += R"(,"StorageResolution":1)";
      out += '}';
    }
    out += "]}]}";
    for (const auto& [name, value] : dimension_values) {
      out += ',';
      detail::append_string(out, name);
      out += ':';
      detail::append_string(out, value);
    }
    for (const auto& slice : slices) {
      out += ',';
      detail::append_string(out, slice.metric->name);
      out += ':';
      if (slice.count == 1) {
        append_json_number(out, slice.metric->values[slice.first]);
      } else {
        out += '[';
        for (std::size_t k = 0; k < slice.count; ++k) {
          if (k > 0) out += ',';
          append_json_number(out, slice.metric->values[slice.first + k]);
        }
        out += ']';
      }
    }
    for (const auto& [key, value] : meta) {
      out += ',';
      detail::append_string(out, key);
      out += ':';
      detail::append_json(out, value);
    }
    out += "}\n";
    return out;
  }

  [[nodiscard]] Result<std::vector<std::string>> documents() const {
    std::vector<std::string> out;
    if (metrics.empty()) return out;
    if (ns.empty())
      return metrics_error("metrics_namespace_missing",
                           "no metrics namespace: set POWERTOOLS_METRICS_NAMESPACE or call set_namespace");
    const auto sets = dimension_sets();
    std::vector<std::pair<std::string_view, std::string_view>> values;
    const auto add_values = [&values](const DimensionSet& set) {
      for (const auto& dimension : set) {
        const std::string_view name = dimension.first;
        const bool seen = std::any_of(values.begin(), values.end(), [name](const auto& v) { return v.first == name; });
        if (!seen) values.emplace_back(name, dimension.second);
      }
    };
    add_values(defaults);
    add_values(dimensions);
    for (const auto& set : extra) add_values(set);
    const auto ts = timestamp_ms();

    // At most 100 metrics per document and 100 values per metric: a metric with more values
    // continues in the next documents, in the order the metrics were first recorded.
    std::vector<std::size_t> offset(metrics.size(), 0);
    std::vector<Slice> slices;
    slices.reserve(std::min(metrics.size(), emf::kMaxMetricsPerDocument));
    bool remaining = true;
    while (remaining) {
      slices.clear();
      for (std::size_t i = 0; i < metrics.size() && slices.size() < emf::kMaxMetricsPerDocument; ++i) {
        const auto left = metrics[i].values.size() - offset[i];
        if (left == 0) continue;
        const auto count = std::min(left, emf::kMaxValuesPerMetric);
        slices.push_back({&metrics[i], offset[i], count});
        offset[i] += count;
      }
      out.push_back(document(slices, ts, sets, values, metadata));
      remaining = false;
      for (std::size_t i = 0; i < metrics.size(); ++i) remaining = remaining || offset[i] < metrics[i].values.size();
    }
    return out;
  }

  void clear() {
    dimensions.clear();
    extra.clear();
    metrics.clear();
    metadata.clear();
    timestamp.reset();
  }
};

}  // namespace

// Shared by every worker: the settings, the sink, the configuration and what is recorded
// outside any invocation (guarded by `mutex`); each invocation's metrics are its own batch,
// on the thread that runs it.
struct Metrics::State {
  std::string service;
  std::string function_name;
  bool capture_cold_start = false;
  bool warn_on_empty = true;
  std::atomic<bool> first_invocation{true};
  MetricsSink sink;
  MetricsWarning on_warning;

  mutable std::mutex mutex;
  Batch outside;  // the namespace and default dimensions, and metrics recorded outside an invocation
  detail::PerThreadInvocation<Batch> invocations;
  std::recursive_mutex sink_mutex;  // a custom sink or warning hook gets one document at a time

  void write(std::string_view document) noexcept {
    try {
      if (sink) {
        const std::lock_guard lock(sink_mutex);
        sink(document);
        return;
      }
    } catch (...) {
      return;
    }
    write_log_line(stdout, document);
  }

  void warn(std::string_view message) noexcept {
    try {
      if (on_warning) {
        const std::lock_guard lock(sink_mutex);
        on_warning(message);
        return;
      }
      std::string line = "lift metrics: ";
      line += message;
      line += '\n';
      write_log_line(stderr, line);
    } catch (...) {
    }
  }

  // Runs `use` on the batch this thread records into: its invocation's, else the shared one
  // under the lock.
  template <class Use>
  auto with_batch(Use&& use) {
    if (auto* batch = invocations.current()) return std::forward<Use>(use)(*batch);
    const std::lock_guard lock(mutex);
    return std::forward<Use>(use)(outside);
  }

  // Writes `batch` and clears it; errors as flush() reports them.
  Result<void> flush(Batch& batch) noexcept {
    try {
      auto docs = batch.documents();
      batch.clear();
      if (!docs) {
        warn(docs.error().message);
        return std::move(docs).error();
      }
      for (const auto& doc : *docs) write(doc);
      return ok();
    } catch (const std::exception& e) {
      batch.clear();
      return metrics_error("metrics_flush_failed", e.what());
    }
  }

  // What was recorded outside an invocation, written now: the documents are made under the
  // lock, written after it.
  Result<void> flush_outside() noexcept {
    Result<std::vector<std::string>> docs = std::vector<std::string>();
    try {
      const std::lock_guard lock(mutex);
      if (outside.metrics.empty()) {
        outside.clear();
        return ok();
      }
      docs = outside.documents();
      outside.clear();
    } catch (const std::exception& e) {
      const std::lock_guard lock(mutex);
      outside.clear();
      return metrics_error("metrics_flush_failed", e.what());
    }
    if (!docs) {
      warn(docs.error().message);
      return std::move(docs).error();
    }
    for (const auto& doc : *docs) write(doc);
    return ok();
  }
};

Metrics::Metrics(MetricsOptions options) : state_(std::make_unique<State>()) {
  auto& s = *state_;
  s.sink = std::move(options.sink);
  s.on_warning = std::move(options.on_warning);
  auto& config = s.outside;
  config.ns = options.metrics_namespace ? *options.metrics_namespace : env_or("POWERTOOLS_METRICS_NAMESPACE", "");
  if (!config.ns.empty() && !valid_namespace(config.ns)) {
    s.warn("invalid metrics namespace '" + config.ns + "' ignored: 1 to 256 characters of [a-zA-Z0-9 ._#:/-]");
    config.ns.clear();
  }
  s.service = options.service ? *options.service : env_or("POWERTOOLS_SERVICE_NAME", "");
  s.function_name = options.function_name ? *options.function_name : env_or("AWS_LAMBDA_FUNCTION_NAME", "");
  s.capture_cold_start = options.capture_cold_start;
  s.warn_on_empty = options.warn_on_empty;
  if (!s.service.empty() && valid_dimension_part(s.service, emf::kMaxDimensionValueLength))
    config.defaults.emplace_back("service", s.service);
  for (const auto& [name, value] : options.default_dimensions) {
    if (auto added = add_default_dimension(name, value); !added) s.warn(added.error().message);
  }
}

Metrics::~Metrics() {
  if (!state_) return;
  if (auto* batch = state_->invocations.current()) (void)state_->flush(*batch);
  (void)state_->flush_outside();
}

Metrics::Metrics(Metrics&&) noexcept = default;

Metrics& Metrics::operator=(Metrics&& other) noexcept {
  if (this != &other) {
    if (state_) (void)state_->flush_outside();
    state_ = std::move(other.state_);
  }
  return *this;
}

Result<void> Metrics::set_namespace(std::string_view name) {
  if (!valid_namespace(name))
    return metrics_error("invalid_namespace", "invalid metrics namespace: 1 to 256 characters of [a-zA-Z0-9 ._#:/-]");
  auto& s = *state_;
  {
    const std::lock_guard lock(s.mutex);
    s.outside.ns = std::string(name);
  }
  if (auto* batch = s.invocations.current()) batch->ns = std::string(name);
  return ok();
}

const std::string& Metrics::metrics_namespace() const noexcept {
  if (const auto* batch = state_->invocations.current()) return batch->ns;
  const std::lock_guard lock(state_->mutex);
  return state_->outside.ns;
}

namespace {

Result<void> add_default_to(Batch& s, std::string_view name, std::string_view value) {
  for (auto& [existing, current] : s.defaults) {
    if (existing != name) continue;
    if (!valid_dimension_part(value, emf::kMaxDimensionValueLength))
      return metrics_error("invalid_dimension", "invalid value for dimension '" + std::string(name) + "'");
    current = std::string(value);
    return ok();
  }
  if (auto checked = s.check_dimension(name, value); !checked) return checked;
  // Default dimensions join every set, so the widest set of this flush bounds them.
  std::size_t widest = s.dimensions.size();
  for (const auto& set : s.extra) widest = std::max(widest, set.size());
  if (s.defaults.size() + 1 + widest > emf::kMaxDimensionsPerSet)
    return metrics_error("too_many_dimensions", "a dimension set holds at most 30 dimensions");
  s.defaults.emplace_back(name, value);
  return ok();
}

}  // namespace

Result<void> Metrics::add_default_dimension(std::string_view name, std::string_view value) {
  auto& s = *state_;
  // Inside an invocation: checked against (and added to) its batch first, then kept for the
  // invocations to come.
  if (auto* batch = s.invocations.current()) {
    if (auto added = add_default_to(*batch, name, value); !added) return added;
  }
  const std::lock_guard lock(s.mutex);
  return add_default_to(s.outside, name, value);
}

Result<void> Metrics::add_dimension(std::string_view name, std::string_view value) {
  return state_->with_batch([&](Batch& s) -> Result<void> {
    if (find_dimension(s.defaults, name) || find_dimension(s.dimensions, name)) {
      if (const auto* existing = s.dimension_value(name); existing && *existing == value) return ok();
      return metrics_error("dimension_value_conflict", "dimension '" + std::string(name) + "' already has another value");
    }
    if (auto checked = s.check_dimension(name, value); !checked) return checked;
    if (s.defaults.size() + s.dimensions.size() + 1 > emf::kMaxDimensionsPerSet)
      return metrics_error("too_many_dimensions", "a dimension set holds at most 30 dimensions (default dimensions included)");
    s.dimensions.emplace_back(name, value);
    return ok();
  });
}

Result<void> Metrics::add_dimension_set(std::initializer_list<std::pair<std::string_view, std::string_view>> dimensions) {
  return state_->with_batch([&](Batch& s) -> Result<void> {
    DimensionSet set;
    for (const auto& [name, value] : dimensions) {
      if (find_dimension(set, name))
        return metrics_error("invalid_dimension", "dimension '" + std::string(name) + "' appears twice in one set");
      if (const auto* fixed = find_dimension(s.defaults, name)) {
        if (*fixed != value)
          return metrics_error("dimension_value_conflict", "dimension '" + std::string(name) + "' already has another value");
        continue;
      }
      if (auto checked = s.check_dimension(name, value); !checked) return checked;
      set.emplace_back(name, value);
    }
    if (s.defaults.size() + set.size() > emf::kMaxDimensionsPerSet)
      return metrics_error("too_many_dimensions", "a dimension set holds at most 30 dimensions (default dimensions included)");
    s.extra.push_back(std::move(set));
    return ok();
  });
}

Result<void> Metrics::invalid_name(std::string_view name) {
  std::string shown(name.substr(0, 64));
  return metrics_error("invalid_metric_name",
                       "invalid metric name '" + shown + "': 1 to 255 printable ASCII characters, not \"_aws\"");
}

Result<void> Metrics::add(MetricName name, double value, Unit unit, StorageResolution resolution) {
  return add_checked(name.view(), value, unit, resolution);
}

Result<void> Metrics::add_checked(std::string_view name, double value, Unit unit, StorageResolution resolution) {
  if (!std::isfinite(value) || std::fabs(value) > kMaxSafeInteger)
    return metrics_error("invalid_metric_value", "metric '" + std::string(name) + "' needs a finite value within ±2^53");
  if (static_cast<std::size_t>(unit) > static_cast<std::size_t>(Unit::none))
    return metrics_error("invalid_metric_unit", "unknown unit for metric '" + std::string(name) + "'");
  if (resolution != StorageResolution::high && resolution != StorageResolution::standard)
    return metrics_error("invalid_storage_resolution", "storage resolution is 1 or 60");
  return state_->with_batch([&](Batch& s) -> Result<void> {
    for (auto& metric : s.metrics) {
      if (metric.name != name) continue;
      if (metric.unit != unit)
        return metrics_error("metric_unit_conflict", "metric '" + metric.name + "' already recorded in " +
                                                         std::string(to_string(metric.unit)) + " in this flush");
      if (metric.resolution != resolution)
        return metrics_error("metric_resolution_conflict",
                             "metric '" + metric.name + "' already recorded with another storage resolution");
      metric.values.push_back(value);
      return ok();
    }
    if (s.is_dimension(name) || s.is_metadata(name))
      return metrics_error("metric_name_conflict", "'" + std::string(name) + "' is already a dimension or metadata key");
    s.metrics.push_back(Metric{std::string(name), unit, resolution, {value}});
    return ok();
  });
}

Result<void> Metrics::add_metadata(std::string_view key, boost::json::value value) {
  if (key.empty() || key == "_aws")
    return metrics_error("invalid_metadata_key", "metadata keys are non-empty and not \"_aws\"");
  return state_->with_batch([&](Batch& s) -> Result<void> {
    if (s.is_metric(key) || s.is_dimension(key))
      return metrics_error("metric_name_conflict", text({"'", key, "' is already a metric or dimension"}));
    for (auto& [existing, v] : s.metadata) {
      if (existing == key) {
        v = std::move(value);
        return ok();
      }
    }
    s.metadata.emplace_back(std::string(key), std::move(value));
    return ok();
  });
}

void Metrics::set_timestamp(std::chrono::system_clock::time_point time) noexcept {
  state_->with_batch([time](Batch& s) { s.timestamp = time; });
}

std::size_t Metrics::size() const noexcept {
  return state_->with_batch([](const Batch& s) { return s.metrics.size(); });
}

Result<std::vector<std::string>> Metrics::serialize() const {
  return state_->with_batch([](const Batch& s) { return s.documents(); });
}

Result<void> Metrics::flush() noexcept {
  auto& s = *state_;
  if (auto* batch = s.invocations.current()) return s.flush(*batch);
  return s.flush_outside();
}

void Metrics::begin_invocation(const runtime::InvocationContext& /*context*/) noexcept {
  auto& s = *state_;
  const bool cold = s.first_invocation.exchange(false, std::memory_order_relaxed) && s.capture_cold_start;
  std::string ns;
  try {
    // The configuration as it is now; assigned into the entry's strings, which keep their
    // capacity from one invocation to the next.
    const std::lock_guard lock(s.mutex);
    if (auto* batch = s.invocations.begin()) {
      batch->clear();
      batch->ns = s.outside.ns;
      batch->defaults = s.outside.defaults;
    }
    if (cold) ns = s.outside.ns;
  } catch (...) {
    // Out of memory: this invocation's metrics go without their configuration.
  }
  if (!cold) return;
  if (ns.empty()) {
    s.warn("ColdStart metric not written: no metrics namespace");
    return;
  }
  try {
    // Its own document, as Powertools does, so its dimensions stay function_name and service
    // whatever the handler adds.
    Batch single;
    single.ns = std::move(ns);
    if (!s.function_name.empty() && valid_dimension_part(s.function_name, emf::kMaxDimensionValueLength))
      single.defaults.emplace_back("function_name", s.function_name);
    if (!s.service.empty() && valid_dimension_part(s.service, emf::kMaxDimensionValueLength))
      single.defaults.emplace_back("service", s.service);
    single.metrics.push_back(Metric{"ColdStart", Unit::count, StorageResolution::standard, {1.0}});
    auto docs = single.documents();
    if (docs) {
      for (const auto& doc : *docs) s.write(doc);
    }
  } catch (...) {
    // Out of memory: the cold start goes unrecorded rather than failing the invocation.
  }
}

Result<void> Metrics::write_event(MetricName name, double value, Unit unit,
                                  std::initializer_list<std::pair<std::string_view, std::string_view>> dimensions) {
  if (!std::isfinite(value) || std::fabs(value) > kMaxSafeInteger)
    return metrics_error("invalid_metric_value", "metric '" + std::string(name.view()) + "' needs a finite value within ±2^53");
  auto& s = *state_;
  Batch single;
  single.ns = metrics_namespace();
  {
    const std::lock_guard lock(s.mutex);
    single.defaults = s.outside.defaults;
  }
  for (const auto& [dimension, dimension_value] : dimensions) {
    if (auto checked = single.check_dimension(dimension, dimension_value); !checked) return checked;
    single.dimensions.emplace_back(dimension, dimension_value);
  }
  single.metrics.push_back(Metric{std::string(name.view()), unit, StorageResolution::standard, {value}});
  auto documents = single.documents();
  if (!documents) return std::move(documents).error();
  for (const auto& document : *documents) s.write(document);
  return ok();
}

Result<void> Metrics::end_invocation() noexcept {
  auto& s = *state_;
  // Metrics recorded outside an invocation (at init) go out with the first that ends after them.
  auto outside = s.flush_outside();
  auto* batch = s.invocations.current();
  if (batch == nullptr) return outside;
  if (batch->metrics.empty() && s.warn_on_empty) {
    s.warn("No application metrics to publish. The cold-start metric may be published if enabled.");
  }
  auto flushed = s.flush(*batch);
  s.invocations.end();
  if (!flushed) return flushed;
  return outside;
}

}  // namespace lift::observability
