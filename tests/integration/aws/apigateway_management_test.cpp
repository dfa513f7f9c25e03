// The API Gateway Management API client against a scripted API on 127.0.0.1: paths with the
// stage and an encoded connection id, raw bodies, typed errors (GoneException above all),
// retries and the deadline.
#include "lift/aws/apigateway_management.hpp"

#include <gtest/gtest.h>

#include "fake_service.hpp"

namespace {

using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

constexpr const char* kJson = "application/json";
constexpr const char* kConnectionId = "L0SM9cOFvHcCIhw=";

ApiGatewayManagementClient management_client_for(const FakeService& fake, RetryPolicy retry = lift::testing_support::quick_retries()) {
  auto options = lift::testing_support::options_for<ApiGatewayManagementOptions>(fake.endpoint() + "/production", retry);
  options.region = "eu-west-1";
  auto client = ApiGatewayManagementClient::create(std::move(options));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

void expect_signed_for_execute_api(const SeenRequest& request) {
  const auto auth = lift::testing_support::split_authorization(request.header("Authorization"));
  ASSERT_TRUE(auth) << request.header("Authorization");
  EXPECT_EQ(auth->access_key_id, "AKIDTEST");
  EXPECT_EQ(auth->region, "eu-west-1");
  EXPECT_EQ(auth->service, "execute-api");
  EXPECT_EQ(lift::testing_support::check_signature(request, "test-secret"), "");
}

TEST(ApiGatewayManagementClient, PostToConnectionSendsTheRawBody) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, "", kJson}; });
  auto client = management_client_for(fake);
  const std::string message("{\"text\":\"h\xc3\xa9llo\"}\0\xff", 21);
  auto sent = client.post_to_connection(kConnectionId, message, Clock::now() + 5s);
  ASSERT_TRUE(sent) << sent.error().code << ": " << sent.error().message;
  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/production/@connections/L0SM9cOFvHcCIhw%3D");
  EXPECT_EQ(seen[0].body, message);
  EXPECT_EQ(seen[0].header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(seen[0].header("X-Amz-Target"), "");
  expect_signed_for_execute_api(seen[0]);
}

TEST(ApiGatewayManagementClient, GetConnectionReadsTheAnswer) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"json({"connectedAt": "2024-05-01T12:34:56.789Z", "identity": {"sourceIp": "192.0.2.10",
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0"}, "lastActiveAt": "2024-05-01T12:40:00.000Z"})json", kJson};
  });
  auto client = management_client_for(fake);
  auto info = client.get_connection("a b/c", Clock::now() + 5s);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->identity.source_ip, "192.0.2.10");
  EXPECT_EQ(info->identity.user_agent, "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*info->connected_at), 1714566896);
  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/production/@connections/a%20b%2Fc");
  EXPECT_EQ(seen[0].body, "");
  expect_signed_for_execute_api(seen[0]);
}

TEST(ApiGatewayManagementClient, DeleteConnectionAccepts204) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{204}; });
  auto client = management_client_for(fake);
  auto deleted = client.delete_connection(kConnectionId, Clock::now() + 5s);
  ASSERT_TRUE(deleted) << deleted.error().message;
  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "DELETE");
  EXPECT_EQ(seen[0].target, "/production/@connections/L0SM9cOFvHcCIhw%3D");
  expect_signed_for_execute_api(seen[0]);
}

TEST(ApiGatewayManagementClient, GoneIsTypedAndNotRetried) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{410, R"({"message":null})", kJson, "GoneException:http://internal.amazon.com/coral/com.amazonaws.apigatewaymanagementapi/"};
  });
  auto client = management_client_for(fake);
  for (int round = 0; round < 3; ++round) {
    const auto deadline = Clock::now() + 5s;
    const auto error = round == 0   ? client.post_to_connection(kConnectionId, "x", deadline).error()
                       : round == 1 ? client.get_connection(kConnectionId, deadline).error()
                                    : client.delete_connection(kConnectionId, deadline).error();
    EXPECT_EQ(error.code, kApiGatewayGone);
    EXPECT_EQ(error.status, 410);
  }
  EXPECT_EQ(fake.requests(), 3);
}

TEST(ApiGatewayManagementClient, LimitExceededThenSuccessIsRetried) {
  FakeService fake([](const SeenRequest&, int number) {
    if (number == 1) return FakeAnswer{429, R"({"message":"Too Many Requests"})", kJson, "LimitExceededException"};
    if (number == 2) return FakeAnswer{502, "<html>Bad Gateway</html>", "text/html"};
    return FakeAnswer{200, "", kJson};
  });
  auto client = management_client_for(fake);
  auto sent = client.post_to_connection(kConnectionId, "hello", Clock::now() + 5s);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(fake.requests(), 3);
  for (const auto& request : fake.seen()) EXPECT_EQ(request.body, "hello");
}

TEST(ApiGatewayManagementClient, OtherErrorsAreTyped) {
  struct Case {
    FakeAnswer answer;
    std::string_view code;
  };
  const std::vector<Case> cases{
      {{413, R"({"message":"Message too long"})", kJson, "PayloadTooLargeException"}, kApiGatewayPayloadTooLarge},
      {{403, R"({"message":"Forbidden"})", kJson, "ForbiddenException"}, kApiGatewayForbidden},
      {{403, "<html><body>Forbidden</body></html>", "text/html"}, kApiGatewayForbidden},
      {{400, R"({"message":"Invalid connectionId: x"})", kJson, "BadRequestException"}, "ApiGatewayManagement.BadRequest"},
  };
  for (const auto& c : cases) {
    FakeService fake([&](const SeenRequest&, int) { return c.answer; });
    auto client = management_client_for(fake);
    auto sent = client.post_to_connection(kConnectionId, std::string(200, 'x'), Clock::now() + 5s);
    ASSERT_FALSE(sent) << c.code;
    EXPECT_EQ(sent.error().code, c.code);
    EXPECT_EQ(fake.requests(), 1) << c.code;
  }
}

TEST(ApiGatewayManagementClient, ASlowAnswerPastTheDeadlineTimesOut) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, "", kJson, "", 3s}; });
  auto client = management_client_for(fake);
  const auto start = Clock::now();
  auto sent = client.post_to_connection(kConnectionId, "late", start + 400ms);
  ASSERT_FALSE(sent);
  EXPECT_TRUE(sent.error().code == kHttpTimeout || sent.error().code == "aws.deadline_exceeded") << sent.error().code;
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(ApiGatewayManagementClient, AnEventsLocalDomainReachesTheEmulator) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, "", kJson}; });
  auto options = lift::testing_support::options_for<ApiGatewayManagementOptions>(
      management_endpoint("127.0.0.1:" + std::to_string(fake.port()), "local"));
  auto client = ApiGatewayManagementClient::create(std::move(options));
  ASSERT_TRUE(client) << client.error().message;
  ASSERT_TRUE(client->post_to_connection("abc", "{}", Clock::now() + 5s));
  EXPECT_EQ(fake.seen().at(0).target, "/local/@connections/abc");
}

}  // namespace
