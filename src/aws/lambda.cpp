#include "lift/aws/lambda.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/sigv4.hpp"
#include "lift/core/base64.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kLambdaPrefix = "Lambda";
constexpr std::size_t kLambdaMaxFunctionName = 170;  // a full ARN with its qualifier
constexpr std::size_t kLambdaMaxQualifier = 128;

Error lambda_invalid(std::string message) { return Error{std::string(kLambdaValidation), std::move(message), 400}; }

bool lambda_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
         c == ':' || c == '$';
}

bool lambda_qualifier_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '$'; }

std::string_view lambda_invocation_type_name(LambdaInvocationType type) {
  switch (type) {
    case LambdaInvocationType::event: return "Event";
    case LambdaInvocationType::dry_run: return "DryRun";
    case LambdaInvocationType::request_response: break;
  }
  return "RequestResponse";
}

}  // namespace

Result<LambdaInvokeHttp> lambda_invoke_http(const LambdaInvokeRequest& request) {
  const auto& name = request.function_name;
  if (name.empty()) return lambda_invalid("Invoke needs a function name or ARN");
  if (name.size() > kLambdaMaxFunctionName || !std::all_of(name.begin(), name.end(), lambda_name_char))
    return lambda_invalid("'" + name.substr(0, 80) + "' is not a function name or ARN (1 to 170 of a-z, A-Z, 0-9, - _ . : $)");
  const auto& qualifier = request.qualifier;
  if (qualifier.size() > kLambdaMaxQualifier || !std::all_of(qualifier.begin(), qualifier.end(), lambda_qualifier_char))
    return lambda_invalid("'" + qualifier.substr(0, 80) + "' is not a version or alias (1 to 128 of a-z, A-Z, 0-9, - _ $)");
  const bool asynchronous = request.invocation_type == LambdaInvocationType::event;
  const std::size_t limit = asynchronous ? kLambdaMaxAsyncPayloadBytes : kLambdaMaxSyncPayloadBytes;
  if (request.payload.size() > limit)
    return Error{std::string(kLambdaRequestTooLarge),
                 "a payload of " + std::to_string(request.payload.size()) + " bytes is over Lambda's limit of " + std::to_string(limit) +
                     " bytes for " + (asynchronous ? "an asynchronous" : "a synchronous") + " invocation",
                 413};
  if (std::any_of(request.tenant_id.begin(), request.tenant_id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return lambda_invalid("a tenant id cannot hold control characters");

  LambdaInvokeHttp http;
  http.path = "/2015-03-31/functions/" + uri_encode(name) + "/invocations";
  if (!qualifier.empty()) http.path += "?Qualifier=" + uri_encode(qualifier);
  // The payload is a blob: the SDKs send it as it is, as octets.
  http.headers.emplace_back("Content-Type", "application/octet-stream");
  http.headers.emplace_back("X-Amz-Invocation-Type", std::string(lambda_invocation_type_name(request.invocation_type)));
  if (request.log_tail) http.headers.emplace_back("X-Amz-Log-Type", "Tail");
  if (!request.client_context.empty()) {
    auto encoded = base64::encode(request.client_context);
    if (encoded.size() > kLambdaMaxClientContextBytes)
      return lambda_invalid("a client context is at most 3583 bytes once base64-encoded, not " + std::to_string(encoded.size()));
    http.headers.emplace_back("X-Amz-Client-Context", std::move(encoded));
  }
  if (!request.tenant_id.empty()) http.headers.emplace_back("X-Amz-Tenant-Id", request.tenant_id);
  return http;
}

Result<LambdaInvokeResult> parse_lambda_invoke(int status, std::string_view function_error, std::string_view log_result,
                                               std::string_view executed_version, std::string body) {
  if (status != 200 && status != 202 && status != 204)
    return detail::malformed_answer(kLambdaPrefix, "Lambda answered Invoke with HTTP " + std::to_string(status) +
                                                       ", not 200, 202 or 204");
  LambdaInvokeResult result;
  result.status_code = status;
  result.payload = std::move(body);
  if (!function_error.empty()) result.function_error = std::string(function_error);
  if (!log_result.empty()) {
    auto log = base64::decode(log_result);
    if (!log) return detail::malformed_answer(kLambdaPrefix, "Lambda answered Invoke with an X-Amz-Log-Result that is not base64");
    result.log_tail = std::move(*log);
  }
  result.executed_version = std::string(executed_version);
  return result;
}

Error parse_lambda_error(int http_status, std::string_view body, std::string_view error_type) {
  return detail::parse_json_error(kLambdaPrefix, http_status, body, error_type);
}

Error lambda_function_error(const LambdaInvokeResult& result) {
  std::string message;
  boost::system::error_code ec;
  if (const auto document = json::parse(result.payload, ec); !ec && document.is_object()) {
    const auto type = detail::string_field(document.as_object(), "errorType");
    const auto text = detail::string_field(document.as_object(), "errorMessage");
    if (!type.empty()) message = std::string(type);
    if (!text.empty()) message += (message.empty() ? "" : ": ") + detail::excerpt(text);
  }
  if (message.empty()) message = "the function failed (" + result.function_error.value_or("Unhandled") + ")";
  return Error{std::string(kLambdaFunctionError), std::move(message), 502};
}

struct LambdaClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}
  detail::ServiceClient service;
};

LambdaClient::LambdaClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LambdaClient::LambdaClient(LambdaClient&&) noexcept = default;
LambdaClient& LambdaClient::operator=(LambdaClient&&) noexcept = default;
LambdaClient::~LambdaClient() = default;

Result<LambdaClient> LambdaClient::create(LambdaOptions options) {
  LIFT_TRY(config, detail::service_config(std::move(options), kLambdaPrefix, "lambda", "AWS_ENDPOINT_URL_LAMBDA", "lambda", "Lambda"));
  return LambdaClient(std::make_unique<Impl>(std::move(config)));
}

const std::string& LambdaClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& LambdaClient::region() const { return impl_->service.region(); }

Result<LambdaInvokeResult> LambdaClient::invoke(const LambdaInvokeRequest& request, Deadline deadline) {
  LIFT_TRY(http, lambda_invoke_http(request));
  auto response = impl_->service.send("POST", http.path, std::move(http.headers), request.payload, deadline, [](const HttpResponse& answer) {
    return parse_lambda_error(answer.status, answer.body, answer.header("x-amzn-ErrorType"));
  });
  if (!response) return std::move(response).error();
  return parse_lambda_invoke(response->status, response->header("X-Amz-Function-Error"), response->header("X-Amz-Log-Result"),
                             response->header("X-Amz-Executed-Version"), std::move(response->body));
}

}  // namespace lift::aws
