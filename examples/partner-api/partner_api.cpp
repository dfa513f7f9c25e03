#include "partner_api.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/describe.hpp>

#include "lift/app/database.hpp"
#include "lift/aws/accounts.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/sigv4.hpp"
#include "lift/core/deadline.hpp"
#include "lift/core/env.hpp"
#include "lift/dynamorm/accounts.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/json/binding.hpp"
#include "lift/lift.hpp"
#include "lift/resilience/errors.hpp"

namespace partner_api {

// An account as the kernel stores it (a table the kernel account owns).
struct Account {
  std::string id;
  std::string name;
  std::string plan;
  std::string status;
};
BOOST_DESCRIBE_STRUCT(Account, (), (id, name, plan, status))

// The kernel API's answer to GET /accounts/{id}/balance.
struct Balance {
  std::string account_id;
  std::string amount;  // a decimal, as text: money is never a double
  std::string currency;
};
BOOST_DESCRIBE_STRUCT(Balance, (), (account_id, amount, currency))

namespace {

using namespace std::chrono_literals;

lift::Error missing(std::string_view name, std::string what) {
  return lift::resilience::invalid_configuration("partner-api", name, std::move(what));
}

// "abc123.execute-api.eu-west-1.amazonaws.com" -> "eu-west-1"; empty for any other host.
std::string region_of_api_host(std::string_view host) {
  constexpr std::string_view marker = ".execute-api.";
  const auto at = host.find(marker);
  if (at == std::string_view::npos) return {};
  const auto rest = host.substr(at + marker.size());
  return std::string(rest.substr(0, rest.find('.')));
}

// What the caller sees when the kernel fails: its own status is not the caller's (a 403 from
// STS means this function is not trusted, not that the caller may not ask), so the kernel's
// refusals and failures are 502 and its code is kept in the details for the operator.
lift::Error kernel_failure(const lift::Error& error, std::string_view call) {
  if (error.status == 404 || error.status == 504) return error;
  const bool refused = error.status == 401 || error.status == 403;
  return lift::Error{refused ? "KernelAccessDenied" : "KernelError",
                     refused ? "the kernel account refused " + std::string(call) : "the kernel account failed " + std::string(call),
                     502,
                     {{"kernel", error.code}}};
}

std::chrono::steady_clock::time_point call_deadline() {
  return lift::call_deadline(lift::InvocationDeadline::current().value_or(std::chrono::steady_clock::now() + 10s));
}

// What the handlers share; every member is thread-safe, so all workers use one.
struct Kernel {
  Config config;
  lift::aws::AccountRole role;
  std::shared_ptr<lift::aws::Accounts> accounts;
  std::shared_ptr<lift::aws::HttpClient> http;
  lift::dynamorm::Table<Account> accounts_table;

  lift::Result<Balance> balance(const std::string& id) const {
    lift::aws::HttpRequest request{"GET", config.kernel_api_url + "/accounts/" + lift::aws::uri_encode(id) + "/balance",
                                   {{"Accept", "application/json"}}, {}};
    auto signed_request = accounts->sign(role, request, "execute-api", config.kernel_region);
    if (!signed_request) return kernel_failure(signed_request.error(), "the role (sts:AssumeRole)");
    auto response = http->send(request, call_deadline());
    if (!response) return kernel_failure(response.error(), "GET /accounts/{id}/balance");
    if (response->status == 404) return lift::errors::not_found("no account " + id);
    if (response->status != 200)
      return kernel_failure(lift::Error{"KernelApi." + std::to_string(response->status), std::string(response->header("x-amzn-ErrorType")),
                                        response->status},
                            "GET /accounts/{id}/balance");
    auto balance = lift::json::parse<Balance>(response->body);
    if (!balance) return kernel_failure(lift::Error{"KernelApi.MalformedResponse", balance.error().message, 502}, "GET /accounts/{id}/balance");
    return balance;
  }
};

}  // namespace

lift::Result<Config> config_from_environment() {
  Config config;
  config.kernel_role_arn = lift::env_or("KERNEL_ROLE_ARN", "");
  config.kernel_external_id = lift::env_or("KERNEL_EXTERNAL_ID", "");
  config.kernel_api_url = lift::env_or("KERNEL_API_URL", "");
  if (config.kernel_role_arn.empty()) return missing("KERNEL_ROLE_ARN", "the kernel role to assume is required");
  if (config.kernel_external_id.empty())
    return missing("KERNEL_EXTERNAL_ID", "the external id the kernel role's trust policy demands is required");
  while (config.kernel_api_url.ends_with('/')) config.kernel_api_url.pop_back();
  auto url = lift::aws::parse_url(config.kernel_api_url);
  if (!url) return missing("KERNEL_API_URL", "the kernel API's base URL (https://<api-id>.execute-api.<region>.amazonaws.com/<stage>) is required");
  config.kernel_region = lift::env_or("KERNEL_REGION", region_of_api_host(url->host));
  config.accounts_table = lift::env_or("KERNEL_ACCOUNTS_TABLE", config.accounts_table);
  if (const auto partner = lift::env_or("PARTNER_ID", ""); !partner.empty()) config.session_name = "partner-api-" + partner;
  return config;
}

lift::Result<lift::App> make_app(Config config) {
  lift::aws::AccountsOptions options;
  // The kernel table's client: the embedded engine under LIFT_DYNAMODB_ENDPOINT=memory:, else
  // DynamoDB at the configured endpoint, in the kernel's region.
  options.dynamodb.object_transport = lift::dynamorm::object_transport_from_environment();
  options.dynamodb.region = config.kernel_region;
  auto accounts = std::make_shared<lift::aws::Accounts>(std::move(options));
  const lift::aws::AccountRole role{
      .role_arn = config.kernel_role_arn, .external_id = config.kernel_external_id, .session_name = config.session_name};
  LIFT_TRY(table, lift::dynamorm::account_table(*accounts, role,
                                                 lift::dynamorm::Model<Account>(config.accounts_table).partition_key(&Account::id)));
  // Locally (the embedded engine, a loopback endpoint) the table is made here; in AWS the kernel
  // account deploys it.
  if (lift::dynamodb_is_local(table.core().client())) LIFT_TRY_VOID(table.create_table(true));
  auto kernel = std::make_shared<const Kernel>(
      Kernel{std::move(config), role, std::move(accounts), std::make_shared<lift::aws::HttpClient>(), std::move(table)});

  lift::App app;
  app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::access_log());

  app.get("/accounts/:id", [kernel](lift::Context& ctx) -> lift::Result<Account> {
    const std::string id(ctx.param("id").value_or(""));
    // The role's credentials first (cached; STS is asked once an hour): a refusal is answered
    // as the kernel's, where the table would only see refused credentials (a ServerFault).
    if (auto assumed = kernel->accounts->current_credentials(kernel->role); !assumed)
      return kernel_failure(assumed.error(), "the role (sts:AssumeRole)");
    auto account = kernel->accounts_table.get(id);
    if (!account) return kernel_failure(account.error(), "GetItem on " + kernel->config.accounts_table);
    return account;
  });

  app.get("/accounts/:id/balance", [kernel](lift::Context& ctx) -> lift::Result<Balance> {
    return kernel->balance(std::string(ctx.param("id").value_or("")));
  });
  return app;
}

lift::Result<lift::App> make_app() {
  LIFT_TRY(config, config_from_environment());
  return make_app(std::move(config));
}

}  // namespace partner_api
