#include "wire.hpp"

#include <poll.h>

#include <algorithm>
#include <cctype>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

namespace lift::local::detail {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kReadChunk = 64 * 1024;

std::string_view find(const Fields& fields, std::string_view name) {
  for (const auto& [n, v] : fields) {
    if (boost::beast::iequals(n, name)) return v;
  }
  return {};
}

}  // namespace

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view WireRequest::header(std::string_view name) const { return find(headers, name); }
std::string_view WireRequest::trailer(std::string_view name) const { return find(trailers, name); }

bool read_request(boost::asio::ip::tcp::socket& socket, boost::beast::flat_buffer& buffer, WireRequest& request,
                  const std::function<std::size_t(const WireRequest&)>& body_limit,
                  const std::function<BodySink(const WireRequest&)>& body_sink) {
  // buffer_body: the body arrives in pieces, so a limit can drop the excess instead of
  // holding it, and a chunked body needs no special path.
  http::request_parser<http::buffer_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeaderBytes));
  parser.body_limit(kMaxDiscardedBody);
  boost::beast::error_code ec;
  http::read_header(socket, buffer, parser, ec);
  if (ec) return false;
  auto& message = parser.get();
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));

  if (boost::beast::iequals(message[http::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    boost::asio::write(socket, boost::asio::buffer(kContinue.data(), kContinue.size()), ec);
    if (ec) return false;
  }

  const std::size_t limit = body_limit(request);
  const BodySink sink = body_sink ? body_sink(request) : BodySink{};
  std::string chunk(kReadChunk, '\0');
  while (!parser.is_done()) {
    message.body().data = chunk.data();
    message.body().size = chunk.size();
    // read_some: a streamed body's piece is passed on when it arrives, not when 64 KiB have.
    http::read_some(socket, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return false;
    const std::size_t n = chunk.size() - message.body().size;
    request.body_bytes += n;
    if (request.body_bytes > limit) request.too_large = true;
    if (sink) {
      const std::size_t before = request.body_bytes - n;
      const std::size_t room = limit > before ? limit - before : 0;
      if (std::min(n, room) > 0) sink(std::string_view(chunk.data(), std::min(n, room)));
      continue;
    }
    const std::size_t room = limit > request.body.size() ? limit - request.body.size() : 0;
    request.body.append(chunk.data(), std::min(n, room));
  }

  // Beast adds trailer fields after the header fields (it keeps fields in the order they
  // came): what follows the headers is a trailer.
  std::size_t index = 0;
  for (const auto& field : message) {
    if (index++ < request.headers.size()) continue;
    request.trailers.emplace_back(lower(field.name_string()), std::string(field.value()));
  }
  request.keep_alive = message.keep_alive();
  return true;
}

bool write_response(boost::asio::ip::tcp::socket& socket, WireResponse& response, bool keep_alive) {
  http::response<http::string_body> message{static_cast<http::status>(response.status), 11};
  bool has_content_type = false;
  for (const auto& [name, value] : response.headers) {
    has_content_type = has_content_type || boost::beast::iequals(name, "content-type");
    message.insert(name, value);
  }
  if (!has_content_type) message.set(http::field::content_type, "application/json");
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive && !response.close);
  message.prepare_payload();
  boost::beast::error_code ec;
  http::write(socket, message, ec);
  return !ec;
}

bool peer_gone(int fd) {
  pollfd p{fd, POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace lift::local::detail
