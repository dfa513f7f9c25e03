// `lift events generate|list|inspect` for every source, as separate processes: generated events
// are classified as their own kind and parse with the runtime's models, like AWS's samples;
// `inspect` agrees with the samples' manifest; examples/sqs-worker answers a generated mixed
// batch through `lift invoke` with exactly the bad message ids.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/mp11/algorithm.hpp>

#include "lift/events/all_sources.hpp"
#include "lift/events/models.hpp"
#include "lift/http/adapters.hpp"
#include "support/json.hpp"
#include "support/subprocess.hpp"
#include "support/files.hpp"
#include "support/sample_events.hpp"
#include "support/requirements.hpp"

namespace {

using lift::testing_support::json_of;
using lift::testing_support::run_command;
namespace events = lift::events;
using Json = boost::json::value;

const std::string kSamples = LIFT_TESTDATA_DIR "/events";

Json generate(const std::vector<std::string>& args) {
  std::vector<std::string> argv{LIFT_CLI, "events", "generate"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json_of(result.out);
}

Json inspect(const Json& event) {
  auto result = run_command({LIFT_CLI, "events", "inspect", "-"}, boost::json::serialize(event));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json_of(result.out);
}

std::vector<std::string> listed_sources() {
  auto list = run_command({LIFT_CLI, "events", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  std::vector<std::string> names;
  std::istringstream lines(list.out);
  std::string line;
  while (std::getline(lines, line)) names.push_back(line.substr(0, line.find('\t')));
  return names;
}

// The typed model of `kind` accepts the event (HTTP kinds: the adapters the app uses).
lift::Result<void> parses(const Json& event, events::Kind kind) {
  if (kind.is_unknown()) return lift::Error{"Unknown", "not classified", 400};
  if (kind.is_http()) {
    auto request = lift::http::request_from_event(event, kind);
    if (!request) return request.error();
    return {};
  }
  lift::Result<void> out = lift::Error{"NoModel", "no descriptor parses " + std::string(kind.name()), 400};
  boost::mp11::mp_for_each<boost::mp11::mp_transform<boost::mp11::mp_identity, events::AllSources>>([&](auto descriptor) {
    using D = typename decltype(descriptor)::type;
    if constexpr (events::RoutedSource<D>) {
      if (kind == events::kind_of<D>) {
        auto parsed = D::parse(event);
        out = parsed ? lift::Result<void>() : lift::Result<void>(parsed.error());
      }
    }
  });
  return out;
}

using Sample = lift::testing_support::SampleEvent;

std::vector<Sample> samples() { return lift::testing_support::sample_events(); }

Json read_json(const std::string& path) { return json_of(lift::testing_support::read_file(path)); }

// Member names of the event and of its records (of each item of a list event: an AppSync
// batch).
void collect_names(const Json& event, std::set<std::string>& top, std::set<std::string>& record) {
  if (const auto* items = event.if_array()) {
    for (const auto& item : *items) collect_names(item, top, record);
    return;
  }
  if (!event.is_object()) return;
  for (const auto& field : event.as_object()) top.emplace(field.key());
  if (const auto* records = event.as_object().if_contains("Records"); records != nullptr && records->is_array()) {
    for (const auto& r : records->as_array()) {
      if (!r.is_object()) continue;
      for (const auto& field : r.as_object()) record.emplace(field.key());
    }
  }
}

TEST(LiftEventsGenerate, EverySourceIsDetectedAsItsOwnKindAndParsesLikeTheSamples) {
  const auto sources = listed_sources();
  ASSERT_EQ(sources.size(), events::all_kinds().size() - 1);  // every source but unknown
  const bool have_samples = std::filesystem::exists(kSamples + "/manifest.tsv");
  const auto all_samples = have_samples ? samples() : std::vector<Sample>{};
  for (const auto& source : sources) {
    const auto kind = events::kind_from_string(source);
    ASSERT_TRUE(kind) << source;
    const auto event = generate({source});
    EXPECT_EQ(events::detect(event), *kind) << source << ": " << boost::json::serialize(event);
    auto parsed = parses(event, *kind);
    EXPECT_TRUE(parsed) << source << ": " << parsed.error().message;

    const auto seen = inspect(event);
    EXPECT_EQ(seen.at("source").as_string(), source);
    EXPECT_FALSE(seen.as_object().contains("error")) << source << ": " << boost::json::serialize(seen);

    // No member the samples of that kind never have, at the top and in the records.
    std::set<std::string> sample_top, sample_record, top, record;
    for (const auto& sample : all_samples) {
      if (sample.kind == source) collect_names(read_json(sample.path), sample_top, sample_record);
    }
    if (sample_top.empty()) continue;
    collect_names(event, top, record);
    for (const auto& name : top) EXPECT_TRUE(sample_top.contains(name)) << source << ": member " << name << " is in no sample";
    for (const auto& name : record)
      EXPECT_TRUE(sample_record.contains(name)) << source << ": record member " << name << " is in no sample";
  }
}

TEST(LiftEventsGenerate, OptionsShapeTheEvents) {
  const auto sqs = generate({"sqs", "--queue", "jobs", "--fifo", "--body", "one", "--body", "two", "--body", "three"});
  const auto parsed_sqs = events::parse_sqs(sqs);
  ASSERT_TRUE(parsed_sqs) << parsed_sqs.error().message;
  ASSERT_EQ(parsed_sqs->Records.size(), 3u);
  EXPECT_EQ(parsed_sqs->Records[1].body, "two");
  EXPECT_EQ(parsed_sqs->Records[0].queue_name(), "jobs.fifo");
  EXPECT_TRUE(parsed_sqs->Records[2].is_fifo());
  EXPECT_EQ(parsed_sqs->Records[0].attributes.MessageGroupId, "default");
  EXPECT_NE(parsed_sqs->Records[0].messageId, parsed_sqs->Records[1].messageId);
  EXPECT_EQ(parsed_sqs->Records[0].md5OfBody, "f97c5d29941bfb1b2fdab0874906ab82");  // MD5 of "one"

  const auto s3 = events::parse_s3(generate({"s3", "--bucket", "photos", "--key", "2024/my cat+dog.jpg"}));
  ASSERT_TRUE(s3) << s3.error().message;
  EXPECT_EQ(s3->Records[0].s3.bucket.name, "photos");
  EXPECT_EQ(s3->Records[0].s3.object.key, "2024/my+cat%2Bdog.jpg");
  EXPECT_EQ(s3->Records[0].s3.object.decoded_key(), "2024/my cat+dog.jpg");

  const auto eventbridge =
      generate({"eventbridge", "--source", "com.shop", "--detail-type", "Order Placed", "--detail", R"({"id":7})"});
  EXPECT_EQ(eventbridge.at("detail").at("id"), 7);
  EXPECT_EQ(eventbridge.at("detail-type"), "Order Placed");
  const auto bad_detail = run_command({LIFT_CLI, "events", "generate", "eventbridge", "--detail", "{oops"});
  EXPECT_EQ(bad_detail.exit_code, 2);
  EXPECT_NE(bad_detail.err.find("detail is not JSON"), std::string::npos) << bad_detail.err;
  EXPECT_TRUE(bad_detail.out.empty()) << bad_detail.out;

  const auto schedule = events::parse_scheduled(generate({"scheduled", "--rule", "nightly-report"}));
  ASSERT_TRUE(schedule);
  EXPECT_EQ(events::rule_name(*schedule), "nightly-report");

  const auto logs = events::parse_cloudwatch_logs(generate(
      {"cloudwatch-logs", "--log-group", "/aws/lambda/x", "--message", "first line", "--message", "second \"quoted\" line"}));
  ASSERT_TRUE(logs) << logs.error().message;
  EXPECT_EQ(logs->logGroup, "/aws/lambda/x");
  ASSERT_EQ(logs->logEvents.size(), 2u);
  EXPECT_EQ(logs->logEvents[1].message, "second \"quoted\" line");

  const auto kinesis = events::parse_kinesis(generate({"kinesis", "--stream", "clicks", "--data", "a", "--data", "b\nc"}));
  ASSERT_TRUE(kinesis);
  ASSERT_EQ(kinesis->Records.size(), 2u);
  EXPECT_EQ(*kinesis->Records[1].data(), "b\nc");
  EXPECT_EQ(kinesis->Records[0].stream_name(), "clicks");

  const auto dynamodb = events::parse_dynamodb_stream(
      generate({"dynamodb-stream", "--table", "Users", "--id", "u1", "--id", "u2", "--event-name", "MODIFY"}));
  ASSERT_TRUE(dynamodb) << dynamodb.error().message;
  ASSERT_EQ(dynamodb->Records.size(), 2u);
  EXPECT_EQ(dynamodb->Records[0].table_name(), "Users");
  EXPECT_TRUE(dynamodb->Records[1].dynamodb.OldImage.has_value());

  const auto v2 = generate({"authorizer-request", "--version", "2.0", "--path", "/pets"});
  EXPECT_EQ(events::detect(v2), events::kind_of<events::RequestAuthorizer>);
  EXPECT_TRUE(events::parse_request_authorizer_v2(v2));
  for (const char* trigger :
       {"PreSignUp_SignUp", "TokenGeneration_HostedAuth", "CustomMessage_SignUp", "UserMigration_Authentication",
        "DefineAuthChallenge_Authentication", "PostConfirmation_ConfirmSignUp"}) {
    const auto cognito = generate({"cognito", "--trigger", trigger});
    EXPECT_EQ(events::detect(cognito), events::kind_of<events::Cognito>) << trigger;
    auto parsed = events::parse_cognito(cognito);
    ASSERT_TRUE(parsed) << trigger;
    EXPECT_EQ(parsed->triggerSource, trigger);
  }
  for (const char* type : {"CONNECT", "MESSAGE", "DISCONNECT"}) {
    const auto socket = generate({"apigw-websocket", "--event-type", type, "--body", "hi"});
    EXPECT_EQ(events::detect(socket), events::kind_of<events::ApiGatewayWebSocket>) << type;
    EXPECT_TRUE(lift::http::request_from_event(socket)) << type;
  }
  const auto rest =
      lift::http::request_from_event(generate({"apigw-rest", "--method", "POST", "--path", "/orders", "--query", "a=1", "--query",
                                               "a=2", "--header", "X-Tenant: t1", "--body", "{}"}));
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(rest->method, "POST");
  EXPECT_EQ(rest->path, "/orders");
  EXPECT_EQ(rest->headers.get("x-tenant"), "t1");
  EXPECT_EQ(rest->body, "{}");
  const auto alb = lift::http::request_from_event(generate({"alb", "--path", "/a b", "--query", "q=x y"}));
  ASSERT_TRUE(alb) << alb.error().message;
  EXPECT_EQ(alb->query.get("q"), "x y");
  EXPECT_EQ(alb->path, "/a b");

  // The sources whose samples came with their descriptors.
  const auto resolver = events::parse_appsync(
      generate({"appsync-resolver", "--field", "Mutation.addTodo", "--arguments", R"({"title":"milk"})", "--batch", "2"}));
  ASSERT_TRUE(resolver) << resolver.error().message;
  ASSERT_EQ(resolver->items.size(), 2u);
  EXPECT_TRUE(resolver->batch);
  EXPECT_EQ(resolver->items[1].field_path(), "Mutation.addTodo");
  EXPECT_EQ(resolver->items[0].arguments.at("title"), "milk");

  const auto kafka = events::parse_kafka(
      generate({"kafka", "--topic", "payments", "--partition", "3", "--values", "a", "--values", "b", "--self-managed"}));
  ASSERT_TRUE(kafka) << kafka.error().message;
  ASSERT_EQ(kafka->records.size(), 2u);
  EXPECT_FALSE(kafka->is_msk());
  EXPECT_EQ(kafka->records[1].topic_partition(), "payments-3");
  EXPECT_EQ(*kafka->records[1].value_bytes(), "b");

  const auto firehose =
      events::parse_firehose(generate({"firehose", "--stream", "clicks", "--data", "x", "--source-stream", "raw-clicks"}));
  ASSERT_TRUE(firehose) << firehose.error().message;
  EXPECT_EQ(firehose->delivery_stream_name(), "clicks");
  ASSERT_EQ(firehose->records.size(), 1u);
  EXPECT_TRUE(firehose->sourceKinesisStreamArn.has_value());

  const auto ses = events::parse_ses(generate({"ses", "--recipient", "a@example.com", "--recipient", "b@example.com",
                                               "--subject", "Invoice", "--invocation-type", "RequestResponse"}));
  ASSERT_TRUE(ses) << ses.error().message;
  EXPECT_EQ(ses->Records[0].ses.receipt.recipients, (std::vector<std::string>{"a@example.com", "b@example.com"}));
  EXPECT_EQ(ses->Records[0].ses.mail.commonHeaders.subject, "Invoice");

  const auto custom = events::parse_cloudformation_custom_resource(
      generate({"cloudformation-custom-resource", "--request-type", "Delete", "--resource-type", "Custom::Queue"}));
  ASSERT_TRUE(custom) << custom.error().message;
  EXPECT_EQ(custom->RequestType, "Delete");
  EXPECT_EQ(custom->ResourceType, "Custom::Queue");
  EXPECT_TRUE(custom->PhysicalResourceId.has_value());

  const auto alarm =
      events::parse_cloudwatch_alarm(generate({"cloudwatch-alarm", "--alarm", "api-errors", "--state", "OK", "--composite"}));
  ASSERT_TRUE(alarm) << alarm.error().message;
  EXPECT_EQ(alarm->alarmData.alarmName, "api-errors");
  EXPECT_EQ(alarm->alarmData.state.value, "OK");
  EXPECT_TRUE(alarm->composite());

  // Options that make no event, and values of the wrong type: usage errors, nothing printed.
  for (const std::vector<std::string>& bad : std::vector<std::vector<std::string>>{
           {"sqs", "--body"}, {"s3", "--size", "big"}, {"kafka", "--partition", "-1"}, {"dynamodb-stream", "--event-name", "UPSERT"},
           {"apigw-http", "--path", "no-slash"}, {"apigw-rest", "--header", "no separator"}, {"nonexistent"}, {"sqs", "stray"}, {}}) {
    std::vector<std::string> argv{LIFT_CLI, "events", "generate"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    const auto refused = run_command(argv);
    EXPECT_EQ(refused.exit_code, 2) << (bad.empty() ? "(none)" : bad[0]) << ": " << refused.out;
    EXPECT_TRUE(refused.out.empty()) << refused.out;
    EXPECT_FALSE(refused.err.empty());
  }
  // A word that names no source: the error names it and lists every source.
  const auto unknown = run_command({LIFT_CLI, "events", "generate", "foo"});
  EXPECT_NE(unknown.err.find("no event source named 'foo'"), std::string::npos) << unknown.err;
  for (const char* kind : {"sqs", "apigw-http", "appsync-resolver", "cloudwatch-alarm"})
    EXPECT_NE(unknown.err.find(kind), std::string::npos) << unknown.err;
  EXPECT_NE(run_command({LIFT_CLI, "events", "generate"}).err.find("name an event source"), std::string::npos);
}

TEST(LiftEventsList, EverySourceWithItsTitleAndFlags) {
  auto list = run_command({LIFT_CLI, "events", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::map<std::string, std::vector<std::string>> columns;
  std::istringstream lines(list.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> parts;
    std::istringstream fields(line);
    std::string field;
    while (std::getline(fields, field, '\t')) parts.push_back(field);
    ASSERT_EQ(parts.size(), 3u) << line;
    columns[parts[0]] = parts;
  }
  EXPECT_EQ(columns.size(), events::all_kinds().size() - 1);
  EXPECT_EQ(columns.at("sqs")[1], events::Sqs::info.title);
  EXPECT_EQ(columns.at("sqs")[2], "--queue QUEUE --body BODY... --fifo --group-id GROUP_ID --region REGION");
  EXPECT_NE(columns.at("apigw-rest")[2].find("--header HEADER..."), std::string::npos);
  EXPECT_NE(columns.at("kafka")[2].find("--self-managed"), std::string::npos);
}

TEST(LiftEventsInspect, EverySampleIsItsManifestKindWithItsRecordCount) {
  if (!std::filesystem::exists(kSamples + "/manifest.tsv")) LIFT_SKIP_WITHOUT() << "sample events not available";
  int checked = 0;
  for (const auto& sample : samples()) {
    auto result = run_command({LIFT_CLI, "events", "inspect", sample.path});
    ASSERT_EQ(result.exit_code, 0) << sample.file << ": " << result.err;
    const auto seen = json_of(result.out);
    EXPECT_EQ(seen.at("source").as_string(), sample.kind) << sample.file;
    EXPECT_EQ(seen.at("records").to_number<std::size_t>(), sample.records) << sample.file;
    EXPECT_FALSE(seen.as_object().contains("error")) << sample.file << ": " << result.out;
    if (const auto* summary = seen.as_object().if_contains("summary")) {
      EXPECT_EQ(summary->as_array().size(), sample.records) << sample.file;
    }
    ++checked;
  }
  EXPECT_GE(checked, 102);
}

TEST(LiftEventsInspect, NamesWhatIdentifiesAnEventAndRefusesInvalidJson) {
  const auto sqs = inspect(generate({"sqs", "--queue", "orders", "--body", "hello"}));
  EXPECT_EQ(sqs.at("queue"), "arn:aws:sqs:us-east-1:123456789012:orders");
  EXPECT_EQ(sqs.at("records"), 1);
  EXPECT_EQ(sqs.at("summary").at(0).at("body"), "hello");
  const auto http = inspect(generate({"apigw-http", "--method", "PUT", "--path", "/x"}));
  EXPECT_EQ(http.at("method"), "PUT");
  EXPECT_EQ(http.at("path"), "/x");
  const auto unknown = inspect(json_of(R"({"a":1,"b":2})"));
  EXPECT_EQ(unknown.at("source"), "unknown");
  // A malformed event of a known kind: reported, as the runtime would fail it.
  const auto malformed = inspect(json_of(R"({"Records":[{"eventSource":"aws:sqs","body":1}]})"));
  EXPECT_EQ(malformed.at("source"), "sqs");
  EXPECT_EQ(malformed.at("error").at("code"), "InvalidEvent");

  const auto invalid = run_command({LIFT_CLI, "events", "inspect", "-"}, "{not json");
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("not valid JSON"), std::string::npos) << invalid.err;
  const auto missing = run_command({LIFT_CLI, "events", "inspect", "/nonexistent/event.json"});
  EXPECT_EQ(missing.exit_code, 2);
}

// ---- examples/sqs-worker through lift invoke ----

std::vector<std::string> ids_of(const Json& event, const std::vector<std::size_t>& indexes) {
  std::vector<std::string> ids;
  for (auto i : indexes) ids.emplace_back(event.at("Records").at(i).at("messageId").as_string());
  return ids;
}

std::vector<std::string> failed_ids(const Json& answer) {
  std::vector<std::string> ids;
  for (const auto& failure : answer.at("batchItemFailures").as_array())
    ids.emplace_back(failure.at("itemIdentifier").as_string());
  return ids;
}

TEST(SqsWorker, AMixedBatchReportsExactlyTheBadMessages) {
  const auto event = generate({"sqs", "--queue", "orders", "--body", R"({"order_id":"o-1","amount":10})", "--body",
                               R"({"order_id":"o-2","amount":-5})", "--body", "not json", "--body", R"({"order_id":"o-4"})",
                               "--body", R"({"order_id":"o-5","amount":0})", "--body", R"({"order_id":"","amount":1})"});
  auto result = run_command({LIFT_CLI, "invoke", LIFT_SQS_WORKER}, boost::json::serialize(event));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(failed_ids(json_of(result.out)), ids_of(event, {1, 2, 3, 5}));
  EXPECT_NE(result.err.find("\"order_id\":\"o-1\""), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("amount: must be at least 0"), std::string::npos) << result.err;

  const auto good = generate({"sqs", "--body", R"({"order_id":"a","amount":1})", "--body", R"({"order_id":"b","amount":2})"});
  auto fine = run_command({LIFT_CLI, "invoke", LIFT_SQS_WORKER}, boost::json::serialize(good));
  ASSERT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_EQ(json_of(fine.out), json_of(R"({"batchItemFailures":[]})"));
}

TEST(SqsWorker, AllFailedFailsTheInvocationAndFifoStopsAtTheFirstFailure) {
  const auto bad = generate({"sqs", "--body", "x", "--body", R"({"amount":1})"});
  auto failed = run_command({LIFT_CLI, "invoke", LIFT_SQS_WORKER}, boost::json::serialize(bad));
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(json_of(failed.out).at("errorType"), "BatchProcessingFailed");

  const auto fifo = generate({"sqs", "--queue", "orders", "--fifo", "--body", R"({"order_id":"o-1","amount":1})", "--body",
                              "broken", "--body", R"({"order_id":"o-3","amount":3})"});
  auto answer = run_command({LIFT_CLI, "invoke", LIFT_SQS_WORKER}, boost::json::serialize(fifo));
  ASSERT_EQ(answer.exit_code, 0) << answer.err;
  EXPECT_EQ(failed_ids(json_of(answer.out)), ids_of(fifo, {1, 2}));
  EXPECT_EQ(answer.err.find("\"order_id\":\"o-3\""), std::string::npos) << "o-3 came after the failure and must not run";

  auto other_kind = run_command({LIFT_CLI, "invoke", LIFT_SQS_WORKER}, boost::json::serialize(generate({"sns"})));
  EXPECT_EQ(other_kind.exit_code, 1);
  EXPECT_EQ(json_of(other_kind.out).at("errorType"), "UnsupportedEvent");
}

}  // namespace
