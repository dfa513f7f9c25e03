// Fuzzes what the aws layer reads from the network: DynamoDB error answers (and the
// cancellation reasons and item read back from the typed error), container credentials JSON
// and URLs. Any input gives a value or a typed error; nothing crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lift/aws/credentials.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/aws/http_client.hpp"

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
  return 0;
}
