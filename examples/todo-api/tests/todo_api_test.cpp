// examples/todo-api in-process: whole API Gateway HTTP API events through App::invoke (the real
// adapters, middleware and routes) on the embedded DynamoDB engine.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/uuid.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/idempotency/idempotency.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/key.hpp"
#include "todo_api.hpp"

namespace {

namespace json = boost::json;

struct Answer {
  int status = 0;
  json::object headers;
  json::value body;

  [[nodiscard]] std::string header(const std::string& name) const {
    const auto* found = headers.if_contains(name);
    return found != nullptr && found->is_string() ? std::string(found->as_string()) : std::string();
  }
  [[nodiscard]] std::string error_code() const {
    if (!body.is_object() || !body.as_object().contains("error")) return "";
    return std::string(body.at("error").at("code").as_string());
  }
};

lift::aws::DynamoDbClient memory_client() {
  lift::aws::DynamoDbOptions options;
  options.transport = lift::dynamorm::memory_transport();
  return lift::aws::DynamoDbClient::create(std::move(options)).value();
}

class TodoApi : public ::testing::Test {
 protected:
  void build(std::shared_ptr<const lift::security::JwtVerifier> verifier = nullptr, bool health = false, bool create_table = true,
             lift::Middleware write_limit = {}) {
    todo_api::Options options;
    options.write_limit = std::move(write_limit);
    options.table = "todos_" + lift::uuid().substr(0, 8);
    options.verifier = std::move(verifier);
    options.create_table = create_table;
    options.cursor_key = std::string(32, 'c');
    options.idempotency = lift::idempotency::Idempotency::create(db_, {.table = options.table + "_idempotency", .create_table = true}).value();
    table_ = options.table;
    if (health) {
      auto added = todo_api::add_health(app_, std::make_shared<lift::aws::DynamoDbClient>(memory_client()), options);
      ASSERT_TRUE(added) << added.error().message;
    }
    todo_api::add_routes(app_, db_, std::move(options));
  }

  // The routes over an existing table (no create, no idempotency).
  void build_over(const std::string& table) {
    todo_api::Options options;
    options.table = table;
    options.cursor_key = std::string(32, 'c');
    table_ = table;
    todo_api::add_routes(app_, db_, std::move(options));
  }

  // One API Gateway HTTP API (v2) event, answered as Lambda would return it.
  Answer call(const std::string& method, const std::string& target, const std::string& body = "",
              std::map<std::string, std::string> headers = {}) {
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    json::object event;
    event["version"] = "2.0";
    event["routeKey"] = "$default";
    event["rawPath"] = path;
    event["rawQueryString"] = query;
    json::object h{{"host", "api.example.com"}, {"user-agent", "todo-test"}};
    if (!body.empty()) h["content-type"] = "application/json";
    for (const auto& [k, v] : headers) h[k] = v;
    event["headers"] = std::move(h);
    if (!query.empty()) {
      json::object params;
      std::size_t start = 0;
      while (start <= query.size()) {
        const auto amp = query.find('&', start);
        const std::string pair = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        const auto eq = pair.find('=');
        params[pair.substr(0, eq)] = eq == std::string::npos ? "" : pair.substr(eq + 1);
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
      event["queryStringParameters"] = std::move(params);
    }
    event["requestContext"] = {{"accountId", "123456789012"},
                               {"apiId", "api"},
                               {"domainName", "api.example.com"},
                               {"http", {{"method", method}, {"path", path}, {"protocol", "HTTP/1.1"},
                                         {"sourceIp", "192.0.2.1"}, {"userAgent", "todo-test"}}},
                               {"requestId", "req-" + std::to_string(++requests_)},
                               {"routeKey", "$default"},
                               {"stage", "$default"},
                               {"time", "22/Nov/2026:12:00:00 +0000"},
                               {"timeEpoch", 1795003200000}};
    if (!body.empty()) event["body"] = body;
    event["isBase64Encoded"] = false;

    lift::runtime::Invocation invocation;
    invocation.context.request_id = "lambda-" + std::to_string(requests_);
    invocation.context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(10);
    invocation.payload = json::serialize(event);
    auto response = app_.invoke(invocation);
    EXPECT_TRUE(static_cast<bool>(response)) << (response ? std::string() : response.error().message);
    Answer answer;
    if (!response) return answer;
    const auto out = json::parse(response->body).as_object();
    answer.status = static_cast<int>(out.at("statusCode").to_number<std::int64_t>());
    if (const auto* hs = out.if_contains("headers")) answer.headers = hs->as_object();
    if (const auto* b = out.if_contains("body"); b != nullptr && !b->as_string().empty())
      answer.body = json::parse(b->as_string());
    return answer;
  }

  lift::aws::DynamoDbClient db_ = memory_client();
  lift::App app_;
  std::string table_;
  std::atomic<int> requests_{0};
};

TEST_F(TodoApi, CreateReadChangeDelete) {
  build();
  auto created = call("POST", "/todos", R"({"title":"write the README","priority":2})");
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  const auto& todo = created.body.as_object();
  const std::string id(todo.at("id").as_string());
  EXPECT_TRUE(lift::UuidV7Generator::is_v7(id)) << id;
  EXPECT_EQ(todo.at("title"), "write the README");
  EXPECT_EQ(todo.at("priority"), 2);
  EXPECT_EQ(todo.at("done"), false);
  EXPECT_EQ(todo.at("version"), 1);
  EXPECT_TRUE(todo.at("created_at").is_string());
  EXPECT_EQ(todo.at("created_at"), todo.at("updated_at"));
  EXPECT_EQ(created.header("etag"), "\"1\"");
  EXPECT_EQ(created.header("location"), "/todos/" + id);

  auto read = call("GET", "/todos/" + id);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.body, created.body);

  auto changed = call("PATCH", "/todos/" + id, R"({"done":true})", {{"if-match", "\"1\""}});
  ASSERT_EQ(changed.status, 200) << json::serialize(changed.body);
  EXPECT_EQ(changed.body.at("done"), true);
  EXPECT_EQ(changed.body.at("title"), "write the README");
  EXPECT_EQ(changed.body.at("version"), 2);
  EXPECT_EQ(changed.body.at("created_at"), todo.at("created_at"));
  EXPECT_EQ(changed.header("etag"), "\"2\"");

  // The version the client held is stale now: 409, and nothing changed.
  auto stale = call("PATCH", "/todos/" + id, R"({"title":"lost update"})", {{"if-match", "1"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.error_code(), "Conflict");
  EXPECT_EQ(call("GET", "/todos/" + id).body.at("title"), "write the README");
  // Without If-Match a change is refused; a malformed one is 400.
  EXPECT_EQ(call("PATCH", "/todos/" + id, R"({"title":"x"})").status, 428);
  EXPECT_EQ(call("PATCH", "/todos/" + id, R"({"title":"x"})", {{"if-match", "two"}}).status, 400);
  EXPECT_EQ(call("PATCH", "/todos/" + id, R"({})", {{"if-match", "2"}}).status, 422);
  EXPECT_EQ(call("PATCH", "/todos/missing", R"({"done":true})", {{"if-match", "1"}}).status, 404);

  EXPECT_EQ(call("DELETE", "/todos/" + id, "", {{"if-match", "1"}}).status, 409);
  EXPECT_EQ(call("DELETE", "/todos/" + id).status, 204);
  auto gone = call("GET", "/todos/" + id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.error_code(), "NotFound");
  EXPECT_EQ(call("DELETE", "/todos/" + id).status, 404);
}

TEST_F(TodoApi, BadBodiesAreRefusedNamingTheField) {
  build();
  auto missing = call("POST", "/todos", R"({"priority":1})");
  EXPECT_EQ(missing.status, 422);
  ASSERT_EQ(missing.error_code(), "ValidationFailed");
  EXPECT_EQ(missing.body.at("error").at("details").at(0).at("field"), "title");
  EXPECT_EQ(call("POST", "/todos", R"({"title":""})").status, 422);
  EXPECT_EQ(call("POST", "/todos", R"({"title":"a","priority":-1})").status, 422);
  auto wrong_type = call("POST", "/todos", R"({"title":5})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(json::serialize(wrong_type.body).find("title"), std::string::npos);
  EXPECT_EQ(call("POST", "/todos", "{not json").status, 400);
  EXPECT_EQ(call("GET", "/nothing-here").status, 404);
  auto wrong_method = call("PUT", "/todos");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_NE(wrong_method.header("allow").find("POST"), std::string::npos);
}

TEST_F(TodoApi, ListsNewestFirstPageByPage) {
  build();
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    auto created = call("POST", "/todos", R"({"title":"todo )" + std::to_string(i) + R"("})");
    ASSERT_EQ(created.status, 201);
    ids.emplace_back(created.body.at("id").as_string());
  }
  std::vector<std::string> listed;
  std::string target = "/todos?limit=3";
  std::string first_cursor;
  int pages = 0;
  while (true) {
    auto page = call("GET", target);
    ASSERT_EQ(page.status, 200) << json::serialize(page.body);
    ++pages;
    for (const auto& item : page.body.at("items").as_array()) listed.emplace_back(item.at("id").as_string());
    const auto* next = page.body.as_object().if_contains("next_cursor");
    if (next == nullptr) break;
    ASSERT_LE(pages, 4);
    if (first_cursor.empty()) first_cursor = std::string(next->as_string());
    target = "/todos?limit=3&cursor=" + std::string(next->as_string());
  }
  // Cursors are signed: one a client wrote or changed (here: the same position, unsigned) is refused.
  const auto signature = first_cursor.rfind('.');
  ASSERT_NE(signature, std::string::npos) << first_cursor;
  const auto forged = call("GET", "/todos?limit=3&cursor=" + first_cursor.substr(0, signature));
  EXPECT_EQ(forged.status, 400);
  EXPECT_EQ(forged.body.at("error").at("message"), "cursor is not one this API returned");
  EXPECT_EQ(call("GET", "/todos?limit=3&cursor=" + first_cursor + "A").status, 400);
  EXPECT_GE(pages, 3);
  const std::vector<std::string> newest_first(ids.rbegin(), ids.rend());
  EXPECT_EQ(listed, newest_first);

  EXPECT_EQ(call("GET", "/todos").body.at("items").as_array().size(), 7u);
  EXPECT_EQ(call("GET", "/todos?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/todos?limit=101").status, 400);
  EXPECT_EQ(call("GET", "/todos?limit=ten").status, 400);
  EXPECT_EQ(call("GET", "/todos?cursor=not-a-cursor").status, 400);
}

std::string token(const lift::security::Key& key, json::object claims) {
  claims["exp"] = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(1))
                      .count();
  return lift::security::sign_jwt(claims, key).value();
}

TEST_F(TodoApi, TenantsNeverSeeEachOthersTodos) {
  const auto key = lift::security::Key::hmac(lift::security::Algorithm::HS256, std::string(32, 's')).value();
  lift::security::VerifyOptions verify;
  verify.issuers = {"https://issuer.example"};
  build(std::make_shared<lift::security::JwtVerifier>(key, verify));
  const std::string acme = "Bearer " + token(key, {{"sub", "ann"}, {"tenant_id", "acme"}, {"iss", "https://issuer.example"}});
  const std::string umbrella =
      "Bearer " + token(key, {{"sub", "bob"}, {"tenant_id", "umbrella"}, {"iss", "https://issuer.example"}});

  EXPECT_EQ(call("GET", "/todos").status, 401);
  EXPECT_EQ(call("GET", "/todos", "", {{"authorization", "Bearer not.a.token"}}).status, 401);
  const std::string other_issuer =
      "Bearer " + token(key, {{"sub", "eve"}, {"tenant_id", "acme"}, {"iss", "https://elsewhere.example"}});
  EXPECT_EQ(call("GET", "/todos", "", {{"authorization", other_issuer}}).status, 401);
  const std::string no_tenant = "Bearer " + token(key, {{"sub", "eve"}, {"iss", "https://issuer.example"}});
  EXPECT_EQ(call("GET", "/todos", "", {{"authorization", no_tenant}}).status, 403);

  auto created = call("POST", "/todos", R"({"title":"acme's secret"})", {{"authorization", acme}});
  ASSERT_EQ(created.status, 201);
  const std::string id(created.body.at("id").as_string());

  // Another tenant: the todo does not exist for it, whatever it tries.
  EXPECT_EQ(call("GET", "/todos/" + id, "", {{"authorization", umbrella}}).status, 404);
  EXPECT_EQ(call("GET", "/todos", "", {{"authorization", umbrella}}).body.at("items").as_array().size(), 0u);
  EXPECT_EQ(call("PATCH", "/todos/" + id, R"({"title":"mine"})", {{"authorization", umbrella}, {"if-match", "1"}}).status,
            404);
  EXPECT_EQ(call("DELETE", "/todos/" + id, "", {{"authorization", umbrella}}).status, 404);

  // Its owner still has it, unchanged.
  auto mine = call("GET", "/todos/" + id, "", {{"authorization", acme}});
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body.at("title"), "acme's secret");
  EXPECT_EQ(mine.body.at("version"), 1);
  EXPECT_EQ(call("GET", "/todos", "", {{"authorization", acme}}).body.at("items").as_array().size(), 1u);
}

// POST /todos with an Idempotency-Key: a retry answers the same todo, another body with the same
// key is refused, and ten requests at once with one key make one todo.
TEST_F(TodoApi, AnIdempotencyKeyMakesOneTodoPerKey) {
  build();
  const auto first = call("POST", "/todos", R"({"title":"pay rent","priority":2})", {{"idempotency-key", "rent-2026-12"}});
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(first.header("x-idempotent-replay"), "");
  const auto retry = call("POST", "/todos", R"({"priority":2, "title":"pay rent"})", {{"idempotency-key", "rent-2026-12"}});
  ASSERT_EQ(retry.status, 201);
  EXPECT_EQ(retry.header("x-idempotent-replay"), "true");
  EXPECT_EQ(retry.body.at("id"), first.body.at("id"));
  EXPECT_EQ(retry.header("location"), first.header("location"));
  EXPECT_EQ(retry.header("etag"), first.header("etag"));

  const auto other = call("POST", "/todos", R"({"title":"pay the gas bill"})", {{"idempotency-key", "rent-2026-12"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.error_code(), "IdempotencyPayloadMismatch");
  // A key the body would fail validation with keeps nothing: fixed, it creates.
  EXPECT_EQ(call("POST", "/todos", R"({"title":""})", {{"idempotency-key", "k2"}}).status, 422);
  EXPECT_EQ(call("POST", "/todos", R"({"title":"fixed"})", {{"idempotency-key", "k2"}}).status, 201);
  // Without a key, each POST creates.
  EXPECT_EQ(call("POST", "/todos", R"({"title":"pay rent","priority":2})").status, 201);
  EXPECT_EQ(call("POST", "/todos", R"({"title":"too long a key"})", {{"idempotency-key", std::string(2000, 'k')}}).status, 400);

  std::vector<Answer> answers(10);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < answers.size(); ++i)
    threads.emplace_back([&, i] { answers[i] = call("POST", "/todos", R"({"title":"once"})", {{"idempotency-key", "ten-at-once"}}); });
  for (auto& t : threads) t.join();
  for (const auto& a : answers) {
    EXPECT_EQ(a.status, 201);
    EXPECT_EQ(a.body.at("id"), answers[0].body.at("id"));
  }
  const auto listed = call("GET", "/todos?limit=100").body.at("items").as_array();
  std::size_t once = 0;
  for (const auto& todo : listed) once += todo.at("title") == "once" ? 1 : 0;
  EXPECT_EQ(once, 1U);
  EXPECT_EQ(listed.size(), 4U);  // rent, fixed, rent without a key, once
}

TEST_F(TodoApi, IdempotencyKeysBelongToTheirTenant) {
  const auto key = lift::security::Key::hmac(lift::security::Algorithm::HS256, std::string(32, 's')).value();
  build(std::make_shared<lift::security::JwtVerifier>(key, lift::security::VerifyOptions{}));
  const std::string acme = "Bearer " + token(key, {{"sub", "ann"}, {"tenant_id", "acme"}});
  const std::string umbrella = "Bearer " + token(key, {{"sub", "bob"}, {"tenant_id", "umbrella"}});
  const auto a = call("POST", "/todos", R"({"title":"same"})", {{"authorization", acme}, {"idempotency-key", "k"}});
  const auto b = call("POST", "/todos", R"({"title":"same"})", {{"authorization", umbrella}, {"idempotency-key", "k"}});
  ASSERT_EQ(a.status, 201);
  ASSERT_EQ(b.status, 201);
  EXPECT_NE(a.body.at("id"), b.body.at("id"));
  EXPECT_EQ(b.header("x-idempotent-replay"), "");
  EXPECT_EQ(call("POST", "/todos", R"({"title":"same"})", {{"idempotency-key", "k"}}).status, 401);
}

// A tenant claim the store cannot scope by gets one answer, 403, whatever is wrong with it: too
// long for a key, holding the key separator, or a number (never read as its digits).
TEST_F(TodoApi, UnusableTenantClaimsAreRefusedOneWay) {
  const auto key = lift::security::Key::hmac(lift::security::Algorithm::HS256, std::string(32, 's')).value();
  build(std::make_shared<lift::security::JwtVerifier>(key, lift::security::VerifyOptions{}));
  const auto bearer = [&](json::value tenant) { return "Bearer " + token(key, {{"sub", "ann"}, {"tenant_id", std::move(tenant)}}); };
  const std::string digits = bearer("123");
  ASSERT_EQ(call("POST", "/todos", R"({"title":"for tenant 123"})", {{"authorization", digits}}).status, 201);
  for (const auto& tenant : {json::value(std::string(2100, 't')), json::value("a#b"), json::value(123), json::value("a b"),
                             json::value(std::string(129, 't'))}) {
    const auto answer = call("GET", "/todos", "", {{"authorization", bearer(tenant)}});
    EXPECT_EQ(answer.status, 403) << json::serialize(tenant).substr(0, 40);
    EXPECT_EQ(answer.error_code(), "Forbidden");
    EXPECT_NE(json::serialize(answer.body).find("no usable tenant"), std::string::npos) << json::serialize(answer.body);
  }
  EXPECT_EQ(call("GET", "/todos", "", {{"authorization", bearer(json::value(std::string(128, 't')))}}).status, 200);
  EXPECT_EQ(call("GET", "/todos", "", {{"authorization", bearer("org_1.eu-west:team@x")}}).status, 200);
}

// A table that is not there is the function's fault: 500 in the one error body, with a message
// that says nothing of the deployment (the log names the table).
TEST_F(TodoApi, AMissingTableIsAServerError) {
  todo_api::Options options;
  options.table = "todos_missing_" + lift::uuid().substr(0, 8);
  options.create_table = false;
  todo_api::add_routes(app_, db_, std::move(options));
  ::testing::internal::CaptureStderr();
  const auto answer = call("GET", "/todos/abc");
  const std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(answer.status, 500) << json::serialize(answer.body);
  const auto message = json::serialize(answer.body.at("error").at("message"));
  EXPECT_EQ(message.find("todos_missing"), std::string::npos) << message;
  EXPECT_EQ(message.find("ResourceNotFound"), std::string::npos) << message;
  EXPECT_NE(log.find("todos_missing"), std::string::npos) << log;
  EXPECT_NE(log.find("ResourceNotFound"), std::string::npos) << log;
}

// The health endpoints: the probes answer without a token, readiness makes the local table first
// and checks it with DescribeTable, the detail is the IETF draft's shape behind authentication.
TEST_F(TodoApi, HealthEndpoints) {
  const auto key = lift::security::Key::hmac(lift::security::Algorithm::HS256, std::string(32, 's')).value();
  build(std::make_shared<lift::security::JwtVerifier>(key, lift::security::VerifyOptions{}), /*health=*/true);
  const auto live = call("GET", "/health/live");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.header("content-type"), "application/health+json");
  EXPECT_EQ(json::serialize(live.body), R"({"status":"pass"})");
  const auto ready = call("GET", "/health/ready");
  EXPECT_EQ(ready.status, 200) << json::serialize(ready.body);
  EXPECT_EQ(ready.body.at("status"), "pass");

  EXPECT_EQ(call("GET", "/health").status, 401);
  EXPECT_EQ(call("GET", "/todos").status, 401);
  const auto detail = call("GET", "/health", "", {{"authorization", "Bearer " + token(key, {{"sub", "ops"}, {"tenant_id", "ops"}})}});
  ASSERT_EQ(detail.status, 200) << json::serialize(detail.body);
  EXPECT_EQ(detail.body.at("serviceId"), "todo-api");
  const auto& check = detail.body.at("checks").at(table_ + ":responseTime").at(0);
  EXPECT_EQ(check.at("componentType"), "datastore");
  EXPECT_EQ(check.at("status"), "pass");
  EXPECT_EQ(check.at("observedUnit"), "ms");
  EXPECT_TRUE(detail.body.at("breakers").is_object());
}

TEST_F(TodoApi, ReadinessFailsNamingAMissingTable) {
  build(nullptr, /*health=*/true, /*create_table=*/false);
  EXPECT_EQ(call("GET", "/health/live").status, 200);
  const auto ready = call("GET", "/health/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.body.at("status"), "fail");
  const auto& check = ready.body.at("checks").at(table_ + ":responseTime").at(0);
  EXPECT_EQ(check.at("status"), "fail");
  EXPECT_NE(json::serialize(check.at("output")).find("ResourceNotFound"), std::string::npos) << json::serialize(check);
}

}  // namespace

namespace {

// TODO_WRITE_LIMIT: writes a minute per tenant, a DynamoDB sliding window; reads are not limited.
TEST_F(TodoApi, WritesAreLimitedPerTenant) {
  const auto key = lift::security::Key::hmac(lift::security::Algorithm::HS256, std::string(32, 's')).value();
  lift::security::VerifyOptions verify;
  verify.issuers = {"https://issuer.example"};
  auto limit = todo_api::write_limit(db_, 3, "todo_limits_" + lift::uuid().substr(0, 8), true);
  ASSERT_TRUE(limit) << limit.error().message;
  build(std::make_shared<lift::security::JwtVerifier>(key, verify), /*health=*/false, /*create_table=*/true, std::move(*limit));
  const std::string acme = "Bearer " + token(key, {{"sub", "ann"}, {"tenant_id", "acme"}, {"iss", "https://issuer.example"}});
  const std::string acme_too = "Bearer " + token(key, {{"sub", "al"}, {"tenant_id", "acme"}, {"iss", "https://issuer.example"}});
  const std::string umbrella = "Bearer " + token(key, {{"sub", "bob"}, {"tenant_id", "umbrella"}, {"iss", "https://issuer.example"}});

  auto created = call("POST", "/todos", R"({"title":"one"})", {{"authorization", acme}});
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(created.header("ratelimit-limit"), "3");
  EXPECT_EQ(created.header("ratelimit-remaining"), "2");
  EXPECT_EQ(created.header("x-ratelimit-limit"), "3");
  EXPECT_FALSE(created.header("ratelimit-reset").empty());
  const std::string id(created.body.at("id").as_string());
  // Every write of the tenant counts, whoever of it makes it.
  EXPECT_EQ(call("PATCH", "/todos/" + id, R"({"done":true})", {{"authorization", acme_too}, {"if-match", "1"}}).status, 200);
  EXPECT_EQ(call("POST", "/todos", R"({"title":"three"})", {{"authorization", acme}}).status, 201);
  auto refused = call("POST", "/todos", R"({"title":"four"})", {{"authorization", acme_too}});
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.error_code(), "TooManyRequests");
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_EQ(refused.header("ratelimit-remaining"), "0");
  EXPECT_EQ(refused.header("x-ratelimit-remaining"), "0");
  EXPECT_EQ(call("DELETE", "/todos/" + id, "", {{"authorization", acme}}).status, 429);

  // Reads are not limited, and another tenant has its own count.
  auto listed = call("GET", "/todos", "", {{"authorization", acme}});
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.at("items").as_array().size(), 2U);  // the refused write created nothing
  EXPECT_TRUE(listed.header("ratelimit-limit").empty());
  EXPECT_EQ(call("POST", "/todos", R"({"title":"theirs"})", {{"authorization", umbrella}}).status, 201);
}

TEST_F(TodoApi, AWriteLimitBelowOneIsRefusedAtStartUp) {
  for (const std::int64_t bad : {0, -5}) {
    auto limit = todo_api::write_limit(db_, bad, "todo_limits", true);
    ASSERT_FALSE(limit);
    EXPECT_EQ(limit.error().code, "InvalidConfiguration");
  }
}

// TODO_SEED's store: the seeded todos are the unauthenticated tenant's first page, newest first.
TEST_F(TodoApi, SeedingStoresTodosTheListShows) {
  todo_api::Options options;
  options.table = "todos_seed_" + lift::uuid().substr(0, 8);
  ASSERT_TRUE(todo_api::seed(db_, options, 3));
  build_over(options.table);
  const auto list = call("GET", "/todos");
  ASSERT_EQ(list.status, 200);
  const auto& items = list.body.at("items").as_array();
  ASSERT_EQ(items.size(), 3U);
  EXPECT_EQ(items[0].at("title").as_string(), "todo 3");
  EXPECT_EQ(items[2].at("title").as_string(), "todo 1");
}

TEST_F(TodoApi, SeedingRefusesABadCountAndARemoteTable) {
  todo_api::Options options;
  for (const std::int64_t bad : {0, -1, 10001}) {
    const auto seeded = todo_api::seed(db_, options, bad);
    ASSERT_FALSE(seeded);
    EXPECT_EQ(seeded.error().code, "InvalidConfiguration");
  }
  lift::aws::DynamoDbOptions remote;
  remote.endpoint = "https://dynamodb.eu-west-1.amazonaws.com";
  remote.region = "eu-west-1";
  auto client = lift::aws::DynamoDbClient::create(std::move(remote));
  ASSERT_TRUE(client) << client.error().message;
  const auto seeded = todo_api::seed(*client, options, 5);
  ASSERT_FALSE(seeded);
  EXPECT_EQ(seeded.error().code, "InvalidConfiguration");
}

}  // namespace
