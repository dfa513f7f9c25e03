#pragma once
// The client's address as the event's request context gives it, for middleware that decide by
// address (the IP allow-list, rate limits by IP). Never a header a client can write:
//   HTTP API, Function URL    requestContext.http.sourceIp
//   REST API, WebSocket API   requestContext.identity.sourceIp (X-Forwarded-For there is the
//                             client's to write: API Gateway passes it on)
//   Application Load Balancer the last address of X-Forwarded-For: the balancer appends the
//                             address it saw; earlier ones came from the client
//   direct (lift dev, tests)  the connection's address
// Empty when the request has none.
//
// Thread safety: pure functions of the request.

#include <string>
#include <string_view>

#include "lift/app/context.hpp"

namespace lift::mw {

std::string trusted_source_ip(const Context& ctx);
// requestContext.identity.<name> of a REST or WebSocket event ("sourceIp", "apiKey"), else empty.
std::string request_identity_field(const Context& ctx, std::string_view name);

}  // namespace lift::mw
