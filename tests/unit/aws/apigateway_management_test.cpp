// API Gateway Management API: paths, endpoints, GetConnection answers and error answers read
// into typed errors (GoneException above all). No network.
#include "lift/aws/apigateway_management.hpp"

#include <gtest/gtest.h>

#include "support/scoped_env.hpp"

namespace {

using namespace lift::aws;
using lift::testing_support::ScopedEnv;

TEST(ApiGatewayManagementRequest, ConnectionIdsArePercentEncoded) {
  EXPECT_EQ(connection_path("L0SM9cOFvHcCIhw="), "/@connections/L0SM9cOFvHcCIhw%3D");
  EXPECT_EQ(connection_path("a/b?c#d e+f"), "/@connections/a%2Fb%3Fc%23d%20e%2Bf");
  EXPECT_EQ(connection_path("Az09-_.~"), "/@connections/Az09-_.~");
  EXPECT_EQ(connection_path("é"), "/@connections/%C3%A9");
}

TEST(ApiGatewayManagementRequest, EndpointFromAnEventsDomainAndStage) {
  EXPECT_EQ(management_endpoint("abc123.execute-api.eu-west-1.amazonaws.com", "production"),
            "https://abc123.execute-api.eu-west-1.amazonaws.com/production");
  EXPECT_EQ(management_endpoint("127.0.0.1:3001", "local"), "http://127.0.0.1:3001/local");
  EXPECT_EQ(management_endpoint("localhost", ""), "http://localhost");
  EXPECT_EQ(management_endpoint("[::1]:3001", "dev"), "http://[::1]:3001/dev");
  EXPECT_EQ(management_endpoint("127.0.0.1.evil.example", "x"), "https://127.0.0.1.evil.example/x");
}

TEST(ApiGatewayManagementAnswer, GetConnectionAsTheReferenceShowsIt) {
  auto info = parse_connection_info(R"json({
    "connectedAt": "2024-05-01T12:34:56.789Z",
    "identity": {"sourceIp": "192.0.2.10", "userAgent": "Mozilla/5.0 (X11; Linux x86_64)"},
    "lastActiveAt": "2024-05-01T12:40:00Z"})json");
  ASSERT_TRUE(info) << info.error().message;
  ASSERT_TRUE(info->connected_at);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(info->connected_at->time_since_epoch()).count(), 1714566896789);
  ASSERT_TRUE(info->last_active_at);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*info->last_active_at), 1714567200);
  EXPECT_EQ(info->identity.source_ip, "192.0.2.10");
  EXPECT_EQ(info->identity.user_agent, "Mozilla/5.0 (X11; Linux x86_64)");

  auto epoch = parse_connection_info(R"({"connectedAt": 1714566896.5})");  // epoch seconds are read too
  ASSERT_TRUE(epoch);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(epoch->connected_at->time_since_epoch()).count(), 1714566896500);
  EXPECT_FALSE(epoch->last_active_at);
  EXPECT_TRUE(epoch->identity.source_ip.empty());
}

TEST(ApiGatewayManagementAnswer, BadAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "<html></html>", "[]", R"({"connectedAt": "2024-13-01T00:00:00Z"})",
                           R"({"connectedAt": "2024-05-01T12:34:56"})", R"({"connectedAt": {}})", R"({"identity": "x"})",
                           R"({"identity": {"sourceIp": 1}})", R"({"lastActiveAt": "NaN"})"}) {
    auto info = parse_connection_info(body);
    ASSERT_FALSE(info) << body;
    EXPECT_EQ(info.error().code, kApiGatewayMalformedResponse) << body;
    EXPECT_EQ(info.error().status, 502) << body;
  }
}

TEST(ApiGatewayManagementError, GoneIsItsOwnCode) {
  const auto gone = parse_apigateway_management_error(410, R"({"message":null})",
                                                      "GoneException:http://internal.amazon.com/coral/com.amazonaws.apigatewaymanagementapi/");
  EXPECT_EQ(gone.code, kApiGatewayGone);
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(classify_error(gone), FailureKind::fatal);
  // The type in the body, or only the status (an empty or HTML body): still Gone.
  EXPECT_EQ(parse_apigateway_management_error(410, R"({"__type":"GoneException","message":"gone"})").code, kApiGatewayGone);
  EXPECT_EQ(parse_apigateway_management_error(410, "").code, kApiGatewayGone);
  EXPECT_EQ(parse_apigateway_management_error(410, "<html><body>Gone</body></html>").code, kApiGatewayGone);
}

TEST(ApiGatewayManagementError, OtherDocumentedErrors) {
  const auto too_large = parse_apigateway_management_error(413, R"({"message":"Message too long"})", "PayloadTooLargeException");
  EXPECT_EQ(too_large.code, kApiGatewayPayloadTooLarge);
  EXPECT_EQ(too_large.message, "Message too long");
  EXPECT_EQ(classify_error(too_large), FailureKind::fatal);

  const auto limited = parse_apigateway_management_error(429, R"({"message":"Too Many Requests"})", "LimitExceededException");
  EXPECT_EQ(limited.code, kApiGatewayLimitExceeded);
  EXPECT_EQ(classify_error(limited), FailureKind::throttling);
  const auto limited_by_status = parse_apigateway_management_error(429, "<html>slow down</html>");
  EXPECT_EQ(limited_by_status.code, kApiGatewayLimitExceeded);
  EXPECT_EQ(classify_error(limited_by_status), FailureKind::throttling);

  EXPECT_EQ(parse_apigateway_management_error(403, R"({"message":"Forbidden"})", "ForbiddenException").code, kApiGatewayForbidden);
  EXPECT_EQ(parse_apigateway_management_error(403, R"({"message":"Forbidden"})").code, kApiGatewayForbidden);
  EXPECT_EQ(parse_apigateway_management_error(413, "").code, kApiGatewayPayloadTooLarge);
  // A signature problem keeps its own name.
  EXPECT_EQ(parse_apigateway_management_error(403, R"({"message":"The request signature we calculated does not match"})",
                                              "InvalidSignatureException")
                .code,
            "ApiGatewayManagement.InvalidSignature");
  // Undocumented statuses without a type are malformed, the status kept (5xx is retried).
  const auto bad_gateway = parse_apigateway_management_error(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(bad_gateway.code, kApiGatewayMalformedResponse);
  EXPECT_EQ(bad_gateway.status, 502);
  EXPECT_EQ(classify_error(bad_gateway), FailureKind::transient);
  EXPECT_EQ(parse_apigateway_management_error(200, "").status, 502);
}

TEST(ApiGatewayManagementClientConfig, EndpointRegionAndOverride) {
  ScopedEnv unset("LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT", nullptr);
  ScopedEnv region("AWS_REGION", "us-west-2");
  ApiGatewayManagementOptions options;
  options.endpoint = "https://abc123.execute-api.eu-central-1.amazonaws.com/prod";
  auto client = ApiGatewayManagementClient::create(options);
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->endpoint(), "https://abc123.execute-api.eu-central-1.amazonaws.com/prod");
  EXPECT_EQ(client->region(), "eu-central-1");  // the API's region, not the function's

  options.endpoint_override = "http://127.0.0.1:3001/local";
  auto local = ApiGatewayManagementClient::create(options);
  ASSERT_TRUE(local);
  EXPECT_EQ(local->endpoint(), "http://127.0.0.1:3001/local");
  EXPECT_EQ(local->region(), "eu-central-1");

  ScopedEnv from_env("LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT", "http://127.0.0.1:3002/dev");
  options.endpoint_override.clear();
  EXPECT_EQ(ApiGatewayManagementClient::create(options)->endpoint(), "http://127.0.0.1:3002/dev");

  ScopedEnv unset_again("LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT", nullptr);
  {
    ScopedEnv standard("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI", "http://127.0.0.1:3003/emulated");
    EXPECT_EQ(ApiGatewayManagementClient::create(options)->endpoint(), "http://127.0.0.1:3003/emulated");
  }
  ApiGatewayManagementOptions custom_domain;
  custom_domain.endpoint = "https://ws.example.com/v1";
  EXPECT_EQ(ApiGatewayManagementClient::create(custom_domain)->region(), "us-west-2");
}

TEST(ApiGatewayManagementClientConfig, MissingOrBadEndpointsAreConfigErrors) {
  ScopedEnv unset("LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT", nullptr);
  EXPECT_EQ(ApiGatewayManagementClient::create({}).error().code, "Config");
  for (const char* bad : {"abc.execute-api.us-east-1.amazonaws.com/prod", "ws://127.0.0.1:3001", "http://"}) {
    ApiGatewayManagementOptions options;
    options.endpoint = bad;
    auto client = ApiGatewayManagementClient::create(options);
    ASSERT_FALSE(client) << bad;
    EXPECT_EQ(client.error().code, "Config") << bad;
  }
}

TEST(ApiGatewayManagementClientConfig, AnEmptyConnectionIdIsRefusedWithoutACall) {
  ApiGatewayManagementOptions options;
  options.endpoint = "http://127.0.0.1:9/stage";
  auto client = ApiGatewayManagementClient::create(options);
  ASSERT_TRUE(client);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  EXPECT_EQ(client->post_to_connection("", "x", deadline).error().code, kApiGatewayValidation);
  EXPECT_EQ(client->get_connection("", deadline).error().code, kApiGatewayValidation);
  EXPECT_EQ(client->delete_connection("", deadline).error().code, kApiGatewayValidation);
}

}  // namespace
