// Fuzzes the typed event models: any bytes go through JSON parsing, kind detection and every
// parse_* function. Nothing may crash, every failure is a typed "InvalidEvent", and whatever
// parses serialises to JSON that parses again into the same model.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "lift/dynamorm/attribute_value.hpp"
#include "lift/events/models.hpp"
#include "lift/json/document.hpp"

namespace {

namespace ev = lift::events;

template <class T>
void expect_typed(const lift::Result<T>& result, std::string_view code = "InvalidEvent") {
  if (!result && result.error().code != code) std::abort();
}

// Equal JSON, numbers compared by value: serialize writes an integral double as an integer.
bool same_json(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.kind() == b.kind()) return a == b;
    return a.to_number<double>() == b.to_number<double>();
  }
  if (a.kind() != b.kind()) return false;
  if (const auto* object = a.if_object()) {
    const auto& other = b.get_object();
    if (object->size() != other.size()) return false;
    for (const auto& entry : *object) {
      const auto* match = other.if_contains(entry.key());
      if (match == nullptr || !same_json(entry.value(), *match)) return false;
    }
    return true;
  }
  if (const auto* array = a.if_array()) {
    const auto& other = b.get_array();
    if (array->size() != other.size()) return false;
    for (std::size_t i = 0; i < array->size(); ++i) {
      if (!same_json((*array)[i], other[i])) return false;
    }
    return true;
  }
  return a == b;
}

// parse(doc) either fails with a typed error, or the model serialises, parses back and
// serialises to the same JSON.
template <class Parse>
void round_trip(const boost::json::value& doc, Parse parse) {
  auto first = parse(doc);
  expect_typed(first);
  if (!first) return;
  const auto json = lift::json::to_json(*first);
  auto text = lift::json::parse_document(lift::json::serialize(*first));
  if (!text || !same_json(*text, json)) std::abort();  // the text form and the DOM form must agree
  auto second = parse(*text);
  if (!second || !same_json(lift::json::to_json(*second), json)) std::abort();
}

void fuzz_attribute_values(const boost::json::value& doc) {
  for (const bool lenient : {false, true}) {
    const lift::dynamorm::ReadOptions options{.allow_empty_sets = lenient, .allow_repeated_set_members = lenient};
    auto value = lift::dynamorm::from_dynamodb_json(doc, options);
    expect_typed(value, "InvalidAttributeValue");
    if (value) {
      auto again = lift::dynamorm::from_dynamodb_json(lift::dynamorm::to_dynamodb_json(*value), options);
      if (!again || !(*again == *value)) std::abort();
    }
    auto item = lift::dynamorm::item_from_dynamodb_json(doc, options);
    expect_typed(item, "InvalidAttributeValue");
    if (item) {
      auto again = lift::dynamorm::item_from_dynamodb_json(lift::dynamorm::item_to_dynamodb_json(*item), options);
      if (!again || !(*again == *item)) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // Text helpers straight on the bytes.
  expect_typed(ev::decode_s3_key(bytes));
  expect_typed(ev::decode_cloudwatch_logs(bytes, 1 << 20));
  if (auto n = lift::dynamorm::Number::parse(bytes)) {
    if (!(*n == *lift::dynamorm::Number::parse(n->text()))) std::abort();
    (void)n->as_double();
    (void)n->as_integer<std::int64_t>();
    (void)n->as_integer<std::uint8_t>();
  }
  (void)ev::split_arn(bytes);
  (void)ev::rule_name_from_arn(bytes);
  (void)ev::table_name_from_arn(bytes);
  (void)ev::method_arn_wildcard(bytes);

  auto document = lift::json::parse_document(bytes);
  if (!document) return 0;
  const boost::json::value& doc = *document;
  (void)ev::to_string(ev::detect(doc));

  round_trip(doc, ev::parse_sqs);
  round_trip(doc, ev::parse_sns);
  round_trip(doc, ev::parse_s3);
  round_trip(doc, ev::parse_s3_eventbridge);
  round_trip(doc, [](const boost::json::value& v) { return ev::parse_eventbridge(v); });
  round_trip(doc, ev::parse_scheduled);
  round_trip(doc, ev::parse_dynamodb_stream);
  round_trip(doc, ev::parse_kinesis);
  round_trip(doc, ev::parse_cloudwatch_logs_event);
  round_trip(doc, ev::parse_token_authorizer);
  round_trip(doc, ev::parse_request_authorizer);
  round_trip(doc, ev::parse_request_authorizer_v2);
  round_trip(doc, ev::parse_cognito);
  round_trip(doc, [](const boost::json::value& v) { return ev::parse_event<ev::AppSyncResolverEvent>(v); });
  round_trip(doc, ev::parse_kafka);
  round_trip(doc, ev::parse_firehose);
  round_trip(doc, ev::parse_ses);
  round_trip(doc, ev::parse_cloudwatch_alarm);
  round_trip(doc, ev::parse_cloudformation_custom_resource);
  round_trip(doc, [](const boost::json::value& v) { return ev::parse_event<ev::CloudWatchLogsData>(v); });
  round_trip(doc, [](const boost::json::value& v) { return ev::parse_event<ev::BatchItemFailures>(v); });

  expect_typed(ev::parse_cloudwatch_logs(doc, 1 << 20));
  if (auto any = ev::parse_any_request_authorizer(doc)) {
    std::visit([](const auto& event) { (void)lift::json::serialize(event); }, *any);
  }
  if (auto kinesis = ev::parse_kinesis(doc)) {
    for (const auto& record : kinesis->Records) {
      if (!record.data()) std::abort();  // parse_kinesis checked every record's data
      (void)record.stream_name();
    }
  }
  if (auto kafka = ev::parse_kafka(doc)) {
    // The records and their JSON agree, in the same order, and so do both ways to take some.
    if (ev::Kafka::raw_records(doc).size() != kafka->records.size()) std::abort();
    std::vector<std::size_t> even;
    for (std::size_t i = 0; i < kafka->records.size(); i += 2) even.push_back(i);
    auto reparsed = ev::parse_kafka(ev::Kafka::raw_subset(doc, even));
    if (!reparsed || !same_json(lift::json::to_json(*reparsed), lift::json::to_json(ev::Kafka::subset(*kafka, even)))) std::abort();
    for (const auto& record : kafka->records) {
      expect_typed(record.key_bytes());
      expect_typed(record.value_bytes());
      (void)record.header("a");
      (void)ev::Kafka::failure_identifier(record);
    }
  }
  if (auto firehose = ev::parse_firehose(doc)) {
    // Every record answered, in order, whatever its outcome.
    std::vector<lift::Result<ev::FirehoseResult>> outcomes;
    for (std::size_t i = 0; i < firehose->records.size(); ++i) {
      expect_typed(firehose->records[i].data_bytes());
      (void)firehose->records[i].delivery_stream_name();
      if (i % 3 == 0) outcomes.emplace_back(ev::FirehoseResult::ok(firehose->records[i].recordId).with_partition_key("k", "v"));
      else if (i % 3 == 1) outcomes.emplace_back(ev::FirehoseResult::dropped());
      else outcomes.emplace_back(lift::Error{"Rejected", "no", 400});
    }
    const auto answer = ev::firehose_response(*firehose, outcomes);
    const auto& answered = answer.at("records").as_array();
    if (answered.size() != firehose->records.size()) std::abort();
    for (std::size_t i = 0; i < answered.size(); ++i) {
      if (answered[i].at("recordId") != boost::json::value(firehose->records[i].recordId)) std::abort();
    }
  }
  if (auto s3 = ev::parse_s3(doc)) {
    for (const auto& record : s3->Records) {
      if (!ev::decode_s3_key(record.s3.object.key)) std::abort();  // parse_s3 checked every key
    }
  }
  if (auto sqs = ev::parse_sqs(doc)) {
    for (const auto& message : sqs->Records) {
      (void)message.is_fifo();
      (void)message.attributes.receive_count();
      for (const auto& [name, attribute] : message.messageAttributes) expect_typed(attribute.binary());
    }
  }
  if (auto appsync = ev::parse_appsync(doc)) {
    if (appsync->batch != doc.is_array() || (!appsync->batch && appsync->items.size() != 1)) std::abort();
    for (const auto& item : appsync->items) {
      (void)item.field_path();
      (void)item.auth_type();
      (void)item.header("Host");
      (void)item.selects("id");
      (void)item.claims();
    }
  } else {
    expect_typed(appsync);
  }
  if (auto cognito = ev::parse_cognito(doc)) {
    auto answer = ev::cognito_response(doc, boost::json::object{});
    if (!answer) std::abort();
  }
  if (auto alarm = ev::parse_cloudwatch_alarm(doc)) {
    expect_typed(alarm->alarmData.state.reason_data());
    if (alarm->alarmData.previousState) expect_typed(alarm->alarmData.previousState->reason_data());
  }
  // Any request (malformed ones too) gets a response document: JSON, with the status asked for
  // or FAILED.
  for (const bool failed : {false, true}) {
    lift::Result<ev::CustomResourceResponse> outcome = ev::CustomResourceResponse{};
    if (failed) outcome = lift::Error{"Failed", std::string(bytes.substr(0, 8192)), 500};
    auto document = lift::json::parse_document(ev::custom_resource_response(doc, outcome));
    if (!document || !document->is_object()) std::abort();
    if (failed && document->at("Status") != "FAILED") std::abort();
  }
  fuzz_attribute_values(doc);
  return 0;
}
