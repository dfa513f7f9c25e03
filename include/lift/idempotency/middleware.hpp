#pragma once
// Idempotent HTTP routes and event records: a middleware over lift::idempotency::Idempotency
// (lift/idempotency/idempotency.hpp), for a group of routes or the whole app.
//
//   auto idem = lift::idempotency::Idempotency::create(lift::dynamodb(), {.table = "idempotency"});
//   auto writes = app.group("/payments");
//   writes.use(lift::idempotency::middleware(*idem));
//   writes.post("", create_payment);
//
// HTTP requests (POST, PUT, PATCH, DELETE; other methods pass through):
//   - the key is the `Idempotency-Key` header, or the values at `key_pointers` (JSON Pointers,
//     RFC 6901) in the JSON body; it is hashed into the record's id, scoped by method and route;
//   - no key: 400 IdempotencyKeyMissing (or the request passes through, `require_key = false`);
//     a key over the size limit or not UTF-8: 400 IdempotencyKeyInvalid;
//   - the first request runs; a 2xx answer is stored (status, headers, cookies, body); any other
//     answer or an error releases the key, so a retry runs again;
//   - a repeat gets the stored answer with `X-Idempotent-Replay: true`; the same key with another
//     body (or path) is 422 IdempotencyPayloadMismatch; the same key while the first is still
//     running elsewhere is 409 IdempotencyInProgress with `Retry-After` (a duplicate inside this
//     environment waits for the first instead and gets its answer);
//   - the store unreachable: 503 (the request does not run without its lock).
//   Streamed answers cannot be stored: such routes pass through.
//
// Event records (SQS, Kinesis, DynamoDB streams, ... handled per record by app.on<Source>): the
// key is the values at `key_pointers` in the record, else its identity (SQS `messageId`, a
// stream's `eventID`), else the whole record. A record that succeeded once is skipped when its
// batch is delivered again; one still in progress elsewhere fails (the source retries it later);
// a failed one runs again.
//
// Thread safety: the middleware is immutable and the Idempotency it uses is thread-safe.

#include <functional>
#include <string>
#include <vector>

#include "lift/app/middleware.hpp"
#include "lift/idempotency/idempotency.hpp"

namespace lift::idempotency {

// Header names are written in lower case, as the rest of lift writes them (HTTP/2 requires it).
inline constexpr std::string_view kReplayHeader = "x-idempotent-replay";

struct RouteOptions {
  // The request header that carries the key.
  std::string header = "Idempotency-Key";
  // JSON Pointers ("/order/id") into the body (HTTP) or the record (events) whose values make the
  // key; when set, the header is not read. A pointer that finds nothing adds null; when every one
  // finds nothing there is no key.
  std::vector<std::string> key_pointers{};
  // A request without a key: refused with 400 (true), or run without idempotency (false).
  bool require_key = true;
  // Whether the same HTTP key with another body or path is refused (422).
  bool validate_payload = true;
  // Whom a key belongs to (a tenant, a user): keys of different callers never meet, so one
  // tenant's key cannot replay another's answer. Its error (401, 403) is the request's answer.
  // Unset: keys are shared by every caller of the route, so whoever sends a key gets its stored
  // answer: set it on any route whose answers are not for everyone.
  std::function<Result<std::string>(const Context&)> caller{};
  // The scope in the record's id. Empty: "METHOD /route/pattern" for HTTP, the route's source
  // for records ("sqs"), so that routes never share keys.
  std::string scope{};
};

// Errors at start-up (InvalidConfiguration): a key pointer that is not a JSON Pointer, an empty
// header name.
Result<Middleware> make_middleware(Idempotency idempotency, RouteOptions options = {});
// make_middleware, throwing the configuration error as a lift::Error (which lift::run turns into
// Lambda's init error).
Middleware middleware(Idempotency idempotency, RouteOptions options = {});

}  // namespace lift::idempotency
