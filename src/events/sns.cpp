#include "lift/events/sns.hpp"

#include <chrono>

#include "lift/core/base64.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"
#include "lift/core/uuid.hpp"

namespace lift::events {

std::string_view SnsMessage::signing_cert_url() const noexcept {
  if (SigningCertUrl) return *SigningCertUrl;
  if (SigningCertURL) return *SigningCertURL;
  return {};
}

std::string_view SnsMessage::unsubscribe_url() const noexcept {
  if (UnsubscribeUrl) return *UnsubscribeUrl;
  if (UnsubscribeURL) return *UnsubscribeURL;
  return {};
}

std::string_view SnsMessage::topic_name() const noexcept {
  const auto arn = split_arn(TopicArn);
  return arn ? arn->resource : std::string_view{};
}

void lift_rules(lift::json::Rules<SnsEvent>& r) { r.field(&SnsEvent::Records).required(); }

void lift_rules(lift::json::Rules<SnsRecord>& r) { r.field(&SnsRecord::Sns).required(); }

Result<SnsEvent> parse_sns(const boost::json::value& event) { return parse_event<SnsEvent>(event); }

void Sns::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_sns(event));
  const auto records = raw_records(event);
  out.records = records.size();
  out.add("topic", string_at(*records.front(), {"Sns", "TopicArn"}));
  for (const auto* r : records) {
    boost::json::object item{{"MessageId", string_at(*r, {"Sns", "MessageId"})}, {"Message", shorten(string_at(*r, {"Sns", "Message"}))}};
    if (auto subject = string_at(*r, {"Sns", "Subject"}); !subject.empty()) item["Subject"] = subject;
    out.items.push_back(std::move(item));
  }
}

Result<boost::json::value> Sns::sample(const SampleOptions& options) {
  if (options.topic.empty()) return invalid_sample("the topic's name is empty");
  if (options.region.empty()) return invalid_sample("the region is empty");
  const std::string topic_arn = "arn:aws:sns:" + options.region + ":" + std::string(kSampleAccount) + ":" + options.topic;
  const std::string endpoint = "https://sns." + options.region + ".amazonaws.com";
  boost::json::object message{
      {"Type", "Notification"},
      {"MessageId", uuid()},
      {"TopicArn", topic_arn},
      {"Subject", options.subject ? boost::json::value(*options.subject) : boost::json::value(nullptr)},
      {"Message", options.message},
      {"Timestamp", rfc3339(std::chrono::system_clock::now())},
      {"SignatureVersion", "1"},
      {"Signature", base64::encode(random_hex(64))},
      {"SigningCertUrl", endpoint + "/SimpleNotificationService-" + random_hex(32) + ".pem"},
      {"UnsubscribeUrl", endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + topic_arn + ":" + uuid()},
      {"MessageAttributes", boost::json::object{}}};
  boost::json::object record{{"EventSource", "aws:sns"},
                             {"EventVersion", "1.0"},
                             {"EventSubscriptionArn", topic_arn + ":" + uuid()},
                             {"Sns", std::move(message)}};
  return boost::json::value{{"Records", boost::json::array{boost::json::value(std::move(record))}}};
}

}  // namespace lift::events
