#include "lift/aws/accounts.hpp"

#include <list>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace lift::aws {
namespace {

// The cache key: every field, separated by a byte no ARN, id or tag contains.
std::string key_of(const AccountRole& role) {
  constexpr char kSeparator = '\x1f';
  std::string key = role.role_arn;
  key += kSeparator;
  key += role.external_id;
  key += kSeparator;
  key += role.session_name;
  key += kSeparator;
  if (role.duration) key += std::to_string(role.duration->count());
  key += kSeparator;
  key += role.source_identity;
  for (const auto& tag : role.tags) {
    key += kSeparator;
    key += tag.key;
    key += '=';
    key += tag.value;
  }
  return key;
}

}  // namespace

struct Accounts::State {
  struct Entry {
    std::string key;
    std::shared_ptr<CredentialsChain> credentials;
    std::vector<std::pair<std::type_index, std::shared_ptr<void>>> clients;
  };

  AccountsOptions options;
  mutable std::mutex mutex;
  std::list<Entry> entries;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index;

  // The role's entry, created when missing; the caller holds `mutex`.
  Result<Entry*> entry(const AccountRole& role) {
    auto key = key_of(role);
    if (auto found = index.find(key); found != index.end()) {
      entries.splice(entries.begin(), entries, found->second);
      return &*found->second;
    }
    AssumeRoleRequest request{.role_arn = role.role_arn,
                              .role_session_name = role.session_name,
                              .external_id = role.external_id,
                              .duration = role.duration,
                              .tags = role.tags,
                              .source_identity = role.source_identity};
    LIFT_TRY(credentials, assume_role_credentials(std::move(request), options.sts));
    entries.push_front(Entry{key, std::move(credentials), {}});
    index.emplace(std::move(key), entries.begin());
    while (entries.size() > options.max_roles) {
      index.erase(entries.back().key);
      entries.pop_back();
    }
    return &entries.front();
  }
};

Accounts::Accounts(AccountsOptions options) : state_(std::make_unique<State>()) {
  if (!options.http) options.http = std::make_shared<HttpClient>();
  if (!options.sts.http) options.sts.http = options.http;
  if (options.max_roles == 0) options.max_roles = 1;
  state_->options = std::move(options);
}

Accounts::~Accounts() = default;

Result<std::shared_ptr<CredentialsChain>> Accounts::credentials(const AccountRole& role) {
  std::lock_guard lock(state_->mutex);
  LIFT_TRY(entry, state_->entry(role));
  return entry->credentials;
}

Result<Credentials> Accounts::current_credentials(const AccountRole& role) {
  LIFT_TRY(chain, credentials(role));
  return chain->get();  // outside the lock: the chain refreshes on its own
}

Result<std::shared_ptr<void>> Accounts::cached_client(const AccountRole& role, std::type_index type, const Factory& make) {
  std::lock_guard lock(state_->mutex);
  LIFT_TRY(entry, state_->entry(role));
  for (const auto& [client_type, client] : entry->clients)
    if (client_type == type) return client;
  LIFT_TRY(client, make(entry->credentials, state_->options.http));
  entry->clients.emplace_back(type, client);
  return client;
}

Result<std::shared_ptr<DynamoDbClient>> Accounts::dynamodb(const AccountRole& role) {
  return client<DynamoDbClient>(role, [this](std::shared_ptr<CredentialsChain> credentials, std::shared_ptr<HttpClient> http) {
    DynamoDbOptions options = state_->options.dynamodb;
    options.credentials = std::move(credentials);
    if (!options.http) options.http = std::move(http);
    return DynamoDbClient::create(std::move(options));
  });
}

Result<SignedRequest> Accounts::sign(const AccountRole& role, HttpRequest& request, std::string_view service, std::string region) {
  LIFT_TRY(credentials, current_credentials(role));
  SigningParams params;
  params.credentials = std::move(credentials);
  params.region = !region.empty() ? std::move(region)
                  : !state_->options.sts.region.empty() ? state_->options.sts.region
                                                        : resolve_region().value_or("us-east-1");
  params.service = std::string(service);
  return sign_in_place(request, params);
}

std::size_t Accounts::size() const {
  std::lock_guard lock(state_->mutex);
  return state_->entries.size();
}

}  // namespace lift::aws
