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
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"

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

// The deadline with budgets: a route or a tenant that must finish sooner than the invocation.
//
//   LIFT_TRY(timeouts, lift::mw::deadline({.routes = {{"GET /search", 800ms}},
//                                           .tenants = {{"free-tier", 2s}},
//                                           .tenant = lift::mw::tenant_of}));   // the principal's
//
// A request's budget is its tenant's when `tenants` names it, else its route's ("METHOD
// /pattern" first, then "/pattern" for any method), else none (the invocation's deadline, as
// above). With a budget, the calls a handler makes through the invocation's deadline
// (lift::InvocationDeadline: the AWS clients, lift::resilience::retry) are bounded by it too,
// and a handler that overran it answers 504 Timeout. A request with less than `margin` left in
// the invocation is refused as above.
struct DeadlineOptions {
  std::chrono::milliseconds margin{500};
  std::map<std::string, std::chrono::milliseconds, std::less<>> routes{};
  std::map<std::string, std::chrono::milliseconds, std::less<>> tenants{};
  // The caller's tenant; unset: the invocation's tenant id (Lambda's tenant isolation mode). A
  // request whose tenant cannot be told (an error) gets its route's budget.
  std::function<Result<std::string_view>(const Context&)> tenant{};
};
// InvalidConfiguration for a negative margin, a budget that is not over zero, or a route key
// that is not "[METHOD ]/pattern".
Result<Middleware> deadline(DeadlineOptions options);

// Conservative security headers for APIs (only where the handler did not set them):
// Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, Referrer-Policy,
// Content-Security-Policy, Cache-Control: no-store for error answers.
Middleware security_headers();

// gzip-compresses text answers of at least `min_bytes` when the request accepts gzip (the body
// becomes binary and is sent base64-encoded, as API Gateway requires).
Middleware compression(std::size_t min_bytes = 1024);

}  // namespace lift::mw
