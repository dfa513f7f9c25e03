#include "lift/events/firehose.hpp"

#include <chrono>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/uuid.hpp"

namespace lift::events {

std::string_view delivery_stream_name_from_arn(std::string_view arn) noexcept {
  constexpr std::string_view kPrefix = "deliverystream/";
  const auto parts = split_arn(arn);
  if (!parts || parts->service != "firehose" || !parts->resource.starts_with(kPrefix)) return {};
  return parts->resource.substr(kPrefix.size());
}

std::string_view FirehoseRecord::encoded_data() const noexcept {
  if (data) return *data;
  if (kafkaRecordValue) return *kafkaRecordValue;
  return {};
}

Result<std::string> FirehoseRecord::data_bytes() const {
  auto bytes = base64::decode(encoded_data());
  if (!bytes) return invalid_event(data || !kafkaRecordValue ? "data" : "kafkaRecordValue", "invalid base64");
  return bytes;
}

std::string_view FirehoseRecord::delivery_stream_name() const noexcept { return delivery_stream_name_from_arn(delivery_stream_arn); }

std::string_view FirehoseEvent::delivery_stream_name() const noexcept { return delivery_stream_name_from_arn(deliveryStreamArn); }

void lift_rules(lift::json::Rules<FirehoseEvent>& r) {
  r.field(&FirehoseEvent::invocationId).required();
  r.field(&FirehoseEvent::deliveryStreamArn).required();
  r.field(&FirehoseEvent::records).required();
}

void lift_rules(lift::json::Rules<FirehoseRecord>& r) {
  r.field(&FirehoseRecord::recordId).required();
  r.check("data", [](const FirehoseRecord& record) { return record.data || record.kafkaRecordValue; }, "is required");
}

Result<FirehoseEvent> parse_firehose(const boost::json::value& event) {
  auto out = parse_event<FirehoseEvent>(event);
  if (!out) return out;
  for (auto& record : out->records) record.delivery_stream_arn = out->deliveryStreamArn;
  return out;
}

// ---- the answer ----

FirehoseResult FirehoseResult::ok(std::string bytes) {
  FirehoseResult out;
  out.data = std::move(bytes);
  return out;
}

FirehoseResult FirehoseResult::dropped() {
  FirehoseResult out;
  out.status = FirehoseStatus::Dropped;
  return out;
}

FirehoseResult FirehoseResult::failed() {
  FirehoseResult out;
  out.status = FirehoseStatus::ProcessingFailed;
  return out;
}

FirehoseResult& FirehoseResult::with_partition_key(std::string name, std::string value) {
  partition_keys.insert_or_assign(std::move(name), std::move(value));
  return *this;
}

FirehoseResult& FirehoseResult::with_destination_table(std::string database, std::string table, std::string operation_name) {
  destination_database = std::move(database);
  destination_table = std::move(table);
  if (!operation_name.empty()) operation = std::move(operation_name);
  return *this;
}

namespace {

std::string_view status_name(FirehoseStatus status) noexcept {
  switch (status) {
    case FirehoseStatus::Ok:
      return "Ok";
    case FirehoseStatus::Dropped:
      return "Dropped";
    case FirehoseStatus::ProcessingFailed:
      break;
  }
  return "ProcessingFailed";
}

// What Firehose reads besides the data: dynamic partitioning keys and Iceberg routing.
std::optional<boost::json::object> metadata_of(const FirehoseResult& result) {
  boost::json::object metadata;
  if (!result.partition_keys.empty()) {
    boost::json::object keys;
    for (const auto& [name, value] : result.partition_keys) keys[name] = value;
    metadata["partitionKeys"] = std::move(keys);
  }
  if (result.destination_database || result.destination_table || result.operation) {
    boost::json::object otf;
    if (result.destination_database) otf["destinationDatabaseName"] = *result.destination_database;
    if (result.destination_table) otf["destinationTableName"] = *result.destination_table;
    if (result.operation) otf["operation"] = *result.operation;
    metadata["otfMetadata"] = std::move(otf);
  }
  if (metadata.empty()) return std::nullopt;
  return metadata;
}

}  // namespace

boost::json::value firehose_response(const FirehoseEvent& event, std::span<const Result<FirehoseResult>> outcomes) {
  boost::json::array records;
  records.reserve(event.records.size());
  for (std::size_t i = 0; i < event.records.size(); ++i) {
    const auto& record = event.records[i];
    // An MSK source's records carry kafkaRecordValue, and are answered so.
    const std::string_view data_name = !record.data && record.kafkaRecordValue ? "kafkaRecordValue" : "data";
    boost::json::object entry{{"recordId", record.recordId}};
    const Result<FirehoseResult>* outcome = i < outcomes.size() ? &outcomes[i] : nullptr;
    if (outcome == nullptr || !*outcome) {
      // Firehose sends it to the error output with the data it had.
      entry["result"] = status_name(FirehoseStatus::ProcessingFailed);
      entry[data_name] = record.encoded_data();
    } else {
      const auto& result = **outcome;
      entry["result"] = status_name(result.status);
      entry[data_name] = result.data ? boost::json::string(base64::encode(*result.data)) : boost::json::string(record.encoded_data());
      if (auto metadata = metadata_of(result)) entry["metadata"] = std::move(*metadata);
    }
    records.push_back(std::move(entry));
  }
  return boost::json::object{{"records", std::move(records)}};
}

// ---- the source ----

bool Firehose::detect(const boost::json::value& event) noexcept {
  const auto* records = member_at(event, {"records"});
  return !string_member(event, "invocationId").empty() && !string_member(event, "deliveryStreamArn").empty() && records != nullptr &&
         records->is_array();
}

FirehoseEvent Firehose::subset(const Event& event, std::span<const std::size_t> indices) {
  FirehoseEvent out;
  out.invocationId = event.invocationId;
  out.deliveryStreamArn = event.deliveryStreamArn;
  out.sourceKinesisStreamArn = event.sourceKinesisStreamArn;
  out.sourceMSKArn = event.sourceMSKArn;
  out.region = event.region;
  for (const auto i : indices) {
    if (i < event.records.size()) out.records.push_back(event.records[i]);
  }
  return out;
}

boost::json::value Firehose::raw_subset(const boost::json::value& event, std::span<const std::size_t> indices) {
  return with_array_items(event, "records", indices);
}

Result<boost::json::value> Firehose::answer(const boost::json::value&, const Event& typed, std::span<Result<Answer>> outcomes,
                                            const AnswerContext&) {
  // The answer may exceed Lambda's 6 MB response limit; the runtime refuses it then
  // (Function.ResponseSizeTooLarge), and Firehose retries the batch.
  return firehose_response(typed, outcomes);
}

void Firehose::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_firehose(event));
  const auto records = raw_records(event);
  out.records = records.size();
  out.add("delivery_stream", string_member(event, "deliveryStreamArn"));
  out.add("source_stream", string_member(event, "sourceKinesisStreamArn"));
  out.add("source_cluster", string_member(event, "sourceMSKArn"));
  for (const auto* r : records) {
    boost::json::object item{{"recordId", string_at(*r, {"recordId"})}};
    auto encoded = string_at(*r, {"data"});
    if (encoded.empty()) encoded = string_at(*r, {"kafkaRecordValue"});
    if (auto data = base64::decode(encoded)) add_payload(item, "data", *data);
    out.items.push_back(std::move(item));
  }
}

Result<boost::json::value> Firehose::sample(const SampleOptions& options) {
  if (options.stream.empty()) return invalid_sample("the delivery stream's name is empty");
  if (options.region.empty()) return invalid_sample("the region is empty");
  const std::vector<std::string> data = options.data.empty() ? std::vector<std::string>{"Hello from Firehose!"} : options.data;
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // Kinesis-like sequence numbers: digits, growing with the records.
  const std::string sequence_base = "4954698668313554428650745793632162567570019247" + std::to_string(now % 10000000000);
  boost::json::array records;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::string sequence = sequence_base + std::to_string(10 + i);
    const auto arrival = now - static_cast<std::int64_t>(data.size() - i);
    boost::json::object record{{"recordId", sequence + "000000"}, {"approximateArrivalTimestamp", arrival}, {"data", base64::encode(data[i])}};
    if (!options.source_stream.empty()) {
      record["kinesisRecordMetadata"] = boost::json::object{{"shardId", "shardId-000000000000"},
                                                            {"partitionKey", lift::uuid()},
                                                            {"approximateArrivalTimestamp", arrival},
                                                            {"sequenceNumber", sequence},
                                                            {"subsequenceNumber", 0}};
    }
    records.push_back(std::move(record));
  }
  const std::string account = "123456789012";
  boost::json::object event{{"invocationId", lift::uuid()},
                            {"deliveryStreamArn", "arn:aws:firehose:" + options.region + ":" + account + ":deliverystream/" + options.stream}};
  if (!options.source_stream.empty()) {
    event["sourceKinesisStreamArn"] = "arn:aws:kinesis:" + options.region + ":" + account + ":stream/" + options.source_stream;
  }
  event["region"] = options.region;
  event["records"] = std::move(records);
  return boost::json::value(std::move(event));
}

}  // namespace lift::events
