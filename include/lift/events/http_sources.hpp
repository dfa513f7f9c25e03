#pragma once
// The sources whose events are HTTP requests: API Gateway REST APIs (payload 1.0), HTTP APIs
// (payload 2.0) and WebSocket APIs, Lambda function URLs and Application Load Balancers. The
// App answers them through its router (lift/http/adapters.hpp reads them into http::Request),
// so their descriptors say only how they are detected and summarized. An authorizer call
// (lift/events/authorizer.hpp) carries a requestContext too, but is never an HTTP request.

#include <boost/json/value.hpp>

#include "lift/events/source.hpp"

namespace lift::events {

// `requestContext` has `elb`.
struct Alb {
  static constexpr SourceInfo info{"alb", "Application Load Balancer requests", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
};
LIFT_EVENT_SOURCE(Alb);

// `requestContext` has `connectionId` and `eventType`.
struct ApiGatewayWebSocket {
  static constexpr SourceInfo info{"apigw-websocket", "API Gateway WebSocket API messages", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
};
LIFT_EVENT_SOURCE(ApiGatewayWebSocket);

// `version` "2.0" or `requestContext.http`, on a domain other than a function URL's.
struct ApiGatewayHttp {
  static constexpr SourceInfo info{"apigw-http", "API Gateway HTTP API requests (payload 2.0)", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
};
LIFT_EVENT_SOURCE(ApiGatewayHttp);

// A payload 2.0 request whose `requestContext.domainName` holds ".lambda-url.".
struct FunctionUrl {
  static constexpr SourceInfo info{"function-url", "Lambda function URL requests", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
};
LIFT_EVENT_SOURCE(FunctionUrl);

// A top-level `httpMethod` with a `requestContext` (and none of the above).
struct ApiGatewayRest {
  static constexpr SourceInfo info{"apigw-rest", "API Gateway REST API requests (payload 1.0)", true};
  static bool detect(const boost::json::value& event) noexcept;
  static void summarize(const boost::json::value& event, Summary& out);
};
LIFT_EVENT_SOURCE(ApiGatewayRest);

}  // namespace lift::events
