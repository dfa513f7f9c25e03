#pragma once
// The API Gateway Management API of a WebSocket API: send to, read and close a connection
// (REST-JSON, `/@connections/{connectionId}`, SigV4 service "execute-api"), retried by the
// standard policy and bounded by the caller's deadline.
//
//   auto api = lift::aws::ApiGatewayManagementClient::create(
//       {.endpoint = lift::aws::management_endpoint(event.domain_name, event.stage)});
//   auto sent = api->post_to_connection(connection_id, R"({"text":"hi"})", deadline);
//   if (!sent && sent.error().code == lift::aws::kApiGatewayGone) forget(connection_id);

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/protection.hpp"
#include "lift/aws/retry.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "ApiGatewayManagement." and the AWS error name without its "Exception"
// suffix. An answer without a readable type is named by its status when the API documents it
// (403, 410, 413, 429).
// The connection is closed: callers forget it (never retried).
inline constexpr std::string_view kApiGatewayGone = "ApiGatewayManagement.Gone";
inline constexpr std::string_view kApiGatewayPayloadTooLarge = "ApiGatewayManagement.PayloadTooLarge";
inline constexpr std::string_view kApiGatewayLimitExceeded = "ApiGatewayManagement.LimitExceeded";  // 429, retried
inline constexpr std::string_view kApiGatewayForbidden = "ApiGatewayManagement.Forbidden";
// A request the API would refuse, answered without a call (an empty connection id).
inline constexpr std::string_view kApiGatewayValidation = "ApiGatewayManagement.Validation";
// An answer that cannot be read (status kept, 502 for a 2xx).
inline constexpr std::string_view kApiGatewayMalformedResponse = "ApiGatewayManagement.MalformedResponse";

struct ApiGatewayManagementOptions {
  // The WebSocket API's stage: "https://{apiId}.execute-api.{region}.amazonaws.com/{stage}"
  // (management_endpoint() builds it from an event's domainName and stage).
  std::string endpoint{};
  // Used instead of `endpoint` when set (a local emulator: "http://127.0.0.1:3001/local");
  // empty: LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT when that is set, else the AWS SDKs' endpoint
  // settings (AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI, AWS_ENDPOINT_URL, the profile's).
  std::string endpoint_override{};
  // Empty: the region of an execute-api host, else AWS_REGION, AWS_DEFAULT_REGION, the profile,
  // else us-east-1.
  std::string region{};
  RetryPolicy retry{};
  std::shared_ptr<HttpClient> http{};               // null: a client of its own
  std::shared_ptr<CredentialsChain> credentials{};  // null: the standard chain  // Every call, with all its retries, goes through this breaker: while it is open, calls fail at
  // once with CircuitOpen (503). lift::aws::service_breaker("execute-api") gives the process's breaker
  // for the service (lift/aws/protection.hpp says what counts as a failure). Unset: none.
  std::optional<resilience::CircuitBreaker> breaker{};
  // Faults drawn for every attempt under the name "execute-api". Unset: LIFT_FAULTS.
  std::optional<resilience::FaultPlan> faults{};
};

struct ConnectionIdentity {
  std::string source_ip{};
  std::string user_agent{};
};

struct ConnectionInfo {
  std::optional<std::chrono::system_clock::time_point> connected_at{};
  std::optional<std::chrono::system_clock::time_point> last_active_at{};
  ConnectionIdentity identity{};
};

// Thread safety: settings fixed once created, over a thread-safe HTTP client and credentials
// chain; share one across every worker of lift::run(app).
class ApiGatewayManagementClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): no endpoint, an endpoint that is not an http(s) URL.
  static Result<ApiGatewayManagementClient> create(ApiGatewayManagementOptions options);

  ApiGatewayManagementClient(ApiGatewayManagementClient&&) noexcept;
  ApiGatewayManagementClient& operator=(ApiGatewayManagementClient&&) noexcept;
  ~ApiGatewayManagementClient();

  // Sends `data` as it is (one WebSocket message) to the connection. Throttling (429), 5xx and
  // lost connections are retried with backoff while `deadline` allows; local endpoints
  // (loopback http) without credentials are signed with placeholder keys.
  Result<void> post_to_connection(std::string_view connection_id, std::string_view data, Deadline deadline);
  Result<ConnectionInfo> get_connection(std::string_view connection_id, Deadline deadline);
  // Closes the connection.
  Result<void> delete_connection(std::string_view connection_id, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit ApiGatewayManagementClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The management endpoint of a WebSocket event's requestContext: "https://{domainName}/{stage}",
// or http:// for a loopback domain (a local emulator). An empty stage adds no path.
std::string management_endpoint(std::string_view domain_name, std::string_view stage);

// "/@connections/{id}" with the id percent-encoded (everything but RFC 3986 unreserved characters).
std::string connection_path(std::string_view connection_id);

// A GetConnection answer: {"connectedAt", "lastActiveAt" (ISO 8601), "identity": {"sourceIp",
// "userAgent"}}. Absent members stay empty; a member of the wrong type or a body that is not a
// JSON object give kApiGatewayMalformedResponse (status 502).
Result<ConnectionInfo> parse_connection_info(std::string_view body);

// The API's error answer as an Error with the code described above; `error_type` is the
// x-amzn-ErrorType header. Never fails.
Error parse_apigateway_management_error(int http_status, std::string_view body, std::string_view error_type = {});

}  // namespace lift::aws
