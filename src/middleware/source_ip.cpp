#include "lift/middleware/source_ip.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/http/message.hpp"

namespace lift::mw {

std::string request_identity_field(const Context& ctx, std::string_view name) {
  const auto* event = ctx.event().if_object();
  const auto* context = event != nullptr ? event->if_contains("requestContext") : nullptr;
  const auto* identity = context != nullptr && context->is_object() ? context->as_object().if_contains("identity") : nullptr;
  const auto* value = identity != nullptr && identity->is_object() ? identity->as_object().if_contains(name) : nullptr;
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::string trusted_source_ip(const Context& ctx) {
  const auto& request = ctx.request();
  switch (request.source) {
    case http::Source::api_gateway_http:
    case http::Source::function_url:
    case http::Source::direct:
      // requestContext.http.sourceIp (or the connection the local server accepted): never a header.
      return request.source_ip;
    case http::Source::api_gateway_rest:
    case http::Source::websocket:
      return request_identity_field(ctx, "sourceIp");  // request.source_ip may have come from X-Forwarded-For
    case http::Source::alb: {
      // The balancer appends the address it saw: the last one. Earlier ones are the client's to write.
      const auto forwarded = request.headers.get("x-forwarded-for");
      if (!forwarded) return {};
      std::string_view last = *forwarded;
      if (const auto comma = last.rfind(','); comma != std::string_view::npos) last.remove_prefix(comma + 1);
      while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
      while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
      return std::string(last);
    }
  }
  return {};
}

}  // namespace lift::mw
