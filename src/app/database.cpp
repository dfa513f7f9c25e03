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

bool is_local_endpoint(std::string_view endpoint) {
  if (endpoint.starts_with("memory:")) return true;
  const auto url = aws::parse_url(endpoint);
  return url && aws::is_local_endpoint(*url);
}
}  // namespace

aws::DynamoDbClient& dynamodb() {
  // The process-wide client (a function-local static: made once, thread-safe, on first use).
  static aws::DynamoDbClient client = make_client();
  return client;
}

bool dynamodb_is_local() { return is_local_endpoint(env_or("LIFT_DYNAMODB_ENDPOINT", "")); }

bool dynamodb_is_local(const aws::DynamoDbClient& client) { return is_local_endpoint(client.endpoint()); }

namespace detail {

Result<void> CreateOnce::run(const std::function<Result<void>()>& create) {
  if (done_.load(std::memory_order_acquire)) return {};
  const std::lock_guard lock(mutex_);
  if (done_.load(std::memory_order_relaxed)) return {};
  if (auto made = create(); !made) return made;
  done_.store(true, std::memory_order_release);
  return {};
}

std::string cursor_key_from(const RequestTableOptions& options) {
  if (options.cursor_key) return *options.cursor_key;
  return env_or("LIFT_CURSOR_KEY", "");
}

}  // namespace detail

}  // namespace lift
