#pragma once
// What the Lambda Runtime API tells a function about itself and about each invocation.

#include <chrono>
#include <optional>
#include <string>

#include "lift/runtime/init_timing.hpp"

namespace lift::runtime {

// Function configuration that Lambda passes through the environment, read once at init.
struct FunctionMetadata {
  std::string name;                 // AWS_LAMBDA_FUNCTION_NAME
  std::string version;              // AWS_LAMBDA_FUNCTION_VERSION
  int memory_mb = 0;                // AWS_LAMBDA_FUNCTION_MEMORY_SIZE
  std::string log_group;            // AWS_LAMBDA_LOG_GROUP_NAME
  std::string log_stream;           // AWS_LAMBDA_LOG_STREAM_NAME
  std::string region;               // AWS_REGION, else AWS_DEFAULT_REGION
  std::string initialization_type;  // AWS_LAMBDA_INITIALIZATION_TYPE: on-demand, provisioned-concurrency,
                                    // snap-start, lambda-managed-instances
  int max_concurrency = 1;          // AWS_LAMBDA_MAX_CONCURRENCY (Lambda Managed Instances), else 1

  static FunctionMetadata from_environment();
};

// How far ahead a deadline can sensibly be (Lambda's longest timeout is 15 minutes, a durable
// function's wait at most a day). A deadline beyond it, or an absurd one, counts as this far
// away: "far away", never "past", and never a duration that overflows when added to a clock.
inline constexpr std::chrono::hours kDeadlineHorizon{24};

// One invocation's context, from the headers of the Runtime API's /next response.
struct InvocationContext {
  std::string request_id;            // Lambda-Runtime-Aws-Request-Id
  std::chrono::system_clock::time_point deadline;  // Lambda-Runtime-Deadline-Ms
  std::string invoked_function_arn;  // Lambda-Runtime-Invoked-Function-Arn
  std::string trace_id;              // Lambda-Runtime-Trace-Id (X-Ray header), empty when absent
  std::string client_context;        // Lambda-Runtime-Client-Context (JSON text), empty when absent
  std::string cognito_identity;      // Lambda-Runtime-Cognito-Identity (JSON text), empty when absent
  std::string tenant_id;             // Lambda-Runtime-Aws-Tenant-Id, empty when absent
  std::string invocation_id;         // Lambda-Runtime-Invocation-Id, echoed on the reply when present
  // Set on the first invocation a process handles (its cold start): where init time went.
  std::optional<InitTiming> cold_start;

  // Time left before Lambda stops the invocation; zero once the deadline has passed, and never
  // more than kDeadlineHorizon.
  [[nodiscard]] std::chrono::milliseconds remaining() const;
  [[nodiscard]] bool expired() const { return remaining().count() == 0; }
};

// An event to handle: its context and the raw payload (usually JSON).
struct Invocation {
  InvocationContext context;
  std::string payload;
};

}  // namespace lift::runtime
