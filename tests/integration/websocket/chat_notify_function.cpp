// examples/chat's routes plus one the chat does not have, for the tests through `lift dev`: a
// message addressed to a user reaches every connection of that user.
//   {"action":"notify","user":U,"text":T}   {"from": SENDER, "text": T} to each of U's connections
#include <string>

#include <boost/json.hpp>

#include "chat.hpp"
#include "lift/app/database.hpp"
#include "lift/core/env.hpp"
#include "lift/lift.hpp"
#include "lift/security/environment.hpp"

int main() {
  return lift::run([]() -> lift::Result<lift::App> {
    LIFT_TRY(verifier, lift::security::jwt_verifier_from_environment());
    lift::App app;
    chat::Options options;
    options.table = lift::env_or("CHAT_TABLE", "chat-connections");
    options.verifier = std::move(verifier);
    LIFT_TRY(hub, chat::add_routes(app, lift::dynamodb(), std::move(options)));
    app.websocket("notify", [hub](lift::Context& ctx) -> lift::Result<void> {
      boost::system::error_code ec;
      const auto message = boost::json::parse(ctx.request().body, ec);
      const auto* fields = ec ? nullptr : message.if_object();
      const auto* user = fields != nullptr ? fields->if_contains("user") : nullptr;
      const auto* text = fields != nullptr ? fields->if_contains("text") : nullptr;
      if (user == nullptr || !user->is_string() || text == nullptr || !text->is_string())
        return lift::errors::bad_request("notify needs \"user\" and \"text\" strings");
      const auto* me = lift::websocket::Hub::connection_of(ctx);
      if (me == nullptr) return lift::errors::bad_request("a WebSocket message was expected");
      const boost::json::object out{{"from", me->user}, {"text", text->get_string()}};
      LIFT_TRY_VOID(hub->to_user(ctx, user->get_string(), boost::json::serialize(out)));
      return {};
    });
    return app;
  });
}
