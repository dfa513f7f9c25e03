#include "lift/events/dynamodb_stream.hpp"

#include <chrono>

#include "lift/core/random.hpp"
#include "lift/core/time.hpp"

namespace lift::events {

StreamOperation DynamoDBRecord::operation() const noexcept {
  if (eventName == "INSERT") return StreamOperation::insert;
  if (eventName == "MODIFY") return StreamOperation::modify;
  if (eventName == "REMOVE") return StreamOperation::remove;
  return StreamOperation::unknown;
}

std::string_view table_name_from_arn(std::string_view arn) noexcept {
  const auto parts = split_arn(arn);
  if (!parts || parts->service != "dynamodb" || !parts->resource.starts_with("table/")) return {};
  const auto rest = parts->resource.substr(6);
  return rest.substr(0, rest.find('/'));
}

std::string_view DynamoDBRecord::table_name() const noexcept { return table_name_from_arn(eventSourceARN); }

bool DynamoDBRecord::is_ttl_removal() const noexcept {
  return eventName == "REMOVE" && userIdentity && userIdentity->type == "Service" &&
         userIdentity->principalId == "dynamodb.amazonaws.com";
}

void lift_rules(lift::json::Rules<DynamoDBStreamEvent>& r) { r.field(&DynamoDBStreamEvent::Records).required(); }
void lift_rules(lift::json::Rules<DynamoDBRecord>& r) { r.field(&DynamoDBRecord::dynamodb).required(); }
void lift_rules(lift::json::Rules<DynamoDBStreamRecord>& r) {
  r.field(&DynamoDBStreamRecord::Keys).required();
  r.field(&DynamoDBStreamRecord::SequenceNumber).required();
}

Result<DynamoDBStreamEvent> parse_dynamodb_stream(const boost::json::value& event) {
  return parse_event<DynamoDBStreamEvent>(event);
}

void DynamoDBStream::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_dynamodb_stream(event));
  const auto records = raw_records(event);
  out.records = records.size();
  const auto arn = string_at(*records.front(), {"eventSourceARN"});
  out.add("table", table_name_from_arn(arn));
  out.add("stream", arn);
  for (const auto* r : records) {
    boost::json::object item{{"eventName", string_at(*r, {"eventName"})},
                             {"SequenceNumber", string_at(*r, {"dynamodb", "SequenceNumber"})}};
    if (const auto* keys = member_at(*r, {"dynamodb", "Keys"})) item["Keys"] = *keys;
    out.items.push_back(std::move(item));
  }
}

Result<boost::json::value> DynamoDBStream::sample(const SampleOptions& options) {
  const auto& name = options.event_name;
  if (name != "INSERT" && name != "MODIFY" && name != "REMOVE") {
    return invalid_sample("the event name is INSERT, MODIFY or REMOVE, not \"" + name + "\"");
  }
  if (options.table.empty()) return invalid_sample("the table's name is empty");
  if (options.id.empty()) return invalid_sample("a DynamoDB Streams event has at least one record");
  if (options.region.empty()) return invalid_sample("the region is empty");
  const auto now = std::chrono::system_clock::now();
  // The stream's label is the time it was enabled, without a zone.
  std::string label = rfc3339(now);
  label.pop_back();
  const std::string stream_arn =
      "arn:aws:dynamodb:" + options.region + ":" + std::string(kSampleAccount) + ":table/" + options.table + "/stream/" + label;
  const std::string sequence_base = random_digits(18);
  boost::json::array records;
  for (std::size_t i = 0; i < options.id.size(); ++i) {
    const boost::json::object keys{{"id", {{"S", options.id[i]}}}};
    boost::json::object image{{"id", {{"S", options.id[i]}}}, {"status", {{"S", "PENDING"}}}, {"total", {{"N", "42.5"}}}};
    boost::json::object change{{"ApproximateCreationDateTime", epoch_ms(now) / 1000}, {"Keys", keys}};
    if (name != "REMOVE") change["NewImage"] = image;
    if (name != "INSERT") {
      image["status"] = boost::json::object{{"S", "NEW"}};
      change["OldImage"] = std::move(image);
    }
    change["SequenceNumber"] = std::to_string(i + 1) + sequence_base;
    change["SizeBytes"] = 59;
    change["StreamViewType"] = "NEW_AND_OLD_IMAGES";
    records.push_back(boost::json::object{{"eventID", random_hex(32)},
                                          {"eventName", name},
                                          {"eventVersion", "1.1"},
                                          {"eventSource", "aws:dynamodb"},
                                          {"awsRegion", options.region},
                                          {"dynamodb", std::move(change)},
                                          {"eventSourceARN", stream_arn}});
  }
  return boost::json::value{{"Records", std::move(records)}};
}

}  // namespace lift::events
