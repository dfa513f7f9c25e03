// Lambda's side of the Runtime API: a thread per connection (clients keep one connection per
// worker and block in GET /next), one mutex and condition variable for all shared state.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/local/runtime_emulator.hpp"
#include "lift/runtime/protocol.hpp"

extern char** environ;

namespace lift::local {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace protocol = runtime::protocol;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxBufferedResponse = 6 * 1024 * 1024;  // Lambda's limit
constexpr std::size_t kMaxStreamedResponse = 20 * 1024 * 1024;
constexpr std::size_t kMaxOtherBody = 1024 * 1024;
// Bodies are read whole up to this size so that an oversize response gets its 413 answer
// instead of a reset connection; past it the connection is dropped.
constexpr std::size_t kMaxReadBody = 64 * 1024 * 1024;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kTranscriptLength = 256;
constexpr std::size_t kTranscriptBodyBytes = 64 * 1024;
constexpr std::size_t kMaxCapturedLogBytes = 8 * 1024 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string error_json(std::string_view type, std::string_view message) {
  return boost::json::serialize(boost::json::object{{"errorMessage", message}, {"errorType", type}});
}

// errorType from an error body, when it is the JSON Lambda expects.
std::string error_type_of(const std::string& body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return {};
  const auto* type = value.as_object().if_contains("errorType");
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : std::string();
}

std::string seconds_text(std::chrono::milliseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(d.count()) / 1000.0);
  return text;
}

struct Invocation {
  std::string id;
  InvokeRequest request;
  enum class State { queued, running, done } state = State::queued;
  Clock::time_point handed_out;
  Clock::time_point deadline;
  std::size_t log_offset = 0;
  InvokeResult result;
};

struct Connection {
  std::shared_ptr<tcp::socket> socket;
  std::thread thread;
  std::shared_ptr<std::atomic<bool>> finished;
};

}  // namespace

struct RuntimeEmulator::Impl {
  explicit Impl(FunctionConfig c) : config(std::move(c)), rng(std::random_device{}()) {
    if (config.concurrency == 0) config.concurrency = 1;
  }

  FunctionConfig config;
  net::io_context io;
  tcp::acceptor acceptor{io};
  unsigned short port = 0;
  bool listening = false;
  std::thread accept_thread;

  mutable std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  std::mt19937_64 rng;

  std::deque<std::shared_ptr<Invocation>> queue;
  std::map<std::string, std::shared_ptr<Invocation>> running;
  std::set<std::string> answered;  // ids already answered, for InvalidStateTransition

  // The function process. `generation` counts starts; connections remember theirs so that a
  // worker of a dead process cannot take an invocation meant for its successor.
  pid_t pid = -1;
  int generation = 0;
  Clock::time_point spawned_at;
  bool first_next_seen = false;
  std::optional<std::chrono::microseconds> unclaimed_init_duration;
  bool failed_init = false;
  std::optional<InvokeResult> init_error;

  std::set<std::string> extensions;
  bool shutdown_requested = false;

  std::deque<RecordedRequest> transcript;
  std::vector<Connection> connections;

  int log_fd = -1;  // read end of the captured stdout/stderr pipe
  std::thread log_thread;
  std::string logs;

  std::string uuid() {
    std::uniform_int_distribution<int> hex(0, 15);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
    for (auto& c : id) {
      if (c == 'x') c = kHex[hex(rng)];
      else if (c == 'y') c = kHex[8 + hex(rng) % 4];
    }
    return id;
  }

  std::string random_hex(int digits) {
    std::uniform_int_distribution<int> hex(0, 15);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < digits; ++i) out += kHex[hex(rng)];
    return out;
  }

  std::string trace_id() {
    char epoch[16];
    std::snprintf(epoch, sizeof epoch, "%08lx", static_cast<unsigned long>(std::time(nullptr)));
    return "Root=1-" + std::string(epoch) + "-" + random_hex(24) + ";Parent=" + random_hex(16) + ";Sampled=0";
  }

  std::string function_arn() const {
    return "arn:aws:lambda:" + config.region + ":" + config.account_id + ":function:" + config.function_name;
  }

  // ---- listener -------------------------------------------------------------------------

  Result<void> listen() {
    if (listening) return ok();
    boost::system::error_code ec;
    acceptor.open(tcp::v4(), ec);
    if (!ec) acceptor.bind({net::ip::make_address_v4("127.0.0.1"), 0}, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return Error{"Emulator.ListenFailed", "cannot listen on 127.0.0.1: " + ec.message(), 500};
    ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
    port = acceptor.local_endpoint().port();
    listening = true;
    accept_thread = std::thread([this] { accept_loop(); });
    return ok();
  }

  void accept_loop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io);
      boost::system::error_code ec;
      acceptor.accept(*socket, ec);
      std::lock_guard lock(mutex);
      if (stopping) return;
      if (ec) continue;
      ::fcntl(socket->native_handle(), F_SETFD, FD_CLOEXEC);
      socket->set_option(tcp::no_delay(true), ec);
      // Join the threads of connections that have ended, so they do not pile up.
      std::erase_if(connections, [](Connection& c) {
        if (!c.finished->load()) return false;
        c.thread.join();
        return true;
      });
      auto finished = std::make_shared<std::atomic<bool>>(false);
      const int connection_generation = generation;
      connections.push_back({socket, std::thread([this, socket, finished, connection_generation] {
                               serve(*socket, connection_generation);
                               boost::system::error_code ignored;
                               std::lock_guard closing(mutex);
                               socket->close(ignored);
                               finished->store(true);
                             }),
                             finished});
    }
  }

  // ---- one connection -------------------------------------------------------------------

  struct Answer {
    http::status status = http::status::ok;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool close = false;
  };

  static Answer error_answer(http::status status, std::string_view type, std::string_view message) {
    return {status, error_json(type, message), {}, false};
  }

  void serve(tcp::socket& socket, int connection_generation) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      // Beast checks Content-Length against the limit while parsing the header, so the
      // limit is generous here; per-endpoint limits are enforced once the body is in.
      parser.body_limit(kMaxReadBody);
      boost::system::error_code ec;
      http::read_header(socket, buffer, parser, ec);
      if (ec) return;  // closed, or not HTTP: drop the connection
      const auto& header = parser.get();
      const std::string target(header.target());
      const bool streaming = lower(std::string_view(header[protocol::kResponseMode])) == "streaming";
      const bool is_response = target.ends_with("/response");
      std::set<std::string> header_names;
      for (const auto& field : header) header_names.insert(lower(std::string_view(field.name_string())));
      http::read(socket, buffer, parser, ec);
      // Kept for the transcript before dispatch moves the body into a result.
      std::string body_excerpt = parser.get().body().substr(0, kTranscriptBodyBytes);
      Answer answer;
      if (ec) return;  // broken, or larger than we are willing to read
      if (is_response && parser.get().body().size() > (streaming ? kMaxStreamedResponse : kMaxBufferedResponse)) {
        answer = oversize(target, streaming);
      } else if (!is_response && parser.get().body().size() > kMaxOtherBody) {
        answer = error_answer(http::status::payload_too_large, "RequestEntityTooLarge", "request body too large");
      } else {
        answer = dispatch(parser.get(), header_names, connection_generation);
      }
      record(parser.get(), std::move(body_excerpt), answer);
      http::response<http::string_body> response{answer.status, 11};
      response.set(http::field::content_type, "application/json");
      for (auto& [name, value] : answer.headers) response.set(name, value);
      response.body() = std::move(answer.body);
      response.keep_alive(!answer.close && parser.get().keep_alive());
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || !response.keep_alive()) return;
    }
  }

  void record(const http::request<http::string_body>& request, std::string body, const Answer& answer) {
    RecordedRequest r;
    r.method = std::string(request.method_string());
    r.target = std::string(request.target());
    for (const auto& field : request) r.headers.emplace_back(lower(std::string_view(field.name_string())), std::string(field.value()));
    r.body = std::move(body);
    r.status = static_cast<int>(answer.status);
    std::lock_guard lock(mutex);
    transcript.push_back(std::move(r));
    if (transcript.size() > kTranscriptLength) transcript.pop_front();
  }

  Answer dispatch(http::request<http::string_body>& request, const std::set<std::string>& header_names, int connection_generation) {
    const std::string_view target = request.target();
    const auto verb = request.method();
    if (target == protocol::kNextPath) {
      if (verb != http::verb::get) return error_answer(http::status::method_not_allowed, "MethodNotAllowed", "use GET");
      return next(connection_generation);
    }
    if (target == protocol::kInitErrorPath) {
      if (verb != http::verb::post) return error_answer(http::status::method_not_allowed, "MethodNotAllowed", "use POST");
      return init_error_posted(request);
    }
    if (target == protocol::kExtensionRegisterPath) {
      if (verb != http::verb::post) return error_answer(http::status::method_not_allowed, "MethodNotAllowed", "use POST");
      return register_extension(request);
    }
    if (target == protocol::kExtensionNextPath) {
      if (verb != http::verb::get) return error_answer(http::status::method_not_allowed, "MethodNotAllowed", "use GET");
      return extension_next(request, connection_generation);
    }
    if (target.starts_with(protocol::kInvocationPrefix)) {
      auto rest = target.substr(protocol::kInvocationPrefix.size());
      const auto slash = rest.find('/');
      if (slash != std::string_view::npos) {
        const std::string id(rest.substr(0, slash));
        const auto what = rest.substr(slash + 1);
        if (what == "response" || what == "error") {
          if (verb != http::verb::post) return error_answer(http::status::method_not_allowed, "MethodNotAllowed", "use POST");
          return answered_invocation(id, what == "error", request, header_names);
        }
      }
    }
    return error_answer(http::status::not_found, "NotFound", "no such Runtime API path: " + std::string(target.substr(0, 200)));
  }

  Answer next(int connection_generation) {
    std::unique_lock lock(mutex);
    if (connection_generation == generation && !first_next_seen && pid > 0) {
      first_next_seen = true;
      unclaimed_init_duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - spawned_at);
      changed.notify_all();
    }
    changed.wait(lock, [&] { return stopping || !queue.empty() || connection_generation != generation; });
    if (stopping || connection_generation != generation) return {http::status::gone, error_json("Emulator.Stopped", "shutting down"), {}, true};
    auto invocation = queue.front();
    queue.pop_front();
    invocation->state = Invocation::State::running;
    invocation->handed_out = Clock::now();
    invocation->deadline = invocation->handed_out + config.timeout;
    invocation->log_offset = logs.size();
    if (unclaimed_init_duration) {
      invocation->result.init_duration = unclaimed_init_duration;
      unclaimed_init_duration.reset();
    }
    running[invocation->id] = invocation;
    const auto deadline_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 (std::chrono::system_clock::now() + config.timeout).time_since_epoch())
                                 .count();
    const auto& r = invocation->request;
    // Lambda hands an empty Invoke payload to the function as {}.
    Answer answer{http::status::ok, r.payload.empty() ? std::string("{}") : r.payload, {}, false};
    answer.headers = {{std::string(protocol::kRequestId), invocation->id},
                      {std::string(protocol::kDeadlineMs), std::to_string(deadline_ms)},
                      {std::string(protocol::kFunctionArn), function_arn()},
                      {std::string(protocol::kTraceId), r.trace_id.empty() ? trace_id() : r.trace_id}};
    if (!r.client_context.empty()) answer.headers.emplace_back(protocol::kClientContext, r.client_context);
    if (!r.cognito_identity.empty()) answer.headers.emplace_back(protocol::kCognitoIdentity, r.cognito_identity);
    if (!r.tenant_id.empty()) answer.headers.emplace_back(protocol::kTenantId, r.tenant_id);
    if (!r.invocation_id.empty()) answer.headers.emplace_back(protocol::kInvocationId, r.invocation_id);
    return answer;
  }

  // Ends a running invocation (the mutex is held).
  void complete(const std::shared_ptr<Invocation>& invocation) {
    invocation->state = Invocation::State::done;
    invocation->result.request_id = invocation->id;
    invocation->result.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - invocation->handed_out);
    if (config.capture_logs && invocation->log_offset <= logs.size()) invocation->result.logs = logs.substr(invocation->log_offset);
    running.erase(invocation->id);
    answered.insert(invocation->id);
    changed.notify_all();
  }

  Answer answered_invocation(const std::string& id, bool is_error, http::request<http::string_body>& request,
                             const std::set<std::string>& header_names) {
    std::lock_guard lock(mutex);
    auto it = running.find(id);
    if (it == running.end()) {
      if (answered.contains(id))
        return error_answer(http::status::bad_request, "InvalidStateTransition", "invocation " + id + " has already been answered");
      return error_answer(http::status::bad_request, "InvalidRequestID", "no invocation " + id.substr(0, 100) + " is in progress");
    }
    auto invocation = it->second;
    auto& result = invocation->result;
    for (const auto& field : request) {
      auto name = lower(std::string_view(field.name_string()));
      (header_names.contains(name) ? result.response_headers : result.trailers).emplace_back(name, std::string(field.value()));
    }
    result.content_type = std::string(request[http::field::content_type]);
    result.payload = std::move(request.body());
    if (is_error) {
      std::string type(request[protocol::kErrorType]);
      if (type.empty()) type = error_type_of(result.payload);
      result.error_type = type.empty() ? "Unhandled" : type;
    } else {
      result.streamed = lower(std::string_view(request[protocol::kResponseMode])) == "streaming";
      for (const auto& [name, value] : result.trailers) {
        if (name == lower(protocol::kErrorType) && !value.empty()) result.error_type = value;
      }
      if (result.error_type) {
        // A mid-stream error: the body Lambda reports is the error, base64 in a trailer.
        for (const auto& [name, value] : result.trailers) {
          if (name != lower(protocol::kErrorBody)) continue;
          if (auto decoded = base64::decode(value)) result.payload = std::move(*decoded);
        }
      }
    }
    complete(invocation);
    return {http::status::accepted, R"({"status":"OK"})", {}, false};
  }

  Answer oversize(const std::string& target, bool streaming) {
    std::lock_guard lock(mutex);
    const auto limit = streaming ? kMaxStreamedResponse : kMaxBufferedResponse;
    const std::string message = "Response payload size exceeded maximum allowed payload size (" + std::to_string(limit) + " bytes).";
    if (target.starts_with(protocol::kInvocationPrefix)) {
      auto rest = std::string_view(target).substr(protocol::kInvocationPrefix.size());
      const std::string id(rest.substr(0, rest.find('/')));
      if (auto it = running.find(id); it != running.end()) {
        auto invocation = it->second;
        invocation->result.error_type = "Function.ResponseSizeTooLarge";
        invocation->result.payload = error_json("Function.ResponseSizeTooLarge", message);
        complete(invocation);
      }
    }
    return error_answer(http::status::payload_too_large, "RequestEntityTooLarge", message);
  }

  Answer init_error_posted(const http::request<http::string_body>& request) {
    std::lock_guard lock(mutex);
    InvokeResult failure;
    failure.payload = request.body();
    std::string type(request[protocol::kErrorType]);
    if (type.empty()) type = error_type_of(failure.payload);
    failure.error_type = type.empty() ? "Runtime.InitError" : type;
    failure.content_type = std::string(request[http::field::content_type]);
    failure.init_duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - spawned_at);
    failed_init = true;  // the process is done for: the next invoke starts a new one
    // The waiting invocations get the error; with none waiting, the next one will.
    if (queue.empty()) init_error = std::move(failure);
    else fail_queued(failure);
    return {http::status::accepted, R"({"status":"OK"})", {}, false};
  }

  // Fails every queued invocation with `failure` (the mutex is held).
  void fail_queued(const InvokeResult& failure) {
    for (auto& invocation : queue) {
      const auto id = invocation->id;
      invocation->result = failure;
      invocation->result.request_id = id;
      invocation->state = Invocation::State::done;
    }
    queue.clear();
    changed.notify_all();
  }

  Answer register_extension(const http::request<http::string_body>& request) {
    const std::string name(request[protocol::kExtensionName]);
    if (name.empty()) return error_answer(http::status::bad_request, "InvalidRequest", "Lambda-Extension-Name is required");
    boost::system::error_code ec;
    auto body = boost::json::parse(request.body(), ec);
    if (ec || !body.is_object()) return error_answer(http::status::bad_request, "InvalidRequest", "the body must be {\"events\":[...]}");
    std::lock_guard lock(mutex);
    const auto id = uuid();
    extensions.insert(id);
    Answer answer{http::status::ok,
                  boost::json::serialize(boost::json::object{
                      {"functionName", config.function_name}, {"functionVersion", config.function_version}, {"handler", ""}}),
                  {{std::string(protocol::kExtensionIdentifier), id}},
                  false};
    return answer;
  }

  Answer extension_next(const http::request<http::string_body>& request, int connection_generation) {
    const std::string id(request[protocol::kExtensionIdentifier]);
    std::unique_lock lock(mutex);
    if (!extensions.contains(id)) return error_answer(http::status::forbidden, "Extension.InvalidExtensionId", "unknown extension identifier");
    changed.wait(lock, [&] { return stopping || shutdown_requested || connection_generation != generation; });
    const auto deadline_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            (std::chrono::system_clock::now() + config.shutdown_grace).time_since_epoch())
            .count();
    return {http::status::ok,
            boost::json::serialize(boost::json::object{{"eventType", "SHUTDOWN"}, {"shutdownReason", "spindown"}, {"deadlineMs", deadline_ms}}),
            {},
            false};
  }

  // ---- the function process -------------------------------------------------------------

  std::vector<std::string> child_environment() {
    std::map<std::string, std::string> env;
    if (config.inherit_environment) {
      for (char** e = environ; *e != nullptr; ++e) {
        std::string_view entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string_view::npos) env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
      }
    } else {
      for (const char* name : {"PATH", "HOME", "LANG"}) {
        if (const char* value = std::getenv(name)) env[name] = value;
      }
    }
    // Variables of an outer Lambda environment must not leak into this one.
    env.erase("AWS_LAMBDA_MAX_CONCURRENCY");
    env.erase("_X_AMZN_TRACE_ID");
    const std::filesystem::path executable = config.command.empty() ? "" : config.command.front();
    char date[16];
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(date, sizeof date, "%Y/%m/%d", &utc);
    env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(port);
    env["AWS_LAMBDA_FUNCTION_NAME"] = config.function_name;
    env["AWS_LAMBDA_FUNCTION_VERSION"] = config.function_version;
    env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config.memory_mb);
    env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + config.function_name;
    env["AWS_LAMBDA_LOG_STREAM_NAME"] = std::string(date) + "/[" + config.function_version + "]" + random_hex(32);
    env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
    env["AWS_REGION"] = config.region;
    env["AWS_DEFAULT_REGION"] = config.region;
    env["AWS_EXECUTION_ENV"] = "AWS_Lambda_provided.al2023";
    env["LAMBDA_TASK_ROOT"] = executable.has_parent_path() ? std::filesystem::absolute(executable.parent_path()).string() : ".";
    env["LAMBDA_RUNTIME_DIR"] = env["LAMBDA_TASK_ROOT"];
    env["_HANDLER"] = "handler";
    env["TZ"] = ":UTC";
    if (config.concurrency > 1) env["AWS_LAMBDA_MAX_CONCURRENCY"] = std::to_string(config.concurrency);
    for (const auto& [name, value] : config.environment) env[name] = value;
    std::vector<std::string> entries;
    entries.reserve(env.size());
    for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
    return entries;
  }

  // Starts the function (the mutex is held). A failure is an InvokeResult-shaped error.
  std::optional<InvokeResult> spawn() {
    if (config.command.empty()) return std::nullopt;
    if (config.capture_logs && log_fd < 0) start_log_capture();
    auto env_entries = child_environment();
    std::vector<char*> envp;
    for (auto& e : env_entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::vector<std::string> args_storage(config.command);
    std::vector<char*> argv;
    for (auto& a : args_storage) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // The function's stdout is its log, which belongs on our stderr (or in the capture pipe).
    posix_spawn_file_actions_adddup2(&actions, log_write_fd >= 0 ? log_write_fd : 2, 1);
    posix_spawn_file_actions_adddup2(&actions, log_write_fd >= 0 ? log_write_fd : 2, 2);
    spawned_at = Clock::now();
    pid_t child = -1;
    const int error = config.command.front().find('/') == std::string::npos
                          ? posix_spawnp(&child, argv[0], &actions, nullptr, argv.data(), envp.data())
                          : posix_spawn(&child, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      InvokeResult failure;
      failure.error_type = "Runtime.InvalidEntrypoint";
      failure.payload = error_json("Runtime.InvalidEntrypoint", "cannot start " + config.command.front() + ": " + std::strerror(error));
      return failure;
    }
    pid = child;
    ++generation;
    first_next_seen = false;
    unclaimed_init_duration.reset();
    failed_init = false;
    init_error.reset();
    shutdown_requested = false;
    extensions.clear();
    answered.clear();
    ++start_count;
    return std::nullopt;
  }

  int start_count = 0;
  int log_write_fd = -1;

  void start_log_capture() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    log_fd = fds[0];
    log_write_fd = fds[1];
    log_thread = std::thread([this] {
      char buffer[16384];
      for (;;) {
        const ssize_t n = ::read(log_fd, buffer, sizeof buffer);
        if (n <= 0) return;
        std::lock_guard lock(mutex);
        if (logs.size() + static_cast<std::size_t>(n) > kMaxCapturedLogBytes && running.empty()) logs.clear();
        logs.append(buffer, static_cast<std::size_t>(n));
      }
    });
  }

  // Reaps the process if it has exited (the mutex is held); returns how it ended.
  std::optional<std::string> reap(bool block) {
    if (pid <= 0) return std::nullopt;
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (done != pid) return std::nullopt;
    pid = -1;
    ++generation;  // wakes and retires the connections of the dead process
    changed.notify_all();
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::string(strsignal(WTERMSIG(status)));
    return "unknown status";
  }

  void kill_function() {
    if (pid <= 0) return;
    ::kill(pid, SIGKILL);
    (void)reap(true);
  }

  // Fails running (and, when no process is left to serve them, queued) invocations.
  void fail_running(const std::string& type, const std::string& message) {
    for (auto& [id, invocation] : std::map(running)) {
      invocation->result.error_type = type;
      invocation->result.payload = error_json(type, message);
      complete(invocation);
    }
  }
};

RuntimeEmulator::RuntimeEmulator(FunctionConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

RuntimeEmulator::~RuntimeEmulator() { stop(); }

Result<void> RuntimeEmulator::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopping) return Error{"Emulator.Stopped", "the emulator has been stopped", 500};
  if (auto listening = impl_->listen(); !listening) return listening;
  if (impl_->pid <= 0 && !impl_->config.command.empty()) {
    if (auto failure = impl_->spawn()) return Error{*failure->error_type, failure->payload, 500};
  }
  return ok();
}

std::string RuntimeEmulator::endpoint() const {
  std::lock_guard lock(impl_->mutex);
  return "127.0.0.1:" + std::to_string(impl_->port);
}

Result<InvokeResult> RuntimeEmulator::invoke(InvokeRequest request) {
  auto& impl = *impl_;
  std::unique_lock lock(impl.mutex);
  if (impl.stopping) return Error{"Emulator.Stopped", "the emulator has been stopped", 500};
  if (auto listening = impl.listen(); !listening) return listening.error();

  auto invocation = std::make_shared<Invocation>();
  invocation->id = impl.uuid();
  invocation->request = std::move(request);

  if (impl.config.command.empty() && impl.init_error) {
    // An external runtime reported an init error before this invocation arrived: it is this
    // invocation's answer (Lambda would discard that environment).
    InvokeResult failure = std::move(*impl.init_error);
    impl.init_error.reset();
    failure.request_id = invocation->id;
    return failure;
  }
  if (!impl.config.command.empty()) {
    (void)impl.reap(false);
    if (impl.pid > 0 && impl.failed_init) impl.kill_function();
    if (impl.pid <= 0) {
      if (auto failure = impl.spawn()) {
        failure->request_id = invocation->id;
        return std::move(*failure);
      }
    }
  }
  impl.queue.push_back(invocation);
  impl.changed.notify_all();

  const auto poll = std::chrono::milliseconds(10);
  while (invocation->state != Invocation::State::done) {
    if (impl.stopping) return Error{"Emulator.Stopped", "the emulator was stopped during the invocation", 500};
    impl.changed.wait_for(lock, poll);
    if (invocation->state == Invocation::State::done) break;
    const bool has_process = !impl.config.command.empty();

    if (has_process) {
      const bool initialised = impl.first_next_seen;
      if (auto ended = impl.reap(false)) {
        const std::string message = "RequestId: " + invocation->id + " Error: Runtime exited with " + *ended;
        impl.fail_running("Runtime.ExitError", message);
        // A process that died before asking for work would die again: fail what waits for it.
        if (!initialised) {
          InvokeResult failure;
          failure.error_type = "Runtime.ExitError";
          failure.payload = error_json("Runtime.ExitError", message);
          impl.fail_queued(failure);
        }
        continue;
      }
      if (invocation->state == Invocation::State::queued && impl.pid <= 0) {
        // The process went away with this invocation still queued (another one timed out or
        // crashed it): start a new one.
        if (auto failure = impl.spawn()) {
          failure->request_id = invocation->id;
          impl.queue.erase(std::find(impl.queue.begin(), impl.queue.end(), invocation));
          return std::move(*failure);
        }
      }
    }
    const auto now = Clock::now();
    if (invocation->state == Invocation::State::running && now >= invocation->deadline) {
      const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(impl.config.timeout);
      char date[40];
      const std::time_t t = std::time(nullptr);
      std::tm utc{};
      gmtime_r(&t, &utc);
      std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
      // Lambda stops the whole environment on a timeout; so do we.
      impl.kill_function();
      invocation->result.error_type = "Sandbox.Timedout";
      invocation->result.payload = error_json(
          "Sandbox.Timedout", std::string(date) + " " + invocation->id + " Task timed out after " + seconds_text(timeout) + " seconds");
      impl.complete(invocation);
      impl.fail_running("Runtime.ExitError", "the environment was stopped after another invocation timed out");
      break;
    }
    if (has_process && invocation->state == Invocation::State::queued && !impl.first_next_seen && impl.pid > 0 &&
        now - impl.spawned_at >= impl.config.init_timeout) {
      impl.kill_function();
      InvokeResult failure;
      failure.error_type = "Runtime.InitTimeout";
      failure.payload = error_json("Runtime.InitTimeout", "the function did not ask for an invocation within " +
                                                              seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(impl.config.init_timeout)) +
                                                              " seconds of starting");
      impl.fail_queued(failure);
    }
  }
  invocation->result.request_id = invocation->id;
  return invocation->result;
}

void RuntimeEmulator::stop() {
  auto& impl = *impl_;
  std::unique_lock lock(impl.mutex);
  if (impl.stopping) return;
  const bool extensions = !impl.extensions.empty();
  if (extensions) {
    // Lambda's shutdown with extensions: SHUTDOWN event, SIGTERM, a grace period, SIGKILL.
    impl.shutdown_requested = true;
    impl.changed.notify_all();
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // lets the SHUTDOWN events go out
    lock.lock();
  }
  if (impl.pid > 0) {
    if (extensions) {
      ::kill(impl.pid, SIGTERM);
      const auto give_up = Clock::now() + impl.config.shutdown_grace;
      while (impl.pid > 0 && !impl.reap(false) && Clock::now() < give_up) {
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        lock.lock();
      }
    }
    impl.kill_function();
  }
  impl.stopping = true;
  InvokeResult stopped;
  stopped.error_type = "Emulator.Stopped";
  stopped.payload = error_json("Emulator.Stopped", "the emulator was stopped");
  impl.fail_queued(stopped);
  impl.fail_running("Emulator.Stopped", "the emulator was stopped");
  if (impl.listening) ::shutdown(impl.acceptor.native_handle(), SHUT_RDWR);  // wakes accept()
  boost::system::error_code ignored;
  for (auto& c : impl.connections) {
    if (c.socket->is_open()) c.socket->shutdown(tcp::socket::shutdown_both, ignored);
  }
  impl.changed.notify_all();
  lock.unlock();

  if (impl.accept_thread.joinable()) impl.accept_thread.join();
  std::vector<Connection> connections;
  {
    std::lock_guard relock(impl.mutex);
    connections.swap(impl.connections);
  }
  for (auto& c : connections) c.thread.join();
  impl.acceptor.close(ignored);
  if (impl.log_write_fd >= 0) ::close(impl.log_write_fd);
  if (impl.log_thread.joinable()) impl.log_thread.join();
  if (impl.log_fd >= 0) ::close(impl.log_fd);
  impl.log_write_fd = impl.log_fd = -1;
}

bool RuntimeEmulator::function_running() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->pid > 0;
}

int RuntimeEmulator::starts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->start_count;
}

int RuntimeEmulator::function_pid() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->pid;
}

std::vector<RecordedRequest> RuntimeEmulator::transcript() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->transcript.begin(), impl_->transcript.end()};
}

}  // namespace lift::local
