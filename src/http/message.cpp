#include "lift/http/message.hpp"
#include "lift/core/text.hpp"

#include <string>
#include <utility>

#include "request_parts.hpp"

namespace lift::http {

bool lists_token(std::string_view value, std::string_view token) noexcept {
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    auto item = value.substr(start, end - start);
    if (auto semi = item.find(';'); semi != std::string_view::npos) item = item.substr(0, semi);
    if (iequals(trim_blanks(item), token)) return true;
    start = end + 1;
  }
  return false;
}

void add_token(Headers& headers, std::string_view name, std::string_view token) {
  std::string joined;
  for (const auto& [field, value] : headers) {
    if (!iequals(field, name)) continue;
    if (lists_token(value, token)) return;
    const auto listed = trim_blanks(value);
    if (listed.empty()) continue;
    if (!joined.empty()) joined += ", ";
    joined += listed;
  }
  if (!joined.empty()) joined += ", ";
  joined += token;
  headers.set(name, joined);
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
