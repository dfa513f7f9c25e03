#pragma once
// The Lambda runtime loop: fetch an invocation, run the handler, report its result.
//
//   int main() {
//     return lift::runtime::run([](const lift::runtime::Invocation& in) -> lift::Result<lift::runtime::Response> {
//       return lift::runtime::Response{.body = in.payload};
//     });
//   }

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/runtime/context.hpp"

namespace lift::runtime {

// Lambda's limit for a buffered response; larger responses become a
// Function.ResponseSizeTooLarge error instead of being sent.
inline constexpr std::size_t kMaxBufferedResponseBytes = 6 * 1024 * 1024;

// A buffered handler's result.
struct Response {
  std::string body;
  // Empty means application/json, what almost every handler answers. (The literal as a default
  // would cost a heap allocation per invocation: it is one byte longer than std::string's
  // inline buffer.)
  std::string content_type{};

  // The Content-Type sent to Lambda.
  [[nodiscard]] std::string_view media_type() const noexcept {
    return content_type.empty() ? std::string_view("application/json") : std::string_view(content_type);
  }
};

// What Lambda records for a failed invocation (the body of /error and /init/error).
struct ErrorReport {
  std::string type;     // errorType, also sent as Lambda-Runtime-Function-Error-Type
  std::string message;  // errorMessage
  std::vector<std::string> stack_trace;

  static ErrorReport from(const Error& error) { return {error.code, error.message, {}}; }
  // The JSON body Lambda expects: {"errorMessage","errorType","stackTrace"}.
  [[nodiscard]] std::string to_json() const;
};

namespace detail {
class StreamSink;  // the transport behind a ResponseStream (a chunked HTTP request in production)
}

// The response body of a streaming handler, sent to Lambda as it is written
// (Lambda-Runtime-Function-Response-Mode: streaming). Errors after the first byte reach
// Lambda as HTTP trailers; Lambda then ends the client's stream with that error.
class ResponseStream {
 public:
  // Content type of the stream; only before the first write. Default application/octet-stream.
  Result<void> set_content_type(std::string content_type);

  // Starts an HTTP-integration response (Function URLs, API Gateway streaming): the
  // application/vnd.awslambda.http-integration-response content type, a JSON prelude with
  // status, headers and cookies, then 8 NUL bytes; what is written next is the HTTP body.
  Result<void> begin_http(int status_code, const std::vector<std::pair<std::string, std::string>>& headers = {},
                          const std::vector<std::string>& cookies = {});

  // Sends `bytes` now (one HTTP chunk).
  Result<void> write(std::string_view bytes);

  [[nodiscard]] bool started() const noexcept { return started_; }
  [[nodiscard]] std::size_t bytes_written() const noexcept { return bytes_written_; }
  [[nodiscard]] const std::string& content_type() const noexcept { return content_type_; }

  explicit ResponseStream(detail::StreamSink& sink) : sink_(&sink) {}
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

 private:
  Result<void> start();

  detail::StreamSink* sink_;
  std::string content_type_ = "application/octet-stream";
  bool started_ = false;
  std::size_t bytes_written_ = 0;
};

using Handler = std::function<Result<Response>(const Invocation&)>;
using StreamingHandler = std::function<Result<void>(const Invocation&, ResponseStream&)>;

struct Options {
  // host:port of the Runtime API; empty means AWS_LAMBDA_RUNTIME_API.
  std::string runtime_api;
  // Worker loops, each with its own connection; 0 means AWS_LAMBDA_MAX_CONCURRENCY, else 1.
  unsigned concurrency = 0;
  // Registers an internal extension so that Lambda sends SIGTERM before shutting the
  // execution environment down; shutdown hooks then run within `shutdown_budget`.
  bool graceful_shutdown = false;
  std::chrono::milliseconds shutdown_budget{450};
  // Larger buffered responses are reported as Function.ResponseSizeTooLarge.
  std::size_t max_response_bytes = kMaxBufferedResponseBytes;
  // Larger events are refused (the connection is reset and the error logged).
  std::size_t max_event_bytes = 16 * 1024 * 1024;
  // How long a POST to the Runtime API (/response, buffered or streamed, /error, /init/error)
  // may go without progress (no byte sent or received) before it is abandoned: logged, never
  // sent again, and counted as a failure to reach the API. Without it a Runtime API that
  // stops reading, or never finishes its answer, would block the worker forever. Generous on
  // purpose: it also covers the wait for the answer after the last byte has gone, while the
  // API reads what the kernel buffered of a response of several MB. Zero means no limit.
  // GET /next never has one: the execution environment may be frozen between invocations.
  std::chrono::milliseconds post_timeout{30'000};
};

// The process-wide runtime: one per process, created in main().
//
// Thread safety: with AWS_LAMBDA_MAX_CONCURRENCY = N (Lambda Managed Instances) or
// Options::concurrency, run() calls the handler from N worker threads at once, each with its own
// Runtime API connection and one invocation at a time, start to end: the handler and what it
// shares must be thread-safe. on_shutdown() is for init, before run().
class Runtime {
 public:
  explicit Runtime(Options options = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Runs `init` and returns its result; if it throws, or returns a failed Result, the
  // failure is reported to /init/error and the process exits.
  template <class Init>
  auto init(Init&& init) -> decltype(std::forward<Init>(init)()) {
    try {
      if constexpr (is_result_v<decltype(std::forward<Init>(init)())>) {
        auto result = std::forward<Init>(init)();
        if (!result) fail_init(ErrorReport::from(result.error()));
        return result;
      } else {
        return std::forward<Init>(init)();
      }
    } catch (...) {
      fail_init(report_current_exception("Runtime.InitError"));
    }
  }

  // Called when Lambda shuts the environment down (needs graceful_shutdown) or run() ends.
  void on_shutdown(std::function<void()> hook);

  // Serves invocations until the Runtime API goes away; returns the process exit code.
  int run(Handler handler);
  int run(StreamingHandler handler);

  // Reports an initialisation failure to /init/error and exits the process.
  [[noreturn]] void fail_init(const ErrorReport& report);

  [[nodiscard]] const FunctionMetadata& function() const noexcept;
  [[nodiscard]] const Options& options() const noexcept;

  // Describes the exception being handled (type name and what(); a thrown lift::Error as its
  // code and message) for an error report.
  static ErrorReport report_current_exception(std::string_view fallback_type);

 private:
  struct Impl;  // opaque: the transport stays out of this header
  std::unique_ptr<Impl> impl_;
};

// Convenience for the common case: a Runtime with default options serving `handler`.
int run(Handler handler, Options options = {});
int run(StreamingHandler handler, Options options = {});

}  // namespace lift::runtime
