// The SES receipt model: AWS's samples, the descriptor's routing and answer, malformed events
// and generated samples.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "event_samples.hpp"
#include "generated_samples.hpp"
#include "lift/events/ses.hpp"
#include "lift/json/convert.hpp"
#include "support/requirements.hpp"

namespace {

namespace ev = lift::events;
using Json = boost::json::value;

Json minimal_record(std::vector<std::string> recipients, std::string invocation_type = "Event") {
  boost::json::array list;
  for (auto& r : recipients) list.emplace_back(r);
  return Json{{"eventSource", "aws:ses"},
              {"eventVersion", "1.0"},
              {"ses",
               {{"mail", {{"messageId", "m-1"}, {"source", "a@b.c"}, {"destination", list}, {"headers", boost::json::array{}}}},
                {"receipt", {{"recipients", list}, {"action", {{"type", "Lambda"}, {"invocationType", invocation_type}}}}}}}};
}

TEST(SesModel, AwsSamplesParseAndWriteBackWhatTheyRead) {
  if (lift_test::aws_samples_of("ses").empty()) LIFT_SKIP_WITHOUT() << "sample events not available";
  EXPECT_EQ(lift_test::expect_aws_samples_round_trip("ses", ev::parse_ses), 2u);
  for (const auto& s : lift_test::aws_samples_of("ses")) EXPECT_EQ(ev::parse_ses(s.event)->Records.size(), s.records);
}

TEST(SesModel, KnownValuesOfTheSample) {
  const auto samples = lift_test::aws_samples_of("ses");
  if (samples.empty()) LIFT_SKIP_WITHOUT() << "sample events not available";
  auto event = ev::parse_ses(samples.front().event);
  ASSERT_TRUE(event);
  const auto& message = event->Records[0].ses;
  EXPECT_EQ(message.mail.source, "janedoe@example.com");
  EXPECT_EQ(message.mail.messageId, "o3vrnil0e2ic28tr");
  ASSERT_TRUE(message.mail.commonHeaders.subject);
  EXPECT_EQ(*message.mail.commonHeaders.subject, "Test Subject");
  EXPECT_EQ(message.mail.commonHeaders.from, (std::vector<std::string>{"Jane Doe <janedoe@example.com>"}));
  EXPECT_EQ(message.mail.headers.size(), 10u);
  EXPECT_EQ(message.receipt.recipients, (std::vector<std::string>{"johndoe@example.com"}));
  EXPECT_EQ(message.receipt.processingTimeMillis, 574);
  ASSERT_TRUE(message.receipt.spamVerdict);
  EXPECT_EQ(message.receipt.spamVerdict->status, "PASS");
  EXPECT_EQ(message.receipt.action.type, "Lambda");
  EXPECT_FALSE(message.receipt.action.request_response());
}

TEST(SesModel, BadInputIsInvalidEventNamingThePath) {
  for (const auto& [json, where] : std::vector<std::pair<Json, std::string>>{
           {Json{{"Records", boost::json::array{Json{{"eventSource", "aws:ses"}}}}}, "Records[0].ses"},
           {Json{{"Records", boost::json::array{Json{{"eventSource", "aws:ses"}, {"ses", {{"mail", {}}, {"receipt", {}}}}}}}},
            "Records[0].ses.receipt.recipients"},
           {Json{{"Records", boost::json::array{Json{{"eventSource", "aws:ses"},
                                                     {"ses", {{"receipt", {{"recipients", "x@y.z"}}}}}}}}},
            "Records[0].ses.receipt.recipients"},
           {Json{{"Records", 5}}, "Records"},
       }) {
    auto parsed = ev::parse_ses(json);
    ASSERT_FALSE(parsed) << json;
    EXPECT_EQ(parsed.error().code, "InvalidEvent");
    EXPECT_NE(parsed.error().message.find(where), std::string::npos) << parsed.error().message;
  }
}

TEST(SesSource, RoutesByAnyRecipientIgnoringCase) {
  auto event = ev::parse_ses(Json{{"Records", boost::json::array{minimal_record({"Orders@Example.com", "billing@example.org"})}}});
  ASSERT_TRUE(event) << event.error().message;
  const auto& r = event->Records[0];
  EXPECT_TRUE(ev::Ses::matches("orders@example.com", r));
  EXPECT_TRUE(ev::Ses::matches("*@example.COM", r));
  EXPECT_TRUE(ev::Ses::matches("billing@*", r));
  EXPECT_TRUE(ev::Ses::matches("*", r));
  EXPECT_FALSE(ev::Ses::matches("*@example.net", r));
  EXPECT_FALSE(ev::Ses::matches("orders", r));
  EXPECT_EQ(ev::Ses::describe(r), "the SES message m-1 to Orders@Example.com, billing@example.org");
}

TEST(SesSource, AnswerIsTheStrongestDispositionOrNothing) {
  const ev::SesEvent typed;
  const Json raw;
  using Outcomes = std::vector<lift::Result<ev::Ses::Answer>>;
  const auto answer = [&](Outcomes outcomes) { return ev::Ses::answer(raw, typed, outcomes, {}); };
  EXPECT_EQ(*answer(Outcomes{ev::Ses::Answer{}}), Json());
  EXPECT_EQ(*answer(Outcomes{ev::SesDisposition::CONTINUE}), (Json{{"disposition", "CONTINUE"}}));
  EXPECT_EQ(*answer(Outcomes{ev::SesDisposition::STOP_RULE, ev::Ses::Answer{}}), (Json{{"disposition", "STOP_RULE"}}));
  EXPECT_EQ(*answer(Outcomes{ev::SesDisposition::STOP_RULE_SET, ev::SesDisposition::STOP_RULE}),
            (Json{{"disposition", "STOP_RULE_SET"}}));
  auto failed = answer(Outcomes{ev::SesDisposition::STOP_RULE, lift::Error{"Rejected", "no", 400}});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "Rejected");
}

TEST(SesSource, NearMissesAreNotSes) {
  EXPECT_TRUE(ev::Ses::detect(boost::json::parse(R"({"Records":[{"eventSource":"aws:ses"}]})")));
  for (const char* json : {R"({"Records":[{"eventSource":"aws:sesv2"}]})",
                           R"({"ses":{"mail":{}}})", R"({"Records":[]})"}) {
    EXPECT_FALSE(ev::Ses::detect(boost::json::parse(json))) << json;
  }
}

TEST(SesSource, SummaryNamesRecipientsAndMessages) {
  auto inspected = ev::inspect(Json{{"Records", boost::json::array{minimal_record({"a@example.com", "b@example.com"}, "RequestResponse")}}});
  EXPECT_EQ(inspected.at("source"), "ses");
  EXPECT_EQ(inspected.at("recipients"), "a@example.com, b@example.com");
  EXPECT_EQ(inspected.at("invocation_type"), "RequestResponse");
  EXPECT_EQ(inspected.at("records"), 1);
  EXPECT_EQ(inspected.at("summary").at(0).at("messageId"), "m-1");
  EXPECT_FALSE(inspected.contains("error"));
}

TEST(SesSource, GeneratedSamplesLookLikeAws) {
  lift_test::expect_sample_like_aws<ev::Ses>({});
  ev::SesSampleOptions options;
  options.recipient = {"a@example.com", "b@example.com"};
  options.invocation_type = "RequestResponse";
  options.from = "bare@example.com";
  lift_test::expect_sample_like_aws<ev::Ses>(options);
  auto sample = ev::Ses::sample(options);
  ASSERT_TRUE(sample);
  auto event = ev::parse_ses(*sample);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->Records[0].ses.receipt.recipients, options.recipient);
  EXPECT_EQ(event->Records[0].ses.mail.source, "bare@example.com");
  EXPECT_TRUE(event->Records[0].ses.receipt.action.request_response());

  options.invocation_type = "Sync";
  auto bad = ev::Ses::sample(options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidSample");
  options = {};
  options.recipient.clear();
  EXPECT_FALSE(ev::Ses::sample(options));
}

}  // namespace
