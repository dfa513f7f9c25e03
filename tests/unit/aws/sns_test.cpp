// SNS: Publish and PublishBatch parameters as the query protocol writes them (names from the API
// reference), XML answers and errors, bad input refused before a call.
#include "lift/aws/sns.hpp"

#include <gtest/gtest.h>

#include "support/scoped_env.hpp"
#include "support/result_code.hpp"

namespace {

using namespace lift::aws;
using lift::Result;
using lift::testing_support::ScopedEnv;

constexpr const char* kTopic = "arn:aws:sns:us-east-1:123456789012:alerts";

using lift::testing_support::code;

TEST(SnsRequest, PublishWritesEveryMemberInTheSdksOrder) {
  auto parameters = publish_parameters({.topic_arn = std::string(kTopic) + ".fifo",
                                        .message = "disk full",
                                        .subject = "alert",
                                        .attributes = {{"level", MessageAttribute::string("high")},
                                                       {"count", MessageAttribute::number("3")},
                                                       {"raw", MessageAttribute::binary("\x01\x02")},
                                                       {"tags", MessageAttribute::string_array(R"(["a", 1, true])")}},
                                        .message_group_id = "g1",
                                        .deduplication_id = "d1"});
  ASSERT_TRUE(parameters) << parameters.error().message;
  const QueryParameters expected{{"TopicArn", std::string(kTopic) + ".fifo"},
                                 {"Message", "disk full"},
                                 {"Subject", "alert"},
                                 {"MessageAttributes.entry.1.Name", "count"},
                                 {"MessageAttributes.entry.1.Value.DataType", "Number"},
                                 {"MessageAttributes.entry.1.Value.StringValue", "3"},
                                 {"MessageAttributes.entry.2.Name", "level"},
                                 {"MessageAttributes.entry.2.Value.DataType", "String"},
                                 {"MessageAttributes.entry.2.Value.StringValue", "high"},
                                 {"MessageAttributes.entry.3.Name", "raw"},
                                 {"MessageAttributes.entry.3.Value.DataType", "Binary"},
                                 {"MessageAttributes.entry.3.Value.BinaryValue", "AQI="},
                                 {"MessageAttributes.entry.4.Name", "tags"},
                                 {"MessageAttributes.entry.4.Value.DataType", "String.Array"},
                                 {"MessageAttributes.entry.4.Value.StringValue", R"(["a", 1, true])"},
                                 {"MessageDeduplicationId", "d1"},
                                 {"MessageGroupId", "g1"}};
  EXPECT_EQ(*parameters, expected);

  auto json_structure = publish_parameters(
      {.phone_number = "+15555550100", .message = R"({"default": "hi", "sms": "hi!"})", .message_structure = "json"});
  ASSERT_TRUE(json_structure) << json_structure.error().message;
  EXPECT_EQ(json_structure->front(), (std::pair<std::string, std::string>{"PhoneNumber", "+15555550100"}));
  EXPECT_EQ(json_structure->back(), (std::pair<std::string, std::string>{"MessageStructure", "json"}));
}

TEST(SnsRequest, BadPublishIsRefusedBeforeACall) {
  EXPECT_EQ(code(publish_parameters({.message = "x"})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .phone_number = "+1", .message = "x"})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = ""})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = "x", .subject = std::string(101, 's')})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = "x", .subject = "two\nlines"})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = "x", .message_structure = "xml"})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = "not json", .message_structure = "json"})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = R"({"sqs": "x"})", .message_structure = "json"})),
            kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = std::string(256 * 1024 + 1, 'x')})), kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = std::string(256 * 1024 - 20, 'x'),
                                     .attributes = {{"big", MessageAttribute::string(std::string(30, 'v'))}}})),
            kSnsInvalidParameter);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = "x", .attributes = {{"a", {"Date", "1", std::nullopt}}}})),
            kSnsInvalidParameterValue);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = "x", .attributes = {{"a", {"String", std::nullopt, "b"}}}})),
            kSnsInvalidParameterValue);
  EXPECT_EQ(code(publish_parameters({.topic_arn = kTopic, .message = std::string(256 * 1024, 'x')})), "ok");
}

TEST(SnsRequest, PublishBatchNumbersEntriesAndBoundsTheBatch) {
  auto parameters = publish_batch_parameters(
      {.topic_arn = kTopic,
       .entries = {{.id = "e1", .message = "one", .subject = "s"},
                   {.id = "e2", .message = "two", .attributes = {{"k", MessageAttribute::string("v")}}, .message_group_id = "g"}}});
  ASSERT_TRUE(parameters) << parameters.error().message;
  const QueryParameters expected{{"TopicArn", kTopic},
                                 {"PublishBatchRequestEntries.member.1.Id", "e1"},
                                 {"PublishBatchRequestEntries.member.1.Message", "one"},
                                 {"PublishBatchRequestEntries.member.1.Subject", "s"},
                                 {"PublishBatchRequestEntries.member.2.Id", "e2"},
                                 {"PublishBatchRequestEntries.member.2.Message", "two"},
                                 {"PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Name", "k"},
                                 {"PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.DataType", "String"},
                                 {"PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.StringValue", "v"},
                                 {"PublishBatchRequestEntries.member.2.MessageGroupId", "g"}};
  EXPECT_EQ(*parameters, expected);

  EXPECT_EQ(code(publish_batch_parameters({.topic_arn = kTopic})), kSnsEmptyBatchRequest);
  EXPECT_EQ(code(publish_batch_parameters({.entries = {{.id = "a", .message = "x"}}})), kSnsInvalidParameter);
  PublishBatchRequest eleven{.topic_arn = kTopic};
  for (int i = 0; i < 11; ++i) eleven.entries.push_back({.id = "e" + std::to_string(i), .message = "x"});
  EXPECT_EQ(code(publish_batch_parameters(eleven)), kSnsTooManyEntriesInBatchRequest);
  EXPECT_EQ(code(publish_batch_parameters({.topic_arn = kTopic, .entries = {{.id = "a", .message = "x"}, {.id = "a", .message = "y"}}})),
            kSnsBatchEntryIdsNotDistinct);
  EXPECT_EQ(code(publish_batch_parameters({.topic_arn = kTopic, .entries = {{.id = "a.b", .message = "x"}}})), kSnsInvalidBatchEntryId);
  PublishBatchRequest heavy{.topic_arn = kTopic};
  for (int i = 0; i < 3; ++i) heavy.entries.push_back({.id = "e" + std::to_string(i), .message = std::string(100 * 1024, 'x')});
  EXPECT_EQ(code(publish_batch_parameters(heavy)), kSnsBatchRequestTooLong);
  auto bad_entry = publish_batch_parameters({.topic_arn = kTopic, .entries = {{.id = "ok", .message = "x"}, {.id = "bad", .message = ""}}});
  ASSERT_FALSE(bad_entry);
  EXPECT_NE(bad_entry.error().message.find("'bad'"), std::string::npos);
}

TEST(SnsAnswer, PublishAndBatchAnswersAsTheReferenceShowsThem) {
  auto published = parse_publish(R"(<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
    <PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId><SequenceNumber>10000000000000003000</SequenceNumber></PublishResult>
    <ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata></PublishResponse>)");
  ASSERT_TRUE(published) << published.error().message;
  EXPECT_EQ(published->message_id, "567910cd-659e-55d4-8ccb-5aaf14679dc0");
  EXPECT_EQ(published->sequence_number, "10000000000000003000");

  auto batch = parse_publish_batch(R"(<PublishBatchResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult>
    <Successful><member><Id>e1</Id><MessageId>m-1</MessageId></member></Successful>
    <Failed><member><Id>e2</Id><Code>InvalidParameter</Code><Message>bad attribute</Message><SenderFault>true</SenderFault></member>
            <member><Id>e3</Id><Code>InternalError</Code><SenderFault>false</SenderFault></member></Failed>
    </PublishBatchResult></PublishBatchResponse>)");
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->successful.size(), 1u);
  EXPECT_EQ(batch->successful[0].id, "e1");
  EXPECT_EQ(batch->successful[0].message_id, "m-1");
  ASSERT_EQ(batch->failed.size(), 2u);
  EXPECT_EQ(batch->failed[0].code, "InvalidParameter");
  EXPECT_EQ(batch->failed[0].message, "bad attribute");
  EXPECT_TRUE(batch->failed[0].sender_fault);
  EXPECT_FALSE(batch->failed[1].sender_fault);
}

TEST(SnsAnswer, BadAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "{}", "<PublishResponse>", "<Other><PublishResult><MessageId>x</MessageId></PublishResult></Other>",
                           "<PublishResponse><PublishResult/></PublishResponse>",
                           "<!DOCTYPE x [<!ENTITY a 'b'>]><PublishResponse/>"}) {
    auto published = parse_publish(body);
    ASSERT_FALSE(published) << body;
    EXPECT_EQ(published.error().code, kSnsMalformedResponse) << body;
    EXPECT_EQ(published.error().status, 502);
  }
  for (const char* body : {"<PublishBatchResponse/>",
                           "<PublishBatchResponse><PublishBatchResult><Failed><member><Id>a</Id></member></Failed></PublishBatchResult></PublishBatchResponse>",
                           "<PublishBatchResponse><PublishBatchResult><Successful><member/></Successful></PublishBatchResult></PublishBatchResponse>"}) {
    EXPECT_EQ(code(parse_publish_batch(body)), kSnsMalformedResponse) << body;
  }
}

TEST(SnsErrors, TypedFromTheQueryProtocolsXml) {
  auto missing = parse_sns_error(404, R"(<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>
    <Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>)");
  EXPECT_EQ(missing.code, kSnsNotFound);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.message, "Topic does not exist");
  EXPECT_EQ(parse_sns_error(400, "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>").code, kSnsThrottling);
  EXPECT_EQ(parse_sns_error(500, "<html>").code, kSnsMalformedResponse);
}

TEST(SnsClientConfig, EndpointFromTheRegionOrTheStandardVariable) {
  ScopedEnv endpoint("AWS_ENDPOINT_URL_SNS", std::nullopt);
  EXPECT_EQ(SnsClient::create({.region = "cn-north-1"})->endpoint(), "https://sns.cn-north-1.amazonaws.com.cn");
  ScopedEnv local("AWS_ENDPOINT_URL_SNS", "http://localhost:4566");
  EXPECT_EQ(SnsClient::create({.region = "eu-west-1"})->endpoint(), "http://localhost:4566");
}

}  // namespace
