#pragma once
// Names and encodings of the Lambda Runtime API 2018-06-01 and Extensions API 2020-01-01,
// shared by the runtime client and the local emulator.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/runtime/context.hpp"

namespace lift::runtime::protocol {

inline constexpr std::string_view kNextPath = "/2018-06-01/runtime/invocation/next";
inline constexpr std::string_view kInvocationPrefix = "/2018-06-01/runtime/invocation/";
inline constexpr std::string_view kInitErrorPath = "/2018-06-01/runtime/init/error";
inline constexpr std::string_view kExtensionRegisterPath = "/2020-01-01/extension/register";
inline constexpr std::string_view kExtensionNextPath = "/2020-01-01/extension/event/next";

inline constexpr std::string_view kRequestId = "Lambda-Runtime-Aws-Request-Id";
inline constexpr std::string_view kDeadlineMs = "Lambda-Runtime-Deadline-Ms";
inline constexpr std::string_view kFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";
inline constexpr std::string_view kTraceId = "Lambda-Runtime-Trace-Id";
inline constexpr std::string_view kClientContext = "Lambda-Runtime-Client-Context";
inline constexpr std::string_view kCognitoIdentity = "Lambda-Runtime-Cognito-Identity";
inline constexpr std::string_view kTenantId = "Lambda-Runtime-Aws-Tenant-Id";
inline constexpr std::string_view kInvocationId = "Lambda-Runtime-Invocation-Id";
inline constexpr std::string_view kErrorType = "Lambda-Runtime-Function-Error-Type";
inline constexpr std::string_view kErrorBody = "Lambda-Runtime-Function-Error-Body";
inline constexpr std::string_view kResponseMode = "Lambda-Runtime-Function-Response-Mode";
inline constexpr std::string_view kExtensionName = "Lambda-Extension-Name";
inline constexpr std::string_view kExtensionIdentifier = "Lambda-Extension-Identifier";

inline constexpr std::string_view kHttpIntegrationContentType = "application/vnd.awslambda.http-integration-response";
inline constexpr std::size_t kPreludeDelimiterBytes = 8;

// `/2018-06-01/runtime/invocation/<id>/<what>` where what is "response" or "error".
std::string invocation_path(std::string_view request_id, std::string_view what);

// Reads one header of the /next response by (case-insensitive) name; nullopt when absent.
using HeaderLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

// Builds the invocation context from the /next headers. The request id, deadline and
// function ARN are required; a missing or malformed one gives Runtime.MalformedInvocation
// (`partial` still receives whatever could be read, so the error can be reported for it).
// The deadline is milliseconds since the epoch, digits only; one more than kDeadlineHorizon
// away, however large, is read as that far away.
Result<InvocationContext> parse_invocation_headers(const HeaderLookup& header, InvocationContext* partial = nullptr);
// The same into `out`, which holds what could be read either way; its strings are assigned, so
// a context read again and again (the runtime's loop) allocates nothing once they have grown.
Result<void> read_invocation_headers(const HeaderLookup& header, InvocationContext& out);

// The JSON prelude of an HTTP-integration streaming response: {"statusCode","headers","cookies"}.
std::string http_integration_prelude(int status_code, const std::vector<std::pair<std::string, std::string>>& headers,
                                     const std::vector<std::string>& cookies);

// A request id that is safe to place in a URL path segment (no '/', no control characters).
bool valid_request_id(std::string_view request_id);

}  // namespace lift::runtime::protocol
