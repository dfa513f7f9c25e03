#pragma once
// The sources whose events are HTTP requests: API Gateway REST APIs (payload 1.0), HTTP APIs
// (payload 2.0) and WebSocket APIs, Lambda function URLs and Application Load Balancers. The
// App answers them through its router (lift/http/adapters.hpp reads them into http::Request),
// so their descriptors say how they are detected and summarized, and make sample requests
// (with the builders of lift/events/http_events.hpp, which the local API Gateway uses too). An
// authorizer call (lift/events/authorizer.hpp) carries a requestContext too, but is never an
// HTTP request.

#include <optional>
#include <string>
#include <vector>

#include <boost/describe/class.hpp>
#include <boost/json/value.hpp>

#include "lift/events/source.hpp"

namespace lift::events {

// Options of a sample request (`lift events generate apigw-http|apigw-rest|alb|function-url`).
struct HttpSampleOptions {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> query;   // "name=value"
  std::vector<std::string> header;  // "Name: value" (or "Name=value")
  std::string body;
};
BOOST_DESCRIBE_STRUCT(HttpSampleOptions, (), (method, path, query, header, body))

inline constexpr SampleOption kHttpSampleOptions[] = {
    {"method", "the HTTP method"},
    {"path", "the request path"},
    {"query", "a query parameter, name=value (repeatable)"},
    {"header", "a header, \"Name: value\" (repeatable; replaces the default of that name)"},
    {"body", "the request body"},
};

// Options of a sample WebSocket event (`lift events generate apigw-websocket`).
struct WebSocketSampleOptions {
  std::string route_key = "$default";
  std::string event_type = "MESSAGE";
  std::optional<std::string> connection_id;  // random when absent
  std::string body;
};
BOOST_DESCRIBE_STRUCT(WebSocketSampleOptions, (), (route_key, event_type, connection_id, body))

// `requestContext` has `elb`.
struct Alb {
  static constexpr SourceInfo info{"alb", "Application Load Balancer requests", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = HttpSampleOptions;
  static constexpr const auto& sample_options = kHttpSampleOptions;
  static Result<boost::json::value> sample(const SampleOptions& options);
};
LIFT_EVENT_SOURCE(Alb);

// `requestContext` has `connectionId` and `eventType`.
struct ApiGatewayWebSocket {
  static constexpr SourceInfo info{"apigw-websocket", "API Gateway WebSocket API messages", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = WebSocketSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"route_key", "the route key of a MESSAGE"},
      {"event_type", "CONNECT, MESSAGE or DISCONNECT"},
      {"connection_id", "the connection's id (random by default)"},
      {"body", "the message's body"},
  };
  // A CONNECT, MESSAGE or DISCONNECT event; CONNECT and DISCONNECT take the routes $connect
  // and $disconnect.
  static Result<boost::json::value> sample(const SampleOptions& options);
};
LIFT_EVENT_SOURCE(ApiGatewayWebSocket);

// `version` "2.0" or `requestContext.http`, on a domain other than a function URL's.
struct ApiGatewayHttp {
  static constexpr SourceInfo info{"apigw-http", "API Gateway HTTP API requests (payload 2.0)", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = HttpSampleOptions;
  static constexpr const auto& sample_options = kHttpSampleOptions;
  static Result<boost::json::value> sample(const SampleOptions& options);
};
LIFT_EVENT_SOURCE(ApiGatewayHttp);

// A payload 2.0 request whose `requestContext.domainName` holds ".lambda-url.".
struct FunctionUrl {
  static constexpr SourceInfo info{"function-url", "Lambda function URL requests", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = HttpSampleOptions;
  static constexpr const auto& sample_options = kHttpSampleOptions;
  static Result<boost::json::value> sample(const SampleOptions& options);
};
LIFT_EVENT_SOURCE(FunctionUrl);

// A top-level `httpMethod` with a `requestContext` (and none of the above).
struct ApiGatewayRest {
  static constexpr SourceInfo info{"apigw-rest", "API Gateway REST API requests (payload 1.0)", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = HttpSampleOptions;
  static constexpr const auto& sample_options = kHttpSampleOptions;
  static Result<boost::json::value> sample(const SampleOptions& options);
};
LIFT_EVENT_SOURCE(ApiGatewayRest);

}  // namespace lift::events
