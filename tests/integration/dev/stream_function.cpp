// A lift::App with streaming routes behind the local API Gateway in the tests:
//   GET /ticks       "first\n", then 300 ms later "second\n" (the README's example)
//   GET /fail-late   "partial\n", then an error: the stream is cut
//   GET /fail-early  an error before the first write: the usual 404 answer
//   GET /plain       a route that does not stream, answered whole through the stream
// The README's streaming example is the code between the "README" lines below, as it is.

#include <chrono>
#include <thread>

#include <lift/lift.hpp>

namespace {

lift::App make_app() {
  lift::App app;
  app.use(lift::mw::request_id(), lift::mw::cors({.allow_origins = {"https://app.example.com"}}));
  // README: begin
  app.get("/ticks", lift::stream([](lift::Context& ctx, lift::ResponseWriter& out) -> lift::Result<void> {
    ctx.set_header("content-type", "text/plain");  // status, headers and cookies leave with the first write
    if (auto sent = out.write("first\n"); !sent) return sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the client has "first" meanwhile
    return out.write("second\n");
  }));
  // README: end
  app.get("/fail-late", lift::stream([](lift::Context&, lift::ResponseWriter& out) -> lift::Result<void> {
    if (auto sent = out.write("partial\n"); !sent) return sent;
    return lift::Error{"ReportFailed", "the source went away", 503};
  }));
  app.get("/fail-early", lift::stream([](lift::Context&, lift::ResponseWriter&) -> lift::Result<void> {
    return lift::errors::not_found("no such report");
  }));
  app.get("/plain", [](lift::Context&) { return std::string("plain"); });
  return app;
}

}  // namespace

int main() { return lift::run(make_app); }
