// Authentication and authorization middleware on real invocations: JWTs from the Authorization
// header (HS256 minted here), API keys, principals API Gateway already verified, roles, scopes
// and attribute rules; every refusal is a 401 or 403 answer with its reason.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lift/lift.hpp"
#include "lift/middleware/auth.hpp"
#include "lift/observability/logger.hpp"
#include "lift/security/errors.hpp"
#include "lift/security/jwt.hpp"
#include "lift/security/key.hpp"

namespace {

namespace sec = lift::security;

const std::string kSecret = "0123456789abcdef0123456789abcdef";  // 32 bytes, as HS256 requires

sec::Key key() { return *sec::Key::hmac(sec::Algorithm::HS256, kSecret); }

std::string token(boost::json::object claims, std::chrono::seconds expires_in = std::chrono::seconds(300)) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!claims.contains("exp")) claims["exp"] = now + expires_in.count();
  claims["iat"] = now;
  auto signed_token = sec::sign_jwt(claims, key());
  EXPECT_TRUE(signed_token) << signed_token.error().message;
  return signed_token ? *signed_token : std::string();
}

std::string event(const std::string& path, const std::string& headers, const std::string& authorizer = "") {
  return R"({"version":"2.0","routeKey":"$default","rawPath":")" + path + R"(","rawQueryString":"","headers":{)" + headers +
         R"(},"requestContext":{"http":{"method":"GET","path":")" + path + R"(","sourceIp":"203.0.113.9"},"requestId":"r-1",)" +
         (authorizer.empty() ? "" : R"("authorizer":)" + authorizer + ",") +
         R"("stage":"$default","domainName":"x.execute-api.eu-west-1.amazonaws.com"},"isBase64Encoded":false})";
}

struct Answer {
  int status = 0;
  boost::json::value body;
};

Answer call(const lift::App& app, const std::string& payload) {
  lift::runtime::Invocation in;
  in.context.request_id = "req-1";
  in.payload = payload;
  auto answer = app.invoke(in);
  EXPECT_TRUE(answer) << answer.error().message;
  if (!answer) return {};
  const auto response = boost::json::parse(answer->body);
  const auto& text = response.at("body").as_string();
  return {static_cast<int>(response.at("statusCode").as_int64()), text.empty() ? boost::json::value() : boost::json::parse(text)};
}

std::string bearer(const std::string& t) { return R"("authorization":"Bearer )" + t + R"(")"; }

lift::App jwt_app(bool optional = false) {
  lift::App app;
  app.use(lift::mw::jwt_auth(std::make_shared<sec::JwtVerifier>(key()), {.optional = optional}));
  app.get("/me", [](lift::Context& ctx) {
    const auto* who = lift::mw::principal_of(ctx);
    return boost::json::value{{"subject", who != nullptr ? who->subject : "anonymous"},
                              {"tenant", who != nullptr && who->tenant ? *who->tenant : ""}};
  });
  auto admin = app.group("/admin");
  admin.use(lift::mw::require_role("admin"));
  admin.get("/stats", [](lift::Context&) { return boost::json::value{{"ok", true}}; });
  auto orders = app.group("/orders");
  orders.use(lift::mw::require_scope("orders:read"));
  orders.get("/list", [](lift::Context&) { return boost::json::value{{"ok", true}}; });
  auto tenants = app.group("/tenants");
  tenants.use(lift::mw::require(
      [](const sec::Principal& p, const lift::Context& ctx) { return p.tenant && ctx.param("tenant") == *p.tenant; },
      "wrong_tenant"));
  tenants.get("/:tenant/todos", [](lift::Context&) { return boost::json::value{{"ok", true}}; });
  auto orgs = app.group("/orgs");
  orgs.use(lift::mw::require_tenant("org"));
  orgs.get("/:org/todos", [](lift::Context& ctx) -> lift::Result<boost::json::value> {
    auto tenant = lift::mw::tenant_of(ctx);
    if (!tenant) return std::move(tenant).error();
    return boost::json::value{{"tenant", *tenant}};
  });
  app.get("/mine", [](lift::Context& ctx) -> lift::Result<boost::json::value> {
    auto tenant = lift::mw::tenant_of(ctx);
    if (!tenant) return std::move(tenant).error();
    return boost::json::value{{"tenant", *tenant}};
  });
  return app;
}

std::string reason(const Answer& a) {
  // The error body lists the details; the security layer's reason is the one named "reason".
  for (const auto& d : a.body.at("error").at("details").as_array()) {
    if (d.at("field") == "reason") return std::string(d.at("message").as_string());
  }
  return "";
}

TEST(AuthMiddleware, AValidTokenGivesAPrincipal) {
  const auto app = jwt_app();
  auto me = call(app, event("/me", bearer(token({{"sub", "u-1"}, {"tenant_id", "t-a"}}))));
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body.at("subject"), "u-1");
  EXPECT_EQ(me.body.at("tenant"), "t-a");
}

TEST(AuthMiddleware, MissingForgedAndExpiredTokensAre401WithTheirReason) {
  const auto app = jwt_app();
  auto none = call(app, event("/me", ""));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(reason(none), "no_token");

  auto good = token({{"sub", "u-1"}});
  auto forged = good;
  forged[forged.size() - 2] = forged[forged.size() - 2] == 'A' ? 'B' : 'A';
  auto bad = call(app, event("/me", bearer(forged)));
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(reason(bad), "bad_signature");

  auto expired = call(app, event("/me", bearer(token({{"sub", "u-1"}}, std::chrono::seconds(-3600)))));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(reason(expired), "expired");

  auto other_scheme = call(app, event("/me", R"("authorization":"Basic dTpw")"));
  EXPECT_EQ(other_scheme.status, 401);
}

TEST(AuthMiddleware, RolesScopesAndAttributeRulesAre403) {
  const auto app = jwt_app();
  const auto user = token({{"sub", "u-1"}, {"tenant_id", "t-a"}, {"roles", boost::json::array{"user"}}, {"scope", "orders:read"}});
  const auto admin = token({{"sub", "u-2"}, {"roles", boost::json::array{"admin"}}});
  auto denied = call(app, event("/admin/stats", bearer(user)));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(reason(denied), "missing_role");
  EXPECT_EQ(call(app, event("/admin/stats", bearer(admin))).status, 200);
  EXPECT_EQ(call(app, event("/orders/list", bearer(user))).status, 200);
  auto no_scope = call(app, event("/orders/list", bearer(admin)));
  EXPECT_EQ(no_scope.status, 403);
  EXPECT_EQ(reason(no_scope), "missing_scope");
  EXPECT_EQ(call(app, event("/tenants/t-a/todos", bearer(user))).status, 200);
  auto other_tenant = call(app, event("/tenants/t-b/todos", bearer(user)));
  EXPECT_EQ(other_tenant.status, 403);
  EXPECT_EQ(reason(other_tenant), "wrong_tenant");
}

TEST(AuthMiddleware, TheTenantComesFromThePrincipalAndRoutesNamingAnotherAre403) {
  const auto app = jwt_app();
  const auto acme = token({{"sub", "u-1"}, {"tenant_id", "acme"}});
  const auto no_tenant = token({{"sub", "u-2"}});
  auto mine = call(app, event("/mine", bearer(acme)));
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body.at("tenant"), "acme");
  auto none = call(app, event("/mine", bearer(no_tenant)));
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(reason(none), "wrong_tenant");
  EXPECT_EQ(call(app, event("/orgs/acme/todos", bearer(acme))).status, 200);
  auto other = call(app, event("/orgs/umbrella/todos", bearer(acme)));
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(reason(other), "wrong_tenant");
  EXPECT_EQ(call(app, event("/orgs/acme/todos", bearer(no_tenant))).status, 403);
}

TEST(AuthMiddleware, OptionalAuthLetsAnonymousThroughButNotBadTokens) {
  const auto app = jwt_app(true);
  auto anonymous = call(app, event("/me", ""));
  EXPECT_EQ(anonymous.status, 200);
  EXPECT_EQ(anonymous.body.at("subject"), "anonymous");
  EXPECT_EQ(call(app, event("/me", bearer("not.a.token"))).status, 401);
  EXPECT_EQ(call(app, event("/admin/stats", "")).status, 401);  // a role check needs a principal
}

TEST(AuthMiddleware, ApiKeys) {
  auto store = std::make_shared<sec::MemoryApiKeyStore>();
  const auto issued = sec::generate_api_key("svc");
  sec::ApiKeyRecord record;
  record.id = issued.id;
  record.hash = issued.hash;
  record.principal.subject = "billing-service";
  store->put(record);
  lift::App app;
  app.use(lift::mw::api_key_auth(std::make_shared<sec::ApiKeyVerifier>(store)));
  app.get("/me", [](lift::Context& ctx) { return boost::json::value{{"subject", lift::mw::principal_of(ctx)->subject}}; });
  auto ok = call(app, event("/me", R"("x-api-key":")" + issued.key + R"(")"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body.at("subject"), "billing-service");
  auto wrong = call(app, event("/me", R"("x-api-key":")" + issued.id + R"(.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(reason(wrong), "invalid_api_key");
  EXPECT_EQ(call(app, event("/me", "")).status, 401);
}

TEST(AuthMiddleware, PrincipalsVerifiedByApiGateway) {
  lift::App app;
  app.use(lift::mw::gateway_principal({.roles_claim = "cognito:groups"}));
  app.get("/me", [](lift::Context& ctx) {
    const auto* who = lift::mw::principal_of(ctx);
    boost::json::array scopes;
    for (const auto& s : who->scopes) scopes.emplace_back(s);
    return boost::json::value{{"subject", who->subject}, {"admin", who->has_role("admin")}, {"scopes", scopes}};
  });
  // An HTTP API JWT authorizer: read from the event, which the fast path parses on demand.
  auto jwt = call(app, event("/me", "", R"({"jwt":{"claims":{"sub":"u-9","cognito:groups":"admin"},"scopes":["orders:read"]}})"));
  EXPECT_EQ(jwt.status, 200);
  EXPECT_EQ(jwt.body.at("subject"), "u-9");
  EXPECT_EQ(jwt.body.at("admin"), true);
  EXPECT_EQ(jwt.body.at("scopes").at(0), "orders:read");
  auto lambda = call(app, event("/me", "", R"({"lambda":{"sub":"u-7"}})"));
  EXPECT_EQ(lambda.body.at("subject"), "u-7");
  EXPECT_EQ(call(app, event("/me", "")).status, 401);
  // A REST API with a Cognito user-pool authorizer (the DOM path).
  auto rest = call(app, R"({"resource":"/me","path":"/me","httpMethod":"GET","headers":{},"multiValueHeaders":{},
    "requestContext":{"authorizer":{"claims":{"sub":"u-5","cognito:groups":"admin,ops"}},"requestId":"r-2","stage":"prod",
    "identity":{"sourceIp":"198.51.100.4"}},"isBase64Encoded":false})");
  EXPECT_EQ(rest.status, 200);
  EXPECT_EQ(rest.body.at("subject"), "u-5");
  EXPECT_EQ(rest.body.at("admin"), true);
}

TEST(LogMasking, TheLoggerWritesNoSecretsOrPersonalData) {
  std::vector<std::string> lines;
  lift::observability::LoggerOptions options;
  options.sink = [&lines](std::string_view line) { lines.emplace_back(line); };
  options.mask = lift::mw::log_masking(std::make_shared<sec::Masker>());
  lift::observability::Logger logger(std::move(options));
  logger.info("signed up", {{"password", "hunter2"},
                            {"contact", "write to jane.doe@example.com"},
                            {"payment", boost::json::value{{"card", "4111 1111 1111 1111"}, {"plan", "pro"}}},
                            {"attempts", 3}});
  ASSERT_EQ(lines.size(), 1u);
  const auto line = boost::json::parse(lines[0]);
  EXPECT_EQ(line.at("password"), "***");
  EXPECT_EQ(lines[0].find("hunter2"), std::string::npos);
  EXPECT_EQ(lines[0].find("jane.doe@"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("4111 1111 1111 1111"), std::string::npos) << lines[0];
  EXPECT_EQ(line.at("payment").at("plan"), "pro");
  EXPECT_EQ(line.at("attempts"), 3);
}

lift::Result<lift::runtime::Response> invoke_event(const lift::App& app, const std::string& payload) {
  lift::runtime::Invocation in;
  in.context.request_id = "req-9";
  in.payload = payload;
  return app.invoke(in);
}

TEST(JwtAuthorizers, TokenAuthorizerAllowsTheStageOrFailsWithUnauthorized) {
  lift::App app;
  app.authorizer(lift::mw::jwt_token_authorizer(std::make_shared<sec::JwtVerifier>(key())));
  const auto event = [](const std::string& authorization) {
    return R"({"type":"TOKEN","authorizationToken":")" + authorization +
           R"(","methodArn":"arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod/GET/orders/7"})";
  };
  auto allowed = invoke_event(app, event("Bearer " + token({{"sub", "u-1"}, {"tenant_id", "t-a"}, {"roles", "admin"}})));
  ASSERT_TRUE(allowed) << allowed.error().message;
  const auto policy = boost::json::parse(allowed->body);
  EXPECT_EQ(policy.at("principalId"), "u-1");
  const auto& statement = policy.at("policyDocument").at("Statement").at(0);
  EXPECT_EQ(statement.at("Effect"), "Allow");
  const auto& action = statement.at("Action");  // a string or a list, as AWS accepts both
  EXPECT_EQ(action.is_array() ? action.at(0) : action, "execute-api:Invoke");
  const auto& resource = statement.at("Resource");
  const auto arn = resource.is_array() ? resource.at(0) : resource;
  EXPECT_EQ(arn, "arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod/*/*");
  EXPECT_EQ(policy.at("context").at("tenant_id"), "t-a");
  EXPECT_EQ(policy.at("context").at("roles"), "admin");

  for (const auto& bad : {std::string("Bearer not.a.token"), std::string("Basic dTpw"), std::string(""),
                          "Bearer " + token({{"sub", "u-1"}}, std::chrono::seconds(-3600))}) {
    auto refused = invoke_event(app, event(bad));
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().message, "Unauthorized") << bad;  // API Gateway's cue for 401
  }
}

TEST(JwtAuthorizers, SimpleResponsesForHttpApis) {
  lift::App app;
  app.authorizer(lift::mw::jwt_simple_authorizer(std::make_shared<sec::JwtVerifier>(key())));
  const auto event = [](const std::string& authorization) {
    return R"({"version":"2.0","type":"REQUEST","routeArn":"arn:aws:execute-api:eu-west-1:123456789012:abcdef123/$default/GET/me",
      "identitySource":[")" + authorization + R"("],"routeKey":"GET /me","rawPath":"/me","rawQueryString":"",
      "headers":{"authorization":")" + authorization + R"("},"requestContext":{"http":{"method":"GET","path":"/me"}}})";
  };
  auto allowed = invoke_event(app, event("Bearer " + token({{"sub", "u-3"}, {"scope", "orders:read"}})));
  ASSERT_TRUE(allowed) << allowed.error().message;
  const auto answer = boost::json::parse(allowed->body);
  EXPECT_EQ(answer.at("isAuthorized"), true);
  EXPECT_EQ(answer.at("context").at("sub"), "u-3");
  EXPECT_EQ(answer.at("context").at("scope"), "orders:read");
  auto denied = invoke_event(app, event("Bearer forged.token.value"));
  ASSERT_TRUE(denied) << denied.error().message;
  EXPECT_EQ(boost::json::parse(denied->body).at("isAuthorized"), false);
}

}  // namespace
