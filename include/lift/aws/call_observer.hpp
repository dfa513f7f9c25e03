#pragma once
// A hook around every call the service clients make (DynamoDB, Secrets Manager, SSM, API
// Gateway Management), for tracing and metrics without the aws layer knowing either: set it on
// the HttpClient the clients share (HttpClientOptions::observer).
//
// For each call, begin() runs before the first attempt and the scope it returns lives until the
// call ends: its trace_header() goes out on every attempt as X-Amzn-Trace-Id, and end() gets the
// outcome (after the retries). The observability middleware provides one that records X-Ray
// subsegments (lift/middleware/observability.hpp).

#include <chrono>
#include <memory>
#include <string>

namespace lift::aws {

struct CallInfo {
  std::string service{};    // "DynamoDB", "SecretsManager", "SSM", "ApiGatewayManagement"
  std::string operation{};  // "GetItem" (the X-Amz-Target's action), or "POST /@connections/{id}"
  std::string region{};
  std::string table_name{};  // DynamoDB calls naming one table; else empty
};

struct CallOutcome {
  int status = 0;          // the last answer's HTTP status; 0 when none came
  int attempts = 1;        // retries = attempts - 1
  std::string request_id{};  // x-amzn-RequestId of the last answer
  std::string error_code{};  // empty on success
  bool throttled = false;
};

class CallScope {
 public:
  virtual ~CallScope() = default;
  // The X-Amzn-Trace-Id value for this call's requests; empty: none is sent.
  [[nodiscard]] virtual std::string trace_header() const = 0;
  virtual void end(const CallOutcome& outcome) noexcept = 0;
};

class CallObserver {
 public:
  virtual ~CallObserver() = default;
  // Null: nothing to observe for this call (no trace, not sampled).
  virtual std::unique_ptr<CallScope> begin(const CallInfo& call) = 0;
};

}  // namespace lift::aws
