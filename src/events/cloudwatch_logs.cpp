#include "lift/events/cloudwatch_logs.hpp"

#include "lift/core/glob.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <limits>

#include "lift/core/base64.hpp"
#include "lift/json/document.hpp"

namespace lift::events {

namespace {

// One inflate stream, released however the decoding ends.
class Inflater {
 public:
  Inflater() {
    // 15 + 32: a gzip or a zlib header, detected from the data (CloudWatch Logs sends gzip;
    // some producers of the same payload use zlib).
    ok_ = inflateInit2(&stream_, 15 + 32) == Z_OK;
  }
  ~Inflater() {
    if (ok_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  Result<std::string> inflate_all(std::string_view input, std::size_t max_output) {
    if (!ok_) return invalid_event("", "invalid gzip data: cannot start inflating");
    if (input.size() > std::numeric_limits<uInt>::max()) return invalid_event("", "compressed data too large");
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream_.avail_in = static_cast<uInt>(input.size());
    std::string out;
    std::array<char, 64 * 1024> buffer{};
    for (;;) {
      stream_.next_out = reinterpret_cast<Bytef*>(buffer.data());
      stream_.avail_out = static_cast<uInt>(buffer.size());
      const int status = ::inflate(&stream_, Z_NO_FLUSH);
      const std::size_t produced = buffer.size() - stream_.avail_out;
      if (out.size() + produced > max_output) {
        return invalid_event("", "inflated data larger than " + std::to_string(max_output) + " bytes");
      }
      out.append(buffer.data(), produced);
      if (status == Z_STREAM_END) {
        if (stream_.avail_in != 0) return invalid_event("", "trailing data after the gzip stream");
        return out;
      }
      if (status == Z_BUF_ERROR && stream_.avail_in == 0) return invalid_event("", "invalid gzip data: truncated");
      if (status != Z_OK) {
        std::string problem = "invalid gzip data";
        if (stream_.msg != nullptr) problem.append(": ").append(stream_.msg);
        return invalid_event("", problem);
      }
    }
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

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
  auto inflated = Inflater().inflate_all(*compressed, max_inflated);
  if (!inflated) return std::move(inflated).error();
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
