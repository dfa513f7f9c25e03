#pragma once
// An API Gateway WebSocket event for tests of WebSocket routes: `route` and `type` (CONNECT,
// MESSAGE, DISCONNECT) from connection `id` of a stage "prod" API, with a body (messages) or the
// handshake's headers and query (connects).

#include <string>
#include <utility>

#include <boost/json/object.hpp>

#include "lift/events/http_events.hpp"

namespace lift::testing_support {

inline boost::json::object websocket_event(std::string route, std::string type, std::string id, std::string body = {},
                                           events::HttpHeaderList headers = {}, std::string query = {}) {
  events::HttpRequestDescription request;
  request.method = "POST";
  request.body = std::move(body);
  request.headers = std::move(headers);
  request.query = std::move(query);
  request.domain_name = "abc123.execute-api.eu-west-1.amazonaws.com";
  request.stage = "prod";
  events::WebSocketEventInfo info;
  info.route_key = std::move(route);
  info.event_type = std::move(type);
  info.connection_id = std::move(id);
  if (info.event_type == "MESSAGE") info.message_id = "m-" + info.connection_id;
  return events::websocket_event(request, info);
}

}  // namespace lift::testing_support
