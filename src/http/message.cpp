#include "lift/http/message.hpp"

#include <utility>

namespace lift::http {

bool detail::iequals_same_size(std::string_view a, std::string_view b) noexcept {
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]);
    auto y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z') return false;
  }
  return true;
}

std::string_view to_string(Source source) noexcept {
  switch (source) {
    case Source::api_gateway_rest: return "apigw-rest";
    case Source::api_gateway_http: return "apigw-http";
    case Source::alb: return "alb";
    case Source::function_url: return "function-url";
    case Source::websocket: return "apigw-websocket";
    case Source::direct: return "direct";
  }
  return "direct";
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.add("content-type", "application/json");
  r.body = std::move(body);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.add("content-type", content_type);
  r.body = std::move(body);
  return r;
}

Response Response::bytes(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.add("content-type", content_type);
  r.body = std::move(body);
  r.binary = true;
  return r;
}

void Request::clear() noexcept {
  method.clear();
  path.clear();
  raw_path.clear();
  headers.clear();
  query.clear();
  cookies.clear();
  body.clear();
  params.clear();
  source_ip.clear();
  stage.clear();
  request_id.clear();
  source = Source::direct;
  source_details = std::monostate{};
}

void Response::clear() noexcept {
  status = 200;
  headers.clear();
  cookies.clear();
  body.clear();
  binary = false;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  return r;
}

}  // namespace lift::http
