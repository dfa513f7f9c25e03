// The SQS, SNS, EventBridge and KMS clients against scripted services on 127.0.0.1: each call
// made by the AWS SDK for JavaScript (clients_crosscheck.js) and by lift to the same fake must
// put the same request on the wire and read the same values from the same answer; then errors,
// throttling (retried) and partial failures against fakes. Cross-checks are skipped when Node or
// node_modules is missing.
#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "lift/aws/eventbridge.hpp"
#include "lift/aws/kms.hpp"
#include "lift/aws/sns.hpp"
#include "lift/aws/sqs.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "sdk_crosscheck.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::client_for;
using lift::testing_support::options_for;
using lift::testing_support::SeenRequest;

std::string md5(std::string_view text) { return lift::hex::encode(lift::digest::md5(text)); }

constexpr const char* kSqsJson = "application/x-amz-json-1.0";
constexpr const char* kXml = "text/xml";

class ClientsCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string source(LIFT_TEST_SOURCE_DIR);
    const std::string node(LIFT_TEST_NODE);
    if (node.empty() || !std::filesystem::exists(node)) LIFT_SKIP_WITHOUT() << "node is missing";
    for (const char* package : {"client-sqs", "client-sns", "client-eventbridge", "client-kms"}) {
      if (!std::filesystem::exists(source + "/node_modules/@aws-sdk/" + package))
        LIFT_SKIP_WITHOUT() << "node_modules/@aws-sdk/" << package << " is missing (run scripts/setup)";
    }
  }

  static std::pair<json::value, SeenRequest> sdk(FakeService& fake, const char* operation, const json::object& input) {
    return lift::testing_support::run_sdk(fake, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/aws/clients_crosscheck.js",
                                          fake.endpoint(), operation, input);
  }
  static SeenRequest ours(FakeService& fake) { return lift::testing_support::only_request(fake); }
};

// ---- SQS ----

TEST_F(ClientsCrosscheck, SqsSendMessage) {
  const std::string body = "{\"order\":42,\"note\":\"h\xc3\xa9llo\"}";
  const MessageAttributes attributes{{"blob", MessageAttribute::binary(std::string("\x00\xff\x10", 3))},
                                     {"retries", MessageAttribute::number("3")},
                                     {"tenant", MessageAttribute::string("acme")}};
  const std::string answer = R"({"MessageId": "5fea7756-0ea4-451a-a703-a558b933e274", "MD5OfMessageBody": ")" + md5(body) +
                             R"(", "MD5OfMessageAttributes": ")" + sqs_attributes_md5(attributes) + R"(", "SequenceNumber": "18849496460467696128"})";
  FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, answer, kSqsJson}; });
  const std::string queue = fake.endpoint() + "/123456789012/orders.fifo";
  const auto [theirs, their_request] = sdk(fake, "sqs-send", json::object{
      {"QueueUrl", queue}, {"MessageBody", body}, {"MessageGroupId", "customer-7"}, {"MessageDeduplicationId", "order-42"},
      {"MessageAttributes", {{"blob", {{"DataType", "Binary"}, {"BinaryValue", lift::base64::encode(std::string("\x00\xff\x10", 3))}}},
                             {"retries", {{"DataType", "Number"}, {"StringValue", "3"}}},
                             {"tenant", {{"DataType", "String"}, {"StringValue", "acme"}}}}}});
  fake.clear();
  auto client = client_for<SqsClient>(fake.endpoint());
  auto sent = client.send_message({.queue_url = queue, .body = body, .attributes = attributes, .message_group_id = "customer-7",
                                   .deduplication_id = "order-42"},
                                  Clock::now() + 5s);
  ASSERT_TRUE(sent) << sent.error().message;
  lift::testing_support::expect_same_request(their_request, ours(fake), true);
  EXPECT_EQ(theirs.at("MessageId"), json::value(sent->message_id));
  EXPECT_EQ(theirs.at("MD5OfMessageBody"), json::value(sent->md5_of_body));
  EXPECT_EQ(theirs.at("SequenceNumber"), json::value(sent->sequence_number));
}

TEST_F(ClientsCrosscheck, SqsBatchesAndReceive) {
  // SendMessageBatch: one entry through, one refused.
  {
    const std::string answer = R"({"Successful": [{"Id": "m1", "MessageId": "id-1", "MD5OfMessageBody": ")" + md5("one") +
                               R"("}], "Failed": [{"Id": "m2", "SenderFault": true, "Code": "InvalidParameterValue", "Message": "bad"}]})";
    FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, answer, kSqsJson}; });
    const auto [theirs, their_request] = sdk(fake, "sqs-send-batch", json::object{
        {"QueueUrl", "https://sqs.us-east-1.amazonaws.com/123456789012/q"},
        {"Entries", json::array{json::object{{"Id", "m1"}, {"MessageBody", "one"}, {"DelaySeconds", 10}},
                                json::object{{"Id", "m2"}, {"MessageBody", "two"}}}}});
    fake.clear();
    auto client = client_for<SqsClient>(fake.endpoint());
    auto result = client.send_message_batch({.queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                                             .entries = {{.id = "m1", .body = "one", .delay_seconds = 10}, {.id = "m2", .body = "two"}}},
                                            Clock::now() + 5s);
    ASSERT_TRUE(result) << result.error().message;
    lift::testing_support::expect_same_request(their_request, ours(fake), true);
    ASSERT_EQ(result->failed.size(), 1u);
    EXPECT_EQ(theirs.at("Failed").at(0).at("Code"), json::value(result->failed[0].code));
    EXPECT_EQ(theirs.at("Failed").at(0).at("SenderFault"), json::value(result->failed[0].sender_fault));
    EXPECT_EQ(theirs.at("Successful").at(0).at("MessageId"), json::value(result->successful.at(0).message.message_id));
  }
  // ReceiveMessage with attributes.
  {
    const MessageAttributes attributes{{"raw", MessageAttribute::binary("\x01\x02")}, {"tenant", MessageAttribute::string("acme")}};
    const std::string answer = R"({"Messages": [{"MessageId": "m-1", "ReceiptHandle": "AQEB+handle==", "Body": "hi",
        "MD5OfBody": ")" + md5("hi") + R"(", "Attributes": {"SentTimestamp": "1700000000000", "ApproximateReceiveCount": "2"},
        "MD5OfMessageAttributes": ")" + sqs_attributes_md5(attributes) + R"(",
        "MessageAttributes": {"tenant": {"DataType": "String", "StringValue": "acme"}, "raw": {"DataType": "Binary", "BinaryValue": "AQI="}}}]})";
    FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, answer, kSqsJson}; });
    const auto [theirs, their_request] = sdk(fake, "sqs-receive", json::object{
        {"QueueUrl", "q"}, {"MaxNumberOfMessages", 10}, {"WaitTimeSeconds", 1}, {"VisibilityTimeout", 30},
        {"MessageSystemAttributeNames", json::array{"All"}}, {"MessageAttributeNames", json::array{"All"}}});
    fake.clear();
    auto client = client_for<SqsClient>(fake.endpoint());
    auto messages = client.receive_message({.queue_url = "q", .max_messages = 10, .wait_time_seconds = 1, .visibility_timeout = 30,
                                            .attribute_names = {"All"}, .message_attribute_names = {"All"}},
                                           Clock::now() + 5s);
    ASSERT_TRUE(messages) << messages.error().message;
    lift::testing_support::expect_same_request(their_request, ours(fake), true);
    ASSERT_EQ(messages->size(), 1u);
    const auto& mine = (*messages)[0];
    const auto& sdk_message = theirs.at("Messages").at(0);
    EXPECT_EQ(sdk_message.at("ReceiptHandle"), json::value(mine.receipt_handle));
    EXPECT_EQ(sdk_message.at("Body"), json::value(mine.body));
    EXPECT_EQ(sdk_message.at("Attributes").at("ApproximateReceiveCount"), json::value(mine.attributes.at("ApproximateReceiveCount")));
    EXPECT_EQ(sdk_message.at("MessageAttributes").at("raw").at("BinaryValue"), json::value(lift::base64::encode(*mine.message_attributes.at("raw").binary_value)));
    EXPECT_EQ(sdk_message.at("MessageAttributes").at("tenant").at("StringValue"), json::value(*mine.message_attributes.at("tenant").string_value));
  }
  // DeleteMessage, DeleteMessageBatch, ChangeMessageVisibility, GetQueueUrl.
  {
    std::string answer = "{}";
    FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, answer, kSqsJson}; });
    auto client = client_for<SqsClient>(fake.endpoint());

    auto [deleted, their_delete] = sdk(fake, "sqs-delete", json::object{{"QueueUrl", "q"}, {"ReceiptHandle", "h+/="}});
    fake.clear();
    ASSERT_TRUE(client.delete_message("q", "h+/=", Clock::now() + 5s));
    lift::testing_support::expect_same_request(their_delete, ours(fake), true);

    auto [visible, their_visibility] =
        sdk(fake, "sqs-visibility", json::object{{"QueueUrl", "q"}, {"ReceiptHandle", "h"}, {"VisibilityTimeout", 0}});
    fake.clear();
    ASSERT_TRUE(client.change_message_visibility("q", "h", 0, Clock::now() + 5s));
    lift::testing_support::expect_same_request(their_visibility, ours(fake), true);

    answer = R"({"Successful": [{"Id": "a"}], "Failed": [{"Id": "b", "SenderFault": true, "Code": "ReceiptHandleIsInvalid", "Message": "x"}]})";
    auto [batch, their_batch] = sdk(fake, "sqs-delete-batch", json::object{
        {"QueueUrl", "q"}, {"Entries", json::array{json::object{{"Id", "a"}, {"ReceiptHandle", "h1"}}, json::object{{"Id", "b"}, {"ReceiptHandle", "h2"}}}}});
    fake.clear();
    auto result = client.delete_message_batch("q", {{"a", "h1"}, {"b", "h2"}}, Clock::now() + 5s);
    ASSERT_TRUE(result) << result.error().message;
    lift::testing_support::expect_same_request(their_batch, ours(fake), true);
    EXPECT_EQ(batch.at("Successful").at(0).at("Id"), json::value(result->successful.at(0)));
    EXPECT_EQ(batch.at("Failed").at(0).at("Code"), json::value(result->failed.at(0).code));

    answer = R"({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/orders"})";
    auto [url, their_url] = sdk(fake, "sqs-queue-url", json::object{{"QueueName", "orders"}, {"QueueOwnerAWSAccountId", "111122223333"}});
    fake.clear();
    auto mine = client.get_queue_url("orders", Clock::now() + 5s, "111122223333");
    ASSERT_TRUE(mine) << mine.error().message;
    lift::testing_support::expect_same_request(their_url, ours(fake), true);
    EXPECT_EQ(url.at("QueueUrl"), json::value(*mine));
  }
}

TEST_F(ClientsCrosscheck, SqsErrorsAndThrottling) {
  FakeService missing([](const SeenRequest&, int) {
    return FakeAnswer{400, R"({"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."})", kSqsJson};
  });
  const auto [theirs, their_request] = sdk(missing, "sqs-queue-url", json::object{{"QueueName", "nope"}});
  EXPECT_EQ(theirs.at("error"), json::value("QueueDoesNotExist"));
  missing.clear();
  auto url = client_for<SqsClient>(missing.endpoint()).get_queue_url("nope", Clock::now() + 5s);
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().code, kSqsQueueDoesNotExist);
  EXPECT_EQ(json::value(url.error().status), theirs.at("status"));
  EXPECT_EQ(missing.requests(), 1);  // not retried

  // Throttled twice, then through: the retries are the core's.
  FakeService throttled([](const SeenRequest& request, int number) {
    if (number <= 2) return FakeAnswer{400, R"({"__type": "com.amazonaws.sqs#RequestThrottled", "message": "slow down"})", kSqsJson};
    return FakeAnswer{200, R"({"MessageId": "m", "MD5OfMessageBody": ")" + md5(json::parse(request.body).at("MessageBody").as_string()) + "\"}",
                      kSqsJson};
  });
  auto sent = client_for<SqsClient>(throttled.endpoint()).send_message({.queue_url = "q", .body = "x"}, Clock::now() + 5s);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(throttled.requests(), 3);

  // A body damaged on the way: the SDK and lift both refuse the digest.
  FakeService damaged([](const SeenRequest&, int) { return FakeAnswer{200, R"({"MessageId": "m", "MD5OfMessageBody": ")" + md5("other") + "\"}", kSqsJson}; });
  auto refused = client_for<SqsClient>(damaged.endpoint()).send_message({.queue_url = "q", .body = "x"}, Clock::now() + 5s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kSqsMalformedResponse);
}

// ---- SNS ----

TEST_F(ClientsCrosscheck, SnsPublish) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"(<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>
      <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId><SequenceNumber>10000000000000003000</SequenceNumber></PublishResult>
      <ResponseMetadata><RequestId>d74b8436</RequestId></ResponseMetadata></PublishResponse>)", kXml};
  });
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:alerts.fifo";
  const std::string message = "disk full on /var: 98% (h\xc3\xa9llo & <tags> +=?)";
  const auto [theirs, their_request] = sdk(fake, "sns-publish", json::object{
      {"TopicArn", topic}, {"Message", message}, {"Subject", "alert: disk"},
      {"MessageAttributes", {{"count", {{"DataType", "Number"}, {"StringValue", "3"}}},
                             {"level", {{"DataType", "String"}, {"StringValue", "high"}}},
                             {"raw", {{"DataType", "Binary"}, {"BinaryValue", "AQI="}}},
                             {"tags", {{"DataType", "String.Array"}, {"StringValue", R"(["a", 1])"}}}}},
      {"MessageDeduplicationId", "d1"}, {"MessageGroupId", "g1"}});
  fake.clear();
  auto client = client_for<SnsClient>(fake.endpoint());
  auto published = client.publish({.topic_arn = topic, .message = message, .subject = "alert: disk",
                                   .attributes = {{"count", MessageAttribute::number("3")}, {"level", MessageAttribute::string("high")},
                                                  {"raw", MessageAttribute::binary("\x01\x02")},
                                                  {"tags", MessageAttribute::string_array(R"(["a", 1])")}},
                                   .message_group_id = "g1", .deduplication_id = "d1"},
                                  Clock::now() + 5s);
  ASSERT_TRUE(published) << published.error().message;
  lift::testing_support::expect_same_form_request(their_request, ours(fake));
  EXPECT_EQ(theirs.at("MessageId"), json::value(published->message_id));
  EXPECT_EQ(theirs.at("SequenceNumber"), json::value(published->sequence_number));
}

TEST_F(ClientsCrosscheck, SnsPublishBatchAndErrors) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"(<PublishBatchResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishBatchResult>
      <Successful><member><Id>e1</Id><MessageId>m-1</MessageId></member></Successful>
      <Failed><member><Id>e2</Id><Code>InvalidParameter</Code><Message>bad</Message><SenderFault>true</SenderFault></member></Failed>
      </PublishBatchResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishBatchResponse>)", kXml};
  });
  const std::string topic = "arn:aws:sns:us-east-1:123456789012:alerts";
  const auto [theirs, their_request] = sdk(fake, "sns-publish-batch", json::object{
      {"TopicArn", topic},
      {"PublishBatchRequestEntries", json::array{
          json::object{{"Id", "e1"}, {"Message", "one"}, {"Subject", "s"}},
          json::object{{"Id", "e2"}, {"Message", R"({"default": "two"})"}, {"MessageStructure", "json"},
                       {"MessageAttributes", {{"k", {{"DataType", "String"}, {"StringValue", "v"}}}}}}}}});
  fake.clear();
  auto client = client_for<SnsClient>(fake.endpoint());
  auto result = client.publish_batch({.topic_arn = topic,
                                      .entries = {{.id = "e1", .message = "one", .subject = "s"},
                                                  {.id = "e2", .message = R"({"default": "two"})", .message_structure = "json",
                                                   .attributes = {{"k", MessageAttribute::string("v")}}}}},
                                     Clock::now() + 5s);
  ASSERT_TRUE(result) << result.error().message;
  lift::testing_support::expect_same_form_request(their_request, ours(fake));
  ASSERT_EQ(result->successful.size(), 1u);
  EXPECT_EQ(theirs.at("Successful").at(0).at("MessageId"), json::value(result->successful[0].message_id));
  ASSERT_EQ(result->failed.size(), 1u);
  EXPECT_EQ(theirs.at("Failed").at(0).at("Code"), json::value(result->failed[0].code));
  EXPECT_EQ(theirs.at("Failed").at(0).at("SenderFault"), json::value(result->failed[0].sender_fault));

  FakeService missing([](const SeenRequest&, int) {
    return FakeAnswer{404, R"(<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>
      <Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>)", kXml};
  });
  const auto [error, error_request] = sdk(missing, "sns-publish", json::object{{"TopicArn", topic}, {"Message", "x"}});
  EXPECT_EQ(error.at("error"), json::value("NotFoundException"));
  missing.clear();
  auto refused = client_for<SnsClient>(missing.endpoint()).publish({.topic_arn = topic, .message = "x"}, Clock::now() + 5s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kSnsNotFound);
  EXPECT_EQ(json::value(refused.error().status), error.at("status"));
  EXPECT_EQ(refused.error().message, "Topic does not exist");
}

// ---- EventBridge ----

TEST_F(ClientsCrosscheck, EventBridgePutEvents) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"({"FailedEntryCount": 1, "Entries": [{"EventId": "11710aed-b79e-4468-a20b-bb3c0c3b4860"},
                                {"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}]})"};
  });
  const auto [theirs, their_request] = sdk(fake, "events-put", json::object{
      {"Entries", json::array{json::object{{"Time", 1700000000}, {"Source", "com.acme.orders"}, {"Resources", json::array{"arn:aws:s3:::b"}},
                                           {"DetailType", "OrderPlaced"}, {"Detail", R"({"id":"42"})"}, {"EventBusName", "orders"},
                                           {"TraceHeader", "Root=1-5759e988-bd862e3fe1be46a994272793"}},
                              json::object{{"Source", "com.acme.orders"}, {"DetailType", "OrderShipped"}, {"Detail", "{}"}}}}});
  fake.clear();
  auto client = client_for<EventBridgeClient>(fake.endpoint());
  auto result = client.put_events({{.source = "com.acme.orders", .detail_type = "OrderPlaced", .detail = R"({"id":"42"})",
                                    .resources = {"arn:aws:s3:::b"}, .event_bus_name = "orders",
                                    .time = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000)),
                                    .trace_header = "Root=1-5759e988-bd862e3fe1be46a994272793"},
                                   {.source = "com.acme.orders", .detail_type = "OrderShipped", .detail = "{}"}},
                                  Clock::now() + 5s);
  ASSERT_TRUE(result) << result.error().message;
  lift::testing_support::expect_same_request(their_request, ours(fake), true);
  EXPECT_EQ(theirs.at("FailedEntryCount"), json::value(result->failed_count));
  EXPECT_EQ(theirs.at("Entries").at(0).at("EventId"), json::value(result->entries[0].event_id));
  EXPECT_EQ(theirs.at("Entries").at(1).at("ErrorCode"), json::value(result->entries[1].error_code));
}

TEST_F(ClientsCrosscheck, EventBridgeSplitsAndReportsALaterCallsFailure) {
  // 25 entries: calls of 10, 10 and 5. The second call is refused for good (AccessDenied): its
  // entries and the third call's carry that error; the first call's keep their event ids.
  FakeService fake([](const SeenRequest& request, int number) {
    const auto entries = json::parse(request.body).at("Entries").as_array().size();
    if (number == 2) return FakeAnswer{400, R"({"__type": "AccessDeniedException", "message": "not allowed"})"};
    json::array out;
    for (std::size_t i = 0; i < entries; ++i) out.push_back(json::object{{"EventId", "e" + std::to_string(number) + "-" + std::to_string(i)}});
    return FakeAnswer{200, json::serialize(json::object{{"FailedEntryCount", 0}, {"Entries", out}})};
  });
  std::vector<EventEntry> entries(25, EventEntry{.source = "s", .detail_type = "t", .detail = "{}"});
  auto result = client_for<EventBridgeClient>(fake.endpoint()).put_events(entries, Clock::now() + 5s);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(fake.requests(), 2);  // the third call is not made after a refusal
  ASSERT_EQ(result->entries.size(), 25u);
  EXPECT_EQ(result->failed_count, 15u);
  EXPECT_EQ(result->entries[9].event_id, "e1-9");
  EXPECT_EQ(result->entries[10].error_code, "EventBridge.AccessDenied");
  EXPECT_EQ(result->entries[24].error_message, "not allowed");

  // The first call refused: nothing was accepted, so the whole call is the error.
  FakeService throttled([](const SeenRequest&, int) { return FakeAnswer{400, R"({"__type": "ThrottlingException", "message": "Rate exceeded"})"}; });
  auto refused = client_for<EventBridgeClient>(throttled.endpoint()).put_events(entries, Clock::now() + 5s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kEventBridgeThrottling);
  EXPECT_EQ(throttled.requests(), 3);  // retried by the core (quick_retries: 3 attempts)
}

// ---- KMS ----

TEST_F(ClientsCrosscheck, KmsEncryptDecryptGenerateDataKey) {
  constexpr const char* kKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  std::string answer;
  FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, answer}; });
  auto client = client_for<KmsClient>(fake.endpoint());
  const KmsEncryptionContext context{{"attribute", "diagnosis"}, {"table", "patients"}};
  const json::object context_json{{"attribute", "diagnosis"}, {"table", "patients"}};

  answer = std::string(R"({"CiphertextBlob": "AQIDBAUG", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "KeyId": ")") + kKey + "\"}";
  auto [encrypted, their_encrypt] = sdk(fake, "kms-encrypt", json::object{{"KeyId", "alias/app"}, {"Plaintext", "AP9zZWNyZXQ="},
                                                                          {"EncryptionContext", context_json}});
  fake.clear();
  auto mine = client.encrypt({.key_id = "alias/app", .plaintext = std::string("\x00\xffsecret", 8), .context = context}, Clock::now() + 5s);
  ASSERT_TRUE(mine) << mine.error().message;
  lift::testing_support::expect_same_request(their_encrypt, ours(fake), true);
  EXPECT_EQ(encrypted.at("CiphertextBlob"), json::value(lift::base64::encode(mine->ciphertext_blob)));
  EXPECT_EQ(encrypted.at("KeyId"), json::value(mine->key_id));

  answer = std::string(R"({"Plaintext": "AP9zZWNyZXQ=", "EncryptionAlgorithm": "SYMMETRIC_DEFAULT", "KeyId": ")") + kKey + "\"}";
  auto [decrypted, their_decrypt] = sdk(fake, "kms-decrypt", json::object{{"CiphertextBlob", "AQIDBAUG"}, {"EncryptionContext", context_json}});
  fake.clear();
  auto plain = client.decrypt({.ciphertext_blob = "\x01\x02\x03\x04\x05\x06", .context = context}, Clock::now() + 5s);
  ASSERT_TRUE(plain) << plain.error().message;
  lift::testing_support::expect_same_request(their_decrypt, ours(fake), true);
  EXPECT_EQ(decrypted.at("Plaintext"), json::value(lift::base64::encode(plain->plaintext)));

  answer = R"({"CiphertextBlob": "AQIDBAU=", "Plaintext": "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=", "KeyId": "k"})";
  auto [key, their_key] = sdk(fake, "kms-data-key", json::object{{"KeyId", kKey}, {"EncryptionContext", context_json}, {"KeySpec", "AES_256"}});
  fake.clear();
  auto data_key = client.generate_data_key({.key_id = kKey, .context = context}, Clock::now() + 5s);
  ASSERT_TRUE(data_key) << data_key.error().message;
  lift::testing_support::expect_same_request(their_key, ours(fake), true);
  EXPECT_EQ(key.at("Plaintext"), json::value(lift::base64::encode(data_key->plaintext)));
  EXPECT_EQ(key.at("CiphertextBlob"), json::value(lift::base64::encode(data_key->ciphertext_blob)));
  EXPECT_EQ(data_key->plaintext.size(), 32u);
}

TEST_F(ClientsCrosscheck, KmsWrongContextIsTyped) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{400, R"({"__type": "InvalidCiphertextException"})"}; });
  const auto [theirs, their_request] = sdk(fake, "kms-decrypt", json::object{{"CiphertextBlob", "AQID"}, {"EncryptionContext", {{"table", "other"}}}});
  EXPECT_EQ(theirs.at("error"), json::value("InvalidCiphertextException"));
  fake.clear();
  auto plain = client_for<KmsClient>(fake.endpoint()).decrypt({.ciphertext_blob = "\x01\x02\x03", .context = {{"table", "other"}}},
                                                              Clock::now() + 5s);
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, kKmsInvalidCiphertext);
  EXPECT_EQ(json::value(plain.error().status), theirs.at("status"));
  EXPECT_EQ(fake.requests(), 1);
}

}  // namespace
