#pragma once
// The process's DynamoDB client, and DynamORM tables bound to the request being handled.
//
//   struct Order { std::string id, item; int quantity = 0; };            // described
//   const lift::RequestTable<Order> orders(
//       lift::dynamorm::Model<Order>(lift::env_or("ORDERS_TABLE", "orders")).partition_key(&Order::id));
//   app.get("/orders/:id", [&](lift::Context& ctx) -> lift::Result<Order> {
//     auto table = orders.for_request(ctx);     // the invocation's deadline and caller's tenant
//     if (!table) return std::move(table).error();
//     return table->get(std::string(*ctx.param("id")));
//   });
//
// lift::dynamodb() is made on first use from the environment and kept for the life of the
// process, so every invocation and every worker shares one connection pool and one credentials
// cache:
//   LIFT_DYNAMODB_ENDPOINT unset      DynamoDB in AWS_REGION (credentials as the AWS SDKs find them)
//   LIFT_DYNAMODB_ENDPOINT=memory:    the embedded engine (in-process; tests and `make demo`)
//   LIFT_DYNAMODB_ENDPOINT=http://... a local DynamoDB (dynalite, DynamoDB Local)
// and behind a circuit breaker (the registry's "dynamodb") when lift::use_dynamodb_breaker() was
// called before its first use, or when LIFT_DYNAMODB_BREAKER is set (which wins, so operators
// can tune or turn it off without a build):
//   LIFT_DYNAMODB_BREAKER=on                                       the breaker's defaults
//   LIFT_DYNAMODB_BREAKER=failure_rate=50%,window=20,min_calls=5,open_for=5s
//   LIFT_DYNAMODB_BREAKER=off                                      no breaker, whatever the code says
// (every option: lift::resilience::parse_breaker_options). While it is open, every call fails at
// once with CircuitOpen (503, the one error body) instead of waiting for timeouts.
// Part of lift::lift (target lift::database); a function that never calls it links none of it.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "lift/app/context.hpp"
#include "lift/app/errors.hpp"
#include "lift/aws/deadline.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/core/env.hpp"
#include "lift/core/result.hpp"
#include "lift/dynamorm/table.hpp"
#include "lift/dynamorm/tenant.hpp"
#include "lift/resilience/circuit_breaker.hpp"

namespace lift {

// A configuration that cannot work (an endpoint that is neither memory: nor an http(s) URL) is
// a deployment mistake, not a request's: it throws std::runtime_error naming the variable, which
// at init becomes Lambda's init error and in a handler a 500 through the recover middleware.
aws::DynamoDbClient& dynamodb();

// Puts the process's client behind the breaker "dynamodb" (lift::aws::service_breaker: refused
// connections, timeouts, 5xx and throttling count; 4xx answers such as ConditionalCheckFailed do
// not). One line in the app's factory, before anything uses lift::dynamodb():
//   LIFT_TRY_VOID(lift::use_dynamodb_breaker({.minimum_calls = 5, .open_duration = std::chrono::seconds(5)}));
// InvalidConfiguration when `options` cannot work, or when the client was already made without
// a breaker (too late to add one); called again once it has one: ok, the first options stay.
Result<void> use_dynamodb_breaker(resilience::CircuitBreakerOptions options = {});

// Whether LIFT_DYNAMODB_ENDPOINT names the embedded engine or a loopback endpoint, where a
// function may create the tables it needs on first use (never against AWS).
[[nodiscard]] bool dynamodb_is_local();
// The same for a client: the embedded engine, or an http:// endpoint on a loopback address.
[[nodiscard]] bool dynamodb_is_local(const aws::DynamoDbClient& client);

struct RequestTableOptions {
  // Where the caller's tenant comes from, for a model with a tenant member:
  // lift::mw::tenant_of (lift/middleware/auth.hpp) for the principal of jwt_auth, api_key_auth
  // or gateway_principal. Unset: the invocation's tenant id (Lambda's tenant isolation mode).
  // A tenant DynamORM cannot scope by (lift/dynamorm/tenant.hpp) is refused with 403.
  std::function<Result<std::string_view>(const Context&)> tenant{};
  // Create the table (keys and indexes from the model) on first use. Unset: when the client is
  // local (dynamodb_is_local), never against AWS, where the table is deployed with the function.
  std::optional<bool> create_table{};
  // Signs the table's cursors (dynamorm::Table::with_cursor_key). Unset: LIFT_CURSOR_KEY when
  // it is set, else unsigned cursors (the Go SDK's text).
  std::optional<std::string> cursor_key{};
  // Seals the model's encrypted members (dynamorm::Table::with_encryption). Unset: a model with
  // encrypted members fails closed (DynamORM.EncryptionNotConfigured).
  std::shared_ptr<const dynamorm::KeyProvider> keys{};
};

namespace detail {

// Runs `create` until it succeeds once, one caller at a time; later calls return at once. A
// failure is returned, and the next call tries again.
class CreateOnce {
 public:
  Result<void> run(const std::function<Result<void>()>& create);

 private:
  std::mutex mutex_;
  std::atomic<bool> done_{false};
};

std::string cursor_key_from(const RequestTableOptions& options);

// The deadline of a call made for this request: the invocation's less a margin; nullopt
// outside an invocation (the table's default then applies).
inline std::optional<std::chrono::steady_clock::time_point> request_deadline(const Context& ctx) {
  if (!ctx.has_invocation() || ctx.invocation().deadline == std::chrono::system_clock::time_point{}) return std::nullopt;
  return aws::call_deadline(std::chrono::steady_clock::now() + ctx.invocation().remaining());
}

// The caller's tenant, from the options' source (else Lambda's tenant id), checked.
inline Result<std::string> request_tenant(const Context& ctx, const RequestTableOptions& options) {
  std::string tenant;
  if (options.tenant) {
    auto from = options.tenant(ctx);
    if (!from) return std::move(from).error();
    tenant = std::string(*from);
  } else if (ctx.has_invocation() && !ctx.invocation().tenant_id.empty()) {
    tenant = ctx.invocation().tenant_id;
  } else {
    // The function's mistake (a tenant-scoped table without a tenant source), not the caller's.
    return errors::internal("the request names no tenant");
  }
  if (!dynamorm::is_valid_tenant_id(tenant))
    return errors::forbidden("the credentials name no usable tenant (" + std::string(dynamorm::kTenantIdRule) + ")");
  return tenant;
}

}  // namespace detail

// A DynamORM table made once (at init) and bound to each request with for_request(ctx): one
// call instead of a tenant lookup, a deadline and a create-once flag in every handler.
// Thread safety: thread-safe; copies share the create-once state (taken once, whichever worker
// comes first).
template <class T>
class RequestTable {
 public:
  // Over the process's client, lift::dynamodb().
  explicit RequestTable(dynamorm::Model<T> model, RequestTableOptions options = {})
      : RequestTable(dynamodb(), std::move(model), std::move(options)) {}
  // Over `client`, which must outlive the table.
  RequestTable(aws::DynamoDbClient& client, dynamorm::Model<T> model, RequestTableOptions options = {})
      : table_(dynamorm::Table<T>(client, std::move(model)).with_cursor_key(detail::cursor_key_from(options)).with_encryption(options.keys)),
        create_(options.create_table.value_or(dynamodb_is_local(client))),
        options_(std::move(options)) {}

  // The table as this request sees it: scoped to the caller's tenant when the model has a tenant
  // member (401/403 from the tenant source, 403 for a tenant that cannot scope data), every call
  // bounded by the invocation's deadline less a margin, created on first use when local.
  [[nodiscard]] Result<dynamorm::Table<T>> for_request(const Context& ctx) const {
    if (create_) {
      if (auto made = once_->run([this] { return table_.create_table(/*if_not_exists=*/true); }); !made) return std::move(made).error();
    }
    dynamorm::Table<T> table = table_;
    if (table_.model().schema().tenant) {
      auto tenant = detail::request_tenant(ctx, options_);
      if (!tenant) return std::move(tenant).error();
      auto scoped = table_.for_tenant(std::move(*tenant));
      if (!scoped) return std::move(scoped).error();
      table = std::move(*scoped);
    }
    if (const auto deadline = detail::request_deadline(ctx)) table = table.with_deadline(*deadline);
    return table;
  }

  // The table unbound: no tenant scope, the default deadline (for init and tools).
  [[nodiscard]] const dynamorm::Table<T>& table() const noexcept { return table_; }

 private:
  dynamorm::Table<T> table_;
  bool create_;
  RequestTableOptions options_;
  std::shared_ptr<detail::CreateOnce> once_ = std::make_shared<detail::CreateOnce>();
};

}  // namespace lift
