// EventBridge PutEvents: entry sizes as EventBridge documents them, entries split into calls of
// at most 10 entries and 256 KB, the request body, answers with failed entries, errors typed.
#include "lift/aws/eventbridge.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;

EventEntry entry(std::size_t detail_bytes = 0) {
  std::string detail = "{}";
  if (detail_bytes > 8) detail = R"({"p":")" + std::string(detail_bytes - 8, 'x') + "\"}";
  return EventEntry{.source = "com.acme.orders", .detail_type = "OrderPlaced", .detail = detail};
}

TEST(EventBridgeEntrySize, CountsWhatTheDocumentationCounts) {
  EventEntry e{.source = "src", .detail_type = "type", .detail = R"({"a":1})", .resources = {"arn:1", "arn:22"}};
  EXPECT_EQ(event_entry_size(e), 3u + 4u + 7u + 5u + 6u);
  e.time = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  EXPECT_EQ(event_entry_size(e), 3u + 4u + 7u + 5u + 6u + 14u);
  // UTF-8 bytes, not characters.
  EXPECT_EQ(event_entry_size({.source = "é", .detail_type = "", .detail = ""}), 2u);
}

TEST(EventBridgePlan, TenEntriesOr256KbPerCall) {
  std::vector<EventEntry> entries(23, entry());
  auto calls = plan_put_events(entries);
  ASSERT_TRUE(calls) << calls.error().message;
  ASSERT_EQ(calls->size(), 3u);
  EXPECT_EQ((*calls)[0].size(), 10u);
  EXPECT_EQ((*calls)[1].size(), 10u);
  EXPECT_EQ((*calls)[2], (std::vector<std::size_t>{20, 21, 22}));

  // 100 KB entries: two fit in 256 KB, a third does not.
  std::vector<EventEntry> heavy(5, entry(100 * 1024));
  calls = plan_put_events(heavy);
  ASSERT_TRUE(calls);
  EXPECT_EQ(*calls, (std::vector<std::vector<std::size_t>>{{0, 1}, {2, 3}, {4}}));

  // An entry of exactly 256 KB goes alone; one byte more is refused.
  EventEntry exact = entry();
  exact.detail = R"({"p":")" + std::string(kEventBridgeMaxCallBytes - event_entry_size(exact) - 8 + 2, 'x') + "\"}";
  ASSERT_EQ(event_entry_size(exact), kEventBridgeMaxCallBytes);
  calls = plan_put_events({entry(), exact, entry()});
  ASSERT_TRUE(calls) << calls.error().message;
  EXPECT_EQ(*calls, (std::vector<std::vector<std::size_t>>{{0}, {1}, {2}}));
  exact.detail.insert(6, "y");
  auto too_big = plan_put_events({entry(), exact});
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, kEventBridgeValidation);
  EXPECT_NE(too_big.error().message.find("entry 1"), std::string::npos);
}

TEST(EventBridgePlan, BadEntriesAreRefusedBeforeACall) {
  for (const EventEntry& bad : {EventEntry{.source = "", .detail_type = "t", .detail = "{}"},
                                EventEntry{.source = "s", .detail_type = "", .detail = "{}"},
                                EventEntry{.source = "s", .detail_type = "t", .detail = ""},
                                EventEntry{.source = "s", .detail_type = "t", .detail = "[1]"},
                                EventEntry{.source = "s", .detail_type = "t", .detail = "{oops"}}) {
    auto calls = plan_put_events({bad});
    ASSERT_FALSE(calls);
    EXPECT_EQ(calls.error().code, kEventBridgeValidation);
    EXPECT_EQ(calls.error().status, 400);
  }
}

TEST(EventBridgeRequest, BodyCarriesEveryMemberGiven) {
  EventEntry full{.source = "com.acme",
                  .detail_type = "Thing",
                  .detail = R"({"id":1})",
                  .resources = {"arn:aws:s3:::bucket"},
                  .event_bus_name = "orders",
                  .time = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)),
                  .trace_header = "Root=1-5759e988-bd862e3fe1be46a994272793"};
  EXPECT_EQ(json::parse(put_events_body({full, entry()})), json::parse(R"({"Entries": [
    {"Time": 1700000000, "Source": "com.acme", "Resources": ["arn:aws:s3:::bucket"], "DetailType": "Thing",
     "Detail": "{\"id\":1}", "EventBusName": "orders", "TraceHeader": "Root=1-5759e988-bd862e3fe1be46a994272793"},
    {"Source": "com.acme.orders", "DetailType": "OrderPlaced", "Detail": "{}"}]})"));
  full.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000250));
  EXPECT_EQ(json::parse(put_events_body({full})).at("Entries").at(0).at("Time"), 1700000000.25);
}

TEST(EventBridgeAnswer, FailedEntriesKeepTheirPlace) {
  auto result = parse_put_events(R"({"FailedEntryCount": 1, "Entries": [
    {"EventId": "11710aed-b79e-4468-a20b-bb3c0c3b4860"},
    {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}]})", 2);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->failed_count, 1u);
  ASSERT_EQ(result->entries.size(), 2u);
  EXPECT_TRUE(result->entries[0].ok());
  EXPECT_EQ(result->entries[0].event_id, "11710aed-b79e-4468-a20b-bb3c0c3b4860");
  EXPECT_FALSE(result->entries[1].ok());
  EXPECT_EQ(result->entries[1].error_code, "InternalFailure");
  EXPECT_EQ(result->entries[1].error_message, "try again");
}

TEST(EventBridgeAnswer, BadAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "[]", "{}", R"({"Entries": [{"EventId": "a"}]})" /* one entry for two */,
                           R"({"Entries": [{"EventId": "a"}, {}]})", R"({"Entries": [{"EventId": "a"}, {"EventId": "b", "ErrorCode": "X"}]})",
                           R"({"FailedEntryCount": 2, "Entries": [{"EventId": "a"}, {"ErrorCode": "X"}]})",
                           R"({"FailedEntryCount": "1", "Entries": [{"EventId": "a"}, {"ErrorCode": "X"}]})",
                           R"({"Entries": [{"EventId": 1}, {"EventId": "b"}]})", R"({"Entries": [1, 2]})"}) {
    auto result = parse_put_events(body, 2);
    ASSERT_FALSE(result) << body;
    EXPECT_EQ(result.error().code, kEventBridgeMalformedResponse) << body;
    EXPECT_EQ(result.error().status, 502);
  }
}

TEST(EventBridgeErrors, Typed) {
  EXPECT_EQ(parse_eventbridge_error(400, R"({"__type": "ThrottlingException", "message": "Rate exceeded"})").code, kEventBridgeThrottling);
  EXPECT_EQ(parse_eventbridge_error(400, R"({"__type": "ResourceNotFoundException", "message": "Event bus x does not exist."})").code,
            "EventBridge.ResourceNotFound");
  EXPECT_EQ(parse_eventbridge_error(502, "Bad Gateway").code, kEventBridgeMalformedResponse);
}

TEST(EventBridgeClientConfig, EndpointFromTheRegion) {
  lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_EVENTBRIDGE", std::nullopt);
  auto client = EventBridgeClient::create({.endpoint = "", .region = "ap-southeast-2"});
  ASSERT_TRUE(client);
  EXPECT_EQ(client->endpoint(), "https://events.ap-southeast-2.amazonaws.com");
  // Nothing to send is refused before a call.
  auto empty = client->put_events({}, std::chrono::steady_clock::now());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, kEventBridgeValidation);
}

}  // namespace
