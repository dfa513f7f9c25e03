#pragma once
// examples/partner-api: a function in a partner's AWS account that reaches the platform's
// central "kernel" account through a role it assumes there (STS AssumeRole with an external id,
// through lift::aws::Accounts: one set of credentials per role, refreshed ahead of expiry and
// shared by every worker):
//
//   GET /accounts/:id          the account's record, read from the kernel's DynamoDB table
//                              with DynamORM (signed as the kernel role)
//   GET /accounts/:id/balance  the account's balance from the kernel's IAM-authorised HTTP API
//                              (API Gateway, AWS_IAM auth: a SigV4-signed execute-api call)
//
// Configuration (environment):
//   KERNEL_ROLE_ARN        required: the kernel role to assume
//   KERNEL_EXTERNAL_ID     required: the external id the kernel role's trust policy demands
//   KERNEL_API_URL         required: the kernel API's base URL,
//                          https://<api-id>.execute-api.<region>.amazonaws.com/<stage>
//   KERNEL_REGION          the kernel's region (default: the one in KERNEL_API_URL's host,
//                          else AWS_REGION)
//   KERNEL_ACCOUNTS_TABLE  the kernel's table of accounts (default kernel-accounts)
//   PARTNER_ID             names the role session partner-api-<id> (what the kernel account's
//                          CloudTrail shows; default partner-api)
// The kernel table's client takes the usual endpoint settings (LIFT_DYNAMODB_ENDPOINT,
// AWS_ENDPOINT_URL_DYNAMODB; memory: for the embedded engine), STS's AWS_ENDPOINT_URL_STS.
//
// Errors, in the one error body: the kernel refusing the role or a call (STS or the API
// answering 401/403) is 502 KernelAccessDenied; the kernel failing otherwise is 502 KernelError
// (504 Timeout when the invocation's time ran out); an unknown account is 404 NotFound.

#include <string>

#include "lift/app/app.hpp"
#include "lift/core/result.hpp"

namespace partner_api {

struct Config {
  std::string kernel_role_arn;
  std::string kernel_external_id;
  std::string kernel_api_url;  // without a trailing '/'
  std::string kernel_region;
  std::string accounts_table = "kernel-accounts";
  std::string session_name = "partner-api";
};

// The configuration from the environment. Errors (InvalidConfiguration, 500): a required
// variable missing, an API URL that is not http(s).
lift::Result<Config> config_from_environment();

// The app over `config`; the factory lift::run calls reads the environment.
lift::Result<lift::App> make_app(Config config);
lift::Result<lift::App> make_app();

}  // namespace partner_api
