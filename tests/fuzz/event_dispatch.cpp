// Fuzzes the dispatch of events to an app with a route for every source: any bytes go through
// detection, the typed models, routing by resource and per-record batch handling. Nothing may
// crash or throw, every failure is one of the typed errors, and a partial batch answer names
// only records of the batch.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/describe.hpp>
#include <boost/json.hpp>

#include "lift/app/app.hpp"

namespace {

namespace ev = lift::events;
using lift::Context;
using lift::Result;

// Handlers fail (or throw) on some records, so the failure paths run too.
Result<void> verdict(std::string_view text) {
  if (text.find('!') != std::string_view::npos) return lift::Error{"Rejected", "rejected", 400};
  if (text.find('#') != std::string_view::npos) throw std::runtime_error("thrown");
  return {};
}

struct Arguments {
  std::string id;
};
BOOST_DESCRIBE_STRUCT(Arguments, (), (id))

lift::App make_app() {
  lift::App app;
  app.use([](Context& ctx, const lift::Next& next) -> Result<void> {
    (void)ctx.record();
    return next();
  });
  app.sqs("*.fifo", [](Context&, const ev::SqsMessage& m) { return verdict(m.body); });
  app.sqs("arn:aws:sqs:*:batch-*", [](Context&, const ev::SqsEvent& e) {
    ev::BatchItemFailures failures;
    for (const auto& m : e.Records) {
      if (!verdict(m.body)) failures.add(m.messageId);
    }
    return failures;
  });
  app.sqs("o*", [](Context&, const ev::SqsMessage& m) { return verdict(m.body); });
  app.sns("*", [](Context&, const ev::SnsMessage& m) { return verdict(m.Message); });
  app.s3("b*/k?y*", [](Context&, const ev::S3Record& r) { return verdict(r.s3.object.key); });
  app.dynamodb_stream("*", [](Context&, const ev::DynamoDBRecord& r) { return verdict(r.eventName); });
  app.kinesis("*", [](Context&, const ev::KinesisRecord& r) { return verdict(r.kinesis.partitionKey); });
  app.eventbridge("a*", [](Context&, const ev::EventBridgeEvent<>& e) { return verdict(e.detail_type); });
  app.schedule("*", [](Context&) {});
  app.logs([](Context&, const ev::CloudWatchLogsData& d) { return verdict(d.logGroup); });
  app.authorizer([](Context&, const ev::TokenAuthorizerEvent& e) { return ev::IamPolicyResponse::allow("u", e.methodArn); });
  app.authorizer([](Context&, const ev::AnyRequestAuthorizerEvent&) { return ev::SimpleAuthorizerResponse::allow(); });
  app.kafka("o*", [](Context&, const ev::KafkaRecord& r) { return verdict(r.value.value_or("")); });
  app.kafka("arn:aws:kafka:*", [](Context&, const ev::KafkaEvent& e) {
    ev::BatchItemFailures failures;
    for (const auto& r : e.records) {
      if (!verdict(r.topic)) failures.add(r.item_id());
    }
    return failures;
  });
  app.firehose("s*", [](Context&, const ev::FirehoseRecord& r) -> Result<ev::FirehoseResult> {
    if (auto done = verdict(r.recordId); !done) return std::move(done).error();
    auto bytes = r.data_bytes();
    if (!bytes) return ev::FirehoseResult::failed();
    return ev::FirehoseResult::ok(*bytes + "!");
  });
  app.firehose("*", [](Context&, const ev::FirehoseEvent& e) {
    for (const auto& r : e.records) {
      if (auto done = verdict(r.recordId); !done) return done;
    }
    return Result<void>();
  });
  app.cognito("P*", [](Context&, const ev::CognitoEvent& e) -> Result<boost::json::value> {
    if (auto done = verdict(e.triggerSource); !done) return std::move(done).error();
    return boost::json::value{{"ok", true}};
  });
  app.graphql("Query.*", [](Context&, const ev::AppSyncResolverEvent& e) -> Result<boost::json::value> {
    if (auto done = verdict(e.field_name()); !done) return std::move(done).error();
    return boost::json::value{{"field", e.field_path()}};
  });
  app.graphql("Mutation.*", [](Context&, const Arguments& args) { return verdict(args.id); });
  app.graphql("*", [](Context&, std::span<const ev::AppSyncResolverEvent> items) {
    std::vector<Result<std::string>> answers;
    for (const auto& item : items) {
      if (auto done = verdict(item.field_name()); !done) answers.emplace_back(std::move(done).error());
      else answers.emplace_back(std::string(item.field_name()));
    }
    if (items.size() == 3) answers.pop_back();  // a handler answering too few
    return answers;
  });
  app.ses("*@example.com", [](Context&, const ev::SesRecord& r) -> Result<ev::SesDisposition> {
    if (auto done = verdict(r.ses.mail.messageId); !done) return std::move(done).error();
    return ev::SesDisposition::STOP_RULE;
  });
  app.alarm("c*", [](Context&, const ev::CloudWatchAlarmEvent& e) { return verdict(e.alarmData.state.value); });
  // (No custom_resource route: its answer is a PUT to whatever URL the input names.)
  return app;
}

const std::set<std::string, std::less<>> kTypedErrors{"InvalidEvent",     "UnsupportedEvent", "NoRoute",
                                                      "BatchProcessingFailed", "Rejected", "InternalError",
                                                      "InvalidArguments", "ValidationFailed", "InvalidAnswer"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lift::App app = make_app();
  lift::runtime::Invocation invocation;
  invocation.context.request_id = "fuzz";
  invocation.payload.assign(reinterpret_cast<const char*>(data), size);
  const auto answer = app.invoke(invocation);
  if (!answer) {
    if (!kTypedErrors.contains(answer.error().code)) std::abort();
    return 0;
  }
  boost::json::error_code error;
  const auto event = boost::json::parse(invocation.payload, error);
  const auto reply = boost::json::parse(answer->body, error);
  if (error) std::abort();  // every answer is JSON
  if (ev::detect(event) == ev::kind_of<ev::Firehose>) {
    // Every record answered, in order.
    const auto& records = event.at("records").as_array();
    const auto& answered = reply.at("records").as_array();
    if (answered.size() != records.size()) std::abort();
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (answered[i].at("recordId") != records[i].at("recordId")) std::abort();
    }
    return 0;
  }
  // A partial batch answer names records of the batch only.
  const auto* failures = reply.is_object() ? reply.as_object().if_contains("batchItemFailures") : nullptr;
  if (failures == nullptr || !event.is_object()) return 0;
  if (ev::detect(event) == ev::kind_of<ev::Kafka>) {
    const auto kafka = ev::parse_kafka(event);
    if (!kafka) std::abort();
    for (const auto& failure : failures->as_array()) {
      bool known = false;
      for (const auto& record : kafka->records) known = known || failure.at("itemIdentifier") == ev::Kafka::failure_identifier(record);
      if (!known) std::abort();
    }
    return 0;
  }
  if (ev::detect(event) != ev::kind_of<ev::Sqs>) return 0;
  std::set<std::string, std::less<>> ids;
  for (const auto& record : event.at("Records").as_array()) ids.emplace(record.at("messageId").as_string());
  for (const auto& failure : failures->as_array()) {
    if (!ids.contains(failure.at("itemIdentifier").as_string())) std::abort();
  }
  return 0;
}
