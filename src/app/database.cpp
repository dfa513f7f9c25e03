#include "lift/app/database.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

#include "lift/aws/http_client.hpp"
#include "lift/core/env.hpp"
#include "lift/dynamorm/memory_engine.hpp"

namespace lift {

namespace {
aws::DynamoDbClient make_client() {
  aws::DynamoDbOptions options;
  options.transport = dynamorm::transport_from_environment();
  auto client = aws::DynamoDbClient::create(std::move(options));
  if (!client) throw std::runtime_error("LIFT_DYNAMODB_ENDPOINT: " + client.error().message);
  return std::move(*client);
}
}  // namespace

aws::DynamoDbClient& dynamodb() {
  // The process-wide client (a function-local static: made once, thread-safe, on first use).
  static aws::DynamoDbClient client = make_client();
  return client;
}

bool dynamodb_is_local() {
  const std::string endpoint = env_or("LIFT_DYNAMODB_ENDPOINT", "");
  if (endpoint.starts_with("memory:")) return true;
  const auto url = aws::parse_url(endpoint);
  return url && aws::is_local_endpoint(*url);
}

}  // namespace lift
