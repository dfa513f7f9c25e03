#pragma once
// Adapters between AWS's HTTP-shaped events and lift::http::Request / Response.
//
// In: API Gateway REST (payload 1.0), HTTP API (2.0), ALB (single- or multi-value headers),
// Function URL and WebSocket events become one Request:
//  - `method` upper-case; `path` percent-decoded with the API Gateway stage prefix removed
//    (HTTP API `rawPath` starts with "/<stage>" for named stages; REST `path` never does);
//    `raw_path` the same path still percent-encoded (REST sends it decoded: it is re-encoded).
//  - headers from `headers` and `multiValueHeaders` merged (multi-value wins, no duplicates);
//    query from `queryStringParameters`/`multiValueQueryStringParameters` (ALB values arrive
//    encoded and are decoded) or HTTP API's `rawQueryString` (repeats kept in order, '+' is a
//    space); cookies from HTTP API's `cookies` else the Cookie header(s); body base64-decoded
//    when `isBase64Encoded` (a body so marked that is not base64, as in hand-written test
//    events, is kept as sent); source IP from requestContext, else X-Forwarded-For's first entry.
//  - `null` where an object usually is (API Gateway's console test) reads as empty.
//  - WebSocket: method "POST", path "/" + route key ("/$connect", "/$disconnect", "/$default",
//    "/sendMessage"), so `app.post("/$connect", ...)` or `app.websocket("$connect", ...)` route
//    them; request.websocket() names the route key, the connection and the event type.
//
// Out: the Response in the shape the request came in (see response_to_event). A body that is
// marked binary or is not valid UTF-8 is sent base64-encoded with isBase64Encoded true.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

#include "lift/core/result.hpp"
#include "lift/events/detect.hpp"
#include "lift/events/http_sources.hpp"
#include "lift/http/message.hpp"

namespace lift::http {

// REST, HTTP API, ALB, Function URL and WebSocket events.
[[nodiscard]] bool is_http(events::Kind kind) noexcept;

// The source an HTTP event kind answers as (Source::direct for the others).
[[nodiscard]] Source source_of(events::Kind kind) noexcept;
// The inverse: the event kind a source stands for (a direct request counts as an HTTP API one).
[[nodiscard]] events::Kind kind_of(Source source) noexcept;

// The fast path for the most common event: an API Gateway HTTP API or Function URL event
// (payload 2.0) read from its JSON text straight into a Request, without building a DOM. It
// answers only for text that events::detect would classify so and that is well-formed; for
// anything else (other kinds, members such events do not have, wrong types, duplicate keys,
// invalid JSON) it gives nullopt, and the DOM path (parse, detect, request_from_event) gives
// the same Request or the precise error.
std::optional<Request> read_http_api_event(std::string_view json);
// The same into `out`, a default-constructed Request (the caller's, so nothing is moved);
// false where the above gives nullopt, and `out` is then to be discarded.
bool read_http_api_event(std::string_view json, Request& out);

// Event → Request. A malformed event (a required field missing or of the wrong type, an invalid
// percent-encoding in the path or query, a kind that is not HTTP) is Error{"InvalidEvent", "<field>: <problem>", 400}.
Result<Request> request_from_event(const boost::json::value& event, events::Kind kind);
Result<Request> request_from_event(const boost::json::value& event);  // detects the kind first

// Response → the answer Lambda expects for `request.source`:
//  REST:          {statusCode, headers, multiValueHeaders, body, isBase64Encoded}; names with
//                 several values and Set-Cookie go to multiValueHeaders
//  HTTP API, URL, direct: {statusCode, headers (repeats joined with ", "), cookies, body, isBase64Encoded}
//  ALB:           {statusCode, statusDescription "200 OK", headers or multiValueHeaders (the
//                 request's mode), body, isBase64Encoded}; single-value mode can carry one
//                 Set-Cookie only, so only the first cookie is sent there
//  WebSocket:     {statusCode, headers, body, isBase64Encoded}
[[nodiscard]] boost::json::value response_to_event(const Response& response, const Request& request);
// The same answer as JSON text, written directly (what the runtime sends).
[[nodiscard]] std::string serialize_response(const Response& response, const Request& request);

// The headers and cookies of a response as a Function URL or an HTTP API answer carries them:
// one value per name (repeats joined with ", "), every Set-Cookie (header or cookie) among the
// cookies. What the prelude of a streamed HTTP answer holds.
struct SingleValueFields {
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> cookies;
};
[[nodiscard]] SingleValueFields single_value_fields(const Response& response);

// "OK", "Not Found", ... for a status code ("" when unknown).
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

}  // namespace lift::http
