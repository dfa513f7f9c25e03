#pragma once
// Structured logging with the keys of AWS Lambda Powertools: one JSON object per line on
// stdout (or plain text when Lambda's log format is Text), levels from the environment and
// Lambda's Advanced Logging Controls, per-invocation keys, debug sampling and log buffering.
//
// A Logger is driven by whoever runs invocations (a middleware):
//   logger.begin_invocation(ctx);   ... handler logs ...   logger.end_invocation(failed);
// It never throws and never blocks on anything but the write of a line.
//
// Thread safety: one Logger (and its children) may be shared by every worker of
// lift::run(app) (AWS_LAMBDA_MAX_CONCURRENCY > 1). The invocation scope is per thread: a line
// logged on a worker carries the request id, trace id, invocation keys, sampling decision and
// debug buffer of the invocation that worker runs, never another's (the runtime runs each
// invocation on one thread, start to end; a thread a handler starts itself is outside any
// invocation). Settings are fixed at construction; persistent keys may be changed while other
// threads log (each line reads one consistent set); a custom sink is called by one thread at a
// time, so its lines are whole.

#include <boost/json/value.hpp>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "lift/runtime/context.hpp"

namespace lift::observability {

enum class LogLevel : std::uint8_t { debug = 0, info = 1, warn = 2, error = 3, critical = 4 };

// "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL".
std::string_view to_string(LogLevel level) noexcept;

// Case-insensitive; accepts the Powertools names and Lambda's (TRACE → debug, WARNING → warn,
// FATAL → critical). nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;

enum class LogFormat : std::uint8_t { json, text };

// A typed value of a user key.
class LogValue {
 public:
  using Storage = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, boost::json::value>;

  LogValue() noexcept : value_(nullptr) {}
  LogValue(std::nullptr_t) noexcept : value_(nullptr) {}                   // NOLINT: implicit by design
  LogValue(const char* text) : value_(std::string(text != nullptr ? text : "")) {}  // NOLINT
  LogValue(std::string_view text) : value_(std::string(text)) {}         // NOLINT
  LogValue(std::string text) noexcept : value_(std::move(text)) {}       // NOLINT
  LogValue(bool flag) noexcept : value_(flag) {}                          // NOLINT
  template <std::signed_integral T>
    requires(!std::same_as<T, char>)
  LogValue(T number) noexcept : value_(static_cast<std::int64_t>(number)) {}  // NOLINT
  template <std::unsigned_integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  LogValue(T number) noexcept : value_(static_cast<std::uint64_t>(number)) {}  // NOLINT
  template <std::floating_point T>
  LogValue(T number) noexcept : value_(static_cast<double>(number)) {}  // NOLINT
  LogValue(boost::json::value json) : value_(std::move(json)) {}        // NOLINT

  [[nodiscard]] const Storage& get() const noexcept { return value_; }
  [[nodiscard]] Storage& get() noexcept { return value_; }

 private:
  Storage value_;
};

// A user key and its value.
struct LogField {
  std::string key;
  LogValue value;
};

using LogFields = std::initializer_list<LogField>;

// Receives each finished line, newline included. The default writes it to stdout with one
// write(2).
using LogSink = std::function<void(std::string_view line)>;

// Called on every user value (persistent, invocation and call-site keys, not the standard
// keys) before a line is written; may rewrite the value (e.g. replace it with "****").
using MaskHook = std::function<void(std::string_view key, LogValue& value)>;

struct LogBufferOptions {
  bool enabled = false;
  // Lines at this level and below are held back during an invocation, even when the logger's
  // level would drop them: they are written only if the invocation fails, an error line is
  // logged (with flush_on_error) or flush_buffer() is called; otherwise they are dropped.
  LogLevel buffer_at = LogLevel::debug;
  // Oldest lines are evicted past this many bytes; a warning line says so when flushed.
  std::size_t max_bytes = 20 * 1024;
  bool flush_on_error = true;
};

struct LoggerOptions {
  // Unset members come from the environment: POWERTOOLS_SERVICE_NAME (else
  // "service_undefined"), LIFT_LOG_LEVEL then POWERTOOLS_LOG_LEVEL (else INFO),
  // AWS_LAMBDA_LOG_FORMAT (JSON unless "Text"), POWERTOOLS_LOGGER_SAMPLE_RATE (0..1).
  // AWS_LAMBDA_LOG_LEVEL always applies as a floor when it is stricter: Lambda would drop the
  // lines anyway.
  std::optional<std::string> service;
  std::optional<LogLevel> level;
  std::optional<LogFormat> format;
  std::optional<double> sample_rate;
  // function_name and function_memory_size; read from the environment when name is empty.
  std::optional<runtime::FunctionMetadata> function;
  LogSink sink;
  MaskHook mask;
  LogBufferOptions buffer;
  // Longer strings (message or value) are cut, on a character boundary, and marked.
  std::size_t max_string_bytes = 64 * 1024;
};

namespace detail {
struct LoggerCore;

// The persistent keys of one Logger. Every line reads a snapshot, and append_keys/remove_keys
// replace the whole list, so workers sharing a Logger may log while one of them changes keys.
class LoggerKeys {
 public:
  using List = std::vector<LogField>;
  LoggerKeys() = default;
  LoggerKeys(const LoggerKeys& other) : keys_(other.snapshot()) { any_.store(keys_ != nullptr, std::memory_order_release); }
  LoggerKeys& operator=(const LoggerKeys& other) {
    if (this != &other) {
      auto keys = other.snapshot();
      const std::lock_guard lock(mutex_);
      keys_ = std::move(keys);
      any_.store(keys_ != nullptr, std::memory_order_release);
    }
    return *this;
  }
  ~LoggerKeys() = default;

  // Null when there are none (then without taking the lock: most loggers never have keys).
  [[nodiscard]] std::shared_ptr<const List> snapshot() const {
    if (!any_.load(std::memory_order_acquire)) return nullptr;
    const std::lock_guard lock(mutex_);
    return keys_;
  }
  template <class Edit>
  void edit(Edit&& edit) {
    const std::lock_guard lock(mutex_);
    auto next = keys_ ? std::make_shared<List>(*keys_) : std::make_shared<List>();
    std::forward<Edit>(edit)(*next);
    keys_ = std::move(next);
    any_.store(true, std::memory_order_release);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const List> keys_;
  std::atomic<bool> any_{false};
};
}  // namespace detail

class Logger {
 public:
  explicit Logger(LoggerOptions options = {});

  void log(LogLevel level, std::string_view message, LogFields fields = {}) const noexcept;
  void debug(std::string_view message, LogFields fields = {}) const noexcept { log(LogLevel::debug, message, fields); }
  void info(std::string_view message, LogFields fields = {}) const noexcept { log(LogLevel::info, message, fields); }
  void warn(std::string_view message, LogFields fields = {}) const noexcept { log(LogLevel::warn, message, fields); }
  void error(std::string_view message, LogFields fields = {}) const noexcept { log(LogLevel::error, message, fields); }
  void critical(std::string_view message, LogFields fields = {}) const noexcept { log(LogLevel::critical, message, fields); }

  // Logs with an `error` key {"type": demangled type name, "message": what()}.
  void exception(std::string_view message, const std::exception& error, LogFields fields = {},
                 LogLevel level = LogLevel::error) const noexcept;
  // The same for whatever `error` holds (type "unknown" when it is not a std::exception).
  void exception(std::string_view message, std::exception_ptr error, LogFields fields = {},
                 LogLevel level = LogLevel::error) const noexcept;

  // Whether a line at `level` would be written now (sampling included).
  [[nodiscard]] bool enabled(LogLevel level) const noexcept;
  [[nodiscard]] LogLevel level() const noexcept;  // the configured level, ALC floor applied
  [[nodiscard]] LogFormat format() const noexcept;
  [[nodiscard]] const std::string& service() const noexcept;

  // Keys on every line of this logger (and of children made afterwards); a key given again
  // replaces its value. Keys named like a standard key are ignored.
  void append_keys(LogFields fields);
  void remove_keys(std::initializer_list<std::string_view> keys);
  // Keys for the invocation this thread runs, shared by the whole family, cleared by
  // end_invocation(). Outside an invocation they are ignored.
  void append_invocation_keys(LogFields fields);
  // The `correlation_id` key of this thread's invocation, cleared by end_invocation(); ignored
  // outside an invocation.
  void set_correlation_id(std::string id);

  // A logger with this logger's keys plus `fields`, sharing its sink, settings and invocation.
  [[nodiscard]] Logger child(LogFields fields) const;

  // Invocation scope, for the calling thread: adds the Lambda context keys (cold_start, true on
  // the family's first invocation only; function_request_id, function_arn, xray_trace_id),
  // draws the debug sample, starts the buffer.
  void begin_invocation(const runtime::InvocationContext& context) noexcept;
  // Flushes the buffer when `failed`, drops it otherwise; clears invocation keys.
  void end_invocation(bool failed = false) noexcept;
  // Writes the buffered lines of this thread's invocation now.
  void flush_buffer() const noexcept;

  // Whether this thread's invocation was picked by debug sampling.
  [[nodiscard]] bool sampled() const noexcept;

 private:
  struct ErrorKey {
    std::string_view type;
    std::string_view message;
  };
  void write_entry(LogLevel level, std::string_view message, LogFields fields, const ErrorKey* error) const noexcept;

  std::shared_ptr<detail::LoggerCore> core_;
  detail::LoggerKeys keys_;
};

}  // namespace lift::observability
