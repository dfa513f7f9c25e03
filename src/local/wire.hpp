#pragma once
// HTTP/1.1 on one server-side connection, with every size bounded: the request (headers,
// body, trailers) as plain strings, and a response written back. Internal to lift_local.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace lift::local::detail {

using Fields = std::vector<std::pair<std::string, std::string>>;  // lower-case names, in order

struct WireRequest {
  std::string method;
  std::string target;
  Fields headers;
  Fields trailers;  // fields after a chunked body
  std::string body;  // at most the limit given to read_request
  std::size_t body_bytes = 0;  // what the client sent, kept or not
  bool too_large = false;  // body_bytes passed the limit: body holds only its start
  bool keep_alive = true;

  // The first header (or trailer) of that name (case-insensitive); empty when absent.
  [[nodiscard]] std::string_view header(std::string_view name) const;
  [[nodiscard]] std::string_view trailer(std::string_view name) const;
};

// Bounds that hold for every connection.
inline constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// A body past its limit is still read (and dropped) up to this size so the client gets its
// 413 instead of a reset connection; past it the connection is closed.
inline constexpr std::size_t kMaxDiscardedBody = 64 * 1024 * 1024;

// Reads one request. `body_limit` sees the method, target and headers and says how much of
// the body to keep. False when the connection is closed, broken or not speaking HTTP.
// `body_sink`, when it gives a function for the request (it sees the same), receives the kept
// part of the body piece by piece as it arrives instead of `request.body`.
using BodySink = std::function<void(std::string_view piece)>;
bool read_request(boost::asio::ip::tcp::socket& socket, boost::beast::flat_buffer& buffer, WireRequest& request,
                  const std::function<std::size_t(const WireRequest&)>& body_limit,
                  const std::function<BodySink(const WireRequest&)>& body_sink = {});

struct WireResponse {
  int status = 200;
  std::string body;
  Fields headers;
  bool close = false;
};

// Writes a response (application/json unless headers say otherwise), moving its body out;
// false on failure.
bool write_response(boost::asio::ip::tcp::socket& socket, WireResponse& response, bool keep_alive);

// Whether the peer has closed or reset the connection, without reading from it.
bool peer_gone(int fd);

std::string lower(std::string_view text);

}  // namespace lift::local::detail
