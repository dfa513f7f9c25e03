#include "lift/aws/secrets_manager.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/env.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kSecretsPrefix = "SecretsManager";
constexpr std::string_view kSecretsManagerContentType = "application/x-amz-json-1.1";

}  // namespace

std::string get_secret_value_body(const GetSecretValueRequest& request) {
  json::object body{{"SecretId", request.secret_id}};
  if (!request.version_id.empty()) body["VersionId"] = request.version_id;
  if (!request.version_stage.empty()) body["VersionStage"] = request.version_stage;
  return json::serialize(body);
}

Result<SecretValue> parse_secret_value(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  // No excerpt of the body: a successful answer carries the secret, and messages get logged.
  if (ec || !value.is_object())
    return detail::malformed_answer(kSecretsPrefix, "Secrets Manager answered with a body of " + std::to_string(body.size()) +
                                                 " bytes that is not a JSON object");
  detail::AnswerReader read(kSecretsPrefix, value.as_object());
  SecretValue secret;
  secret.arn = read.string("ARN");
  secret.name = read.string("Name");
  secret.version_id = read.string("VersionId");
  secret.secret_string = read.optional_string("SecretString");
  if (auto encoded = read.optional_string("SecretBinary")) {
    auto bytes = base64::decode(*encoded);
    if (!bytes) return detail::malformed_answer(kSecretsPrefix, "Secrets Manager answered with a SecretBinary that is not base64");
    secret.secret_binary = std::move(*bytes);
  }
  secret.version_stages = read.strings("VersionStages");
  secret.created_date = read.timestamp("CreatedDate");
  if (read.failed()) return read.error();
  return secret;
}

Error parse_secrets_manager_error(int http_status, std::string_view body, std::string_view error_type) {
  return detail::parse_json_error(kSecretsPrefix, http_status, body, error_type);
}

struct SecretsManagerClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}
  detail::ServiceClient service;
};

SecretsManagerClient::SecretsManagerClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretsManagerClient::SecretsManagerClient(SecretsManagerClient&&) noexcept = default;
SecretsManagerClient& SecretsManagerClient::operator=(SecretsManagerClient&&) noexcept = default;
SecretsManagerClient::~SecretsManagerClient() = default;

Result<SecretsManagerClient> SecretsManagerClient::create(SecretsManagerOptions options) {
  std::string region = !options.region.empty() ? std::move(options.region) : resolve_region().value_or("us-east-1");
  auto endpoint = detail::resolve_endpoint(std::move(options.endpoint), "LIFT_SECRETSMANAGER_ENDPOINT", "secretsmanager", region,
                                           "Secrets Manager");
  if (!endpoint) return std::move(endpoint).error();
  LIFT_TRY(faults, detail::resolve_faults(std::move(options.faults)));
  return SecretsManagerClient(std::make_unique<Impl>(detail::ServiceClient::Config{
      std::string(kSecretsPrefix), "secretsmanager", std::move(*endpoint), std::move(region), options.retry, std::move(options.http),
      std::move(options.credentials), std::move(options.breaker), std::move(faults)}));
}

const std::string& SecretsManagerClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& SecretsManagerClient::region() const { return impl_->service.region(); }

Result<SecretValue> SecretsManagerClient::get_secret_value(const GetSecretValueRequest& request, Deadline deadline) {
  if (request.secret_id.empty())
    return Error{std::string(kSecretsManagerInvalidParameter), "GetSecretValue needs a SecretId (a secret's name or ARN)", 400};
  auto response = impl_->service.send("POST", "", detail::json_protocol_headers(kSecretsManagerContentType, "secretsmanager.GetSecretValue"),
                                      get_secret_value_body(request), deadline, [](const HttpResponse& answer) {
                                        return parse_secrets_manager_error(answer.status, answer.body, answer.header("x-amzn-ErrorType"));
                                      });
  if (!response) return std::move(response).error();
  return parse_secret_value(response->body);
}

}  // namespace lift::aws
