// {{name}}'s WebSocket routes. API Gateway calls the function once per connection event and
// once per message; the route key picks the handler, the connection id identifies the client,
// and the hub keeps who is connected in DynamoDB.
#include "app.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "lift/app/database.hpp"
#include "lift/core/env.hpp"
#include "lift/json/binding.hpp"

lift::App make_app() { return make_app_for(lift::dynamodb(), nullptr); }

lift::App make_app_for(lift::aws::DynamoDbClient& db, std::shared_ptr<lift::websocket::ConnectionPoster> poster) {
  lift::websocket::HubOptions options;
  options.store.table = lift::env_or("CONNECTIONS_TABLE", "{{name}}-connections");
  options.poster = std::move(poster);
  options.on_connect = [](lift::Context& ctx, lift::websocket::Connection& connection) -> lift::Result<void> {
    const auto name = ctx.query("name");
    if (!name || name->empty()) return lift::errors::bad_request("connect with ?name=");
    connection.metadata["name"] = std::string(*name);
    return {};
  };
  auto hub = lift::websocket::Hub::create(db, std::move(options));
  // Only a bad option fails here: at init, which Lambda reports as the init error.
  if (!hub) throw std::runtime_error(hub.error().message);

  lift::App app;
  app.use(lift::mw::recover());
  lift::websocket::Hub::mount(*hub, app);

  app.websocket("$default", [hub = *hub](lift::Context& ctx) -> lift::Result<void> {
    const Echo echo{std::string(ctx.body()), ctx.request().websocket()->connection_id};
    return hub->reply(ctx, lift::json::serialize(echo));
  });

  app.websocket("broadcast", [hub = *hub](lift::Context& ctx, Broadcast in) -> lift::Result<void> {
    const auto* me = lift::websocket::Hub::connection_of(ctx);
    if (me == nullptr) return lift::errors::bad_request("a WebSocket message was expected");
    const auto name = me->metadata.find("name");
    const Said said{name != me->metadata.end() ? name->second : me->id, std::move(in.text)};
    // Gone connections are removed and other failures logged by the hub: the sender's message
    // went out either way.
    auto sent = hub->to_all(ctx, lift::json::serialize(said));
    if (!sent) return std::move(sent).error();
    return {};
  });
  return app;
}
