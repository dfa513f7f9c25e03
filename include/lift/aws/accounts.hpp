#pragma once
// Other AWS accounts, reached by assuming a role in each: per role, one credentials chain
// (AssumeRole through STS, refreshed ahead of expiry) and the clients built on it, created on
// first use and shared by every worker. A partner function reading a kernel account's table:
//
//   static lift::aws::Accounts accounts;  // or a member of the app's state
//   const lift::aws::AccountRole kernel{.role_arn = "arn:aws:iam::111122223333:role/kernel-reader",
//                                       .external_id = "partner-42"};
//   auto db = accounts.dynamodb(kernel);             // std::shared_ptr<DynamoDbClient>
//   auto signed_request = accounts.sign(kernel, request, "execute-api");  // an IAM-authorised API
//
// Thread safety: thread-safe; one Accounts serves every worker. A cached lookup takes one lock
// and a hash lookup; the roles kept are bounded (least recently used dropped first; clients
// already handed out stay valid).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "lift/aws/credentials.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/sigv4.hpp"
#include "lift/aws/sts.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// A role to assume; two AccountRoles are the same cache entry when all their fields are equal.
struct AccountRole {
  std::string role_arn{};
  std::string external_id{};                  // empty: not sent
  std::string session_name{};                 // empty: "lift-<epoch ms>" at the first use
  std::optional<std::chrono::seconds> duration{};  // unset: STS's default (1 h)
  std::vector<SessionTag> tags{};
  std::string source_identity{};
};

struct AccountsOptions {
  // The STS client: endpoint, region, retries, and in `sts.credentials` the credentials that
  // assume the roles (null: the standard chain).
  StsOptions sts{};
  // What every DynamoDB client starts from (endpoint, transport, region, retries, breaker);
  // its credentials are the role's.
  DynamoDbOptions dynamodb{};
  std::shared_ptr<HttpClient> http{};  // shared by STS and every client; null: one of its own
  std::size_t max_roles = 64;
};

class Accounts {
 public:
  explicit Accounts(AccountsOptions options = {});
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;
  ~Accounts();

  // The role's credentials chain. Errors: kStsInvalidParameter for a role STS would refuse,
  // "Config" for unusable STS settings (the STS call itself happens when the chain is used).
  Result<std::shared_ptr<CredentialsChain>> credentials(const AccountRole& role);

  // The role's current credentials (AssumeRole's errors, typed, when they cannot be had).
  Result<Credentials> current_credentials(const AccountRole& role);

  // A DynamoDB client in the role's account, created once per role.
  Result<std::shared_ptr<DynamoDbClient>> dynamodb(const AccountRole& role);

  // Any client, created once per role and client type by `make` from the role's credentials
  // and the shared HTTP client:
  //   accounts.client<SqsClient>(role, [](auto credentials, auto http) {
  //     return SqsClient::create({.http = http, .credentials = credentials}); });
  template <class Client>
  Result<std::shared_ptr<Client>> client(
      const AccountRole& role,
      const std::function<Result<Client>(std::shared_ptr<CredentialsChain>, std::shared_ptr<HttpClient>)>& make) {
    auto made = cached_client(role, std::type_index(typeid(Client)),
                              [&](std::shared_ptr<CredentialsChain> credentials, std::shared_ptr<HttpClient> http) -> Result<std::shared_ptr<void>> {
                                auto created = make(std::move(credentials), std::move(http));
                                if (!created) return std::move(created).error();
                                return std::shared_ptr<void>(std::make_shared<Client>(std::move(*created)));
                              });
    if (!made) return std::move(made).error();
    return std::static_pointer_cast<Client>(std::move(*made));
  }

  // Signs `request` in place (SigV4, header mode) with the role's credentials for `service` in
  // `region` (empty: the STS client's region), e.g. "execute-api" for an IAM-authorised API.
  Result<SignedRequest> sign(const AccountRole& role, HttpRequest& request, std::string_view service, std::string region = {});

  // How many roles are cached now.
  [[nodiscard]] std::size_t size() const;

 private:
  using Factory = std::function<Result<std::shared_ptr<void>>(std::shared_ptr<CredentialsChain>, std::shared_ptr<HttpClient>)>;
  Result<std::shared_ptr<void>> cached_client(const AccountRole& role, std::type_index type, const Factory& make);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lift::aws
