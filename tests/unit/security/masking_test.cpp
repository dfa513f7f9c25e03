// PII masking of JSON and text, and the audit line.
#include "lift/security/masking.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lift/security/audit.hpp"

namespace {

namespace json = boost::json;
using namespace lift::security;

TEST(Masking, SensitiveFieldNames) {
  const Masker masker;
  for (const char* name : {"password", "Password", "db_password", "userPassword", "PASSWORD_HASH", "apiKey", "x-api-key",
                           "API_KEY", "X-API-Key", "access_token", "idToken", "refreshTokens", "Authorization", "cookie",
                           "Set-Cookie", "cardNumber", "credit_card", "creditcardnumber", "cvv", "client_secret",
                           "secrets", "pin", "privateKey", "aws:credentials"})
    EXPECT_TRUE(masker.sensitive_field(name)) << name;
  for (const char* name : {"name", "email", "user", "id", "spin_rate", "pinned", "capacity", "company", "description", "type"})
    EXPECT_FALSE(masker.sensitive_field(name)) << name;
  const Masker custom({.fields = {"dob"}});
  EXPECT_TRUE(custom.sensitive_field("user_dob"));
  EXPECT_FALSE(custom.sensitive_field("password"));
}

TEST(Masking, Text) {
  const Masker masker;
  EXPECT_EQ(masker.mask_text("mail jane.doe@example.com now"), "mail j***@example.com now");
  EXPECT_EQ(masker.mask_text("<a@b.io>."), "<a***@b.io>.");
  EXPECT_EQ(masker.mask_text("x@y"), "x@y");
  EXPECT_EQ(masker.mask_text("user@localhost"), "user@localhost");
  EXPECT_EQ(masker.mask_text("card 4111 1111 1111 1111 ok"), "card **** **** **** 1111 ok");
  EXPECT_EQ(masker.mask_text("4111-1111-1111-1111"), "****-****-****-1111");
  EXPECT_EQ(masker.mask_text("4111111111111111"), "************1111");
  EXPECT_EQ(masker.mask_text("4111111111111112"), "4111111111111112");  // fails Luhn
  EXPECT_EQ(masker.mask_text("order 1234567"), "order 1234567");
  EXPECT_EQ(masker.mask_text("id4111111111111111"), "id4111111111111111");
  EXPECT_EQ(masker.mask_text("Authorization: Bearer abc.def-ghi"), "Authorization: Bearer ***");
  EXPECT_EQ(masker.mask_text("t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig_-x end"), "t=*** end");
  EXPECT_EQ(masker.mask_text("eyJonly"), "eyJonly");
  EXPECT_EQ(masker.mask_text(""), "");
  const Masker off({.emails = false, .cards = false, .tokens = false});
  EXPECT_EQ(off.mask_text("a@b.io 4111111111111111 Bearer x"), "a@b.io 4111111111111111 Bearer x");
  EXPECT_TRUE(luhn_valid("79927398713"));
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_FALSE(luhn_valid("7992a"));
  EXPECT_EQ(mask_email("jane@example.com"), "j***@example.com");
}

TEST(Masking, JsonRecursively) {
  const Masker masker;
  const auto input = json::parse(R"({
    "user": {"name": "Jane", "email": "jane@example.com", "password": "hunter2", "apiKey": {"id": 1}},
    "payments": [{"card_number": "4111111111111111", "note": "paid with 5555 5555 5555 4444"}],
    "headers": {"Authorization": "Bearer abc", "Accept": "*/*"},
    "token": null, "count": 3})");
  const auto masked = masker.mask(input);
  EXPECT_EQ(masked.at("user").at("name"), "Jane");
  EXPECT_EQ(masked.at("user").at("email"), "j***@example.com");
  EXPECT_EQ(masked.at("user").at("password"), "***");
  EXPECT_EQ(masked.at("user").at("apiKey"), "***");
  EXPECT_EQ(masked.at("payments").at(0).at("card_number"), "***");
  EXPECT_EQ(masked.at("payments").at(0).at("note"), "paid with **** **** **** 4444");
  EXPECT_EQ(masked.at("headers").at("Authorization"), "***");
  EXPECT_EQ(masked.at("headers").at("Accept"), "*/*");
  EXPECT_TRUE(masked.at("token").is_null());
  EXPECT_EQ(masked.at("count"), 3);
  EXPECT_EQ(input.at("user").at("password"), "hunter2");  // the input is untouched
}

TEST(Audit, OneJsonLinePerRecord) {
  std::vector<std::string> lines;
  const AuditLog audit([&](std::string_view line) { lines.emplace_back(line); }, Masker{},
                       [] { return std::chrono::system_clock::time_point(std::chrono::milliseconds(1'767'225'600'123)); });
  audit.write({.actor = "alice", .tenant = "t1", .action = "todo.delete", .resource = "todo/42",
               .outcome = AuditOutcome::denied, .reason = "not owner of jane@example.com", .request_id = "req-1",
               .details = {{"password", "x"}, {"ip", "10.0.0.1"}}});
  audit.write({.action = "login", .time = std::chrono::system_clock::time_point(std::chrono::seconds(0))});
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  const auto first = json::parse(lines[0]).as_object();
  EXPECT_EQ(first.at("type"), "audit");
  EXPECT_EQ(first.at("time"), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(first.at("actor"), "alice");
  EXPECT_EQ(first.at("tenant"), "t1");
  EXPECT_EQ(first.at("action"), "todo.delete");
  EXPECT_EQ(first.at("resource"), "todo/42");
  EXPECT_EQ(first.at("outcome"), "denied");
  EXPECT_EQ(first.at("reason"), "not owner of j***@example.com");
  EXPECT_EQ(first.at("request_id"), "req-1");
  EXPECT_EQ(first.at("details").at("password"), "***");
  EXPECT_EQ(first.at("details").at("ip"), "10.0.0.1");
  const auto second = json::parse(lines[1]).as_object();
  EXPECT_EQ(second.at("time"), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(second.at("outcome"), "success");
  EXPECT_FALSE(second.contains("actor"));
  EXPECT_FALSE(second.contains("details"));
}

}  // namespace
