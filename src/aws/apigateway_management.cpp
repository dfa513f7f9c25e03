#include "lift/aws/apigateway_management.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/sigv4.hpp"
#include "lift/core/env.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kManagementPrefix = "ApiGatewayManagement";
constexpr const char* kEndpointVariable = "LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT";

// "abc123.execute-api.eu-west-1.amazonaws.com" -> "eu-west-1"; empty for any other host.
std::string execute_api_region(const std::string& endpoint) {
  auto url = parse_url(endpoint);
  if (!url) return {};
  std::string_view host = url->host;
  const auto first = host.find('.');
  if (first == std::string_view::npos) return {};
  host.remove_prefix(first + 1);
  if (!host.starts_with("execute-api.")) return {};
  host.remove_prefix(12);
  const auto dot = host.find('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return std::string(host.substr(0, dot));
}

Error validation(std::string message) { return Error{std::string(kApiGatewayValidation), std::move(message), 400}; }

}  // namespace

std::string management_endpoint(std::string_view domain_name, std::string_view stage) {
  // The host part without a port ("127.0.0.1:3001" -> "127.0.0.1"), to tell a local emulator.
  std::string_view host = domain_name;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  std::string endpoint = is_loopback_host(host) ? "http://" : "https://";
  endpoint += domain_name;
  if (!stage.empty()) endpoint.append("/").append(uri_encode(stage));
  return endpoint;
}

std::string connection_path(std::string_view connection_id) { return "/@connections/" + uri_encode(connection_id); }

Result<ConnectionInfo> parse_connection_info(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object())
    return detail::malformed_answer(kManagementPrefix, "API Gateway answered GetConnection with a body that is not a JSON object: " +
                                                 detail::excerpt(body));
  detail::AnswerReader read(kManagementPrefix, value.as_object());
  ConnectionInfo info;
  info.connected_at = read.timestamp("connectedAt");
  info.last_active_at = read.timestamp("lastActiveAt");
  if (const auto* identity = read.object("identity")) {
    detail::AnswerReader inner(kManagementPrefix, *identity);
    info.identity.source_ip = inner.string("sourceIp");
    info.identity.user_agent = inner.string("userAgent");
    if (inner.failed()) return inner.error();
  }
  if (read.failed()) return read.error();
  return info;
}

Error parse_apigateway_management_error(int http_status, std::string_view body, std::string_view error_type) {
  auto error = detail::parse_json_error(kManagementPrefix, http_status, body, error_type);
  if (error.code != kApiGatewayMalformedResponse) return error;
  // No readable type (an HTML page from a proxy, an empty body): the statuses the API documents
  // still say what happened, and a gone connection must be told apart from any other failure.
  std::string_view code;
  std::string_view what;
  switch (http_status) {
    case 403: code = kApiGatewayForbidden; what = "forbidden"; break;
    case 410: code = kApiGatewayGone; what = "the connection is gone"; break;
    case 413: code = kApiGatewayPayloadTooLarge; what = "the payload is too large"; break;
    case 429: code = kApiGatewayLimitExceeded; what = "the rate limit was exceeded"; break;
    default: return error;
  }
  std::string message;
  boost::system::error_code ec;
  if (const auto value = json::parse(body, ec); !ec && value.is_object()) {
    message = detail::string_field(value.as_object(), "message");
    if (message.empty()) message = detail::string_field(value.as_object(), "Message");
  }
  if (message.empty()) message = "API Gateway answered HTTP " + std::to_string(http_status) + ": " + std::string(what);
  return Error{std::string(code), std::move(message), http_status};
}

struct ApiGatewayManagementClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}

  Result<HttpResponse> call(std::string_view method, std::string_view connection_id, std::vector<detail::Header> headers,
                            std::string body, Deadline deadline) {
    if (connection_id.empty()) return validation("a connection id is needed");
    return service.send(method, connection_path(connection_id), std::move(headers), std::move(body), deadline,
                        [](const HttpResponse& answer) {
                          return parse_apigateway_management_error(answer.status, answer.body, answer.header("x-amzn-ErrorType"));
                        });
  }

  detail::ServiceClient service;
};

ApiGatewayManagementClient::ApiGatewayManagementClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiGatewayManagementClient::ApiGatewayManagementClient(ApiGatewayManagementClient&&) noexcept = default;
ApiGatewayManagementClient& ApiGatewayManagementClient::operator=(ApiGatewayManagementClient&&) noexcept = default;
ApiGatewayManagementClient::~ApiGatewayManagementClient() = default;

Result<ApiGatewayManagementClient> ApiGatewayManagementClient::create(ApiGatewayManagementOptions options) {
  std::string endpoint = !options.endpoint_override.empty() ? std::move(options.endpoint_override) : env_or(kEndpointVariable, "");
  // The AWS SDKs' endpoint settings (AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI, ...) override the
  // API's own endpoint too, as in the SDKs.
  if (endpoint.empty()) endpoint = configured_endpoint_url("ApiGatewayManagementApi").value_or("");
  if (endpoint.empty()) endpoint = options.endpoint;
  if (endpoint.empty())
    return detail::config_error("the API Gateway Management API needs the WebSocket API's endpoint "
                                "(https://{apiId}.execute-api.{region}.amazonaws.com/{stage})");
  if (auto url = parse_url(endpoint); !url)
    return detail::config_error("the API Gateway Management endpoint '" + endpoint + "' is not an http(s):// URL: " +
                                url.error().message);
  std::string region = std::move(options.region);
  if (region.empty()) region = execute_api_region(endpoint);
  if (region.empty()) region = execute_api_region(options.endpoint);
  if (region.empty()) region = resolve_region().value_or("us-east-1");
  LIFT_TRY(faults, detail::resolve_faults(std::move(options.faults)));
  return ApiGatewayManagementClient(std::make_unique<Impl>(detail::ServiceClient::Config{
      std::string(kManagementPrefix), "execute-api", std::move(endpoint), std::move(region), options.retry, std::move(options.http),
      std::move(options.credentials), std::move(options.breaker), std::move(faults)}));
}

const std::string& ApiGatewayManagementClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& ApiGatewayManagementClient::region() const { return impl_->service.region(); }

Result<void> ApiGatewayManagementClient::post_to_connection(std::string_view connection_id, std::string_view data,
                                                            Deadline deadline) {
  auto sent = impl_->call("POST", connection_id, {{"Content-Type", "application/octet-stream"}}, std::string(data), deadline);
  if (!sent) return std::move(sent).error();
  return ok();
}

Result<ConnectionInfo> ApiGatewayManagementClient::get_connection(std::string_view connection_id, Deadline deadline) {
  auto answer = impl_->call("GET", connection_id, {}, {}, deadline);
  if (!answer) return std::move(answer).error();
  return parse_connection_info(answer->body);
}

Result<void> ApiGatewayManagementClient::delete_connection(std::string_view connection_id, Deadline deadline) {
  auto deleted = impl_->call("DELETE", connection_id, {}, {}, deadline);
  if (!deleted) return std::move(deleted).error();
  return ok();
}

}  // namespace lift::aws
