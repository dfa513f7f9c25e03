#include "lift/runtime/runtime.hpp"

#include <cxxabi.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <typeinfo>

#include "client.hpp"
#include "init_timing_clock.hpp"
#include "lift/core/env.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"
#include "lift/runtime/protocol.hpp"

namespace lift::runtime {
namespace {

// A field of a runtime log line after its level and message; empty values are left out.
struct LogField {
  std::string_view key;
  std::string_view value;
};

// The runtime's own diagnostics: one JSON line each on stderr (which Lambda sends to CloudWatch),
// shaped as lift's other log lines, so that log queries and the advanced logging controls read
// them as they read the rest.
void log_line(std::string_view level, std::string_view message, std::initializer_list<LogField> fields = {}) {
  std::string line = R"({"level":")";
  line += level;
  line += R"(","message":)";
  append_json_string(line, message, InvalidUtf8::replace);
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    line += ",\"";
    line += key;
    line += "\":";
    append_json_string(line, value, InvalidUtf8::replace);
  }
  line += R"(,"source":"lift.runtime"})";
  line += '\n';
  write_log_line(stderr, line);
}

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> readable(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && readable ? std::string(readable.get()) : std::string(name);
}

// Consecutive failures to reach the Runtime API before a worker gives up. Lambda never
// answers garbage for long; a local emulator that went away should end the process quickly.
constexpr int kMaxConsecutiveFailures = 5;

// Whether a failed exchange never got an answer from the Runtime API (as opposed to one the API
// answered by refusing it).
bool unanswered(const Error& error) { return error.code == "Runtime.TransportError" || error.code == "Runtime.Timeout"; }

// Logs what became of an invocation's answer when it failed; false when it got no answer from
// the API (the connection failed or went silent, perhaps after the API read it all), which
// counts toward giving up. Such an answer is never sent again: the API may have taken it, and
// an invocation must not be answered twice.
bool settle(const Result<void>& sent, std::string_view request_id) {
  if (sent) return true;
  const Error& error = sent.error();
  const bool lost = unanswered(error);
  log_line("ERROR", lost ? "the invocation's answer got no reply from the Runtime API and is not sent again"
                         : "the Runtime API refused the invocation's answer",
           {{"request_id", request_id}, {"error_type", error.code}, {"error", error.message}});
  return !lost;
}

void back_off(int failures) {
  std::this_thread::sleep_for(std::chrono::milliseconds(10) * (1 << std::min(failures, 6)));
}

// _X_AMZN_TRACE_ID, rewritten in place for every invocation. glibc's setenv keeps every value it
// was ever given (so that old getenv pointers stay valid), which grows the process by the size of
// a trace header per invocation; putenv of a buffer we own and overwrite does not.
class TraceIdEnvironment {
 public:
  TraceIdEnvironment() = default;
  TraceIdEnvironment(const TraceIdEnvironment&) = delete;
  TraceIdEnvironment& operator=(const TraceIdEnvironment&) = delete;
  ~TraceIdEnvironment() {
    if (installed_) ::unsetenv(kName);
  }

  void set(const std::string& trace_id) {
    if (trace_id.empty()) {
      if (installed_) ::unsetenv(kName);
      installed_ = false;
      return;
    }
    if (kPrefix.size() + trace_id.size() + 1 > entry_.size()) {
      // Longer than any header Lambda sends: copied by setenv (rare enough not to matter).
      if (installed_) ::unsetenv(kName);
      installed_ = false;
      ::setenv(kName, trace_id.c_str(), 1);
      return;
    }
    std::memcpy(entry_.data(), kPrefix.data(), kPrefix.size());
    std::memcpy(entry_.data() + kPrefix.size(), trace_id.c_str(), trace_id.size() + 1);
    if (!installed_) installed_ = ::putenv(entry_.data()) == 0;
  }

 private:
  static constexpr const char* kName = "_X_AMZN_TRACE_ID";
  static constexpr std::string_view kPrefix = "_X_AMZN_TRACE_ID=";
  std::array<char, 1024> entry_{};
  bool installed_ = false;
};

// The hooks of Runtime::on_shutdown.
class ShutdownHooks {
 public:
  void add(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    hooks_.push_back(std::move(hook));
  }

  bool empty() {
    std::lock_guard lock(mutex_);
    return hooks_.empty();
  }

  // Runs them once, whichever of SIGTERM and the end of run() comes first.
  void run() {
    std::vector<std::function<void()>> todo;
    {
      std::lock_guard lock(mutex_);
      if (ran_) return;
      ran_ = true;
      todo.swap(hooks_);
    }
    for (auto& hook : todo) {
      try {
        hook();
      } catch (...) {
        const auto report = Runtime::report_current_exception("Runtime.ShutdownHookError");
        log_line("ERROR", "a shutdown hook failed", {{"error_type", report.type}, {"error", report.message}});
      }
    }
  }

 private:
  std::mutex mutex_;
  std::vector<std::function<void()>> hooks_;
  bool ran_ = false;
};

// Watches for SIGTERM/SIGINT while run() serves (only when there is something to do on
// shutdown), and keeps the internal extension registered that makes Lambda send SIGTERM.
class ShutdownWatch {
 public:
  ShutdownWatch(const Options& options, const std::string& endpoint, ShutdownHooks& hooks)
      : options_(options), endpoint_(endpoint), hooks_(hooks) {
    if (!options.graceful_shutdown && hooks.empty()) return;
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    // Blocked here, before the workers start, so every thread inherits the mask and only
    // the watcher sees the signals.
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_);
    masked_ = true;
    watcher_ = std::thread([this] { watch(); });
    if (options.graceful_shutdown) register_extension();
  }
  ~ShutdownWatch() {
    stopping_ = true;
    if (extension_client_) extension_client_->interrupt();
    if (extension_thread_.joinable()) extension_thread_.join();
    if (watcher_.joinable()) watcher_.join();
    if (masked_) pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
  }
  ShutdownWatch(const ShutdownWatch&) = delete;
  ShutdownWatch& operator=(const ShutdownWatch&) = delete;

 private:
  void register_extension() {
    extension_client_ = std::make_unique<detail::Client>(endpoint_, 64 * 1024, options_.post_timeout);
    auto id = extension_client_->register_extension("lift-graceful-shutdown");
    if (!id) {
      log_line("WARN", "graceful shutdown unavailable", {{"error_type", id.error().code}, {"error", id.error().message}});
      return;
    }
    // An internal extension must keep asking for its next event; it has subscribed to none,
    // so the request simply waits until the environment shuts down.
    extension_thread_ = std::thread([this, id = std::move(*id)] {
      while (!stopping_) {
        if (!extension_client_->next_extension_event(id)) break;
      }
    });
  }

  void watch() {
    const timespec tick{0, 100'000'000};
    while (!stopping_) {
      const int signal = sigtimedwait(&signals_, nullptr, &tick);
      if (signal <= 0) continue;
      log_line("INFO", signal == SIGTERM ? "received SIGTERM, running shutdown hooks" : "received SIGINT, running shutdown hooks");
      std::mutex mutex;
      std::condition_variable done_cv;
      bool done = false;
      std::thread hooks([&] {
        hooks_.run();
        std::lock_guard lock(mutex);
        done = true;
        done_cv.notify_all();
      });
      {
        std::unique_lock lock(mutex);
        if (!done_cv.wait_for(lock, options_.shutdown_budget, [&] { return done; }))
          log_line("WARN", "shutdown hooks exceeded their budget");
      }
      std::fflush(stdout);
      std::fflush(stderr);
      // Leaves without unwinding: workers are blocked in /next and Lambda is about to kill us.
      std::_Exit(signal == SIGTERM ? 0 : 130);
    }
  }

  const Options& options_;
  const std::string& endpoint_;
  ShutdownHooks& hooks_;
  sigset_t signals_{};
  sigset_t previous_mask_{};
  bool masked_ = false;
  std::atomic<bool> stopping_ = false;
  std::thread watcher_;
  std::unique_ptr<detail::Client> extension_client_;
  std::thread extension_thread_;
};

}  // namespace

ErrorReport Runtime::report_current_exception(std::string_view fallback_type) {
  if (!std::current_exception()) return {std::string(fallback_type), "no exception is being handled", {}};
  try {
    throw;
  } catch (const Error& e) {
    return ErrorReport::from(e);  // a thrown lift::Error reports as a returned one would
  } catch (const std::exception& e) {
    return {demangle(typeid(e).name()), e.what(), {}};
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return {type != nullptr ? demangle(type->name()) : std::string(fallback_type), "a non-standard exception was thrown", {}};
  }
}

struct Runtime::Impl {
  Options options;
  FunctionMetadata function;
  std::string endpoint;
  unsigned workers = 1;
  // Cold-start accounting: when the Runtime was made, when the first GET /next went out, and
  // whether the first invocation has had its InitTiming.
  std::chrono::steady_clock::time_point constructed_at = std::chrono::steady_clock::now();
  std::once_flag first_next;
  std::chrono::steady_clock::time_point first_next_at;
  std::atomic<bool> cold_start_given{false};
  // Exported for the one worker when there is one (several would race on one variable).
  TraceIdEnvironment trace_environment;

  InitTiming init_timing() const {
    using std::chrono::duration_cast;
    using std::chrono::microseconds;
    InitTiming t;
    t.before_main = detail::cpu_before_library();
    t.user_init = duration_cast<microseconds>(constructed_at - detail::library_loaded_at());
    t.runtime_init = duration_cast<microseconds>(first_next_at - constructed_at);
    return t;
  }

  ShutdownHooks hooks;

  // One worker loop: fetch, handle, repeat, on its own connection. Returns the exit code
  // once the Runtime API has gone away: kMaxConsecutiveFailures exchanges in a row that failed
  // (a /next, or an answer that got no reply); an invocation answered starts the count again.
  // `handle` returns whether the API took the answer (or refused it).
  template <class Handle>
  int work(const Handle& handle, bool export_trace) {
    detail::Client client(endpoint, options.max_event_bytes, options.post_timeout);
    int failures = 0;
    // One invocation read after another into the same object: its strings keep their capacity.
    detail::Client::Next next;
    for (;;) {
      std::call_once(first_next, [this] { first_next_at = std::chrono::steady_clock::now(); });
      auto got = client.next(next);
      if (!got) {
        if (++failures >= kMaxConsecutiveFailures) {
          log_line("ERROR", "giving up on the Runtime API", {{"error_type", got.error().code}, {"error", got.error().message}});
          return 1;
        }
        back_off(failures);
        continue;
      }
      if (next.rejected) {
        const auto& context = next.invocation.context;
        log_line("ERROR", "rejected an invocation",
                 {{"request_id", context.request_id}, {"error_type", next.rejected->code}, {"error", next.rejected->message}});
        if (protocol::valid_request_id(context.request_id)) {
          if (!settle(client.post_error(context, ErrorReport::from(*next.rejected)), context.request_id) &&
              ++failures >= kMaxConsecutiveFailures) {
            log_line("ERROR", "giving up on the Runtime API: answers get no reply");
            return 1;
          }
        } else if (++failures >= kMaxConsecutiveFailures) {
          log_line("ERROR", "giving up: the Runtime API keeps sending invocations without a usable request id");
          return 1;
        } else {
          back_off(failures);
        }
        continue;
      }
      if (!cold_start_given.exchange(true)) next.invocation.context.cold_start = init_timing();
      if (export_trace) trace_environment.set(next.invocation.context.trace_id);
      if (handle(client, next.invocation)) {
        failures = 0;
      } else if (++failures >= kMaxConsecutiveFailures) {
        log_line("ERROR", "giving up on the Runtime API: answers get no reply");
        return 1;
      }
    }
  }

  template <class Handle>
  int run_workers(const Handle& handle) {
    if (workers == 1) return work(handle, true);
    std::vector<int> codes(workers, 0);
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) threads.emplace_back([&, i] { codes[i] = work(handle, false); });
    for (auto& thread : threads) thread.join();
    return *std::max_element(codes.begin(), codes.end());
  }

  template <class Handle>
  int serve(const Handle& handle) {
    if (endpoint.empty()) {
      log_line("ERROR", "AWS_LAMBDA_RUNTIME_API is not set: run this function on Lambda or with `lift invoke`");
      return 2;
    }
    int code = 0;
    {
      ShutdownWatch watch(options, endpoint, hooks);
      code = run_workers(handle);
    }
    hooks.run();
    return code;
  }
};

Runtime::Runtime(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->function = FunctionMetadata::from_environment();
  impl_->endpoint = impl_->options.runtime_api.empty() ? env_or("AWS_LAMBDA_RUNTIME_API", "") : impl_->options.runtime_api;
  impl_->workers = impl_->options.concurrency != 0 ? impl_->options.concurrency
                                                   : static_cast<unsigned>(std::max(1, impl_->function.max_concurrency));
}

Runtime::~Runtime() = default;

const FunctionMetadata& Runtime::function() const noexcept { return impl_->function; }
const Options& Runtime::options() const noexcept { return impl_->options; }

void Runtime::on_shutdown(std::function<void()> hook) { impl_->hooks.add(std::move(hook)); }

void Runtime::fail_init(const ErrorReport& report) {
  log_line("ERROR", "initialisation failed", {{"error_type", report.type}, {"error", report.message}});
  if (!impl_->endpoint.empty()) {
    detail::Client client(impl_->endpoint, 64 * 1024, impl_->options.post_timeout);
    if (auto sent = client.post_init_error(report); !sent)
      log_line("ERROR", "could not report the initialisation failure", {{"error_type", sent.error().code}, {"error", sent.error().message}});
  }
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(1);
}

int Runtime::run(Handler handler) {
  const std::size_t limit = impl_->options.max_response_bytes;
  auto handle = [&handler, limit](detail::Client& client, const Invocation& invocation) -> bool {
    const auto& context = invocation.context;
    std::optional<ErrorReport> failure;
    std::optional<Response> response;
    try {
      auto result = handler(invocation);
      if (result) response = std::move(result).value();
      else failure = ErrorReport::from(result.error());
    } catch (...) {
      failure = report_current_exception("Runtime.UnhandledException");
    }
    if (response && response->body.size() > limit) {
      failure = ErrorReport{"Function.ResponseSizeTooLarge",
                            "Response payload size (" + std::to_string(response->body.size()) +
                                " bytes) exceeded maximum allowed payload size (" + std::to_string(limit) + " bytes).",
                            {}};
    } else if (response && response->content_type.find_first_of("\r\n") != std::string::npos) {
      // It would split the request's header block; as ResponseStream::set_content_type refuses.
      failure = ErrorReport{"Runtime.InvalidContentType", "the response's content type contains a line break", {}};
    }
    if (failure) log_line("ERROR", "invocation failed", {{"request_id", context.request_id}, {"error_type", failure->type}, {"error", failure->message}});
    return settle(failure ? client.post_error(context, *failure) : client.post_response(context, *response), context.request_id);
  };
  return impl_->serve(handle);
}

int Runtime::run(StreamingHandler handler) {
  auto handle = [&handler](detail::Client& client, const Invocation& invocation) -> bool {
    const auto& context = invocation.context;
    auto stream = client.open_stream(context);
    ResponseStream out(stream);
    std::optional<ErrorReport> failure;
    try {
      auto result = handler(invocation, out);
      if (!result) failure = ErrorReport::from(result.error());
    } catch (...) {
      failure = report_current_exception("Runtime.UnhandledException");
    }
    if (failure)
      log_line("ERROR", "invocation failed", {{"request_id", context.request_id}, {"error_type", failure->type}, {"error", failure->message}});
    Result<void> sent;
    if (stream.lost()) {
      // The stream's connection broke (what the handler wrote may have reached the API, its
      // request line at least): nothing more is sent for this invocation, not even an /error.
      sent = *stream.lost();
    } else if (failure) {
      // Before the first byte the error is an ordinary /error; after it, only trailers can carry it.
      sent = stream.begun() ? stream.fail(*failure) : client.post_error(context, *failure);
    } else {
      if (!out.started()) sent = out.write({});  // an empty body still needs its content type
      if (sent) sent = stream.finish();
    }
    return settle(sent, context.request_id);
  };
  return impl_->serve(handle);
}

int run(Handler handler, Options options) { return Runtime(std::move(options)).run(std::move(handler)); }
int run(StreamingHandler handler, Options options) { return Runtime(std::move(options)).run(std::move(handler)); }

}  // namespace lift::runtime
