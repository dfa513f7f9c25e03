#include "lift/events/ses.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "lift/core/glob.hpp"
#include "lift/core/uuid.hpp"

namespace lift::events {

void lift_rules(lift::json::Rules<SesEvent>& r) { r.field(&SesEvent::Records).required(); }

void lift_rules(lift::json::Rules<SesRecord>& r) { r.field(&SesRecord::ses).required(); }

void lift_rules(lift::json::Rules<SesReceipt>& r) { r.field(&SesReceipt::recipients).required(); }

Result<SesEvent> parse_ses(const boost::json::value& event) { return parse_event<SesEvent>(event); }

bool Ses::matches(std::string_view pattern, const Record& r) {
  for (const auto& recipient : r.ses.receipt.recipients) {
    if (glob_match_ignoring_case(pattern, recipient)) return true;
  }
  return false;
}

std::string Ses::describe(const Record& r) {
  std::string text = "the SES message " + r.ses.mail.messageId + " to ";
  const auto& recipients = r.ses.receipt.recipients;
  if (recipients.empty()) return text + "no recipient";
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    if (i > 0) text += ", ";
    text += recipients[i];
  }
  return text;
}

Result<boost::json::value> Ses::answer(const boost::json::value&, const Event&, std::span<Result<Answer>> outcomes,
                                       const AnswerContext&) {
  // Dispositions are ordered by how much of the rule set they stop.
  std::optional<SesDisposition> strongest;
  for (auto& outcome : outcomes) {
    if (!outcome) return outcome.error();
    if (*outcome && (!strongest || **outcome > *strongest)) strongest = **outcome;
  }
  if (!strongest) return boost::json::value();
  return boost::json::value{{"disposition", lift::json::to_json(*strongest)}};
}

void Ses::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_ses(event));
  const auto records = raw_records(event);
  out.records = records.size();
  if (records.empty()) return;
  std::string recipients;
  if (const auto* list = member_at(*records.front(), {"ses", "receipt", "recipients"}); list != nullptr && list->is_array()) {
    for (const auto& recipient : list->get_array()) {
      if (!recipient.is_string()) continue;
      if (!recipients.empty()) recipients += ", ";
      recipients += recipient.get_string();
    }
  }
  out.add("recipients", recipients);
  out.add("invocation_type", string_at(*records.front(), {"ses", "receipt", "action", "invocationType"}));
  for (const auto* r : records) {
    out.items.push_back(boost::json::object{{"messageId", string_at(*r, {"ses", "mail", "messageId"})},
                                            {"source", string_at(*r, {"ses", "mail", "source"})},
                                            {"subject", shorten(string_at(*r, {"ses", "mail", "commonHeaders", "subject"}))}});
  }
}

Result<boost::json::value> Ses::sample(const SampleOptions& options) {
  if (options.recipient.empty()) return invalid_sample("an SES receipt names at least one recipient");
  if (options.invocation_type != "Event" && options.invocation_type != "RequestResponse")
    return invalid_sample("the invocation type is \"Event\" or \"RequestResponse\", not \"" + options.invocation_type + "\"");
  // The envelope sender: the address between '<' and '>' of a From header that has them.
  std::string_view sender = options.from;
  if (const auto open = sender.find('<'), close = sender.rfind('>'); open != std::string_view::npos && close > open)
    sender = sender.substr(open + 1, close - open - 1);
  const std::string message_id = uuid();
  const std::string date = "Wed, 7 Oct 2015 12:34:56 -0700";
  const std::string timestamp = "2015-10-07T19:34:56.000Z";
  boost::json::array to;
  for (const auto& recipient : options.recipient) to.emplace_back(recipient);
  std::string to_header;
  for (const auto& recipient : options.recipient) to_header += (to_header.empty() ? "" : ", ") + recipient;
  const std::string header_id = "<" + message_id + "@mail.example.com>";
  boost::json::array headers;
  for (const auto& [name, value] : std::initializer_list<std::pair<std::string_view, std::string>>{
           {"Return-Path", "<" + std::string(sender) + ">"},
           {"Received", "from mail.example.com (mail.example.com [203.0.113.1]) by inbound-smtp.us-east-1.amazonaws.com"},
           {"MIME-Version", "1.0"},
           {"From", options.from},
           {"Date", date},
           {"Message-ID", header_id},
           {"Subject", options.subject},
           {"To", to_header},
           {"Content-Type", "text/plain; charset=UTF-8"}}) {
    headers.push_back(boost::json::object{{"name", name}, {"value", value}});
  }
  const boost::json::object pass{{"status", "PASS"}};
  boost::json::object mail{{"timestamp", timestamp},
                           {"source", sender},
                           {"messageId", message_id},
                           {"destination", to},
                           {"headersTruncated", false},
                           {"headers", std::move(headers)},
                           {"commonHeaders",
                            {{"returnPath", sender},
                             {"from", boost::json::array{boost::json::value(options.from)}},
                             {"date", date},
                             {"to", to},
                             {"messageId", header_id},
                             {"subject", options.subject}}}};
  boost::json::object receipt{{"timestamp", timestamp},
                              {"processingTimeMillis", 574},
                              {"recipients", to},
                              {"spamVerdict", pass},
                              {"virusVerdict", pass},
                              {"spfVerdict", pass},
                              {"dkimVerdict", pass},
                              {"dmarcVerdict", pass},
                              {"dmarcPolicy", "reject"},
                              {"action",
                               {{"type", "Lambda"},
                                {"invocationType", options.invocation_type},
                                {"functionArn", "arn:aws:lambda:us-east-1:123456789012:function:mail-receiver"}}}};
  boost::json::object record{{"eventVersion", "1.0"},
                             {"eventSource", "aws:ses"},
                             {"ses", {{"mail", std::move(mail)}, {"receipt", std::move(receipt)}}}};
  return boost::json::value{{"Records", boost::json::array{boost::json::value(std::move(record))}}};
}

}  // namespace lift::events
