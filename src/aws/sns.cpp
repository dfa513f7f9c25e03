#include "lift/aws/sns.hpp"

#include <algorithm>
#include <set>

#include <boost/json/parse.hpp>

#include "lift/core/base64.hpp"
#include "messaging.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

constexpr std::string_view kSnsPrefix = "SNS";
constexpr std::string_view kSnsVersion = "2010-03-31";
constexpr std::size_t kMaxSubject = 100;

Error refuse(std::string_view code, std::string message) { return Error{std::string(code), std::move(message), 400}; }

// The bytes SNS counts toward a message's size: its body and its attributes' names, types and values.
std::size_t payload_bytes(std::string_view message, const MessageAttributes& attributes) {
  std::size_t bytes = message.size();
  for (const auto& [name, attribute] : attributes)
    bytes += name.size() + attribute.data_type.size() + attribute.string_value.value_or("").size() +
             attribute.binary_value.value_or("").size();
  return bytes;
}

// What Publish and each PublishBatch entry check alike.
Result<void> check_message(std::string_view message, std::string_view subject, std::string_view structure,
                           const MessageAttributes& attributes) {
  if (message.empty()) return refuse(kSnsInvalidParameter, "a message cannot be empty");
  if (subject.size() > kMaxSubject)
    return refuse(kSnsInvalidParameter, "a subject holds at most 100 characters, not " + std::to_string(subject.size()));
  if (!std::all_of(subject.begin(), subject.end(), [](char c) { return c >= 0x20 && c <= 0x7e; }))
    return refuse(kSnsInvalidParameter, "a subject holds printable ASCII characters only, no line break");
  if (!structure.empty()) {
    if (structure != "json") return refuse(kSnsInvalidParameter, "MessageStructure is \"json\" or nothing, not '" + std::string(structure) + "'");
    boost::system::error_code ec;
    const auto value = boost::json::parse(message, ec);
    const auto* text = !ec && value.is_object() ? value.as_object().if_contains("default") : nullptr;
    if (text == nullptr || !text->is_string())
      return refuse(kSnsInvalidParameter,
                    "with MessageStructure \"json\" the message must be a JSON object with a \"default\" text (and one per protocol)");
  }
  LIFT_TRY_VOID(detail::check_message_attributes(kSnsPrefix, attributes, 10, true));
  if (payload_bytes(message, attributes) > kSnsMaxPayloadBytes)
    return refuse(kSnsInvalidParameter, "a message with its attributes weighs at most 256 KB, not " +
                                            std::to_string(payload_bytes(message, attributes)) + " bytes");
  return {};
}

void add_attributes(QueryParameters& out, const std::string& prefix, const MessageAttributes& attributes) {
  std::size_t index = 0;
  for (const auto& [name, attribute] : attributes) {
    const std::string entry = prefix + "MessageAttributes.entry." + std::to_string(++index);
    out.emplace_back(entry + ".Name", name);
    out.emplace_back(entry + ".Value.DataType", attribute.data_type);
    if (attribute.string_value) out.emplace_back(entry + ".Value.StringValue", *attribute.string_value);
    if (attribute.binary_value) out.emplace_back(entry + ".Value.BinaryValue", base64::encode(*attribute.binary_value));
  }
}

void add_if(QueryParameters& out, std::string name, const std::string& value) {
  if (!value.empty()) out.emplace_back(std::move(name), value);
}

Result<void> check_root(const detail::XmlElement& xml, std::string_view root) {
  if (xml.name != root)
    return detail::malformed_answer(kSnsPrefix, "SNS answered with <" + xml.name + "> where <" + std::string(root) + "> was expected");
  return {};
}

// The answers read from their root element (call_query's result), for the client and the parsers.
Result<PublishResult> read_publish(const detail::XmlElement& xml) {
  LIFT_TRY_VOID(check_root(xml, "PublishResponse"));
  const auto* result = xml.child("PublishResult");
  if (result == nullptr || result->child_text("MessageId").empty())
    return detail::malformed_answer(kSnsPrefix, "SNS answered Publish without a MessageId");
  return PublishResult{std::string(result->child_text("MessageId")), std::string(result->child_text("SequenceNumber"))};
}

Result<PublishBatchResult> read_publish_batch(const detail::XmlElement& xml) {
  LIFT_TRY_VOID(check_root(xml, "PublishBatchResponse"));
  const auto* result = xml.child("PublishBatchResult");
  if (result == nullptr) return detail::malformed_answer(kSnsPrefix, "SNS answered PublishBatch without a PublishBatchResult");
  PublishBatchResult out;
  if (const auto* successful = result->child("Successful")) {
    for (const auto* member : successful->all("member")) {
      if (member->child_text("Id").empty()) return detail::malformed_answer(kSnsPrefix, "SNS answered with a Successful entry without an Id");
      out.successful.push_back({std::string(member->child_text("Id")), std::string(member->child_text("MessageId")),
                                std::string(member->child_text("SequenceNumber"))});
    }
  }
  if (const auto* failed = result->child("Failed")) {
    for (const auto* member : failed->all("member")) {
      const auto sender_fault = member->child_text("SenderFault");
      if (member->child_text("Id").empty() || (sender_fault != "true" && sender_fault != "false"))
        return detail::malformed_answer(kSnsPrefix, "SNS answered with a Failed entry without an Id or SenderFault");
      out.failed.push_back({std::string(member->child_text("Id")), std::string(member->child_text("Code")),
                            std::string(member->child_text("Message")), sender_fault == "true"});
    }
  }
  return out;
}

}  // namespace

Result<QueryParameters> publish_parameters(const PublishRequest& request) {
  const int targets = !request.topic_arn.empty() + !request.target_arn.empty() + !request.phone_number.empty();
  if (targets != 1) return refuse(kSnsInvalidParameter, "Publish needs exactly one of a topic ARN, a target ARN and a phone number");
  LIFT_TRY_VOID(check_message(request.message, request.subject, request.message_structure, request.attributes));
  QueryParameters out;
  add_if(out, "TopicArn", request.topic_arn);
  add_if(out, "TargetArn", request.target_arn);
  add_if(out, "PhoneNumber", request.phone_number);
  out.emplace_back("Message", request.message);
  add_if(out, "Subject", request.subject);
  add_if(out, "MessageStructure", request.message_structure);
  add_attributes(out, "", request.attributes);
  add_if(out, "MessageDeduplicationId", request.deduplication_id);
  add_if(out, "MessageGroupId", request.message_group_id);
  return out;
}

Result<QueryParameters> publish_batch_parameters(const PublishBatchRequest& request) {
  if (request.topic_arn.empty()) return refuse(kSnsInvalidParameter, "PublishBatch needs a topic ARN");
  if (request.entries.empty()) return refuse(kSnsEmptyBatchRequest, "a batch needs at least one entry");
  if (request.entries.size() > kSnsMaxBatchEntries)
    return refuse(kSnsTooManyEntriesInBatchRequest, "a batch holds at most 10 entries, not " + std::to_string(request.entries.size()));
  QueryParameters out{{"TopicArn", request.topic_arn}};
  std::set<std::string_view> ids;
  std::size_t total = 0;
  std::size_t index = 0;
  for (const auto& entry : request.entries) {
    if (!detail::valid_batch_entry_id(entry.id))
      return refuse(kSnsInvalidBatchEntryId, "the batch entry id '" + entry.id + "' is not 1 to 80 letters, digits, '-' or '_'");
    if (!ids.insert(entry.id).second) return refuse(kSnsBatchEntryIdsNotDistinct, "the batch entry id '" + entry.id + "' is used twice");
    if (auto checked = check_message(entry.message, entry.subject, entry.message_structure, entry.attributes); !checked) {
      auto error = std::move(checked).error();
      error.message = "batch entry '" + entry.id + "': " + error.message;
      return error;
    }
    total += payload_bytes(entry.message, entry.attributes);
    const std::string prefix = "PublishBatchRequestEntries.member." + std::to_string(++index) + ".";
    out.emplace_back(prefix + "Id", entry.id);
    out.emplace_back(prefix + "Message", entry.message);
    add_if(out, prefix + "Subject", entry.subject);
    add_if(out, prefix + "MessageStructure", entry.message_structure);
    add_attributes(out, prefix, entry.attributes);
    add_if(out, prefix + "MessageDeduplicationId", entry.deduplication_id);
    add_if(out, prefix + "MessageGroupId", entry.message_group_id);
  }
  if (total > kSnsMaxPayloadBytes)
    return refuse(kSnsBatchRequestTooLong, "a batch weighs at most 256 KB in all, not " + std::to_string(total) + " bytes");
  return out;
}

Result<PublishResult> parse_publish(std::string_view body) { return detail::parse_xml(kSnsPrefix, body).and_then(read_publish); }

Result<PublishBatchResult> parse_publish_batch(std::string_view body) {
  return detail::parse_xml(kSnsPrefix, body).and_then(read_publish_batch);
}

Error parse_sns_error(int http_status, std::string_view body) { return detail::parse_xml_error(kSnsPrefix, http_status, body); }

struct SnsClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}
  detail::ServiceClient service;
};

SnsClient::SnsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SnsClient::SnsClient(SnsClient&&) noexcept = default;
SnsClient& SnsClient::operator=(SnsClient&&) noexcept = default;
SnsClient::~SnsClient() = default;

Result<SnsClient> SnsClient::create(SnsOptions options) {
  LIFT_TRY(config, detail::service_config(std::move(options), kSnsPrefix, "sns", "AWS_ENDPOINT_URL_SNS", "sns", "SNS"));
  return SnsClient(std::make_unique<Impl>(std::move(config)));
}

const std::string& SnsClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& SnsClient::region() const { return impl_->service.region(); }

Result<PublishResult> SnsClient::publish(const PublishRequest& request, Deadline deadline) {
  LIFT_TRY(parameters, publish_parameters(request));
  return impl_->service.call_query("Publish", kSnsVersion, parameters, deadline).and_then(read_publish);
}

Result<PublishBatchResult> SnsClient::publish_batch(const PublishBatchRequest& request, Deadline deadline) {
  LIFT_TRY(parameters, publish_batch_parameters(request));
  return impl_->service.call_query("PublishBatch", kSnsVersion, parameters, deadline).and_then(read_publish_batch);
}

}  // namespace lift::aws
