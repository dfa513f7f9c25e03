// {{name}}'s routes. The same App answers API Gateway HTTP and REST APIs, ALB and Function
// URLs, each in its own response shape; unknown paths get 404, wrong methods 405.
#include "app.hpp"

#include <chrono>
#include <string>

#include "lift/health/health.hpp"

lift::Result<lift::App> make_app() {
  lift::App app;
  app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::access_log());

  // The query parameters are bound to HelloQuery (and documented by `lift openapi`).
  app.get("/hello", [](lift::Context&, lift::Query<HelloQuery> query) { return Greeting{"hello, " + query.name}; });

  // The body is parsed and checked against NewItem's rules before this runs. A handler fails
  // by returning a lift::Error or by throwing one (`throw lift::errors::conflict("...")`); a
  // status only the handler knows is declared for the OpenAPI document with .errors({409}).
  app.post("/items", [](lift::Context&, NewItem in) -> lift::Result<lift::Created<Item>> {
    return lift::created(Item{lift::uuid(), in.name, in.quantity});
  });

  // GET /health/live, /health/ready and /health for load balancers and operators. Add a check
  // per dependency as the function gains them, e.g. lift::health::dynamodb_table("my-table") or
  // lift::health::http_dependency("payments", "https://payments.example.com/ping"); a check or
  // option that cannot work fails the start (Lambda's init error).
  LIFT_TRY(checker, lift::health::Checker::create({}, {.cache_for = std::chrono::seconds(5), .service_id = "{{name}}"}));
  LIFT_TRY_VOID(lift::health::mount(app, checker));
  return app;
}
