#pragma once
// The HTTP request and response every HTTP-shaped event becomes, whatever carried it (API
// Gateway REST or HTTP API, ALB, Function URL, WebSocket, the local dev server). Adapters
// (adapters.hpp) convert events to Request and Response back to the event's answer shape.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lift/http/fields.hpp"

namespace lift::http {

// What carried the request; the response goes back in the same shape.
enum class Source {
  api_gateway_rest,  // API Gateway REST API, payload format 1.0
  api_gateway_http,  // API Gateway HTTP API, payload format 2.0
  alb,               // Application Load Balancer target group
  function_url,      // Lambda function URL (payload format 2.0, no stage)
  websocket,         // API Gateway WebSocket API
  direct,            // built in code or by the local dev server
};

std::string_view to_string(Source source) noexcept;

// What a WebSocket API message is about (requestContext).
struct WebSocketRequest {
  std::string route_key;      // $connect, $disconnect, $default or a custom route key
  std::string connection_id;  // the connection, for the Management API
  std::string event_type;     // CONNECT, DISCONNECT or MESSAGE

  friend bool operator==(const WebSocketRequest&, const WebSocketRequest&) = default;
};

// What an Application Load Balancer request says of its target group.
struct AlbRequest {
  std::string target_group_arn;  // requestContext.elb.targetGroupArn
  bool multi_value = false;      // multi-value headers are on, so the answer must use them too

  friend bool operator==(const AlbRequest&, const AlbRequest&) = default;
};

struct Request {
  std::string method;    // upper-case: GET, POST, ... (WebSocket messages use POST)
  std::string path;      // percent-decoded, stage prefix removed for API Gateway
  std::string raw_path;  // as received, still encoded
  Headers headers;       // every value; single- and multi-value event fields merged
  QueryParams query;     // decoded; repeated keys keep every value in order
  Cookies cookies;       // from the Cookie header(s) or HTTP API's `cookies`
  std::string body;      // base64 already decoded
  PathParams params;     // from the route pattern, percent-decoded (filled by the router)
  std::string source_ip; // requestContext's identity/http source IP, else X-Forwarded-For's first
  std::string stage;     // API Gateway stage; empty elsewhere
  std::string request_id;  // requestContext.requestId (API Gateway); empty elsewhere
  Source source = Source::direct;

  // What only one source carries: the WebSocket connection, the ALB target group.
  std::variant<std::monostate, WebSocketRequest, AlbRequest> source_details;

  // The WebSocket message's connection and route (null for other sources).
  [[nodiscard]] const WebSocketRequest* websocket() const noexcept { return std::get_if<WebSocketRequest>(&source_details); }
  // The ALB target group (null for other sources).
  [[nodiscard]] const AlbRequest* alb() const noexcept { return std::get_if<AlbRequest>(&source_details); }

  // Convenience lookups.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept { return headers.get(name); }
  [[nodiscard]] std::optional<std::string_view> query_param(std::string_view name) const noexcept { return query.get(name); }
  [[nodiscard]] std::optional<std::string_view> cookie(std::string_view name) const noexcept { return cookies.get(name); }
  [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const noexcept { return params.get(name); }

  // Back to a default Request, keeping the buffers for the next one.
  void clear() noexcept;
};

struct Response {
  int status = 200;
  Headers headers;
  std::vector<std::string> cookies;  // Set-Cookie values, one cookie each
  std::string body;                  // raw bytes
  bool binary = false;               // body is not text: adapters send it base64-encoded

  // Builders: `return Response::json(201, body).header("Location", url);`
  static Response json(int status, std::string body);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response bytes(int status, std::string body, std::string content_type = "application/octet-stream");
  static Response empty(int status);

  Response& header(std::string_view name, std::string_view value) & {
    headers.add(name, value);
    return *this;
  }
  Response&& header(std::string_view name, std::string_view value) && { return std::move(header(name, value)); }
  Response& cookie(std::string set_cookie) & {
    cookies.push_back(std::move(set_cookie));
    return *this;
  }
  Response&& cookie(std::string set_cookie) && { return std::move(cookie(std::move(set_cookie))); }

  // Back to an empty 200, keeping the buffers for the next one.
  void clear() noexcept;
};

}  // namespace lift::http
