// The CloudWatch alarm model (the alarm's Lambda action): AWS's single-metric, metric math and
// composite samples, reasonData, routing, detection against EventBridge's alarm events, bad
// input and generated samples.

#include <gtest/gtest.h>

#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "event_samples.hpp"
#include "generated_samples.hpp"
#include "lift/events/cloudwatch_alarm.hpp"
#include "lift/events/eventbridge.hpp"
#include "lift/json/convert.hpp"
#include "support/requirements.hpp"

namespace cloudwatch_alarm_test {

struct MetricReason {
  std::string statistic;
  int period = 0;
  double threshold = 0;
  std::vector<double> recentDatapoints;
};
BOOST_DESCRIBE_STRUCT(MetricReason, (), (statistic, period, threshold, recentDatapoints))

}  // namespace cloudwatch_alarm_test

namespace {

namespace ev = lift::events;
using Json = boost::json::value;
using cloudwatch_alarm_test::MetricReason;

Json sample_named(const std::string& suffix) {
  for (auto& s : lift_test::aws_samples_of("cloudwatch-alarm")) {
    if (s.file.ends_with(suffix)) return std::move(s.event);
  }
  return nullptr;
}

TEST(CloudWatchAlarmModel, AwsSamplesParseAndWriteBackWhatTheyRead) {
  if (lift_test::aws_samples_of("cloudwatch-alarm").empty()) LIFT_SKIP_WITHOUT() << "sample events not available";
  // Three in events-new, and the single-metric one again in events/unknown.
  EXPECT_EQ(lift_test::expect_aws_samples_round_trip("cloudwatch-alarm", ev::parse_cloudwatch_alarm), 4u);
}

TEST(CloudWatchAlarmModel, MetricMathAlarm) {
  const auto json = sample_named("pt-cloudWatchAlarmEventSingleMetric.json");
  if (json.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available";
  auto event = ev::parse_cloudwatch_alarm(json);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->alarmArn, "arn:aws:cloudwatch:eu-west-1:912397435824:alarm:test_alarm");
  EXPECT_EQ(event->alarmData.alarmName, "Test alert");
  EXPECT_EQ(event->alarmData.state.value, "ALARM");
  ASSERT_TRUE(event->alarmData.previousState);
  EXPECT_EQ(event->alarmData.previousState->value, "OK");
  EXPECT_FALSE(event->composite());
  const auto& metrics = *event->alarmData.configuration->metrics;
  ASSERT_EQ(metrics.size(), 3u);
  EXPECT_EQ(metrics[0].expression, "m1/m2");
  EXPECT_EQ(metrics[0].returnData, true);
  ASSERT_TRUE(metrics[1].metricStat);
  EXPECT_EQ(metrics[1].metricStat->metric.metric_namespace, "AWS/Lambda");
  EXPECT_EQ(metrics[1].metricStat->metric.name, "Invocations");
  EXPECT_EQ(metrics[1].metricStat->period, 60);
  EXPECT_EQ(metrics[1].metricStat->stat, "SampleCount");

  auto reason = event->alarmData.state.reason_data();
  ASSERT_TRUE(reason) << reason.error().message;
  EXPECT_EQ(reason->at("threshold").as_double(), 10.0);
  auto typed = event->alarmData.state.reason_data<MetricReason>();
  ASSERT_TRUE(typed) << typed.error().message;
  EXPECT_EQ(typed->statistic, "SampleCount");
  EXPECT_EQ(typed->period, 60);
  EXPECT_EQ(typed->recentDatapoints, (std::vector<double>{1.0}));
}

TEST(CloudWatchAlarmModel, CompositeAlarm) {
  const auto json = sample_named("pt-cloudWatchAlarmEventCompositeMetric.json");
  if (json.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available";
  auto event = ev::parse_cloudwatch_alarm(json);
  ASSERT_TRUE(event);
  EXPECT_TRUE(event->composite());
  const auto& configuration = *event->alarmData.configuration;
  EXPECT_EQ(configuration.alarmRule, "ALARM(CompositeDemo.FirstChild) OR ALARM(CompositeDemo.SecondChild)");
  EXPECT_EQ(configuration.actionsSuppressor, "CompositeDemo.ActionsSuppressor");
  EXPECT_EQ(configuration.actionsSuppressorWaitPeriod, 120);
  EXPECT_EQ(event->alarmData.previousState->actionsSuppressedBy, "WaitPeriod");
  auto reason = event->alarmData.state.reason_data();
  ASSERT_TRUE(reason);
  EXPECT_EQ(reason->at("triggeringAlarms").at(0).at("state").at("value"), "ALARM");
  // Routed by the alarm's name (alarmData) or by its ARN, which here names another alarm.
  EXPECT_TRUE(ev::CloudWatchAlarm::matches("CompositeDemo.*", *event));
  EXPECT_TRUE(ev::CloudWatchAlarm::matches("arn:aws:cloudwatch:*:alarm:SuppressionDemo.Main", *event));
  EXPECT_FALSE(ev::CloudWatchAlarm::matches("SuppressionDemo.Main", *event));
  EXPECT_FALSE(ev::CloudWatchAlarm::matches("arn:aws:cloudwatch:*:alarm:CompositeDemo.Main", *event));
}

TEST(CloudWatchAlarmModel, ReasonDataThatIsNotJsonIsInvalidEvent) {
  ev::CloudWatchAlarmState state;
  EXPECT_TRUE(state.reason_data()->is_null());
  state.reasonData = "{\"threshold\":";
  auto parsed = state.reason_data();
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, "InvalidEvent");
  EXPECT_NE(parsed.error().message.find("reasonData"), std::string::npos);
  state.reasonData = R"({"statistic":5})";
  auto typed = state.reason_data<MetricReason>();
  ASSERT_FALSE(typed);
  EXPECT_EQ(typed.error().code, "InvalidEvent");
  EXPECT_NE(typed.error().message.find("statistic"), std::string::npos) << typed.error().message;
}

TEST(CloudWatchAlarmModel, BadInputIsInvalidEventNamingThePath) {
  const Json base = boost::json::parse(R"({"source":"aws.cloudwatch","alarmArn":"arn:aws:cloudwatch:us-east-1:1:alarm:a",
    "alarmData":{"alarmName":"a","state":{"value":"ALARM","reason":"r","timestamp":"t"}}})");
  ASSERT_TRUE(ev::parse_cloudwatch_alarm(base));
  const auto with = [&](std::initializer_list<std::string_view> path, Json value) {
    Json out = base;
    Json* at = &out;
    for (auto it = path.begin(); it + 1 != path.end(); ++it) at = &at->as_object()[*it];
    at->as_object()[*(path.end() - 1)] = std::move(value);
    return out;
  };
  for (const auto& [json, where] : std::vector<std::pair<Json, std::string>>{
           {with({"alarmData", "alarmName"}, nullptr), "alarmData.alarmName"},
           {with({"alarmData", "state"}, nullptr), "alarmData.state"},
           {with({"alarmData", "state", "value"}, 3), "alarmData.state.value"},
           {with({"alarmData", "configuration"}, Json{{"metrics", boost::json::array{Json{{"id", "m"}, {"metricStat", {{"metric", 5}}}}}}}),
            "alarmData.configuration.metrics[0].metricStat.metric"},
           {with({"alarmData", "configuration"},
                 Json{{"metrics", boost::json::array{Json{{"id", "m"}, {"metricStat", {{"metric", {{"namespace", 5}}}}}}}}}),
            "metric.namespace"},
           {with({"alarmData"}, "x"), "alarmData"},
       }) {
    auto parsed = ev::parse_cloudwatch_alarm(json);
    ASSERT_FALSE(parsed) << json;
    EXPECT_EQ(parsed.error().code, "InvalidEvent");
    EXPECT_NE(parsed.error().message.find(where), std::string::npos) << parsed.error().message;
  }
}

TEST(CloudWatchAlarmSource, EventBridgeAlarmEventsAndNearMissesAreNotAlarmActions) {
  // The EventBridge "CloudWatch Alarm State Change" event: an EventBridge event.
  const auto eventbridge = boost::json::parse(R"({"version":"0","id":"1","detail-type":"CloudWatch Alarm State Change",
    "source":"aws.cloudwatch","account":"1","time":"t","region":"us-east-1",
    "resources":["arn:aws:cloudwatch:us-east-1:1:alarm:cpu"],"detail":{"alarmName":"cpu","state":{"value":"ALARM"}}})");
  EXPECT_EQ(ev::detect(eventbridge), ev::kind_of<ev::EventBridge>);
  for (const char* json : {R"({"source":"aws.cloudwatch","alarmData":{}})", R"({"source":"aws.cloudwatch","alarmArn":"a"})",
                           R"({"source":"aws.cloudwatch","alarmArn":"a","alarmData":"x"})",
                           R"({"source":"aws.events","alarmArn":"a","alarmData":{}})"}) {
    EXPECT_FALSE(ev::CloudWatchAlarm::detect(boost::json::parse(json))) << json;
  }
  EXPECT_TRUE(ev::CloudWatchAlarm::detect(boost::json::parse(R"({"source":"aws.cloudwatch","alarmArn":"a","alarmData":{}})")));
}

TEST(CloudWatchAlarmSource, SummaryNamesTheAlarmAndItsStates) {
  const auto json = sample_named("pt-cloudWatchAlarmEventSingleMetric.json");
  if (json.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available";
  const auto inspected = ev::inspect(json);
  EXPECT_EQ(inspected.at("source"), "cloudwatch-alarm");
  EXPECT_EQ(inspected.at("alarm"), "Test alert");
  EXPECT_EQ(inspected.at("state"), "ALARM");
  EXPECT_EQ(inspected.at("previous_state"), "OK");
  EXPECT_FALSE(inspected.contains("error"));
}

TEST(CloudWatchAlarmSource, GeneratedSamplesLookLikeAws) {
  lift_test::expect_sample_like_aws<ev::CloudWatchAlarm>({});
  ev::CloudWatchAlarmSampleOptions options;
  options.composite = true;
  options.alarm = "api-degraded";
  options.state = "OK";
  options.previous_state = "ALARM";
  lift_test::expect_sample_like_aws<ev::CloudWatchAlarm>(options);
  auto sample = ev::CloudWatchAlarm::sample(options);
  ASSERT_TRUE(sample);
  auto event = ev::parse_cloudwatch_alarm(*sample);
  ASSERT_TRUE(event);
  EXPECT_TRUE(event->composite());
  EXPECT_TRUE(ev::CloudWatchAlarm::matches("api-degraded", *event));
  EXPECT_TRUE(event->alarmData.state.reason_data());

  options.state = "RED";
  auto bad = ev::CloudWatchAlarm::sample(options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidSample");
}

}  // namespace
