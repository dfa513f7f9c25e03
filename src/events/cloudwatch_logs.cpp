#include "lift/events/cloudwatch_logs.hpp"

#include <algorithm>

#include "lift/core/base64.hpp"
#include "lift/core/compression.hpp"
#include "lift/core/glob.hpp"
#include "lift/json/document.hpp"

namespace lift::events {

namespace {

Error prefixed(std::string_view prefix, Error error) {
  error.code = "InvalidEvent";
  error.status = 400;
  for (auto& detail : error.details) {
    std::string field(prefix);
    if (!detail.field.empty()) field.append(detail.field.front() == '[' ? "" : ".").append(detail.field);
    detail.field = std::move(field);
  }
  if (error.details.empty()) error.details.push_back(ErrorDetail{std::string(prefix), error.message});
  const auto& first = error.details.front();
  error.message = first.field.empty() ? first.message : first.field + ": " + first.message;
  return error;
}

}  // namespace

void lift_rules(lift::json::Rules<CloudWatchLogsEvent>& r) { r.field(&CloudWatchLogsEvent::awslogs).required(); }
void lift_rules(lift::json::Rules<CloudWatchLogsRaw>& r) { r.field(&CloudWatchLogsRaw::data).required(); }

Result<CloudWatchLogsData> decode_cloudwatch_logs(std::string_view base64_data, std::size_t max_inflated) {
  auto compressed = base64::decode(base64_data);
  if (!compressed) return invalid_event("", "invalid base64");
  // CloudWatch Logs sends gzip; some producers of the same payload use zlib: either is read.
  auto inflated = compression::inflate(*compressed, compression::Framing::gzip, max_inflated);
  if (!inflated) return invalid_event("", inflated.error().message);
  auto document = lift::json::parse_document(*inflated);
  if (!document) return invalid_event("", document.error().message);
  return parse_event<CloudWatchLogsData>(*document);
}

Result<CloudWatchLogsEvent> parse_cloudwatch_logs_event(const boost::json::value& event) {
  return parse_event<CloudWatchLogsEvent>(event);
}

Result<CloudWatchLogsData> parse_cloudwatch_logs(const boost::json::value& event, std::size_t max_inflated) {
  auto envelope = parse_cloudwatch_logs_event(event);
  if (!envelope) return std::move(envelope).error();
  auto data = decode_cloudwatch_logs(envelope->awslogs.data, max_inflated);
  if (!data) return prefixed("awslogs.data", std::move(data).error());
  return data;
}

void CloudWatchLogs::summarize(const boost::json::value& event, Summary& out) {
  auto data = parse_cloudwatch_logs(event);
  out.note(data);
  out.records = data ? data->logEvents.size() : 0;
  if (!data) return;
  out.fields["log_group"] = data->logGroup;
  out.fields["log_stream"] = data->logStream;
  out.fields["message_type"] = data->messageType;
  for (const auto& e : data->logEvents) out.items.push_back(boost::json::object{{"id", e.id}, {"message", shorten(e.message)}});
}

bool CloudWatchLogs::matches(std::string_view pattern, const Record& data) noexcept { return glob_match(pattern, data.logGroup); }

}  // namespace lift::events
