#include "lift/events/sqs.hpp"

#include <charconv>

#include "lift/core/base64.hpp"

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

}  // namespace lift::events
