// {{name}}'s WebSocket routes. API Gateway calls the function once per connection event and
// once per message; the route key picks the handler, the connection id identifies the client.
#include "app.hpp"

#include <string>

lift::App make_app() {
  lift::App app;
  app.use(lift::mw::recover());

  app.websocket("$connect", [](lift::Context& ctx) -> lift::Result<Welcome> {
    const auto name = ctx.query("name");
    if (!name || name->empty()) return lift::errors::bad_request("connect with ?name=");
    return Welcome{ctx.request().websocket()->connection_id, std::string(*name)};
  });

  app.websocket("$default", [](lift::Context& ctx) {
    return Echo{std::string(ctx.body()), ctx.request().websocket()->connection_id};
  });

  app.websocket("$disconnect", [](lift::Context&) { return lift::no_content(); });
  return app;
}
