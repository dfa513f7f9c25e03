// lift::App for Firehose transformations: routing by delivery stream, per-record answers (Ok,
// Dropped, ProcessingFailed) in AWS's response shape, failures that never fail the invocation,
// whole-batch handlers, and the middleware around each record.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/core/base64.hpp"
#include "support/files.hpp"
#include "support/invoke.hpp"
#include "support/json.hpp"
#include "support/requirements.hpp"

namespace {

using lift::App;
using lift::Context;
using lift::Next;
using lift::Result;
using lift::testing_support::invoke;
using lift::testing_support::json_of;
namespace events = lift::events;
using events::FirehoseResult;
using Json = boost::json::value;

std::string stream_arn(const std::string& name, const std::string& region = "us-east-1") {
  return "arn:aws:firehose:" + region + ":123456789012:deliverystream/" + name;
}

// A Direct PUT event in AWS's shape: records r1, r2, ... holding `data`.
Json firehose_event(const std::vector<std::string>& data, const std::string& delivery_stream = stream_arn("clicks")) {
  boost::json::array records;
  for (std::size_t i = 0; i < data.size(); ++i) {
    records.push_back(Json{{"recordId", "r" + std::to_string(i + 1)},
                           {"approximateArrivalTimestamp", 1700000000000 + static_cast<std::int64_t>(i)},
                           {"data", lift::base64::encode(data[i])}});
  }
  return Json{{"invocationId", "inv-1"}, {"deliveryStreamArn", delivery_stream}, {"region", "us-east-1"}, {"records", records}};
}

std::string b64(const std::string& text) { return lift::base64::encode(text); }

// `{"recordId":"rN","result":..,"data":..}` for each (result, bytes).
Json expected(const std::vector<std::pair<std::string, std::string>>& answers) {
  boost::json::array records;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    records.push_back(Json{{"recordId", "r" + std::to_string(i + 1)}, {"result", answers[i].first}, {"data", b64(answers[i].second)}});
  }
  return Json{{"records", records}};
}

// A transformation: upper-cases the data; "drop" is dropped, "bad" fails, "throw" throws.
FirehoseResult transform(const events::FirehoseRecord& r) {
  auto bytes = r.data_bytes();
  if (!bytes) return FirehoseResult::failed();
  if (*bytes == "drop") return FirehoseResult::dropped();
  if (*bytes == "throw") throw std::runtime_error("boom");
  std::string upper = *bytes;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return FirehoseResult::ok(upper);
}

TEST(FirehoseRoutes, EveryRecordIsAnsweredInOrderAndFailuresNeverFailTheInvocation) {
  App app;
  app.firehose("clicks", [](Context&, const events::FirehoseRecord& r) -> Result<FirehoseResult> {
    if (auto bytes = r.data_bytes(); bytes && *bytes == "bad") return lift::Error{"Rejected", "bad record", 400};
    return transform(r);
  });
  auto answer = invoke(app, firehose_event({"a", "drop", "bad", "throw", "b"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, expected({{"Ok", "A"}, {"Dropped", "drop"}, {"ProcessingFailed", "bad"}, {"ProcessingFailed", "throw"}, {"Ok", "B"}}));

  // Every record failing is still an answer: Firehose sends them to its error output.
  auto all_failed = invoke(app, firehose_event({"bad", "throw"}));
  ASSERT_TRUE(all_failed) << all_failed.error().message;
  EXPECT_EQ(*all_failed, expected({{"ProcessingFailed", "bad"}, {"ProcessingFailed", "throw"}}));

  // Undecodable data: the handler's answer (here failed), with the data as it came.
  auto event = firehose_event({"x"});
  event.at("records").at(0).as_object()["data"] = "%%%";
  auto undecodable = invoke(app, event);
  ASSERT_TRUE(undecodable);
  EXPECT_EQ(*undecodable, json_of(R"({"records":[{"recordId":"r1","result":"ProcessingFailed","data":"%%%"}]})"));

  auto empty = invoke(app, firehose_event({}));
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, json_of(R"({"records":[]})"));
}

TEST(FirehoseRoutes, TheAnswerHasTheShapeOfAwsResponseSample) {
  const std::string golden = LIFT_TESTDATA_DIR "/event-responses/go-kinesis-firehose-response.json";
  if (!std::ifstream(golden)) LIFT_SKIP_WITHOUT() << "sample responses not available";
  const auto sample = json_of(lift::testing_support::read_file(golden));
  App app;
  app.firehose("*", [](Context&, const events::FirehoseRecord& r) {
    if (r.recordId == "r2") return FirehoseResult::dropped();
    if (r.recordId == "r3") {
      return FirehoseResult::ok("Hello World")
          .with_partition_key("iamKey1", "iamValue1")
          .with_partition_key("iamKey2", "iamValue2")
          .with_destination_table("database1", "table1", "update");
    }
    return FirehoseResult::ok();
  });
  auto answer = invoke(app, firehose_event({"Hello World", "Hello World", "ignored"}));
  ASSERT_TRUE(answer) << answer.error().message;
  const auto& ours = answer->at("records").as_array();
  const auto& theirs = sample.at("records").as_array();
  ASSERT_EQ(ours.size(), theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    for (const auto& member : ours[i].as_object()) EXPECT_TRUE(theirs[i].as_object().contains(member.key())) << member.key();
    EXPECT_EQ(ours[i].at("data"), theirs[i].at("data"));
  }
  EXPECT_EQ(ours[2].at("metadata"), theirs[2].at("metadata"));
  EXPECT_EQ(ours[0].at("result"), "Ok");
  EXPECT_EQ(ours[1].at("result"), "Dropped");
}

TEST(FirehoseRoutes, VoidAndContextOnlyHandlersLeaveRecordsAsTheyCame) {
  std::vector<std::string> seen;
  App app;
  app.firehose("logs-*", [&seen](Context&, const events::FirehoseRecord& r) { seen.push_back(r.recordId); });
  app.firehose("metrics", [&seen](Context&) { seen.push_back("ctx"); });
  auto logs = invoke(app, firehose_event({"a", "b"}, stream_arn("logs-prod")));
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_EQ(*logs, expected({{"Ok", "a"}, {"Ok", "b"}}));
  auto metrics = invoke(app, firehose_event({"m"}, stream_arn("metrics")));
  ASSERT_TRUE(metrics);
  EXPECT_EQ(*metrics, expected({{"Ok", "m"}}));
  EXPECT_EQ(seen, (std::vector<std::string>{"r1", "r2", "ctx"}));
}

TEST(FirehoseRoutes, DeliveryStreamNamesAndArnsPickTheRoute) {
  std::vector<std::string> log;
  App app;
  app.firehose("orders-*", [&log](Context&, const events::FirehoseRecord& r) { log.push_back("orders:" + std::string(r.delivery_stream_name())); });
  app.firehose("arn:aws:firehose:eu-west-1:*", [&log](Context&, const events::FirehoseRecord& r) {
    log.push_back("eu:" + std::string(r.delivery_stream_name()));
  });
  ASSERT_TRUE(invoke(app, firehose_event({"x"}, stream_arn("orders-eu", "eu-west-1"))));
  ASSERT_TRUE(invoke(app, firehose_event({"x"}, stream_arn("clicks", "eu-west-1"))));
  EXPECT_EQ(log, (std::vector<std::string>{"orders:orders-eu", "eu:clicks"}));
  auto unrouted = invoke(app, firehose_event({"x"}, stream_arn("clicks")));
  ASSERT_FALSE(unrouted);
  EXPECT_EQ(unrouted.error().code, "NoRoute");
  EXPECT_NE(unrouted.error().message.find("the Firehose delivery stream " + stream_arn("clicks")), std::string::npos);
  // A delivery stream that is not an ARN has no name: "*" alone takes it.
  auto odd = invoke(app, firehose_event({"x"}, "aws:lambda:events"));
  ASSERT_FALSE(odd);
  App catch_all;
  catch_all.firehose("*", [](Context&, const events::FirehoseRecord&) {});
  EXPECT_TRUE(invoke(catch_all, firehose_event({"x"}, "aws:lambda:events")));
}

TEST(FirehoseRoutes, WholeBatchHandlersPassRecordsOnOrFailThemAll) {
  std::size_t seen = 0;
  App app;
  app.firehose("audit", [&seen](Context& ctx, const events::FirehoseEvent& e) {
    EXPECT_TRUE(ctx.record().is_null());
    seen += e.records.size();
  });
  app.firehose("broken", [](Context&, const events::FirehoseEvent&) -> Result<void> { return lift::errors::unavailable(); });
  auto audit = invoke(app, firehose_event({"a", "b"}, stream_arn("audit")));
  ASSERT_TRUE(audit) << audit.error().message;
  EXPECT_EQ(*audit, expected({{"Ok", "a"}, {"Ok", "b"}}));
  EXPECT_EQ(seen, 2u);
  auto broken = invoke(app, firehose_event({"a", "b"}, stream_arn("broken")));
  ASSERT_TRUE(broken) << broken.error().message;
  EXPECT_EQ(*broken, expected({{"ProcessingFailed", "a"}, {"ProcessingFailed", "b"}}));
}

TEST(FirehoseRoutes, MiddlewareRunsAroundEachRecordAndMayAnswerForIt) {
  std::vector<std::string> log;
  App app;
  app.use([&log](Context& ctx, const Next& next) -> Result<void> {
    const auto* record = ctx.record<events::FirehoseRecord>();
    if (record == nullptr) return next();
    EXPECT_EQ(ctx.record().at("recordId").as_string(), record->recordId);
    log.push_back("mw " + std::to_string(ctx.record_index()) + ":" + record->recordId);
    const auto data = *record->data_bytes();
    if (data == "skip") return {};                                            // answered without the handler
    if (data == "blocked") return lift::errors::forbidden("blocked by middleware");  // fails the record
    return next();
  });
  app.firehose("*", [&log](Context&, const events::FirehoseRecord& r) {
    log.push_back("handler:" + r.recordId);
    return transform(r);
  });
  auto answer = invoke(app, firehose_event({"a", "skip", "blocked", "d"}));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer, expected({{"Ok", "A"}, {"Ok", "skip"}, {"ProcessingFailed", "blocked"}, {"Ok", "D"}}));
  EXPECT_EQ(log, (std::vector<std::string>{"mw 0:r1", "handler:r1", "mw 1:r2", "mw 2:r3", "mw 3:r4", "handler:r4"}));
}

TEST(FirehoseRoutes, MalformedEventsAreInvalidEvents) {
  App app;
  app.firehose("*", [](Context&, const events::FirehoseRecord&) {});
  auto event = firehose_event({"a"});
  event.at("records").at(0).as_object().erase("recordId");
  auto answer = invoke(app, event);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "InvalidEvent");
  EXPECT_NE(answer.error().message.find("records[0].recordId: is required"), std::string::npos) << answer.error().message;
}

}  // namespace
