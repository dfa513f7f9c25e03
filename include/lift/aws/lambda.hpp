#pragma once
// AWS Lambda's Invoke over its REST-JSON protocol (POST /2015-03-31/functions/{name}/invocations,
// SigV4 service "lambda"): synchronous (RequestResponse), asynchronous (Event) and DryRun
// invocations of a function, a version or an alias, with a client context and the log tail.
// Retried by the standard policy (throttling, 5xx, lost connections) and bounded by the
// caller's deadline.
//
//   auto lambda = lift::aws::LambdaClient::create();
//   if (!lambda) return lambda.error();
//   auto answer = lambda->invoke({.function_name = "todo-api", .qualifier = "live",
//                                 .payload = R"({"rawPath":"/health"})"}, deadline);
//   if (!answer) return answer.error();               // Lambda refused or could not run it
//   if (answer->function_failed()) return lift::aws::lambda_function_error(*answer);
//   // answer->payload: what the function returned
//
// A function that fails (throws, times out, runs out of memory) is not a failed call: Lambda
// answers 200 with X-Amz-Function-Error, and the result carries the function's error document
// in `payload` and the kind in `function_error`.
//
// Thread safety: a client's settings are fixed once created and it sends over a thread-safe
// HTTP client and credentials chain; share one across every worker of lift::run(app).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "Lambda." and the AWS error name without its "Exception" suffix; those callers
// act on are named here. Others are kept ("Lambda.EC2Unexpected", "Lambda.KMSAccessDenied", ...).
inline constexpr std::string_view kLambdaResourceNotFound = "Lambda.ResourceNotFound";
inline constexpr std::string_view kLambdaTooManyRequests = "Lambda.TooManyRequests";  // 429, retried
inline constexpr std::string_view kLambdaAccessDenied = "Lambda.AccessDenied";
// A payload over Lambda's limit: answered without a call when lift sees it, else Lambda's own.
inline constexpr std::string_view kLambdaRequestTooLarge = "Lambda.RequestTooLarge";
inline constexpr std::string_view kLambdaInvalidRequestContent = "Lambda.InvalidRequestContent";
// A request Lambda would refuse, answered without a call (no function name, a bad qualifier, ...).
inline constexpr std::string_view kLambdaValidation = "Lambda.Validation";
// What lambda_function_error() makes of a function's own failure.
inline constexpr std::string_view kLambdaFunctionError = "Lambda.FunctionError";
// An answer that is not Lambda's (status kept, 502 for a 2xx).
inline constexpr std::string_view kLambdaMalformedResponse = "Lambda.MalformedResponse";

// Lambda's payload limits: 6 MB for a synchronous invocation (request and answer), 1 MB for an
// asynchronous one.
inline constexpr std::size_t kLambdaMaxSyncPayloadBytes = 6 * 1024 * 1024;
inline constexpr std::size_t kLambdaMaxAsyncPayloadBytes = 1024 * 1024;
// The client context as sent (base64).
inline constexpr std::size_t kLambdaMaxClientContextBytes = 3583;

using LambdaOptions = ServiceOptions;

enum class LambdaInvocationType {
  request_response,  // waits for the function's answer (HTTP 200)
  event,             // queued for an asynchronous invocation (HTTP 202)
  dry_run,           // checks the caller may invoke it, runs nothing (HTTP 204)
};

struct LambdaInvokeRequest {
  // A name ("todo-api"), a name with a version or alias ("todo-api:7"), a partial ARN
  // ("123456789012:function:todo-api") or a full ARN, with or without a qualifier.
  std::string function_name{};
  // The event, JSON text (Lambda refuses anything else); empty: none ({} for the function).
  std::string payload{};
  LambdaInvocationType invocation_type = LambdaInvocationType::request_response;
  // A version or alias; empty: the one in function_name, else $LATEST. Lambda refuses a
  // qualifier that differs from the one in function_name.
  std::string qualifier{};
  // Return the last 4 KB of the invocation's log (synchronous invocations only).
  bool log_tail = false;
  // The ClientContext the function sees (JSON text, e.g. {"custom":{...}}); sent base64.
  std::string client_context{};
  // For a function with tenant isolation: the tenant the invocation runs for.
  std::string tenant_id{};
};

struct LambdaInvokeResult {
  int status_code = 0;     // 200 (RequestResponse), 202 (Event), 204 (DryRun)
  std::string payload{};   // the function's answer, or its error document when it failed
  // "Unhandled" (an uncaught error, a timeout, a crash) or "Handled"; unset when it succeeded.
  std::optional<std::string> function_error{};
  std::string log_tail{};          // decoded; with log_tail only
  std::string executed_version{};  // the version that ran ("$LATEST", "7")

  [[nodiscard]] bool function_failed() const noexcept { return function_error.has_value(); }
};

class LambdaClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  // Endpoint: options.endpoint, else AWS_ENDPOINT_URL_LAMBDA, AWS_ENDPOINT_URL, the profile's
  // setting, else https://lambda.<region>.amazonaws.com.
  static Result<LambdaClient> create(LambdaOptions options = {});

  LambdaClient(LambdaClient&&) noexcept;
  LambdaClient& operator=(LambdaClient&&) noexcept;
  ~LambdaClient();

  // Invokes the function. Errors: kLambdaValidation and kLambdaRequestTooLarge without a call;
  // Lambda's refusals (kLambdaResourceNotFound, kLambdaTooManyRequests once retries are spent,
  // ...); "aws.deadline_exceeded" when the deadline leaves no time for an attempt.
  Result<LambdaInvokeResult> invoke(const LambdaInvokeRequest& request, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit LambdaClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A function's failure as an Error coded kLambdaFunctionError (status 502): the message is the
// error document's errorType and errorMessage ("Runtime.ExitError: exit status 1") when it has
// them, else the kind ("Unhandled"). `result` must have failed (function_failed()).
Error lambda_function_error(const LambdaInvokeResult& result);

// Pure halves, for tests and fuzzing.
// The request's path and query ("/2015-03-31/functions/<name>/invocations[?Qualifier=q]", the
// name percent-encoded) and its headers (the body is the payload as it is). Errors:
// kLambdaValidation, kLambdaRequestTooLarge (413).
struct LambdaInvokeHttp {
  std::string path{};
  std::vector<std::pair<std::string, std::string>> headers{};
};
Result<LambdaInvokeHttp> lambda_invoke_http(const LambdaInvokeRequest& request);
// A 2xx answer: its status, the X-Amz-Function-Error, X-Amz-Log-Result (base64) and
// X-Amz-Executed-Version headers and the body. Errors: kLambdaMalformedResponse (502) for a
// status other than 200/202/204 or a log result that is not base64.
Result<LambdaInvokeResult> parse_lambda_invoke(int status, std::string_view function_error, std::string_view log_result,
                                               std::string_view executed_version, std::string body);
// Lambda's error answer as an Error coded as described above; `error_type` is the
// x-amzn-ErrorType header. Never fails.
Error parse_lambda_error(int http_status, std::string_view body, std::string_view error_type = {});

}  // namespace lift::aws
