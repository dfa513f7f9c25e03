#pragma once
// A DynamORM table in another AWS account, reached through an assumed role: its requests are
// signed with the role's credentials (STS AssumeRole, refreshed ahead of expiry, cached per role
// by aws::Accounts and shared by every worker), while the function's own tables keep the
// function's credentials.
//
//   static lift::aws::Accounts accounts;  // or a member of the app's state
//   const lift::aws::AccountRole kernel{.role_arn = lift::env_or("KERNEL_ROLE_ARN", ""),
//                                       .external_id = lift::env_or("KERNEL_EXTERNAL_ID", "")};
//   LIFT_TRY(customers, lift::dynamorm::account_table(accounts, kernel, customer_model()));
//   auto found = customers.get(id);  // signed as the kernel role
//
// The table shares ownership of the role's client, so it stays usable after the cache drops the
// role. Errors: those of aws::Accounts::dynamodb (STS.InvalidParameterValue for a role ARN STS
// would refuse, "Config"). The role is assumed at the first request: STS refusing it is, for
// the table, refused credentials (DynamORM.ServerFault, logged with STS's code; errors.hpp), and
// accounts.current_credentials(role) gives STS's typed error (STS.AccessDenied, 403) to a
// function that answers it differently.

#include "lift/aws/accounts.hpp"
#include "lift/core/result.hpp"
#include "lift/dynamorm/model.hpp"
#include "lift/dynamorm/table.hpp"

namespace lift::dynamorm {

template <class T>
Result<Table<T>> account_table(aws::Accounts& accounts, const aws::AccountRole& role, Model<T> model) {
  auto client = accounts.dynamodb(role);
  if (!client) return std::move(client).error();
  return Table<T>(std::move(*client), std::move(model));
}

}  // namespace lift::dynamorm
