// The local API Gateway. One thread runs every socket (Asio coroutines on one io_context, so
// connection state needs no locks); invocations block until the function answers, so they run
// on a small pool and their results are posted back to the I/O thread. The executable watcher
// is a timer on the I/O thread too.
#include "lift/local/api_gateway_emulator.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include "api_gateway_events.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/env.hpp"
#include "lift/core/percent.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"
#include "lift/core/utf8.hpp"
#include "lift/core/uuid.hpp"
#include "lift/runtime/protocol.hpp"
#include "wire.hpp"

namespace lift::local {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;
using detail::GatewayAnswer;
using detail::HeaderList;
using detail::IncomingRequest;

using detail::kMaxDiscardedBody;  // a larger declared body is refused without reading it
using detail::kMaxHeaderBytes;
constexpr std::size_t kMaxWebSocketMessage = 128 * 1024;  // API Gateway's WebSocket message limit
constexpr auto kIdleTimeout = std::chrono::seconds(120);
// Bodies of unknown length, and bodies being dropped, are read in pieces of this size; a body
// with a Content-Length is read straight into place.
constexpr std::size_t kBodyPiece = 16 * 1024;
// A connection's read buffer grows with what arrives (a large header block, a body); past this
// it is given back between requests.
constexpr std::size_t kKeptReadBuffer = 16 * 1024;
// Messages waiting for all WebSocket clients together.
constexpr std::size_t kMaxWebSocketBacklogTotal = 64 * 1024 * 1024;
// Descriptors left for the function, its Runtime API connections and files when the number of
// connections is bounded by the process's descriptor limit.
constexpr std::size_t kReservedDescriptors = 128;
// Invocations wait in the emulator's queue (one function process); a few threads are enough
// to keep requests queued there rather than here.
constexpr int kInvokerThreads = 8;

struct WsConnection {
  explicit WsConnection(beast::tcp_stream stream) : ws(std::move(stream)) {}
  websocket::stream<beast::tcp_stream> ws;
  std::string id;
  SystemClock::time_point connected_at{};
  SystemClock::time_point last_active{};
  std::string source_ip;
  std::string user_agent;
  std::string target;
  HeaderList headers;  // of the handshake; $disconnect carries them too
  std::deque<std::pair<std::string, bool>> outbox;  // message, binary
  std::size_t outbox_bytes = 0;  // of the outbox and the message being written
  bool writing = false;
  bool closing = false;
  bool told_full = false;  // the log said it is not reading, since its outbox was last empty
};

struct FileState {
  std::int64_t mtime_ns = 0;
  std::int64_t size = 0;
  std::uint64_t inode = 0;
  bool operator==(const FileState&) const = default;
};

std::optional<FileState> file_state(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  return FileState{static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
                   static_cast<std::int64_t>(info.st_size), static_cast<std::uint64_t>(info.st_ino)};
}

bool iequal(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

std::string_view header_of(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (iequal(n, name)) return v;
  }
  return {};
}

// Framing is the server's business, not the function's.
bool framing_header(std::string_view name) {
  return iequal(name, "content-length") || iequal(name, "transfer-encoding") || iequal(name, "connection") ||
         iequal(name, "keep-alive") || iequal(name, "upgrade");
}

std::string http_date(SystemClock::time_point time) {
  const std::time_t seconds = SystemClock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday % 7], utc.tm_mday,
                kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return text;
}

std::string clock_time() {
  const std::time_t seconds = SystemClock::to_time_t(SystemClock::now());
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d:%02d", local.tm_hour, local.tm_min, local.tm_sec);
  return text;
}

std::string milliseconds(Clock::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms",
                static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()) / 1000.0);
  return text;
}

// Text from clients and functions as it is shown on the developer's terminal: control
// characters (C0, DEL, C1) and bytes that start no UTF-8 character are written as \xNN, so
// that no escape sequence reaches the terminal and a line stays one line.
std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = utf8_sequence_length(text, i);
    const bool c1 = length == 2 && byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (length != 0 && byte >= 0x20 && byte != 0x7F && !c1) {
      out.append(text, i, length);
      i += length;
      continue;
    }
    if (length == 0) length = 1;
    for (std::size_t k = 0; k < length; ++k) {
      const auto escaped = static_cast<unsigned char>(text[i + k]);
      out += "\\x";
      out += kHex[escaped >> 4];
      out += kHex[escaped & 0xF];
    }
    i += length;
  }
  return out;
}

// The host name of a Host header ("[::1]:3000" → "[::1]", "localhost:3000" → "localhost").
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    return close == std::string_view::npos ? std::string_view() : host.substr(0, close + 1);
  }
  return host.substr(0, host.rfind(':'));
}

// 400 or 431 for a request that is not HTTP/1.1 as the parser reads it; 0 when the connection
// simply ended (nothing to answer).
int malformed_status(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) return 0;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == http::error::need_more ||
      ec == http::error::need_buffer) {
    return 0;
  }
  return 400;
}

// errorType and errorMessage of a Lambda error payload, for the log.
std::string describe_error(const InvokeResult& result) {
  std::string type = result.error_type.value_or("Unhandled");
  boost::system::error_code ec;
  const auto value = json::parse(result.payload, ec);
  std::string message;
  if (!ec && value.is_object()) {
    if (const auto* m = value.as_object().if_contains("errorMessage"); m != nullptr && m->is_string()) {
      message = std::string(m->as_string());
    }
  }
  if (message.empty()) message = result.payload.substr(0, 300);
  return type + ": " + message;
}

// "/@connections/{id}" or "/{stage}/@connections/{id}": the id, decoded.
std::optional<std::string> management_id(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  static constexpr std::string_view kMarker = "/@connections/";
  const auto at = path.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  const auto prefix = path.substr(0, at);
  if (!prefix.empty() && (prefix.front() != '/' || prefix.find('/', 1) != std::string_view::npos)) return std::nullopt;
  const auto id = path.substr(at + kMarker.size());
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  return percent::decode(id);
}

struct Reply {
  GatewayAnswer answer;
  bool close = false;
  // Set when the answer was streamed to the client already: whether all of it was (false: the
  // connection is to be closed, as a Function URL cuts a stream whose function failed).
  std::optional<bool> written{};
};

// A streamed answer on its way from the function to the client: filled by the Runtime API
// emulator's connection thread (on_stream) and by the invoking pool thread, drained by the
// I/O thread.
struct StreamRelay {
  std::mutex mutex;
  std::string pending;  // bytes the I/O thread has not taken yet
  std::string content_type;
  std::optional<Result<InvokeResult>> result;  // set once invoke() has returned
  net::steady_timer* waker = nullptr;  // the I/O thread's own, while it waits for more
};

// A prelude that has not ended within this many bytes is not one.
constexpr std::size_t kMaxPreludeBytes = 128 * 1024;

}  // namespace

struct ApiGatewayEmulator::Impl {
  explicit Impl(ApiGatewayConfig c) : config(std::move(c)) {
    http_stage = !config.stage.empty() ? config.stage : config.api == ApiFlavor::http ? "$default" : "dev";
    ws_stage = !config.stage.empty() ? config.stage : "dev";
  }

  ApiGatewayConfig config;
  std::string http_stage;
  std::string ws_stage;

  // Destroyed last: every socket and timer below belongs to it.
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  net::steady_timer watch_timer{io};
  net::steady_timer accept_backoff{io};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::unique_ptr<RuntimeEmulator> runtime;
  std::unique_ptr<net::thread_pool> invokers;  // uses `runtime`: declared after it, joined first
  std::thread io_thread;
  std::atomic<unsigned short> port{0};
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open_websockets{0};
  bool started = false;
  bool stopped = false;
  std::mutex log_mutex;
  std::string listen_host;

  std::atomic<std::size_t> open_connection_count{0};
  std::atomic<std::size_t> request_bytes_held_now{0};  // request_bytes_held, for other threads

  // Set by start().
  std::size_t connection_limit = 0;
  std::size_t request_bytes_limit = 0;  // held at once (max_request_bytes_in_flight)
  bool check_host = false;
  std::vector<std::string> host_names;  // what the Host header may name when check_host
  bool memory_dynamodb = false;         // the function runs on LIFT_DYNAMODB_ENDPOINT=memory:

  // I/O thread only.
  std::uint64_t next_socket = 0;
  std::map<std::uint64_t, std::function<void()>> open_sockets;  // closers, for stop()
  // Connections waiting for a request, the longest waiting first: socket keys.
  std::map<std::uint64_t, std::uint64_t> waiting_for_request;
  std::uint64_t next_wait = 0;
  net::steady_timer connection_freed{io};  // wakes the accept loop at the connection limit
  bool told_connection_limit = false;
  std::size_t request_bytes_held = 0;
  std::list<net::steady_timer*> request_bytes_waiters;
  std::size_t websocket_backlog_bytes = 0;  // of every connection's outbox
  std::map<std::string, std::shared_ptr<WsConnection>> connections;
  std::optional<FileState> watched;
  std::optional<FileState> candidate;
  int function_starts = 0;

  // ---- output ------------------------------------------------------------------------------

  void log(std::string_view line) {
    std::lock_guard lock(log_mutex);
    if (config.log) {
      config.log(line);
      return;
    }
    std::string out(line);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
  }

  std::string paint(std::string_view code, std::string_view text) const {
    if (!config.color) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }

  // What clients and the function send is printed through printable().
  void access(std::string_view method, std::string_view target, int status, Clock::duration took) {
    const char* color = status >= 500 ? "31" : status >= 400 ? "33" : status >= 300 ? "36" : "32";
    std::string line = paint("2", clock_time()) + " " + paint("1", printable(method)) + " " +
                       printable(target.substr(0, 2048)) + " " + paint(color, std::to_string(status)) + " " +
                       paint("2", milliseconds(took));
    log(line);
  }

  void problem(std::string_view what, std::string_view why) {
    log(paint("31", "lift dev:") + " " + printable(what) + ": " + printable(why));
  }

  void notice(std::string_view what, std::string_view why) {
    log(paint("33", "lift dev:") + " " + printable(what) + ": " + printable(why));
  }

  // What the log says about an answer besides the access line.
  void explain(std::string_view what, const GatewayAnswer& answer) {
    if (!answer.problem.empty()) problem(what, answer.problem);
    if (!answer.notice.empty()) notice(what, answer.notice);
  }

  // The function's output of one invocation, JSON log lines as "LEVEL message key=value".
  void show_function_logs(const std::string& logs) {
    std::string_view rest = logs;
    while (!rest.empty()) {
      const auto newline = rest.find('\n');
      const auto line = rest.substr(0, newline);
      rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
      if (line.empty()) continue;
      log(pretty_line(line));
    }
  }

  std::string pretty_line(std::string_view line) const {
    if (!line.starts_with('{')) return std::string(line);
    boost::system::error_code ec;
    const auto value = json::parse(line, ec);
    if (ec || !value.is_object()) return std::string(line);
    const auto& object = value.as_object();
    const auto text = [&](std::string_view key) -> std::string {
      const auto* v = object.if_contains(key);
      if (v == nullptr) return {};
      return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
    };
    std::string level = text("level");
    if (level.empty()) return std::string(line);
    for (auto& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* color = level == "ERROR" || level == "CRITICAL" || level == "FATAL" ? "31"
                        : level == "WARN" || level == "WARNING"                    ? "33"
                        : level == "DEBUG" || level == "TRACE"                     ? "2"
                                                                                   : "36";
    std::string out = "  " + paint(color, level) + " " + text("message");
    // What every Powertools line repeats is noise here; the rest is what the handler added.
    static constexpr std::string_view kNoise[] = {"level", "message", "timestamp", "service", "cold_start",
                                                  "function_name", "function_memory_size", "function_arn",
                                                  "function_request_id", "xray_trace_id", "sampling_rate", "location"};
    for (const auto& member : object) {
      const std::string_view key(member.key().data(), member.key().size());
      if (std::find(std::begin(kNoise), std::end(kNoise), key) != std::end(kNoise)) continue;
      const auto& v = member.value();
      out += " " + paint("2", std::string(member.key()) + "=") + (v.is_string() ? std::string(v.as_string()) : json::serialize(v));
    }
    return out;
  }

  // ---- ids ---------------------------------------------------------------------------------

  // Sixteen characters ending in '=', the shape of API Gateway's request and connection ids.
  std::string random_id() {
    std::string bytes(11, '\0');
    random_bytes(bytes.data(), bytes.size());
    return base64::encode_url(bytes, true);
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  Result<void> start() {
    if (started) return ok();
    if (stopped) return Error{"Gateway.Stopped", "the API Gateway emulator has been stopped", 500};
    boost::system::error_code ec;
    net::ip::address address;
    if (config.host.empty() || config.host == "localhost") {
      address = net::ip::address_v4::loopback();
    } else {
      address = net::ip::make_address(config.host, ec);
      if (ec) return Error{"Gateway.BadHost", "'" + config.host + "' is not an IP address", 400};
    }
    const tcp::endpoint endpoint(address, config.port);
    acceptor.open(endpoint.protocol(), ec);
    // No function process may inherit the listener (it would keep the port after we stop).
    if (!ec) ::fcntl(acceptor.native_handle(), F_SETFD, FD_CLOEXEC);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (!ec) acceptor.non_blocking(true, ec);
    if (ec) {
      boost::system::error_code ignored;
      acceptor.close(ignored);
      return Error{"Gateway.ListenFailed", "cannot listen on " + config.host + ":" + std::to_string(config.port) + ": " + ec.message(), 500};
    }
    port = acceptor.local_endpoint(ec).port();
    listen_host = address.is_unspecified() ? "127.0.0.1" : address.to_string();
    if (address.is_v6()) listen_host = "[" + listen_host + "]";
    check_host = !address.is_unspecified();
    host_names = {"localhost", "127.0.0.1", "[::1]", listen_host};
    connection_limit = std::max<std::size_t>(1, std::min(config.max_connections, usable_descriptors()));
    request_bytes_limit = config.max_request_bytes_in_flight != 0 ? config.max_request_bytes_in_flight : 2 * config.max_request_bytes;
    memory_dynamodb = dynamodb_endpoint().starts_with("memory:");

    FunctionConfig function = config.function;
    constexpr std::string_view kEndpoint = "LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT";
    const bool has_endpoint = std::any_of(function.environment.begin(), function.environment.end(),
                                          [&](const auto& e) { return e.first == kEndpoint; });
    if (!has_endpoint) function.environment.emplace_back(kEndpoint, "http://" + listen_host + ":" + std::to_string(port));
    if (config.pretty_logs) function.capture_logs = true;
    runtime = std::make_unique<RuntimeEmulator>(std::move(function));
    if (auto running = runtime->start(); !running) {
      runtime.reset();
      boost::system::error_code ignored;
      acceptor.close(ignored);
      return running;
    }
    // At least one thread per invocation the function may run at once (lift dev --concurrency).
    invokers = std::make_unique<net::thread_pool>(std::max<std::size_t>(kInvokerThreads, config.function.concurrency));
    work.emplace(io.get_executor());
    spawn(accept_loop());
    if (config.watch && !config.function.command.empty()) {
      watched = file_state(config.function.command.front());
      schedule_watch();
    }
    io_thread = std::thread([this] { io.run(); });
    started = true;
    return ok();
  }

  void stop() {
    if (!started || stopped) return;
    stopped = true;
    stopping = true;
    net::post(io, [this] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
      watch_timer.cancel();
      accept_backoff.cancel();
      connection_freed.cancel();
      for (auto* waiter : request_bytes_waiters) waiter->cancel();
      for (auto& [id, close] : std::map(open_sockets)) close();
    });
    // In-flight invocations end now (their connections are closed anyway).
    runtime->stop();
    work.reset();
    io_thread.join();  // every coroutine has ended: its socket was closed
    invokers->join();
  }

  // Connections the process's descriptor limit leaves room for.
  static std::size_t usable_descriptors() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return SIZE_MAX;
    const auto descriptors = static_cast<std::size_t>(limit.rlim_cur);
    return descriptors > 2 * kReservedDescriptors ? descriptors - kReservedDescriptors : descriptors / 2;
  }

  // LIFT_DYNAMODB_ENDPOINT as the function sees it.
  std::string dynamodb_endpoint() const {
    std::string endpoint = config.function.inherit_environment ? env_or("LIFT_DYNAMODB_ENDPOINT", "") : std::string();
    for (const auto& [name, value] : config.function.environment) {
      if (name == "LIFT_DYNAMODB_ENDPOINT") endpoint = value;
    }
    return endpoint;
  }

  template <class Awaitable>
  void spawn(Awaitable task) {
    net::co_spawn(io, std::move(task), [this](const std::exception_ptr& error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        log(std::string("lift dev: internal error: ") + e.what());
      } catch (...) {
        log("lift dev: internal error");
      }
    });
  }

  // Registers a way to close a socket on stop(); the returned key unregisters it.
  std::uint64_t track(std::function<void()> close) {
    if (stopping) close();  // accepted as stop() began: closed before anyone waits on it
    const auto key = next_socket++;
    open_sockets.emplace(key, std::move(close));
    return key;
  }

  // One of connection_limit places, taken as a connection is accepted (before its coroutine
  // runs, so the accept loop counts it) and held by the connection while it is open.
  class ConnectionPlace {
   public:
    explicit ConnectionPlace(Impl& impl) : impl_(&impl) { ++impl_->open_connection_count; }
    ~ConnectionPlace() {
      if (impl_ == nullptr) return;
      --impl_->open_connection_count;
      impl_->connection_freed.cancel();
    }
    ConnectionPlace(ConnectionPlace&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
    ConnectionPlace(const ConnectionPlace&) = delete;
    ConnectionPlace& operator=(const ConnectionPlace&) = delete;
    ConnectionPlace& operator=(ConnectionPlace&&) = delete;

   private:
    Impl* impl_;
  };

  // An entry of one of the maps below for as long as a scope lasts: a tracked socket while its
  // coroutine runs, a connection in waiting_for_request while it waits.
  template <class Map>
  class ScopedEntry {
   public:
    ScopedEntry(Map& map, typename Map::key_type key) : map_(map), key_(key) {}
    ~ScopedEntry() { map_.erase(key_); }
    ScopedEntry(const ScopedEntry&) = delete;
    ScopedEntry& operator=(const ScopedEntry&) = delete;

   private:
    Map& map_;
    typename Map::key_type key_;
  };
  using Untrack = ScopedEntry<decltype(open_sockets)>;
  using Waiting = ScopedEntry<decltype(waiting_for_request)>;

  // Closes the connection that has waited longest for a request; false when none waits.
  bool close_longest_waiting() {
    if (waiting_for_request.empty()) return false;
    const auto socket = waiting_for_request.begin()->second;
    waiting_for_request.erase(waiting_for_request.begin());
    if (const auto it = open_sockets.find(socket); it != open_sockets.end()) it->second();
    return true;
  }

  // Request bytes held by one request, given back when it has been answered.
  class HeldRequestBytes {
   public:
    explicit HeldRequestBytes(Impl& impl) : impl_(impl) {}
    ~HeldRequestBytes() { release(); }
    HeldRequestBytes(const HeldRequestBytes&) = delete;
    HeldRequestBytes& operator=(const HeldRequestBytes&) = delete;

    // Waits until `more` fits, in turn (a large body is not passed by a stream of small ones);
    // at once when nothing is held, so any body up to the request limit gets through. False
    // when the gateway stops meanwhile.
    net::awaitable<bool> wait_for(std::size_t more) {
      auto& waiters = impl_.request_bytes_waiters;
      if (waiters.empty() && fits(more)) {
        take(more);
        co_return true;
      }
      net::steady_timer wake(impl_.io, Clock::time_point::max());
      const auto turn = waiters.insert(waiters.end(), &wake);
      while (turn != waiters.begin() || !fits(more)) {
        boost::system::error_code ignored;
        co_await wake.async_wait(net::redirect_error(net::use_awaitable, ignored));  // woken by a release
        if (impl_.stopping) {
          waiters.erase(turn);
          co_return false;
        }
      }
      waiters.erase(turn);
      take(more);
      wake_waiters();  // the next in line may fit too
      co_return true;
    }
    // Takes `more` if it fits now (a body of unknown length, read piece by piece, cannot wait
    // holding what it has: two such bodies would wait for each other).
    bool try_take(std::size_t more) {
      if (!fits(more)) return false;
      take(more);
      return true;
    }
    void release() {
      if (bytes_ == 0) return;
      impl_.request_bytes_held -= bytes_;
      impl_.request_bytes_held_now = impl_.request_bytes_held;
      bytes_ = 0;
      wake_waiters();
    }

   private:
    bool fits(std::size_t more) const {
      return impl_.request_bytes_held == 0 || impl_.request_bytes_held + more <= impl_.request_bytes_limit;
    }
    void wake_waiters() {
      for (auto* waiter : impl_.request_bytes_waiters) waiter->cancel();
    }
    void take(std::size_t more) {
      impl_.request_bytes_held += more;
      impl_.request_bytes_held_now = impl_.request_bytes_held;
      bytes_ += more;
    }
    Impl& impl_;
    std::size_t bytes_ = 0;
  };

  // ---- invoking --------------------------------------------------------------------------

  // Runs emulator.invoke on the pool and resumes the caller on the I/O thread.
  net::awaitable<Result<InvokeResult>> invoke(std::string payload) {
    return net::async_initiate<const net::use_awaitable_t<>&, void(Result<InvokeResult>)>(
        [this](auto handler, std::string event) {
          net::post(*invokers, [this, handler = std::move(handler), event = std::move(event)]() mutable {
            Result<InvokeResult> result = runtime->invoke({.payload = std::move(event)});
            auto executor = net::get_associated_executor(handler, io.get_executor());
            net::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
              std::move(handler)(std::move(result));
            });
          });
        },
        net::use_awaitable, std::move(payload));
  }

  // Runs emulator.invoke on the pool with the function's streamed pieces and then its result
  // handed to `relay`, waking the I/O thread for each.
  void start_streaming_invoke(std::string payload, const std::shared_ptr<StreamRelay>& relay) {
    net::post(*invokers, [this, relay, event = std::move(payload)]() mutable {
      InvokeRequest request{.payload = std::move(event)};
      request.on_stream = [this, relay](std::string_view type, std::string_view piece) {
        {
          std::lock_guard lock(relay->mutex);
          relay->content_type.assign(type);
          relay->pending.append(piece);
        }
        wake(relay);
      };
      auto result = runtime->invoke(std::move(request));
      {
        std::lock_guard lock(relay->mutex);
        relay->result = std::move(result);
      }
      wake(relay);
    });
  }

  void wake(const std::shared_ptr<StreamRelay>& relay) {
    net::post(io, [relay] {
      if (relay->waker != nullptr) relay->waker->cancel();
    });
  }

  // How API Gateway answers for an invocation; `reader` reads a successful answer.
  GatewayAnswer answer_of(const Result<InvokeResult>& result, GatewayAnswer (*reader)(std::string_view)) {
    if (!result) {
      return detail::gateway_error(502, "Internal Server Error", "the function could not be invoked: " + result.error().message);
    }
    if (result->init_duration) function_started();
    if (config.pretty_logs && !result->logs.empty()) show_function_logs(result->logs);
    if (!result->ok()) {
      if (*result->error_type == "Sandbox.Timedout") {
        return detail::gateway_error(504, "Endpoint request timed out", "the function timed out: " + describe_error(*result));
      }
      return detail::gateway_error(502, "Internal Server Error", "the function failed: " + describe_error(*result));
    }
    if (result->streamed && result->content_type == runtime::protocol::kHttpIntegrationContentType) {
      return detail::streamed_answer(result->payload);
    }
    if (result->payload.size() > config.max_response_bytes) {
      return detail::gateway_error(502, "Internal Server Error",
                                   "the function's answer is " + std::to_string(result->payload.size()) +
                                       " bytes, over the limit of " + std::to_string(config.max_response_bytes));
    }
    return reader(result->payload);
  }

  // A new function process answered. The embedded DynamoDB engine lives in the function's
  // process, so a restart (a crash, a timeout, a rebuild) empties it: say so once each time.
  void function_started() {
    if (++function_starts > 1 && memory_dynamodb) {
      log(paint("35", "lift dev:") +
          " the function started again, so its in-memory DynamoDB (LIFT_DYNAMODB_ENDPOINT=memory:) is empty");
    }
  }

  // ---- the executable watcher ------------------------------------------------------------

  void schedule_watch() {
    watch_timer.expires_after(config.watch_interval);
    watch_timer.async_wait([this](boost::system::error_code ec) {
      if (ec || stopping) return;
      check_executable();
      schedule_watch();
    });
  }

  void check_executable() {
    const auto& path = config.function.command.front();
    const auto now = file_state(path);
    if (!now) return;  // being replaced right now
    if (watched && *now == *watched) {
      candidate.reset();
      return;
    }
    if (!candidate || !(*now == *candidate)) {
      candidate = now;  // changed: restart once it holds still
      return;
    }
    watched = now;
    candidate.reset();
    log(paint("35", "lift dev:") + " " + path + " changed; restarting the function");
    runtime->restart_function();
    // Started now, so the next request does not pay for the start.
    if (auto restarted = runtime->start(); !restarted) problem("restart", restarted.error().message);
  }

  // ---- accepting -------------------------------------------------------------------------

  net::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      co_await acceptor.async_wait(tcp::acceptor::wait_read, net::redirect_error(net::use_awaitable, ec));
      if (stopping || ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      // A client is waiting. At the limit, the connection that has waited longest for a request
      // makes room; with none waiting, the client waits in the listen backlog until one ends.
      if (open_connection_count + 1 < connection_limit) told_connection_limit = false;
      while (open_connection_count >= connection_limit && !stopping) {
        if (!told_connection_limit) {
          told_connection_limit = true;
          notice("connections", std::to_string(connection_limit) +
                                    " are open, the most served at once; idle ones are closed for new ones");
        }
        close_longest_waiting();
        connection_freed.expires_at(Clock::time_point::max());
        co_await connection_freed.async_wait(net::redirect_error(net::use_awaitable, ec));
      }
      if (stopping) co_return;
      // accept4 with SOCK_CLOEXEC: a function started at the same moment cannot inherit it.
      const int fd = ::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) continue;
        // Out of descriptors: back off rather than spin.
        accept_backoff.expires_after(std::chrono::milliseconds(50));
        co_await accept_backoff.async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      tcp::socket socket(io);
      socket.assign(acceptor.local_endpoint(ec).protocol(), fd, ec);
      if (ec) {
        ::close(fd);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      spawn(serve(std::move(socket), ConnectionPlace(*this)));
    }
  }

  // ---- HTTP ------------------------------------------------------------------------------

  // `place` is held until the connection ends (a WebSocket upgrade included).
  net::awaitable<void> serve(tcp::socket socket, [[maybe_unused]] ConnectionPlace place) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    const std::string peer = ec ? std::string("127.0.0.1") : remote.address().to_string();
    auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
    const auto socket_key = track([stream] {
      boost::system::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->socket().close(ignored);
    });
    std::optional<Untrack> untrack;
    untrack.emplace(open_sockets, socket_key);
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::buffer_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
      parser.body_limit(kMaxDiscardedBody);
      stream->expires_after(kIdleTimeout);
      {
        // With nothing of a request received, it is the first closed when a new connection
        // needs its place (an HTTP client may close such a connection too).
        std::optional<Waiting> waiting;
        if (buffer.size() == 0) {
          const auto key = next_wait++;
          waiting_for_request.emplace(key, socket_key);
          waiting.emplace(waiting_for_request, key);
        }
        co_await http::async_read_header(*stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
      }
      if (ec) {
        if (parser.got_some()) co_await refuse_malformed(*stream, parser, ec, peer);
        co_return;
      }
      auto& message = parser.get();
      if (const auto host = message[http::field::host]; !host_allowed(host)) {
        co_await refuse_host(*stream, message, peer);
        co_return;
      }

      if (websocket::is_upgrade(message)) {
        stream->expires_never();
        http::request<http::empty_body> upgrade(std::move(message.base()));
        untrack.reset();  // the WebSocket connection tracks itself
        co_await serve_websocket(std::move(*stream), std::move(upgrade), peer);
        co_return;
      }

      const auto started = Clock::now();
      IncomingRequest request;
      request.method = std::string(message.method_string());
      request.target = std::string(message.target());
      for (const auto& field : message) request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      const bool keep_alive = message.keep_alive();
      const bool head = message.method() == http::verb::head;
      const bool expects_continue = iequal(message[http::field::expect], "100-continue");

      // The request's bytes count against request_bytes_limit until its answer is written.
      HeldRequestBytes held(*this);
      const auto declared = parser.content_length();  // none: chunked, or no body
      bool too_large = false;
      bool too_busy = false;
      bool read_body = !parser.is_done();
      const bool in_place = declared && *declared <= config.max_request_bytes;
      if (declared && !in_place) {
        too_large = true;
        // Refused before it is sent (the client waits for 100) or too big to drain.
        read_body = !expects_continue && *declared <= kMaxDiscardedBody;
      } else if (in_place && *declared > 0) {
        if (!co_await held.wait_for(*declared)) co_return;
        stream->expires_after(kIdleTimeout);
        request.body.resize(*declared);
      }
      if (read_body && expects_continue) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await net::async_write(*stream, net::buffer(kContinue.data(), kContinue.size()),
                                  net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return;
      }
      std::size_t received = 0;
      std::string piece;  // a body of unknown length, or one being dropped, arrives through it
      while (read_body && !parser.is_done()) {
        char* into = nullptr;
        std::size_t room = 0;
        if (in_place) {
          into = request.body.data() + received;
          room = request.body.size() - received;
          if (room == 0) break;
        } else {
          if (piece.empty()) piece.resize(kBodyPiece);
          into = piece.data();
          room = piece.size();
        }
        message.body().data = into;
        message.body().size = room;
        co_await http::async_read(*stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
        if (ec == http::error::need_buffer) ec = {};
        if (ec == http::error::body_limit) {
          too_large = true;
          read_body = false;
          break;
        }
        if (ec) {
          co_await refuse_malformed(*stream, parser, ec, peer);  // a bad chunk
          co_return;
        }
        const std::size_t n = room - message.body().size;
        received += n;
        if (in_place || too_large || too_busy) continue;
        if (received > config.max_request_bytes) {
          too_large = true;
        } else if (!held.try_take(n)) {
          too_busy = true;
        } else {
          request.body.append(piece.data(), n);
          continue;
        }
        request.body = std::string();
        held.release();
      }
      piece = std::string();

      Reply reply;
      if (too_large) {
        reply = Reply{detail::gateway_error(413, "Request Entity Too Large"), !read_body};
      } else if (too_busy) {
        reply = Reply{detail::gateway_error(429, "Too Many Requests",
                                            "a chunked body did not fit beside the " + std::to_string(request_bytes_held) +
                                                " request bytes held at once (the limit is " +
                                                std::to_string(request_bytes_limit) + ")"),
                      false};
      } else if (auto id = management_id(request.target)) {
        reply = management(request.method, *id, std::move(request.body));
      } else {
        reply = co_await through_function(std::move(request), peer, head ? nullptr : stream.get(), keep_alive);
      }
      if (!reply.answer.problem.empty() || !reply.answer.notice.empty()) {
        explain(std::string(message.method_string()) + " " + std::string(message.target().substr(0, 200)), reply.answer);
      }
      const int status = reply.answer.status;
      const bool keep = keep_alive && !reply.close;
      const bool written = reply.written ? *reply.written : co_await write_answer(*stream, std::move(reply.answer), head, keep);
      access(message.method_string(), message.target(), status, Clock::now() - started);
      if (!written) co_return;
      if (!keep) {
        if (parser.is_done()) {
          stream->socket().shutdown(tcp::socket::shutdown_send, ec);
        } else {
          co_await linger_close(*stream);  // the body was not read
        }
        co_return;
      }
      // A large header block or body grew the buffer: give the memory back while idle.
      if (buffer.capacity() > kKeptReadBuffer && buffer.size() <= kKeptReadBuffer) buffer.shrink_to_fit();
    }
  }

  // Answers a request that is not HTTP/1.1 as the parser reads it (400, or 431 for a header
  // block over the limit) and ends the connection; nothing when the client just went away.
  net::awaitable<void> refuse_malformed(beast::tcp_stream& stream, const http::request_parser<http::buffer_body>& parser,
                                        boost::system::error_code why, std::string peer) {
    const int status = malformed_status(why);
    if (status == 0) co_return;
    const auto began = Clock::now();
    const auto& message = parser.get();
    const std::string method = message.method_string().empty() ? std::string("-") : std::string(message.method_string());
    const std::string target = message.target().empty() ? std::string("-") : std::string(message.target().substr(0, 200));
    problem(method + " " + target + " from " + peer, "refused, not HTTP/1.1: " + why.message());
    auto answer = detail::gateway_error(status, status == 431 ? "Request Header Fields Too Large" : "Bad Request");
    (void)co_await write_answer(stream, std::move(answer), false, false);
    access(method, target, status, Clock::now() - began);
    co_await linger_close(stream);
  }

  // Ends a connection whose request was not read whole after answering it: what the client
  // still sends is read and dropped for a moment, because closing a socket with unread bytes
  // resets the connection, and a reset can destroy the answer before the client reads it.
  static net::awaitable<void> linger_close(beast::tcp_stream& stream) {
    constexpr auto kLinger = std::chrono::seconds(2);
    constexpr std::size_t kMaxDropped = 1024 * 1024;
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(kLinger);
    std::array<char, 4096> dropped{};
    std::size_t total = 0;
    while (!ec && total < kMaxDropped) {
      total += co_await stream.async_read_some(net::buffer(dropped), net::redirect_error(net::use_awaitable, ec));
    }
  }

  // Whether the Host header names this server: on a specific address, a page in a browser
  // could otherwise reach it under a name of its own (DNS rebinding). A request without one
  // (HTTP/1.0, a script) is no browser's.
  bool host_allowed(std::string_view host) const {
    if (!check_host || host.empty()) return true;
    const auto name = host_name(host);
    return std::any_of(host_names.begin(), host_names.end(), [&](const std::string& allowed) { return iequal(name, allowed); });
  }

  net::awaitable<void> refuse_host(beast::tcp_stream& stream, const http::request<http::buffer_body>& message, std::string peer) {
    const auto began = Clock::now();
    const std::string method(message.method_string());
    const std::string target(message.target().substr(0, 200));
    problem(method + " " + target + " from " + peer,
            "refused: the Host header names \"" + std::string(message[http::field::host]) +
                "\", not this server (a web page can reach a local server under a name of its own by DNS "
                "rebinding); it answers to localhost, 127.0.0.1, [::1] and " + listen_host +
                "; --host 0.0.0.0 answers to every name");
    (void)co_await write_answer(stream, detail::gateway_error(403, "Forbidden"), false, false);
    access(method, target, 403, Clock::now() - began);
    co_await linger_close(stream);
  }

  IncomingRequest describe(IncomingRequest request, const std::string& peer, const std::string& stage) {
    request.source_ip = peer;
    request.time = SystemClock::now();
    request.stage = stage;
    request.api_id = config.api_id;
    request.account_id = config.function.account_id;
    const auto host = header_of(request.headers, "host");
    request.domain_name = !host.empty() ? std::string(host) : listen_host + ":" + std::to_string(port);
    return request;
  }

  // `stream`: the client's connection, to pass a streamed answer through as it comes (null: the
  // answer is returned whole, as for HEAD).
  net::awaitable<Reply> through_function(IncomingRequest incoming, std::string peer, beast::tcp_stream* stream = nullptr,
                                         bool keep_alive = true) {
    IncomingRequest request = describe(std::move(incoming), peer, http_stage);
    const std::string request_id = config.api == ApiFlavor::http ? random_id() : lift::uuid();
    request.request_id = request_id;
    const std::string what = request.method + " " + request.target.substr(0, 200);
    // The request is given up for its event, so that the body is held once while the function
    // runs (in the payload).
    std::string payload = json::serialize(config.api == ApiFlavor::http ? detail::http_api_event(std::move(request))
                                                                         : detail::rest_api_event(std::move(request)));
    if (payload.size() > kMaxSyncInvokePayload) {
      // Served anyway (API Gateway's own limit is 10 MB), but Lambda would refuse it.
      problem(what, "the event is " + std::to_string(payload.size()) + " bytes; Lambda refuses synchronous invocations over " +
                        std::to_string(kMaxSyncInvokePayload) + " bytes");
    }
    const auto request_id_header = std::make_pair(std::string(config.api == ApiFlavor::http ? "apigw-requestid" : "x-amzn-RequestId"), request_id);
    Result<InvokeResult> result = Error{"Emulator.NoAnswer", "no answer", 502};
    if (stream != nullptr) {
      Reply streamed;
      result = co_await relay_stream(std::move(payload), *stream, keep_alive, request_id_header, what, streamed);
      if (streamed.written) co_return streamed;
    } else {
      result = co_await invoke(std::move(payload));
    }
    GatewayAnswer answer =
        answer_of(result, config.api == ApiFlavor::http ? &detail::http_api_answer : &detail::rest_api_answer);
    answer.headers.push_back(request_id_header);
    co_return Reply{std::move(answer), false};
  }

  // Invokes the function and passes a streamed HTTP answer (the HTTP-integration prelude, then
  // the body) on to the client as it comes: the prelude as the status line and headers, each
  // piece as a chunk. Once the client has the status, a function that fails (an error in the
  // stream's trailers, a timeout, a crash) gets its connection cut, as a Function URL does: the
  // body ends without its last chunk. `streamed.written` is set when the answer went out this
  // way; otherwise (not streamed, or not in the HTTP-integration format) the result is returned
  // with the body collected, to be answered as a buffered one.
  net::awaitable<Result<InvokeResult>> relay_stream(std::string payload, beast::tcp_stream& stream, bool keep_alive,
                                                    const std::pair<std::string, std::string>& request_id_header,
                                                    const std::string& what, Reply& streamed) {
    static constexpr std::string_view kDelimiter("\0\0\0\0\0\0\0\0", 8);
    auto relay = std::make_shared<StreamRelay>();
    net::steady_timer waker(io);
    relay->waker = &waker;
    struct Unhook {
      StreamRelay& relay;
      ~Unhook() { relay.waker = nullptr; }
    } unhook{*relay};
    start_streaming_invoke(std::move(payload), relay);

    std::string held;  // what came before the answer could start: the prelude, or all of it
    bool collect = false;  // not an HTTP-integration stream: collected, answered whole
    bool client_gone = false;
    std::optional<Result<InvokeResult>> result;
    boost::system::error_code ec;
    const auto send = [&](auto&& buffers) -> net::awaitable<void> {
      if (client_gone) co_return;
      stream.expires_after(kIdleTimeout);
      co_await net::async_write(stream, std::forward<decltype(buffers)>(buffers), net::redirect_error(net::use_awaitable, ec));
      if (ec) client_gone = true;
    };
    for (;;) {
      std::string piece;
      std::string type;
      {
        std::lock_guard lock(relay->mutex);
        piece.swap(relay->pending);
        type = relay->content_type;
        if (piece.empty() && relay->result) result = std::move(relay->result);
      }
      if (result) break;
      if (piece.empty()) {
        waker.expires_at(Clock::time_point::max());
        co_await waker.async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      if (!streamed.written) {
        held += piece;
        if (collect || type != runtime::protocol::kHttpIntegrationContentType) continue;
        const auto end = held.find(kDelimiter);
        if (end == std::string::npos) {
          collect = held.size() > kMaxPreludeBytes;
          continue;
        }
        GatewayAnswer head = detail::streamed_answer(std::string_view(held).substr(0, end + kDelimiter.size()));
        if (!head.problem.empty()) {
          collect = true;  // answered at the end as the malformed answer it is
          continue;
        }
        head.headers.push_back(request_id_header);
        auto header = answer_header(head, keep_alive);
        header.chunked(true);
        http::response_serializer<http::empty_body> serializer{header};
        stream.expires_after(kIdleTimeout);
        co_await http::async_write_header(stream, serializer, net::redirect_error(net::use_awaitable, ec));
        client_gone = static_cast<bool>(ec);
        streamed.answer.status = head.status;
        streamed.written = true;
        piece = held.substr(end + kDelimiter.size());
        held = std::string();
        if (piece.empty()) continue;
      }
      co_await send(http::make_chunk(net::buffer(piece)));
    }
    if (!streamed.written) {
      // Not streamed to the client: the collected body is the answer.
      if (*result && result->value().payload.empty()) result->value().payload = std::move(held);
      co_return std::move(*result);
    }
    if (*result && result->value().ok()) {
      co_await send(http::make_chunk_last());
      streamed.written = !client_gone;
    } else {
      const std::string why = !*result ? result->error().message : describe_error(result->value());
      problem(what, "the function failed after its answer had started, so the connection was cut: " + why);
      streamed.written = false;
    }
    if (*result && result->value().init_duration) function_started();
    if (*result && config.pretty_logs && !result->value().logs.empty()) show_function_logs(result->value().logs);
    co_return std::move(*result);
  }

  // The status line and headers of an answer.
  static http::response<http::empty_body> answer_header(const GatewayAnswer& answer, bool keep_alive) {
    http::response<http::empty_body> response;
    response.version(11);
    response.result(static_cast<unsigned>(answer.status));
    if (http::int_to_status(static_cast<unsigned>(answer.status)) == http::status::unknown) response.reason("Unknown");
    response.set(http::field::date, http_date(SystemClock::now()));
    for (const auto& [name, value] : answer.headers) {
      // A header that would split the response is dropped, never sent.
      if (framing_header(name) || name.empty() || name.find_first_of("\r\n: ") != std::string::npos ||
          value.find_first_of("\r\n") != std::string::npos) {
        continue;
      }
      response.insert(name, value);
    }
    response.keep_alive(keep_alive);
    return response;
  }

  net::awaitable<bool> write_answer(beast::tcp_stream& stream, GatewayAnswer answer, bool head, bool keep_alive) {
    http::response<http::string_body> response(answer_header(answer, keep_alive).base());
    boost::system::error_code ec;
    if (head) {
      http::response<http::empty_body> headers_only(std::move(response.base()));
      headers_only.content_length(answer.body.size());
      co_await http::async_write(stream, headers_only, net::redirect_error(net::use_awaitable, ec));
    } else {
      response.body() = std::move(answer.body);
      response.prepare_payload();
      co_await http::async_write(stream, response, net::redirect_error(net::use_awaitable, ec));
    }
    co_return !ec;
  }

  // ---- the Management API ------------------------------------------------------------------

  static Reply management_error(int status, std::string_view message, std::string_view type) {
    Reply reply{detail::gateway_error(status, message), false};
    reply.answer.headers.emplace_back("x-amzn-ErrorType", std::string(type));
    return reply;
  }

  Reply management(std::string_view method, const std::string& id, std::string body) {
    const auto it = connections.find(id);
    if (it == connections.end() || it->second->closing) return management_error(410, "Gone", "GoneException");
    const auto connection = it->second;
    Reply reply;
    if (method == "POST") {
      if (body.size() > kMaxWebSocketMessage) return management_error(413, "Payload Too Large", "PayloadTooLargeException");
      if (connection->outbox_bytes + body.size() > config.max_websocket_backlog_bytes ||
          websocket_backlog_bytes + body.size() > kMaxWebSocketBacklogTotal) {
        // API Gateway's answer when a client's side of the connection is full.
        reply = management_error(429, "Limit Exceeded", "LimitExceededException");
        if (!connection->told_full) {
          connection->told_full = true;
          reply.answer.notice = "connection " + id + " does not read its messages: " + std::to_string(connection->outbox_bytes) +
                                " bytes wait for it; posts to it get 429 LimitExceededException until it catches up";
        }
        return reply;
      }
      const bool binary = !lift::valid_utf8(body);
      send(connection, std::move(body), binary);
      reply.answer.status = 200;
      return reply;
    }
    if (method == "GET") {
      reply.answer.status = 200;
      reply.answer.headers.emplace_back("Content-Type", "application/json");
      reply.answer.body = json::serialize(json::object{
          {"connectedAt", rfc3339(connection->connected_at)},
          {"identity", {{"sourceIp", connection->source_ip}, {"userAgent", connection->user_agent}}},
          {"lastActiveAt", rfc3339(connection->last_active)}});
      return reply;
    }
    if (method == "DELETE") {
      close_connection(connection);
      reply.answer.status = 204;
      return reply;
    }
    reply = management_error(405, "Method Not Allowed", "MethodNotAllowedException");
    reply.answer.headers.emplace_back("Allow", "GET, POST, DELETE");
    return reply;
  }

  void send(const std::shared_ptr<WsConnection>& connection, std::string data, bool binary) {
    connection->outbox_bytes += data.size();
    websocket_backlog_bytes += data.size();
    connection->outbox.emplace_back(std::move(data), binary);
    if (!connection->writing) {
      connection->writing = true;
      spawn(write_loop(connection));
    }
  }

  // A message has been written (or will never be).
  void sent(WsConnection& connection, std::size_t bytes) {
    connection.outbox_bytes -= bytes;
    websocket_backlog_bytes -= bytes;
    if (connection.outbox_bytes == 0) connection.told_full = false;
  }

  net::awaitable<void> write_loop(std::shared_ptr<WsConnection> connection) {
    boost::system::error_code ec;
    while (!connection->outbox.empty() && !connection->closing) {
      auto next = std::move(connection->outbox.front());
      connection->outbox.pop_front();
      connection->ws.binary(next.second);
      co_await connection->ws.async_write(net::buffer(next.first), net::redirect_error(net::use_awaitable, ec));
      sent(*connection, next.first.size());
      if (ec) break;
    }
    for (const auto& [message, binary] : connection->outbox) sent(*connection, message.size());
    connection->outbox.clear();
    connection->writing = false;
  }

  void close_connection(const std::shared_ptr<WsConnection>& connection) {
    if (connection->closing) return;
    connection->closing = true;
    spawn(close_websocket(connection));
  }

  net::awaitable<void> close_websocket(std::shared_ptr<WsConnection> connection) {
    boost::system::error_code ec;
    co_await connection->ws.async_close(websocket::close_code::normal, net::redirect_error(net::use_awaitable, ec));
  }

  // ---- WebSocket -------------------------------------------------------------------------

  bool routes_known() const { return !config.websocket_routes.empty(); }
  bool has_route(std::string_view key) const {
    return std::find(config.websocket_routes.begin(), config.websocket_routes.end(), key) != config.websocket_routes.end();
  }

  IncomingRequest websocket_request(const WsConnection& connection, std::string body) {
    IncomingRequest request;
    request.method = "GET";
    request.target = connection.target;
    request.headers = connection.headers;
    request.body = std::move(body);
    request = describe(std::move(request), connection.source_ip, ws_stage);
    request.request_id = random_id();
    return request;
  }

  // Invokes a WebSocket route and reads the answer (statusCode, optional).
  // Arguments by value, built by the caller as named objects: a coroutine must not depend on
  // temporaries of the caller's co_await expression.
  net::awaitable<GatewayAnswer> invoke_route(std::shared_ptr<WsConnection> connection, detail::WebSocketEventInfo info,
                                             std::string body, bool binary) {
    auto request = websocket_request(*connection, std::move(body));
    info.connection_id = connection->id;
    info.connected_at = connection->connected_at;
    info.user_agent = connection->user_agent;
    auto result = co_await invoke(json::serialize(detail::websocket_event(std::move(request), info, binary)));
    co_return answer_of(result, &detail::http_api_answer);
  }

  void ws_access(std::string_view route, const std::string& id, const GatewayAnswer& answer, Clock::duration took) {
    explain("WS " + std::string(route) + " " + id, answer);
    access("WS", std::string(route) + " " + id, answer.status, took);
  }

  net::awaitable<void> serve_websocket(beast::tcp_stream stream, http::request<http::empty_body> upgrade, std::string peer) {
    const auto started = Clock::now();
    auto connection = std::make_shared<WsConnection>(std::move(stream));
    connection->id = random_id();
    connection->connected_at = SystemClock::now();
    connection->last_active = connection->connected_at;
    connection->source_ip = peer;
    connection->user_agent = std::string(upgrade[http::field::user_agent]);
    connection->target = std::string(upgrade.target());
    for (const auto& field : upgrade) connection->headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    const Untrack untrack(open_sockets, track([connection] {
      boost::system::error_code ignored;
      beast::get_lowest_layer(connection->ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(connection->ws).socket().close(ignored);
    }));
    const std::string& id = connection->id;

    // $connect decides whether the handshake completes.
    GatewayAnswer verdict;
    if (!routes_known() || has_route("$connect")) {
      detail::WebSocketEventInfo info;
      info.route_key = "$connect";
      info.event_type = "CONNECT";
      verdict = co_await invoke_route(connection, std::move(info), std::string(), false);
      if (verdict.status == 404 && verdict.problem.empty() && !routes_known()) verdict.status = 200;  // no $connect route
    }
    if (verdict.status / 100 != 2) {
      // As API Gateway answers a $connect integration's refusal: a 4xx status reaches the client as
      // it is (401 for a missing or forged token), anything else is 403 (or the 502 of a failed
      // invocation).
      GatewayAnswer refusal = !verdict.problem.empty()       ? std::move(verdict)
                              : verdict.status / 100 == 4 ? detail::gateway_error(verdict.status, verdict.status == 401 ? "Unauthorized" : "Forbidden")
                                                          : detail::gateway_error(403, "Forbidden");
      ws_access("$connect", id, refusal, Clock::now() - started);
      (void)co_await write_answer(beast::get_lowest_layer(connection->ws), std::move(refusal), false, false);
      co_return;
    }
    const std::string protocol(header_of(verdict.headers, "sec-websocket-protocol"));
    connection->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    connection->ws.set_option(websocket::stream_base::decorator([protocol](websocket::response_type& response) {
      if (!protocol.empty()) response.set(http::field::sec_websocket_protocol, protocol);
    }));
    connection->ws.read_message_max(kMaxWebSocketMessage);
    boost::system::error_code ec;
    co_await connection->ws.async_accept(upgrade, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    connections[id] = connection;
    ++open_websockets;
    ws_access("$connect", id, verdict, Clock::now() - started);

    for (;;) {
      beast::flat_buffer frame;
      co_await connection->ws.async_read(frame, net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
      const auto began = Clock::now();
      connection->last_active = SystemClock::now();
      const bool binary = !connection->ws.got_text();
      std::string body = beast::buffers_to_string(frame.data());
      std::string route = binary ? std::string("$default") : detail::websocket_route(body);
      if (routes_known() && !has_route(route)) route = "$default";
      detail::WebSocketEventInfo info;
      info.route_key = route;
      info.event_type = "MESSAGE";
      info.message_id = random_id();
      auto answer = co_await invoke_route(connection, info, body, binary);
      if (answer.status == 404 && answer.problem.empty() && !routes_known() && route != "$default") {
        // No route for this action (as far as the function says): API Gateway would use $default.
        info.route_key = route = "$default";
        answer = co_await invoke_route(connection, info, std::move(body), binary);
      }
      ws_access(route, id, answer, Clock::now() - began);
      if (stopping) break;
    }

    connections.erase(id);
    --open_websockets;
    if (stopping) co_return;
    const auto began = Clock::now();
    detail::WebSocketEventInfo info;
    info.route_key = "$disconnect";
    info.event_type = "DISCONNECT";
    if (ec == websocket::error::closed) {
      info.disconnect_code = connection->ws.reason().code;
      const auto& reason = connection->ws.reason().reason;
      info.disconnect_reason = std::string(reason.data(), reason.size());
      if (info.disconnect_code == static_cast<int>(websocket::close_code::none) || info.disconnect_code == 0) info.disconnect_code = 1005;
    } else {
      info.disconnect_code = 1006;
      info.disconnect_reason = "Going away";
    }
    if (info.disconnect_code == 1005 && info.disconnect_reason.empty()) info.disconnect_reason = "Client-side close frame status not set";
    if (!routes_known() || has_route("$disconnect")) {
      auto answer = co_await invoke_route(connection, info, std::string(), false);
      if (answer.status == 404 && answer.problem.empty() && !routes_known()) answer.status = 200;
      ws_access("$disconnect", id, answer, Clock::now() - began);
    }
  }
};

ApiGatewayEmulator::ApiGatewayEmulator(ApiGatewayConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

ApiGatewayEmulator::~ApiGatewayEmulator() { stop(); }

Result<void> ApiGatewayEmulator::start() { return impl_->start(); }

void ApiGatewayEmulator::stop() { impl_->stop(); }

unsigned short ApiGatewayEmulator::port() const { return impl_->port; }

std::string ApiGatewayEmulator::url() const {
  return "http://" + (impl_->listen_host.empty() ? std::string("127.0.0.1") : impl_->listen_host) + ":" +
         std::to_string(impl_->port);
}

RuntimeEmulator* ApiGatewayEmulator::runtime() { return impl_->runtime.get(); }

std::size_t ApiGatewayEmulator::websocket_connections() const { return impl_->open_websockets; }

std::size_t ApiGatewayEmulator::open_connections() const { return impl_->open_connection_count; }

std::size_t ApiGatewayEmulator::request_bytes_held() const { return impl_->request_bytes_held_now; }

}  // namespace lift::local
