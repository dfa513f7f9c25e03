// SES receipt rules through lift::App: routing by recipient, the disposition a synchronous rule
// reads, failures and unrouted mail.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "lift/app/app.hpp"
#include "support/invoke.hpp"

namespace {

using lift::App;
using lift::Context;
using lift::Result;
using lift::testing_support::invoke;
namespace events = lift::events;
using Json = boost::json::value;

Json ses_record(const std::string& id, std::vector<std::string> recipients, const std::string& subject = "hello") {
  boost::json::array list;
  for (auto& r : recipients) list.emplace_back(r);
  return Json{{"eventSource", "aws:ses"},
              {"eventVersion", "1.0"},
              {"ses",
               {{"mail",
                 {{"timestamp", "2024-01-01T00:00:00.000Z"},
                  {"source", "jane@example.com"},
                  {"messageId", id},
                  {"destination", list},
                  {"headers", boost::json::array{}},
                  {"commonHeaders", {{"subject", subject}}}}},
                {"receipt",
                 {{"timestamp", "2024-01-01T00:00:00.000Z"},
                  {"recipients", list},
                  {"action", {{"type", "Lambda"}, {"invocationType", "RequestResponse"}}}}}}}};
}

Json ses_event(std::vector<Json> records) {
  boost::json::array list;
  for (auto& r : records) list.push_back(std::move(r));
  return Json{{"Records", std::move(list)}};
}

TEST(SesRoutes, RecipientsPickTheRouteAndTheDispositionIsTheAnswer) {
  std::vector<std::string> seen;
  App app;
  app.ses("spam-trap@*", [&seen](Context&, const events::SesRecord& r) {
    seen.push_back("trap:" + r.ses.mail.messageId);
    return events::SesDisposition::STOP_RULE_SET;
  });
  app.ses("*@Example.com", [&seen](Context& ctx, const events::SesRecord& r) {
    EXPECT_EQ(ctx.record().at("ses").at("mail").at("messageId").as_string(), r.ses.mail.messageId);  // a record of a batch
    seen.push_back("orders:" + r.ses.mail.messageId);
  });

  auto ordinary = invoke(app, ses_event({ses_record("m1", {"orders@example.com"})}));
  ASSERT_TRUE(ordinary) << ordinary.error().message;
  EXPECT_TRUE(ordinary->is_null());  // no disposition: SES goes on (CONTINUE)

  auto trapped = invoke(app, ses_event({ses_record("m2", {"someone@example.org", "SPAM-TRAP@example.org"})}));
  ASSERT_TRUE(trapped) << trapped.error().message;
  EXPECT_EQ(*trapped, (Json{{"disposition", "STOP_RULE_SET"}}));
  EXPECT_EQ(seen, (std::vector<std::string>{"orders:m1", "trap:m2"}));
}

TEST(SesRoutes, HandlersMayAnswerWithAResultAndFailuresFailTheInvocation) {
  App app;
  app.ses("*", [](Context&, const events::SesRecord& r) -> Result<events::SesDisposition> {
    if (r.ses.mail.commonHeaders.subject == "bad") return lift::Error{"Rejected", "bad subject", 400};
    return events::SesDisposition::STOP_RULE;
  });
  auto stopped = invoke(app, ses_event({ses_record("m1", {"a@example.com"})}));
  ASSERT_TRUE(stopped);
  EXPECT_EQ(*stopped, (Json{{"disposition", "STOP_RULE"}}));
  testing::internal::CaptureStderr();
  auto failed = invoke(app, ses_event({ses_record("m2", {"a@example.com"}, "bad")}));
  testing::internal::GetCapturedStderr();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "Rejected");
}

TEST(SesRoutes, MailNoRouteTakesIsNoRouteNamingTheRecipients) {
  App app;
  app.ses("*@example.com", [](Context&) {});
  auto answer = invoke(app, ses_event({ses_record("m1", {"a@example.net"})}));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, "NoRoute");
  EXPECT_NE(answer.error().message.find("the SES message m1 to a@example.net"), std::string::npos) << answer.error().message;
  auto malformed = invoke(app, Json{{"Records", boost::json::array{Json{{"eventSource", "aws:ses"}}}}});
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, "InvalidEvent");
}

}  // namespace
