#pragma once
// The standard middleware. Each returns a lift::Middleware for app.use() or group.use():
//
//   app.use(lift::mw::request_id(), lift::mw::access_log(), lift::mw::recover(),
//           lift::mw::cors({.allow_origins = {"https://app.example.com"}}),
//           lift::mw::body_limit(1 << 20), lift::mw::security_headers());
//
// Order matters the usual onion way: the first one registered is the outermost.
//
// Thread safety: each returns a Middleware that keeps only its settings; lift::run(app) calls it
// from every worker at once, and what it knows of a request lives in that request's Context.
//
// On a streaming route (lift::stream) the status and headers leave with the first piece of the
// body, before next() returns: request_id, cors and security_headers then add their headers on
// the way in; compression leaves a streamed body alone.

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "lift/app/middleware.hpp"

namespace lift::mw {

// Turns an exception thrown further in into a 500 InternalError (logged with its type and
// message, never shown to the caller), so outer middleware still see a normal error.
Middleware recover();

// Gives every request an id: the incoming `header` when present and sane (printable, at most
// 128 bytes), else the Lambda request id, else a new UUID. From then on it is what
// ctx.request_id() returns (error bodies and logs carry it), and it is echoed in the response
// header.
Middleware request_id(std::string header = "x-request-id");

// One JSON line per request on `out` (stdout by default): method, path, route, status,
// duration_ms, request_id, source_ip, user_agent. One write per line.
Middleware access_log(std::FILE* out = stdout);

struct CorsOptions {
  std::vector<std::string> allow_origins{"*"};  // exact origins, or "*"
  std::vector<std::string> allow_methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  std::vector<std::string> allow_headers{"content-type", "authorization", "x-request-id"};
  std::vector<std::string> expose_headers{};
  bool allow_credentials = false;  // with "*" origins the request's origin is echoed instead
  std::chrono::seconds max_age{600};
};
// Answers preflights (OPTIONS with Origin and Access-Control-Request-Method) with 204 before
// routing, and adds the CORS headers to every answer to an allowed origin (errors included).
Middleware cors(CorsOptions options = {});

// Refuses bodies larger than `max_bytes` with 413 PayloadTooLarge before the handler runs.
Middleware body_limit(std::size_t max_bytes);

// Refuses to start a handler with less than `margin` of the invocation left (504 Timeout), so
// work that cannot finish is not begun, and fails a handler that overran the deadline.
Middleware deadline(std::chrono::milliseconds margin = std::chrono::milliseconds(500));

// Conservative security headers for APIs (only where the handler did not set them):
// Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, Referrer-Policy,
// Content-Security-Policy, Cache-Control: no-store for error answers.
Middleware security_headers();

// gzip-compresses text answers of at least `min_bytes` when the request accepts gzip (the body
// becomes binary and is sent base64-encoded, as API Gateway requires).
Middleware compression(std::size_t min_bytes = 1024);

}  // namespace lift::mw
