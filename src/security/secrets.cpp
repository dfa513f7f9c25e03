#include "lift/security/secrets.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/aws/secrets_manager.hpp"
#include "lift/aws/ssm.hpp"

namespace lift::security {

namespace json = boost::json;

SecretFetcher secrets_manager_fetcher(std::shared_ptr<aws::SecretsManagerClient> client) {
  return [client = std::move(client)](std::string_view name, SecretDeadline deadline) -> Result<std::string> {
    auto secret = client->get_secret_value(name, deadline);
    if (!secret) return std::move(secret).error();
    if (secret->secret_string) return std::move(*secret->secret_string);
    if (secret->secret_binary) return std::move(*secret->secret_binary);
    return Error{"SecretsManager.MalformedResponse", "secret " + std::string(name) + " has no value", 502};
  };
}

SecretFetcher ssm_fetcher(std::shared_ptr<aws::SsmClient> client, bool with_decryption) {
  return [client = std::move(client), with_decryption](std::string_view name, SecretDeadline deadline) -> Result<std::string> {
    auto parameter = client->get_parameter(name, with_decryption, deadline);
    if (!parameter) return std::move(parameter).error();
    return std::move(parameter->value);
  };
}

SecretsProvider::SecretsProvider(SecretFetcher secrets, SecretFetcher parameters, SecretsOptions options)
    : secrets_(std::move(secrets)), parameters_(std::move(parameters)), options_(std::move(options)) {}

Result<std::shared_ptr<SecretsProvider>> SecretsProvider::from_aws(SecretsOptions options) {
  auto http = std::make_shared<aws::HttpClient>();
  auto secrets = aws::SecretsManagerClient::create({.http = http});
  if (!secrets) return std::move(secrets).error();
  auto ssm = aws::SsmClient::create({.http = http});
  if (!ssm) return std::move(ssm).error();
  return std::make_shared<SecretsProvider>(
      secrets_manager_fetcher(std::make_shared<aws::SecretsManagerClient>(std::move(*secrets))),
      ssm_fetcher(std::make_shared<aws::SsmClient>(std::move(*ssm))), std::move(options));
}

std::chrono::steady_clock::time_point SecretsProvider::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

Result<std::string> SecretsProvider::get(const SecretFetcher& fetcher, std::string_view kind, std::string_view name,
                                         SecretDeadline deadline) {
  if (!fetcher) return Error{"Config", "no " + std::string(kind) + " source is configured", 500};
  std::string key(kind);
  key += '\n';
  key += name;
  const auto fresh_for = std::max(options_.ttl - options_.refresh_ahead, std::chrono::seconds{0});
  std::optional<Entry> cached;
  {
    std::lock_guard lock(mutex_);
    if (const auto found = cache_.find(key); found != cache_.end()) {
      const auto age = now() - found->second.fetched_at;
      if (age < fresh_for) {
        ++stats_.hits;
        return found->second.value;
      }
      if (age < options_.ttl) cached = found->second;  // refresh ahead; fall back to it
    }
    ++stats_.fetches;
  }
  // Fetched without the lock: a slow secret must not hold up reads of the others.
  auto fetched = fetcher(name, deadline);
  std::lock_guard lock(mutex_);
  if (!fetched) {
    if (cached) return std::move(cached->value);
    return std::move(fetched).error();
  }
  cache_.insert_or_assign(std::move(key), Entry{*fetched, now()});
  return std::move(*fetched);
}

Result<std::string> SecretsProvider::secret(std::string_view name, SecretDeadline deadline) {
  return get(secrets_, "secret", name, deadline);
}
Result<std::string> SecretsProvider::secret(std::string_view name) {
  return secret(name, std::chrono::steady_clock::now() + options_.fetch_timeout);
}

Result<std::string> SecretsProvider::secret(std::string_view name, std::string_view field, SecretDeadline deadline) {
  auto value = secret(name, deadline);
  if (!value) return value;
  boost::system::error_code ec;
  const json::value document = json::parse(*value, ec);
  const auto* object = ec ? nullptr : document.if_object();
  const auto* member = object != nullptr ? object->if_contains(field) : nullptr;
  if (member == nullptr || !(member->is_string() || member->is_number() || member->is_bool()))
    return Error{std::string(kSecretFieldMissing),
                 "secret " + std::string(name) + " has no field \"" + std::string(field) + "\"", 500};
  if (member->is_string()) return std::string(member->get_string());
  return json::serialize(*member);
}
Result<std::string> SecretsProvider::secret(std::string_view name, std::string_view field) {
  return secret(name, field, std::chrono::steady_clock::now() + options_.fetch_timeout);
}

Result<std::string> SecretsProvider::parameter(std::string_view name, SecretDeadline deadline) {
  return get(parameters_, "parameter", name, deadline);
}
Result<std::string> SecretsProvider::parameter(std::string_view name) {
  return parameter(name, std::chrono::steady_clock::now() + options_.fetch_timeout);
}

void SecretsProvider::invalidate(std::string_view name) {
  std::lock_guard lock(mutex_);
  for (const char* kind : {"secret\n", "parameter\n"}) {
    if (const auto found = cache_.find(std::string(kind) + std::string(name)); found != cache_.end()) cache_.erase(found);
  }
}

SecretsProvider::Stats SecretsProvider::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace lift::security
