#include "lift/events/detect.hpp"

#include <array>
#include <boost/json/value.hpp>
#include <utility>

namespace lift::events {

namespace {

constexpr std::array<std::pair<Kind, std::string_view>, 17> kNames{{
    {Kind::apigw_rest, "apigw-rest"},
    {Kind::apigw_http, "apigw-http"},
    {Kind::alb, "alb"},
    {Kind::function_url, "function-url"},
    {Kind::apigw_websocket, "apigw-websocket"},
    {Kind::sqs, "sqs"},
    {Kind::sns, "sns"},
    {Kind::s3, "s3"},
    {Kind::eventbridge, "eventbridge"},
    {Kind::scheduled, "scheduled"},
    {Kind::dynamodb_stream, "dynamodb-stream"},
    {Kind::kinesis, "kinesis"},
    {Kind::cloudwatch_logs, "cloudwatch-logs"},
    {Kind::authorizer_token, "authorizer-token"},
    {Kind::authorizer_request, "authorizer-request"},
    {Kind::cognito, "cognito"},
    {Kind::unknown, "unknown"},
}};

// The string member `key` of `o`, or empty when absent or not a string.
std::string_view string_at(const boost::json::object& o, std::string_view key) noexcept {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->get_string();
}

bool has(const boost::json::object& o, std::string_view key) noexcept {
  const auto* v = o.if_contains(key);
  return v != nullptr && !v->is_null();
}

Kind from_records(const boost::json::array& records) noexcept {
  const auto* first = records.front().if_object();
  if (first == nullptr) return Kind::unknown;
  auto source = string_at(*first, "eventSource");
  if (source.empty()) source = string_at(*first, "EventSource");
  if (source == "aws:sqs") return Kind::sqs;
  if (source == "aws:sns") return Kind::sns;
  if (source == "aws:s3") return Kind::s3;
  if (source == "aws:dynamodb") return Kind::dynamodb_stream;
  if (source == "aws:kinesis") return Kind::kinesis;
  return Kind::unknown;
}

Kind from_request_context(const boost::json::object& event, const boost::json::object& context) noexcept {
  if (has(context, "elb")) return Kind::alb;
  if (has(context, "connectionId") && has(context, "eventType")) return Kind::apigw_websocket;
  if (string_at(event, "version") == "2.0" || has(context, "http")) {
    if (string_at(context, "domainName").find(".lambda-url.") != std::string_view::npos) return Kind::function_url;
    return Kind::apigw_http;
  }
  if (!string_at(event, "httpMethod").empty()) return Kind::apigw_rest;
  return Kind::unknown;
}

}  // namespace

std::string_view to_string(Kind kind) noexcept {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<Kind> kind_from_string(std::string_view name) noexcept {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

Kind detect(const boost::json::value& event) noexcept {
  const auto* o = event.if_object();
  if (o == nullptr) return Kind::unknown;

  if (const auto* records = o->if_contains("Records")) {
    if (const auto* array = records->if_array(); array != nullptr && !array->empty()) return from_records(*array);
  }
  if (const auto* logs = o->if_contains("awslogs")) {
    if (const auto* inner = logs->if_object(); inner != nullptr && !string_at(*inner, "data").empty()) return Kind::cloudwatch_logs;
  }
  const auto type = string_at(*o, "type");
  if (type == "TOKEN" && has(*o, "authorizationToken") && has(*o, "methodArn")) return Kind::authorizer_token;
  if (type == "REQUEST" && (has(*o, "methodArn") || has(*o, "routeArn"))) return Kind::authorizer_request;
  if (!string_at(*o, "triggerSource").empty() && !string_at(*o, "userPoolId").empty()) return Kind::cognito;

  const auto detail_type = string_at(*o, "detail-type");
  if (!detail_type.empty() && !string_at(*o, "source").empty() && o->contains("detail")) {
    if (detail_type == "Scheduled Event" && string_at(*o, "source") == "aws.events") return Kind::scheduled;
    return Kind::eventbridge;
  }
  if (const auto* context = o->if_contains("requestContext")) {
    if (const auto* ctx = context->if_object()) return from_request_context(*o, *ctx);
  }
  return Kind::unknown;
}

}  // namespace lift::events
