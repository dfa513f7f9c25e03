// Fuzzes the reading of a /next answer's headers: the input is split at NUL bytes into the
// values of the eight invocation headers. Any input gives a context or the typed error, and a
// context always has a request id that is safe in a URL path.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "lift/runtime/protocol.hpp"

namespace protocol = lift::runtime::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::array<std::string_view, 8> names{protocol::kRequestId,      protocol::kDeadlineMs,
                                                  protocol::kFunctionArn,    protocol::kTraceId,
                                                  protocol::kClientContext,  protocol::kCognitoIdentity,
                                                  protocol::kTenantId,       protocol::kInvocationId};
  std::array<std::optional<std::string_view>, 8> values;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (std::size_t i = 0; i < values.size() && !rest.empty(); ++i) {
    const auto end = rest.find('\0');
    const auto value = rest.substr(0, end);
    if (value != "-") values[i] = value;  // "-" stands for an absent header
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  auto lookup = [&](std::string_view name) -> std::optional<std::string_view> {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return values[i];
    }
    return std::nullopt;
  };
  lift::runtime::InvocationContext partial;
  auto context = protocol::parse_invocation_headers(lookup, &partial);
  if (context) {
    if (!protocol::valid_request_id(context->request_id)) std::abort();
  } else if (context.error().code != "Runtime.MalformedInvocation") {
    std::abort();
  }
  return 0;
}
