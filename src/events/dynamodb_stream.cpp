#include "lift/events/dynamodb_stream.hpp"

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

}  // namespace lift::events
