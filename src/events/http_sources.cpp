#include "lift/events/http_sources.hpp"

#include <chrono>

#include "lift/core/random.hpp"
#include "lift/core/utf8.hpp"
#include "lift/core/uuid.hpp"
#include "lift/events/authorizer.hpp"
#include "lift/events/http_events.hpp"

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

// A sample request from the options, with the headers a client (curl) and the front end add.
Result<HttpRequestDescription> request_of(const HttpSampleOptions& options, std::string_view domain, HttpHeaderList front_end) {
  HttpHeaderList defaults{{"Accept", "*/*"}, {"Host", std::string(domain)}, {"User-Agent", "curl/8.5.0"}};
  defaults.insert(defaults.end(), front_end.begin(), front_end.end());
  auto request = sample_request(options.method, options.path, options.query, options.header, std::move(defaults));
  if (!request) return request;
  request->body = options.body;
  request->domain_name = domain;
  request->time = std::chrono::system_clock::now();
  request->account_id = kSampleAccount;
  return request;
}

// What API Gateway adds to a request, on every HTTP API, REST API and function URL.
HttpHeaderList api_gateway_headers() {
  return {{"X-Amzn-Trace-Id", sample_trace_id()}, {"X-Forwarded-For", "203.0.113.10"}, {"X-Forwarded-Port", "443"},
          {"X-Forwarded-Proto", "https"}};
}

// An HTTP API or function URL request: the same payload 2.0 event on another domain.
Result<boost::json::value> payload_v2_sample(const HttpSampleOptions& options, bool function_url) {
  const std::string id = random_hex(function_url ? 32 : 10);
  const std::string domain = id + (function_url ? ".lambda-url.us-east-1.on.aws" : ".execute-api.us-east-1.amazonaws.com");
  auto request = request_of(options, domain, api_gateway_headers());
  if (!request) return std::move(request).error();
  request->api_id = id;
  // A function URL without IAM auth names no caller account; its request ids are UUIDs, an
  // HTTP API's are short base64 ones.
  if (function_url) request->account_id = "anonymous";
  request->request_id = function_url ? uuid() : random_hex(15) + "=";
  return http_api_event(*request);
}

}  // namespace

Result<boost::json::value> ApiGatewayHttp::sample(const SampleOptions& options) { return payload_v2_sample(options, false); }

Result<boost::json::value> FunctionUrl::sample(const SampleOptions& options) { return payload_v2_sample(options, true); }

Result<boost::json::value> ApiGatewayRest::sample(const SampleOptions& options) {
  const std::string id = random_hex(10);
  auto request = request_of(options, id + ".execute-api.us-east-1.amazonaws.com", api_gateway_headers());
  if (!request) return std::move(request).error();
  request->api_id = id;
  request->stage = "prod";
  request->request_id = uuid();
  return rest_api_event(*request);
}

Result<boost::json::value> Alb::sample(const SampleOptions& options) {
  auto request = request_of(options, "lift-alb-1234567890.us-east-1.elb.amazonaws.com",
                            {{"Connection", "keep-alive"}, {"X-Amzn-Trace-Id", sample_trace_id()},
                             {"X-Forwarded-For", "203.0.113.10"}, {"X-Forwarded-Port", "80"}, {"X-Forwarded-Proto", "http"}});
  if (!request) return std::move(request).error();
  const std::string target_group =
      "arn:aws:elasticloadbalancing:us-east-1:" + std::string(kSampleAccount) + ":targetgroup/lift-target/" + random_hex(16);
  return alb_event(*request, target_group);
}

Result<boost::json::value> ApiGatewayWebSocket::sample(const SampleOptions& options) {
  const auto& type = options.event_type;
  if (type != "CONNECT" && type != "MESSAGE" && type != "DISCONNECT") {
    return invalid_sample("the event type is CONNECT, MESSAGE or DISCONNECT, not \"" + type + "\"");
  }
  if (type == "MESSAGE" && options.route_key.empty()) return invalid_sample("a message's route key is empty");
  if (options.connection_id && options.connection_id->empty()) return invalid_sample("the connection id is empty");
  HttpRequestDescription request;
  request.api_id = random_hex(10);
  request.domain_name = request.api_id + ".execute-api.us-east-1.amazonaws.com";
  request.stage = "prod";
  request.account_id = kSampleAccount;
  request.request_id = random_hex(15) + "=";
  request.time = std::chrono::system_clock::now();
  // The handshake's headers, which CONNECT and DISCONNECT events carry.
  request.headers = {{"Host", request.domain_name},
                     {"Sec-WebSocket-Key", random_hex(22) + "=="},
                     {"Sec-WebSocket-Version", "13"},
                     {"X-Amzn-Trace-Id", sample_trace_id()},
                     {"X-Forwarded-For", "203.0.113.10"},
                     {"X-Forwarded-Port", "443"},
                     {"X-Forwarded-Proto", "https"}};
  request.body = options.body;
  WebSocketEventInfo info;
  info.event_type = type;
  info.route_key = type == "CONNECT" ? "$connect" : type == "DISCONNECT" ? "$disconnect" : options.route_key;
  info.connection_id = options.connection_id.value_or(random_hex(15) + "=");
  info.connected_at = request.time - std::chrono::milliseconds(1500);
  info.message_id = random_hex(15) + "=";
  info.disconnect_reason = "Client-side close frame status not set";
  info.user_agent = "wscat/6.0";
  return websocket_event(request, info, !valid_utf8(options.body));
}

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
