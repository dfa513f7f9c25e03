#include "lift/events/cloudwatch_logs.hpp"

#include <algorithm>
#include <chrono>

#include "lift/core/base64.hpp"
#include "lift/core/compression.hpp"
#include "lift/core/glob.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"
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

Result<boost::json::value> CloudWatchLogs::sample(const SampleOptions& options) {
  if (options.log_group.empty()) return invalid_sample("the log group is empty");
  if (options.log_stream && options.log_stream->empty()) return invalid_sample("the log stream is empty");
  if (options.message.empty()) return invalid_sample("a subscription filter's batch has at least one log event");
  const auto now = std::chrono::system_clock::now();
  const auto ms = epoch_ms(now);
  boost::json::array log_events;
  for (std::size_t i = 0; i < options.message.size(); ++i) {
    log_events.push_back(
        boost::json::object{{"id", random_digits(56)}, {"timestamp", ms + static_cast<std::int64_t>(i)}, {"message", options.message[i]}});
  }
  std::string stream;
  if (options.log_stream) {
    stream = *options.log_stream;
  } else {
    // A Lambda function's: 2024/01/20/[$LATEST]<32 hex digits>.
    stream = rfc3339(now).substr(0, 10);
    std::replace(stream.begin(), stream.end(), '-', '/');
    stream += "/[$LATEST]" + random_hex(32);
  }
  const boost::json::object payload{{"messageType", "DATA_MESSAGE"},
                                    {"owner", kSampleAccount},
                                    {"logGroup", options.log_group},
                                    {"logStream", stream},
                                    {"subscriptionFilters", boost::json::array{"lift-subscription"}},
                                    {"logEvents", std::move(log_events)}};
  auto compressed = compression::deflate(boost::json::serialize(payload), compression::Framing::gzip, compression::Level::best);
  if (!compressed) return std::move(compressed).error();
  return boost::json::value{{"awslogs", {{"data", base64::encode(*compressed)}}}};
}

}  // namespace lift::events
