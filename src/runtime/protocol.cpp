#include "lift/runtime/protocol.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>

#include <boost/json.hpp>

namespace lift::runtime::protocol {
namespace {

// Lambda-Runtime-Deadline-Ms as a time point; nullopt when it is not a non-negative integer.
std::optional<std::chrono::system_clock::time_point> parse_deadline(std::string_view text) {
  using namespace std::chrono;
  // Digits only: no sign, no spaces, no exponent.
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::int64_t ms = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  const auto far_away = system_clock::now() + kDeadlineHorizon;
  // Compared in milliseconds, before any conversion: the clock counts nanoseconds, so
  // milliseconds(ms) from 9223372036855 up would overflow it. Beyond the horizon (or beyond
  // 64 bits) the deadline saturates to "far away".
  if (ec == std::errc::result_out_of_range || ms > duration_cast<milliseconds>(far_away.time_since_epoch()).count()) return far_away;
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  // 0 would be InvocationContext's default, which the app reads as "no deadline given"; it is
  // a deadline long past, so 1 ms after the epoch it is.
  return system_clock::time_point(milliseconds(std::max<std::int64_t>(ms, 1)));
}

}  // namespace

std::string invocation_path(std::string_view request_id, std::string_view what) {
  std::string path;
  path.reserve(kInvocationPrefix.size() + request_id.size() + 1 + what.size());
  path.append(kInvocationPrefix).append(request_id).append("/").append(what);
  return path;
}

bool valid_request_id(std::string_view request_id) {
  if (request_id.empty() || request_id.size() > 256) return false;
  for (char c : request_id) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '/' || c == '?' || c == '#' || c == '%') return false;
  }
  return true;
}

Result<InvocationContext> parse_invocation_headers(const HeaderLookup& header, InvocationContext* partial) {
  InvocationContext context;
  std::string problem;
  auto note = [&problem](std::string what) {
    if (!problem.empty()) problem += "; ";
    problem += what;
  };

  if (auto id = header(kRequestId); id && !id->empty()) {
    if (valid_request_id(*id)) context.request_id = std::string(*id);
    else note("invalid " + std::string(kRequestId));
  } else {
    note("missing " + std::string(kRequestId));
  }

  if (auto deadline = header(kDeadlineMs); deadline && !deadline->empty()) {
    if (auto at = parse_deadline(*deadline)) {
      context.deadline = *at;
    } else {
      note("invalid " + std::string(kDeadlineMs) + " '" + std::string(deadline->substr(0, 40)) + "'");
    }
  } else {
    note("missing " + std::string(kDeadlineMs));
  }

  if (auto arn = header(kFunctionArn); arn && !arn->empty()) context.invoked_function_arn = std::string(*arn);
  else note("missing " + std::string(kFunctionArn));

  if (auto v = header(kTraceId)) context.trace_id = std::string(*v);
  if (auto v = header(kClientContext)) context.client_context = std::string(*v);
  if (auto v = header(kCognitoIdentity)) context.cognito_identity = std::string(*v);
  if (auto v = header(kTenantId)) context.tenant_id = std::string(*v);
  if (auto v = header(kInvocationId)) context.invocation_id = std::string(*v);

  if (partial != nullptr) *partial = context;
  if (!problem.empty()) return Error{"Runtime.MalformedInvocation", "the Runtime API sent an invalid invocation: " + problem, 502};
  return context;
}

std::string http_integration_prelude(int status_code, const std::vector<std::pair<std::string, std::string>>& headers,
                                     const std::vector<std::string>& cookies) {
  boost::json::object prelude;
  prelude["statusCode"] = status_code;
  boost::json::object header_object;
  for (const auto& [name, value] : headers) header_object[name] = value;
  prelude["headers"] = std::move(header_object);
  if (!cookies.empty()) {
    boost::json::array cookie_array;
    for (const auto& cookie : cookies) cookie_array.emplace_back(cookie);
    prelude["cookies"] = std::move(cookie_array);
  }
  return boost::json::serialize(prelude);
}

}  // namespace lift::runtime::protocol
