// A function that logs through the observability middleware, for the lift invoke test: one
// line with a user key per request, plus a debug line that only shows at DEBUG.
#include <boost/json.hpp>

#include "lift/lift.hpp"
#include "lift/middleware/observability.hpp"

int main() {
  lift::mw::Observability obs;
  lift::App app;
  app.use(lift::mw::observability(obs, {.request_metrics = false}));
  app.get("/hello", [](lift::Context& ctx) {
    auto& log = lift::mw::observability_of(ctx)->logger;
    log.debug("details", {{"step", 1}});
    log.info("said hello", {{"name", std::string(ctx.query("name").value_or("world"))}});
    return boost::json::value{{"message", "hello"}};
  });
  return lift::run(app);
}
