// AppSync direct Lambda resolver events: the model over AWS's samples (single, batched and
// Amplify @function shapes), the identity of each authorization mode, detection and its near
// misses, malformed events, typed arguments, batch answers and the generated sample.
#include "lift/events/appsync.hpp"

#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "lift/events/detect.hpp"
#include "event_samples.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/requirements.hpp"

namespace appsync_test {

struct GetTodoArgs {
  std::string id;
  int limit = 10;
};
BOOST_DESCRIBE_STRUCT(GetTodoArgs, (), (id, limit))
inline void lift_rules(lift::json::Rules<GetTodoArgs>& r) {
  r.field(&GetTodoArgs::id).required().length(1, 36);
  r.field(&GetTodoArgs::limit).min(1).max(100);
}

}  // namespace appsync_test

namespace {

namespace events = lift::events;
using appsync_test::GetTodoArgs;
using events::AppSyncAuthType;
using events::AppSyncResolver;
using lift::testing_support::json_of;
using Json = boost::json::value;

// AWS's samples of the source, by file (events-new/appsync-resolver/... and events/unknown/...).
Json appsync_sample(const std::string& path) { return json_of(lift::testing_support::read_file(std::string(LIFT_TESTDATA_DIR) + "/" + path)); }

bool samples_available() { return !lift::testing_support::read_file(std::string(LIFT_TESTDATA_DIR) + "/events-new/manifest.tsv").empty(); }

const std::vector<std::string> kSamples = {
    "events-new/appsync-resolver/pt-appSyncDirectResolver.json",
    "events-new/appsync-resolver/pt-appSyncBatchEvent.json",
    "events-new/appsync-resolver/pt-appSyncResolverEvent.json",
    "events/unknown/pt-appSyncResolverEvent.json",
};

// A direct resolver's context with `identity` (null for API keys).
Json event_with_identity(Json identity) {
  return Json{{"arguments", {{"id", "1"}}},
              {"identity", std::move(identity)},
              {"source", nullptr},
              {"request", {{"headers", {{"host", "x.appsync-api.us-east-1.amazonaws.com"}}}, {"domainName", nullptr}}},
              {"prev", nullptr},
              {"info",
               {{"selectionSetList", boost::json::array{"id", "title", "owner", "owner/name"}},
                {"selectionSetGraphQL", "{ id title owner { name } }"},
                {"parentTypeName", "Query"},
                {"fieldName", "getTodo"},
                {"variables", boost::json::object{}}}},
              {"stash", boost::json::object{}}};
}

events::AppSyncResolverEvent parsed_one(const Json& event) {
  auto invocation = events::parse_appsync(event);
  EXPECT_TRUE(invocation) << (invocation ? "" : invocation.error().message);
  if (!invocation || invocation->items.size() != 1) return {};
  return invocation->items.front();
}

// Every member name of every object in `json`, recursively.
void member_names(const Json& json, std::set<std::string>& names) {
  if (const auto* object = json.if_object()) {
    for (const auto& [key, value] : *object) {
      names.emplace(key);
      member_names(value, names);
    }
  } else if (const auto* array = json.if_array()) {
    for (const auto& item : *array) member_names(item, names);
  }
}

// ---- AWS's samples ----

TEST(AppSync, EverySampleIsDetectedAndParses) {
  if (!samples_available()) LIFT_SKIP_WITHOUT() << "sample events not available";
  for (const auto& path : kSamples) {
    const auto event = appsync_sample(path);
    EXPECT_EQ(events::detect(event), events::kind_of<AppSyncResolver>) << path;
    auto invocation = events::parse_appsync(event);
    ASSERT_TRUE(invocation) << path << ": " << invocation.error().message;
    EXPECT_EQ(invocation->batch, event.is_array()) << path;
    // The model says nothing the event did not.
    const auto raw = AppSyncResolver::raw_records(event);
    ASSERT_EQ(raw.size(), invocation->items.size()) << path;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const auto problem = lift_test::not_subset(lift::json::to_json(invocation->items[i]), *raw[i]);
      EXPECT_FALSE(problem) << path << ": " << problem.value_or("");
    }
    EXPECT_FALSE(events::inspect(event).contains("error")) << path;
  }
}

TEST(AppSync, DirectResolverSample) {
  if (!samples_available()) LIFT_SKIP_WITHOUT() << "sample events not available";
  const auto e = parsed_one(appsync_sample(kSamples[0]));
  EXPECT_EQ(e.field_path(), "Mutation.createSomething");
  EXPECT_EQ(e.parent_type_name(), "Mutation");
  EXPECT_EQ(e.field_name(), "createSomething");
  EXPECT_EQ(e.arguments.at("id"), "my identifier");
  EXPECT_EQ(e.auth_type(), AppSyncAuthType::amazon_cognito_user_pools);
  EXPECT_EQ(e.sub(), "192879fc-a240-4bf1-ab5a-d6a00f3063f9");
  EXPECT_EQ(e.username(), "jdoe");
  EXPECT_EQ(e.claims().at("email"), "jdoe@email.com");
  ASSERT_TRUE(e.identity);
  EXPECT_EQ(e.identity->defaultAuthStrategy, "ALLOW");
  EXPECT_FALSE(e.identity->groups);  // null
  EXPECT_EQ(e.identity->sourceIp, std::vector<std::string>{"1.1.1.1"});
  EXPECT_EQ(std::vector<std::string>(e.selection_set().begin(), e.selection_set().end()),
            (std::vector<std::string>{"id", "field1", "field2"}));
  EXPECT_TRUE(e.selects("field1"));
  EXPECT_FALSE(e.selects("field3"));
  EXPECT_EQ(e.header("host"), "xxxxxxxxxxxxxxxx.appsync-api.us-west-1.amazonaws.com");
  EXPECT_EQ(e.header("X-Forwarded-For"), "1.1.1.1, 2.2.2.2");
  EXPECT_EQ(e.header("x-absent"), "");
  EXPECT_FALSE(e.source);  // null: a Mutation field
  EXPECT_FALSE(e.prev);
  ASSERT_TRUE(e.stash);
  EXPECT_TRUE(e.stash->as_object().empty());
  EXPECT_EQ(e.info->selectionSetGraphQL, "{\n  id\n  field1\n  field2\n}");
}

TEST(AppSync, BatchSample) {
  if (!samples_available()) LIFT_SKIP_WITHOUT() << "sample events not available";
  auto invocation = events::parse_appsync(appsync_sample(kSamples[1]));
  ASSERT_TRUE(invocation);
  EXPECT_TRUE(invocation->batch);
  ASSERT_EQ(invocation->items.size(), 2u);
  EXPECT_EQ(invocation->items[0].arguments.at("user_id"), "1");
  EXPECT_EQ(invocation->items[1].arguments.at("user_id"), "2");
  for (const auto& e : invocation->items) {
    EXPECT_EQ(e.field_path(), "Mutation.createSomething");
    EXPECT_EQ(e.auth_type(), AppSyncAuthType::amazon_cognito_user_pools);  // a user name: a user pool
    EXPECT_EQ(e.username(), "jdoe");
    EXPECT_FALSE(e.request);
    EXPECT_TRUE(e.claims().is_null());
  }
  const auto summary = events::inspect(appsync_sample(kSamples[1]));
  EXPECT_EQ(summary.at("records"), 2);
  EXPECT_EQ(summary.at("field"), "Mutation.createSomething");
  EXPECT_EQ(summary.at("batch"), true);
  EXPECT_EQ(summary.at("summary").as_array().size(), 2u);
}

TEST(AppSync, AmplifyFunctionSampleNamesTheFieldAtTheTop) {
  if (!samples_available()) LIFT_SKIP_WITHOUT() << "sample events not available";
  for (const auto& path : {kSamples[2], kSamples[3]}) {
    const auto e = parsed_one(appsync_sample(path));
    EXPECT_FALSE(e.info) << path;
    EXPECT_EQ(e.field_path(), "Merchant.locations") << path;
    EXPECT_EQ(e.arguments.at("page"), 2) << path;
    ASSERT_TRUE(e.source) << path;
    EXPECT_EQ(e.source->at("name"), "Value") << path;
    ASSERT_TRUE(e.prev) << path;
    EXPECT_TRUE(e.prev->at("result").is_object()) << path;
    EXPECT_EQ(e.username(), "mike") << path;
    EXPECT_EQ(e.claims().at("name"), "Michael Brewer") << path;
    EXPECT_TRUE(e.selection_set().empty()) << path;
    const auto summary = events::inspect(appsync_sample(path));
    EXPECT_EQ(summary.at("field"), "Merchant.locations") << path;
    EXPECT_EQ(summary.at("auth"), "AMAZON_COGNITO_USER_POOLS") << path;
  }
}

// ---- identity ----

TEST(AppSync, IdentityOfEachAuthorizationMode) {
  // API_KEY: no identity.
  auto api_key = parsed_one(event_with_identity(nullptr));
  EXPECT_FALSE(api_key.identity);
  EXPECT_EQ(api_key.auth_type(), AppSyncAuthType::api_key);
  EXPECT_EQ(api_key.sub(), "");
  EXPECT_TRUE(api_key.claims().is_null());
  EXPECT_EQ(events::inspect(event_with_identity(nullptr)).at("auth"), "API_KEY");

  // AWS_IAM, signed with an IAM user's credentials and through a Cognito identity pool.
  auto iam = parsed_one(event_with_identity(Json{{"accountId", "123456789012"},
                                                 {"cognitoIdentityAuthProvider", nullptr},
                                                 {"cognitoIdentityAuthType", nullptr},
                                                 {"cognitoIdentityId", nullptr},
                                                 {"cognitoIdentityPoolId", nullptr},
                                                 {"sourceIp", {"203.0.113.7"}},
                                                 {"userArn", "arn:aws:iam::123456789012:user/jdoe"},
                                                 {"username", "AIDAEXAMPLE"}}));
  EXPECT_EQ(iam.auth_type(), AppSyncAuthType::aws_iam);
  EXPECT_EQ(iam.identity->userArn, "arn:aws:iam::123456789012:user/jdoe");
  EXPECT_EQ(iam.username(), "AIDAEXAMPLE");
  EXPECT_FALSE(iam.identity->cognitoIdentityId);
  EXPECT_EQ(iam.sub(), "");
  auto pool = parsed_one(event_with_identity(Json{{"accountId", "123456789012"},
                                                  {"cognitoIdentityAuthProvider", "\"cognito-idp.us-east-1.amazonaws.com/us-east-1_X\""},
                                                  {"cognitoIdentityAuthType", "authenticated"},
                                                  {"cognitoIdentityId", "us-east-1:1234"},
                                                  {"cognitoIdentityPoolId", "us-east-1:pool"},
                                                  {"sourceIp", {"203.0.113.7"}},
                                                  {"userArn", "arn:aws:sts::123456789012:assumed-role/Auth/CognitoIdentityCredentials"},
                                                  {"username", "AROAEXAMPLE:CognitoIdentityCredentials"}}));
  EXPECT_EQ(pool.auth_type(), AppSyncAuthType::aws_iam);
  EXPECT_EQ(pool.identity->cognitoIdentityId, "us-east-1:1234");
  EXPECT_EQ(pool.identity->cognitoIdentityAuthType, "authenticated");

  // AMAZON_COGNITO_USER_POOLS, with groups.
  auto cognito = parsed_one(event_with_identity(Json{{"claims", {{"sub", "u-1"}, {"cognito:groups", {"admin"}}}},
                                                     {"defaultAuthStrategy", "ALLOW"},
                                                     {"groups", {"admin"}},
                                                     {"issuer", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X"},
                                                     {"sourceIp", {"203.0.113.7"}},
                                                     {"sub", "u-1"},
                                                     {"username", "jdoe"}}));
  EXPECT_EQ(cognito.auth_type(), AppSyncAuthType::amazon_cognito_user_pools);
  EXPECT_EQ(cognito.identity->groups, std::vector<std::string>{"admin"});
  EXPECT_EQ(cognito.sub(), "u-1");

  // OPENID_CONNECT: the token's subject, issuer and claims.
  auto oidc = parsed_one(event_with_identity(Json{{"claims", {{"sub", "oidc|42"}, {"email", "a@example.com"}}},
                                                  {"issuer", "https://auth.example.com"},
                                                  {"sub", "oidc|42"}}));
  EXPECT_EQ(oidc.auth_type(), AppSyncAuthType::openid_connect);
  EXPECT_EQ(oidc.sub(), "oidc|42");
  EXPECT_EQ(oidc.claims().at("email"), "a@example.com");
  EXPECT_EQ(oidc.username(), "");

  // AWS_LAMBDA: what the authorizer returned.
  auto lambda = parsed_one(event_with_identity(Json{{"resolverContext", {{"tenant", "t-9"}}}}));
  EXPECT_EQ(lambda.auth_type(), AppSyncAuthType::aws_lambda);
  EXPECT_EQ(lambda.identity->resolverContext->at("tenant"), "t-9");

  EXPECT_EQ(events::to_string(AppSyncAuthType::aws_lambda), "AWS_LAMBDA");
  EXPECT_EQ(events::to_string(AppSyncAuthType::openid_connect), "OPENID_CONNECT");
}

// ---- detection ----

TEST(AppSync, DetectsSingleAndBatchedFieldsOnly) {
  const auto minimal = json_of(R"({"arguments":{},"info":{"fieldName":"f","parentTypeName":"Query"}})");
  EXPECT_EQ(events::detect(minimal), events::kind_of<AppSyncResolver>);
  EXPECT_EQ(events::detect(Json(boost::json::array{minimal, minimal})), events::kind_of<AppSyncResolver>);
  EXPECT_EQ(events::detect(json_of(R"({"arguments":{},"typeName":"Post","fieldName":"author"})")), events::kind_of<AppSyncResolver>);
  for (const auto* near_miss : {
           R"({"info":{"fieldName":"f","parentTypeName":"Query"}})",                 // no arguments
           R"({"arguments":{},"info":{"fieldName":"f"}})",                           // no type
           R"({"arguments":{},"info":{"fieldName":1,"parentTypeName":"Query"}})",    // not a string
           R"({"arguments":{},"info":{"fieldName":"","parentTypeName":"Query"}})",   // empty
           R"({"arguments":{},"info":"Query.f"})",                                   // info not an object
           R"({"arguments":{},"typeName":"Post"})",                                  // no field
           R"({"typeName":"Post","fieldName":"author"})",                            // no arguments
           R"({"arguments":{}})",
           R"([])",
           R"([1])",
           R"([{"arguments":{}}])",
           R"([[{"arguments":{},"info":{"fieldName":"f","parentTypeName":"Query"}}]])",
           R"("Query.f")",
       }) {
    EXPECT_EQ(events::detect(json_of(near_miss)), events::Kind::unknown()) << near_miss;
  }
}

// ---- malformed events ----

TEST(AppSync, MalformedEventsAreInvalidEventNamingThePath) {
  const auto error_of = [](const char* text) {
    auto parsed = events::parse_appsync(json_of(text));
    EXPECT_FALSE(parsed) << text;
    if (parsed) return lift::Error{};
    EXPECT_EQ(parsed.error().code, "InvalidEvent") << text;
    EXPECT_EQ(parsed.error().status, 400) << text;
    return parsed.error();
  };
  EXPECT_EQ(error_of(R"("text")").message, "expected object or array");
  EXPECT_EQ(error_of(R"(42)").message, "expected object or array");
  EXPECT_EQ(error_of(R"({"info":{"fieldName":"f","parentTypeName":"Q"}})").message, "arguments: is required");
  EXPECT_EQ(error_of(R"({"arguments":null,"info":{"fieldName":"f","parentTypeName":"Q"}})").message, "arguments: is required");
  EXPECT_NE(error_of(R"({"arguments":{}})").message.find("info: is required"), std::string::npos);
  EXPECT_EQ(error_of(R"({"arguments":{},"info":{"fieldName":"f"}})").message.substr(0, 32), "info.parentTypeName: is required");
  EXPECT_EQ(error_of(R"({"arguments":{},"info":{"fieldName":"f","parentTypeName":"Q","selectionSetList":"id"}})").message,
            "info.selectionSetList: expected array");
  EXPECT_EQ(error_of(R"({"arguments":{},"identity":{"sourceIp":"1.2.3.4"},"info":{"fieldName":"f","parentTypeName":"Q"}})").message,
            "identity.sourceIp: expected array");
  EXPECT_EQ(error_of(R"({"arguments":{},"request":{"headers":{"host":7}},"info":{"fieldName":"f","parentTypeName":"Q"}})").message,
            "request.headers[\"host\"]: expected string");
  // In a batch, the item's index leads the path.
  EXPECT_EQ(error_of(R"([{"arguments":{},"info":{"fieldName":"f","parentTypeName":"Q"}},{"arguments":{},"info":{"fieldName":"f"}}])")
                .message.substr(0, 36),
            "[1].info.parentTypeName: is required");
  EXPECT_EQ(error_of(R"([{"arguments":{},"info":{"fieldName":"f","parentTypeName":"Q"}},7])").message.substr(0, 3), "[1]");
  // An empty list is a batch of nothing.
  auto empty = events::parse_appsync(json_of("[]"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->batch);
  EXPECT_TRUE(empty->items.empty());
}

// ---- arguments and answers ----

TEST(AppSync, ArgumentsBindToADescribedStructWithItsRules) {
  auto e = parsed_one(json_of(R"({"arguments":{"id":"t-1","limit":5},"info":{"fieldName":"getTodo","parentTypeName":"Query"}})"));
  auto args = events::bind_arguments<GetTodoArgs>(e);
  ASSERT_TRUE(args) << args.error().message;
  EXPECT_EQ(args->id, "t-1");
  EXPECT_EQ(args->limit, 5);

  e.arguments = json_of(R"({"id":"t-1","limit":500})");
  auto invalid = events::bind_arguments<GetTodoArgs>(e);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, "ValidationFailed");
  EXPECT_EQ(invalid.error().message, "limit: must be at most 100");

  e.arguments = json_of(R"({"id":7})");
  auto mistyped = events::bind_arguments<GetTodoArgs>(e);
  ASSERT_FALSE(mistyped);
  EXPECT_EQ(mistyped.error().code, "InvalidArguments");
  EXPECT_EQ(mistyped.error().message, "id: expected string");

  e.arguments = json_of(R"({})");
  auto missing = events::bind_arguments<GetTodoArgs>(e);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "ValidationFailed");
  EXPECT_EQ(missing.error().message, "id: is required");
}

TEST(AppSync, ABatchAnswerHasAnEntryPerItemAndAppSyncsErrorShape) {
  const std::vector<lift::Result<std::optional<Json>>> outcomes{
      std::optional<Json>(Json{{"id", "1"}}),
      lift::Error{"NotFound", "no todo 2", 404},
      std::optional<Json>(),
  };
  EXPECT_EQ(Json(events::appsync_batch_answer(outcomes)),
            json_of(R"([{"id":"1"},{"data":null,"errorMessage":"no todo 2","errorType":"NotFound"},null])"));
  EXPECT_TRUE(events::appsync_batch_answer({}).empty());
}

TEST(AppSync, RoutePatternsNameTypeAndField) {
  auto e = parsed_one(json_of(R"({"arguments":{},"info":{"fieldName":"getTodo","parentTypeName":"Query"}})"));
  EXPECT_TRUE(AppSyncResolver::matches("Query.getTodo", e));
  EXPECT_TRUE(AppSyncResolver::matches("Query.*", e));
  EXPECT_TRUE(AppSyncResolver::matches("*.getTodo", e));
  EXPECT_TRUE(AppSyncResolver::matches("*", e));
  EXPECT_FALSE(AppSyncResolver::matches("Mutation.*", e));
  EXPECT_FALSE(AppSyncResolver::matches("Query.getTodos", e));
  EXPECT_EQ(AppSyncResolver::describe(e), "the GraphQL field Query.getTodo");
  EXPECT_FALSE(AppSyncResolver::check_pattern("Query.getTodo"));
  EXPECT_FALSE(AppSyncResolver::check_pattern("*"));
  EXPECT_FALSE(AppSyncResolver::check_pattern("Query?getTodo"));
  EXPECT_TRUE(AppSyncResolver::check_pattern("getTodo"));
}

// ---- the generated sample ----

TEST(AppSync, GeneratedSampleIsAnAppSyncEventInAwsShape) {
  auto generated = AppSyncResolver::sample({});
  ASSERT_TRUE(generated) << generated.error().message;
  EXPECT_EQ(events::detect(*generated), events::kind_of<AppSyncResolver>);
  auto parsed = AppSyncResolver::parse(*generated);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->batch);
  EXPECT_EQ(parsed->items.front().field_path(), "Query.getTodo");
  EXPECT_EQ(parsed->items.front().arguments.at("id"), "1");
  EXPECT_EQ(parsed->items.front().auth_type(), AppSyncAuthType::amazon_cognito_user_pools);
  EXPECT_FALSE(events::inspect(*generated).contains("error"));
  if (samples_available()) {
    std::set<std::string> aws;
    for (const auto& path : kSamples) member_names(appsync_sample(path), aws);
    std::set<std::string> ours;
    member_names(*generated, ours);
    for (const auto& name : ours) EXPECT_TRUE(aws.contains(name)) << name << " is in no AWS sample";
  }
}

TEST(AppSync, GeneratedSampleOptions) {
  events::AppSyncSampleOptions options;
  options.field = "Post.author";
  options.arguments = R"({"style":"short"})";
  options.batch = 3;
  options.auth = "iam";
  auto batch = AppSyncResolver::sample(options);
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_TRUE(batch->is_array());
  EXPECT_EQ(events::detect(*batch), events::kind_of<AppSyncResolver>);
  auto parsed = AppSyncResolver::parse(*batch);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->batch);
  ASSERT_EQ(parsed->items.size(), 3u);
  EXPECT_EQ(parsed->items[2].field_path(), "Post.author");
  EXPECT_EQ(parsed->items[2].source->at("id"), "3");  // a field of a type: its parent's value
  EXPECT_EQ(parsed->items[0].auth_type(), AppSyncAuthType::aws_iam);

  const std::pair<const char*, AppSyncAuthType> modes[] = {{"api-key", AppSyncAuthType::api_key},
                                                           {"cognito", AppSyncAuthType::amazon_cognito_user_pools},
                                                           {"oidc", AppSyncAuthType::openid_connect},
                                                           {"lambda", AppSyncAuthType::aws_lambda}};
  for (const auto& [auth, type] : modes) {
    events::AppSyncSampleOptions one;
    one.auth = auth;
    auto generated = AppSyncResolver::sample(one);
    ASSERT_TRUE(generated) << auth;
    auto typed = AppSyncResolver::parse(*generated);
    ASSERT_TRUE(typed) << auth;
    EXPECT_EQ(typed->items.front().auth_type(), type) << auth;
  }

  for (const auto& bad : std::vector<events::AppSyncSampleOptions>{
           {.field = "getTodo"}, {.field = ".getTodo"}, {.field = "Query."}, {.arguments = "[1]"},
           {.arguments = "{"}, {.auth = "password"}, {.batch = -1}, {.batch = 100000}}) {
    auto refused = AppSyncResolver::sample(bad);
    ASSERT_FALSE(refused) << bad.field << " " << bad.arguments << " " << bad.auth << " " << bad.batch;
    EXPECT_EQ(refused.error().code, "InvalidSample");
  }
}

}  // namespace
