// Firehose transformation events: the model over AWS's samples, decoding, the delivery stream
// name, detection, the answer's shape (against AWS's response sample), sample events and bad
// input.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "event_samples.hpp"
#include "lift/core/base64.hpp"
#include "lift/events/detect.hpp"
#include "lift/events/firehose.hpp"
#include "support/requirements.hpp"

namespace {

namespace ev = lift::events;
using boost::json::parse;

const std::vector<std::string> kFirehoseSamples = {"events-new/firehose/go-kinesis-firehose-event.json",
                                               "events-new/firehose/pt-kinesisFirehoseKinesisEvent.json",
                                               "events-new/firehose/pt-kinesisFirehosePutEvent.json",
                                               "events/unknown/go-kinesis-firehose-event.json"};

using lift_test::expect_invalid;
using lift_test::read_testdata;

void collect_keys(const boost::json::value& v, std::set<std::string>& names) {
  if (const auto* object = v.if_object()) {
    for (const auto& member : *object) {
      names.emplace(member.key());
      collect_keys(member.value(), names);
    }
  } else if (const auto* array = v.if_array()) {
    for (const auto& item : *array) collect_keys(item, names);
  }
}

const char* kStream = "arn:aws:firehose:us-east-2:123456789012:deliverystream/delivery-stream-name";

// ---- the samples ----

TEST(Firehose, EverySampleParsesDetectsAndWritesBackWhatItRead) {
  for (const auto& file : kFirehoseSamples) {
    const auto event = read_testdata(file);
    if (event.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available";
    EXPECT_EQ(ev::detect(event), ev::kind_of<ev::Firehose>) << file;
    auto parsed = ev::parse_firehose(event);
    ASSERT_TRUE(parsed) << file << ": " << parsed.error().message;
    EXPECT_EQ(parsed->records.size(), 2u) << file;
    const auto json = lift::json::to_json(*parsed);
    EXPECT_FALSE(lift_test::not_subset(json, event)) << file << ": " << lift_test::not_subset(json, event).value_or("");
    EXPECT_EQ(lift_test::leaves(json), lift_test::leaves(event)) << file;
    const auto summary = ev::inspect(event);
    EXPECT_EQ(summary.at("source"), "firehose") << file;
    EXPECT_FALSE(summary.contains("error")) << file;
  }
}

TEST(Firehose, KinesisSourceSampleKnownValues) {
  LIFT_REQUIRE_TESTDATA(event, "events-new/firehose/pt-kinesisFirehoseKinesisEvent.json");
  auto parsed = ev::parse_firehose(event);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->invocationId, "2b4d1ad9-2f48-94bd-a088-767c317e994a");
  EXPECT_EQ(parsed->deliveryStreamArn, kStream);
  EXPECT_EQ(parsed->delivery_stream_name(), "delivery-stream-name");
  EXPECT_EQ(parsed->sourceKinesisStreamArn, "arn:aws:kinesis:us-east-1:123456789012:stream/kinesis-source");
  EXPECT_EQ(parsed->region, "us-east-2");
  const auto& second = parsed->records[1];
  EXPECT_EQ(second.recordId, "record2");
  EXPECT_EQ(second.approximateArrivalTimestamp, 1664028793294);
  EXPECT_EQ(second.data_bytes().value(), R"({"Hello": "World"})");
  EXPECT_EQ(second.delivery_stream_arn, kStream);
  EXPECT_EQ(second.delivery_stream_name(), "delivery-stream-name");
  ASSERT_TRUE(second.kinesisRecordMetadata);
  EXPECT_EQ(second.kinesisRecordMetadata->shardId, "shardId-000000000001");
  EXPECT_EQ(second.kinesisRecordMetadata->sequenceNumber, "49546986683135544286507457936321625675700192471156785155");
  EXPECT_EQ(second.kinesisRecordMetadata->subsequenceNumber, 0);
}

TEST(Firehose, DirectPutSampleAndANonArnDeliveryStream) {
  LIFT_REQUIRE_TESTDATA(put, "events-new/firehose/pt-kinesisFirehosePutEvent.json");
  auto parsed = ev::parse_firehose(put);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->sourceKinesisStreamArn);
  EXPECT_FALSE(parsed->records[0].kinesisRecordMetadata);
  EXPECT_EQ(parsed->records[0].data_bytes().value(), "Hello World");

  // One of AWS's samples gives "aws:lambda:events" for the stream: no name, so only "*" matches.
  LIFT_REQUIRE_TESTDATA(go, "events-new/firehose/go-kinesis-firehose-event.json");
  auto odd = ev::parse_firehose(go);
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->deliveryStreamArn, "aws:lambda:events");
  EXPECT_EQ(odd->delivery_stream_name(), "");
  EXPECT_TRUE(ev::Firehose::matches("*", odd->records[0]));
  EXPECT_FALSE(ev::Firehose::matches("lambda*", odd->records[0]));
  EXPECT_FALSE(ev::Firehose::matches("arn:*", odd->records[0]));
  EXPECT_EQ(odd->records[0].kinesisRecordMetadata->subsequenceNumber, 123456);
}

TEST(Firehose, DeliveryStreamNamesComeFromFirehoseArnsOnly) {
  EXPECT_EQ(ev::delivery_stream_name_from_arn("arn:aws:firehose:us-east-1:1:deliverystream/clicks"), "clicks");
  EXPECT_EQ(ev::delivery_stream_name_from_arn("arn:aws-cn:firehose:cn-north-1:1:deliverystream/a/b"), "a/b");
  EXPECT_EQ(ev::delivery_stream_name_from_arn("arn:aws:kinesis:us-east-1:1:stream/clicks"), "");
  EXPECT_EQ(ev::delivery_stream_name_from_arn("arn:aws:firehose:us-east-1:1:table/clicks"), "");
  EXPECT_EQ(ev::delivery_stream_name_from_arn("aws:lambda:events"), "");
  EXPECT_EQ(ev::delivery_stream_name_from_arn(""), "");
}

// ---- routing and the descriptor's hooks ----

TEST(Firehose, RoutesMatchTheDeliveryStreamNameOrArn) {
  ev::FirehoseRecord r;
  r.recordId = "r1";
  r.delivery_stream_arn = kStream;
  EXPECT_TRUE(ev::Firehose::matches("delivery-*", r));
  EXPECT_FALSE(ev::Firehose::matches("other", r));
  EXPECT_TRUE(ev::Firehose::matches("arn:aws:firehose:us-east-2:*", r));
  EXPECT_FALSE(ev::Firehose::matches("arn:aws:firehose:eu-west-1:*", r));
  EXPECT_EQ(ev::Firehose::describe(r), std::string("the Firehose delivery stream ") + kStream);
  EXPECT_EQ(ev::Firehose::item_id(r), "r1");
}

TEST(Firehose, SubsetsKeepTheEnvelope) {
  LIFT_REQUIRE_TESTDATA(event, "events-new/firehose/pt-kinesisFirehoseKinesisEvent.json");
  auto parsed = ev::parse_firehose(event);
  ASSERT_TRUE(parsed);
  const std::size_t second[] = {1};
  const auto subset = ev::Firehose::subset(*parsed, second);
  EXPECT_EQ(subset.invocationId, parsed->invocationId);
  EXPECT_EQ(subset.sourceKinesisStreamArn, parsed->sourceKinesisStreamArn);
  ASSERT_EQ(subset.records.size(), 1u);
  EXPECT_EQ(subset.records[0].recordId, "record2");
  const auto raw = ev::Firehose::raw_subset(event, second);
  EXPECT_EQ(raw.at("records").as_array().size(), 1u);
  EXPECT_EQ(raw.at("records").at(0).at("recordId"), "record2");
  EXPECT_EQ(raw.at("invocationId"), event.at("invocationId"));
  EXPECT_EQ(lift::json::to_json(*ev::parse_firehose(raw)), lift::json::to_json(subset));
}

// ---- the answer ----

TEST(Firehose, TheAnswerHasTheShapeOfAwsResponseSample) {
  const auto golden = read_testdata("event-responses/go-kinesis-firehose-response.json");
  if (golden.is_null()) LIFT_SKIP_WITHOUT() << "sample responses not available";
  LIFT_REQUIRE_TESTDATA(event, "events-new/firehose/pt-kinesisFirehosePutEvent.json");
  auto parsed = ev::parse_firehose(event);
  ASSERT_TRUE(parsed);
  // AWS's response sample answers three records of "Hello World".
  parsed->records[1].data = parsed->records[0].data;
  parsed->records.push_back(parsed->records[0]);
  parsed->records[2].recordId = "record3";
  std::vector<lift::Result<ev::FirehoseResult>> outcomes;
  outcomes.emplace_back(ev::FirehoseResult::ok());
  outcomes.emplace_back(ev::FirehoseResult::dropped());
  outcomes.emplace_back(
      ev::FirehoseResult::ok("Hello World").with_partition_key("iamKey1", "iamValue1").with_partition_key("iamKey2", "iamValue2").with_destination_table("database1", "table1", "update"));
  const auto answer = ev::firehose_response(*parsed, outcomes);
  // Every member lift writes is one AWS's sample has, at the same place.
  const auto& ours = answer.at("records").as_array();
  const auto& theirs = golden.at("records").as_array();
  ASSERT_EQ(ours.size(), theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    for (const auto& member : ours[i].as_object()) EXPECT_TRUE(theirs[i].as_object().contains(member.key())) << member.key();
    EXPECT_EQ(ours[i].at("recordId"), theirs[i].at("recordId"));
    EXPECT_EQ(ours[i].at("data"), theirs[i].at("data"));
  }
  EXPECT_EQ(ours[2].at("metadata"), theirs[2].at("metadata"));
  // The result values are AWS's documented ones (the sample's are its library's test values).
  EXPECT_EQ(answer, parse(R"({"records":[
      {"recordId":"record1","result":"Ok","data":"SGVsbG8gV29ybGQ="},
      {"recordId":"record2","result":"Dropped","data":"SGVsbG8gV29ybGQ="},
      {"recordId":"record3","result":"Ok","data":"SGVsbG8gV29ybGQ=","metadata":{
          "partitionKeys":{"iamKey1":"iamValue1","iamKey2":"iamValue2"},
          "otfMetadata":{"destinationDatabaseName":"database1","destinationTableName":"table1","operation":"update"}}}]})"));
}

TEST(Firehose, FailuresAreProcessingFailedWithTheirDataAsItCame) {
  LIFT_REQUIRE_TESTDATA(event, "events-new/firehose/pt-kinesisFirehosePutEvent.json");
  auto parsed = ev::parse_firehose(event);
  ASSERT_TRUE(parsed);
  std::vector<lift::Result<ev::FirehoseResult>> outcomes;
  outcomes.emplace_back(lift::Error{"Rejected", "no", 400});
  outcomes.emplace_back(ev::FirehoseResult::failed().with_partition_key("k", "v"));
  EXPECT_EQ(ev::firehose_response(*parsed, outcomes), parse(R"({"records":[
      {"recordId":"record1","result":"ProcessingFailed","data":"SGVsbG8gV29ybGQ="},
      {"recordId":"record2","result":"ProcessingFailed","data":"eyJIZWxsbyI6ICJXb3JsZCJ9","metadata":{"partitionKeys":{"k":"v"}}}]})"));
  // Binary output is encoded; an empty one too.
  outcomes.clear();
  outcomes.emplace_back(ev::FirehoseResult::ok(std::string("\x00\xff", 2)));
  outcomes.emplace_back(ev::FirehoseResult::ok(""));
  const auto answer = ev::firehose_response(*parsed, outcomes);
  EXPECT_EQ(answer.at("records").at(0).at("data"), boost::json::value(lift::base64::encode(std::string("\x00\xff", 2))));
  EXPECT_EQ(answer.at("records").at(1).at("data"), "");
}

TEST(Firehose, MskSourcedRecordsAnswerKafkaRecordValue) {
  const auto event = parse(R"({"invocationId":"i","deliveryStreamArn":"arn:aws:firehose:us-east-1:1:deliverystream/s",
      "sourceMSKArn":"arn:aws:kafka:us-east-1:1:cluster/c/x","region":"us-east-1",
      "records":[{"recordId":"r1","approximateArrivalTimestamp":1,"kafkaRecordValue":"aGk=","mskRecordMetadata":{"offset":"0"}}]})");
  EXPECT_EQ(ev::detect(event), ev::kind_of<ev::Firehose>);
  auto parsed = ev::parse_firehose(event);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->records[0].data_bytes().value(), "hi");
  EXPECT_EQ(parsed->records[0].encoded_data(), "aGk=");
  std::vector<lift::Result<ev::FirehoseResult>> outcomes;
  outcomes.emplace_back(ev::FirehoseResult::ok("HI"));
  EXPECT_EQ(ev::firehose_response(*parsed, outcomes), parse(R"({"records":[{"recordId":"r1","result":"Ok","kafkaRecordValue":"SEk="}]})"));
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[{"recordId":"r","kafkaRecordValue":"%"}]})"))
                     ->records[0]
                     .data_bytes(),
                 "kafkaRecordValue: invalid base64");
}

// ---- bad input ----

TEST(Firehose, MalformedEventsAreInvalidEventsNamingThePath) {
  expect_invalid(ev::parse_firehose(parse(R"("x")")), "expected object");
  expect_invalid(ev::parse_firehose(parse(R"({"deliveryStreamArn":"a","records":[]})")), "invocationId: is required");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","records":[]})")), "deliveryStreamArn: is required");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a"})")), "records: is required");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":{}})")), "records: expected array");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[{"data":"aGk="}]})")),
                 "records[0].recordId: is required");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[{"recordId":"r"}]})")),
                 "records[0].data: is required");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[{"recordId":"r","data":1}]})")),
                 "records[0].data: expected string");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[{"recordId":"r","data":"",
                 "approximateArrivalTimestamp":"soon"}]})")),
                 "records[0].approximateArrivalTimestamp: expected integer");
  expect_invalid(ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[{"recordId":"r","data":"",
                 "kinesisRecordMetadata":{"subsequenceNumber":1e300}}]})")),
                 "records[0].kinesisRecordMetadata.subsequenceNumber");
  // Undecodable data fails alone, when it is read.
  auto parsed = ev::parse_firehose(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[{"recordId":"r","data":"not base64"}]})"));
  ASSERT_TRUE(parsed);
  expect_invalid(parsed->records[0].data_bytes(), "data: invalid base64");
}

TEST(Firehose, DetectionNeedsTheInvocationTheStreamAndARecordsArray) {
  EXPECT_EQ(ev::detect(parse(R"({"invocationId":"i","deliveryStreamArn":"a","records":[]})")), ev::kind_of<ev::Firehose>);
  for (const auto* json : {R"({"records":[{"eventSource":"aws:sqs"}]})", R"({"invocationId":"i","records":[]})",
                           R"({"deliveryStreamArn":"a","records":[]})", R"({"invocationId":"i","deliveryStreamArn":"a","records":{}})",
                           R"({"invocationId":"","deliveryStreamArn":"a","records":[]})",
                           R"({"invocationId":"i","deliveryStreamArn":7,"records":[]})",
                           R"({"invocationId":"i","applicationArn":"arn:aws:kinesisanalytics:x","records":[]})"}) {
    EXPECT_FALSE(ev::Firehose::detect(parse(json))) << json;
    EXPECT_TRUE(ev::detect(parse(json)).is_unknown()) << json;
  }
}

// ---- sample events ----

TEST(Firehose, SampleEventsLookLikeAwsSamples) {
  std::set<std::string> aws_names;
  for (const auto& file : kFirehoseSamples) {
    const auto event = read_testdata(file);
    if (event.is_null()) LIFT_SKIP_WITHOUT() << "sample events not available";
    collect_keys(event, aws_names);
  }
  ev::FirehoseSampleOptions kinesis;
  kinesis.source_stream = "clicks";
  kinesis.data = {"a", "b", "c"};
  kinesis.stream = "to-s3";
  for (const auto& options : {ev::FirehoseSampleOptions{}, kinesis}) {
    auto sample = ev::Firehose::sample(options);
    ASSERT_TRUE(sample) << sample.error().message;
    EXPECT_EQ(ev::detect(*sample), ev::kind_of<ev::Firehose>);
    auto parsed = ev::Firehose::parse(*sample);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_FALSE(ev::inspect(*sample).contains("error"));
    std::set<std::string> names;
    collect_keys(*sample, names);
    for (const auto& name : names) EXPECT_TRUE(aws_names.contains(name)) << name;
  }
  auto three = ev::parse_firehose(*ev::Firehose::sample(kinesis));
  ASSERT_EQ(three->records.size(), 3u);
  EXPECT_EQ(three->delivery_stream_name(), "to-s3");
  EXPECT_EQ(three->records[2].data_bytes().value(), "c");
  EXPECT_EQ(three->sourceKinesisStreamArn, "arn:aws:kinesis:us-east-1:123456789012:stream/clicks");
  EXPECT_NE(three->records[0].recordId, three->records[1].recordId);
  ev::FirehoseSampleOptions bad;
  bad.stream = "";
  auto refused = ev::Firehose::sample(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "InvalidSample");
}

}  // namespace
