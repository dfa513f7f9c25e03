// The DynamoDB table check against dynalite: a table present passes, an absent one fails naming
// DynamoDB's error, and a DynamoDB that is not there fails within the check's timeout.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/health/health.hpp"
#include "support/dynalite.hpp"
#include "support/requirements.hpp"

namespace {

namespace health = lift::health;
namespace json = boost::json;
using namespace std::chrono_literals;

std::shared_ptr<lift::aws::DynamoDbClient> client_for(const std::string& endpoint) {
  lift::aws::DynamoDbOptions options;
  options.endpoint = endpoint;
  options.region = "us-east-1";
  auto client = lift::aws::DynamoDbClient::create(std::move(options));
  if (!client) throw std::runtime_error(client.error().message);
  return std::make_shared<lift::aws::DynamoDbClient>(std::move(*client));
}

class HealthDynalite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dynalite_ = std::make_unique<lift::testing_support::Dynalite>(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR); }
  static void TearDownTestSuite() { dynalite_.reset(); }
  void SetUp() override {
    if (!dynalite_->available()) LIFT_SKIP_WITHOUT() << dynalite_->why_unavailable();
  }
  static inline std::unique_ptr<lift::testing_support::Dynalite> dynalite_;
};

TEST_F(HealthDynalite, TablePresentPassesAbsentFails) {
  auto client = client_for(dynalite_->endpoint());
  const json::object create{{"TableName", "health_todos"},
                            {"AttributeDefinitions", json::array{json::object{{"AttributeName", "id"}, {"AttributeType", "S"}}}},
                            {"KeySchema", json::array{json::object{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                            {"BillingMode", "PAY_PER_REQUEST"}};
  auto created = client->create_table(create, std::chrono::steady_clock::now() + 5s);
  ASSERT_TRUE(created) << created.error().message;

  auto checker = health::Checker::create({health::dynamodb_table("health_todos", {.client = client}),
                                          health::dynamodb_table("health_missing", {.client = client})},
                                         {.cache_for = 0ms, .include_breakers = false});
  ASSERT_TRUE(checker);
  std::shared_ptr<const health::Report> report;
  // dynalite's tables are ACTIVE at once with --createTableMs 0; allow a moment all the same.
  for (int i = 0; i < 50; ++i) {
    report = (*checker)->report();
    if (report->checks[0].status == health::Status::pass) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(report->checks[0].status, health::Status::pass) << report->checks[0].output;
  EXPECT_EQ(report->checks[1].status, health::Status::fail);
  EXPECT_NE(report->checks[1].output.find("DynamoDB.ResourceNotFound"), std::string::npos) << report->checks[1].output;
  EXPECT_EQ(health::ready_response(*report).status, 503);
}

TEST(HealthDynamoDbDown, FailsWithinItsTimeout) {
  const auto port = lift::testing_support::free_local_port();
  auto client = client_for("http://127.0.0.1:" + std::to_string(port));
  auto checker = health::Checker::create({health::dynamodb_table("todos", {.timeout = 300ms, .client = client})},
                                         {.include_breakers = false});
  ASSERT_TRUE(checker);
  const auto started = std::chrono::steady_clock::now();
  const auto report = (*checker)->report();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(report->status, health::Status::fail);
  EXPECT_FALSE(report->checks[0].output.empty());
}

}  // namespace
