#pragma once
// What API Gateway hands a function and how it reads the answer, for the local API Gateway:
// an HTTP request becomes an HTTP API (payload 2.0), REST API (payload 1.0) or WebSocket event
// in AWS's shapes (built by the events layer's builders, lift/events/http_events.hpp, which the
// HTTP sources' sample events use too), and the function's answer becomes the status, headers
// and body sent back. Pure functions, internal to lift_local (the unit tests include this
// header).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/events/http_events.hpp"

namespace lift::local::detail {

using HeaderList = events::HttpHeaderList;  // as received, in order
using events::is_binary_body;
using events::WebSocketEventInfo;

// One request as it arrived, with what API Gateway adds about it: its path and query are those
// of `target`, as the request line has them (the description's own path and query are unused).
struct IncomingRequest : events::HttpRequestDescription {
  std::string target{};  // the request line's path and query, still percent-encoded
};

// The request as the events layer's builders take it: the target split into its encoded path
// (of an absolute-form target too) and query. By value: a request given up is not copied.
events::HttpRequestDescription description_of(IncomingRequest request);

// The events of `request` (lift/events/http_events.hpp says what each holds).
boost::json::object http_api_event(IncomingRequest request);
boost::json::object rest_api_event(IncomingRequest request);
boost::json::object websocket_event(IncomingRequest request, const WebSocketEventInfo& info, bool binary = false);

// The route a WebSocket message selects with `$request.body.action`: the string value of the
// body's "action" member, or "$default" when the body is not a JSON object with one.
std::string websocket_route(std::string_view body);

// What goes back to the client. A non-empty `problem` means the answer could not be read as
// API Gateway would: the client gets 502 and the problem is logged. A `notice` is logged too,
// but the answer goes out (what was changed to make it one).
struct GatewayAnswer {
  int status = 200;
  HeaderList headers{};  // repeats allowed (Set-Cookie)
  std::string body{};
  std::string problem{};
  std::string notice{};
};

// The most bytes of header names and values (4 more per header) an answer may have.
inline constexpr std::size_t kMaxAnswerHeaderBytes = 64 * 1024;

// The HTTP API reading: {statusCode, headers, multiValueHeaders, cookies, body,
// isBase64Encoded}, or any JSON value without statusCode as a 200 application/json body (a
// JSON string gives its text). Every reading makes an answer HTTP/1.1 can carry: a status of
// 200-599 (1xx is malformed), header names that are tokens and at most kMaxAnswerHeaderBytes
// of headers (malformed otherwise), control characters dropped from header values, and no
// body for 204 and 304 (dropped, with a notice).
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
