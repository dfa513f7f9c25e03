#include "lift/aws/sqs.hpp"

#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "messaging.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kSqsPrefix = "SQS";
constexpr std::string_view kSqsContentType = "application/x-amz-json-1.0";
constexpr int kMaxDelaySeconds = 900;
constexpr int kMaxVisibilitySeconds = 43200;
constexpr int kMaxWaitSeconds = 20;

Error sqs_invalid(std::string message) { return Error{std::string(kSqsInvalidParameterValue), std::move(message), 400}; }

Result<void> check_range(std::string_view what, const std::optional<int>& value, int max) {
  if (value && (*value < 0 || *value > max))
    return sqs_invalid(std::string(what) + " must be 0 to " + std::to_string(max) + ", not " + std::to_string(*value));
  return {};
}

Result<void> check_queue_url(std::string_view queue_url) {
  if (queue_url.empty()) return sqs_invalid("a queue URL is needed (SqsClient::get_queue_url finds it from the name)");
  return {};
}

json::object attributes_json(const MessageAttributes& attributes) {
  json::object out;
  for (const auto& [name, attribute] : attributes) {
    json::object value{{"DataType", attribute.data_type}};
    if (attribute.string_value) value["StringValue"] = *attribute.string_value;
    if (attribute.binary_value) value["BinaryValue"] = base64::encode(*attribute.binary_value);
    out[name] = std::move(value);
  }
  return out;
}

// The members SendMessage and each SendMessageBatch entry share.
Result<void> add_message(json::object& out, std::string_view body, const MessageAttributes& attributes,
                         const std::optional<int>& delay_seconds, const std::string& group_id, const std::string& dedup_id) {
  if (body.empty()) return sqs_invalid("a message body cannot be empty");
  LIFT_TRY_VOID(check_range("DelaySeconds", delay_seconds, kMaxDelaySeconds));
  LIFT_TRY_VOID(detail::check_message_attributes(kSqsPrefix, attributes, 10, false));
  out["MessageBody"] = body;
  if (delay_seconds) out["DelaySeconds"] = *delay_seconds;
  if (!attributes.empty()) out["MessageAttributes"] = attributes_json(attributes);
  if (!group_id.empty()) out["MessageGroupId"] = group_id;
  if (!dedup_id.empty()) out["MessageDeduplicationId"] = dedup_id;
  return {};
}

Result<json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object())
    return detail::malformed_answer(kSqsPrefix, "SQS answered with a body that is not a JSON object: " + detail::excerpt(body));
  return std::move(value.as_object());
}

std::string md5_hex(std::string_view text) { return hex::encode(digest::md5(text)); }

Result<void> check_md5(std::string_view what, const std::string& given, const std::string& expected) {
  // SQS's digests are lower-case hex; compare without regard to case as the SDKs do.
  if (given.empty() || given.size() != expected.size() ||
      !std::equal(given.begin(), given.end(), expected.begin(), [](char a, char b) { return std::tolower(a) == b; }))
    return detail::malformed_answer(kSqsPrefix, "SQS answered with an MD5 of the " + std::string(what) + " (" + given +
                                                 ") that is not the MD5 of what was " +
                                                 (what.starts_with("received") ? "received" : "sent") + " (" + expected + ")");
  return {};
}

SentMessage read_sent(detail::AnswerReader& read) {
  return SentMessage{read.string("MessageId"), read.string("MD5OfMessageBody"), read.string("MD5OfMessageAttributes"),
                     read.string("SequenceNumber")};
}

Result<void> check_sent(const SentMessage& sent, std::string_view body, const MessageAttributes& attributes) {
  if (!sent.md5_of_body.empty()) LIFT_TRY_VOID(check_md5("message body", sent.md5_of_body, md5_hex(body)));
  if (!attributes.empty() && !sent.md5_of_attributes.empty())
    LIFT_TRY_VOID(check_md5("message attributes", sent.md5_of_attributes, sqs_attributes_md5(attributes)));
  return {};
}

std::vector<BatchEntryFailure> read_failures(detail::AnswerReader& read) {
  std::vector<BatchEntryFailure> out;
  if (const auto* failed = read.array("Failed")) {
    for (const auto& element : *failed) {
      if (!element.is_object()) {
        read.fail("a Failed entry that is not an object");
        break;
      }
      detail::AnswerReader entry(kSqsPrefix, element.as_object());
      BatchEntryFailure failure{entry.string("Id"), entry.string("Code"), entry.string("Message"), false};
      if (const auto* fault = element.as_object().if_contains("SenderFault"); fault != nullptr && !fault->is_null()) {
        if (!fault->is_bool()) entry.fail("a SenderFault that is not a boolean");
        else failure.sender_fault = fault->as_bool();
      }
      if (entry.failed()) {
        read.fail("a Failed entry that cannot be read: " + entry.error().message);
        break;
      }
      out.push_back(std::move(failure));
    }
  }
  return out;
}

Result<MessageAttributes> read_attributes(const json::object* attributes) {
  MessageAttributes out;
  if (attributes == nullptr) return out;
  for (const auto& member : *attributes) {
    if (!member.value().is_object())
      return detail::malformed_answer(kSqsPrefix, "SQS answered with a message attribute that is not an object");
    detail::AnswerReader read(kSqsPrefix, member.value().as_object());
    MessageAttribute attribute{read.string("DataType"), read.optional_string("StringValue"), std::nullopt};
    if (auto encoded = read.optional_string("BinaryValue")) {
      auto bytes = base64::decode(*encoded);
      if (!bytes) return detail::malformed_answer(kSqsPrefix, "SQS answered with a BinaryValue that is not base64");
      attribute.binary_value = std::move(*bytes);
    }
    if (read.failed()) return read.error();
    out.emplace(std::string(member.key()), std::move(attribute));
  }
  return out;
}

void put_be32(std::string& out, std::size_t n) {
  const auto v = static_cast<std::uint32_t>(n);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

}  // namespace

std::string sqs_attributes_md5(const MessageAttributes& attributes) {
  if (attributes.empty()) return {};
  std::string bytes;
  for (const auto& [name, attribute] : attributes) {  // std::map: sorted by name, as SQS hashes them
    put_be32(bytes, name.size());
    bytes += name;
    put_be32(bytes, attribute.data_type.size());
    bytes += attribute.data_type;
    const bool binary = attribute.binary_value.has_value();
    const std::string& value = binary ? *attribute.binary_value : attribute.string_value.value_or(std::string());
    bytes.push_back(binary ? 2 : 1);
    put_be32(bytes, value.size());
    bytes += value;
  }
  return md5_hex(bytes);
}

Result<std::string> send_message_body(const SendMessageRequest& request) {
  LIFT_TRY_VOID(check_queue_url(request.queue_url));
  json::object body{{"QueueUrl", request.queue_url}};
  LIFT_TRY_VOID(add_message(body, request.body, request.attributes, request.delay_seconds, request.message_group_id,
                            request.deduplication_id));
  return json::serialize(body);
}

Result<std::string> send_message_batch_body(const SendMessageBatchRequest& request) {
  LIFT_TRY_VOID(check_queue_url(request.queue_url));
  if (request.entries.empty()) return Error{std::string(kSqsEmptyBatchRequest), "a batch needs at least one entry", 400};
  if (request.entries.size() > kSqsMaxBatchEntries)
    return Error{std::string(kSqsTooManyEntriesInBatchRequest),
                 "a batch holds at most 10 entries, not " + std::to_string(request.entries.size()), 400};
  std::set<std::string_view> ids;
  json::array entries;
  for (const auto& entry : request.entries) {
    if (!detail::valid_batch_entry_id(entry.id))
      return Error{std::string(kSqsInvalidBatchEntryId),
                   "the batch entry id '" + entry.id + "' is not 1 to 80 letters, digits, '-' or '_'", 400};
    if (!ids.insert(entry.id).second)
      return Error{std::string(kSqsBatchEntryIdsNotDistinct), "the batch entry id '" + entry.id + "' is used twice", 400};
    json::object out{{"Id", entry.id}};
    if (auto added = add_message(out, entry.body, entry.attributes, entry.delay_seconds, entry.message_group_id,
                                 entry.deduplication_id);
        !added) {
      auto error = std::move(added).error();
      error.message = "batch entry '" + entry.id + "': " + error.message;
      return error;
    }
    entries.push_back(std::move(out));
  }
  return json::serialize(json::object{{"QueueUrl", request.queue_url}, {"Entries", std::move(entries)}});
}

Result<std::string> receive_message_body(const ReceiveMessageRequest& request) {
  LIFT_TRY_VOID(check_queue_url(request.queue_url));
  if (request.max_messages < 1 || request.max_messages > 10)
    return sqs_invalid("MaxNumberOfMessages must be 1 to 10, not " + std::to_string(request.max_messages));
  LIFT_TRY_VOID(check_range("WaitTimeSeconds", request.wait_time_seconds, kMaxWaitSeconds));
  LIFT_TRY_VOID(check_range("VisibilityTimeout", request.visibility_timeout, kMaxVisibilitySeconds));
  json::object body{{"QueueUrl", request.queue_url}, {"MaxNumberOfMessages", request.max_messages}};
  if (request.wait_time_seconds) body["WaitTimeSeconds"] = *request.wait_time_seconds;
  if (request.visibility_timeout) body["VisibilityTimeout"] = *request.visibility_timeout;
  const auto strings = [](const std::vector<std::string>& list) {
    json::array out;
    for (const auto& item : list) out.emplace_back(item);
    return out;
  };
  if (!request.attribute_names.empty()) body["MessageSystemAttributeNames"] = strings(request.attribute_names);
  if (!request.message_attribute_names.empty()) body["MessageAttributeNames"] = strings(request.message_attribute_names);
  if (!request.receive_request_attempt_id.empty()) body["ReceiveRequestAttemptId"] = request.receive_request_attempt_id;
  return json::serialize(body);
}

Result<SentMessage> parse_send_message(std::string_view body, const SendMessageRequest& sent) {
  LIFT_TRY(object, parse_object(body));
  detail::AnswerReader read(kSqsPrefix, object);
  auto message = read_sent(read);
  if (read.failed()) return read.error();
  if (message.message_id.empty()) return detail::malformed_answer(kSqsPrefix, "SQS answered SendMessage without a MessageId");
  LIFT_TRY_VOID(check_sent(message, sent.body, sent.attributes));
  return message;
}

Result<SendMessageBatchResult> parse_send_message_batch(std::string_view body, const SendMessageBatchRequest& sent) {
  LIFT_TRY(object, parse_object(body));
  detail::AnswerReader read(kSqsPrefix, object);
  SendMessageBatchResult result;
  if (const auto* successful = read.array("Successful")) {
    for (const auto& element : *successful) {
      if (!element.is_object()) return detail::malformed_answer(kSqsPrefix, "SQS answered with a Successful entry that is not an object");
      detail::AnswerReader entry(kSqsPrefix, element.as_object());
      SentBatchEntry sent_entry{entry.string("Id"), read_sent(entry)};
      if (entry.failed()) return entry.error();
      const auto match = std::find_if(sent.entries.begin(), sent.entries.end(), [&](const auto& e) { return e.id == sent_entry.id; });
      if (match == sent.entries.end())
        return detail::malformed_answer(kSqsPrefix, "SQS answered with a Successful entry '" + sent_entry.id + "' that was not sent");
      LIFT_TRY_VOID(check_sent(sent_entry.message, match->body, match->attributes));
      result.successful.push_back(std::move(sent_entry));
    }
  }
  result.failed = read_failures(read);
  if (read.failed()) return read.error();
  return result;
}

Result<std::vector<ReceivedMessage>> parse_receive_message(std::string_view body) {
  LIFT_TRY(object, parse_object(body));
  detail::AnswerReader read(kSqsPrefix, object);
  std::vector<ReceivedMessage> out;
  const auto* messages = read.array("Messages");
  if (read.failed()) return read.error();
  if (messages == nullptr) return out;
  for (const auto& element : *messages) {
    if (!element.is_object()) return detail::malformed_answer(kSqsPrefix, "SQS answered with a message that is not an object");
    detail::AnswerReader message(kSqsPrefix, element.as_object());
    ReceivedMessage received{message.string("MessageId"), message.string("ReceiptHandle"), message.string("Body"),
                             message.string("MD5OfBody"), {}, {}, message.string("MD5OfMessageAttributes")};
    if (const auto* attributes = message.object("Attributes")) {
      for (const auto& member : *attributes) {
        if (!member.value().is_string()) {
          message.fail("a system attribute that is not a string");
          break;
        }
        received.attributes.emplace(std::string(member.key()), std::string(member.value().as_string()));
      }
    }
    const auto* message_attributes = message.object("MessageAttributes");
    if (message.failed()) return message.error();
    LIFT_TRY(attributes, read_attributes(message_attributes));
    received.message_attributes = std::move(attributes);
    if (received.receipt_handle.empty()) return detail::malformed_answer(kSqsPrefix, "SQS answered with a message without a ReceiptHandle");
    if (!received.md5_of_body.empty()) LIFT_TRY_VOID(check_md5("received body", received.md5_of_body, md5_hex(received.body)));
    if (!received.message_attributes.empty() && !received.md5_of_message_attributes.empty())
      LIFT_TRY_VOID(check_md5("received message attributes", received.md5_of_message_attributes,
                              sqs_attributes_md5(received.message_attributes)));
    out.push_back(std::move(received));
  }
  return out;
}

Result<DeleteMessageBatchResult> parse_delete_message_batch(std::string_view body) {
  LIFT_TRY(object, parse_object(body));
  detail::AnswerReader read(kSqsPrefix, object);
  DeleteMessageBatchResult result;
  if (const auto* successful = read.array("Successful")) {
    for (const auto& element : *successful) {
      if (!element.is_object()) return detail::malformed_answer(kSqsPrefix, "SQS answered with a Successful entry that is not an object");
      detail::AnswerReader entry(kSqsPrefix, element.as_object());
      result.successful.push_back(entry.string("Id"));
      if (entry.failed()) return entry.error();
    }
  }
  result.failed = read_failures(read);
  if (read.failed()) return read.error();
  return result;
}

Error parse_sqs_error(int http_status, std::string_view body, std::string_view error_type) {
  return detail::parse_json_error(kSqsPrefix, http_status, body, error_type);
}

struct SqsClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}

  Result<std::string> call_text(std::string_view operation, std::string body, Deadline deadline) {
    auto response = service.send("POST", "", detail::json_protocol_headers(kSqsContentType, "AmazonSQS." + std::string(operation)),
                                 std::move(body), deadline, [](const HttpResponse& answer) {
                                   return parse_sqs_error(answer.status, answer.body, answer.header("x-amzn-ErrorType"));
                                 });
    if (!response) return std::move(response).error();
    return std::move(response->body);
  }
  Result<json::object> call(std::string_view operation, std::string body, Deadline deadline) {
    return call_text(operation, std::move(body), deadline).and_then([](const std::string& text) { return parse_object(text); });
  }
  // An operation whose answer carries nothing (an empty object).
  Result<void> call_void(std::string_view operation, std::string body, Deadline deadline) {
    return call_text(operation, std::move(body), deadline).transform([](const std::string&) {});
  }

  detail::ServiceClient service;
};

SqsClient::SqsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqsClient::SqsClient(SqsClient&&) noexcept = default;
SqsClient& SqsClient::operator=(SqsClient&&) noexcept = default;
SqsClient::~SqsClient() = default;

Result<SqsClient> SqsClient::create(SqsOptions options) {
  LIFT_TRY(config, detail::service_config(std::move(options), kSqsPrefix, "sqs", "AWS_ENDPOINT_URL_SQS", "sqs", "SQS"));
  return SqsClient(std::make_unique<Impl>(std::move(config)));
}

const std::string& SqsClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& SqsClient::region() const { return impl_->service.region(); }

Result<SentMessage> SqsClient::send_message(const SendMessageRequest& request, Deadline deadline) {
  LIFT_TRY(body, send_message_body(request));
  LIFT_TRY(answer, impl_->call_text("SendMessage", std::move(body), deadline));
  return parse_send_message(answer, request);
}

Result<SendMessageBatchResult> SqsClient::send_message_batch(const SendMessageBatchRequest& request, Deadline deadline) {
  LIFT_TRY(body, send_message_batch_body(request));
  LIFT_TRY(answer, impl_->call_text("SendMessageBatch", std::move(body), deadline));
  return parse_send_message_batch(answer, request);
}

Result<std::vector<ReceivedMessage>> SqsClient::receive_message(const ReceiveMessageRequest& request, Deadline deadline) {
  LIFT_TRY(body, receive_message_body(request));
  LIFT_TRY(answer, impl_->call_text("ReceiveMessage", std::move(body), deadline));
  return parse_receive_message(answer);
}

Result<void> SqsClient::delete_message(std::string_view queue_url, std::string_view receipt_handle, Deadline deadline) {
  LIFT_TRY_VOID(check_queue_url(queue_url));
  if (receipt_handle.empty()) return sqs_invalid("DeleteMessage needs the receipt handle the message was received with");
  return impl_->call_void("DeleteMessage", json::serialize(json::object{{"QueueUrl", queue_url}, {"ReceiptHandle", receipt_handle}}),
                          deadline);
}

Result<DeleteMessageBatchResult> SqsClient::delete_message_batch(std::string_view queue_url,
                                                                 const std::vector<DeleteMessageBatchEntry>& entries,
                                                                 Deadline deadline) {
  LIFT_TRY_VOID(check_queue_url(queue_url));
  if (entries.empty()) return Error{std::string(kSqsEmptyBatchRequest), "a batch needs at least one entry", 400};
  if (entries.size() > kSqsMaxBatchEntries)
    return Error{std::string(kSqsTooManyEntriesInBatchRequest), "a batch holds at most 10 entries, not " + std::to_string(entries.size()),
                 400};
  std::set<std::string_view> ids;
  json::array list;
  for (const auto& entry : entries) {
    if (!detail::valid_batch_entry_id(entry.id))
      return Error{std::string(kSqsInvalidBatchEntryId), "the batch entry id '" + entry.id + "' is not 1 to 80 letters, digits, '-' or '_'",
                   400};
    if (!ids.insert(entry.id).second)
      return Error{std::string(kSqsBatchEntryIdsNotDistinct), "the batch entry id '" + entry.id + "' is used twice", 400};
    if (entry.receipt_handle.empty()) return sqs_invalid("batch entry '" + entry.id + "' has no receipt handle");
    list.push_back(json::object{{"Id", entry.id}, {"ReceiptHandle", entry.receipt_handle}});
  }
  LIFT_TRY(answer, impl_->call_text("DeleteMessageBatch",
                                    json::serialize(json::object{{"QueueUrl", queue_url}, {"Entries", std::move(list)}}), deadline));
  return parse_delete_message_batch(answer);
}

Result<void> SqsClient::change_message_visibility(std::string_view queue_url, std::string_view receipt_handle, int visibility_timeout,
                                                  Deadline deadline) {
  LIFT_TRY_VOID(check_queue_url(queue_url));
  if (receipt_handle.empty()) return sqs_invalid("ChangeMessageVisibility needs the receipt handle the message was received with");
  LIFT_TRY_VOID(check_range("VisibilityTimeout", visibility_timeout, kMaxVisibilitySeconds));
  return impl_->call_void("ChangeMessageVisibility",
                          json::serialize(json::object{
                              {"QueueUrl", queue_url}, {"ReceiptHandle", receipt_handle}, {"VisibilityTimeout", visibility_timeout}}),
                          deadline);
}

Result<std::string> SqsClient::get_queue_url(std::string_view queue_name, Deadline deadline, std::string_view owner_account_id) {
  if (queue_name.empty()) return sqs_invalid("GetQueueUrl needs a queue name");
  json::object body{{"QueueName", queue_name}};
  if (!owner_account_id.empty()) body["QueueOwnerAWSAccountId"] = owner_account_id;
  LIFT_TRY(answer, impl_->call("GetQueueUrl", json::serialize(body), deadline));
  detail::AnswerReader read(kSqsPrefix, answer);
  auto url = read.string("QueueUrl");
  if (read.failed()) return read.error();
  if (url.empty()) return detail::malformed_answer(kSqsPrefix, "SQS answered GetQueueUrl without a QueueUrl");
  return url;
}

}  // namespace lift::aws
