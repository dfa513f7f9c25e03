// SQS: request bodies as the JSON protocol wants them (shapes from the API reference), answers
// with their MD5 digests checked, batch failures, errors typed, bad input refused before a call.
#include "lift/aws/sqs.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using lift::Result;
using lift::testing_support::ScopedEnv;

std::string md5(std::string_view text) { return lift::hex::encode(lift::digest::md5(text)); }

TEST(SqsRequest, SendMessageCarriesAttributesDelayAndFifoIds) {
  SendMessageRequest request{.queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo",
                             .body = "{\"order\":42}",
                             .attributes = {{"tenant", MessageAttribute::string("acme")},
                                            {"retries", MessageAttribute::number("3")},
                                            {"blob", MessageAttribute::binary(std::string("\x00\xff", 2))}},
                             .delay_seconds = 5,
                             .message_group_id = "customer-7",
                             .deduplication_id = "order-42"};
  auto body = send_message_body(request);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(json::parse(*body), json::parse(R"({
    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo", "MessageBody": "{\"order\":42}",
    "DelaySeconds": 5, "MessageGroupId": "customer-7", "MessageDeduplicationId": "order-42",
    "MessageAttributes": {"blob": {"DataType": "Binary", "BinaryValue": "AP8="},
                          "retries": {"DataType": "Number", "StringValue": "3"},
                          "tenant": {"DataType": "String", "StringValue": "acme"}}})"));
  // Only what is given is sent.
  EXPECT_EQ(json::parse(*send_message_body({.queue_url = "q", .body = "x"})), json::parse(R"({"QueueUrl": "q", "MessageBody": "x"})"));
}

TEST(SqsRequest, BadInputIsRefusedBeforeACall) {
  const auto code = [](const Result<std::string>& r) { return r ? std::string("ok") : r.error().code; };
  EXPECT_EQ(code(send_message_body({.queue_url = "", .body = "x"})), kSqsInvalidParameterValue);
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = ""})), kSqsInvalidParameterValue);
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = "x", .delay_seconds = 901})), kSqsInvalidParameterValue);
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = "x", .delay_seconds = -1})), kSqsInvalidParameterValue);
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = "x", .attributes = {{"a", {"Date", "x", std::nullopt}}}})),
            kSqsInvalidParameterValue);
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = "x", .attributes = {{"a", {"Binary", "x", std::nullopt}}}})),
            kSqsInvalidParameterValue);
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = "x", .attributes = {{"a", MessageAttribute::string("")}}})),
            kSqsInvalidParameterValue);
  MessageAttributes eleven;
  for (int i = 0; i < 11; ++i) eleven["a" + std::to_string(i)] = MessageAttribute::string("v");
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = "x", .attributes = eleven})), kSqsInvalidParameterValue);
  // A custom label after the type is allowed.
  EXPECT_EQ(code(send_message_body({.queue_url = "q", .body = "x", .attributes = {{"a", {"Number.float", "1.5", std::nullopt}}}})), "ok");

  EXPECT_EQ(code(receive_message_body({.queue_url = "q", .max_messages = 0})), kSqsInvalidParameterValue);
  EXPECT_EQ(code(receive_message_body({.queue_url = "q", .max_messages = 11})), kSqsInvalidParameterValue);
  EXPECT_EQ(code(receive_message_body({.queue_url = "q", .wait_time_seconds = 21})), kSqsInvalidParameterValue);
  EXPECT_EQ(code(receive_message_body({.queue_url = "q", .visibility_timeout = 43201})), kSqsInvalidParameterValue);
}

TEST(SqsRequest, BatchesAreBoundedAndTheirIdsDistinct) {
  const auto code = [](const Result<std::string>& r) { return r ? std::string("ok") : r.error().code; };
  EXPECT_EQ(code(send_message_batch_body({.queue_url = "q"})), kSqsEmptyBatchRequest);
  SendMessageBatchRequest eleven{.queue_url = "q"};
  for (int i = 0; i < 11; ++i) eleven.entries.push_back({.id = "m" + std::to_string(i), .body = "x"});
  EXPECT_EQ(code(send_message_batch_body(eleven)), kSqsTooManyEntriesInBatchRequest);
  EXPECT_EQ(code(send_message_batch_body({.queue_url = "q", .entries = {{.id = "a", .body = "x"}, {.id = "a", .body = "y"}}})),
            kSqsBatchEntryIdsNotDistinct);
  EXPECT_EQ(code(send_message_batch_body({.queue_url = "q", .entries = {{.id = "a b", .body = "x"}}})), kSqsInvalidBatchEntryId);
  EXPECT_EQ(code(send_message_batch_body({.queue_url = "q", .entries = {{.id = std::string(81, 'a'), .body = "x"}}})),
            kSqsInvalidBatchEntryId);
  auto bad_entry = send_message_batch_body({.queue_url = "q", .entries = {{.id = "ok", .body = "x"}, {.id = "empty", .body = ""}}});
  ASSERT_FALSE(bad_entry);
  EXPECT_NE(bad_entry.error().message.find("'empty'"), std::string::npos);

  auto body = send_message_batch_body({.queue_url = "q",
                                       .entries = {{.id = "m1", .body = "one", .delay_seconds = 10},
                                                   {.id = "m2", .body = "two", .message_group_id = "g", .deduplication_id = "d"}}});
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(json::parse(*body), json::parse(R"({"QueueUrl": "q", "Entries": [
    {"Id": "m1", "MessageBody": "one", "DelaySeconds": 10},
    {"Id": "m2", "MessageBody": "two", "MessageGroupId": "g", "MessageDeduplicationId": "d"}]})"));
}

TEST(SqsRequest, ReceiveAsksForWhatIsGiven) {
  auto body = receive_message_body({.queue_url = "q",
                                    .max_messages = 10,
                                    .wait_time_seconds = 20,
                                    .visibility_timeout = 60,
                                    .attribute_names = {"All"},
                                    .message_attribute_names = {"tenant", "trace.*"}});
  ASSERT_TRUE(body);
  EXPECT_EQ(json::parse(*body), json::parse(R"({"QueueUrl": "q", "MaxNumberOfMessages": 10, "WaitTimeSeconds": 20,
    "VisibilityTimeout": 60, "MessageSystemAttributeNames": ["All"], "MessageAttributeNames": ["tenant", "trace.*"]})"));
}

TEST(SqsAttributesMd5, FollowsSqsEncoding) {
  EXPECT_EQ(sqs_attributes_md5({}), "");
  // Built by hand: per attribute, sorted by name, 4-byte big-endian lengths before the name, the
  // type and the value, and a transport byte (1 string, 2 binary) before the value.
  const std::string expected_bytes = std::string("\0\0\0\x01" "a" "\0\0\0\x06" "Binary" "\x02" "\0\0\0\x02" "\x00\xff", 22) +
                                     std::string("\0\0\0\x01" "b" "\0\0\0\x06" "String" "\x01" "\0\0\0\x03" "xyz", 23);
  EXPECT_EQ(sqs_attributes_md5({{"b", MessageAttribute::string("xyz")}, {"a", MessageAttribute::binary(std::string("\x00\xff", 2))}}),
            md5(expected_bytes));
}

TEST(SqsAnswer, SendMessageDigestsAreChecked) {
  const SendMessageRequest sent{.queue_url = "q", .body = "hello", .attributes = {{"k", MessageAttribute::string("v")}}};
  const std::string good = R"({"MessageId": "5fea7756-0ea4-451a-a703-a558b933e274", "MD5OfMessageBody": ")" + md5("hello") +
                           R"(", "MD5OfMessageAttributes": ")" + sqs_attributes_md5(sent.attributes) + R"(", "SequenceNumber": "1"})";
  auto message = parse_send_message(good, sent);
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->message_id, "5fea7756-0ea4-451a-a703-a558b933e274");
  EXPECT_EQ(message->sequence_number, "1");

  auto wrong_body = parse_send_message(R"({"MessageId": "m", "MD5OfMessageBody": ")" + md5("other") + "\"}", sent);
  ASSERT_FALSE(wrong_body);
  EXPECT_EQ(wrong_body.error().code, kSqsMalformedResponse);
  EXPECT_EQ(wrong_body.error().status, 502);
  auto wrong_attributes = parse_send_message(
      R"({"MessageId": "m", "MD5OfMessageBody": ")" + md5("hello") + R"(", "MD5OfMessageAttributes": ")" + md5("x") + "\"}", sent);
  ASSERT_FALSE(wrong_attributes);
  EXPECT_EQ(wrong_attributes.error().code, kSqsMalformedResponse);
}

TEST(SqsAnswer, BatchReportsEachFailedEntry) {
  const SendMessageBatchRequest sent{.queue_url = "q", .entries = {{.id = "m1", .body = "one"}, {.id = "m2", .body = "two"}}};
  auto result = parse_send_message_batch(R"({"Successful": [{"Id": "m1", "MessageId": "id-1", "MD5OfMessageBody": ")" + md5("one") +
                                             R"("}], "Failed": [{"Id": "m2", "SenderFault": true, "Code": "InvalidParameterValue",
                                             "Message": "too big"}]})",
                                         sent);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->successful.size(), 1u);
  EXPECT_EQ(result->successful[0].id, "m1");
  EXPECT_EQ(result->successful[0].message.message_id, "id-1");
  ASSERT_EQ(result->failed.size(), 1u);
  EXPECT_EQ(result->failed[0].id, "m2");
  EXPECT_EQ(result->failed[0].code, "InvalidParameterValue");
  EXPECT_EQ(result->failed[0].message, "too big");
  EXPECT_TRUE(result->failed[0].sender_fault);
  // An entry the answer invents, or a digest of another body, is not believed.
  EXPECT_FALSE(parse_send_message_batch(R"({"Successful": [{"Id": "m9", "MessageId": "x"}]})", sent));
  EXPECT_FALSE(parse_send_message_batch(R"({"Successful": [{"Id": "m1", "MessageId": "x", "MD5OfMessageBody": ")" + md5("two") + "\"}]}",
                                        sent));

  auto deleted = parse_delete_message_batch(R"({"Successful": [{"Id": "a"}], "Failed": [{"Id": "b", "SenderFault": true,
      "Code": "ReceiptHandleIsInvalid", "Message": "bad handle"}]})");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->successful, std::vector<std::string>{"a"});
  ASSERT_EQ(deleted->failed.size(), 1u);
  EXPECT_EQ(deleted->failed[0].code, "ReceiptHandleIsInvalid");
}

TEST(SqsAnswer, ReceivedMessagesWithAttributes) {
  const MessageAttributes attributes{{"tenant", MessageAttribute::string("acme")}, {"raw", MessageAttribute::binary("\x01\x02")}};
  const std::string answer = R"({"Messages": [{"MessageId": "m-1", "ReceiptHandle": "AQEB+handle==", "Body": "hi",
      "MD5OfBody": ")" + md5("hi") + R"(", "Attributes": {"SentTimestamp": "1700000000000", "ApproximateReceiveCount": "2"},
      "MD5OfMessageAttributes": ")" + sqs_attributes_md5(attributes) + R"(",
      "MessageAttributes": {"tenant": {"DataType": "String", "StringValue": "acme"}, "raw": {"DataType": "Binary", "BinaryValue": "AQI="}}}]})";
  auto messages = parse_receive_message(answer);
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  const auto& m = (*messages)[0];
  EXPECT_EQ(m.message_id, "m-1");
  EXPECT_EQ(m.receipt_handle, "AQEB+handle==");
  EXPECT_EQ(m.body, "hi");
  EXPECT_EQ(m.attributes.at("ApproximateReceiveCount"), "2");
  EXPECT_EQ(m.message_attributes, attributes);

  auto none = parse_receive_message("{}");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(SqsAnswer, BadAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "not json", "[]", R"({"Messages": {}})", R"({"Messages": [1]})", R"({"Messages": [{"Body": "x"}]})",
                           R"({"Messages": [{"ReceiptHandle": "h", "Body": "x", "MD5OfBody": "00"}]})",
                           R"({"Messages": [{"ReceiptHandle": "h", "Attributes": {"a": 1}}]})",
                           R"({"Messages": [{"ReceiptHandle": "h", "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": "!"}}}]})",
                           R"({"Messages": [{"ReceiptHandle": "h", "MessageAttributes": {"a": 3}}]})"}) {
    auto messages = parse_receive_message(body);
    ASSERT_FALSE(messages) << body;
    EXPECT_EQ(messages.error().code, kSqsMalformedResponse) << body;
    EXPECT_EQ(messages.error().status, 502);
  }
  for (const char* body : {"", "{}", R"({"MessageId": 5})"}) EXPECT_FALSE(parse_send_message(body, {.queue_url = "q", .body = "x"}));
  for (const char* body : {R"({"Failed": [{"Id": "a", "SenderFault": "yes"}]})", R"({"Failed": "x"})", R"({"Successful": [7]})"})
    EXPECT_FALSE(parse_delete_message_batch(body)) << body;
}

TEST(SqsErrors, TypedFromTheJsonProtocol) {
  auto missing = parse_sqs_error(400, R"({"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."})");
  EXPECT_EQ(missing.code, kSqsQueueDoesNotExist);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.message, "The specified queue does not exist.");
  EXPECT_EQ(parse_sqs_error(400, R"({"__type": "com.amazonaws.sqs#RequestThrottled"})").code, kSqsThrottling);
  EXPECT_EQ(parse_sqs_error(400, "{}", "com.amazonaws.sqs#OverLimit").code, "SQS.OverLimit");
  EXPECT_EQ(parse_sqs_error(503, "<html>").code, kSqsMalformedResponse);
}

TEST(SqsClientConfig, EndpointFromTheRegionOrTheStandardVariable) {
  ScopedEnv endpoint("AWS_ENDPOINT_URL_SQS", std::nullopt);
  auto client = SqsClient::create({.region = "eu-west-1"});
  ASSERT_TRUE(client);
  EXPECT_EQ(client->endpoint(), "https://sqs.eu-west-1.amazonaws.com");
  {
    ScopedEnv local("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324");
    EXPECT_EQ(SqsClient::create({.region = "eu-west-1"})->endpoint(), "http://127.0.0.1:9324");
  }
  EXPECT_EQ(SqsClient::create({.region = "not a region"}).error().code, "Config");
  EXPECT_EQ(SqsClient::create({.endpoint = "ftp://x", .region = "eu-west-1"}).error().code, "Config");
}

}  // namespace
