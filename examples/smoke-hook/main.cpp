// examples/smoke-hook: a CodeDeploy pre-traffic hook that smoke-tests a new function version
// (smoke_hook.hpp says what it does). Configured by its environment:
//
//   LIFT_SMOKE_FUNCTION     the function to test: a name or ARN with the new version as qualifier
//   LIFT_SMOKE_CASES        a JSON array of cases [{"name", "event", "expect": {"statusCode",
//                           "bodyContains"}}], or
//   LIFT_SMOKE_CASES_FILE   the path of such a file in the package (relative: LAMBDA_TASK_ROOT)
//   LIFT_SMOKE_CONCURRENCY  invocations at once (1..32, default 4)
//   AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL_CODEDEPLOY  other endpoints (local tests)

#include <memory>
#include <utility>

#include "lift/core/env.hpp"
#include "lift/lift.hpp"
#include "smoke_hook.hpp"

int main() {
  lift::observability::LoggerOptions log_options;
  log_options.service = lift::env_or("POWERTOOLS_SERVICE_NAME", "smoke-hook");
  lift::observability::Logger logger(std::move(log_options));

  return lift::run([&logger]() -> lift::Result<lift::App> {
    // Without a CodeDeploy client nothing can be reported: the init fails, and CodeDeploy fails
    // the hook when it times out.
    LIFT_TRY(codedeploy, lift::aws::CodeDeployClient::create());
    auto clients = std::make_shared<std::pair<lift::Result<lift::aws::LambdaClient>, lift::aws::CodeDeployClient>>(
        lift::aws::LambdaClient::create(), std::move(codedeploy));
    smoke_hook::Services services;
    // A Lambda client that cannot be made fails every case, so the deployment is reported Failed.
    services.invoke = [clients](const lift::aws::LambdaInvokeRequest& request,
                                smoke_hook::Deadline deadline) -> lift::Result<lift::aws::LambdaInvokeResult> {
      if (!clients->first) return clients->first.error();
      return clients->first->invoke(request, deadline);
    };
    services.report = [clients](const lift::aws::CodeDeployHookStatusRequest& request, smoke_hook::Deadline deadline) {
      return clients->second.put_lifecycle_event_hook_execution_status(request, deadline);
    };
    return smoke_hook::make_app(smoke_hook::config_from_environment(), std::move(services), logger);
  });
}
