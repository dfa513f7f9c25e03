#include "lift/events/sns.hpp"

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

}  // namespace lift::events
