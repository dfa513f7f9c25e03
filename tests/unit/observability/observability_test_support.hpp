#pragma once
// Shared by the observability tests: a clean environment, captured output, an invocation.

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lift/runtime/context.hpp"
#include "support/scoped_env.hpp"

namespace lift::observability_test {

// Unsets every variable the observability layer reads, for the scope of a test.
class CleanEnv {
 public:
  CleanEnv() {
    for (const char* name :
         {"LIFT_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL", "AWS_LAMBDA_LOG_FORMAT",
          "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOGGER_SAMPLE_RATE", "AWS_LAMBDA_FUNCTION_NAME",
          "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "POWERTOOLS_METRICS_NAMESPACE", "AWS_XRAY_DAEMON_ADDRESS",
          "_X_AMZN_TRACE_ID", "POWERTOOLS_TRACE_DISABLED"})
      vars_.push_back(std::make_unique<testing_support::ScopedEnv>(name, nullptr));
  }

 private:
  std::vector<std::unique_ptr<testing_support::ScopedEnv>> vars_;
};

// Collects what a sink receives.
struct Captured {
  std::vector<std::string> items;
  auto sink() {
    return [this](std::string_view text) { items.emplace_back(text); };
  }
};

inline constexpr const char* kTraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

inline runtime::InvocationContext invocation(std::string request_id = "req-1", std::string trace = kTraceHeader) {
  runtime::InvocationContext context;
  context.request_id = std::move(request_id);
  context.invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:orders";
  context.trace_id = std::move(trace);
  context.deadline = std::chrono::system_clock::now() + std::chrono::seconds(30);
  return context;
}

// Parses strictly (Boost.JSON rejects invalid UTF-8); null when the text is not JSON.
inline boost::json::value parse_or_null(std::string_view text) {
  boost::json::error_code ec;
  auto value = boost::json::parse(text, ec);
  return ec ? boost::json::value() : value;
}

}  // namespace lift::observability_test
