#pragma once
// API Gateway Lambda authorizers: the events (TOKEN, REQUEST for REST and WebSocket APIs,
// REQUEST payload 2.0 for HTTP APIs) and the answers (an IAM policy, or the HTTP API "simple"
// response).
//
//   auto event = lift::events::parse_token_authorizer(json);
//   if (valid(event->authorizationToken))
//     return lift::events::IamPolicyResponse::allow("user-1", event->methodArn)
//         .with_context("tenant", "acme").with_context("tier", 2);
//   return lift::events::IamPolicyResponse::deny("anonymous", event->methodArn);

#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/events/common.hpp"

namespace lift::events {

// ---- events ----

// {"type":"TOKEN","authorizationToken":"...","methodArn":"..."}
struct TokenAuthorizerEvent {
  std::string type;
  std::string authorizationToken;
  std::string methodArn;
};
BOOST_DESCRIBE_STRUCT(TokenAuthorizerEvent, (), (type, authorizationToken, methodArn))

// REQUEST authorizer of a REST or WebSocket API (payload 1.0).
struct RequestAuthorizerEvent {
  std::optional<std::string> version;  // "1.0" when sent
  std::string type;                    // "REQUEST"
  std::string methodArn;
  std::optional<std::string> identitySource;  // comma-separated identity values, when configured
  std::optional<std::string> authorizationToken;
  std::optional<std::string> resource;
  std::optional<std::string> path;
  std::optional<std::string> httpMethod;
  std::optional<std::map<std::string, std::string>> headers;
  std::optional<std::map<std::string, std::vector<std::string>>> multiValueHeaders;
  std::optional<std::map<std::string, std::string>> queryStringParameters;
  std::optional<std::map<std::string, std::vector<std::string>>> multiValueQueryStringParameters;
  std::optional<std::map<std::string, std::string>> pathParameters;
  std::optional<std::map<std::string, std::string>> stageVariables;
  boost::json::value requestContext;
};
BOOST_DESCRIBE_STRUCT(RequestAuthorizerEvent, (),
                      (version, type, methodArn, identitySource, authorizationToken, resource, path, httpMethod, headers,
                       multiValueHeaders, queryStringParameters, multiValueQueryStringParameters, pathParameters,
                       stageVariables, requestContext))

// REQUEST authorizer of an HTTP API (payload 2.0).
struct RequestAuthorizerV2Event {
  std::string version;  // "2.0"
  std::string type;     // "REQUEST"
  std::string routeArn;
  std::optional<std::vector<std::string>> identitySource;
  std::string routeKey;
  std::string rawPath;
  std::optional<std::string> rawQueryString;
  std::optional<std::vector<std::string>> cookies;
  std::optional<std::map<std::string, std::string>> headers;
  std::optional<std::map<std::string, std::string>> queryStringParameters;
  std::optional<std::map<std::string, std::string>> pathParameters;
  std::optional<std::map<std::string, std::string>> stageVariables;
  boost::json::value requestContext;
};
BOOST_DESCRIBE_STRUCT(RequestAuthorizerV2Event, (),
                      (version, type, routeArn, identitySource, routeKey, rawPath, rawQueryString, cookies, headers,
                       queryStringParameters, pathParameters, stageVariables, requestContext))

// Required: type, authorizationToken and methodArn (TOKEN); type and methodArn (REQUEST 1.0);
// type, version and routeArn (REQUEST 2.0).
void lift_rules(lift::json::Rules<TokenAuthorizerEvent>& r);
void lift_rules(lift::json::Rules<RequestAuthorizerEvent>& r);
void lift_rules(lift::json::Rules<RequestAuthorizerV2Event>& r);

// Each also checks `type` ("TOKEN" or "REQUEST"; "InvalidEvent" otherwise).
Result<TokenAuthorizerEvent> parse_token_authorizer(const boost::json::value& event);
Result<RequestAuthorizerEvent> parse_request_authorizer(const boost::json::value& event);
Result<RequestAuthorizerV2Event> parse_request_authorizer_v2(const boost::json::value& event);
// A REQUEST authorizer event of either payload version (2.0 when `version` is "2.0").
using AnyRequestAuthorizerEvent = std::variant<RequestAuthorizerEvent, RequestAuthorizerV2Event>;
Result<AnyRequestAuthorizerEvent> parse_any_request_authorizer(const boost::json::value& event);

// Options of a sample call (`lift events generate authorizer-token`).
struct TokenAuthorizerSampleOptions {
  std::string token = "allow";
  std::optional<std::string> method_arn;  // GET / of a sample REST API when absent
};
BOOST_DESCRIBE_STRUCT(TokenAuthorizerSampleOptions, (), (token, method_arn))

// The TOKEN authorizer source. Routes match the methodArn ("*" for every call); what a handler
// returns (an IamPolicyResponse, or a Result of one) is the answer; an error answers with its
// message (API Gateway answers 401 to an error whose message is "Unauthorized").
struct TokenAuthorizer {
  static constexpr SourceInfo info{"authorizer-token", "API Gateway TOKEN authorizer calls"};
  using Event = TokenAuthorizerEvent;
  using Record = Event;
  using Answer = std::optional<boost::json::value>;
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = TokenAuthorizerSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"token", "the authorizationToken"},
      {"method_arn", "the methodArn (GET / of a sample REST API by default)"},
  };
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_token_authorizer(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& event) noexcept {
    return name_or_arn(pattern, event.methodArn, event.methodArn);
  }
  static std::string describe(const Record& event) { return "the TOKEN authorizer call for " + event.methodArn; }
  static constexpr Failures failures = Failures::fail_invocation;
};
LIFT_EVENT_SOURCE(TokenAuthorizer);

// Options of a sample call (`lift events generate authorizer-request`).
struct RequestAuthorizerSampleOptions {
  std::string version = "1.0";
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> header;  // "Name: value" (or "Name=value")
};
BOOST_DESCRIBE_STRUCT(RequestAuthorizerSampleOptions, (), (version, method, path, header))

// The REQUEST authorizer source, both payload versions (REST and WebSocket APIs: 1.0; HTTP
// APIs: 2.0). Routes match the methodArn (1.0) or routeArn (2.0). A handler that takes
// RequestAuthorizerEvent or RequestAuthorizerV2Event takes only calls of that version; one
// that takes AnyRequestAuthorizerEvent takes both. Answers as TokenAuthorizer's, or a
// SimpleAuthorizerResponse for HTTP APIs.
struct RequestAuthorizer {
  static constexpr SourceInfo info{"authorizer-request", "API Gateway REQUEST authorizer calls (payload 1.0 and 2.0)"};
  using Event = AnyRequestAuthorizerEvent;
  using Record = Event;
  using Answer = std::optional<boost::json::value>;
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = RequestAuthorizerSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"version", "the payload version: 1.0 (REST API) or 2.0 (HTTP API)"},
      {"method", "the HTTP method of the request"},
      {"path", "its path"},
      {"header", "a header, \"Name: value\" (repeatable; the default Authorization is the identity source)"},
  };
  // The request's event (lift/events/http_events.hpp) with what an authorizer call adds.
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_any_request_authorizer(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& event) noexcept;
  static std::string describe(const Record& event);
  static constexpr Failures failures = Failures::fail_invocation;
  static const RequestAuthorizerEvent* as(std::type_identity<RequestAuthorizerEvent>, const Record& event,
                                          const boost::json::value&) noexcept {
    return std::get_if<RequestAuthorizerEvent>(&event);
  }
  static const RequestAuthorizerV2Event* as(std::type_identity<RequestAuthorizerV2Event>, const Record& event,
                                            const boost::json::value&) noexcept {
    return std::get_if<RequestAuthorizerV2Event>(&event);
  }
};
LIFT_EVENT_SOURCE(RequestAuthorizer);

// ---- answers ----

struct PolicyStatement {
  std::vector<std::string> Action{"execute-api:Invoke"};
  std::string Effect;  // "Allow" or "Deny"
  std::vector<std::string> Resource;
  std::optional<boost::json::object> Condition;
};
BOOST_DESCRIBE_STRUCT(PolicyStatement, (), (Action, Effect, Resource, Condition))

struct PolicyDocument {
  std::string Version = "2012-10-17";
  std::vector<PolicyStatement> Statement;
};
BOOST_DESCRIBE_STRUCT(PolicyDocument, (), (Version, Statement))

// Values API Gateway passes on in the authorizer context: strings, numbers and booleans only.
template <class V>
concept AuthorizerContextValue = std::convertible_to<V, std::string_view> || std::is_arithmetic_v<std::remove_cvref_t<V>>;

namespace detail {
template <class V>
boost::json::value context_value(const V& value) {
  if constexpr (std::is_same_v<std::remove_cvref_t<V>, bool>) return boost::json::value(value);
  else if constexpr (std::is_integral_v<std::remove_cvref_t<V>>) {
    if constexpr (std::is_signed_v<std::remove_cvref_t<V>>) return boost::json::value(static_cast<std::int64_t>(value));
    else return boost::json::value(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_floating_point_v<std::remove_cvref_t<V>>) {
    return boost::json::value(static_cast<double>(value));
  } else {
    const std::string_view text(value);
    return boost::json::value(boost::json::string_view(text.data(), text.size()));
  }
}
}  // namespace detail

// The answer of a TOKEN or REQUEST authorizer (REST and WebSocket APIs, and HTTP APIs
// configured for IAM policies).
struct IamPolicyResponse {
  std::string principalId;
  PolicyDocument policyDocument;
  std::optional<boost::json::object> context;
  std::optional<std::string> usageIdentifierKey;  // the API key, for usage plans

  // One statement allowing (or denying) execute-api:Invoke on `resource` (a methodArn or a
  // pattern such as method_arn_wildcard(arn)).
  static IamPolicyResponse allow(std::string principal_id, std::string resource);
  static IamPolicyResponse deny(std::string principal_id, std::string resource);

  // Adds a statement.
  IamPolicyResponse& with_statement(std::string effect, std::vector<std::string> resources);
  // Adds a context entry (string, number or boolean: API Gateway passes nothing else on).
  template <AuthorizerContextValue V>
  IamPolicyResponse& with_context(std::string_view key, const V& value) {
    if (!context) context.emplace();
    (*context)[key] = detail::context_value(value);
    return *this;
  }
  IamPolicyResponse& with_usage_identifier_key(std::string key) {
    usageIdentifierKey = std::move(key);
    return *this;
  }
};
BOOST_DESCRIBE_STRUCT(IamPolicyResponse, (), (principalId, policyDocument, context, usageIdentifierKey))

// The HTTP API (payload 2.0) simple answer: {"isAuthorized":true,"context":{...}}.
struct SimpleAuthorizerResponse {
  bool isAuthorized = false;
  std::optional<boost::json::object> context;

  static SimpleAuthorizerResponse allow() { return SimpleAuthorizerResponse{true, std::nullopt}; }
  static SimpleAuthorizerResponse deny() { return SimpleAuthorizerResponse{false, std::nullopt}; }
  template <AuthorizerContextValue V>
  SimpleAuthorizerResponse& with_context(std::string_view key, const V& value) {
    if (!context) context.emplace();
    (*context)[key] = detail::context_value(value);
    return *this;
  }
};
BOOST_DESCRIBE_STRUCT(SimpleAuthorizerResponse, (), (isAuthorized, context))

// "arn:aws:execute-api:us-east-1:1234:api-id/stage/GET/pets/1" → "arn:aws:execute-api:us-east-1:
// 1234:api-id/stage/*/*": every method and path of the stage, the resource to allow when the
// authorizer's answer is cached for a whole API. The ARN unchanged when it has no stage part.
std::string method_arn_wildcard(std::string_view method_arn);

}  // namespace lift::events
