#pragma once
// A test-side HTTP/1.1 client for the Runtime API: one keep-alive connection, every operation
// bounded by a timeout (Beast's tcp_stream expiry), so a test fails instead of hanging.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace lift::testing_support {

struct WireReply {
  bool ok = false;  // a complete response arrived
  std::string error;  // why not
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  [[nodiscard]] std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class WireClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  static constexpr std::chrono::milliseconds kDefaultTimeout{10000};

  explicit WireClient(const std::string& endpoint, std::chrono::milliseconds timeout = kDefaultTimeout) : stream_(io_) {
    const auto colon = endpoint.rfind(':');
    const boost::asio::ip::tcp::endpoint target(boost::asio::ip::make_address(endpoint.substr(0, colon)),
                                                static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1))));
    connected_ = !run(timeout, [&](auto done) { stream_.async_connect(target, [done](auto ec) mutable { done(ec, 0); }); });
  }

  [[nodiscard]] bool connected() const { return connected_; }

  // One request and its response on this connection.
  WireReply request(boost::beast::http::verb verb, const std::string& target, std::string body = {}, const Headers& headers = {},
                    std::chrono::milliseconds timeout = kDefaultTimeout) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    req.prepare_payload();
    if (auto ec = run(timeout, [&](auto done) { http::async_write(stream_, req, done); })) return failed("write: " + ec.message());
    return read_reply(timeout);
  }

  // Bytes exactly as given (hand-made chunked bodies, garbage).
  bool send_raw(const std::string& bytes, std::chrono::milliseconds timeout = kDefaultTimeout) {
    return !run(timeout, [&](auto done) { boost::asio::async_write(stream_, boost::asio::buffer(bytes), done); });
  }

  // The bytes up to and including `delimiter` (a response's head: "\r\n\r\n"); empty on failure.
  std::string read_until(const std::string& delimiter, std::chrono::milliseconds timeout = kDefaultTimeout) {
    auto dynamic = boost::asio::dynamic_buffer(raw_);
    std::size_t found = 0;
    if (run(timeout, [&](auto done) {
          boost::asio::async_read_until(stream_, dynamic, delimiter, [done, &found](auto ec, std::size_t n) mutable {
            found = n;
            done(ec, n);
          });
        })) {
      return {};
    }
    std::string head = raw_.substr(0, found);
    raw_.erase(0, found);
    return head;
  }

  WireReply read_reply(std::chrono::milliseconds timeout = kDefaultTimeout) {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (auto ec = run(timeout, [&](auto done) { http::async_read(stream_, buffer_, parser, done); })) return failed("read: " + ec.message());
    WireReply reply;
    reply.ok = true;
    reply.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = std::string(field.value());
    }
    reply.body = std::move(parser.get().body());
    return reply;
  }

  // True when the server closes the connection (EOF or reset) within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout = kDefaultTimeout) {
    char byte = 0;
    auto ec = run(timeout, [&](auto done) { stream_.async_read_some(boost::asio::buffer(&byte, 1), done); });
    return ec && ec != boost::beast::error::timeout;
  }

  void close() {
    boost::system::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  template <class Start>
  boost::system::error_code run(std::chrono::milliseconds timeout, Start start) {
    boost::system::error_code result = boost::asio::error::would_block;
    stream_.expires_after(timeout);
    start([&result](boost::system::error_code ec, std::size_t) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  static WireReply failed(std::string why) {
    WireReply reply;
    reply.error = std::move(why);
    return reply;
  }

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string raw_;  // read_until's bytes past its delimiter
  bool connected_ = false;
};

}  // namespace lift::testing_support
