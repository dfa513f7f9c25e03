// Fuzzes what the aws layer reads from the network: DynamoDB error answers (and the
// cancellation reasons and item read back from the typed error), container credentials JSON,
// URLs, and the Secrets Manager, SSM, API Gateway Management, SQS, SNS, EventBridge, KMS, S3, Lambda and CodeDeploy
// answers and errors. Any input
// gives a value or a typed error; nothing crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lift/aws/apigateway_management.hpp"
#include "lift/aws/codedeploy.hpp"
#include "lift/aws/credentials.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/aws/eventbridge.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/kms.hpp"
#include "lift/aws/lambda.hpp"
#include "lift/aws/s3.hpp"
#include "lift/aws/secrets_manager.hpp"
#include "lift/aws/sns.hpp"
#include "lift/aws/sqs.hpp"
#include "lift/aws/ssm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const auto error = lift::aws::parse_dynamodb_error(400, input);
  if (!error.code.starts_with("DynamoDB.") || error.status != 400) std::abort();
  for (const auto& reason : lift::aws::cancellation_reasons(error)) {
    if (reason.code.empty() || reason.code == "None") std::abort();
  }
  (void)lift::aws::condition_failed_item(error);

  auto credentials = lift::aws::parse_container_credentials(input);
  if (credentials && (credentials->access_key_id.empty() || credentials->secret_access_key.empty())) std::abort();
  if (!credentials && credentials.error().code != "aws.invalid_credentials") std::abort();

  auto url = lift::aws::parse_url(input);
  if (url && (url->host.empty() || url->port == 0 || url->target.empty() || url->target.front() != '/')) std::abort();
  if (!url && url.error().code != "Http.InvalidUrl") std::abort();

  // Service answers: a value or an error with a code; errors keep the status they were given.
  auto secret = lift::aws::parse_secret_value(input);
  if (!secret && secret.error().code.empty()) std::abort();
  auto parameter = lift::aws::parse_get_parameter(input);
  if (!parameter && parameter.error().code.empty()) std::abort();
  auto parameters = lift::aws::parse_get_parameters(input);
  if (!parameters && parameters.error().code.empty()) std::abort();
  auto connection = lift::aws::parse_connection_info(input);
  if (!connection && connection.error().code.empty()) std::abort();
  // SQS: a value or SQS.MalformedResponse, whatever the body and its digests say.
  const auto sqs_malformed = [](const lift::Error& e) { return e.code == lift::aws::kSqsMalformedResponse && e.status == 502; };
  const lift::aws::SendMessageRequest sent{.queue_url = "q", .body = "x", .attributes = {{"a", lift::aws::MessageAttribute::string("v")}}};
  if (auto r = lift::aws::parse_send_message(input, sent); !r && !sqs_malformed(r.error())) std::abort();
  if (auto r = lift::aws::parse_send_message_batch(input, {.queue_url = "q", .entries = {{.id = "m1", .body = "x"}}});
      !r && !sqs_malformed(r.error()))
    std::abort();
  if (auto r = lift::aws::parse_receive_message(input); !r && !sqs_malformed(r.error())) std::abort();
  if (auto r = lift::aws::parse_delete_message_batch(input); !r && !sqs_malformed(r.error())) std::abort();
  // SNS (XML): a value or SNS.MalformedResponse.
  const auto sns_malformed = [](const lift::Error& e) { return e.code == lift::aws::kSnsMalformedResponse && e.status == 502; };
  if (auto r = lift::aws::parse_publish(input); !r && !sns_malformed(r.error())) std::abort();
  if (auto r = lift::aws::parse_publish_batch(input); !r && !sns_malformed(r.error())) std::abort();
  for (const std::size_t expected : {0u, 1u, 2u}) {
    auto put = lift::aws::parse_put_events(input, expected);
    if (put && (put->entries.size() != expected || put->failed_count > expected)) std::abort();
    if (!put && put.error().code != lift::aws::kEventBridgeMalformedResponse) std::abort();
  }
  // KMS: bytes decoded, or KMS.MalformedResponse.
  const auto kms_malformed = [](const lift::Error& e) { return e.code == lift::aws::kKmsMalformedResponse && e.status == 502; };
  if (auto r = lift::aws::parse_kms_encrypt(input); r ? r->ciphertext_blob.empty() : !kms_malformed(r.error())) std::abort();
  if (auto r = lift::aws::parse_kms_decrypt(input); r ? r->plaintext.empty() : !kms_malformed(r.error())) std::abort();
  if (auto r = lift::aws::parse_kms_generate_data_key(input); r ? r->plaintext.empty() || r->ciphertext_blob.empty() : !kms_malformed(r.error()))
    std::abort();
  // S3: a page or S3.MalformedResponse; headers with any value read or refused.
  if (auto r = lift::aws::parse_list_objects(input); r ? r->is_truncated && r->next_continuation_token.empty()
                                                       : r.error().code != lift::aws::kS3MalformedResponse)
    std::abort();
  if (auto r = lift::aws::object_info(200, {{"Content-Length", std::string(input.substr(0, 30))}, {"Last-Modified", std::string(input.substr(0, 40))}});
      !r && r.error().code != lift::aws::kS3MalformedResponse)
    std::abort();
  // Lambda: the answer's headers and body as they come, or Lambda.MalformedResponse.
  const auto half = input.size() / 2;
  if (auto r = lift::aws::parse_lambda_invoke(200, input.substr(0, half), input.substr(half), "1", std::string(input)); r) {
    (void)lift::aws::lambda_function_error(*r);
  } else if (r.error().code != lift::aws::kLambdaMalformedResponse) {
    std::abort();
  }
  if (auto r = lift::aws::parse_codedeploy_hook_status(input); !r && r.error().code != lift::aws::kCodeDeployMalformedResponse) std::abort();
  for (const int status : {400, 410, 429, 500}) {
    if (!lift::aws::parse_lambda_error(status, input).code.starts_with("Lambda.")) std::abort();
    if (!lift::aws::parse_codedeploy_error(status, input).code.starts_with("CodeDeploy.")) std::abort();
    if (!lift::aws::parse_s3_error(status, input).code.starts_with("S3.")) std::abort();
    if (!lift::aws::parse_kms_error(status, input).code.starts_with("KMS.")) std::abort();
    if (!lift::aws::parse_eventbridge_error(status, input).code.starts_with("EventBridge.")) std::abort();
    if (!lift::aws::parse_sns_error(status, input).code.starts_with("SNS.")) std::abort();
    if (!lift::aws::parse_sqs_error(status, input).code.starts_with("SQS.")) std::abort();
    if (lift::aws::parse_secrets_manager_error(status, input).code.empty()) std::abort();
    if (lift::aws::parse_ssm_error(status, input).code.empty()) std::abort();
    if (lift::aws::parse_apigateway_management_error(status, input).code.empty()) std::abort();
  }
  return 0;
}
