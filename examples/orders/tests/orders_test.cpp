// examples/orders in-process, as API Gateway and SQS would invoke it, on the embedded DynamoDB
// engine (LIFT_DYNAMODB_ENDPOINT=memory:, set for this test by CMake).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lift/events/sqs.hpp"
#include "lift/testing/invoke.hpp"
#include "orders.hpp"

namespace {

const lift::App app = orders::make_app();

std::string create_order() {
  auto created = lift::testing::http(app).post("/orders", {{"item", "tea"}, {"quantity", 2}, {"email", "ann@example.com"}});
  EXPECT_EQ(created.status, 201) << created.body;
  return std::string(created.json().at("id").as_string());
}

TEST(Orders, AnOrderIsCreatedNewAndReadBack) {
  const auto id = create_order();
  auto read = lift::testing::http(app).get("/orders/" + id);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json().at("item"), "tea");
  EXPECT_EQ(read.json().at("quantity"), 2);
  EXPECT_EQ(read.json().at("email"), "ann@example.com");
  EXPECT_EQ(read.json().at("status"), "new");
  EXPECT_EQ(lift::testing::http(app).get("/orders/no-such-order").status, 404);
}

TEST(Orders, AQuantityOutsideOneToAHundredOrABadEmailIs422NamingTheField) {
  for (const int quantity : {0, 101, -5}) {
    auto refused = lift::testing::http(app).post("/orders", {{"item", "tea"}, {"quantity", quantity}, {"email", "a@b.co"}});
    EXPECT_EQ(refused.status, 422);
    EXPECT_NE(refused.body.find("quantity"), std::string::npos) << refused.body;
  }
  auto refused = lift::testing::http(app).post("/orders", {{"item", "tea"}, {"quantity", 1}, {"email", "not-an-email"}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("email"), std::string::npos) << refused.body;
}

TEST(Orders, ShippingNoticesMarkOrdersShippedAndReportOnlyTheUnknownOnes) {
  const auto id = create_order();
  auto event = lift::events::Sqs::sample({.body = {R"({"order_id":")" + id + R"("})", R"({"order_id":"ghost"})"}});
  ASSERT_TRUE(event);
  auto answer = lift::testing::invoke(app, *event);
  ASSERT_TRUE(answer) << answer.error().message;
  const auto unknown = std::string(event->at("Records").at(1).at("messageId").as_string());
  EXPECT_EQ(answer->failed_items(), std::vector<std::string>{unknown});
  EXPECT_EQ(lift::testing::http(app).get("/orders/" + id).json().at("status"), "shipped");
}

}  // namespace
