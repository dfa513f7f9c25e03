#include "lift/observability/logger.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <deque>
#include <atomic>
#include <mutex>
#include <random>

#include "invocation_state.hpp"
#include "json_out.hpp"
#include "lift/core/env.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"

namespace lift::observability {

namespace detail {

// The invocation a thread runs, as its lines see it.
struct LoggerInvocation {
  bool cold_start = false;
  bool sampled = false;
  bool flushing = false;  // the eviction warning of a flush is written, never buffered
  std::string request_id;
  std::string function_arn;
  std::string xray_trace_id;
  std::string correlation_id;
  std::vector<LogField> invocation_keys;

  std::deque<std::string> buffered;
  std::size_t buffered_bytes = 0;
  std::size_t evicted = 0;

  void clear() noexcept {
    cold_start = false;
    sampled = false;
    flushing = false;
    request_id.clear();
    function_arn.clear();
    xray_trace_id.clear();
    correlation_id.clear();
    invocation_keys.clear();
    buffered.clear();
    buffered_bytes = 0;
    evicted = 0;
  }
};

// State shared by a logger and its children: settings (fixed once constructed), the sink and
// the invocation each thread runs.
struct LoggerCore {
  std::string service;
  LogLevel level = LogLevel::info;              // configured level with the ALC floor applied
  std::optional<LogLevel> alc_floor;            // AWS_LAMBDA_LOG_LEVEL
  LogFormat format = LogFormat::json;
  double sample_rate = 0;
  std::string function_name;
  int function_memory_mb = 0;
  LogSink sink;
  MaskHook mask;
  LogBufferOptions buffer;
  std::size_t max_string = 64 * 1024;

  std::atomic<bool> first_invocation{true};
  PerThreadInvocation<LoggerInvocation> invocations;
  // A custom sink gets one line at a time; recursive, as a sink may itself log. (The default
  // writer needs none: write_log_line writes a whole line under the stream's lock.)
  std::recursive_mutex sink_mutex;

  [[nodiscard]] LogLevel current_level(const LoggerInvocation* invocation) const noexcept {
    if (invocation == nullptr || !invocation->sampled) return level;
    return alc_floor ? std::max(LogLevel::debug, *alc_floor) : LogLevel::debug;
  }

  void emit(std::string_view text) noexcept {
    try {
      if (sink) {
        const std::lock_guard lock(sink_mutex);
        sink(text);
        return;
      }
    } catch (...) {
      return;  // a throwing sink loses its line, never the process
    }
    write_log_line(stdout, text);
  }
};

}  // namespace detail

namespace {

using detail::append_string;

// Per thread: the line being formatted (reused: no allocation once it has grown) and the
// debug-sampling draw.
struct ThreadScratch {
  std::string line;
  bool writing = false;  // a sink that logs must not reuse `line` while it is being written
  std::mt19937_64 rng;
  bool seeded = false;
};

ThreadScratch& scratch() noexcept {
  thread_local ThreadScratch state;
  return state;
}

constexpr std::array<std::string_view, 13> kStandardKeys = {
    "level",        "message",          "timestamp",     "service",        "cold_start",     "function_name",
    "function_memory_size", "function_arn", "function_request_id", "xray_trace_id", "sampling_rate", "correlation_id",
    "error"};

bool is_standard_key(std::string_view key) {
  return std::find(kStandardKeys.begin(), kStandardKeys.end(), key) != kStandardKeys.end();
}

void upsert(std::vector<LogField>& keys, const LogField& field) {
  if (is_standard_key(field.key)) return;
  for (auto& existing : keys) {
    if (existing.key == field.key) {
      existing.value = field.value;
      return;
    }
  }
  keys.push_back(field);
}

bool contains_key(const LogField* begin, const LogField* end, std::string_view key) {
  return std::any_of(begin, end, [key](const LogField& f) { return f.key == key; });
}

std::optional<double> parse_rate(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !(value >= 0) || value > 1) return std::nullopt;
  return value;
}

int parse_int(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() ? value : 0;
}

// The Root of an X-Ray header ("Root=1-...;Parent=...;Sampled=1"), which is what Powertools
// logs as xray_trace_id.
std::string trace_root(std::string_view header) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, 5) == "Root=") return std::string(part.substr(5));
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

void append_value(std::string& out, const LogValue& value, std::size_t max_string) {
  std::visit(
      [&out, max_string](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::nullptr_t>) {
          out += "null";
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          detail::append_int(out, v);
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
          detail::append_uint(out, v);
        } else if constexpr (std::is_same_v<T, double>) {
          append_json_number(out, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          append_string(out, v, max_string);
        } else {
          detail::append_json(out, v, max_string);
        }
      },
      value.get());
}

// Plain text for the Text format: one physical line, control characters replaced (newlines
// become carriage returns, as Lambda's own runtimes do, so CloudWatch keeps one event).
void append_text(std::string& out, std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) text = text.substr(0, max_bytes);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      out += '\r';
    } else if (c < 0x20 && c != '\t' && c != '\r') {
      out += ' ';
    } else {
      out += ch;
    }
  }
}

}  // namespace

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warn: return "WARN";
    case LogLevel::error: return "ERROR";
    case LogLevel::critical: return "CRITICAL";
  }
  return "INFO";
}

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  std::array<char, 10> lower{};
  if (text.empty() || text.size() > lower.size()) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view name(lower.data(), text.size());
  if (name == "trace" || name == "debug") return LogLevel::debug;
  if (name == "info") return LogLevel::info;
  if (name == "warn" || name == "warning") return LogLevel::warn;
  if (name == "error") return LogLevel::error;
  if (name == "critical" || name == "fatal") return LogLevel::critical;
  return std::nullopt;
}

Logger::Logger(LoggerOptions options) : core_(std::make_shared<detail::LoggerCore>()) {
  auto& core = *core_;
  core.service = options.service ? *options.service : env_or("POWERTOOLS_SERVICE_NAME", "service_undefined");

  std::optional<LogLevel> configured = options.level;
  if (!configured) {
    for (const char* name : {"LIFT_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL"}) {
      if (auto text = env(name); text && !text->empty()) {
        configured = parse_log_level(*text);
        if (configured) break;
      }
    }
  }
  if (auto text = env("AWS_LAMBDA_LOG_LEVEL"); text && !text->empty()) core.alc_floor = parse_log_level(*text);
  core.level = configured.value_or(LogLevel::info);
  const bool below_alc = core.alc_floor && core.level < *core.alc_floor;
  const LogLevel wanted = core.level;
  if (below_alc) core.level = *core.alc_floor;  // Lambda drops the lower lines anyway

  if (options.format) {
    core.format = *options.format;
  } else if (auto text = env("AWS_LAMBDA_LOG_FORMAT"); text && (*text == "Text" || *text == "TEXT" || *text == "text")) {
    core.format = LogFormat::text;
  }

  if (options.sample_rate) {
    core.sample_rate = std::clamp(*options.sample_rate, 0.0, 1.0);
  } else if (auto text = env("POWERTOOLS_LOGGER_SAMPLE_RATE"); text && !text->empty()) {
    core.sample_rate = parse_rate(*text).value_or(0);
  }

  if (options.function && !options.function->name.empty()) {
    core.function_name = options.function->name;
    core.function_memory_mb = options.function->memory_mb;
  } else {
    core.function_name = env_or("AWS_LAMBDA_FUNCTION_NAME", "");
    core.function_memory_mb = parse_int(env_or("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "0"));
  }
  core.sink = std::move(options.sink);
  core.mask = std::move(options.mask);
  core.buffer = options.buffer;
  core.max_string = std::max<std::size_t>(options.max_string_bytes, 16);

  if (below_alc) {
    std::string message = "Current log level (";
    message += to_string(wanted);
    message += ") does not match AWS Lambda Advanced Logging Controls minimum log level (";
    message += to_string(*core.alc_floor);
    message += "). This can lead to data loss, consider adjusting them.";
    warn(message);
  }
}

bool Logger::enabled(LogLevel level) const noexcept {
  if (level >= core_->level) return true;
  return core_->sample_rate > 0 && level >= core_->current_level(core_->invocations.current());
}
LogLevel Logger::level() const noexcept { return core_->level; }
LogFormat Logger::format() const noexcept { return core_->format; }
const std::string& Logger::service() const noexcept { return core_->service; }
bool Logger::sampled() const noexcept {
  const auto* invocation = core_->invocations.current();
  return invocation != nullptr && invocation->sampled;
}

void Logger::log(LogLevel level, std::string_view message, LogFields fields) const noexcept {
  write_entry(level, message, fields, nullptr);
}

void Logger::exception(std::string_view message, const std::exception& error, LogFields fields,
                       LogLevel level) const noexcept {
  if (!enabled(level)) return;
  try {
    const std::string type = detail::type_name(error);
    const ErrorKey key{type, error.what()};
    write_entry(level, message, fields, &key);
  } catch (...) {
    const ErrorKey key{"unknown", ""};
    write_entry(level, message, fields, &key);
  }
}

void Logger::exception(std::string_view message, std::exception_ptr error, LogFields fields,
                       LogLevel level) const noexcept {
  if (!error) {
    log(level, message, fields);
    return;
  }
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    exception(message, e, fields, level);
  } catch (...) {
    const ErrorKey key{"unknown", "a value that is not a std::exception was thrown"};
    write_entry(level, message, fields, &key);
  }
}

void Logger::append_keys(LogFields fields) {
  keys_.edit([fields](std::vector<LogField>& keys) {
    for (const auto& field : fields) upsert(keys, field);
  });
}

void Logger::remove_keys(std::initializer_list<std::string_view> keys) {
  keys_.edit([keys](std::vector<LogField>& list) {
    std::erase_if(list, [&keys](const LogField& f) { return std::find(keys.begin(), keys.end(), f.key) != keys.end(); });
  });
}

void Logger::append_invocation_keys(LogFields fields) {
  auto* invocation = core_->invocations.current();
  if (invocation == nullptr) return;
  for (const auto& field : fields) upsert(invocation->invocation_keys, field);
}

void Logger::set_correlation_id(std::string id) {
  if (auto* invocation = core_->invocations.current()) invocation->correlation_id = std::move(id);
}

Logger Logger::child(LogFields fields) const {
  Logger copy = *this;
  copy.append_keys(fields);
  return copy;
}

void Logger::begin_invocation(const runtime::InvocationContext& context) noexcept {
  auto& core = *core_;
  try {
    auto* started = core.invocations.begin();
    if (started == nullptr) return;
    auto& invocation = *started;
    invocation.clear();
    invocation.cold_start = core.first_invocation.exchange(false, std::memory_order_relaxed);
    invocation.request_id = context.request_id;
    invocation.function_arn = context.invoked_function_arn;
    invocation.xray_trace_id = trace_root(context.trace_id);
    if (core.sample_rate > 0) {
      auto& thread = scratch();
      if (!thread.seeded) {
        std::uint64_t seed = 0;
        random_bytes(&seed, sizeof seed);
        thread.rng.seed(seed);
        thread.seeded = true;
      }
      invocation.sampled = std::uniform_real_distribution<double>(0.0, 1.0)(thread.rng) < core.sample_rate;
    }
  } catch (...) {
    // Copying the ids can only fail for lack of memory; the lines then go without them.
  }
}

void Logger::end_invocation(bool failed) noexcept {
  auto* invocation = core_->invocations.current();
  if (invocation == nullptr) return;
  if (failed) flush_buffer();
  invocation->clear();
  core_->invocations.end();
}

void Logger::flush_buffer() const noexcept {
  auto& core = *core_;
  auto* invocation = core.invocations.current();
  if (invocation == nullptr || (invocation->buffered.empty() && invocation->evicted == 0)) return;
  // Taken out first: the warning below goes through write_entry, which must not buffer into
  // the deque being written.
  std::deque<std::string> lines;
  lines.swap(invocation->buffered);
  const std::size_t evicted = invocation->evicted;
  invocation->buffered_bytes = 0;
  invocation->evicted = 0;
  if (evicted > 0) {
    invocation->flushing = true;
    write_entry(LogLevel::warn,
                "Some logs are not displayed because they were evicted from the buffer. Increase buffer size to "
                "store more logs in the buffer",
                {{"evicted_lines", evicted}}, nullptr);
    invocation->flushing = false;
  }
  for (const auto& line : lines) core.emit(line);
}

void Logger::write_entry(LogLevel level, std::string_view message, LogFields fields, const ErrorKey* error) const noexcept {
  auto& core = *core_;
  // Without sampling or buffering no invocation can let the line through: no need to look it up.
  if (level < core.level && core.sample_rate <= 0 && !core.buffer.enabled) return;
  auto* const inv = core.invocations.current();
  const bool buffering = core.buffer.enabled && inv != nullptr && !inv->flushing && level <= core.buffer.buffer_at &&
                         (!core.alc_floor || level >= *core.alc_floor);
  if (!buffering && level < core.current_level(inv)) return;

  auto& thread = scratch();
  std::string nested;
  std::string& out = thread.writing ? nested : thread.line;
  const bool outer = !thread.writing;
  thread.writing = true;
  try {
    out.clear();
    const auto now = std::chrono::system_clock::now();
    const LogField* call_begin = fields.begin();
    const LogField* call_end = fields.end();
    const LogField* inv_begin = inv != nullptr ? inv->invocation_keys.data() : nullptr;
    const LogField* inv_end = inv != nullptr ? inv_begin + inv->invocation_keys.size() : nullptr;
    const auto persistent = keys_.snapshot();

    // User keys in order persistent, invocation, call site; a later one replaces an earlier
    // one of the same name (written once, so the line has no duplicate keys).
    bool any_user_key = false;
    const auto write_user = [&](const LogField& field, bool json) {
      if (is_standard_key(field.key)) return;
      if (json || any_user_key) out += ',';
      any_user_key = true;
      append_string(out, field.key, core.max_string);
      out += ':';
      if (core.mask) {
        LogValue masked = field.value;
        core.mask(field.key, masked);
        append_value(out, masked, core.max_string);
      } else {
        append_value(out, field.value, core.max_string);
      }
    };
    const auto write_user_keys = [&](bool json) {
      if (persistent) {
        for (const auto& field : *persistent) {
          if (contains_key(inv_begin, inv_end, field.key) || contains_key(call_begin, call_end, field.key)) continue;
          write_user(field, json);
        }
      }
      for (const auto* f = inv_begin; f != inv_end; ++f) {
        if (contains_key(call_begin, call_end, f->key)) continue;
        write_user(*f, json);
      }
      for (const auto* f = call_begin; f != call_end; ++f) {
        if (contains_key(f + 1, call_end, f->key)) continue;
        write_user(*f, json);
      }
    };

    if (core.format == LogFormat::text) {
      append_rfc3339(out, now);
      out += '\t';
      out += inv != nullptr && !inv->request_id.empty() ? std::string_view(inv->request_id) : std::string_view("-");
      out += '\t';
      out += to_string(level);
      out += '\t';
      append_text(out, message, core.max_string);
      if (error != nullptr) {
        out += ' ';
        append_text(out, error->type, core.max_string);
        out += ": ";
        append_text(out, error->message, core.max_string);
      }
      // Keys do not fit the four fields; they follow the message as one JSON object.
      const std::size_t before = out.size();
      out += " {";
      write_user_keys(false);
      if (any_user_key) {
        out += '}';
      } else {
        out.resize(before);
      }
      out += '\n';
    } else {
      out += R"({"level":")";
      out += to_string(level);
      out += R"(","message":)";
      append_string(out, message, core.max_string);
      out += R"(,"timestamp":")";
      append_rfc3339(out, now);
      out += R"(","service":)";
      append_string(out, core.service, core.max_string);
      if (inv != nullptr) {
        out += inv->cold_start ? R"(,"cold_start":true)" : R"(,"cold_start":false)";
        out += R"(,"function_name":)";
        append_string(out, core.function_name, core.max_string);
        out += R"(,"function_memory_size":)";
        detail::append_int(out, core.function_memory_mb);
        out += R"(,"function_arn":)";
        append_string(out, inv->function_arn, core.max_string);
        out += R"(,"function_request_id":)";
        append_string(out, inv->request_id, core.max_string);
        if (!inv->xray_trace_id.empty()) {
          out += R"(,"xray_trace_id":)";
          append_string(out, inv->xray_trace_id, core.max_string);
        }
      }
      if (core.sample_rate > 0) {
        out += R"(,"sampling_rate":)";
        append_json_number(out, core.sample_rate);
      }
      if (inv != nullptr && !inv->correlation_id.empty()) {
        out += R"(,"correlation_id":)";
        append_string(out, inv->correlation_id, core.max_string);
      }
      if (error != nullptr) {
        out += R"(,"error":{"type":)";
        append_string(out, error->type, core.max_string);
        out += R"(,"message":)";
        append_string(out, error->message, core.max_string);
        out += '}';
      }
      write_user_keys(true);
      out += "}\n";
    }

    if (buffering) {
      inv->buffered_bytes += out.size();
      inv->buffered.push_back(out);
      while (inv->buffered_bytes > core.buffer.max_bytes && !inv->buffered.empty()) {
        inv->buffered_bytes -= inv->buffered.front().size();
        inv->buffered.pop_front();
        ++inv->evicted;
      }
    } else {
      if (level >= LogLevel::error && core.buffer.enabled && core.buffer.flush_on_error && inv != nullptr &&
          (!inv->buffered.empty() || inv->evicted > 0)) {
        // Buffered lines come first, so the error reads after what led to it. `out` is the
        // shared scratch line: keep a copy while the buffer goes through write_entry.
        std::string pending = out;
        thread.writing = true;
        flush_buffer();
        core.emit(pending);
      } else {
        core.emit(out);
      }
    }
  } catch (const std::exception& e) {
    // Formatting failed (out of memory, a throwing mask hook): a best-effort line instead.
    try {
      std::string fallback = R"({"level":"ERROR","message":)";
      append_string(fallback, std::string("lift logger could not format a line: ") + e.what());
      fallback += R"(,"service":)";
      append_string(fallback, core.service);
      fallback += "}\n";
      core.emit(fallback);
    } catch (...) {
      core.emit("{\"level\":\"ERROR\",\"message\":\"lift logger could not format a line\"}\n");
    }
  } catch (...) {
    core.emit("{\"level\":\"ERROR\",\"message\":\"lift logger could not format a line\"}\n");
  }
  if (outer) thread.writing = false;
}

}  // namespace lift::observability
