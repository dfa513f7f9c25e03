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
// (of an absolute-form target too) and query.
events::HttpRequestDescription description_of(const IncomingRequest& request);

// The events of `request` (lift/events/http_events.hpp says what each holds).
boost::json::object http_api_event(const IncomingRequest& request);
boost::json::object rest_api_event(const IncomingRequest& request);
boost::json::object websocket_event(const IncomingRequest& request, const WebSocketEventInfo& info, bool binary = false);

// The route a WebSocket message selects with `$request.body.action`: the string value of the
// body's "action" member, or "$default" when the body is not a JSON object with one.
std::string websocket_route(std::string_view body);

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
