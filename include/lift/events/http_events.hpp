#pragma once
// HTTP requests as the events AWS hands a function, one builder per shape: API Gateway HTTP
// APIs (payload 2.0, which Lambda function URLs send too), REST APIs (payload 1.0), WebSocket
// APIs and Application Load Balancers, from a plain description of the request. The local API
// Gateway behind `lift dev` builds its events with them, and so do the HTTP sources' sample
// events (lift/events/http_sources.hpp), so the two cannot drift apart.
//
//   events::HttpRequestDescription request;
//   request.method = "POST"; request.path = "/orders"; request.query = "page=2";
//   request.headers = {{"Content-Type", "application/json"}};
//   request.body = R"({"id":7})";
//   auto event = events::http_api_event(request);   // a boost::json::object
//
// Whatever bytes the description holds, the event is valid JSON: text in URI form (the raw
// path and query string, ALB's path and query) has each byte that starts no UTF-8 character
// percent-encoded (%FF), decoded text (header values, cookies, decoded paths and query
// parameters) has it replaced by U+FFFD, and a body that is not UTF-8 travels base64.

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/core/result.hpp"

namespace lift::events {

// Header name/value pairs in the order they came, names as the client wrote them; a name may
// repeat.
using HttpHeaderList = std::vector<std::pair<std::string, std::string>>;

// One HTTP request, and what the service that received it adds about it.
struct HttpRequestDescription {
  std::string method = "GET";
  std::string path = "/";  // percent-encoded, as on the request line
  std::string query{};     // the query string as sent (percent-encoded), without '?'
  HttpHeaderList headers{};
  std::string body{};  // the bytes
  std::string source_ip = "203.0.113.10";
  std::string request_id{};
  std::chrono::system_clock::time_point time{};
  std::string domain_name{};  // "abc123.execute-api.us-east-1.amazonaws.com", "127.0.0.1:3000"
  std::string stage = "$default";
  std::string api_id = "1234567890";
  std::string account_id = "123456789012";
};

// The HTTP API (payload format 2.0) event: header names lower-cased and repeats joined with
// ",", Cookie headers moved to `cookies`, decoded query values joined with ",", body as text or
// base64 (is_binary_body), routeKey "$default". A function URL's event is this one with its
// domain and account ("anonymous" without IAM auth).
boost::json::object http_api_event(const HttpRequestDescription& request);

// The REST API (payload format 1.0) event of a `/{proxy+}` resource (`/` for the root):
// `headers` (the last value of each name) and `multiValueHeaders`, `queryStringParameters` and
// `multiValueQueryStringParameters` (null without a query), `pathParameters.proxy`, the path
// decoded.
boost::json::object rest_api_event(const HttpRequestDescription& request);

// The Application Load Balancer event of a target group in single-value mode (the default):
// header names lower-cased, the last value of a repeated header or query parameter, query names
// and values as sent (still percent-encoded), the path as sent, body "" when there is none.
boost::json::object alb_event(const HttpRequestDescription& request, std::string_view target_group_arn);

// What a WebSocket event is about, besides the handshake request.
struct WebSocketEventInfo {
  std::string route_key{};   // $connect, $disconnect, $default or a custom key
  std::string event_type{};  // CONNECT, MESSAGE or DISCONNECT
  std::string connection_id{};
  std::chrono::system_clock::time_point connected_at{};
  std::string message_id{};    // MESSAGE only
  int disconnect_code = 1005;  // DISCONNECT only
  std::string disconnect_reason{};
  std::string user_agent{};
};

// The WebSocket API event. CONNECT carries the handshake's headers and query; MESSAGE carries
// the request's body (base64 with isBase64Encoded for a binary frame); DISCONNECT the handshake's
// headers and the close status.
boost::json::object websocket_event(const HttpRequestDescription& request, const WebSocketEventInfo& info, bool binary = false);

// Whether API Gateway would hand this body to the function base64-encoded: a content type that
// is not text (text/*, JSON, XML, JavaScript, form data, anything with a charset), or bytes that
// are not valid UTF-8 whatever the type says.
bool is_binary_body(std::string_view content_type, std::string_view body);

// Whether `text` is an HTTP token (RFC 9110 section 5.6.2): what a method or a header name is.
bool is_http_token(std::string_view text) noexcept;

// The first value of the header `name` (compared without regard to ASCII case); "" when absent.
std::string_view header_value(const HttpHeaderList& headers, std::string_view name) noexcept;

// ---- sample requests ----

// A request from the options of an HTTP source's sample: `path` (decoded text, starting with
// '/') percent-encoded, `query` entries "name=value" encoded into the query string, the
// `headers` entries "Name: value" (or "Name=value") after `defaults`, each replacing the
// defaults of its name (compared without regard to case). Bad entries: "InvalidSample".
Result<HttpRequestDescription> sample_request(std::string method, std::string_view path, const std::vector<std::string>& query,
                                              const std::vector<std::string>& headers, HttpHeaderList defaults);

}  // namespace lift::events
