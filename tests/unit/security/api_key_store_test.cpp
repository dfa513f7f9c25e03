// API key records in DynamoDB (the embedded engine, which speaks DynamoDB's protocol), checked
// through the verifier as a request would be.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/uuid.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/security/api_key.hpp"

namespace {

namespace json = boost::json;
using namespace lift::security;

class DynamoDbApiKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    lift::aws::DynamoDbOptions options;
    options.transport = lift::dynamorm::memory_transport(engine_);
    client_ = std::make_unique<lift::aws::DynamoDbClient>(lift::aws::DynamoDbClient::create(std::move(options)).value());
    const json::object table{{"TableName", table_},
                             {"AttributeDefinitions", json::array{{{"AttributeName", "PK"}, {"AttributeType", "S"}}}},
                             {"KeySchema", json::array{{{"AttributeName", "PK"}, {"KeyType", "HASH"}}}},
                             {"BillingMode", "PAY_PER_REQUEST"}};
    ASSERT_TRUE(client_->create_table(table, deadline()));
    store_ = std::make_shared<DynamoDbApiKeyStore>(*client_, DynamoDbApiKeyStoreOptions{.table = table_});
  }
  static std::chrono::steady_clock::time_point deadline() { return std::chrono::steady_clock::now() + std::chrono::seconds(2); }

  lift::dynamorm::MemoryEngine engine_;
  std::unique_ptr<lift::aws::DynamoDbClient> client_;
  std::string table_ = "api_keys";
  std::shared_ptr<DynamoDbApiKeyStore> store_;
};

TEST_F(DynamoDbApiKeys, IssuedKeysVerifyWithTheirPrincipalAndRevocationTakesEffect) {
  const auto issued = generate_api_key("lk");
  ApiKeyRecord record;
  record.id = issued.id;
  record.hash = issued.hash;
  record.principal.subject = "svc-billing";
  record.principal.tenant = "acme";
  record.principal.roles = {"writer", "reader"};
  record.principal.scopes = {"todos:write"};
  ASSERT_TRUE(store_->put(record));

  // Only the hash is stored.
  const json::object key{{"TableName", table_}, {"Key", {{"PK", {{"S", issued.id}}}}}};
  const auto stored = client_->get_item(key, deadline()).value();
  EXPECT_EQ(json::serialize(stored).find(issued.key), std::string::npos);

  const ApiKeyVerifier verifier(store_);
  auto who = verifier.verify(issued.key);
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->subject, "svc-billing");
  EXPECT_EQ(who->tenant, "acme");
  EXPECT_TRUE(who->has_role("writer"));
  EXPECT_TRUE(who->has_scope("todos:write"));
  EXPECT_EQ(who->method, "api_key");

  // A wrong secret with the right id, and an unknown id, are refused alike.
  const std::string forged = issued.id + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(verifier.verify(forged).error().status, 401);
  EXPECT_EQ(verifier.verify("lk_0000000000000000.secret").error().status, 401);

  record.revoked = true;
  ASSERT_TRUE(store_->put(record));
  auto revoked = verifier.verify(issued.key);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().status, 401);
}

TEST_F(DynamoDbApiKeys, ExpiryIsStoredAsEpochSecondsAndHonoured) {
  const auto issued = generate_api_key("lk");
  ApiKeyRecord record{.id = issued.id, .hash = issued.hash, .principal = {}, .revoked = false,
                      .expires_at = std::chrono::system_clock::now() - std::chrono::minutes(1)};
  ASSERT_TRUE(store_->put(record));
  auto found = store_->find(issued.id).value();
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->expires_at.has_value());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(found->expires_at->time_since_epoch()).count(),
            std::chrono::duration_cast<std::chrono::seconds>(record.expires_at->time_since_epoch()).count());
  EXPECT_FALSE(ApiKeyVerifier(store_).verify(issued.key));
}

TEST_F(DynamoDbApiKeys, UnknownIdsAreNotFoundAndDamagedRecordsAreTypedErrors) {
  EXPECT_FALSE(store_->find("lk_missing").value().has_value());

  const json::object damaged{{"TableName", table_},
                             {"Item", {{"PK", {{"S", "lk_damaged"}}}, {"hash", {{"N", "12"}}}}}};
  ASSERT_TRUE(client_->put_item(damaged, deadline()));
  auto found = store_->find("lk_damaged");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, "Security.ApiKeyStore");
  const json::object bad_expiry{
      {"TableName", table_},
      {"Item", {{"PK", {{"S", "lk_expiry"}}}, {"hash", {{"S", "ab"}}}, {"expiresAt", {{"S", "tomorrow"}}}}}};
  ASSERT_TRUE(client_->put_item(bad_expiry, deadline()));
  EXPECT_EQ(store_->find("lk_expiry").error().code, "Security.ApiKeyStore");

  // The store's own failure (a table that does not exist) is passed on, not taken for "unknown".
  DynamoDbApiKeyStore nowhere(*client_, {.table = "no_such_table"});
  auto failed = nowhere.find("lk_any");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().code, "Security.ApiKeyStore");
  EXPECT_FALSE(store_->put(ApiKeyRecord{}));
}

}  // namespace
