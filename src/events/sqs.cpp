#include "lift/events/sqs.hpp"

#include <charconv>
#include <chrono>

#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"
#include "lift/core/uuid.hpp"

namespace lift::events {

namespace {

template <class I>
I number_or_zero(std::string_view text) noexcept {
  I out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() ? out : 0;
}

}  // namespace

std::uint32_t SqsAttributes::receive_count() const noexcept { return number_or_zero<std::uint32_t>(ApproximateReceiveCount); }

std::int64_t SqsAttributes::sent_timestamp_ms() const noexcept { return number_or_zero<std::int64_t>(SentTimestamp); }

Result<std::string> SqsMessageAttribute::binary() const {
  if (!binaryValue) return invalid_event("binaryValue", "is absent");
  auto bytes = base64::decode(*binaryValue);
  if (!bytes) return invalid_event("binaryValue", "invalid base64");
  return bytes;
}

std::string_view SqsMessage::queue_name() const noexcept {
  const auto arn = split_arn(eventSourceARN);
  return arn ? arn->resource : std::string_view{};
}

bool SqsMessage::is_fifo() const noexcept { return queue_name().ends_with(".fifo"); }

void lift_rules(lift::json::Rules<SqsEvent>& r) { r.field(&SqsEvent::Records).required(); }

void lift_rules(lift::json::Rules<SqsMessage>& r) { r.field(&SqsMessage::messageId).required(); }

Result<SqsEvent> parse_sqs(const boost::json::value& event) { return parse_event<SqsEvent>(event); }

void Sqs::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_sqs(event));
  const auto records = raw_records(event);
  out.records = records.size();
  out.add("queue", string_at(*records.front(), {"eventSourceARN"}));
  for (const auto* r : records) {
    out.items.push_back(boost::json::object{{"messageId", string_at(*r, {"messageId"})}, {"body", shorten(string_at(*r, {"body"}))}});
  }
}

Result<boost::json::value> Sqs::sample(const SampleOptions& options) {
  if (options.queue.empty()) return invalid_sample("the queue's name is empty");
  if (options.body.empty()) return invalid_sample("an SQS event has at least one message");
  if (options.region.empty()) return invalid_sample("the region is empty");
  const bool fifo = options.fifo || options.queue.ends_with(".fifo");
  if (fifo && options.group_id.empty()) return invalid_sample("a FIFO queue's message has a group id");
  const std::string queue = fifo && !options.queue.ends_with(".fifo") ? options.queue + ".fifo" : options.queue;
  const auto md5 = [](std::string_view text) { return hex::encode(digest::md5(text)); };
  const auto now = epoch_ms(std::chrono::system_clock::now());
  const std::string sequence_base = random_digits(14);
  boost::json::array records;
  for (std::size_t i = 0; i < options.body.size(); ++i) {
    const auto& body = options.body[i];
    boost::json::object attributes{{"ApproximateReceiveCount", "1"},
                                   {"SentTimestamp", std::to_string(now - 200 + static_cast<std::int64_t>(i))},
                                   {"SenderId", "AIDAIENQZJOLO23YVJ4VO"},
                                   {"ApproximateFirstReceiveTimestamp", std::to_string(now)}};
    if (fifo) {
      attributes["SequenceNumber"] = "1" + sequence_base + std::to_string(100000 + i);
      attributes["MessageGroupId"] = options.group_id;
      attributes["MessageDeduplicationId"] = md5(body + std::to_string(i));
    }
    records.push_back(boost::json::object{{"messageId", uuid()},
                                          {"receiptHandle", "AQEB" + base64::encode(random_hex(48))},
                                          {"body", body},
                                          {"attributes", std::move(attributes)},
                                          {"messageAttributes", boost::json::object{}},
                                          {"md5OfBody", md5(body)},
                                          {"eventSource", "aws:sqs"},
                                          {"eventSourceARN", "arn:aws:sqs:" + options.region + ":" + std::string(kSampleAccount) + ":" + queue},
                                          {"awsRegion", options.region}});
  }
  return boost::json::value{{"Records", std::move(records)}};
}

}  // namespace lift::events
