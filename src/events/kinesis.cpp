#include "lift/events/kinesis.hpp"

#include <chrono>

#include "lift/core/base64.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"
#include "lift/core/utf8.hpp"

namespace lift::events {

Result<std::string> KinesisRecord::data() const {
  auto bytes = base64::decode(kinesis.data);
  if (!bytes) return invalid_event("kinesis.data", "invalid base64");
  return bytes;
}

std::string_view KinesisRecord::stream_name() const noexcept {
  const auto arn = split_arn(eventSourceARN);
  if (!arn || !arn->resource.starts_with("stream/")) return {};
  return arn->resource.substr(7);
}

void lift_rules(lift::json::Rules<KinesisEvent>& r) { r.field(&KinesisEvent::Records).required(); }
void lift_rules(lift::json::Rules<KinesisRecord>& r) { r.field(&KinesisRecord::kinesis).required(); }
void lift_rules(lift::json::Rules<KinesisData>& r) {
  r.field(&KinesisData::data).required();
  r.field(&KinesisData::sequenceNumber).required();
}

void Kinesis::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_kinesis(event));
  const auto records = raw_records(event);
  out.records = records.size();
  out.add("stream", string_at(*records.front(), {"eventSourceARN"}));
  for (const auto* r : records) {
    boost::json::object item{{"sequenceNumber", string_at(*r, {"kinesis", "sequenceNumber"})},
                             {"partitionKey", string_at(*r, {"kinesis", "partitionKey"})}};
    if (auto data = base64::decode(string_at(*r, {"kinesis", "data"}))) add_payload(item, "data", *data);
    out.items.push_back(std::move(item));
  }
}

Result<KinesisEvent> parse_kinesis(const boost::json::value& event) {
  auto out = parse_event<KinesisEvent>(event);
  if (!out) return out;
  for (std::size_t i = 0; i < out->Records.size(); ++i) {
    if (!base64::decode(out->Records[i].kinesis.data)) {
      return invalid_event("Records[" + std::to_string(i) + "].kinesis.data", "invalid base64");
    }
  }
  return out;
}

Result<boost::json::value> Kinesis::sample(const SampleOptions& options) {
  if (options.stream.empty()) return invalid_sample("the stream's name is empty");
  if (options.data.empty()) return invalid_sample("a Kinesis event has at least one record");
  if (options.partition_key.empty()) return invalid_sample("the partition key is empty");
  if (options.region.empty()) return invalid_sample("the region is empty");
  const std::string sequence_base = "4959" + random_digits(40);
  const double arrival = static_cast<double>(epoch_ms(std::chrono::system_clock::now())) / 1000.0;
  const std::string account(kSampleAccount);
  boost::json::array records;
  for (std::size_t i = 0; i < options.data.size(); ++i) {
    const std::string sequence = sequence_base + std::to_string(10 + i);
    records.push_back(boost::json::object{{"kinesis",
                                           {{"kinesisSchemaVersion", "1.0"},
                                            {"partitionKey", options.partition_key},
                                            {"sequenceNumber", sequence},
                                            {"data", base64::encode(options.data[i])},
                                            {"approximateArrivalTimestamp", arrival}}},
                                          {"eventSource", "aws:kinesis"},
                                          {"eventVersion", "1.0"},
                                          {"eventID", "shardId-000000000000:" + sequence},
                                          {"eventName", "aws:kinesis:record"},
                                          {"invokeIdentityArn", "arn:aws:iam::" + account + ":role/lambda-kinesis-role"},
                                          {"awsRegion", options.region},
                                          {"eventSourceARN", "arn:aws:kinesis:" + options.region + ":" + account + ":stream/" + options.stream}});
  }
  return boost::json::value{{"Records", std::move(records)}};
}

}  // namespace lift::events
