#pragma once
// What API Gateway hands a function and how it reads the answer, for the local API Gateway:
// an HTTP request becomes an HTTP API (payload 2.0), REST API (payload 1.0) or WebSocket event
// in AWS's shapes, and the function's answer becomes the status, headers and body sent back.
// Pure functions, internal to lift_local (the unit tests include this header).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

namespace lift::local::detail {

using HeaderList = std::vector<std::pair<std::string, std::string>>;  // as received, in order

// One request as it arrived, with what API Gateway adds about it.
struct IncomingRequest {
  std::string method{};
  std::string target{};  // the request line's path and query, still percent-encoded
  HeaderList headers{};  // names as the client wrote them
  std::string body{};
  std::string source_ip{};
  std::string request_id{};
  std::chrono::system_clock::time_point time{};
  std::string domain_name{};  // "127.0.0.1:3000": the Host header, or where the server listens
  std::string stage{};
  std::string api_id = "1234567890";
  std::string account_id = "123456789012";
};

// The HTTP API (payload format 2.0) event: header names lower-cased and repeats joined with
// ",", Cookie headers moved to `cookies`, decoded query values joined with ",", body as text or
// base64 (is_binary_body), routeKey "$default".
boost::json::object http_api_event(const IncomingRequest& request);

// The REST API (payload format 1.0) event of a `/{proxy+}` resource: `headers` (the last value of
// each name) and `multiValueHeaders`, `queryStringParameters` and
// `multiValueQueryStringParameters` (null without a query), `pathParameters.proxy`.
boost::json::object rest_api_event(const IncomingRequest& request);

// What a WebSocket event is about, besides the handshake request.
struct WebSocketEventInfo {
  std::string route_key{};   // $connect, $disconnect, $default or a custom key
  std::string event_type{};  // CONNECT, MESSAGE or DISCONNECT
  std::string connection_id{};
  std::chrono::system_clock::time_point connected_at{};
  std::string message_id{};  // MESSAGE only
  int disconnect_code = 1005;  // DISCONNECT only
  std::string disconnect_reason{};
  std::string user_agent{};
};

// The WebSocket API event. CONNECT carries the handshake's headers and query; MESSAGE carries
// `body` (base64 with isBase64Encoded for a binary frame); DISCONNECT the close status.
boost::json::object websocket_event(const IncomingRequest& request, const WebSocketEventInfo& info, bool binary = false);

// The route a WebSocket message selects with `$request.body.action`: the string value of the
// body's "action" member, or "$default" when the body is not a JSON object with one.
std::string websocket_route(std::string_view body);

// Whether API Gateway would hand this body to the function base64-encoded: a content type that
// is not text (text/*, JSON, XML, JavaScript, form data, anything with a charset), or bytes that
// are not valid UTF-8 whatever the type says.
bool is_binary_body(std::string_view content_type, std::string_view body);

// What goes back to the client. A non-empty `problem` means the answer could not be read as
// API Gateway would: the client gets 502 and the problem is logged.
struct GatewayAnswer {
  int status = 200;
  HeaderList headers{};  // repeats allowed (Set-Cookie)
  std::string body{};
  std::string problem{};
};

// The HTTP API reading: {statusCode, headers, multiValueHeaders, cookies, body,
// isBase64Encoded}, or any JSON value without statusCode as a 200 application/json body (a
// JSON string gives its text).
GatewayAnswer http_api_answer(std::string_view payload);
// The REST reading: an object with an integer statusCode and no members besides statusCode,
// headers, multiValueHeaders, body (a string) and isBase64Encoded.
GatewayAnswer rest_api_answer(std::string_view payload);
// A streamed HTTP answer (application/vnd.awslambda.http-integration-response): a JSON prelude
// {statusCode, headers, cookies}, eight NUL bytes, then the body as it is.
GatewayAnswer streamed_answer(std::string_view payload);
// A failed answer with API Gateway's body ({"message":...}).
GatewayAnswer gateway_error(int status, std::string_view message, std::string problem = {});

}  // namespace lift::local::detail
