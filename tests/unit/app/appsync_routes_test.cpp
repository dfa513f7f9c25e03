// lift::App for AppSync direct Lambda resolvers: routing by "Type.field", typed arguments,
// single and batched answers with AppSync's per-item errors, the typed record on the context,
// the middleware around each item, whole-batch (N+1) handlers and routes on groups.
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "support/invocation.hpp"
#include "support/invoke.hpp"
#include "support/json.hpp"

namespace appsync_routes_test {

struct GetTodoArgs {
  std::string id;
  int limit = 10;
};
BOOST_DESCRIBE_STRUCT(GetTodoArgs, (), (id, limit))
inline void lift_rules(lift::json::Rules<GetTodoArgs>& r) {
  r.field(&GetTodoArgs::id).required();
  r.field(&GetTodoArgs::limit).min(1).max(100);
}

struct TodoItem {
  std::string id;
  std::string title;
};
BOOST_DESCRIBE_STRUCT(TodoItem, (), (id, title))

}  // namespace appsync_routes_test

namespace {

using appsync_routes_test::GetTodoArgs;
using appsync_routes_test::TodoItem;
using lift::App;
using lift::Context;
using lift::Next;
using lift::Result;
using lift::testing_support::json_of;
namespace events = lift::events;
using events::AppSyncResolverEvent;
using Json = boost::json::value;

using lift::testing_support::invocation;

using lift::testing_support::invoke;

// A direct resolver's context for `type`.`field`, called by a Cognito user.
Json field_event(const std::string& type, const std::string& field, Json arguments = boost::json::object{}, Json source = nullptr) {
  return Json{{"arguments", std::move(arguments)},
              {"identity",
               {{"claims", {{"sub", "u-1"}, {"email", "jdoe@example.com"}}},
                {"defaultAuthStrategy", "ALLOW"},
                {"groups", nullptr},
                {"issuer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"},
                {"sourceIp", boost::json::array{"203.0.113.7"}},
                {"sub", "u-1"},
                {"username", "jdoe"}}},
              {"source", std::move(source)},
              {"request", {{"headers", {{"host", "x.appsync-api.us-east-1.amazonaws.com"}}}, {"domainName", nullptr}}},
              {"prev", nullptr},
              {"info",
               {{"selectionSetList", boost::json::array{"id", "title"}},
                {"selectionSetGraphQL", "{ id title }"},
                {"parentTypeName", type},
                {"fieldName", field},
                {"variables", boost::json::object{}}}},
              {"stash", boost::json::object{}}};
}

// A BatchInvoke of Post.author for each post id.
Json author_batch(const std::vector<std::string>& post_ids) {
  boost::json::array items;
  for (const auto& id : post_ids) items.push_back(field_event("Post", "author", boost::json::object{}, Json{{"id", id}}));
  return items;
}

// ---- routing ----

TEST(AppSyncRoutes, RoutesByTypeAndField) {
  std::vector<std::string> hits;
  App app;
  app.graphql("Query.getTodo", [&hits](Context&, const AppSyncResolverEvent& e) {
    hits.push_back("getTodo");
    return Json{{"id", e.arguments.at("id")}, {"title", "milk"}};
  });
  app.graphql("Mutation.*", [&hits](Context&, const AppSyncResolverEvent& e) {
    hits.push_back("mutation:" + std::string(e.field_name()));
    return true;
  });
  app.on<events::AppSyncResolver>("*", [&hits](Context&) { hits.push_back("any"); });
  ASSERT_TRUE(app.check());

  auto todo = invoke(app, field_event("Query", "getTodo", {{"id", "t-1"}}));
  ASSERT_TRUE(todo) << todo.error().message;
  EXPECT_EQ(*todo, json_of(R"({"id":"t-1","title":"milk"})"));
  auto created = invoke(app, field_event("Mutation", "createTodo"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(*created, Json(true));
  auto other = invoke(app, field_event("Query", "listTodos"));
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_TRUE(other->is_null());  // a handler that returns nothing resolves the field to null
  EXPECT_EQ(hits, (std::vector<std::string>{"getTodo", "mutation:createTodo", "any"}));
}

TEST(AppSyncRoutes, AnUnroutedFieldIsNoRouteOrGoesToOnEvent) {
  App app;
  app.graphql("Query.getTodo", [](Context&) {});
  auto refused = invoke(app, field_event("Query", "listTodos"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "NoRoute");
  EXPECT_EQ(refused.error().message, "no route matches the GraphQL field Query.listTodos");

  std::vector<std::size_t> seen;
  app.on_event([&seen](Context&, const Json& event) -> Result<Json> {
    seen.push_back(event.is_array() ? event.as_array().size() : 1);
    return Json("from on_event");
  });
  auto taken = invoke(app, author_batch({"p1", "p2"}));
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_EQ(*taken, Json("from on_event"));
  EXPECT_EQ(seen, (std::vector<std::size_t>{2}));
}

TEST(AppSyncRoutes, APatternWithoutATypeIsRefused) {
  App app;
  app.graphql("getTodo", [](Context&) {});
  auto checked = app.check();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("getTodo"), std::string::npos) << checked.error().message;
  EXPECT_NE(checked.error().message.find("Type.field"), std::string::npos) << checked.error().message;
}

// ---- answers ----

TEST(AppSyncRoutes, ASingleFieldsErrorFailsTheInvocationWithItsCodeAndMessage) {
  App app;
  app.graphql("Query.getTodo", [](Context&, const AppSyncResolverEvent& e) -> Result<TodoItem> {
    if (e.arguments.at("id") == "missing") return lift::Error{"NotFound", "no todo missing", 404};
    return TodoItem{"t-1", "milk"};
  });
  auto found = invoke(app, field_event("Query", "getTodo", {{"id", "t-1"}}));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, json_of(R"({"id":"t-1","title":"milk"})"));
  // The runtime reports errorType = code and errorMessage = message; AppSync raises them as
  // the field's GraphQL error.
  auto missing = invoke(app, field_event("Query", "getTodo", {{"id", "missing"}}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NotFound");
  EXPECT_EQ(missing.error().message, "no todo missing");
}

TEST(AppSyncRoutes, ABatchAnswersEachItemInOrderWithPerItemErrors) {
  App app;
  app.graphql("Post.author", [](Context&, const AppSyncResolverEvent& e) -> Result<Json> {
    const auto id = e.source->at("id").as_string();
    if (id == "p2") return lift::Error{"NotFound", "no author for p2", 404};
    if (id == "p3") throw std::runtime_error("database down");
    return Json{{"name", "author of " + std::string(id)}};
  });
  auto answer = invoke(app, author_batch({"p1", "p2", "p3", "p4"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json_of(R"([
    {"name":"author of p1"},
    {"data":null,"errorMessage":"no author for p2","errorType":"NotFound"},
    {"data":null,"errorMessage":"internal error","errorType":"InternalError"},
    {"name":"author of p4"}
  ])"));

  // When every item failed, the invocation fails (AppSync raises the error on each).
  auto failed = invoke(app, author_batch({"p2", "p3"}));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "NotFound");
  EXPECT_EQ(failed.error().message, "no author for p2");

  // A batch of one is still answered with a list.
  auto one = invoke(app, author_batch({"p1"}));
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(*one, json_of(R"([{"name":"author of p1"}])"));
}

TEST(AppSyncRoutes, TypedArgumentsBindWithTheirRules) {
  App app;
  app.graphql("Query.getTodo", [](Context& ctx, const GetTodoArgs& args) -> TodoItem {
    EXPECT_NE(ctx.record<AppSyncResolverEvent>(), nullptr);
    return TodoItem{args.id, "limit " + std::to_string(args.limit)};
  });
  ASSERT_TRUE(app.check());
  auto bound = invoke(app, field_event("Query", "getTodo", {{"id", "t-1"}, {"limit", 5}}));
  ASSERT_TRUE(bound) << bound.error().message;
  EXPECT_EQ(*bound, json_of(R"({"id":"t-1","title":"limit 5"})"));

  auto invalid = invoke(app, field_event("Query", "getTodo", {{"id", "t-1"}, {"limit", 500}}));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, "ValidationFailed");
  EXPECT_EQ(invalid.error().message, "limit: must be at most 100");

  auto mistyped = invoke(app, field_event("Query", "getTodo", {{"id", 7}}));
  ASSERT_FALSE(mistyped);
  EXPECT_EQ(mistyped.error().code, "InvalidArguments");

  // In a batch, a bad argument fails its item alone.
  boost::json::array items{field_event("Query", "getTodo", {{"id", "a"}}), field_event("Query", "getTodo", {{"limit", 0}}),
                           field_event("Query", "getTodo", {{"id", "c"}, {"limit", 2}})};
  auto batch = invoke(app, Json(items));
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_TRUE(batch->is_array());
  EXPECT_EQ(batch->at(0), json_of(R"({"id":"a","title":"limit 10"})"));
  EXPECT_EQ(batch->at(1).at("errorType"), "ValidationFailed");
  EXPECT_TRUE(batch->at(1).at("data").is_null());
  EXPECT_EQ(batch->at(2), json_of(R"({"id":"c","title":"limit 2"})"));
}

// ---- the context ----

TEST(AppSyncRoutes, TheHandlerReachesTheTypedEventOnTheContext) {
  App app;
  app.graphql("Query.me", [](Context& ctx) -> Result<Json> {
    const auto* e = ctx.record<AppSyncResolverEvent>();
    if (e == nullptr) return lift::Error{"NoRecord", "no typed record", 500};
    EXPECT_EQ(ctx.record().at("info").at("fieldName"), "me");
    EXPECT_EQ(ctx.kind(), events::kind_of<events::AppSyncResolver>);
    return Json{{"sub", e->sub()},
                {"username", e->username()},
                {"email", e->claims().at("email")},
                {"auth", events::to_string(e->auth_type())},
                {"selects_title", e->selects("title")}};
  });
  auto me = invoke(app, field_event("Query", "me"));
  ASSERT_TRUE(me) << me.error().message;
  EXPECT_EQ(*me, json_of(R"({"sub":"u-1","username":"jdoe","email":"jdoe@example.com","auth":"AMAZON_COGNITO_USER_POOLS","selects_title":true})"));
}

TEST(AppSyncRoutes, MiddlewareRunsAroundEachItem) {
  std::vector<std::string> log;
  App app;
  app.use([&log](Context& ctx, const Next& next) -> Result<void> {
    const auto* e = ctx.record<AppSyncResolverEvent>();
    if (e == nullptr) {
      log.push_back("no item");
      return next();
    }
    const auto id = e->source ? std::string(e->source->at("id").as_string()) : std::string("-");
    log.push_back("item " + std::to_string(ctx.record_index()) + ":" + id);
    if (id == "blocked") return lift::errors::forbidden("not your post");
    return next();
  });
  app.graphql("Post.author", [&log](Context&, const AppSyncResolverEvent& e) {
    log.push_back("handler:" + std::string(e.source->at("id").as_string()));
    return "someone";
  });
  auto answer = invoke(app, author_batch({"p1", "blocked", "p3"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json_of(R"(["someone",{"data":null,"errorMessage":"not your post","errorType":"Forbidden"},"someone"])"));
  EXPECT_EQ(log, (std::vector<std::string>{"item 0:p1", "handler:p1", "item 1:blocked", "item 2:p3", "handler:p3"}));

  // A single field: the middleware sees it as item 0.
  log.clear();
  ASSERT_TRUE(invoke(app, field_event("Post", "author", boost::json::object{}, Json{{"id", "p9"}})));
  EXPECT_EQ(log, (std::vector<std::string>{"item 0:p9", "handler:p9"}));
}

// ---- whole-batch handlers ----

TEST(AppSyncRoutes, AWholeBatchHandlerAnswersEveryItemInOneCall) {
  std::vector<std::size_t> calls;
  std::vector<std::string> middleware;
  App app;
  app.use([&middleware](Context& ctx, const Next& next) -> Result<void> {
    middleware.push_back(ctx.record().is_null() ? "batch" : "item");
    return next();
  });
  // The N+1 case: one lookup for the author of every post.
  app.graphql("Post.author", [&calls](Context&, std::span<const AppSyncResolverEvent> posts) {
    calls.push_back(posts.size());
    std::vector<Result<Json>> authors;
    for (const auto& post : posts) {
      const auto id = post.source->at("id").as_string();
      if (id == "p2") authors.emplace_back(lift::Error{"NotFound", "no author for p2", 404});
      else authors.emplace_back(Json{{"name", "author of " + std::string(id)}});
    }
    return authors;
  });
  auto answer = invoke(app, author_batch({"p1", "p2", "p3"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json_of(R"([{"name":"author of p1"},{"data":null,"errorMessage":"no author for p2","errorType":"NotFound"},{"name":"author of p3"}])"));
  EXPECT_EQ(calls, (std::vector<std::size_t>{3}));
  EXPECT_EQ(middleware, (std::vector<std::string>{"batch"}));  // once, around the whole batch

  // A single invocation reaches it as a batch of one, answered with the one value.
  auto single = invoke(app, field_event("Post", "author", boost::json::object{}, Json{{"id", "p7"}}));
  ASSERT_TRUE(single) << single.error().message;
  EXPECT_EQ(*single, json_of(R"({"name":"author of p7"})"));
}

TEST(AppSyncRoutes, WholeBatchHandlersTakeAVectorOrTheInvocation) {
  App app;
  app.graphql("Post.author", [](Context&, const std::vector<AppSyncResolverEvent>& posts) {
    std::vector<TodoItem> out;
    for (const auto& post : posts) out.push_back(TodoItem{std::string(post.source->at("id").as_string()), "t"});
    return out;
  });
  app.graphql("Post.tags", [](Context&, const events::AppSyncInvocation& invocation) -> Result<std::vector<std::vector<std::string>>> {
    EXPECT_TRUE(invocation.batch);
    return std::vector<std::vector<std::string>>(invocation.items.size(), {"a", "b"});
  });
  auto authors = invoke(app, author_batch({"p1", "p2"}));
  ASSERT_TRUE(authors) << authors.error().message;
  EXPECT_EQ(*authors, json_of(R"([{"id":"p1","title":"t"},{"id":"p2","title":"t"}])"));

  boost::json::array tags{field_event("Post", "tags"), field_event("Post", "tags")};
  auto tagged = invoke(app, Json(tags));
  ASSERT_TRUE(tagged) << tagged.error().message;
  EXPECT_EQ(*tagged, json_of(R"([["a","b"],["a","b"]])"));
}

TEST(AppSyncRoutes, AWholeBatchHandlerMustAnswerEachItem) {
  App app;
  app.graphql("Post.author", [](Context&, std::span<const AppSyncResolverEvent>) { return std::vector<Json>{Json("only one")}; });
  auto answer = invoke(app, author_batch({"p1", "p2"}));
  ASSERT_FALSE(answer);  // every item failed: the invocation fails
  EXPECT_EQ(answer.error().code, "InvalidAnswer");
  EXPECT_EQ(answer.error().message, "a whole-batch handler answered 1 values for 2 records");

  App failing;
  failing.graphql("Post.author", [](Context&, std::span<const AppSyncResolverEvent>) -> Result<std::vector<Json>> {
    return lift::Error{"Unavailable", "authors are unavailable", 503};
  });
  auto unavailable = invoke(failing, author_batch({"p1", "p2"}));
  ASSERT_FALSE(unavailable);
  EXPECT_EQ(unavailable.error().code, "Unavailable");
}

// ---- groups ----

TEST(AppSyncRoutes, RoutesOnAGroupRunInsideItsMiddleware) {
  std::vector<std::string> log;
  App app;
  app.use([&log](Context&, const Next& next) -> Result<void> {
    log.push_back("app");
    return next();
  });
  auto admin = app.group("/admin");
  admin.use([&log](Context& ctx, const Next& next) -> Result<void> {
    log.push_back("admin");
    const auto* e = ctx.record<AppSyncResolverEvent>();
    if (e == nullptr || e->username() != "root") return lift::errors::forbidden("admins only");
    return next();
  });
  admin.graphql("Mutation.deleteTodo", [&log](Context&) {
    log.push_back("handler");
    return true;
  });
  app.graphql("Query.*", [&log](Context&) { log.push_back("query"); });

  auto denied = invoke(app, field_event("Mutation", "deleteTodo"));
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, "Forbidden");
  EXPECT_EQ(denied.error().message, "admins only");
  auto query = invoke(app, field_event("Query", "listTodos"));
  ASSERT_TRUE(query) << query.error().message;
  EXPECT_EQ(log, (std::vector<std::string>{"app", "admin", "app", "query"}));
}

}  // namespace
