// Lambda's side of the Runtime API. Threads: one per connection (clients keep one connection
// per worker and block in GET /next), one accepting connections, one supervisor that enforces
// deadlines and watches the function process. All shared state sits behind one mutex and one
// condition variable; socket I/O never happens with the mutex held.
#include "lift/local/runtime_emulator.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json.hpp>

#include "function_process.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"
#include "lift/core/utf8.hpp"
#include "lift/core/uuid.hpp"
#include "lift/runtime/protocol.hpp"
#include "wire.hpp"

namespace lift::local {
namespace {

namespace net = boost::asio;
namespace protocol = runtime::protocol;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using detail::WireRequest;
using detail::WireResponse;

constexpr std::size_t kMaxBufferedResponse = 6 * 1024 * 1024;  // Lambda's limit
constexpr std::size_t kMaxStreamedResponse = 20 * 1024 * 1024;  // Lambda's default streaming limit
constexpr std::size_t kMaxOtherBody = 1024 * 1024;
constexpr std::size_t kTranscriptLength = 256;
constexpr std::size_t kTranscriptBodyBytes = 64 * 1024;
constexpr std::size_t kRememberedAnswers = 4096;
constexpr std::size_t kMaxConnections = 256;
constexpr auto kSupervisorTick = std::chrono::milliseconds(10);
constexpr auto kHangupCheck = std::chrono::milliseconds(100);
// How long stop() waits for extensions to collect SHUTDOWN before it signals the process.
constexpr auto kExtensionDelivery = std::chrono::milliseconds(500);
// How often a stop looks whether the function's process group has ended after SIGTERM.
constexpr auto kGroupPoll = std::chrono::milliseconds(5);

std::string error_json(std::string_view type, std::string_view message) {
  return boost::json::serialize(boost::json::object{{"errorMessage", message}, {"errorType", type}});
}

// errorType of an error body, when it is the JSON Lambda expects.
std::string error_type_of(const std::string& body) {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return {};
  const auto* type = value.as_object().if_contains("errorType");
  return type != nullptr && type->is_string() ? std::string(type->as_string()) : std::string();
}

// The error JSON of an error report: the body when it is a JSON object, otherwise the body's
// text as the errorMessage of one (a runtime may post anything).
std::string error_payload(std::string body, std::string_view type) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (!ec && value.is_object()) return body;
  constexpr std::size_t kMessageBytes = 64 * 1024;
  return error_json(type, replace_invalid_utf8(std::string_view(body).substr(0, kMessageBytes)));
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
  Clock::time_point queued_at;
  Clock::time_point handed_out;
  Clock::time_point deadline;
  std::size_t log_from = 0;  // offset in the captured output where its logs begin
  bool delivered = false;  // a /next answer carried it (its id reached a runtime)
  InvokeResult result;
};

struct Connection {
  int fd = -1;  // for shutdown() from stop(); closed only by the connection's own thread
  std::shared_ptr<tcp::socket> socket;
  std::thread thread;
  bool finished = false;
};

// Request ids already answered (bounded), so that a second answer is told apart from a
// request id that never existed.
class AnsweredIds {
 public:
  void add(const std::string& id) {
    if (!ids_.insert(id).second) return;
    order_.push_back(id);
    if (order_.size() > kRememberedAnswers) {
      ids_.erase(order_.front());
      order_.pop_front();
    }
  }
  [[nodiscard]] bool contains(const std::string& id) const { return ids_.contains(id); }

 private:
  std::deque<std::string> order_;
  std::unordered_set<std::string> ids_;
};

// What a connection thread does with a request.
struct RuntimeReply {
  WireResponse response;
  std::shared_ptr<Invocation> handed_out;  // /next: back to the queue if it cannot be delivered
  std::string shutdown_for;  // extension identifier whose SHUTDOWN event this is
  bool drop = false;  // the client went away while waiting: close without answering
};

RuntimeReply json_reply(int status, std::string body) { return RuntimeReply{WireResponse{status, std::move(body), {}, false}, nullptr, {}, false}; }

RuntimeReply dropped() { return RuntimeReply{{}, nullptr, {}, true}; }

RuntimeReply error_reply(int status, std::string_view type, std::string_view message) {
  return json_reply(status, error_json(type, message));
}

RuntimeReply accepted() { return json_reply(202, R"({"status":"OK"})"); }

}  // namespace

struct RuntimeEmulator::Impl {
  explicit Impl(FunctionConfig c) : config(std::move(c)) {
    if (config.concurrency == 0) config.concurrency = 1;
  }

  FunctionConfig config;  // not changed after construction: read without the mutex
  net::io_context io;     // never run: the sockets only make synchronous calls
  detail::UniqueFd listener;
  unsigned short port = 0;
  std::thread accept_thread;
  std::thread supervisor_thread;

  mutable std::mutex mutex;
  std::condition_variable changed;
  bool listening = false;
  bool stop_started = false;  // stop() is running: no new invocations
  bool stopping = false;      // the threads are being torn down
  bool stopped = false;
  int active_invokes = 0;

  std::deque<std::shared_ptr<Invocation>> queue;
  std::map<std::string, std::shared_ptr<Invocation>> running;
  AnsweredIds answered;
  int waiting_next = 0;  // GET /next requests blocked right now
  Clock::time_point last_runtime_activity;
  bool runtime_seen = false;  // any GET /next ever

  // The function process. `generation` changes whenever a process starts or ends; connections
  // remember the one they were accepted in, so that a worker of a dead process cannot take an
  // invocation meant for its successor.
  pid_t pid = -1;
  int generation = 0;
  int start_count = 0;
  Clock::time_point spawned_at;
  std::size_t spawn_log_offset = 0;
  bool initialised = false;  // this process has asked for work
  bool failed_init = false;  // this process reported an init error
  std::optional<std::chrono::microseconds> unclaimed_init_duration;
  // An init error reported while no invocation waited: the answer of the next one.
  std::optional<InvokeResult> init_failure;
  std::size_t init_failure_log_from = 0;

  std::map<std::string, bool> extensions;  // identifier → SHUTDOWN delivered
  bool shutdown_event = false;
  std::int64_t shutdown_deadline_ms = 0;

  std::deque<RecordedRequest> transcript;
  std::list<Connection> connections;  // a list: threads keep pointers to their element
  detail::LogCapture logs;

  // ---- small helpers ---------------------------------------------------------------------

  std::string trace_id() {
    char epoch[16];
    std::snprintf(epoch, sizeof epoch, "%08lx", static_cast<unsigned long>(std::time(nullptr)));
    return "Root=1-" + std::string(epoch) + "-" + random_hex(24) + ";Parent=" + random_hex(16) + ";Sampled=0";
  }

  std::string function_arn() const {
    return "arn:aws:lambda:" + config.region + ":" + config.account_id + ":function:" + config.function_name;
  }

  std::string handler_name() const {
    std::string handler = "handler";
    for (const auto& [name, value] : config.environment) {
      if (name == "_HANDLER") handler = value;
    }
    return handler;
  }

  bool has_command() const { return !config.command.empty(); }

  // ---- captured output (the mutex is held) ------------------------------------------------

  std::size_t log_end() { return logs.started() ? logs.end() : 0; }

  // Drops output no invocation can still claim.
  void trim_logs() {
    if (!logs.started()) return;
    std::size_t keep = logs.end();
    for (const auto& invocation : queue) keep = std::min(keep, invocation->log_from);
    for (const auto& [id, invocation] : running) keep = std::min(keep, invocation->log_from);
    if (pid > 0 && (!initialised || unclaimed_init_duration)) keep = std::min(keep, spawn_log_offset);
    if (init_failure) keep = std::min(keep, init_failure_log_from);
    logs.discard_before(keep);
  }

  // ---- ending invocations (the mutex is held) ---------------------------------------------

  // Takes an invocation out of the queue or the running set with its result as it stands.
  // `include_init` attributes the output of the process start to it.
  // By value: the caller's pointer may be the very map entry this erases.
  void finish(std::shared_ptr<Invocation> invocation, bool include_init = false) {
    if (invocation->state == Invocation::State::done) return;
    if (invocation->state == Invocation::State::running) {
      running.erase(invocation->id);
      answered.add(invocation->id);
      invocation->result.duration =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - invocation->handed_out);
    } else {
      std::erase(queue, invocation);
    }
    invocation->state = Invocation::State::done;
    invocation->result.request_id = invocation->id;
    if (logs.started()) {
      const auto from = include_init ? std::min(invocation->log_from, spawn_log_offset) : invocation->log_from;
      invocation->result.logs = logs.since(from);
    }
    trim_logs();
    changed.notify_all();
  }

  void fail(std::shared_ptr<Invocation> invocation, const std::string& type, std::string payload,
            bool include_init = false) {
    if (invocation->state == Invocation::State::done) return;
    invocation->result.error_type = type;
    invocation->result.payload = std::move(payload);
    invocation->result.content_type = "application/json";
    finish(std::move(invocation), include_init);
  }

  void fail_queued(const std::string& type, const std::string& message, bool include_init = false) {
    for (auto& invocation : std::deque(queue)) fail(invocation, type, error_json(type, message), include_init);
  }

  void fail_running(const std::string& type, const std::string& reason) {
    for (auto& [id, invocation] : std::map(running)) {
      fail(invocation, type, error_json(type, "RequestId: " + id + " Error: " + reason));
    }
  }

  // Every queued invocation gets a copy of `failure` (an init error, a failed start).
  void fail_queued_with(const InvokeResult& failure, bool include_init) {
    for (auto& invocation : std::deque(queue)) {
      invocation->result = failure;
      finish(invocation, include_init);
    }
  }

  // ---- the function process (the mutex is held) -------------------------------------------

  // A start that failed, as the answer of an invocation.
  static InvokeResult failure_of(const Error& error) {
    InvokeResult failure;
    failure.error_type = error.code;
    failure.payload = error_json(error.code, error.message);
    failure.content_type = "application/json";
    return failure;
  }

  std::optional<Error> spawn() {
    if (config.capture_logs && !logs.started()) {
      // Without the pipe the output still reaches stderr; the invocations just lack logs.
      (void)logs.start();
    }
    const int output = logs.started() ? logs.write_fd() : STDERR_FILENO;
    const auto environment = detail::lambda_environment(config, port, random_hex(32));
    spawned_at = Clock::now();
    spawn_log_offset = log_end();
    auto child = detail::spawn_process(config.command, environment, output);
    if (!child) return child.error();
    pid = *child;
    ++generation;
    ++start_count;
    initialised = false;
    failed_init = false;
    unclaimed_init_duration.reset();
    init_failure.reset();
    extensions.clear();
    shutdown_event = false;
    changed.notify_all();
    return std::nullopt;
  }

  // Bookkeeping once the process is gone (reaped).
  void process_gone() {
    pid = -1;
    ++generation;  // wakes and retires the connections of the dead process
    initialised = false;
    unclaimed_init_duration.reset();
    extensions.clear();
    changed.notify_all();
  }

  // Kills the process and every process it started (SIGKILL to its group, as Lambda ends the
  // whole environment), reaps it, and fails what it was running with `reason`.
  void kill_process(const std::string& reason) {
    if (pid <= 0) return;
    detail::signal_group(pid, SIGKILL);
    (void)detail::reap_process(pid, true);
    process_gone();
    fail_running("Runtime.ExitError", reason);
  }

  // The process ended by itself.
  void process_ended(const std::string& how) {
    const bool was_initialised = initialised;
    const bool reported_init_error = failed_init;
    process_gone();
    const std::string reason = "Runtime exited with error: " + how;
    fail_running("Runtime.ExitError", reason);
    // A process that died before asking for work would die again: fail what waits for it
    // (unless it reported an init error, which has answered them already).
    if (!was_initialised && !reported_init_error) fail_queued("Runtime.ExitError", reason, true);
  }

  // Reaps the process if it has exited, after killing what it left running in its group (the
  // environment is reset on Lambda). Left to stop() once a stop has begun: it ends the group.
  void check_process() {
    if (pid <= 0 || stop_started || !detail::has_ended(pid)) return;
    detail::signal_group(pid, SIGKILL);  // the zombie leader keeps the group's id ours meanwhile
    if (auto how = detail::reap_process(pid, true)) process_ended(*how);
  }

  // ---- supervisor ------------------------------------------------------------------------

  void supervise_loop() {
    std::unique_lock lock(mutex);
    while (!stopping) {
      const bool busy = pid > 0 || !queue.empty() || !running.empty();
      if (busy) changed.wait_for(lock, kSupervisorTick);
      else changed.wait(lock);
      if (stopping) return;
      supervise();
    }
  }

  void supervise() {
    const auto now = Clock::now();
    check_process();

    for (auto& [id, invocation] : std::map(running)) {
      if (invocation->state == Invocation::State::running && now >= invocation->deadline) timed_out(invocation);
    }

    if (has_command() && pid > 0 && !initialised && !queue.empty() && now - spawned_at >= config.init_timeout) {
      kill_process("the function did not finish initialising");
      fail_queued("Runtime.InitTimeout", "the function did not ask for an invocation within " +
                                             seconds_text(config.init_timeout) + " seconds of starting",
                  true);
    }

    // Queued work that no runtime asks for: the runtime hangs (or, without a command, none is
    // connected). Lambda counts this against the invocation's timeout too.
    if (!queue.empty() && waiting_next == 0 && running.size() < config.concurrency &&
        (!has_command() || (pid > 0 && initialised))) {
      const bool never_connected = !has_command() && !runtime_seen;
      const auto limit = never_connected ? config.init_timeout : config.timeout;
      const auto idle_since = std::max(queue.front()->queued_at, last_runtime_activity);
      if (now - idle_since >= limit) {
        if (never_connected) {
          fail_queued("Runtime.InitTimeout", "no runtime asked for an invocation at 127.0.0.1:" + std::to_string(port) +
                                                 " within " + seconds_text(config.init_timeout) + " seconds");
        } else {
          kill_process("the runtime stopped asking for invocations");
          for (auto& invocation : std::deque(queue)) {
            fail(invocation, "Sandbox.Timedout",
                 error_json("Sandbox.Timedout", rfc3339(std::chrono::system_clock::now()) + " " + invocation->id + " Task timed out after " +
                                                    seconds_text(config.timeout) + " seconds"));
          }
        }
      }
    }

    // Queued work and no process (the last one timed out or crashed): start a new one.
    if (has_command() && pid <= 0 && !queue.empty() && !stop_started) {
      if (init_failure) {
        fail_queued_with(*init_failure, true);
        init_failure.reset();
      } else if (auto error = spawn()) {
        fail_queued_with(failure_of(*error), false);
      }
    }
  }

  // SIGTERM to the function's process group, then waits until none of it runs or `until`.
  // The leader stays unreaped (check_process leaves it to stop()), so the group id stays ours.
  void terminate_group(Clock::time_point until, std::unique_lock<std::mutex>& lock) {
    if (pid <= 0) return;
    detail::signal_group(pid, SIGTERM);
    while (detail::group_running(pid) && Clock::now() < until) changed.wait_for(lock, kGroupPoll);
  }

  void timed_out(std::shared_ptr<Invocation> invocation) {
    const auto id = invocation->id;
    fail(invocation, "Sandbox.Timedout",
         error_json("Sandbox.Timedout",
                    rfc3339(std::chrono::system_clock::now()) + " " + id + " Task timed out after " + seconds_text(config.timeout) + " seconds"));
    // Lambda stops the whole environment on a timeout; so do we.
    if (has_command()) kill_process("the environment was stopped after invocation " + id + " timed out");
  }

  // ---- listener --------------------------------------------------------------------------

  Result<void> listen() {
    if (listening) return ok();
    // SOCK_CLOEXEC here and on accepted sockets: no function process inherits them.
    detail::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Error{"Emulator.ListenFailed", std::string("socket: ") + std::strerror(errno), 500};
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd.get(), SOMAXCONN) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return Error{"Emulator.ListenFailed", std::string("cannot listen on 127.0.0.1: ") + std::strerror(errno), 500};
    }
    port = ntohs(address.sin_port);
    listener = std::move(fd);
    listening = true;
    accept_thread = std::thread([this] { accept_loop(); });
    supervisor_thread = std::thread([this] { supervise_loop(); });
    return ok();
  }

  // Joins the threads of connections that have ended (the mutex is held).
  void collect_connections() {
    for (auto it = connections.begin(); it != connections.end();) {
      if (!it->finished) {
        ++it;
        continue;
      }
      if (it->thread.joinable()) it->thread.join();  // it has nothing left to do but return
      it = connections.erase(it);
    }
  }

  void accept_loop() {
    for (;;) {
      const int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
      const int error = errno;
      std::unique_lock lock(mutex);
      detail::UniqueFd accepted(fd);
      if (stopping) return;
      if (!accepted.valid()) {
        if (error == EINTR || error == ECONNABORTED) continue;
        // Out of descriptors or memory: back off rather than spin.
        changed.wait_for(lock, std::chrono::milliseconds(50));
        continue;
      }
      collect_connections();
      if (connections.size() >= kMaxConnections) continue;  // refused: closed on the way out
      auto socket = std::make_shared<tcp::socket>(io);
      boost::system::error_code ec;
      socket->assign(tcp::v4(), accepted.get(), ec);
      if (ec) continue;
      const int raw = accepted.release();
      socket->set_option(tcp::no_delay(true), ec);
      auto& connection = connections.emplace_back();
      connection.fd = raw;
      connection.socket = socket;
      const int connection_generation = generation;
      connection.thread = std::thread([this, c = &connection, connection_generation] {
        serve(*c->socket, c->fd, connection_generation);
        std::lock_guard closing(mutex);
        boost::system::error_code ignored;
        c->socket->close(ignored);
        c->finished = true;
      });
    }
  }

  // ---- one connection --------------------------------------------------------------------

  std::size_t body_limit(const WireRequest& request) const {
    const std::string_view target = request.target;
    if (target.starts_with(protocol::kInvocationPrefix)) {
      if (target.ends_with("/response")) {
        return detail::lower(request.header(protocol::kResponseMode)) == "streaming" ? kMaxStreamedResponse
                                                                                      : kMaxBufferedResponse;
      }
      if (target.ends_with("/error")) return kMaxBufferedResponse;
    }
    if (target == protocol::kInitErrorPath) return kMaxBufferedResponse;
    return kMaxOtherBody;
  }

  // Where a streamed response's body goes as it arrives: to its invocation's on_stream, when
  // it has one (empty otherwise: the body is collected).
  detail::BodySink stream_sink(const WireRequest& request) {
    const std::string_view target = request.target;
    if (!target.starts_with(protocol::kInvocationPrefix) || !target.ends_with("/response") ||
        detail::lower(request.header(protocol::kResponseMode)) != "streaming") {
      return {};
    }
    const auto rest = target.substr(protocol::kInvocationPrefix.size());
    const std::string id(rest.substr(0, rest.find('/')));
    std::lock_guard lock(mutex);
    reclaim_delivered(id);
    const auto it = running.find(id);
    if (it == running.end() || !it->second->request.on_stream) return {};
    return [on_stream = it->second->request.on_stream, type = std::string(request.header("content-type"))](std::string_view piece) {
      on_stream(type, piece);
    };
  }

  void serve(tcp::socket& socket, int fd, int connection_generation) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      WireRequest request;
      if (!detail::read_request(
              socket, buffer, request, [this](const WireRequest& r) { return body_limit(r); },
              [this](const WireRequest& r) { return stream_sink(r); })) {
        return;  // closed, broken, not HTTP, or far too large: drop the connection
      }
      // Taken before dispatch, which may move the body into a result.
      std::string excerpt = request.body.substr(0, kTranscriptBodyBytes);
      RuntimeReply reply = request.too_large ? oversize(request) : dispatch(request, fd, connection_generation);
      if (reply.drop) return;
      record(request, std::move(excerpt), reply.response.status);
      const bool keep_alive = request.keep_alive && !reply.response.close;
      if (!detail::write_response(socket, reply.response, keep_alive)) {
        if (reply.handed_out) requeue(reply.handed_out);
        return;
      }
      if (!reply.shutdown_for.empty()) delivered(reply.shutdown_for);
      if (!keep_alive) return;
    }
  }

  void record(const WireRequest& request, std::string body, int status) {
    RecordedRequest r;
    r.method = request.method;
    r.target = request.target.substr(0, 1024);
    r.headers = request.headers;
    r.body = std::move(body);
    r.status = status;
    r.trailers = request.trailers;
    std::lock_guard lock(mutex);
    transcript.push_back(std::move(r));
    while (transcript.size() > kTranscriptLength) transcript.pop_front();
  }

  // stop() waits for this before it signals the process.
  void delivered(const std::string& extension) {
    std::lock_guard lock(mutex);
    if (auto it = extensions.find(extension); it != extensions.end()) it->second = true;
    changed.notify_all();
  }

  // An answer for an invocation whose /next answer failed part-way: the runtime read its id
  // and hung up (as a runtime does with an event too large for it) and then answers it. It
  // was delivered, so it is running again, and the answer stands (the mutex is held).
  void reclaim_delivered(const std::string& id) {
    const auto it = std::find_if(queue.begin(), queue.end(), [&](const auto& q) { return q->delivered && q->id == id; });
    if (it == queue.end()) return;
    auto invocation = *it;
    queue.erase(it);
    invocation->state = Invocation::State::running;
    running[invocation->id] = invocation;
  }

  // A /next answer that never reached its runtime goes back to the front of the queue.
  void requeue(const std::shared_ptr<Invocation>& invocation) {
    std::lock_guard lock(mutex);
    if (invocation->state != Invocation::State::running || running.erase(invocation->id) == 0) return;
    invocation->state = Invocation::State::queued;
    if (invocation->result.init_duration) {
      unclaimed_init_duration = invocation->result.init_duration;
      invocation->result.init_duration.reset();
    }
    queue.push_front(invocation);
    changed.notify_all();
  }

  RuntimeReply dispatch(WireRequest& request, int fd, int connection_generation) {
    const std::string_view target = request.target;
    const std::string_view method = request.method;
    auto wrong_method = [&](std::string_view allowed) {
      RuntimeReply reply = error_reply(405, "MethodNotAllowed", std::string(method) + " is not allowed here; use " + std::string(allowed));
      reply.response.headers.emplace_back("Allow", std::string(allowed));
      return reply;
    };
    if (target == protocol::kNextPath) return method == "GET" ? next(fd, connection_generation) : wrong_method("GET");
    if (target == protocol::kInitErrorPath) return method == "POST" ? init_error(request) : wrong_method("POST");
    if (target == protocol::kExtensionRegisterPath) return method == "POST" ? register_extension(request) : wrong_method("POST");
    if (target == protocol::kExtensionNextPath) {
      return method == "GET" ? extension_next(request, fd, connection_generation) : wrong_method("GET");
    }
    if (target.starts_with(protocol::kInvocationPrefix)) {
      const auto rest = target.substr(protocol::kInvocationPrefix.size());
      const auto slash = rest.find('/');
      if (slash != std::string_view::npos) {
        const auto what = rest.substr(slash + 1);
        if (what == "response" || what == "error") {
          if (method != "POST") return wrong_method("POST");
          return answer(std::string(rest.substr(0, slash)), what == "error", request);
        }
      }
    }
    return error_reply(404, "NotFound", "no such Runtime API path: " + std::string(target.substr(0, 200)));
  }

  RuntimeReply next(int fd, int connection_generation) {
    std::unique_lock lock(mutex);
    ++waiting_next;
    runtime_seen = true;
    last_runtime_activity = Clock::now();
    if (has_command() && connection_generation == generation && pid > 0 && !initialised) {
      initialised = true;
      unclaimed_init_duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - spawned_at);
      changed.notify_all();
    }
    for (;;) {
      if (stopping || connection_generation != generation) {
        --waiting_next;
        RuntimeReply gone = error_reply(410, "Emulator.Stopped", "this runtime environment has been shut down");
        gone.response.close = true;
        return gone;
      }
      if (!queue.empty() && running.size() < config.concurrency) break;
      if (!changed.wait_for(lock, kHangupCheck, [&] {
            return stopping || connection_generation != generation ||
                   (!queue.empty() && running.size() < config.concurrency);
          })) {
        if (detail::peer_gone(fd)) {
          --waiting_next;
          last_runtime_activity = Clock::now();
          return dropped();
        }
      }
    }
    --waiting_next;
    const auto now = Clock::now();
    last_runtime_activity = now;
    auto invocation = queue.front();
    queue.pop_front();
    invocation->state = Invocation::State::running;
    invocation->delivered = true;
    invocation->handed_out = now;
    invocation->deadline = now + config.timeout;
    if (unclaimed_init_duration) {
      // The invocation that waited for the start reports it, with the start's output.
      invocation->result.init_duration = unclaimed_init_duration;
      unclaimed_init_duration.reset();
      invocation->log_from = std::min(invocation->log_from, spawn_log_offset);
    } else {
      invocation->log_from = std::max(invocation->log_from, log_end());
    }
    running[invocation->id] = invocation;
    changed.notify_all();

    const auto& r = invocation->request;
    // Lambda hands an empty Invoke payload to the function as {}.
    RuntimeReply reply = json_reply(200, r.payload.empty() ? std::string("{}") : r.payload);
    auto& headers = reply.response.headers;
    headers = {{std::string(protocol::kRequestId), invocation->id},
               {std::string(protocol::kDeadlineMs),
                std::to_string(epoch_ms(std::chrono::system_clock::now() + config.timeout))},
               {std::string(protocol::kFunctionArn), function_arn()},
               {std::string(protocol::kTraceId), r.trace_id.empty() ? trace_id() : r.trace_id}};
    if (!r.client_context.empty()) headers.emplace_back(protocol::kClientContext, r.client_context);
    if (!r.cognito_identity.empty()) headers.emplace_back(protocol::kCognitoIdentity, r.cognito_identity);
    if (!r.tenant_id.empty()) headers.emplace_back(protocol::kTenantId, r.tenant_id);
    if (!r.invocation_id.empty()) headers.emplace_back(protocol::kInvocationId, r.invocation_id);
    reply.handed_out = invocation;
    return reply;
  }

  RuntimeReply answer(const std::string& id, bool is_error, WireRequest& request) {
    if (!protocol::valid_request_id(id)) return error_reply(400, "InvalidRequestID", "malformed request id");
    std::lock_guard lock(mutex);
    reclaim_delivered(id);
    const auto it = running.find(id);
    if (it == running.end()) {
      if (answered.contains(id)) {
        return error_reply(400, "InvalidStateTransition", "invocation " + id + " has already been answered");
      }
      return error_reply(400, "InvalidRequestID", "no invocation " + id.substr(0, 100) + " is in progress");
    }
    auto invocation = it->second;
    auto& result = invocation->result;
    result.response_headers = request.headers;
    result.trailers = request.trailers;
    result.content_type = std::string(request.header("content-type"));
    result.payload = std::move(request.body);
    if (is_error) {
      std::string type(request.header(protocol::kErrorType));
      if (type.empty()) type = error_type_of(result.payload);
      result.error_type = type.empty() ? "Unhandled" : type;
    } else {
      result.streamed = detail::lower(request.header(protocol::kResponseMode)) == "streaming";
      const std::string type(request.trailer(protocol::kErrorType));
      if (!type.empty()) {
        // A mid-stream error: what Lambda reports is the error, base64 in the other trailer.
        result.error_type = type;
        auto decoded = base64::decode(request.trailer(protocol::kErrorBody));
        result.payload = decoded && !decoded->empty()
                             ? std::move(*decoded)
                             : error_json(type, "the function failed while streaming its response");
      }
    }
    finish(invocation);
    return accepted();
  }

  RuntimeReply oversize(const WireRequest& request) {
    const auto limit = body_limit(request);
    const std::string message =
        "Response payload size exceeded maximum allowed payload size (" + std::to_string(limit) + " bytes).";
    const std::string_view target = request.target;
    if (target.starts_with(protocol::kInvocationPrefix) && (target.ends_with("/response") || target.ends_with("/error"))) {
      const auto rest = target.substr(protocol::kInvocationPrefix.size());
      const std::string id(rest.substr(0, rest.find('/')));
      std::lock_guard lock(mutex);
      if (auto it = running.find(id); it != running.end()) {
        fail(it->second, "Function.ResponseSizeTooLarge", error_json("Function.ResponseSizeTooLarge", message));
      }
    }
    return error_reply(413, "RequestEntityTooLarge", message);
  }

  RuntimeReply init_error(const WireRequest& request) {
    std::lock_guard lock(mutex);
    InvokeResult failure;
    std::string type(request.header(protocol::kErrorType));
    if (type.empty()) type = error_type_of(request.body);
    failure.error_type = type.empty() ? "Runtime.InitError" : type;
    failure.payload = error_payload(request.body, *failure.error_type);
    failure.content_type = "application/json";
    failure.response_headers = request.headers;
    if (pid > 0) failure.init_duration = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - spawned_at);
    failed_init = true;  // the process is done for: the next invocation starts a new one
    // The waiting invocations get the error; with none waiting, the next one will.
    if (!queue.empty()) {
      fail_queued_with(failure, true);
    } else {
      init_failure = std::move(failure);
      init_failure_log_from = spawn_log_offset;
    }
    return accepted();
  }

  RuntimeReply register_extension(const WireRequest& request) {
    const std::string name(request.header(protocol::kExtensionName));
    if (name.empty()) return error_reply(400, "InvalidRequest", "the Lambda-Extension-Name header is required");
    boost::system::error_code ec;
    auto body = boost::json::parse(request.body, ec);
    const auto* events = !ec && body.is_object() ? body.as_object().if_contains("events") : nullptr;
    if (events == nullptr || !events->is_array()) {
      return error_reply(400, "InvalidRequest", R"(the body must be {"events":[...]})");
    }
    std::lock_guard lock(mutex);
    const auto id = uuid();
    extensions[id] = false;
    RuntimeReply reply = json_reply(200, boost::json::serialize(boost::json::object{{"functionName", config.function_name},
                                                                             {"functionVersion", config.function_version},
                                                                             {"handler", handler_name()}}));
    reply.response.headers.emplace_back(protocol::kExtensionIdentifier, id);
    return reply;
  }

  RuntimeReply extension_next(const WireRequest& request, int fd, int connection_generation) {
    const std::string id(request.header(protocol::kExtensionIdentifier));
    if (id.empty()) return error_reply(400, "Extension.MissingExtensionIdentifier", "the Lambda-Extension-Identifier header is required");
    std::unique_lock lock(mutex);
    if (!extensions.contains(id)) return error_reply(403, "Extension.InvalidExtensionId", "unknown extension identifier");
    for (;;) {
      if (connection_generation != generation) return dropped();  // its process is gone
      if (shutdown_event || stopping) break;
      if (!changed.wait_for(lock, kHangupCheck, [&] { return shutdown_event || stopping || connection_generation != generation; }) &&
          detail::peer_gone(fd)) {
        return dropped();
      }
    }
    const auto deadline = shutdown_deadline_ms != 0 ? shutdown_deadline_ms
                                                    : epoch_ms(std::chrono::system_clock::now() + config.shutdown_grace);
    RuntimeReply reply = json_reply(200, boost::json::serialize(boost::json::object{
                                      {"eventType", "SHUTDOWN"}, {"shutdownReason", "spindown"}, {"deadlineMs", deadline}}));
    reply.shutdown_for = id;
    return reply;
  }
};

RuntimeEmulator::RuntimeEmulator(FunctionConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

RuntimeEmulator::~RuntimeEmulator() { stop(); }

Result<void> RuntimeEmulator::start() {
  auto& impl = *impl_;
  std::lock_guard lock(impl.mutex);
  if (impl.stop_started) return Error{"Emulator.Stopped", "the emulator has been stopped", 500};
  if (auto listening = impl.listen(); !listening) return listening;
  if (impl.has_command()) {
    impl.check_process();
    if (impl.pid <= 0) {
      if (auto error = impl.spawn()) return *error;
    }
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
  if (impl.stop_started) return Error{"Emulator.Stopped", "the emulator has been stopped", 500};
  if (auto listening = impl.listen(); !listening) return listening.error();
  ++impl.active_invokes;
  // stop() waits for callers to leave before it tears the state down.
  struct Leave {
    Impl& impl;
    ~Leave() {
      --impl.active_invokes;
      impl.changed.notify_all();
    }
  } leave{impl};

  auto invocation = std::make_shared<Invocation>();
  invocation->id = lift::uuid();
  invocation->request = std::move(request);
  invocation->queued_at = Clock::now();
  invocation->log_from = impl.log_end();

  if (impl.init_failure) {
    // The function reported an init error before this invocation arrived: it is this
    // invocation's answer, and that process is finished (the next invocation starts anew).
    InvokeResult failure = std::move(*impl.init_failure);
    impl.init_failure.reset();
    failure.request_id = invocation->id;
    if (impl.logs.started()) failure.logs = impl.logs.since(impl.init_failure_log_from);
    impl.kill_process("the function reported an init error");
    impl.trim_logs();
    return failure;
  }
  if (impl.has_command()) {
    impl.check_process();
    if (impl.pid > 0 && impl.failed_init) impl.kill_process("the function reported an init error");
    if (impl.pid <= 0) {
      if (auto error = impl.spawn()) {
        auto failure = Impl::failure_of(*error);
        failure.request_id = invocation->id;
        return failure;
      }
    }
  }
  impl.queue.push_back(invocation);
  impl.changed.notify_all();
  impl.changed.wait(lock, [&] { return invocation->state == Invocation::State::done; });
  if (impl.stop_started && invocation->result.error_type == "Emulator.Stopped") {
    return Error{"Emulator.Stopped", "the emulator was stopped during the invocation", 500};
  }
  return invocation->result;
}

void RuntimeEmulator::stop() {
  auto& impl = *impl_;
  std::unique_lock lock(impl.mutex);
  if (impl.stop_started) {
    impl.changed.wait(lock, [&] { return impl.stopped; });
    return;
  }
  impl.stop_started = true;

  if (!impl.extensions.empty()) {
    // Lambda's shutdown with extensions: SHUTDOWN to the extensions, SIGTERM to the runtime
    // (here to its whole process group), then SIGKILL when the grace period is over.
    const auto grace_end = Clock::now() + impl.config.shutdown_grace;
    impl.shutdown_event = true;
    impl.shutdown_deadline_ms = epoch_ms(std::chrono::system_clock::now() + impl.config.shutdown_grace);
    impl.changed.notify_all();
    impl.changed.wait_until(lock, std::min(grace_end, Clock::now() + kExtensionDelivery), [&] {
      return std::all_of(impl.extensions.begin(), impl.extensions.end(), [](const auto& e) { return e.second; });
    });
    impl.terminate_group(grace_end, lock);
  }
  // Without extensions Lambda simply kills the environment: SIGKILL to the whole group (a
  // SIGTERM handler that ran here would never run there). With them, what is left after the
  // grace period.
  impl.fail_queued("Emulator.Stopped", "the emulator was stopped");
  impl.fail_running("Emulator.Stopped", "the emulator was stopped");
  impl.kill_process("the emulator was stopped");

  impl.stopping = true;
  if (impl.listener.valid()) ::shutdown(impl.listener.get(), SHUT_RDWR);  // wakes accept()
  for (auto& c : impl.connections) {
    if (!c.finished) ::shutdown(c.fd, SHUT_RDWR);  // wakes reads, writes and waits
  }
  impl.changed.notify_all();
  impl.changed.wait(lock, [&] { return impl.active_invokes == 0; });
  lock.unlock();

  if (impl.accept_thread.joinable()) impl.accept_thread.join();
  if (impl.supervisor_thread.joinable()) impl.supervisor_thread.join();
  std::list<Connection> connections;
  {
    std::lock_guard relock(impl.mutex);
    connections.swap(impl.connections);
  }
  for (auto& c : connections) {
    if (c.thread.joinable()) c.thread.join();
  }
  impl.logs.stop();
  impl.listener.reset();

  lock.lock();
  impl.stopped = true;
  impl.changed.notify_all();
}

void RuntimeEmulator::restart_function() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stop_started) return;
  impl_->kill_process("the function was restarted");
}

bool RuntimeEmulator::function_running() const {
  std::lock_guard lock(impl_->mutex);
  impl_->check_process();
  return impl_->pid > 0;
}

int RuntimeEmulator::starts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->start_count;
}

int RuntimeEmulator::function_pid() const {
  std::lock_guard lock(impl_->mutex);
  impl_->check_process();
  return impl_->pid;
}

std::vector<RecordedRequest> RuntimeEmulator::transcript() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->transcript.begin(), impl_->transcript.end()};
}

}  // namespace lift::local
