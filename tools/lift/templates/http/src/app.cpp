// {{name}}'s routes. The same App answers API Gateway HTTP and REST APIs, ALB and Function
// URLs, each in its own response shape; unknown paths get 404, wrong methods 405.
#include "app.hpp"

#include <string>

lift::App make_app() {
  lift::App app;
  app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::access_log());

  app.get("/hello", [](lift::Context& ctx) {
    return Greeting{"hello, " + std::string(ctx.query("name").value_or("world"))};
  });

  // The body is parsed and checked against NewItem's rules before this runs.
  app.post("/items", [](lift::Context&, NewItem in) -> lift::Result<lift::Created<Item>> {
    return lift::created(Item{lift::uuid(), in.name, in.quantity});
  });
  return app;
}
