// CloudWatch alarms invoking the function through lift::App: routing by alarm name or ARN, the
// EventBridge form of alarm events going to EventBridge routes, failures.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "support/invoke.hpp"

namespace {

using lift::App;
using lift::Context;
using lift::Result;
using lift::testing_support::invoke;
namespace events = lift::events;
using Json = boost::json::value;

Json alarm_event(const std::string& name, const std::string& state = "ALARM") {
  events::CloudWatchAlarmSampleOptions options;
  options.alarm = name;
  options.state = state;
  return *events::CloudWatchAlarm::sample(options);
}

TEST(CloudWatchAlarmRoutes, AlarmsAreRoutedByNameOrArn) {
  std::vector<std::string> seen;
  App app;
  app.alarm("arn:aws:cloudwatch:*:alarm:db-*", [&seen](Context&, const events::CloudWatchAlarmEvent& e) {
    seen.push_back("db:" + e.alarmData.alarmName);
  });
  app.alarm("cpu-*", [&seen](Context& ctx, const events::CloudWatchAlarmEvent& e) -> Result<void> {
    EXPECT_TRUE(ctx.record().is_null());  // a single-event source
    auto reason = e.alarmData.state.reason_data();
    if (!reason) return std::move(reason).error();
    seen.push_back("cpu:" + e.alarmData.state.value + ":" + std::to_string(reason->at("threshold").as_double()).substr(0, 4));
    return {};
  });
  auto cpu = invoke(app, alarm_event("cpu-high"));
  ASSERT_TRUE(cpu) << cpu.error().message;
  EXPECT_TRUE(cpu->is_null());
  ASSERT_TRUE(invoke(app, alarm_event("db-connections", "OK")));
  auto other = invoke(app, alarm_event("disk-full"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "NoRoute");
  EXPECT_NE(other.error().message.find("the CloudWatch alarm arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-full"),
            std::string::npos);
  EXPECT_EQ(seen, (std::vector<std::string>{"cpu:ALARM:80.0", "db:db-connections"}));
}

TEST(CloudWatchAlarmRoutes, EventBridgeAlarmEventsGoToEventBridgeRoutes) {
  std::vector<std::string> seen;
  App app;
  app.alarm("*", [&seen](Context&) { seen.push_back("alarm"); });
  app.eventbridge("CloudWatch Alarm State Change", [&seen](Context&, const events::EventBridgeEvent<>&) { seen.push_back("eventbridge"); });
  const auto state_change = boost::json::parse(R"({"version":"0","id":"1","detail-type":"CloudWatch Alarm State Change",
    "source":"aws.cloudwatch","account":"1","time":"t","region":"us-east-1",
    "resources":["arn:aws:cloudwatch:us-east-1:1:alarm:cpu"],"detail":{"alarmName":"cpu","state":{"value":"ALARM"}}})");
  ASSERT_TRUE(invoke(app, state_change));
  ASSERT_TRUE(invoke(app, alarm_event("cpu")));
  EXPECT_EQ(seen, (std::vector<std::string>{"eventbridge", "alarm"}));
}

TEST(CloudWatchAlarmRoutes, AFailureFailsTheInvocation) {
  App app;
  app.alarm("*", [](Context&) -> Result<void> { return lift::Error{"PagerDown", "could not page", 503}; });
  testing::internal::CaptureStderr();
  auto answer = invoke(app, alarm_event("cpu-high"));
  testing::internal::GetCapturedStderr();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "PagerDown");
  auto malformed = invoke(app, boost::json::parse(R"({"source":"aws.cloudwatch","alarmArn":"a","alarmData":{"state":{}}})"));
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, "InvalidEvent");
}

}  // namespace
