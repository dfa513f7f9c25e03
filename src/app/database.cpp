#include "lift/app/database.hpp"

#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "lift/aws/http_client.hpp"
#include "lift/core/env.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/resilience/errors.hpp"

namespace lift {

namespace {

constexpr const char* kBreakerVariable = "LIFT_DYNAMODB_BREAKER";

// What use_dynamodb_breaker asked for, read when the process's client is made. Process-wide
// because that client is; behind a mutex, as the factory and the first use may run on any thread.
struct ClientSettings {
  std::mutex mutex;
  std::optional<resilience::CircuitBreakerOptions> breaker;
  bool made = false;
  bool has_breaker = false;
};

ClientSettings& client_settings() {
  static ClientSettings settings;
  return settings;
}

// The breaker's options: LIFT_DYNAMODB_BREAKER when set (over `configured`), else `configured`.
Result<std::optional<resilience::CircuitBreakerOptions>> breaker_options(std::optional<resilience::CircuitBreakerOptions> configured) {
  const auto text = env(kBreakerVariable);
  if (!text || text->find_first_not_of(" \t") == std::string_view::npos) return configured;
  if (*text == "off") return std::optional<resilience::CircuitBreakerOptions>{};
  LIFT_TRY(parsed, resilience::parse_breaker_options(*text, kBreakerVariable, configured.value_or(resilience::CircuitBreakerOptions{})));
  return std::optional<resilience::CircuitBreakerOptions>(std::move(parsed));
}

aws::DynamoDbClient make_client() {
  aws::DynamoDbOptions options;
  options.transport = dynamorm::transport_from_environment();
  // The embedded engine answers in-process without its JSON text (the same values; see
  // bench/RESULTS.md for what the text cost per call).
  options.object_transport = dynamorm::object_transport_from_environment();
  {
    auto& settings = client_settings();
    const std::lock_guard lock(settings.mutex);
    settings.made = true;
    auto breaker = breaker_options(settings.breaker);
    if (!breaker) throw std::runtime_error(std::string(kBreakerVariable) + ": " + breaker.error().message);
    if (*breaker) {
      auto made = aws::service_breaker(aws::kDynamoDbService, std::move(**breaker));
      if (!made) throw std::runtime_error(std::string(kBreakerVariable) + ": " + made.error().message);
      options.breaker = std::move(*made);
      settings.has_breaker = true;
    }
  }
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

// Defined here rather than with the rest of Context, so that a function that never asks for
// the client does not link it (nor the TLS and crypto code under it, whose start-up work, the
// CPU feature probe of OpenSSL, every cold start would pay).
aws::DynamoDbClient& Context::db() const { return dynamodb(); }

Result<void> use_dynamodb_breaker(resilience::CircuitBreakerOptions options) {
  // The options are checked now, in the factory, rather than when the client is first used.
  if (auto checked = resilience::CircuitBreaker::create(std::string(aws::kDynamoDbService), options); !checked)
    return std::move(checked).error();
  auto& settings = client_settings();
  const std::lock_guard lock(settings.mutex);
  if (settings.made) {
    if (settings.has_breaker) return {};
    return resilience::invalid_configuration("lift::use_dynamodb_breaker", "dynamodb",
                                             "the process's DynamoDB client was already made without a breaker: call it "
                                             "before anything uses lift::dynamodb()");
  }
  settings.breaker = std::move(options);
  return {};
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
