// Every AWS sample event of a modelled kind parses into its model with the manifest's record
// count, and the model writes back what it read; every source's own sample event (its
// descriptor's sample()) is of its kind, parses, and has only members AWS's samples have.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/mp11/algorithm.hpp>
#include <set>
#include <string>
#include <type_traits>

#include "event_samples.hpp"
#include "generated_samples.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/compression.hpp"
#include "lift/events/all_sources.hpp"
#include "lift/events/models.hpp"
#include "lift/http/adapters.hpp"
#include "lift/json/document.hpp"
#include "support/requirements.hpp"

namespace {

using lift_test::Sample;
using lift_test::samples_of;

std::string inflate(const std::string& compressed) {
  auto out = lift::compression::inflate(compressed, lift::compression::Framing::gzip, 1 << 20);
  return out ? *out : std::string();
}

// The model's JSON is a subset of the original, holds `min_share` of its leaf values at least,
// and its text form reads back as the same JSON.
template <class Model>
void expect_round_trip(const Model& model, const boost::json::value& original, const std::string& file, double min_share = 1.0) {
  const auto json = lift::json::to_json(model);
  const auto problem = lift_test::not_subset(json, original);
  EXPECT_FALSE(problem) << file << ": " << problem.value_or("");
  EXPECT_GE(static_cast<double>(lift_test::leaves(json)), min_share * static_cast<double>(lift_test::leaves(original)))
      << file << ": the model keeps " << lift_test::leaves(json) << " of " << lift_test::leaves(original) << " values";
  auto reparsed = lift::json::parse_document(lift::json::serialize(model));
  ASSERT_TRUE(reparsed) << file;
  // The same document (an integral double may come back as an integer: compared by value).
  EXPECT_FALSE(lift_test::not_subset(*reparsed, json)) << file;
  EXPECT_FALSE(lift_test::not_subset(json, *reparsed)) << file;
}

template <class Parse, class Count>
int check_kind(const std::string& kind, Parse parse, Count count, double min_share = 1.0) {
  int checked = 0;
  for (const Sample& s : samples_of(kind)) {
    SCOPED_TRACE(s.file);
    auto parsed = parse(s.event);
    EXPECT_TRUE(parsed) << s.file << ": " << (parsed ? "" : parsed.error().message);
    if (!parsed) continue;
    EXPECT_EQ(count(*parsed), s.records) << s.file;
    expect_round_trip(*parsed, s.event, s.file, min_share);
    ++checked;
  }
  return checked;
}

template <class T>
std::size_t records(const T& event) {
  return event.Records.size();
}
constexpr auto one = [](const auto&) -> std::size_t { return 1; };

class Samples : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!lift_test::samples_available()) LIFT_SKIP_WITHOUT() << "sample events not available";
  }
};

TEST_F(Samples, Sqs) { EXPECT_EQ(check_kind("sqs", lift::events::parse_sqs, records<lift::events::SqsEvent>), 7); }
TEST_F(Samples, Sns) { EXPECT_EQ(check_kind("sns", lift::events::parse_sns, records<lift::events::SnsEvent>), 5); }
TEST_F(Samples, S3) { EXPECT_EQ(check_kind("s3", lift::events::parse_s3, records<lift::events::S3Event>), 8); }
TEST_F(Samples, DynamoDBStream) {
  EXPECT_EQ(check_kind("dynamodb-stream", lift::events::parse_dynamodb_stream, records<lift::events::DynamoDBStreamEvent>), 4);
}
TEST_F(Samples, Kinesis) { EXPECT_EQ(check_kind("kinesis", lift::events::parse_kinesis, records<lift::events::KinesisEvent>), 5); }
TEST_F(Samples, EventBridge) {
  EXPECT_EQ(check_kind("eventbridge", [](const auto& e) { return lift::events::parse_eventbridge(e); }, one), 7);
}
TEST_F(Samples, Scheduled) { EXPECT_EQ(check_kind("scheduled", lift::events::parse_scheduled, one), 2); }
TEST_F(Samples, AuthorizerToken) { EXPECT_EQ(check_kind("authorizer-token", lift::events::parse_token_authorizer, one), 1); }
TEST_F(Samples, AuthorizerRequest) {
  int checked = 0;
  for (const Sample& s : samples_of("authorizer-request")) {
    auto parsed = lift::events::parse_any_request_authorizer(s.event);
    ASSERT_TRUE(parsed) << s.file << ": " << parsed.error().message;
    std::visit([&](const auto& model) { expect_round_trip(model, s.event, s.file, 0.5); }, *parsed);
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}
TEST_F(Samples, Cognito) { EXPECT_EQ(check_kind("cognito", lift::events::parse_cognito, one), 10); }

TEST_F(Samples, S3ThroughEventBridge) {
  int checked = 0;
  for (const Sample& s : samples_of("eventbridge")) {
    if (s.event.at("source") != "aws.s3") continue;
    auto parsed = lift::events::parse_s3_eventbridge(s.event);
    ASSERT_TRUE(parsed) << s.file << ": " << parsed.error().message;
    expect_round_trip(*parsed, s.event, s.file);
    EXPECT_FALSE(parsed->detail.object.key.empty());
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST_F(Samples, CloudWatchLogs) {
  int checked = 0;
  for (const Sample& s : samples_of("cloudwatch-logs")) {
    auto envelope = lift::events::parse_cloudwatch_logs_event(s.event);
    ASSERT_TRUE(envelope) << s.file;
    expect_round_trip(*envelope, s.event, s.file);
    auto data = lift::events::parse_cloudwatch_logs(s.event);
    ASSERT_TRUE(data) << s.file << ": " << data.error().message;
    EXPECT_EQ(data->logEvents.size(), s.records) << s.file;
    // Decoded independently: the model agrees with the payload.
    const auto decoded = boost::json::parse(inflate(*lift::base64::decode(envelope->awslogs.data)));
    expect_round_trip(*data, decoded, s.file);
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

// ---- every source's sample ----

// Members whose names are data, not AWS's vocabulary: headers, query parameters, attribute
// names of items, free-form details and properties.
const std::set<std::string> kFreeForm{"headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
                                      "pathParameters", "stageVariables", "detail", "Keys", "NewImage", "OldImage",
                                      "userAttributes", "arguments", "source", "ResourceProperties", "OldResourceProperties"};
// And Kafka's records, keyed by topic-partition (kafka_test.cpp checks the records' members).
std::set<std::string> free_form_of(std::string_view kind) {
  auto out = kFreeForm;
  if (kind == "kafka") out.insert("records");
  return out;
}

template <class F>
void for_each_source(F&& f) {
  boost::mp11::mp_for_each<boost::mp11::mp_transform<std::type_identity, lift::events::AllSources>>(f);
}

TEST(SourceSamples, EverySourcesDefaultSampleIsItsOwnKindAndLooksLikeAws) {
  std::size_t sources = 0;
  for_each_source([&](auto source) {
    using D = typename decltype(source)::type;
    SCOPED_TRACE(D::info.name);
    lift_test::expect_sample_like_aws<D>({}, free_form_of(D::info.name));
    auto sample = D::sample({});
    ASSERT_TRUE(sample);
    if constexpr (!lift::events::RoutedSource<D>) {
      // The HTTP sources: what the router would get.
      auto request = lift::http::request_from_event(*sample);
      EXPECT_TRUE(request) << (request ? "" : request.error().message);
    }
    ++sources;
  });
  EXPECT_EQ(sources, lift::events::all_kinds().size() - 1);
}

TEST(SourceSamples, EveryOptionHasHelp) {
  for_each_source([&](auto source) {
    using D = typename decltype(source)::type;
    for (const auto& option : D::sample_options) EXPECT_FALSE(option.help.empty()) << D::info.name << ": " << option.name;
  });
}

}  // namespace
