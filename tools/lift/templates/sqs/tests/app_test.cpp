// {{name}}'s handler invoked in-process, as Lambda would invoke the function with a batch from
// SQS (events/orders.json): the records that fail come back in batchItemFailures
// (lift/testing/invoke.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "app.hpp"
#include "lift/testing/invoke.hpp"

namespace {

boost::json::value orders() { return lift::testing::read_event(EVENTS_DIR "/orders.json"); }

std::string message_id(const boost::json::value& event, std::size_t record) {
  return std::string(event.at("Records").at(record).at("messageId").as_string());
}

TEST(Orders, ReportsOnlyTheRecordsThatFailed) {
  const auto event = orders();
  ASSERT_EQ(event.at("Records").as_array().size(), 4u);
  const auto answer = lift::testing::invoke(make_app(), event);
  ASSERT_TRUE(answer) << answer.error().message;
  // Record 2 has a negative amount, record 3 is not JSON; 1 and 4 are good orders.
  EXPECT_EQ(answer->failed_items(), (std::vector<std::string>{message_id(event, 1), message_id(event, 2)}));
}

TEST(Orders, AGoodBatchHasNoFailures) {
  auto event = orders();
  auto& records = event.at("Records").as_array();
  records.erase(records.begin() + 1, records.begin() + 3);
  const auto answer = lift::testing::invoke(make_app(), event);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->failed_items().empty());
}

// When every record fails the invocation itself fails, so Lambda retries the whole batch.
TEST(Orders, ABatchWithNoGoodRecordFailsTheInvocation) {
  auto event = orders();
  auto& records = event.at("Records").as_array();
  records.resize(1);
  records[0].as_object()["body"] = R"({"amount":5})";  // no order_id
  const auto answer = lift::testing::invoke(make_app(), event);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "BatchProcessingFailed");
  EXPECT_NE(answer.error().message.find("order_id: is required"), std::string::npos) << answer.error().message;
}

}  // namespace
