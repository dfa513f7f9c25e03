// {{name}}'s handler invoked in-process, as Lambda would invoke the function with a batch from
// SQS (events/orders.json): the records that fail come back in batchItemFailures.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <boost/json.hpp>

#include "app.hpp"

namespace {

namespace json = boost::json;

json::object read_event(const std::string& name) {
  std::ifstream in(std::string(EVENTS_DIR) + "/" + name, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return json::parse(text).as_object();
}

// Invokes the app with `event` as Lambda does: its answer, or the error it reports to Lambda.
lift::Result<json::object> invoke(const lift::App& app, const json::object& event) {
  lift::runtime::Invocation invocation;
  invocation.context.request_id = "8f5c3d2e-1b4a-4c6d-9e8f-7a6b5c4d3e2f";
  invocation.context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(3);
  invocation.payload = json::serialize(event);
  auto answer = app.invoke(invocation);
  if (!answer) return std::move(answer).error();
  return json::parse(answer->body).as_object();
}

// The messageIds reported in batchItemFailures.
std::set<std::string> failed_ids(const lift::Result<json::object>& answer) {
  std::set<std::string> ids;
  if (!answer) {
    ADD_FAILURE() << answer.error().code << ": " << answer.error().message;
    return ids;
  }
  for (const auto& failure : answer->at("batchItemFailures").as_array())
    ids.insert(std::string(failure.at("itemIdentifier").as_string()));
  return ids;
}

TEST(Orders, ReportsOnlyTheRecordsThatFailed) {
  const auto app = make_app();
  const auto event = read_event("orders.json");
  const auto& records = event.at("Records").as_array();
  ASSERT_EQ(records.size(), 4u);
  // Record 2 has a negative amount, record 3 is not JSON; 1 and 4 are good orders.
  const std::set<std::string> expected{std::string(records[1].at("messageId").as_string()),
                                       std::string(records[2].at("messageId").as_string())};
  EXPECT_EQ(failed_ids(invoke(app, event)), expected);
}

TEST(Orders, AGoodBatchHasNoFailures) {
  const auto app = make_app();
  auto event = read_event("orders.json");
  auto& records = event["Records"].as_array();
  records.erase(records.begin() + 1, records.begin() + 3);
  EXPECT_TRUE(failed_ids(invoke(app, event)).empty());
}

// When every record fails the invocation itself fails, so Lambda retries the whole batch.
TEST(Orders, ABatchWithNoGoodRecordFailsTheInvocation) {
  const auto app = make_app();
  auto event = read_event("orders.json");
  auto& records = event["Records"].as_array();
  records.resize(1);
  records[0].as_object()["body"] = R"({"amount":5})";  // no order_id
  const auto answer = invoke(app, event);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "BatchProcessingFailed");
  EXPECT_NE(answer.error().message.find("order_id: is required"), std::string::npos) << answer.error().message;
}

}  // namespace
