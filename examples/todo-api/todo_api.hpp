#pragma once
// examples/todo-api: the routes and their storage, apart from main() so that tests build the
// same app in-process.
//
//   POST   /todos            {"title", "priority"?}  -> 201 Todo (ETag: "<version>")
//   GET    /todos?limit&cursor                        -> 200 {"items":[...], "next_cursor"?}, newest first
//   GET    /todos/:id                                 -> 200 Todo | 404
//   PATCH  /todos/:id  If-Match: <version>            -> 200 Todo (version + 1) | 404 | 409 stale | 428
//   DELETE /todos/:id  [If-Match: <version>]          -> 204 | 404 | 409 stale
//   GET    /health/live, /health/ready, /health       -> the health endpoints (add_health)
//
// With a JWT verifier every route but the liveness and readiness probes needs a bearer token whose tenant_id claim scopes the data:
// a tenant never sees, lists, changes or deletes another tenant's todos (they are 404 to it).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/idempotency/idempotency.hpp"
#include "lift/json/validation.hpp"
#include "lift/lift.hpp"
#include "lift/middleware/observability.hpp"
#include "lift/security/verifier.hpp"

namespace todo_api {

using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;

// What clients send and receive.
struct CreateTodo {
  std::string title;
  std::optional<std::int64_t> priority;
};
BOOST_DESCRIBE_STRUCT(CreateTodo, (), (title, priority))

struct UpdateTodo {
  std::optional<std::string> title;
  std::optional<std::int64_t> priority;
  std::optional<bool> done;
};
BOOST_DESCRIBE_STRUCT(UpdateTodo, (), (title, priority, done))

struct Todo {
  std::string id;
  std::string title;
  std::int64_t priority = 0;
  bool done = false;
  std::int64_t version = 0;
  Timestamp created_at{};
  Timestamp updated_at{};
};
BOOST_DESCRIBE_STRUCT(Todo, (), (id, title, priority, done, version, created_at, updated_at))

struct TodoPage {
  std::vector<Todo> items;
  std::optional<std::string> next_cursor;
};
BOOST_DESCRIBE_STRUCT(TodoPage, (), (items, next_cursor))

inline void lift_rules(lift::json::Rules<CreateTodo>& r) {
  r.field(&CreateTodo::title).required().length(1, 200);
  r.field(&CreateTodo::priority).min(0).max(100);
}
inline void lift_rules(lift::json::Rules<UpdateTodo>& r) {
  r.field(&UpdateTodo::title).length(1, 200);
  r.field(&UpdateTodo::priority).min(0).max(100);
}

struct Options {
  std::string table = "todos";
  // Null: no authentication (every request is the "default" tenant).
  std::shared_ptr<const lift::security::JwtVerifier> verifier{};
  // Create the table on first use. Unset: when the client is local (the embedded engine, a
  // loopback endpoint), never against AWS.
  std::optional<bool> create_table{};
  // Signs the list's cursors, so that a client cannot make one up (see dynamorm/table.hpp).
  std::string cursor_key{};
  // Makes POST /todos honour an `Idempotency-Key` header (per tenant): a retry with the same key
  // and body answers the first todo again, with `X-Idempotent-Replay: true`; the same key with
  // another body is 422. Unset: keys are ignored.
  std::optional<lift::idempotency::Idempotency> idempotency{};
  // Where request logs and metrics go; null: none.
  lift::mw::Observability* observability = nullptr;
  // The limit on writes (write_limit below); empty: none.
  lift::Middleware write_limit{};
};

// A per-tenant limit on writes (POST, PATCH and DELETE together): `per_minute` a minute per
// tenant (per caller without authentication), a DynamoDB sliding window in `table` (partition
// key "pk", TTL attribute "ttl"), created when `create_table` says so (unset: when the client is
// local). Over it, 429 with Retry-After; every write carries the RateLimit-* headers. The store
// failing lets writes through (logged, counted). InvalidConfiguration for a per_minute below 1.
lift::Result<lift::Middleware> write_limit(lift::aws::DynamoDbClient& db, std::int64_t per_minute, std::string table,
                                           std::optional<bool> create_table = {});

// Adds the middleware and routes to `app`. `db` must outlive the app.
void add_routes(lift::App& app, lift::aws::DynamoDbClient& db, Options options);

// Stores `count` todos ("todo 1" ... "todo N") for the unauthenticated tenant, creating the table
// first: a local table (the embedded engine) starts empty in every process, and benchmarks and
// demos of the list need some. InvalidConfiguration against a non-local endpoint (seeding is never
// something to do to a deployed table) or for a count outside 1..10000.
lift::Result<void> seed(lift::aws::DynamoDbClient& db, const Options& options, std::int64_t count);

// Adds /health/live, /health/ready and /health, with a check of the table (DescribeTable; where
// the table is made on first use, readiness makes it first, so that a fresh local function is
// ready before its first write), and of the breaker "dynamodb" (lift::use_dynamodb_breaker): open
// fails readiness (503 naming it). `db` null: lift::dynamodb(). InvalidConfiguration for an empty
// table name.
lift::Result<void> add_health(lift::App& app, std::shared_ptr<lift::aws::DynamoDbClient> db, const Options& options);

}  // namespace todo_api
