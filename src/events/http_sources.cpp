#include "lift/events/http_sources.hpp"

#include "lift/events/authorizer.hpp"

namespace lift::events {

namespace {

enum class Shape { none, alb, websocket, http_api, function_url, rest };

bool present(const boost::json::object& o, std::string_view key) noexcept {
  const auto* v = o.if_contains(key);
  return v != nullptr && !v->is_null();
}

// Which HTTP source an event is, by its requestContext.
Shape shape_of(const boost::json::value& event) noexcept {
  const auto* context = member_at(event, {"requestContext"});
  if (context == nullptr || !context->is_object()) return Shape::none;
  if (TokenAuthorizer::detect(event) || RequestAuthorizer::detect(event)) return Shape::none;
  const auto& ctx = context->get_object();
  if (present(ctx, "elb")) return Shape::alb;
  if (present(ctx, "connectionId") && present(ctx, "eventType")) return Shape::websocket;
  if (string_member(event, "version") == "2.0" || present(ctx, "http")) {
    if (string_member(*context, "domainName").find(".lambda-url.") != std::string_view::npos) return Shape::function_url;
    return Shape::http_api;
  }
  if (!string_member(event, "httpMethod").empty()) return Shape::rest;
  return Shape::none;
}

void summarize_v2(const boost::json::value& event, Summary& out) {
  out.add("method", string_at(event, {"requestContext", "http", "method"}));
  out.add("path", string_member(event, "rawPath"));
  out.add("domain", string_at(event, {"requestContext", "domainName"}));
}

void summarize_v1(const boost::json::value& event, Summary& out) {
  out.add("method", string_member(event, "httpMethod"));
  out.add("path", string_member(event, "path"));
  out.add("target_group", string_at(event, {"requestContext", "elb", "targetGroupArn"}));
}

}  // namespace

bool Alb::detect(const boost::json::value& event) noexcept { return shape_of(event) == Shape::alb; }
void Alb::summarize(const boost::json::value& event, Summary& out) { summarize_v1(event, out); }

bool ApiGatewayWebSocket::detect(const boost::json::value& event) noexcept { return shape_of(event) == Shape::websocket; }
void ApiGatewayWebSocket::summarize(const boost::json::value& event, Summary& out) {
  out.add("route_key", string_at(event, {"requestContext", "routeKey"}));
  out.add("event_type", string_at(event, {"requestContext", "eventType"}));
  out.add("connection_id", string_at(event, {"requestContext", "connectionId"}));
}

bool ApiGatewayHttp::detect(const boost::json::value& event) noexcept { return shape_of(event) == Shape::http_api; }
void ApiGatewayHttp::summarize(const boost::json::value& event, Summary& out) { summarize_v2(event, out); }

bool FunctionUrl::detect(const boost::json::value& event) noexcept { return shape_of(event) == Shape::function_url; }
void FunctionUrl::summarize(const boost::json::value& event, Summary& out) { summarize_v2(event, out); }

bool ApiGatewayRest::detect(const boost::json::value& event) noexcept { return shape_of(event) == Shape::rest; }
void ApiGatewayRest::summarize(const boost::json::value& event, Summary& out) { summarize_v1(event, out); }

}  // namespace lift::events
