#pragma once
// A GET read piece by piece, each piece with the moment it arrived: for tests that check a
// streamed answer reaches the client as it is written.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace lift::testing_support {

struct TimedAnswer {
  using Clock = std::chrono::steady_clock;
  int status = 0;
  boost::beast::http::fields headers;
  std::vector<std::pair<Clock::time_point, std::string>> pieces;  // chunks, or reads of a sized body
  bool chunked = false;
  bool complete = false;  // the body ended properly (its last chunk or all its bytes came)

  [[nodiscard]] std::string body() const {
    std::string all;
    for (const auto& piece : pieces) all += piece.second;
    return all;
  }
  // When the first piece holding `text` arrived (the epoch when none did).
  [[nodiscard]] Clock::time_point arrival_of(std::string_view text) const {
    for (const auto& [at, bytes] : pieces) {
      if (bytes.find(text) != std::string::npos) return at;
    }
    return {};
  }
};

inline TimedAnswer timed_get(unsigned short port, const std::string& target,
                             const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  namespace net = boost::asio;
  namespace beast = boost::beast;
  namespace http = beast::http;
  net::io_context io;
  net::ip::tcp::socket socket(io);
  TimedAnswer answer;
  beast::error_code ec;
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return answer;
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  http::write(socket, request, ec);
  if (ec) return answer;

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  auto on_chunk = [&answer](std::uint64_t, std::string_view body, beast::error_code&) -> std::size_t {
    answer.pieces.emplace_back(TimedAnswer::Clock::now(), std::string(body));
    return body.size();
  };
  parser.on_chunk_body(on_chunk);
  http::read_header(socket, buffer, parser, ec);
  if (ec) return answer;
  answer.status = static_cast<int>(parser.get().result_int());
  answer.headers = parser.get().base();
  answer.chunked = parser.chunked();
  char scratch[4096];
  while (!parser.is_done()) {
    parser.get().body().data = scratch;
    parser.get().body().size = sizeof scratch;
    http::read_some(socket, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) break;
    const auto n = sizeof scratch - parser.get().body().size;
    if (!answer.chunked && n > 0) answer.pieces.emplace_back(TimedAnswer::Clock::now(), std::string(scratch, n));
  }
  answer.complete = parser.is_done();
  return answer;
}

}  // namespace lift::testing_support
