#pragma once
// Amazon SES email receiving: a receipt rule's Lambda action. The event carries the message's
// metadata (the envelope, the headers, SES's verdicts), not its body: a rule that needs the
// content stores it with an S3 action first.
//
//   auto event = lift::events::parse_ses(json);
//   const auto& message = event->Records[0].ses;
//   message.mail.commonHeaders.subject;       // "Test Subject"
//   message.receipt.recipients;               // the addresses the rule matched
//   message.receipt.spamVerdict.status;       // "PASS"
//
// A rule that invokes the function synchronously (invocation type RequestResponse) reads the
// answer to decide how mail flow goes on: {"disposition":"STOP_RULE"} skips the rule's later
// actions, "STOP_RULE_SET" every later rule too, "CONTINUE" (or no answer) goes on.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/describe/enum.hpp>
#include <boost/json/value.hpp>

#include "lift/events/common.hpp"

namespace lift::events {

struct SesHeader {
  std::string name;
  std::string value;
};
BOOST_DESCRIBE_STRUCT(SesHeader, (), (name, value))

// The headers SES parses for every message; each only when the message has it.
struct SesCommonHeaders {
  std::optional<std::string> returnPath;
  std::optional<std::vector<std::string>> from;
  std::optional<std::vector<std::string>> sender;
  std::optional<std::vector<std::string>> replyTo;
  std::optional<std::string> date;
  std::optional<std::vector<std::string>> to;
  std::optional<std::vector<std::string>> cc;
  std::optional<std::vector<std::string>> bcc;
  std::optional<std::string> messageId;
  std::optional<std::string> subject;
};
BOOST_DESCRIBE_STRUCT(SesCommonHeaders, (), (returnPath, from, sender, replyTo, date, to, cc, bcc, messageId, subject))

struct SesMail {
  std::string timestamp;  // RFC 3339
  std::string source;     // the envelope's MAIL FROM address
  std::string messageId;  // SES's id (also the S3 object key of an S3 action)
  std::vector<std::string> destination;  // every envelope recipient
  std::optional<bool> headersTruncated;
  std::vector<SesHeader> headers;
  SesCommonHeaders commonHeaders;
};
BOOST_DESCRIBE_STRUCT(SesMail, (), (timestamp, source, messageId, destination, headersTruncated, headers, commonHeaders))

struct SesVerdict {
  std::string status;  // "PASS", "FAIL", "GRAY", "PROCESSING_FAILED", ...
};
BOOST_DESCRIBE_STRUCT(SesVerdict, (), (status))

// The receipt rule's action: for this event, type "Lambda".
struct SesAction {
  std::string type;
  std::optional<std::string> functionArn;
  std::optional<std::string> invocationType;  // "Event" or "RequestResponse"
  std::optional<std::string> topicArn;

  // The rule waits for the function's answer (a disposition).
  [[nodiscard]] bool request_response() const noexcept { return invocationType == "RequestResponse"; }
};
BOOST_DESCRIBE_STRUCT(SesAction, (), (type, functionArn, invocationType, topicArn))

struct SesReceipt {
  std::string timestamp;
  std::int64_t processingTimeMillis = 0;
  std::vector<std::string> recipients;  // the envelope recipients the rule matched
  std::optional<SesVerdict> spamVerdict;
  std::optional<SesVerdict> virusVerdict;
  std::optional<SesVerdict> spfVerdict;
  std::optional<SesVerdict> dkimVerdict;
  std::optional<SesVerdict> dmarcVerdict;
  std::optional<std::string> dmarcPolicy;  // "none", "quarantine", "reject"
  SesAction action;
};
BOOST_DESCRIBE_STRUCT(SesReceipt, (),
                      (timestamp, processingTimeMillis, recipients, spamVerdict, virusVerdict, spfVerdict, dkimVerdict,
                       dmarcVerdict, dmarcPolicy, action))

struct SesMessage {
  SesMail mail;
  SesReceipt receipt;
};
BOOST_DESCRIBE_STRUCT(SesMessage, (), (mail, receipt))

struct SesRecord {
  std::string eventSource;  // "aws:ses"
  std::string eventVersion;
  SesMessage ses;
};
BOOST_DESCRIBE_STRUCT(SesRecord, (), (eventSource, eventVersion, ses))

struct SesEvent {
  std::vector<SesRecord> Records;
};
BOOST_DESCRIBE_STRUCT(SesEvent, (), (Records))

// Required: Records, each record's ses, mail and receipt, and the receipt's recipients.
void lift_rules(lift::json::Rules<SesEvent>& r);
void lift_rules(lift::json::Rules<SesRecord>& r);
void lift_rules(lift::json::Rules<SesReceipt>& r);

Result<SesEvent> parse_ses(const boost::json::value& event);

// What a synchronous receipt rule does after the function answered.
enum class SesDisposition {
  CONTINUE,       // the rule's next actions, then the next rules
  STOP_RULE,      // none of this rule's later actions; the next rules still apply
  STOP_RULE_SET,  // no later action or rule at all
};
BOOST_DESCRIBE_ENUM(SesDisposition, CONTINUE, STOP_RULE, STOP_RULE_SET)

// The options of Ses::sample.
struct SesSampleOptions {
  std::vector<std::string> recipient{"orders@example.com"};
  std::string from = "Jane Doe <jane@example.com>";
  std::string subject = "Order 1234";
  std::string invocation_type = "Event";
};
BOOST_DESCRIBE_STRUCT(SesSampleOptions, (), (recipient, from, subject, invocation_type))

// The source: routed by recipient, a glob over each address of receipt.recipients (any one
// matching takes the record), compared without regard to ASCII case as mail addresses are:
// "orders@example.com", "*@example.com", "*". A handler returns nothing, or a SesDisposition
// for a rule that invokes it synchronously; the answer is {"disposition":...}, the strongest
// of the records' (STOP_RULE_SET over STOP_RULE over CONTINUE), or null when no handler gave
// one (which SES reads as CONTINUE). A failure fails the invocation.
struct Ses {
  static constexpr SourceInfo info{"ses", "Amazon SES: an email received by a receipt rule"};
  using Event = SesEvent;
  using Record = SesRecord;
  using Answer = std::optional<SesDisposition>;
  static bool detect(const boost::json::value& event) noexcept { return records_event_source(event) == "aws:ses"; }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = SesSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"recipient", "an address the receipt rule matched (repeatable)"},
      {"from", "the From header; its address is the envelope sender"},
      {"subject", "the Subject header"},
      {"invocation_type", "\"Event\" or \"RequestResponse\" (the rule waits for a disposition)"},
  };
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_ses(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.Records; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return array_items(event, "Records"); }
  static bool matches(std::string_view pattern, const Record& r);
  static std::string describe(const Record& r);
  static constexpr Failures failures = Failures::fail_invocation;
  static std::string_view item_id(const Record& r) noexcept { return r.ses.mail.messageId; }
  static Result<boost::json::value> answer(const boost::json::value& event, const Event& typed, std::span<Result<Answer>> outcomes,
                                           const AnswerContext& context);
};
LIFT_EVENT_SOURCE(Ses);

}  // namespace lift::events
