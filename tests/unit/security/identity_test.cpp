// Principals, API keys and token extraction.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lift/security/api_key.hpp"
#include "lift/security/errors.hpp"
#include "lift/security/principal.hpp"
#include "lift/security/token.hpp"
#include "test_keys.hpp"

namespace {

namespace json = boost::json;
using namespace lift::security;
using lift::security::testing::reason;

TEST(Principal, FromClaims) {
  const auto claims = json::parse(R"({"sub": "alice", "tenant_id": "t1", "roles": ["admin", "editor"],
                                      "scope": "read write  read", "scp": ["profile"], "cognito:groups": "ops, dev"})")
                          .as_object();
  auto who = principal_from_claims(claims);
  EXPECT_EQ(who.subject, "alice");
  EXPECT_EQ(who.tenant, "t1");
  EXPECT_EQ(who.roles, (std::vector<std::string>{"admin", "editor"}));
  EXPECT_EQ(who.scopes, (std::vector<std::string>{"read", "write", "profile"}));
  EXPECT_EQ(who.method, "jwt");
  EXPECT_EQ(who.claims.at("sub"), "alice");
  EXPECT_TRUE(who.has_role("admin"));
  EXPECT_FALSE(who.has_role("Admin"));
  EXPECT_TRUE(who.has_scope("write"));
  EXPECT_TRUE(who.has_any_role({"x", "editor"}));

  auto cognito = principal_from_claims(claims, {.tenant_claim = "custom:tenant", .roles_claim = "cognito:groups"});
  EXPECT_EQ(cognito.roles, (std::vector<std::string>{"ops", "dev"}));
  EXPECT_FALSE(cognito.tenant);

  auto nested = principal_from_claims(
      json::parse(R"({"sub": "b", "org": {"id": 42}, "realm_access": {"roles": ["r1"]}})").as_object(),
      {.tenant_claim = "org.id", .roles_claim = "realm_access.roles"});
  // Only a string names a tenant: 42 would be the same tenant as "42".
  EXPECT_FALSE(nested.tenant);
  EXPECT_EQ(principal_from_claims(json::parse(R"({"org": {"id": "42"}})").as_object(), {.tenant_claim = "org.id"}).tenant, "42");
  EXPECT_EQ(nested.roles, (std::vector<std::string>{"r1"}));
  EXPECT_TRUE(principal_from_claims(json::object{}).subject.empty());
}

TEST(Principal, RequirementsAreForbiddenErrors) {
  Principal who{.subject = "alice", .tenant = "t1", .roles = {"admin"}, .scopes = {"read"}};
  EXPECT_TRUE(who.require_role("admin"));
  EXPECT_TRUE(who.require_any_role({"nobody", "admin"}));
  EXPECT_TRUE(who.require_scope("read"));
  EXPECT_TRUE(who.require_tenant("t1"));
  const auto role = who.require_role("root");
  ASSERT_FALSE(role);
  EXPECT_EQ(role.error().code, "Forbidden");
  EXPECT_EQ(role.error().status, 403);
  EXPECT_EQ(reason(role.error()), "missing_role");
  EXPECT_EQ(reason(who.require_any_role({"a", "b"}).error()), "missing_role");
  EXPECT_EQ(reason(who.require_scope("write").error()), "missing_scope");
  EXPECT_EQ(reason(who.require_tenant("t2").error()), "wrong_tenant");
  EXPECT_FALSE(who.require_tenant(""));
  EXPECT_FALSE(Principal{}.require_tenant("t1"));
}

TEST(ApiKeys, HashingAndComparison) {
  EXPECT_EQ(hash_api_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(hash_api_key("what do ya want for nothing?", "Jefe"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_EQ(api_key_id("lk_1.secret"), "lk_1");
  EXPECT_FALSE(api_key_id("nodot"));
  EXPECT_FALSE(api_key_id(".secret"));
  EXPECT_FALSE(api_key_id("id."));
}

TEST(ApiKeys, GenerateStoreVerify) {
  auto store = std::make_shared<MemoryApiKeyStore>();
  const auto issued = generate_api_key("lk");
  EXPECT_EQ(issued.id.rfind("lk_", 0), 0U);
  EXPECT_EQ(issued.id.size(), 3U + 16U);
  EXPECT_EQ(issued.key.size(), issued.id.size() + 1 + 43);
  EXPECT_EQ(issued.hash, hash_api_key(issued.key));
  EXPECT_NE(generate_api_key("lk").key, issued.key);
  store->put({.id = issued.id, .hash = issued.hash, .principal = {.subject = "svc", .tenant = "t1", .roles = {"billing"}}});

  const ApiKeyVerifier verifier(store);
  auto who = verifier.verify(issued.key);
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->subject, "svc");
  EXPECT_EQ(who->tenant, "t1");
  EXPECT_EQ(who->method, "api_key");

  std::string wrong = issued.key;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(reason(verifier.verify(wrong).error()), "invalid_api_key");
  EXPECT_EQ(reason(verifier.verify("lk_unknown.secret").error()), "invalid_api_key");
  EXPECT_EQ(reason(verifier.verify("no-dot").error()), "invalid_api_key");
  EXPECT_EQ(reason(verifier.verify(std::string(300, 'a') + ".x").error()), "invalid_api_key");
  EXPECT_EQ(reason(verifier.verify("").error()), "no_token");
  EXPECT_EQ(verifier.verify(wrong).error().status, 401);

  auto record = *store->find(issued.id);
  ASSERT_TRUE(record);
  record->revoked = true;
  store->put(*record);
  EXPECT_EQ(reason(verifier.verify(issued.key).error()), "revoked");
  record->revoked = false;
  record->expires_at = std::chrono::system_clock::now() - std::chrono::seconds(1);
  store->put(*record);
  EXPECT_EQ(reason(verifier.verify(issued.key).error()), "revoked");
  EXPECT_TRUE(store->remove(issued.id));
  EXPECT_FALSE(store->remove(issued.id));
  EXPECT_EQ(reason(verifier.verify(issued.key).error()), "invalid_api_key");
}

TEST(ApiKeys, PepperedHashes) {
  auto store = std::make_shared<MemoryApiKeyStore>();
  const auto issued = generate_api_key("pk", "pepper");
  EXPECT_EQ(issued.hash, hash_api_key(issued.key, "pepper"));
  store->put({.id = issued.id, .hash = issued.hash});
  EXPECT_TRUE(ApiKeyVerifier(store, {.pepper = "pepper"}).verify(issued.key));
  EXPECT_EQ(ApiKeyVerifier(store, {.pepper = "pepper"}).verify(issued.key)->subject, issued.id);
  EXPECT_FALSE(ApiKeyVerifier(store).verify(issued.key));
  EXPECT_FALSE(ApiKeyVerifier(store, {.pepper = "other"}).verify(issued.key));
}

struct FailingStore : ApiKeyStore {
  lift::Result<std::optional<ApiKeyRecord>> find(std::string_view) const override {
    return lift::Error{"Store.Down", "down", 503};
  }
};

TEST(ApiKeys, StoreErrorsPassThrough) {
  auto result = ApiKeyVerifier(std::make_shared<FailingStore>()).verify("a.b");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "Store.Down");
}

TEST(Token, Bearer) {
  EXPECT_EQ(*bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(*bearer_token("bearer   abc-_~+/=="), "abc-_~+/==");
  EXPECT_EQ(*bearer_token("  BEARER abc  "), "abc");
  EXPECT_EQ(reason(bearer_token("Basic dXNlcjpwYXNz").error()), "no_token");
  EXPECT_EQ(reason(bearer_token("").error()), "no_token");
  EXPECT_EQ(reason(bearer_token("Bearerabc").error()), "no_token");
  EXPECT_EQ(reason(bearer_token("Bearer").error()), "malformed");
  EXPECT_EQ(reason(bearer_token("Bearer a b").error()), "malformed");
  EXPECT_EQ(reason(bearer_token("Bearer a=b").error()), "malformed");
  EXPECT_EQ(reason(bearer_token("Bearer =").error()), "malformed");
}

TEST(Token, CookiesAndQueries) {
  EXPECT_EQ(cookie_value("a=1; session=tok; b=2", "session"), "tok");
  EXPECT_EQ(cookie_value("session=\"quoted\"", "session"), "quoted");
  EXPECT_EQ(cookie_value("xsession=1;session=2", "session"), "2");
  EXPECT_FALSE(cookie_value("a=1", "session"));
  EXPECT_FALSE(cookie_value("", "session"));
  EXPECT_EQ(query_value("a=1&token=ab%2Ecd&b", "token"), "ab.cd");
  EXPECT_EQ(query_value("?token=x+y", "token"), "x y");
  EXPECT_EQ(query_value("to%6Ben=v", "token"), "v");
  EXPECT_EQ(query_value("token", "token"), "");
  EXPECT_EQ(query_value("token=%zz%", "token"), "%zz%");
  EXPECT_FALSE(query_value("a=1", "token"));
}

TEST(Token, ExtractInOrder) {
  std::map<std::string, std::string> headers{{"authorization", "Basic x"}, {"x-api-key", "k.1"}};
  std::map<std::string, std::string> cookies{{"session", "from-cookie"}};
  TokenLookups lookups{
      .header = [&](std::string_view n) -> std::optional<std::string_view> {
        auto it = headers.find(std::string(n));
        return it == headers.end() ? std::nullopt : std::optional<std::string_view>(it->second);
      },
      .cookie = [&](std::string_view n) -> std::optional<std::string_view> {
        auto it = cookies.find(std::string(n));
        return it == cookies.end() ? std::nullopt : std::optional<std::string_view>(it->second);
      },
      .query = [](std::string_view n) { return query_value("token=from-query", n); }};
  const std::vector<TokenSource> jwt_first{{TokenSource::bearer}, {TokenSource::cookie, "session"}, {TokenSource::query, "token"}};
  EXPECT_EQ(*extract_token(lookups, jwt_first), "from-cookie");  // Basic is not a bearer token
  headers["authorization"] = "Bearer from-header";
  EXPECT_EQ(*extract_token(lookups, jwt_first), "from-header");
  headers["authorization"] = "Bearer bad token";
  EXPECT_EQ(reason(extract_token(lookups, jwt_first).error()), "malformed");
  headers.erase("authorization");
  cookies.clear();
  EXPECT_EQ(*extract_token(lookups, jwt_first), "from-query");
  const std::vector<TokenSource> api_key{{TokenSource::header, "x-api-key"}};
  EXPECT_EQ(*extract_token(lookups, api_key), "k.1");
  EXPECT_EQ(reason(extract_token(TokenLookups{}, jwt_first).error()), "no_token");
  EXPECT_EQ(reason(extract_token(lookups, {}).error()), "no_token");
}

}  // namespace
