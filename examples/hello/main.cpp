// examples/hello: the smallest lift function.
//   GET /hello?name=X  ->  200 {"message":"hello, X"}
// It answers API Gateway (REST and HTTP APIs), ALB and Function URL events with a bare
// runtime handler; the app layer will give it a router.

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "lift/runtime/runtime.hpp"

namespace json = boost::json;

namespace {

std::string_view string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string_view(value->get_string()) : std::string_view();
}

const json::object* object_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

lift::runtime::Response http_response(int status, json::object body, json::object headers = {}) {
  headers["content-type"] = "application/json";
  json::object response;
  response["statusCode"] = status;
  response["headers"] = std::move(headers);
  response["body"] = json::serialize(body);
  response["isBase64Encoded"] = false;
  return {json::serialize(response), "application/json"};
}

lift::runtime::Response http_error(int status, std::string_view code, std::string message, std::string_view request_id,
                                   json::object headers = {}) {
  json::object error;
  error["code"] = code;
  error["message"] = std::move(message);
  error["request_id"] = request_id;
  json::object body;
  body["error"] = std::move(error);
  return http_response(status, std::move(body), std::move(headers));
}

lift::Result<lift::runtime::Response> hello(const lift::runtime::Invocation& invocation) {
  json::error_code ec;
  const json::value event = json::parse(invocation.payload, ec);
  if (ec || !event.is_object())
    return lift::Error{"InvalidEvent", "the event is not a JSON object", 400};
  const auto& request = event.get_object();
  const auto& request_id = invocation.context.request_id;

  // HTTP API (v2) and Function URLs carry requestContext.http; REST APIs and ALB carry httpMethod/path.
  std::string_view method = string_at(request, "httpMethod");
  std::string_view path = string_at(request, "rawPath");
  if (const auto* context = object_at(request, "requestContext")) {
    if (const auto* http = object_at(*context, "http")) method = string_at(*http, "method");
  }
  if (path.empty()) path = string_at(request, "path");
  if (method.empty() || path.empty())
    return lift::Error{"InvalidEvent", "not an HTTP event: expected API Gateway, ALB or Function URL", 400};

  if (path != "/hello") return http_error(404, "not_found", "no route for " + std::string(path), request_id);
  if (method != "GET" && method != "HEAD") {
    json::object allow;
    allow["allow"] = "GET, HEAD";
    return http_error(405, "method_not_allowed", std::string(method) + " is not allowed", request_id, std::move(allow));
  }

  std::string_view name = "world";
  if (const auto* query = object_at(request, "queryStringParameters")) {
    if (auto given = string_at(*query, "name"); !given.empty()) name = given;
  }
  json::object body;
  body["message"] = "hello, " + std::string(name);
  return http_response(200, std::move(body));
}

}  // namespace

int main() { return lift::runtime::run(hello); }
