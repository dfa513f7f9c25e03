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

Result<void> read_invocation_headers(const HeaderLookup& header, InvocationContext& out) {
  std::string problem;
  auto note = [&problem](std::string what) {
    if (!problem.empty()) problem += "; ";
    problem += what;
  };
  // Each member is assigned, never rebuilt: a context read again keeps its strings' capacity.
  auto set = [](std::string& member, std::optional<std::string_view> value) {
    if (value) member.assign(*value);
    else member.clear();
  };

  out.request_id.clear();
  if (auto id = header(kRequestId); id && !id->empty()) {
    if (valid_request_id(*id)) out.request_id.assign(*id);
    else note("invalid " + std::string(kRequestId));
  } else {
    note("missing " + std::string(kRequestId));
  }

  out.deadline = {};
  if (auto deadline = header(kDeadlineMs); deadline && !deadline->empty()) {
    if (auto at = parse_deadline(*deadline)) {
      out.deadline = *at;
    } else {
      note("invalid " + std::string(kDeadlineMs) + " '" + std::string(deadline->substr(0, 40)) + "'");
    }
  } else {
    note("missing " + std::string(kDeadlineMs));
  }

  auto arn = header(kFunctionArn);
  if (arn && arn->empty()) arn.reset();
  set(out.invoked_function_arn, arn);
  if (!arn) note("missing " + std::string(kFunctionArn));

  set(out.trace_id, header(kTraceId));
  set(out.client_context, header(kClientContext));
  set(out.cognito_identity, header(kCognitoIdentity));
  set(out.tenant_id, header(kTenantId));
  set(out.invocation_id, header(kInvocationId));
  out.cold_start.reset();

  if (!problem.empty()) return Error{"Runtime.MalformedInvocation", "the Runtime API sent an invalid invocation: " + problem, 502};
  return {};
}

Result<InvocationContext> parse_invocation_headers(const HeaderLookup& header, InvocationContext* partial) {
  InvocationContext context;
  auto read = read_invocation_headers(header, context);
  if (partial != nullptr) *partial = context;
  if (!read) return std::move(read).error();
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
