#include "client.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/text.hpp"
#include "lift/runtime/protocol.hpp"

// The Runtime API speaks a small, fixed part of HTTP/1.1 over one kept-alive loopback
// connection: this client writes its requests and reads the answers itself (status line, header
// fields, a Content-Length or chunked body) into buffers it keeps from one invocation to the
// next. An invocation then costs its system calls (one send and one receive each way when the
// answers fit the buffer) and no heap allocation in the exchange; a general HTTP library built a
// field container, a request object and a body copy for every message. The socket is a plain
// descriptor: an I/O library's reactor (an epoll set, an eventfd and a timer descriptor made
// before the first connection) is start-up work a blocking client does not need.

namespace lift::runtime::detail {
namespace {

// Answers of the Runtime API other than an event are small; anything larger is a fault.
constexpr std::size_t kMaxApiAnswerBytes = 1024 * 1024;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// The read buffer's first size: an answer's header block and a typical event arrive in one
// receive (a 1.2 KB API Gateway event took three when the buffer started at 512 bytes).
constexpr std::size_t kReadBufferBytes = 16 * 1024;
constexpr std::string_view kErrorTrailers = "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body";

// How long a kept-alive connection must have been idle before a POST checks that the API has
// not closed it (a poll). Servers that drop idle connections do so after seconds, not within a
// millisecond of their own answer; and a warm handler that returns sooner is where the poll
// would be a visible share of the function's own cost (a few percent), while after 1 ms it is
// about a thousandth. A connection closed unnoticed makes the POST fail and be reported: it is
// never sent twice either way.
constexpr auto kIdleBeforeStaleCheck = std::chrono::milliseconds(1);

// What went wrong in an exchange, before it becomes an Error.
struct IoFailure {
  enum Kind { none, not_connected, closed, timeout, header_too_large, body_too_large, malformed, system };
  Kind kind = none;
  int error_number = 0;
  const char* detail = "";

  explicit operator bool() const noexcept { return kind != none; }
  [[nodiscard]] std::string message() const {
    switch (kind) {
      case none: return "no error";
      case not_connected: return "no connection";
      case closed: return "the connection was closed";
      case timeout: return "timed out";
      case header_too_large: return "the answer's header is larger than " + std::to_string(kMaxHeaderBytes) + " bytes";
      case body_too_large: return "the answer's body is larger than allowed";
      case malformed: return std::string("the answer is not valid HTTP/1.1 (") + detail + ")";
      case system: return std::strerror(error_number);
    }
    return "unknown failure";
  }
};

IoFailure malformed(const char* what) { return IoFailure{IoFailure::malformed, 0, what}; }

Error transport_error(const std::string& what, const std::string& why) { return Error{"Runtime.TransportError", what + ": " + why, 502}; }

// One answer of the API. The header views point into the client's header copy and stay valid
// until its next exchange.
struct Answer {
  unsigned status = 0;
  bool keep_alive = true;
  bool header_done = false;
  bool got_some = false;  // any byte of it arrived
  std::vector<std::pair<std::string_view, std::string_view>> fields;

  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const {
    for (const auto& [key, value] : fields)
      if (iequals(key, name)) return value;
    return std::nullopt;
  }
};

// Turns a Runtime API answer to a POST into a Result: 2xx is success, anything else an
// Error carrying the HTTP status and, when the body says so, the API's errorType.
Result<void> accepted(const Answer& answer, std::string_view body, std::string_view what) {
  const unsigned status = answer.status;
  if (status >= 200 && status < 300) return ok();
  std::string type = status == 413 ? "Runtime.PayloadTooLarge" : "Runtime.ApiError";
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    if (auto* t = parsed.as_object().if_contains("errorType"); t && t->is_string()) type = "Runtime." + std::string(t->as_string());
  }
  return Error{type, std::string(what) + " was refused with HTTP " + std::to_string(status) + ": " + std::string(body.substr(0, 200)),
               static_cast<int>(status)};
}

bool parse_size(std::string_view text, std::size_t& out, int base = 10) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc{} && end == text.data() + text.size();
}

// True when the comma-separated list `value` holds `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (iequals(trim_blanks(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

struct Client::Impl {
  std::string host;
  std::string port;
  std::string authority;  // host:port, for the Host header and messages
  std::size_t max_event_bytes;
  std::chrono::milliseconds post_timeout;  // for each wait of a POST; zero: none
  int socket = -1;  // the connection's descriptor; -1: none
  // Bytes received and not yet used: [in_begin, in_end) of `in`, which holds in_size bytes. Not
  // zeroed when made or grown: the kernel writes what is read, and zeroing would touch (and so
  // commit) every page of it at start-up.
  std::unique_ptr<char[]> in = std::make_unique_for_overwrite<char[]>(kReadBufferBytes);
  std::size_t in_size = kReadBufferBytes;
  std::size_t in_begin = 0;
  std::size_t in_end = 0;
  std::string header_block;  // the last answer's header, which its field views point into
  std::string request_head;  // the request being sent (its header; the body goes beside it)
  std::string answer_body;   // the body of the last answer to a POST
  std::string chunk_head;    // a streamed chunk's size line
  std::string next_request;  // GET /next, the same bytes every time
  Answer answer;
  std::size_t written = 0;  // bytes of the current request the kernel took
  std::optional<Error> connect_failure;  // why the last connection could not be made
  // When the connection last finished reading an answer (or was made): how long it has been idle.
  std::chrono::steady_clock::time_point idle_since;
  // Guards the socket's descriptor against interrupt() from another thread.
  std::mutex descriptor_mutex;
  bool interrupted = false;

  Impl(std::string endpoint, std::size_t max_event, std::chrono::milliseconds post_timeout)
      : authority(std::move(endpoint)),
        max_event_bytes(max_event),
        post_timeout(std::max(post_timeout, std::chrono::milliseconds::zero())) {
    std::string_view e = authority;
    // host:port, [v6]:port; a bare host (or bare IPv6 address) means port 80.
    const auto colon = e.rfind(':');
    const auto bracket = e.rfind(']');
    const bool has_port = colon != std::string_view::npos &&
                          (bracket == std::string_view::npos ? e.find(':') == colon : colon > bracket);
    if (has_port) {
      host = std::string(e.substr(0, colon));
      port = std::string(e.substr(colon + 1));
    } else {
      host = std::string(e);
      port = "80";
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    next_request.append("GET ").append(protocol::kNextPath).append(" HTTP/1.1\r\nHost: ").append(authority).append("\r\n\r\n");
  }

  ~Impl() { close(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void close() {
    std::lock_guard lock(descriptor_mutex);
    if (socket >= 0) ::close(socket);
    socket = -1;
    in_begin = in_end = 0;
  }

  // A connected TCP socket to host:port: a numeric address (what Lambda gives) directly, a name
  // through getaddrinfo (whose code, resolver and all, a numeric address leaves untouched).
  Result<int> open_connection() const {
    unsigned short port_number = 0;
    const auto [end, parsed] = std::from_chars(port.data(), port.data() + port.size(), port_number);
    if (parsed == std::errc{} && end == port.data() + port.size()) {
      sockaddr_in v4{};
      sockaddr_in6 v6{};
      const sockaddr* address = nullptr;
      socklen_t length = 0;
      if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port_number);
        address = reinterpret_cast<const sockaddr*>(&v4);
        length = sizeof v4;
      } else if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port_number);
        address = reinterpret_cast<const sockaddr*>(&v6);
        length = sizeof v6;
      }
      if (address != nullptr) {
        int error = 0;
        const int fd = connect_to(address->sa_family, address, length, error);
        if (fd >= 0) return fd;
        return transport_error("cannot connect to the Runtime API at " + authority, std::strerror(error));
      }
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (const int failed = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); failed != 0) {
      return transport_error("cannot resolve the Runtime API host " + authority, ::gai_strerror(failed));
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    int error = 0;
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
      if (const int fd = connect_to(a->ai_family, a->ai_addr, a->ai_addrlen, error); fd >= 0) return fd;
    }
    return transport_error("cannot connect to the Runtime API at " + authority, std::strerror(error));
  }

  // A TCP socket connected to `address`, or -1 with errno's reason in `error`.
  static int connect_to(int family, const sockaddr* address, socklen_t length, int& error) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
    if (fd < 0) {
      error = errno;
      return -1;
    }
    int result = 0;
    do result = ::connect(fd, address, length);
    while (result != 0 && errno == EINTR);
    if (result == 0) return fd;
    error = errno;
    ::close(fd);
    return -1;
  }

  Result<void> connect() {
    close();
    auto opened = open_connection();
    if (!opened) return std::move(opened).error();
    const int fd = *opened;
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);  // small requests; Nagle would add latency
    if (post_timeout.count() > 0) {
      // The bound on each wait of a POST, set once per connection so that an exchange costs no
      // system call beyond its sends and receives: after that much silence a blocking call fails
      // with EAGAIN. A POST reports that as a timeout; GET /next (which waits for as long as the
      // environment is frozen) simply waits again. The limit is on silence, not on the whole
      // exchange: every byte that moves restarts it.
      const auto whole = std::chrono::duration_cast<std::chrono::seconds>(post_timeout);
      const timeval limit{static_cast<time_t>(whole.count()),
                          static_cast<suseconds_t>(std::chrono::microseconds(post_timeout - whole).count())};
      if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0 ||
          ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) != 0) {
        const int error = errno;
        ::close(fd);
        return transport_error("cannot bound the waits of the connection to " + authority, std::strerror(error));
      }
    }
    std::lock_guard lock(descriptor_mutex);
    if (interrupted) {
      ::close(fd);
      return Error{"Runtime.Interrupted", "the client was interrupted", 503};
    }
    socket = fd;
    idle_since = std::chrono::steady_clock::now();
    return ok();
  }

  // True when a POST needs a new connection first: there is none, or the kept-alive one was
  // closed (or written to) by the other side while idle. A POST is never sent twice once its
  // bytes have gone, so this is its one chance to avoid a dead connection. The check (a poll)
  // is made only after kIdleBeforeStaleCheck of idleness (reading the clock is no system call).
  bool stale() {
    if (socket < 0) return true;
    if (std::chrono::steady_clock::now() - idle_since < kIdleBeforeStaleCheck) return false;
    pollfd p{socket, POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  // After a failed call: true to make it again (interrupted by a signal, or a timed-out wait
  // of an unbounded exchange); otherwise false with the failure in `failure`.
  static bool again(bool bounded, IoFailure& failure) {
    const int error = errno;
    if (error == EINTR) return true;
    if (error == EAGAIN || error == EWOULDBLOCK) {
      if (!bounded) return true;
      failure = IoFailure{IoFailure::timeout};
      return false;
    }
    failure = IoFailure{IoFailure::system, error};
    return false;
  }

  // Sends all of `parts` (a POST's waits bounded by the post timeout). MSG_NOSIGNAL: a closed
  // connection is an error, not SIGPIPE. A send that timed out after some bytes went returns
  // their count (progress); only one that moved none fails.
  IoFailure send_all(iovec* parts, int count, bool bounded) {
    while (count > 0) {
      msghdr message{};
      message.msg_iov = parts;
      message.msg_iovlen = static_cast<std::size_t>(count);
      const ssize_t sent = ::sendmsg(socket, &message, MSG_NOSIGNAL);
      if (sent < 0) {
        IoFailure failure;
        if (again(bounded, failure)) continue;
        return failure;
      }
      written += static_cast<std::size_t>(sent);
      auto left = static_cast<std::size_t>(sent);
      while (count > 0 && left >= parts->iov_len) {
        left -= parts->iov_len;
        ++parts;
        --count;
      }
      if (count > 0) {
        parts->iov_base = static_cast<char*>(parts->iov_base) + left;
        parts->iov_len -= left;
      }
    }
    return {};
  }

  IoFailure send(std::string_view head, std::string_view body, bool bounded) {
    std::array<iovec, 2> parts{iovec{const_cast<char*>(head.data()), head.size()}, iovec{const_cast<char*>(body.data()), body.size()}};
    return send_all(parts.data(), body.empty() ? 1 : 2, bounded);
  }

  // One receive into `to`; the count, or 0 with `failure` set (`closed` at the end of the stream).
  std::size_t receive(char* to, std::size_t room, bool bounded, IoFailure& failure) {
    for (;;) {
      const ssize_t got = ::recv(socket, to, room, 0);
      if (got > 0) {
        answer.got_some = true;
        return static_cast<std::size_t>(got);
      }
      if (got == 0) {
        failure = IoFailure{IoFailure::closed};
        return 0;
      }
      if (!again(bounded, failure)) return 0;
    }
  }

  // Receives more into the read buffer, moving what is unread to its front or growing it
  // when it is full.
  IoFailure fill(bool bounded) {
    if (in_end == in_size) {
      if (in_begin > 0) {
        std::memmove(in.get(), in.get() + in_begin, in_end - in_begin);
        in_end -= in_begin;
        in_begin = 0;
      } else {
        auto larger = std::make_unique_for_overwrite<char[]>(in_size * 2);
        std::memcpy(larger.get(), in.get(), in_end);
        in = std::move(larger);
        in_size *= 2;
      }
    }
    IoFailure failure;
    in_end += receive(in.get() + in_end, in_size - in_end, bounded, failure);
    return failure;
  }

  [[nodiscard]] std::string_view unread() const { return {in.get() + in_begin, in_end - in_begin}; }

  // A line of the read buffer (a chunk's size line or a trailer), without its CRLF.
  IoFailure read_line(bool bounded, std::string_view& line) {
    for (;;) {
      const auto end = unread().find("\r\n");
      if (end != std::string_view::npos) {
        line = unread().substr(0, end);
        in_begin += end + 2;
        return {};
      }
      if (unread().size() > kMaxHeaderBytes) return IoFailure{IoFailure::header_too_large};
      if (auto failed = fill(bounded)) return failed;
    }
  }

  // Reads an answer's status line and header fields into `answer` (views into header_block).
  IoFailure read_header(bool bounded) {
    answer.status = 0;
    answer.keep_alive = true;
    answer.header_done = false;
    answer.got_some = false;
    answer.fields.clear();
    std::size_t scanned = 0;
    std::size_t end = std::string_view::npos;
    while ((end = unread().find("\r\n\r\n", scanned)) == std::string_view::npos) {
      if (unread().size() > kMaxHeaderBytes) return IoFailure{IoFailure::header_too_large};
      scanned = unread().size() < 3 ? 0 : unread().size() - 3;
      if (auto failed = fill(bounded)) return failed.kind == IoFailure::closed && answer.got_some ? malformed("it ends within its header") : failed;
    }
    header_block.assign(unread().substr(0, end + 2));  // the last field's CRLF included
    in_begin += end + 4;
    std::string_view rest = header_block;
    const auto line_end = rest.find("\r\n");
    const std::string_view status_line = rest.substr(0, line_end);
    rest.remove_prefix(line_end + 2);
    // HTTP/1.x SSS reason
    if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ')
      return malformed("its status line");
    std::size_t status = 0;
    if (!parse_size(status_line.substr(9, 3), status) || status < 100 || (status_line.size() > 12 && status_line[12] != ' '))
      return malformed("its status code");
    answer.status = static_cast<unsigned>(status);
    answer.keep_alive = status_line[7] == '1';
    while (!rest.empty()) {
      const auto eol = rest.find("\r\n");
      const std::string_view line = rest.substr(0, eol);
      rest.remove_prefix(eol + 2);
      const auto colon = line.find(':');
      if (colon == 0 || colon == std::string_view::npos || line.front() == ' ' || line.front() == '\t')
        return malformed("a header field");
      answer.fields.emplace_back(line.substr(0, colon), trim_blanks(line.substr(colon + 1)));
    }
    if (const auto connection = answer.find("Connection")) {
      if (has_token(*connection, "close")) answer.keep_alive = false;
      else if (has_token(*connection, "keep-alive")) answer.keep_alive = true;
    }
    answer.header_done = true;
    return {};
  }

  // Reads the body of the answer whose header was just read into `body` (at most `limit` bytes:
  // body_too_large beyond, the rest left on the wire).
  IoFailure read_body(bool bounded, std::size_t limit, std::string& body) {
    body.clear();
    if (answer.status < 200 || answer.status == 204 || answer.status == 304) return {};
    const auto encoding = answer.find("Transfer-Encoding");
    if (encoding && !encoding->empty()) {
      if (!has_token(*encoding, "chunked")) return malformed("a transfer coding other than chunked");
      return read_chunked(bounded, limit, body);
    }
    const auto length_field = answer.find("Content-Length");
    if (!length_field) {
      // The body runs to the end of the connection.
      answer.keep_alive = false;
      for (;;) {
        body.append(unread());
        in_begin = in_end = 0;
        if (body.size() > limit) return IoFailure{IoFailure::body_too_large};
        const auto failed = fill(bounded);
        if (failed.kind == IoFailure::closed) return {};
        if (failed) return failed;
      }
    }
    std::size_t length = 0;
    if (!parse_size(*length_field, length)) return malformed("its Content-Length");
    if (length > limit) return IoFailure{IoFailure::body_too_large};
    // Straight into `body`: what the header's receive brought along, then the rest from the socket.
    body.resize(length);
    const std::size_t have = std::min(length, unread().size());
    std::memcpy(body.data(), in.get() + in_begin, have);
    in_begin += have;
    for (std::size_t at = have; at < length;) {
      IoFailure failure;
      const auto got = receive(body.data() + at, length - at, bounded, failure);
      if (failure) return failure.kind == IoFailure::closed ? malformed("it ends within its body") : failure;
      at += got;
    }
    if (in_begin == in_end) in_begin = in_end = 0;
    return {};
  }

  IoFailure read_chunked(bool bounded, std::size_t limit, std::string& body) {
    for (;;) {
      std::string_view line;
      if (auto failed = read_line(bounded, line)) return failed;
      std::size_t size = 0;
      if (!parse_size(trim_blanks(line.substr(0, line.find(';'))), size, 16)) return malformed("a chunk size");
      if (size == 0) break;
      if (size > limit - body.size()) return IoFailure{IoFailure::body_too_large};
      while (unread().size() < size + 2) {
        if (auto failed = fill(bounded)) return failed.kind == IoFailure::closed ? malformed("it ends within a chunk") : failed;
      }
      body.append(in.get() + in_begin, size);
      if (unread().substr(size, 2) != "\r\n") return malformed("a chunk's end");
      in_begin += size + 2;
    }
    // Trailers (ignored) up to the empty line.
    for (;;) {
      std::string_view line;
      if (auto failed = read_line(bounded, line)) return failed;
      if (line.empty()) break;
    }
    if (in_begin == in_end) in_begin = in_end = 0;
    return {};
  }

  // The head of a request: its request line and Host, the invocation id when the API gave one,
  // then `fields` (already "Name: value\r\n" lines) and the body's length when it has one.
  void start_request(std::string_view method, std::string_view target_prefix, std::string_view request_id,
                     std::string_view target_suffix, const InvocationContext* context) {
    request_head.clear();
    request_head.append(method).append(" ").append(target_prefix).append(request_id).append(target_suffix);
    request_head.append(" HTTP/1.1\r\nHost: ").append(authority).append("\r\n");
    if (context != nullptr && !context->invocation_id.empty())
      field(protocol::kInvocationId, context->invocation_id);
  }
  void field(std::string_view name, std::string_view value) { request_head.append(name).append(": ").append(value).append("\r\n"); }
  void end_request(std::size_t content_length) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, content_length);
    request_head.append("Content-Length: ").append(digits, static_cast<std::size_t>(end - digits)).append("\r\n\r\n");
  }

  // What a failed exchange reports; a POST's wait that timed out says so.
  Error io_error(const std::string& what, const IoFailure& failure) const {
    if (failure.kind == IoFailure::not_connected && connect_failure) return *connect_failure;
    if (failure.kind == IoFailure::timeout)
      return Error{"Runtime.Timeout", what + ": the Runtime API made no progress for " + std::to_string(post_timeout.count()) + " ms", 504};
    return transport_error(what, failure.message());
  }

  // Sends `head` and `body` and reads the answer (its body into `answer_into`, at most `limit`
  // bytes). A request is sent again (once, on a new connection) only when the server cannot have
  // acted on it: a GET on a kept-alive connection that the server had closed while idle (it fails
  // before any answer byte), a POST none of whose bytes left. A POST that may have been read is
  // never sent again: the API may have taken it, and an invocation must not be answered twice.
  // So a POST checks its kept-alive connection before it starts instead.
  IoFailure round_trip(bool post, std::string_view head, std::string_view body, std::size_t limit, std::string& answer_into) {
    for (int attempt = 0;; ++attempt) {
      if (post && socket >= 0 && stale()) close();
      const bool fresh_connection = socket < 0;
      if (fresh_connection) {
        if (auto connected = connect(); !connected) {
          connect_failure = std::move(connected).error();
          return IoFailure{IoFailure::not_connected};
        }
      }
      written = 0;
      answer.got_some = false;
      IoFailure failure = send(head, body, post);
      if (!failure) failure = read_header(post);
      if (!failure) failure = read_body(post, limit, answer_into);
      idle_since = std::chrono::steady_clock::now();
      const bool unread_request = !post || written == 0;
      if (failure && failure.kind != IoFailure::not_connected && unread_request && !fresh_connection && attempt == 0 && !answer.got_some && failure.kind != IoFailure::body_too_large) {
        close();
        continue;
      }
      return failure;
    }
  }

  // One exchange whose answer must come back whole: on a failure the connection is dropped.
  // The answer's body is in answer_body.
  Result<void> exchange(bool post, std::string_view body, std::string_view what) {
    if (auto failure = round_trip(post, request_head, body, kMaxApiAnswerBytes, answer_body)) {
      close();
      return io_error(std::string(what) + " failed", failure);
    }
    if (!answer.keep_alive) close();
    return ok();
  }

  // POST of an error report (/error or /init/error): the JSON body plus its type in a header.
  Result<void> post_report(const InvocationContext* context, const ErrorReport& report, std::string_view what) {
    if (context != nullptr) start_request("POST", protocol::kInvocationPrefix, context->request_id, "/error", context);
    else start_request("POST", protocol::kInitErrorPath, "", "", nullptr);
    field("Content-Type", "application/json");
    field(protocol::kErrorType, report.type);
    const std::string body = report.to_json();
    end_request(body.size());
    if (auto sent = exchange(true, body, what); !sent) return sent;
    return accepted(answer, answer_body, what);
  }
};

Client::Client(std::string endpoint, std::size_t max_event_bytes, std::chrono::milliseconds post_timeout)
    : impl_(std::make_unique<Impl>(std::move(endpoint), max_event_bytes, post_timeout)) {}
Client::~Client() = default;

void Client::interrupt() {
  std::lock_guard lock(impl_->descriptor_mutex);
  impl_->interrupted = true;
  if (impl_->socket >= 0) ::shutdown(impl_->socket, SHUT_RDWR);
}

Result<void> Client::next(Next& next) {
  auto& impl = *impl_;
  next.rejected.reset();
  const auto failure = impl.round_trip(false, impl.next_request, {}, impl.max_event_bytes, next.invocation.payload);
  const bool too_large = failure.kind == IoFailure::body_too_large && impl.answer.header_done;
  if (failure && !too_large) {
    impl.close();
    return impl.io_error("GET /next failed", failure);
  }
  if (impl.answer.status != 200) {
    impl.close();
    return Error{"Runtime.ApiError", "GET /next answered HTTP " + std::to_string(impl.answer.status), static_cast<int>(impl.answer.status)};
  }
  const Answer& answer = impl.answer;
  const protocol::HeaderLookup header = [&answer](std::string_view name) { return answer.find(name); };
  if (auto read = protocol::read_invocation_headers(header, next.invocation.context); !read) next.rejected = std::move(read).error();
  if (too_large) {
    // The rest of the event is still on the wire: this connection is done for.
    impl.close();
    next.invocation.payload.clear();
    next.rejected = Error{"Runtime.EventTooLarge",
                          "the event is larger than the " + std::to_string(impl.max_event_bytes) + " bytes this function accepts", 413};
    return ok();
  }
  if (!answer.keep_alive) impl.close();
  return ok();
}

Result<Client::Next> Client::next() {
  Next next;
  if (auto read = this->next(next); !read) return std::move(read).error();
  return next;
}

Result<void> Client::post_response(const InvocationContext& context, const Response& response) {
  auto& impl = *impl_;
  impl.start_request("POST", protocol::kInvocationPrefix, context.request_id, "/response", &context);
  impl.field("Content-Type", response.media_type());
  impl.end_request(response.body.size());
  if (auto sent = impl.exchange(true, response.body, "POST /response"); !sent) return sent;
  return accepted(impl.answer, impl.answer_body, "the response");
}

Result<void> Client::post_error(const InvocationContext& context, const ErrorReport& report) {
  return impl_->post_report(&context, report, "the error report");
}

Result<void> Client::post_init_error(const ErrorReport& report) { return impl_->post_report(nullptr, report, "the init error report"); }

Result<void> Client::Stream::begin(std::string_view content_type) {
  if (begun_) return ok();
  auto& impl = *client_.impl_;
  if (impl.stale()) {
    if (auto connected = impl.connect(); !connected) return connected;
  }
  impl.start_request("POST", protocol::kInvocationPrefix, context_.request_id, "/response", &context_);
  impl.field("Content-Type", content_type);
  impl.field(protocol::kResponseMode, "streaming");
  impl.field("Trailer", kErrorTrailers);
  impl.request_head.append("Transfer-Encoding: chunked\r\n\r\n");
  impl.written = 0;
  if (auto failure = impl.send(impl.request_head, {}, true)) return lose(impl.io_error("starting the response stream failed", failure));
  begun_ = true;
  return ok();
}

Result<void> Client::Stream::lose(Error error) {
  ended_ = true;
  client_.impl_->close();
  lost_ = std::move(error);
  return *lost_;
}

Result<void> Client::Stream::write(std::string_view bytes) {
  if (!begun_ || ended_) return Error{"Runtime.StreamClosed", "the response stream is not open", 500};
  if (bytes.empty()) return ok();
  auto& impl = *client_.impl_;
  char size[20];
  const auto [end, ec] = std::to_chars(size, size + sizeof size, bytes.size(), 16);
  impl.chunk_head.assign(size, end).append("\r\n");
  std::array<iovec, 3> parts{iovec{impl.chunk_head.data(), impl.chunk_head.size()}, iovec{const_cast<char*>(bytes.data()), bytes.size()},
                             iovec{const_cast<char*>("\r\n"), 2}};
  if (auto failure = impl.send_all(parts.data(), 3, true)) return lose(impl.io_error("writing the response stream failed", failure));
  return ok();
}

Result<void> Client::Stream::finish() { return end(nullptr); }

Result<void> Client::Stream::fail(const ErrorReport& report) { return end(&report); }

Result<void> Client::Stream::end(const ErrorReport* report) {
  if (ended_) return Error{"Runtime.StreamClosed", "the response stream has already ended", 500};
  if (!begun_) {
    if (auto begun = begin("application/octet-stream"); !begun) return begun;
  }
  ended_ = true;
  auto& impl = *client_.impl_;
  std::string last = "0\r\n";
  if (report != nullptr) {
    last.append(protocol::kErrorType).append(": ").append(report->type).append("\r\n");
    last.append(protocol::kErrorBody).append(": ").append(base64::encode(report->to_json())).append("\r\n");
  }
  last.append("\r\n");
  IoFailure failure = impl.send(last, {}, true);
  if (!failure) failure = impl.read_header(true);
  if (!failure) failure = impl.read_body(true, kMaxApiAnswerBytes, impl.answer_body);
  impl.idle_since = std::chrono::steady_clock::now();
  if (failure) return lose(impl.io_error("ending the response stream failed", failure));
  if (!impl.answer.keep_alive) impl.close();
  return accepted(impl.answer, impl.answer_body, "the streamed response");
}

Result<std::string> Client::register_extension(std::string_view name) {
  auto& impl = *impl_;
  impl.start_request("POST", protocol::kExtensionRegisterPath, "", "", nullptr);
  impl.field(protocol::kExtensionName, name);
  impl.field("Content-Type", "application/json");
  constexpr std::string_view body = R"({"events":[]})";
  impl.end_request(body.size());
  if (auto sent = impl.exchange(true, body, "extension registration"); !sent) return std::move(sent).error();
  if (auto accepted_answer = accepted(impl.answer, impl.answer_body, "the extension registration"); !accepted_answer)
    return std::move(accepted_answer).error();
  const auto id = impl.answer.find(protocol::kExtensionIdentifier);
  if (!id || id->empty()) return Error{"Runtime.ApiError", "the extension registration answer has no Lambda-Extension-Identifier", 502};
  return std::string(*id);
}

Result<std::string> Client::next_extension_event(std::string_view identifier) {
  auto& impl = *impl_;
  impl.start_request("GET", protocol::kExtensionNextPath, "", "", nullptr);
  impl.field(protocol::kExtensionIdentifier, identifier);
  impl.request_head.append("\r\n");
  if (auto sent = impl.exchange(false, {}, "GET extension event"); !sent) return std::move(sent).error();
  if (auto accepted_answer = accepted(impl.answer, impl.answer_body, "the extension event request"); !accepted_answer)
    return std::move(accepted_answer).error();
  return impl.answer_body;
}

}  // namespace lift::runtime::detail
