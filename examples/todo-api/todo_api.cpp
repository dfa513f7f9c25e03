#include "todo_api.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "lift/app/database.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/aws/protection.hpp"
#include "lift/core/uuid.hpp"
#include "lift/dynamorm/errors.hpp"
#include "lift/dynamorm/table.hpp"
#include "lift/health/health.hpp"
#include "lift/idempotency/middleware.hpp"
#include "lift/middleware/auth.hpp"
#include "lift/ratelimit/dynamodb.hpp"
#include "lift/ratelimit/middleware.hpp"
#include "lift/resilience/errors.hpp"

namespace todo_api {

namespace {

namespace dynamorm = lift::dynamorm;

// How a todo is stored: every todo of a tenant in one partition ("TODO", prefixed with the
// tenant by the mapper), sorted by a time-ordered id, so "newest first" is one descending Query.
struct TodoRecord {
  std::string list = "TODO";
  std::string id;
  std::string title;
  std::int64_t priority = 0;
  bool done = false;
  std::int64_t version = 0;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::string tenant;
};
BOOST_DESCRIBE_STRUCT(TodoRecord, (), (list, id, title, priority, done, version, created_at, updated_at, tenant))

constexpr std::string_view kList = "TODO";
constexpr std::string_view kDefaultTenant = "default";
constexpr std::int32_t kDefaultLimit = 25;

dynamorm::Model<TodoRecord> todo_model(std::string table) {
  return dynamorm::Model<TodoRecord>(std::move(table))
      .partition_key(&TodoRecord::list, "PK")
      .sort_key(&TodoRecord::id, "SK")
      .created_at(&TodoRecord::created_at)
      .updated_at(&TodoRecord::updated_at)
      .version(&TodoRecord::version)
      .tenant(&TodoRecord::tenant);
}

Todo to_api(TodoRecord r) {
  return Todo{std::move(r.id), std::move(r.title), r.priority, r.done, r.version, r.created_at, r.updated_at};
}

std::string etag(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

// The list's query: ?limit=1..100&cursor=... (a cursor a previous page returned).
struct ListQuery {
  std::int32_t limit = kDefaultLimit;
  std::optional<std::string> cursor;
  static void lift_rules(lift::json::Rules<ListQuery>& r) { r.field(&ListQuery::limit).min(1).max(100); }
};
BOOST_DESCRIBE_STRUCT(ListQuery, (), (limit, cursor))

// The precondition of a change: If-Match, the version the client read (its ETag).
struct Preconditions {
  std::optional<std::string> if_match;
};
BOOST_DESCRIBE_STRUCT(Preconditions, (), (if_match))

// The version an If-Match header names: 3, "3" or W/"3".
lift::Result<std::optional<std::int64_t>> if_match(const Preconditions& headers) {
  if (!headers.if_match) return std::optional<std::int64_t>{};
  std::string_view text = *headers.if_match;
  if (text.starts_with("W/")) text.remove_prefix(2);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  std::int64_t version = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc{} || end != text.data() + text.size() || version < 0)
    return lift::errors::bad_request("If-Match must be the todo's version, e.g. If-Match: \"3\"");
  return std::optional<std::int64_t>(version);
}

// The store's errors as this API's: what a client acts on, without the table's internals.
lift::Error api_error(lift::Error error, std::string_view id) {
  if (error.code == dynamorm::kItemNotFound) return lift::errors::not_found("todo " + std::string(id) + " not found");
  if (error.code == dynamorm::kConditionFailed)
    return lift::errors::conflict("todo " + std::string(id) + " has changed: read it again and retry with its version");
  if (error.code == dynamorm::kValidation) return lift::errors::bad_request(std::move(error.message));
  if (error.code == dynamorm::kThrottled) return lift::errors::unavailable("the store is busy: retry later");
  return error;
}

class TodoStore {
 public:
  TodoStore(lift::aws::DynamoDbClient& db, const Options& options)
      : todos_(db, todo_model(options.table), table_options(options)), observability_(options.observability) {}

  // The table as the request's tenant sees it, bounded by the invocation's deadline.
  lift::Result<dynamorm::Table<TodoRecord>> for_request(const lift::Context& ctx) const { return todos_.for_request(ctx); }

  std::string new_id() { return ids_.next(); }

  void count(std::string_view metric) {
    if (observability_ != nullptr) (void)observability_->metrics.add(std::string(metric), 1, lift::observability::Unit::count);
  }

 private:
  static lift::RequestTableOptions table_options(const Options& options) {
    lift::RequestTableOptions out;
    out.create_table = options.create_table;
    out.cursor_key = options.cursor_key;
    // With authentication, the token's tenant (401/403 when unusable); without, one shared tenant.
    if (options.verifier) out.tenant = lift::mw::tenant_of;
    else out.tenant = [](const lift::Context&) -> lift::Result<std::string_view> { return kDefaultTenant; };
    return out;
  }

  lift::RequestTable<TodoRecord> todos_;
  lift::mw::Observability* observability_;
  lift::UuidV7Generator ids_;
};

}  // namespace

lift::Result<lift::Middleware> write_limit(lift::aws::DynamoDbClient& db, std::int64_t per_minute, std::string table,
                                           std::optional<bool> create_table) {
  const lift::ratelimit::Limit limit{per_minute, std::chrono::minutes(1)};
  LIFT_TRY_VOID(lift::ratelimit::validate(limit, "TODO_WRITE_LIMIT"));
  LIFT_TRY(limiter, lift::ratelimit::DynamoDbLimiter::create(db, {.table = std::move(table), .window = lift::ratelimit::Window::sliding}));
  if (create_table.value_or(lift::dynamodb_is_local(db))) LIFT_TRY_VOID(limiter->create_table());
  return lift::mw::rate_limit({.limiter = std::move(limiter),
                               .routes = {{"POST", "/todos", limit}, {"PATCH", "/todos/:id", limit}, {"DELETE", "/todos/:id", limit}},
                               .key = lift::mw::rate_limit_tenant_key,
                               .name = "todo-writes",
                               .per_route = false});  // one count for all of a tenant's writes
}

lift::Result<void> seed(lift::aws::DynamoDbClient& db, const Options& options, std::int64_t count) {
  if (!lift::dynamodb_is_local(db))
    return lift::resilience::invalid_configuration("todo-api", "TODO_SEED", "seeds only a local table (LIFT_DYNAMODB_ENDPOINT=memory: or a loopback endpoint)");
  if (count < 1 || count > 10000)
    return lift::resilience::invalid_configuration("todo-api", "TODO_SEED", "must be a number of todos from 1 to 10000, got " + std::to_string(count));
  const dynamorm::Table<TodoRecord> table(db, todo_model(options.table));
  LIFT_TRY_VOID(table.create_table(/*if_not_exists=*/true));
  LIFT_TRY(scoped, table.for_tenant(std::string(kDefaultTenant)));
  lift::UuidV7Generator ids;
  for (std::int64_t i = 1; i <= count; ++i) {
    TodoRecord record;
    record.id = ids.next();
    record.title = "todo " + std::to_string(i);
    LIFT_TRY_VOID(scoped.create(record));
  }
  return {};
}

void add_routes(lift::App& app, lift::aws::DynamoDbClient& db, Options options) {
  // Load balancers probe without a token; the health detail names dependencies and stays behind it.
  if (options.verifier) app.use(lift::health::except_probes(lift::mw::jwt_auth(options.verifier)));
  // After authentication: the limit is per tenant.
  if (options.write_limit) app.use(std::move(options.write_limit));
  auto store = std::make_shared<TodoStore>(db, options);

  const auto create = [store](lift::Context& ctx, CreateTodo in) -> lift::Result<lift::Created<Todo>> {
    LIFT_TRY(table, store->for_request(ctx));
    TodoRecord record;
    record.id = store->new_id();
    record.title = std::move(in.title);
    record.priority = in.priority.value_or(0);
    auto saved = table.create(record);
    if (!saved) return api_error(std::move(saved).error(), record.id);
    store->count("TodoCreated");
    auto reply = lift::created(to_api(std::move(*saved)));
    reply.headers.set("etag", etag(reply.body.version));
    reply.headers.set("location", "/todos/" + reply.body.id);
    return reply;
  };
  if (options.idempotency) {
    // Keys belong to the tenant, so that one tenant's key never answers another's todo.
    lift::idempotency::RouteOptions route;
    route.require_key = false;  // a POST without a key creates a todo each time, as before
    route.caller = [verified = options.verifier != nullptr](const lift::Context& ctx) -> lift::Result<std::string> {
      if (!verified) return std::string(kDefaultTenant);
      auto tenant = lift::mw::tenant_of(ctx);
      if (!tenant) return std::move(tenant).error();
      return std::string(*tenant);
    };
    auto todos = app.group("/todos");
    todos.use(lift::idempotency::middleware(*options.idempotency, std::move(route)));
    todos.post("/", create);
  } else {
    app.post("/todos", create);
  }

  app.get("/todos", [store](lift::Context& ctx, lift::Query<ListQuery> in) -> lift::Result<TodoPage> {
    LIFT_TRY(table, store->for_request(ctx));
    dynamorm::QueryOptions query;
    query.descending = true;
    query.limit = in.limit;
    query.cursor = in.cursor.value_or("");
    auto page = table.query(std::string(kList), query);
    if (!page) {
      // A cursor this API did not hand out (changed, made up, another tenant's) is the client's mistake.
      if (!query.cursor.empty() && page.error().code == dynamorm::kValidation)
        return lift::errors::bad_request("cursor is not one this API returned");
      return api_error(std::move(page).error(), "");
    }
    TodoPage out;
    out.items.reserve(page->items.size());
    for (auto& record : page->items) out.items.push_back(to_api(std::move(record)));
    if (!page->next_cursor.empty()) out.next_cursor = std::move(page->next_cursor);
    return out;
  });

  app.get("/todos/:id", [store](lift::Context& ctx) -> lift::Result<lift::Ok<Todo>> {
    const std::string id(*ctx.param("id"));
    LIFT_TRY(table, store->for_request(ctx));
    auto found = table.get({kList, id});
    if (!found) return api_error(std::move(found).error(), id);
    lift::Ok<Todo> reply(to_api(std::move(*found)));
    reply.headers.set("etag", etag(reply.body.version));
    return reply;
  }).errors({404});

  app.patch("/todos/:id", [store](lift::Context& ctx, UpdateTodo in, lift::Headers<Preconditions> headers)
                              -> lift::Result<lift::Ok<Todo>> {
    const std::string id(*ctx.param("id"));
    LIFT_TRY(version, if_match(headers));
    if (!version)
      return lift::Error{"PreconditionRequired", "send If-Match with the todo's version (its ETag) to change it", 428, {}};
    if (!in.title && !in.priority && !in.done)
      return lift::errors::unprocessable("nothing to change", {{"body", "give at least one of title, priority, done"}});
    LIFT_TRY(table, store->for_request(ctx));
    dynamorm::Update update;
    if (in.title) update.set(&TodoRecord::title, *in.title);
    if (in.priority) update.set(&TodoRecord::priority, *in.priority);
    if (in.done) update.set(&TodoRecord::done, *in.done);
    auto changed = table.update({kList, id}, update, *version);
    if (!changed) return api_error(std::move(changed).error(), id);
    store->count("TodoUpdated");
    lift::Ok<Todo> reply(to_api(std::move(*changed)));
    reply.headers.set("etag", etag(reply.body.version));
    return reply;
  }).errors({404, 409}).error(428, "If-Match is missing");

  app.del("/todos/:id", [store](lift::Context& ctx, lift::Headers<Preconditions> headers) -> lift::Result<lift::http::Response> {
    const std::string id(*ctx.param("id"));
    LIFT_TRY(version, if_match(headers));
    LIFT_TRY(table, store->for_request(ctx));
    if (auto removed = table.remove({kList, id}, version); !removed) return api_error(std::move(removed).error(), id);
    store->count("TodoDeleted");
    return lift::no_content();
  }).errors({404, 409});
}

lift::Result<void> add_health(lift::App& app, std::shared_ptr<lift::aws::DynamoDbClient> db, const Options& options) {
  namespace health = lift::health;
  auto describe = health::dynamodb_table(options.table, {.component_type = {}, .name = {}, .client = db});
  if (describe.configuration_error) return *describe.configuration_error;
  std::vector<health::Check> checks;
  if (options.create_table.value_or(db ? lift::dynamodb_is_local(*db) : lift::dynamodb_is_local())) {
    // The routes make the table on first use here; readiness makes it first, once. The client
    // is shared (or the process's), so a run that outlives its timeout still has it.
    auto table = std::make_shared<const dynamorm::Table<TodoRecord>>(db ? *db : lift::dynamodb(), todo_model(options.table));
    auto created = std::make_shared<lift::detail::CreateOnce>();
    checks.push_back(health::function(
        options.table,
        [db, table, created, describe = describe.run](health::Deadline deadline) -> health::Outcome {
          if (auto made = created->run([&] { return table->create_table(/*if_not_exists=*/true); }); !made) return health::Outcome::of(made);
          return (*describe)(deadline);
        },
        {.timeout = describe.timeout, .component_type = "datastore"}));
  } else {
    checks.push_back(std::move(describe));
  }
  // The breaker in front of DynamoDB (lift::use_dynamodb_breaker): open fails readiness at once,
  // naming it, without waiting for the table check; none made (no breaker, no call yet) passes.
  checks.push_back(health::circuit_breaker(std::string(lift::aws::kDynamoDbService), {.component_type = "datastore"}));
  LIFT_TRY(checker, health::Checker::create(std::move(checks), {.cache_for = std::chrono::seconds(5), .service_id = "todo-api"}));
  return health::mount(app, std::move(checker));
}

}  // namespace todo_api
