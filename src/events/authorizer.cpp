#include "lift/events/authorizer.hpp"

#include <chrono>

#include "lift/core/uuid.hpp"
#include "lift/events/http_events.hpp"

namespace lift::events {

namespace {

Result<void> check_type(const std::string& type, std::string_view expected) {
  if (type == expected) return {};
  std::string problem = "expected \"";
  problem.append(expected).append("\"");
  return invalid_event("type", problem);
}

}  // namespace

void lift_rules(lift::json::Rules<TokenAuthorizerEvent>& r) {
  r.field(&TokenAuthorizerEvent::type).required();
  r.field(&TokenAuthorizerEvent::authorizationToken).required();
  r.field(&TokenAuthorizerEvent::methodArn).required();
}

void lift_rules(lift::json::Rules<RequestAuthorizerEvent>& r) {
  r.field(&RequestAuthorizerEvent::type).required();
  r.field(&RequestAuthorizerEvent::methodArn).required();
}

void lift_rules(lift::json::Rules<RequestAuthorizerV2Event>& r) {
  r.field(&RequestAuthorizerV2Event::type).required();
  r.field(&RequestAuthorizerV2Event::version).required();
  r.field(&RequestAuthorizerV2Event::routeArn).required();
}

Result<TokenAuthorizerEvent> parse_token_authorizer(const boost::json::value& event) {
  auto out = parse_event<TokenAuthorizerEvent>(event);
  if (!out) return out;
  if (auto checked = check_type(out->type, "TOKEN"); !checked) return std::move(checked).error();
  return out;
}

Result<RequestAuthorizerEvent> parse_request_authorizer(const boost::json::value& event) {
  auto out = parse_event<RequestAuthorizerEvent>(event);
  if (!out) return out;
  if (auto checked = check_type(out->type, "REQUEST"); !checked) return std::move(checked).error();
  return out;
}

Result<RequestAuthorizerV2Event> parse_request_authorizer_v2(const boost::json::value& event) {
  auto out = parse_event<RequestAuthorizerV2Event>(event);
  if (!out) return out;
  if (auto checked = check_type(out->type, "REQUEST"); !checked) return std::move(checked).error();
  if (out->version != "2.0") return invalid_event("version", "expected \"2.0\"");
  return out;
}

Result<AnyRequestAuthorizerEvent> parse_any_request_authorizer(const boost::json::value& event) {
  const auto* object = event.if_object();
  const auto* version = object != nullptr ? object->if_contains("version") : nullptr;
  if (version != nullptr && version->is_string() && version->get_string() == "2.0") {
    auto v2 = parse_request_authorizer_v2(event);
    if (!v2) return std::move(v2).error();
    return AnyRequestAuthorizerEvent(std::move(*v2));
  }
  auto v1 = parse_request_authorizer(event);
  if (!v1) return std::move(v1).error();
  return AnyRequestAuthorizerEvent(std::move(*v1));
}

IamPolicyResponse IamPolicyResponse::allow(std::string principal_id, std::string resource) {
  IamPolicyResponse out;
  out.principalId = std::move(principal_id);
  out.with_statement("Allow", {std::move(resource)});
  return out;
}

IamPolicyResponse IamPolicyResponse::deny(std::string principal_id, std::string resource) {
  IamPolicyResponse out;
  out.principalId = std::move(principal_id);
  out.with_statement("Deny", {std::move(resource)});
  return out;
}

IamPolicyResponse& IamPolicyResponse::with_statement(std::string effect, std::vector<std::string> resources) {
  PolicyStatement statement;
  statement.Effect = std::move(effect);
  statement.Resource = std::move(resources);
  policyDocument.Statement.push_back(std::move(statement));
  return *this;
}

std::string method_arn_wildcard(std::string_view method_arn) {
  // arn:aws:execute-api:region:account:api-id/stage/METHOD/path...
  const auto parts = split_arn(method_arn);
  if (!parts) return std::string(method_arn);
  const auto api_end = parts->resource.find('/');
  if (api_end == std::string_view::npos) return std::string(method_arn);
  const auto stage_end = parts->resource.find('/', api_end + 1);
  const auto prefix_size = static_cast<std::size_t>(parts->resource.data() - method_arn.data()) +
                           (stage_end == std::string_view::npos ? parts->resource.size() : stage_end);
  std::string out(method_arn.substr(0, prefix_size));
  out += "/*/*";
  return out;
}

namespace {

bool present(const boost::json::value& event, std::string_view name) noexcept {
  const auto* member = member_at(event, {name});
  return member != nullptr && !member->is_null();
}

}  // namespace

bool TokenAuthorizer::detect(const boost::json::value& event) noexcept {
  return string_member(event, "type") == "TOKEN" && present(event, "authorizationToken") && present(event, "methodArn");
}

void TokenAuthorizer::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_token_authorizer(event));
  out.add("method_arn", string_member(event, "methodArn"));
}

bool RequestAuthorizer::detect(const boost::json::value& event) noexcept {
  return string_member(event, "type") == "REQUEST" && (present(event, "methodArn") || present(event, "routeArn"));
}

void RequestAuthorizer::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_any_request_authorizer(event));
  out.add("version", string_member(event, "version"));
  out.add("method_arn", string_member(event, "methodArn"));
  out.add("route_arn", string_member(event, "routeArn"));
}

bool RequestAuthorizer::matches(std::string_view pattern, const Record& event) noexcept {
  const std::string& arn =
      std::holds_alternative<RequestAuthorizerEvent>(event) ? std::get<RequestAuthorizerEvent>(event).methodArn
                                                             : std::get<RequestAuthorizerV2Event>(event).routeArn;
  return name_or_arn(pattern, arn, arn);
}

std::string RequestAuthorizer::describe(const Record& event) {
  if (const auto* v1 = std::get_if<RequestAuthorizerEvent>(&event)) return "the REQUEST authorizer call (payload 1.0) for " + v1->methodArn;
  return "the REQUEST authorizer call (payload 2.0) for " + std::get<RequestAuthorizerV2Event>(event).routeArn;
}

// ---- samples ----

namespace {

constexpr std::string_view kSampleApi = "abcdef1234";

// The ARN of a method (or an HTTP API's route) of the sample API: .../prod/GET/pets.
std::string execute_api_arn(std::string_view stage, std::string_view method, std::string_view path) {
  return "arn:aws:execute-api:us-east-1:" + std::string(kSampleAccount) + ":" + std::string(kSampleApi) + "/" + std::string(stage) +
         "/" + std::string(method) + std::string(path);
}

}  // namespace

Result<boost::json::value> TokenAuthorizer::sample(const SampleOptions& options) {
  if (options.token.empty()) return invalid_sample("the token is empty");
  if (options.method_arn && !options.method_arn->starts_with("arn:")) {
    return invalid_sample("the method ARN is an ARN (arn:aws:execute-api:...), not \"" + *options.method_arn + "\"");
  }
  return boost::json::value{{"type", "TOKEN"},
                            {"authorizationToken", options.token},
                            {"methodArn", options.method_arn.value_or(execute_api_arn("prod", "GET", "/"))}};
}

Result<boost::json::value> RequestAuthorizer::sample(const SampleOptions& options) {
  if (options.version != "1.0" && options.version != "2.0") {
    return invalid_sample("the payload version is 1.0 or 2.0, not \"" + options.version + "\"");
  }
  const bool v2 = options.version == "2.0";
  const std::string domain = std::string(kSampleApi) + ".execute-api.us-east-1.amazonaws.com";
  auto request = sample_request(options.method, options.path, {}, options.header,
                                {{"Accept", "*/*"}, {"Authorization", "Bearer allow"}, {"Host", domain}, {"User-Agent", "curl/8.5.0"}});
  if (!request) return std::move(request).error();
  request->api_id = kSampleApi;
  request->domain_name = domain;
  request->account_id = kSampleAccount;
  request->request_id = uuid();
  request->time = std::chrono::system_clock::now();
  request->stage = v2 ? "$default" : "prod";
  // The request's event without its body, and what names the call.
  boost::json::object event = v2 ? http_api_event(*request) : rest_api_event(*request);
  event.erase("body");
  event.erase("isBase64Encoded");
  event["type"] = "REQUEST";
  if (v2) {
    const std::string route_key = request->method + " " + options.path;
    event["routeArn"] = execute_api_arn("$default", request->method, request->path);
    const auto authorization = header_value(request->headers, "authorization");
    event["identitySource"] = authorization.empty() ? boost::json::array{} : boost::json::array{boost::json::string(authorization)};
    event["routeKey"] = route_key;
    event["requestContext"].as_object()["routeKey"] = route_key;
  } else {
    event["methodArn"] = execute_api_arn("prod", request->method, request->path);
  }
  return boost::json::value(std::move(event));
}

}  // namespace lift::events
