#include "client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <mutex>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/runtime/protocol.hpp"

namespace lift::runtime::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// Answers of the Runtime API other than an event are small; anything larger is a fault.
constexpr std::size_t kMaxApiAnswerBytes = 1024 * 1024;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// Room reserved for reading answers. Beast reads as much as the buffer has room for (at least
// 512 bytes); the parser empties the buffer as it goes, so without room reserved it never grows
// past 512 bytes and a 1.2 KB API Gateway event took three recv calls. 16 KB takes a typical
// event in one.
constexpr std::size_t kReadBufferBytes = 16 * 1024;
constexpr std::string_view kErrorTrailers = "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body";

// How long a kept-alive connection must have been idle before a POST checks that the API has
// not closed it (a poll). Servers that drop idle connections do so after seconds, not within a
// millisecond of their own answer; and a warm handler that returns sooner is where the poll
// would be a visible share of the function's own cost (a few percent), while after 1 ms it is
// about a thousandth. A connection closed unnoticed makes the POST fail and be reported: it is
// never sent twice either way.
constexpr auto kIdleBeforeStaleCheck = std::chrono::milliseconds(1);

Error transport_error(const std::string& what, const boost::system::error_code& ec) {
  return Error{"Runtime.TransportError", what + ": " + ec.message(), 502};
}

// The connection's socket as Beast's sync stream: blocking recv and send on the descriptor,
// one system call per read or write as with Asio's socket. The connection's SO_RCVTIMEO and
// SO_SNDTIMEO (set once, when it is made) bound each wait for the other side: after that much
// silence the call fails with EAGAIN. A bounded stream (a POST) reports that as
// beast::error::timeout; an unbounded one (GET /next, which waits for as long as the
// environment is frozen) simply waits again. Asio's own blocking calls cannot be used for
// this: on EAGAIN they wait in poll with no limit. The limit is on silence, not on the whole
// exchange: every byte that moves restarts it.
class SocketStream {
 public:
  SocketStream(int fd, bool bounded) noexcept : fd_(fd), bounded_(bounded) {}

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    Vectors vectors(buffers);
    if (vectors.count == 0) return ok(ec, 0);
    for (;;) {
      // One buffer (what Beast's parser reads into) is a plain recv, like Asio's.
      ssize_t got;
      if (vectors.count == 1) {
        got = ::recv(fd_, vectors.items[0].iov_base, vectors.items[0].iov_len, 0);
      } else {
        msghdr message{};
        message.msg_iov = vectors.items;
        message.msg_iovlen = vectors.count;
        got = ::recvmsg(fd_, &message, 0);
      }
      if (got > 0) return ok(ec, static_cast<std::size_t>(got));
      if (got == 0) {
        ec = boost::asio::error::eof;
        return 0;
      }
      if (!again(ec)) return 0;
    }
  }

  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec) {
    Vectors vectors(buffers);
    if (vectors.count == 0) return ok(ec, 0);
    for (;;) {
      msghdr message{};
      message.msg_iov = vectors.items;
      message.msg_iovlen = vectors.count;
      // MSG_NOSIGNAL: a closed connection is an error, not SIGPIPE. A send that timed out
      // after some bytes went returns their count (progress); only one that moved none fails.
      const ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
      if (sent >= 0) {
        written_ += static_cast<std::size_t>(sent);
        return ok(ec, static_cast<std::size_t>(sent));
      }
      if (!again(ec)) return 0;
    }
  }

  // The throwing forms Beast's stream concepts ask for; lift only calls the others.
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const auto n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers) {
    boost::system::error_code ec;
    const auto n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  // Bytes the kernel has taken so far: once there are any, the other side may have read them.
  [[nodiscard]] std::size_t written() const noexcept { return written_; }

 private:
  // Up to 16 non-empty buffers of a sequence (Beast hands over a few: header, body, chunk parts).
  struct Vectors {
    iovec items[16];
    int count = 0;
    template <class Buffers>
    explicit Vectors(const Buffers& buffers) {
      for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers) && count < 16; ++it) {
        const net::const_buffer buffer = *it;
        if (buffer.size() == 0) continue;
        items[count++] = iovec{const_cast<void*>(static_cast<const void*>(buffer.data())), buffer.size()};
      }
    }
  };

  static std::size_t ok(boost::system::error_code& ec, std::size_t n) {
    ec = {};
    return n;
  }

  // After a failed call: true to make it again (interrupted by a signal, or a timed-out wait of
  // an unbounded stream); otherwise false with the error in `ec` (beast::error::timeout for a
  // timed-out wait of a bounded one).
  bool again(boost::system::error_code& ec) const {
    const int error = errno;
    if (error == EINTR) return true;
    if (error == EAGAIN || error == EWOULDBLOCK) {
      if (!bounded_) return true;
      ec = beast::error::timeout;
      return false;
    }
    ec.assign(error, boost::system::system_category());
    return false;
  }

  int fd_;
  bool bounded_;
  std::size_t written_ = 0;
};

std::string_view view(beast::string_view s) { return {s.data(), s.size()}; }

// Turns a Runtime API answer to a POST into a Result: 2xx is success, anything else an
// Error carrying the HTTP status and, when the body says so, the API's errorType.
Result<void> accepted(const http::response<http::string_body>& answer, std::string_view what) {
  const unsigned status = answer.result_int();
  if (status >= 200 && status < 300) return ok();
  std::string type = status == 413 ? "Runtime.PayloadTooLarge" : "Runtime.ApiError";
  boost::system::error_code ec;
  auto body = boost::json::parse(answer.body(), ec);
  if (!ec && body.is_object()) {
    if (auto* t = body.as_object().if_contains("errorType"); t && t->is_string()) type = "Runtime." + std::string(t->as_string());
  }
  std::string excerpt = answer.body().substr(0, 200);
  return Error{type, std::string(what) + " was refused with HTTP " + std::to_string(status) + ": " + excerpt,
               static_cast<int>(status)};
}

}  // namespace

struct Client::Impl {
  std::string host;
  std::string port;
  std::string authority;  // host:port, for the Host header and messages
  std::size_t max_event_bytes;
  std::chrono::milliseconds post_timeout;  // for each wait of a POST; zero: none
  net::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;
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
    buffer.reserve(kReadBufferBytes);
  }

  void close() {
    std::lock_guard lock(descriptor_mutex);
    boost::system::error_code ignored;
    socket.close(ignored);
    buffer.clear();
  }

  Result<void> connect() {
    close();
    boost::system::error_code ec;
    tcp::socket fresh(io);
    const auto address = net::ip::make_address(host, ec);
    unsigned short port_number = 0;
    auto [end, perr] = std::from_chars(port.data(), port.data() + port.size(), port_number);
    if (!ec && perr == std::errc{} && end == port.data() + port.size()) {
      fresh.connect(tcp::endpoint(address, port_number), ec);
    } else {
      tcp::resolver resolver(io);
      auto endpoints = resolver.resolve(host, port, ec);
      if (ec) return transport_error("cannot resolve the Runtime API host " + authority, ec);
      net::connect(fresh, endpoints, ec);
    }
    if (ec) return transport_error("cannot connect to the Runtime API at " + authority, ec);
    fresh.set_option(tcp::no_delay(true), ec);  // small requests; Nagle would add latency
    if (post_timeout.count() > 0) {
      // The bound on each wait of a POST (see SocketStream), set once per connection so that an
      // exchange costs no system call beyond its sends and receives.
      const auto whole = std::chrono::duration_cast<std::chrono::seconds>(post_timeout);
      const timeval limit{static_cast<time_t>(whole.count()),
                          static_cast<suseconds_t>(std::chrono::microseconds(post_timeout - whole).count())};
      const int fd = fresh.native_handle();
      if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0 ||
          ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) != 0)
        return transport_error("cannot bound the waits of the connection to " + authority,
                               boost::system::error_code(errno, boost::system::system_category()));
    }
    std::lock_guard lock(descriptor_mutex);
    if (interrupted) return Error{"Runtime.Interrupted", "the client was interrupted", 503};
    socket = std::move(fresh);
    idle_since = std::chrono::steady_clock::now();
    return ok();
  }

  // True when a POST needs a new connection first: there is none, or the kept-alive one was
  // closed (or written to) by the other side while idle. A POST is never sent twice once its
  // bytes have gone, so this is its one chance to avoid a dead connection. The check (a poll)
  // is made only after kIdleBeforeStaleCheck of idleness (reading the clock is no system call).
  bool stale() {
    if (!socket.is_open()) return true;
    if (std::chrono::steady_clock::now() - idle_since < kIdleBeforeStaleCheck) return false;
    pollfd p{socket.native_handle(), POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  template <class Body>
  void prepare(http::request<Body>& request, const InvocationContext* context) {
    request.set(http::field::host, authority);
    if (context != nullptr && !context->invocation_id.empty())
      request.set(beast::string_view(protocol::kInvocationId.data(), protocol::kInvocationId.size()), context->invocation_id);
  }

  // The socket for one exchange; a POST's waits are bounded, a GET's are not (GET /next waits
  // for as long as the environment is frozen between invocations).
  SocketStream stream_for(bool post) { return SocketStream(socket.native_handle(), post); }

  // What a failed exchange reports; a POST's wait that timed out says so.
  Error io_error(const std::string& what, const boost::system::error_code& ec) const {
    if (ec == beast::error::timeout)
      return Error{"Runtime.Timeout", what + ": the Runtime API made no progress for " + std::to_string(post_timeout.count()) + " ms", 504};
    return transport_error(what, ec);
  }

  // Sends `request` and reads the answer with a parser prepared by `limit`. A request is sent
  // again (once, on a new connection) only when the server cannot have acted on it: a GET on a
  // kept-alive connection that the server had closed while idle (it fails before any answer
  // byte), a POST none of whose bytes left. A POST that may have been read is never sent again:
  // the API may have taken it, and an invocation must not be answered twice. So a POST checks
  // its kept-alive connection before it starts instead.
  template <class Request, class OnAnswer>
  auto round_trip(Request& request, std::size_t limit, OnAnswer&& on_answer) -> decltype(on_answer(std::declval<http::response_parser<http::string_body>&>(), boost::system::error_code{})) {
    const bool post = request.method() != http::verb::get;
    for (int attempt = 0;; ++attempt) {
      if (post && socket.is_open() && stale()) close();
      const bool fresh_connection = !socket.is_open();
      if (fresh_connection) {
        if (auto connected = connect(); !connected) return connected.error();
      }
      auto stream = stream_for(post);
      boost::system::error_code ec;
      http::write(stream, request, ec);
      http::response_parser<http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      parser.body_limit(limit);
      if (!ec) http::read(stream, buffer, parser, ec);
      idle_since = std::chrono::steady_clock::now();
      const bool unread = !post || stream.written() == 0;
      if (ec && unread && !fresh_connection && attempt == 0 && !parser.got_some() && ec != http::error::body_limit) {
        close();
        continue;
      }
      return on_answer(parser, ec);
    }
  }

  // POST of an error report (/error or /init/error): the JSON body plus its type in a header.
  Result<void> post_report(std::string target, const InvocationContext* context, const ErrorReport& report,
                           std::string_view what) {
    http::request<http::string_body> request{http::verb::post, std::move(target), 11};
    prepare(request, context);
    request.set(http::field::content_type, "application/json");
    request.set(beast::string_view(protocol::kErrorType.data(), protocol::kErrorType.size()), report.type);
    request.body() = report.to_json();
    request.prepare_payload();
    auto answer = exchange(request, what);
    if (!answer) return std::move(answer).error();
    return accepted(*answer, what);
  }

  template <class Request>
  Result<http::response<http::string_body>> exchange(Request& request, std::string_view what) {
    return round_trip(request, kMaxApiAnswerBytes,
                      [&](http::response_parser<http::string_body>& parser,
                          boost::system::error_code ec) -> Result<http::response<http::string_body>> {
                        if (ec) {
                          close();
                          return io_error(std::string(what) + " failed", ec);
                        }
                        if (!parser.keep_alive()) close();
                        return parser.release();
                      });
  }
};

Client::Client(std::string endpoint, std::size_t max_event_bytes, std::chrono::milliseconds post_timeout)
    : impl_(std::make_unique<Impl>(std::move(endpoint), max_event_bytes, post_timeout)) {}
Client::~Client() = default;

void Client::interrupt() {
  std::lock_guard lock(impl_->descriptor_mutex);
  impl_->interrupted = true;
  if (impl_->socket.is_open()) ::shutdown(impl_->socket.native_handle(), SHUT_RDWR);
}

Result<Client::Next> Client::next() {
  http::request<http::empty_body> request{http::verb::get, std::string(protocol::kNextPath), 11};
  impl_->prepare(request, nullptr);
  return impl_->round_trip(
      request, impl_->max_event_bytes,
      [&](http::response_parser<http::string_body>& parser, boost::system::error_code ec) -> Result<Next> {
        const bool too_large = ec == http::error::body_limit && parser.is_header_done();
        if (ec && !too_large) {
          impl_->close();
          return transport_error("GET /next failed", ec);
        }
        const auto& answer = parser.get();
        if (answer.result_int() != 200) {
          impl_->close();
          return Error{"Runtime.ApiError", "GET /next answered HTTP " + std::to_string(answer.result_int()),
                       static_cast<int>(answer.result_int())};
        }
        Next next;
        auto header = [&answer](std::string_view name) -> std::optional<std::string_view> {
          auto it = answer.find(beast::string_view(name.data(), name.size()));
          if (it == answer.end()) return std::nullopt;
          return view(it->value());
        };
        auto context = protocol::parse_invocation_headers(header, &next.invocation.context);
        if (!context) next.rejected = std::move(context).error();
        if (too_large) {
          // The rest of the event is still on the wire: this connection is done for.
          impl_->close();
          next.rejected = Error{"Runtime.EventTooLarge",
                                "the event is larger than the " + std::to_string(impl_->max_event_bytes) +
                                    " bytes this function accepts",
                                413};
          return next;
        }
        if (!parser.keep_alive()) impl_->close();
        next.invocation.payload = std::move(parser.get().body());
        return next;
      });
}

Result<void> Client::post_response(const InvocationContext& context, const Response& response) {
  http::request<http::string_body> request{http::verb::post, protocol::invocation_path(context.request_id, "response"), 11};
  impl_->prepare(request, &context);
  const auto media_type = response.media_type();
  request.set(http::field::content_type, beast::string_view(media_type.data(), media_type.size()));
  request.body() = response.body;
  request.prepare_payload();
  auto answer = impl_->exchange(request, "POST /response");
  if (!answer) return std::move(answer).error();
  return accepted(*answer, "the response");
}

Result<void> Client::post_error(const InvocationContext& context, const ErrorReport& report) {
  return impl_->post_report(protocol::invocation_path(context.request_id, "error"), &context, report, "the error report");
}

Result<void> Client::post_init_error(const ErrorReport& report) {
  return impl_->post_report(std::string(protocol::kInitErrorPath), nullptr, report, "the init error report");
}

Result<void> Client::Stream::begin(std::string_view content_type) {
  if (begun_) return ok();
  auto& impl = *client_.impl_;
  if (impl.stale()) {
    if (auto connected = impl.connect(); !connected) return connected;
  }
  http::request<http::empty_body> request{http::verb::post, protocol::invocation_path(context_.request_id, "response"), 11};
  impl.prepare(request, &context_);
  request.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  request.set(beast::string_view(protocol::kResponseMode.data(), protocol::kResponseMode.size()), "streaming");
  request.set(http::field::trailer, beast::string_view(kErrorTrailers.data(), kErrorTrailers.size()));
  request.chunked(true);
  http::request_serializer<http::empty_body> serializer{request};
  boost::system::error_code ec;
  auto stream = impl.stream_for(true);
  http::write_header(stream, serializer, ec);
  if (ec) return lose(impl.io_error("starting the response stream failed", ec));
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
  boost::system::error_code ec;
  auto stream = client_.impl_->stream_for(true);
  net::write(stream, http::make_chunk(net::const_buffer(bytes.data(), bytes.size())), ec);
  if (ec) return lose(client_.impl_->io_error("writing the response stream failed", ec));
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
  http::fields trailers;
  if (report != nullptr) {
    trailers.set(beast::string_view(protocol::kErrorType.data(), protocol::kErrorType.size()), report->type);
    trailers.set(beast::string_view(protocol::kErrorBody.data(), protocol::kErrorBody.size()),
                 base64::encode(report->to_json()));
  }
  boost::system::error_code ec;
  auto stream = impl.stream_for(true);
  net::write(stream, http::make_chunk_last(trailers), ec);
  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(kMaxApiAnswerBytes);
  if (!ec) http::read(stream, impl.buffer, parser, ec);
  impl.idle_since = std::chrono::steady_clock::now();
  if (ec) return lose(impl.io_error("ending the response stream failed", ec));
  if (!parser.keep_alive()) impl.close();
  return accepted(parser.get(), "the streamed response");
}

Result<std::string> Client::register_extension(std::string_view name) {
  http::request<http::string_body> request{http::verb::post, std::string(protocol::kExtensionRegisterPath), 11};
  impl_->prepare(request, nullptr);
  request.set(beast::string_view(protocol::kExtensionName.data(), protocol::kExtensionName.size()),
              beast::string_view(name.data(), name.size()));
  request.set(http::field::content_type, "application/json");
  request.body() = R"({"events":[]})";
  request.prepare_payload();
  auto answer = impl_->exchange(request, "extension registration");
  if (!answer) return std::move(answer).error();
  if (auto accepted_answer = accepted(*answer, "the extension registration"); !accepted_answer)
    return std::move(accepted_answer).error();
  auto id = answer->find(beast::string_view(protocol::kExtensionIdentifier.data(), protocol::kExtensionIdentifier.size()));
  if (id == answer->end() || id->value().empty())
    return Error{"Runtime.ApiError", "the extension registration answer has no Lambda-Extension-Identifier", 502};
  return std::string(view(id->value()));
}

Result<std::string> Client::next_extension_event(std::string_view identifier) {
  http::request<http::empty_body> request{http::verb::get, std::string(protocol::kExtensionNextPath), 11};
  impl_->prepare(request, nullptr);
  request.set(beast::string_view(protocol::kExtensionIdentifier.data(), protocol::kExtensionIdentifier.size()),
              beast::string_view(identifier.data(), identifier.size()));
  auto answer = impl_->exchange(request, "GET extension event");
  if (!answer) return std::move(answer).error();
  if (auto accepted_answer = accepted(*answer, "the extension event request"); !accepted_answer)
    return std::move(accepted_answer).error();
  return std::move(answer->body());
}

}  // namespace lift::runtime::detail
