// lift::App for Kafka events (Amazon MSK and self-managed): routing by topic and cluster ARN,
// per-record and whole-batch handlers, partial batch responses naming topic-partition and
// offset, the middleware around each record, and on_event for the records no route takes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/core/base64.hpp"
#include "support/invoke.hpp"
#include "support/json.hpp"

namespace {

using lift::App;
using lift::Context;
using lift::Next;
using lift::Result;
using lift::testing_support::invoke;
using lift::testing_support::json_of;
namespace events = lift::events;
using Json = boost::json::value;

constexpr const char* kCluster = "arn:aws:kafka:us-east-1:123456789012:cluster/prod/0b9f-1";

struct Message {
  std::string topic;
  int partition = 0;
  long long offset = 0;
  std::string value;
};

// An event in AWS's shape, records grouped by topic-partition in the order first seen.
Json kafka_event(const std::vector<Message>& messages, bool msk = true) {
  boost::json::object records;
  for (const auto& m : messages) {
    const std::string key = m.topic + "-" + std::to_string(m.partition);
    auto& group = records[key];
    if (!group.is_array()) group = boost::json::array();
    group.as_array().push_back(Json{{"topic", m.topic},
                                    {"partition", m.partition},
                                    {"offset", m.offset},
                                    {"timestamp", 1700000000000},
                                    {"timestampType", "CREATE_TIME"},
                                    {"key", lift::base64::encode("k")},
                                    {"value", lift::base64::encode(m.value)},
                                    {"headers", boost::json::array{Json{{"h", {104, 105}}}}}});
  }
  boost::json::object event{{"eventSource", msk ? "aws:kafka" : "SelfManagedKafka"},
                            {"bootstrapServers", "b-1.example:9092"},
                            {"records", std::move(records)}};
  if (msk) event["eventSourceArn"] = kCluster;
  return event;
}

Result<void> verdict(const events::KafkaRecord& r) {
  const auto value = r.value_bytes();
  if (!value) return value.error();
  if (*value == "bad") return lift::Error{"Rejected", "bad record", 400};
  if (*value == "throw") throw std::runtime_error("boom");
  return {};
}

TEST(KafkaRoutes, TopicsAndClusterArnsPickTheFirstMatchingRoute) {
  std::vector<std::string> log;
  App app;
  app.kafka("orders-*", [&log](Context&, const events::KafkaRecord& r) { log.push_back("orders:" + r.item_id()); });
  app.kafka("arn:aws:kafka:*:cluster/prod/*", [&log](Context&, const events::KafkaRecord& r) { log.push_back("prod:" + r.item_id()); });
  ASSERT_TRUE(app.check());
  auto answer = invoke(app, kafka_event({{"orders-eu", 0, 5, "a"}, {"payments", 2, 9, "b"}, {"orders-us", 1, 3, "c"}}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json_of(R"({"batchItemFailures":[]})"));
  EXPECT_EQ(log, (std::vector<std::string>{"orders:orders-eu-0@5", "prod:payments-2@9", "orders:orders-us-1@3"}));

  // A self-managed cluster has no ARN: only topic patterns take its records.
  auto unrouted = invoke(app, kafka_event({{"payments", 0, 1, "x"}}, false));
  ASSERT_FALSE(unrouted);
  EXPECT_EQ(unrouted.error().code, "NoRoute");
  EXPECT_NE(unrouted.error().message.find("the Kafka topic payments"), std::string::npos) << unrouted.error().message;
}

TEST(KafkaRoutes, FailedRecordsAreReportedByTopicPartitionAndOffset) {
  std::vector<std::string> handled;
  App app;
  app.kafka("*", [&handled](Context&, const events::KafkaRecord& r) -> Result<void> {
    handled.push_back(r.item_id());
    return verdict(r);
  });
  auto answer = invoke(app, kafka_event({{"t", 0, 10, "ok"}, {"t", 0, 11, "bad"}, {"u", 3, 7, "throw"}, {"t", 0, 12, "ok"}}));
  ASSERT_TRUE(answer) << answer.error().message;
  // The shape Lambda reads for Kafka: an object naming the topic-partition and the offset.
  EXPECT_EQ(*answer, json_of(R"({"batchItemFailures":[
      {"itemIdentifier":{"partition":"t-0","offset":11}},
      {"itemIdentifier":{"partition":"u-3","offset":7}}]})"));
  // Handled in the event's order, partition after partition.
  EXPECT_EQ(handled, (std::vector<std::string>{"t-0@10", "t-0@11", "t-0@12", "u-3@7"}));

  // A record whose value is not base64 fails alone.
  auto event = kafka_event({{"t", 0, 1, "ok"}, {"t", 0, 2, "ok"}});
  event.at("records").at("t-0").at(1).as_object()["value"] = "%%%";
  auto undecodable = invoke(app, event);
  ASSERT_TRUE(undecodable) << undecodable.error().message;
  EXPECT_EQ(*undecodable, json_of(R"({"batchItemFailures":[{"itemIdentifier":{"partition":"t-0","offset":2}}]})"));

  auto all_failed = invoke(app, kafka_event({{"t", 0, 1, "bad"}, {"t", 1, 1, "throw"}}));
  ASSERT_FALSE(all_failed);
  EXPECT_EQ(all_failed.error().code, "BatchProcessingFailed");
  ASSERT_EQ(all_failed.error().details.size(), 2u);
  EXPECT_EQ(all_failed.error().details[0].message, "t-0@1");
}

TEST(KafkaRoutes, WholeBatchHandlersGetTheirOwnRecordsAndNameFailuresByItemId) {
  std::vector<std::string> seen;
  App app;
  app.kafka("audit", [&seen](Context& ctx, const events::KafkaEvent& e) -> events::BatchItemFailures {
    EXPECT_TRUE(ctx.record().is_null());
    EXPECT_EQ(e.eventSourceArn, kCluster);
    events::BatchItemFailures failures;
    for (const auto& p : e.records.partitions()) seen.push_back(std::string(p.topic_partition) + ":" + std::to_string(p.records.size()));
    for (const auto& r : e.records) {
      if (*r.value_bytes() == "bad") failures.add(r.item_id());
    }
    return failures;
  });
  app.kafka("*", [&seen](Context&, const events::KafkaRecord& r) {
    seen.push_back("each:" + r.item_id());
    return verdict(r);
  });
  // The audit records are split around another topic's: the whole-batch route gets the event
  // with its own records only.
  auto answer = invoke(app, kafka_event({{"audit", 0, 1, "ok"}, {"orders", 0, 4, "bad"}, {"audit", 1, 2, "bad"}, {"audit", 0, 3, "ok"}}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(seen, (std::vector<std::string>{"audit-0:2", "audit-1:1", "each:orders-0@4"}));
  EXPECT_EQ(*answer, json_of(R"({"batchItemFailures":[
      {"itemIdentifier":{"partition":"orders-0","offset":4}},
      {"itemIdentifier":{"partition":"audit-1","offset":2}}]})"));

  // A failing whole-batch handler fails its records; all of them here.
  App broken;
  broken.kafka("*", [](Context&, const events::KafkaEvent&) -> Result<void> { return lift::errors::unavailable(); });
  auto failed = invoke(broken, kafka_event({{"t", 0, 1, "a"}}));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "BatchProcessingFailed");
}

TEST(KafkaRoutes, MiddlewareRunsAroundEachRecordWithItsTypedRecord) {
  std::vector<std::string> log;
  App app;
  app.use([&log](Context& ctx, const Next& next) -> Result<void> {
    const auto* record = ctx.record<events::KafkaRecord>();
    if (record == nullptr) return next();
    EXPECT_EQ(ctx.record().at("offset").to_number<long long>(), record->offset);
    EXPECT_EQ(record->header("h"), "hi");
    log.push_back("mw " + std::to_string(ctx.record_index()) + ":" + record->item_id());
    if (*record->value_bytes() == "blocked") return lift::errors::forbidden("blocked by middleware");
    return next();
  });
  app.kafka("*", [&log](Context& ctx, const events::KafkaRecord& r) {
    EXPECT_EQ(ctx.request_id(), "lambda-req");
    EXPECT_EQ(ctx.kind(), events::kind_of<events::Kafka>);
    log.push_back("handler:" + *r.value_bytes());
  });
  auto answer = invoke(app, kafka_event({{"t", 0, 1, "a"}, {"t", 0, 2, "blocked"}, {"v", 0, 3, "c"}}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, json_of(R"({"batchItemFailures":[{"itemIdentifier":{"partition":"t-0","offset":2}}]})"));
  EXPECT_EQ(log, (std::vector<std::string>{"mw 0:t-0@1", "handler:a", "mw 1:t-0@2", "mw 2:v-0@3", "handler:c"}));
}

TEST(KafkaRoutes, UnroutedRecordsReachOnEventAsAKafkaEvent) {
  std::vector<Json> unrouted;
  App app;
  app.kafka("orders", [](Context&, const events::KafkaRecord& r) { return verdict(r); });
  app.on_event([&unrouted](Context&, const Json& event) -> Result<Json> {
    unrouted.push_back(event);
    // Kafka's identifiers are objects; one names a record, the other none of this batch.
    return json_of(R"({"batchItemFailures":[{"itemIdentifier":{"partition":"audit-0","offset":8}},
                                            {"itemIdentifier":{"partition":"gone-0","offset":1}}]})");
  });
  auto answer = invoke(app, kafka_event({{"orders", 0, 1, "ok"}, {"audit", 0, 8, "x"}, {"orders", 0, 2, "bad"}, {"audit", 0, 9, "y"}}));
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(unrouted.size(), 1u);
  EXPECT_EQ(unrouted[0].at("eventSourceArn"), kCluster);
  const auto& records = unrouted[0].at("records").as_object();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(records.at("audit-0").as_array().size(), 2u);
  EXPECT_EQ(events::detect(unrouted[0]), events::kind_of<events::Kafka>);
  // In the event's order (the orders partition comes first), then what on_event named that
  // the batch does not hold, passed on as it came.
  EXPECT_EQ(*answer, json_of(R"({"batchItemFailures":[
      {"itemIdentifier":{"partition":"orders-0","offset":2}},
      {"itemIdentifier":{"partition":"audit-0","offset":8}},
      {"itemIdentifier":{"partition":"gone-0","offset":1}}]})"));

  // A malformed answer of on_event is refused.
  App strict;
  strict.kafka("orders", [](Context&, const events::KafkaRecord&) {});
  strict.on_event([](Context&, const Json&) -> Result<Json> { return json_of(R"({"batchItemFailures":[{"itemIdentifier":7}]})"); });
  auto refused = invoke(strict, kafka_event({{"orders", 0, 1, "ok"}, {"audit", 0, 8, "x"}}));
  ASSERT_TRUE(refused) << refused.error().message;
  // The unrouted record fails (its group failed); the routed one succeeded.
  EXPECT_EQ(*refused, json_of(R"({"batchItemFailures":[{"itemIdentifier":{"partition":"audit-0","offset":8}}]})"));
}

TEST(KafkaRoutes, MalformedEventsAreInvalidEvents) {
  App app;
  app.kafka("*", [](Context&, const events::KafkaRecord&) {});
  auto event = kafka_event({{"t", 0, 1, "a"}});
  event.at("records").at("t-0").at(0).as_object().erase("offset");
  auto answer = invoke(app, event);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "InvalidEvent");
  EXPECT_NE(answer.error().message.find(R"(records["t-0"][0].offset: is required)"), std::string::npos) << answer.error().message;
  // No records: nothing to do, nothing failed.
  auto empty = invoke(app, json_of(R"({"eventSource":"aws:kafka","records":{}})"));
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(*empty, json_of(R"({"batchItemFailures":[]})"));
}

}  // namespace
