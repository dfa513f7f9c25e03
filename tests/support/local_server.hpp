#pragma once
// A TCP server on 127.0.0.1 (ephemeral port) for tests of HTTP clients: every accepted
// connection is handed to a function in a thread of its own, which may speak HTTP (serve_http),
// TLS, or write broken bytes on purpose. The destructor stops accepting, wakes connections that
// are still blocked and joins every thread.

#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace lift::testing_support {

class LocalServer {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using Handler = std::function<void(Socket&)>;

  explicit LocalServer(Handler handler) : handler_(std::move(handler)) {
    using boost::asio::ip::tcp;
    acceptor_.open(tcp::v4());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~LocalServer() {
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocking accept
    accept_thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& thread : threads_) thread.join();
  }

  LocalServer(const LocalServer&) = delete;
  LocalServer& operator=(const LocalServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::size_t accepted() const { return accepted_.load(); }

 private:
  void accept_loop() {
    while (!stopping_) {
      auto socket = std::make_shared<Socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec || stopping_) break;
      ++accepted_;
      std::lock_guard lock(mutex_);
      const int fd = socket->native_handle();
      open_.insert(fd);
      threads_.emplace_back([this, socket, fd] {
        handler_(*socket);
        std::lock_guard inner(mutex_);
        open_.erase(fd);
        boost::system::error_code ignored;
        socket->close(ignored);
      });
    }
  }

  Handler handler_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  std::thread accept_thread_;
  std::mutex mutex_;
  std::set<int> open_;
  std::list<std::thread> threads_;
};

using HttpServerRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpServerResponse = boost::beast::http::response<boost::beast::http::string_body>;

inline HttpServerResponse make_response(unsigned status, std::string body, std::string content_type = "text/plain") {
  HttpServerResponse response{static_cast<boost::beast::http::status>(status), 11};
  response.set(boost::beast::http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

// Answers requests on `stream` until the peer closes or a response is not kept alive;
// `respond` gets the request and the number of requests seen on this connection before it.
template <class Stream>
void serve_http(Stream& stream, const std::function<HttpServerResponse(const HttpServerRequest&, int)>& respond) {
  namespace http = boost::beast::http;
  boost::beast::flat_buffer buffer;
  for (int served = 0;; ++served) {
    HttpServerRequest request;
    boost::system::error_code ec;
    http::read(stream, buffer, request, ec);
    if (ec) return;
    auto response = respond(request, served);
    response.keep_alive(request.keep_alive() && response.keep_alive());
    http::write(stream, response, ec);
    if (ec || !response.keep_alive()) return;
  }
}

// Copies bytes both ways between two connected sockets until either side closes.
inline void pipe_sockets(int a, int b) {
  char buffer[16384];
  for (;;) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    if (::poll(fds, 2, 10000) <= 0) return;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      const int to = i == 0 ? b : a;
      for (ssize_t sent = 0; sent < n;) {
        const ssize_t m = ::send(to, buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
        if (m <= 0) return;
        sent += m;
      }
    }
  }
}

}  // namespace lift::testing_support
