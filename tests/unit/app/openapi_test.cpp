// The OpenAPI document: typed query and header parameters, the error responses the framework
// knows and those a route declares, and the title taken from the service's name.
#include <errno.h>  // program_invocation_short_name
#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "support/scoped_env.hpp"

namespace openapi_test {

struct PageParams {
  std::int32_t limit = 25;
  std::optional<std::string> cursor;
};
BOOST_DESCRIBE_STRUCT(PageParams, (), (limit, cursor))
inline void lift_rules(lift::json::Rules<PageParams>& r) { r.field(&PageParams::limit).min(1).max(100); }

struct Version {
  std::int64_t if_match = 0;
};
BOOST_DESCRIBE_STRUCT(Version, (), (if_match))
inline void lift_rules(lift::json::Rules<Version>& r) { r.field(&Version::if_match).required(); }

struct Checked {
  std::string title;
};
BOOST_DESCRIBE_STRUCT(Checked, (), (title))
inline void lift_rules(lift::json::Rules<Checked>& r) { r.field(&Checked::title).required(); }

struct Plain {
  std::string title;
};
BOOST_DESCRIBE_STRUCT(Plain, (), (title))

// No rules of its own, but it holds a type that has some.
struct Batch {
  std::vector<Checked> items;
};
BOOST_DESCRIBE_STRUCT(Batch, (), (items))

}  // namespace openapi_test

namespace {

using namespace openapi_test;
using lift::App;
using lift::Context;
using lift::Result;
namespace bj = boost::json;

App documented_app() {
  App app;
  app.get("/todos", [](Context&, lift::Query<PageParams>) { return Plain{}; }).summary("List the todos");
  app.get("/todos/:id", [](Context&) { return Plain{}; }).errors({404});
  app.patch("/todos/:id", [](Context&, lift::Headers<Version>, Checked) -> Result<Plain> { return Plain{}; })
      .errors({404, 409})
      .error(428, "If-Match is missing");
  app.put("/todos/:id", [](Context&, Plain) { return Plain{}; });
  app.post("/batches", [](Context&, Batch) { return Plain{}; });
  return app;
}

std::set<std::string> statuses(const bj::value& operation) {
  std::set<std::string> out;
  for (const auto& [key, value] : operation.at("responses").as_object()) out.emplace(key);
  return out;
}

TEST(OpenApiParameters, QueryAndHeaderStructsAreDocumentedWithTheirTypesAndRules) {
  const auto doc = documented_app().openapi();
  const auto& list = doc.at("paths").at("/todos").at("get");
  EXPECT_EQ(list.at("summary"), "List the todos");
  const auto& parameters = list.at("parameters").as_array();
  ASSERT_EQ(parameters.size(), 2u) << bj::serialize(list);
  EXPECT_EQ(parameters.at(0).at("name"), "limit");
  EXPECT_EQ(parameters.at(0).at("in"), "query");
  EXPECT_EQ(parameters.at(0).at("required"), false);
  EXPECT_EQ(parameters.at(0).at("schema").at("type"), "integer");
  EXPECT_EQ(parameters.at(0).at("schema").at("minimum"), 1);
  EXPECT_EQ(parameters.at(0).at("schema").at("maximum"), 100);
  EXPECT_EQ(parameters.at(1).at("name"), "cursor");
  EXPECT_EQ(parameters.at(1).at("schema").at("type"), "string");

  // Path parameters first, then the headers, named as they are sent.
  const auto& patch = doc.at("paths").at("/todos/{id}").at("patch").at("parameters").as_array();
  ASSERT_EQ(patch.size(), 2u);
  EXPECT_EQ(patch.at(0).at("in"), "path");
  EXPECT_EQ(patch.at(1).at("name"), "If-Match");
  EXPECT_EQ(patch.at(1).at("in"), "header");
  EXPECT_EQ(patch.at(1).at("required"), true);
  EXPECT_EQ(patch.at(1).at("schema").at("format"), "int64");
}

TEST(OpenApiResponses, FrameworkErrorsAreDerivedAndRouteErrorsDeclared) {
  const auto doc = documented_app().openapi();
  const auto& paths = doc.at("paths");
  // Parameters only: 400.
  EXPECT_EQ(statuses(paths.at("/todos").at("get")), (std::set<std::string>{"200", "400", "default"}));
  // Nothing bound: only what the route declared.
  EXPECT_EQ(statuses(paths.at("/todos/{id}").at("get")), (std::set<std::string>{"200", "404", "default"}));
  // A body with rules: 422; the declared ones with their descriptions.
  const auto& patch = paths.at("/todos/{id}").at("patch");
  EXPECT_EQ(statuses(patch), (std::set<std::string>{"200", "400", "404", "409", "415", "422", "428", "default"}));
  EXPECT_EQ(patch.at("responses").at("404").at("description"), "Not Found");
  EXPECT_EQ(patch.at("responses").at("409").at("description"), "Conflict");
  EXPECT_EQ(patch.at("responses").at("428").at("description"), "If-Match is missing");
  EXPECT_EQ(patch.at("responses").at("428").at("content").at("application/json").at("schema").at("$ref"),
            "#/components/schemas/Error");
  // A body without rules cannot be 422; one holding a type with rules can.
  EXPECT_FALSE(statuses(paths.at("/todos/{id}").at("put")).contains("422"));
  EXPECT_TRUE(statuses(paths.at("/batches").at("post")).contains("422"));
}

TEST(OpenApiResponses, ADeclaredStatusThatIsNotAnErrorIsARegistrationMistake) {
  App app;
  app.get("/a", [](Context&) { return Plain{}; }).errors({404, 200});
  auto checked = app.check();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("error status 200 declared for GET /a"), std::string::npos) << checked.error().message;
  // After the app started serving, documentation no longer changes.
  App serving;
  auto route = serving.get("/b", [](Context&) { return Plain{}; });
  ASSERT_TRUE(serving.check());
  route.errors({404});
  EXPECT_FALSE(serving.check());
  EXPECT_FALSE(statuses(serving.openapi().at("paths").at("/b").at("get")).contains("404"));
}

TEST(OpenApiInfo, TheTitleIsTheServiceNameUnlessTheAppNamesIt) {
  {
    lift::testing_support::ScopedEnv service("POWERTOOLS_SERVICE_NAME", "orders");
    lift::testing_support::ScopedEnv function("AWS_LAMBDA_FUNCTION_NAME", "orders-prod-fn");
    EXPECT_EQ(documented_app().openapi().at("info").at("title"), "orders");
  }
  {
    lift::testing_support::ScopedEnv service("POWERTOOLS_SERVICE_NAME", nullptr);
    lift::testing_support::ScopedEnv function("AWS_LAMBDA_FUNCTION_NAME", "orders-prod-fn");
    EXPECT_EQ(documented_app().openapi().at("info").at("title"), "orders-prod-fn");
  }
  {
    lift::testing_support::ScopedEnv service("POWERTOOLS_SERVICE_NAME", nullptr);
    lift::testing_support::ScopedEnv function("AWS_LAMBDA_FUNCTION_NAME", nullptr);
    // The executable's name.
    EXPECT_EQ(documented_app().openapi().at("info").at("title"), program_invocation_short_name);
  }
  lift::testing_support::ScopedEnv service("POWERTOOLS_SERVICE_NAME", "orders");
  auto app = documented_app();
  app.openapi_info({.title = "Orders API", .version = "2.1.0", .description = "Orders and their shipping"});
  const auto info = app.openapi().at("info");
  EXPECT_EQ(info.at("title"), "Orders API");
  EXPECT_EQ(info.at("version"), "2.1.0");
  EXPECT_EQ(info.at("description"), "Orders and their shipping");
  EXPECT_EQ(app.openapi({.title = "explicit"}).at("info").at("title"), "explicit");
}

}  // namespace
