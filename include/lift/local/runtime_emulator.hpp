#pragma once
// A local stand-in for the Lambda service side of the Runtime API 2018-06-01 (plus the
// Extensions API register/next endpoints): it starts a function as a child process with the
// Lambda environment, feeds it invocations, enforces the timeout and collects what the
// function answers. Used by `lift invoke`, `lift dev`, the benchmarks and the tests.
//
//   lift::local::RuntimeEmulator emulator({.command = {"build/bin/examples/hello"}});
//   auto result = emulator.invoke({.payload = R"({"rawPath":"/hello"})"});
//   if (result && result->ok()) std::cout << result->payload;

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::local {

// Lambda refuses a synchronous invocation whose payload is larger (RequestEntityTooLargeException);
// the emulator hands it over anyway and `lift invoke` and `lift dev` warn.
inline constexpr std::size_t kMaxSyncInvokePayload = 6 * 1024 * 1024;

struct FunctionConfig {
  // argv of the function (argv[0] is the executable). Empty: no child process is started and
  // the caller connects its own runtime to endpoint() (tests, in-process clients).
  std::vector<std::string> command{};
  // Added to (and overriding) the Lambda variables the emulator sets.
  std::vector<std::pair<std::string, std::string>> environment{};
  // When false the child sees only the Lambda variables, PATH, HOME, LANG and `environment`.
  bool inherit_environment = true;
  std::chrono::milliseconds timeout{3000};
  // Time the function may take from exec to its first /next before the start counts as failed.
  std::chrono::milliseconds init_timeout{10000};
  int memory_mb = 128;
  // Invocations served at once; > 1 sets AWS_LAMBDA_MAX_CONCURRENCY (Lambda Managed Instances).
  unsigned concurrency = 1;
  std::string function_name = "function";
  std::string function_version = "$LATEST";
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // The child's stdout and stderr go to this process's stderr unless capture_logs is set,
  // in which case they are collected per invocation into InvokeResult::logs.
  bool capture_logs = false;
  // Grace period between SIGTERM (sent when an extension registered) and SIGKILL on stop().
  std::chrono::milliseconds shutdown_grace{2000};
};

struct InvokeRequest {
  std::string payload{};  // empty means {}, as with Lambda's Invoke API
  // Optional per-invocation headers; empty ones are not sent.
  std::string trace_id{};          // Lambda-Runtime-Trace-Id (generated when empty)
  std::string client_context{};    // Lambda-Runtime-Client-Context
  std::string cognito_identity{};  // Lambda-Runtime-Cognito-Identity
  std::string tenant_id{};         // Lambda-Runtime-Aws-Tenant-Id
  std::string invocation_id{};     // Lambda-Runtime-Invocation-Id
  // Receives a streamed response's body (Lambda-Runtime-Function-Response-Mode: streaming)
  // piece by piece as the function sends it, before invoke() returns, with the stream's
  // content type; InvokeResult::payload then stays empty. Called on an emulator thread, one
  // call at a time, and possibly still after invoke() has returned (an invocation that timed
  // out while streaming): what it uses must outlive the emulator or be shared.
  std::function<void(std::string_view content_type, std::string_view piece)> on_stream{};
};

struct InvokeResult {
  std::string request_id{};
  // The response body (empty when InvokeRequest::on_stream took a streamed one); for errors
  // what the function reported (the error JSON,
  // {"errorMessage","errorType",...}, of a well-behaved runtime; an init error that is not
  // JSON becomes the errorMessage of one).
  std::string payload{};
  std::string content_type{};
  // Set when the invocation failed: the function's Lambda-Runtime-Function-Error-Type (or the
  // errorType of its body), Sandbox.Timedout, Runtime.ExitError, Function.ResponseSizeTooLarge, ...
  std::optional<std::string> error_type{};
  // The response came as a stream (Lambda-Runtime-Function-Response-Mode: streaming).
  bool streamed = false;
  // Headers of the function's /response or /error request, as received (lower-case names).
  std::vector<std::pair<std::string, std::string>> response_headers{};
  // HTTP trailers of a streamed response (mid-stream errors), as received.
  std::vector<std::pair<std::string, std::string>> trailers{};
  // From handing the event to the function (/next answered) to its answer.
  std::chrono::microseconds duration{0};
  // Set on the invocation that started the function: exec to the first /next.
  std::optional<std::chrono::microseconds> init_duration{};
  // The function's output during this invocation (only with capture_logs).
  std::string logs{};

  [[nodiscard]] bool ok() const noexcept { return !error_type.has_value(); }
};

// One request the emulator received, for tests that check the wire.
struct RecordedRequest {
  std::string method{};
  std::string target{};
  std::vector<std::pair<std::string, std::string>> headers{};  // lower-case names
  std::string body{};  // the first 64 KiB
  int status = 0;  // what the emulator answered
  std::vector<std::pair<std::string, std::string>> trailers{};  // of a chunked body, lower-case names
};

class RuntimeEmulator {
 public:
  explicit RuntimeEmulator(FunctionConfig config);
  ~RuntimeEmulator();  // stop()
  RuntimeEmulator(const RuntimeEmulator&) = delete;
  RuntimeEmulator& operator=(const RuntimeEmulator&) = delete;

  // Listens on 127.0.0.1 (ephemeral port) and starts the function. Idempotent.
  Result<void> start();
  // "127.0.0.1:PORT", the value of AWS_LAMBDA_RUNTIME_API.
  [[nodiscard]] std::string endpoint() const;

  // Invokes the function and waits for its answer. Thread-safe: with concurrency > 1 up to
  // that many invocations run at once, the rest queue. Function failures are an InvokeResult
  // with error_type; the Result fails only when the emulator itself cannot work
  // (listener, spawn).
  Result<InvokeResult> invoke(InvokeRequest request);

  // Shuts the function down (SIGTERM when an extension registered, SIGKILL after the grace
  // period) and closes the listener. The function runs in a process group of its own, and every
  // end of it (this, a timeout, a crash, a restart) ends the processes it started too.
  void stop();

  // Kills the function process and its process group (its in-flight invocations fail with
  // Runtime.ExitError); the next invoke() starts the command again, e.g. after its executable
  // was rebuilt.
  void restart_function();

  // Whether the function process is currently running.
  [[nodiscard]] bool function_running() const;
  // Number of times the function process has been started.
  [[nodiscard]] int starts() const;
  // Process id of the running function, or -1 (benchmarks read its CPU time from /proc).
  [[nodiscard]] int function_pid() const;
  // The most recent requests received (bounded), oldest first.
  [[nodiscard]] std::vector<RecordedRequest> transcript() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lift::local
