#include "chat.hpp"

#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

namespace chat {

namespace {

namespace json = boost::json;
namespace ws = lift::websocket;

// The message as a JSON object, or the error the sender gets.
lift::Result<json::object> message_of(const lift::Context& ctx) {
  boost::system::error_code ec;
  auto value = json::parse(ctx.request().body, ec);
  if (ec) return lift::errors::bad_request("a message must be a JSON object, e.g. {\"action\":\"sendmessage\",\"text\":\"hi\"}");
  if (!value.is_object()) return lift::errors::bad_request("a message must be a JSON object");
  return std::move(value.get_object());
}

// A string member that must be there.
lift::Result<std::string> string_member(const json::object& message, std::string_view name) {
  const auto* member = message.if_contains(name);
  if (member == nullptr) return lift::errors::bad_request("the message needs \"" + std::string(name) + "\"");
  if (!member->is_string()) return lift::errors::bad_request("\"" + std::string(name) + "\" must be a string");
  return std::string(member->get_string());
}

// The sender; null when the route was reached by something else than a WebSocket message (an HTTP
// POST to the same path).
lift::Result<const ws::Connection*> sender(const lift::Context& ctx) {
  const auto* me = ws::Hub::connection_of(ctx);
  if (me == nullptr) return lift::errors::bad_request("a WebSocket message was expected");
  return me;
}

// Where the sender is: the one room a chat connection is in.
std::string room_of(const ws::Connection& me) { return me.rooms.empty() ? std::string(kDefaultRoom) : *me.rooms.begin(); }

}  // namespace

lift::Result<std::shared_ptr<ws::Hub>> add_routes(lift::App& app, lift::aws::DynamoDbClient& db, Options options) {
  ws::HubOptions hub_options;
  hub_options.store.table = std::move(options.table);
  hub_options.store.create_table = options.create_table;
  hub_options.verifier = std::move(options.verifier);
  hub_options.poster = std::move(options.poster);
  hub_options.metrics = options.metrics;
  // Generous for people, a stop for a runaway client.
  hub_options.message_limit = lift::ratelimit::Limit{20, std::chrono::seconds(1)};
  hub_options.on_connect = [](lift::Context& ctx, ws::Connection& connection) -> lift::Result<void> {
    const std::string room(ctx.request().query_param("room").value_or(kDefaultRoom));
    if (!ws::is_valid_name(room)) return lift::errors::bad_request("room must be 1 to 256 bytes of text");
    connection.rooms = {room};
    return {};
  };
  LIFT_TRY(hub, ws::Hub::create(db, std::move(hub_options)));
  ws::Hub::mount(hub, app);

  app.websocket("sendmessage", [hub](lift::Context& ctx) -> lift::Result<void> {
    LIFT_TRY(message, message_of(ctx));
    LIFT_TRY(text, string_member(message, "text"));
    if (text.size() > kMaxTextBytes)
      return lift::errors::payload_too_large("text may be at most " + std::to_string(kMaxTextBytes) + " bytes, not " +
                                             std::to_string(text.size()));
    LIFT_TRY(me, sender(ctx));
    const std::string room = room_of(*me);
    const json::object out{{"from", me->user.empty() ? me->id : me->user}, {"room", room}, {"text", std::move(text)}};
    // Posts that failed (other than Gone, which the hub cleans up) are logged by the hub: they are
    // the gateway's trouble, not the sender's.
    LIFT_TRY_VOID(hub->to_room(ctx, room, json::serialize(out)));
    return {};
  });

  app.websocket("join", [hub](lift::Context& ctx) -> lift::Result<void> {
    LIFT_TRY(message, message_of(ctx));
    LIFT_TRY(room, string_member(message, "room"));
    if (!ws::is_valid_name(room)) return lift::errors::bad_request("room must be 1 to 256 bytes of text");
    LIFT_TRY(me, sender(ctx));
    const auto current = me->rooms;
    // Join first: a failure leaves the sender where it was.
    LIFT_TRY_VOID(hub->join(ctx, room));
    for (const auto& old : current) {
      if (old != room) LIFT_TRY_VOID(hub->leave(ctx, old));
    }
    return hub->reply(ctx, json::serialize(json::object{{"joined", room}}));
  });

  app.websocket("$default", [](lift::Context& ctx) -> lift::Result<void> {
    LIFT_TRY(message, message_of(ctx));
    const auto* action = message.if_contains("action");
    if (action == nullptr) return lift::errors::bad_request("the message needs an \"action\": sendmessage or join");
    if (!action->is_string()) return lift::errors::bad_request("\"action\" must be a string: sendmessage or join");
    return lift::errors::bad_request("unknown action \"" + std::string(action->get_string()) + "\": sendmessage or join");
  });
  return hub;
}

}  // namespace chat
