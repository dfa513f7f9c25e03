// The three endpoints on an App.

#include <string>
#include <utility>

#include "lift/health/health.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::health {
namespace {

http::Response answer(int status, std::string body) {
  auto response = http::Response::text(status, std::move(body), std::string(kContentType));
  // A cached health answer would hide the state it reports.
  response.header("Cache-Control", "no-store");
  return response;
}

// The draft: pass and warn are 2xx, fail is 4xx/5xx (503: not ready for traffic).
int status_of(Status status) { return status == Status::fail ? 503 : 200; }

}  // namespace

http::Response live_response() { return answer(200, R"({"status":"pass"})"); }

http::Response ready_response(const Report& report) { return answer(status_of(report.status), report.ready_body); }

http::Response detail_response(const Report& report) { return answer(status_of(report.status), report.detail_body); }

Result<void> mount(App& app, std::shared_ptr<Checker> checker, EndpointOptions options) {
  using resilience::invalid_configuration;
  const auto& prefix = options.prefix;
  if (!checker) return invalid_configuration("health endpoints", "checker", "must not be null");
  if (prefix.size() < 2 || prefix.front() != '/' || prefix.back() == '/')
    return invalid_configuration("health endpoints", "prefix", "must start with '/', name a path and not end with '/' (\"" + prefix + "\")");
  for (const auto& middleware : options.detail_middleware) {
    if (!middleware) return invalid_configuration("health endpoints", "detail_middleware", "must not hold an empty middleware");
  }

  app.get(prefix + "/live", [](Context&) { return live_response(); }).summary("Liveness: the process is up");
  app.get(prefix + "/ready", [checker](Context&) { return ready_response(*checker->report()); })
      .summary("Readiness: 200 when no health check fails, 503 naming those that do")
      .errors({503});
  auto detail = app.group(prefix);
  for (auto& middleware : options.detail_middleware) detail.use(std::move(middleware));
  detail.get("/", [checker](Context&) { return detail_response(*checker->report()); })
      .summary("Every health check and circuit breaker, in the IETF health check format")
      .errors({503});
  return {};
}

Middleware except_probes(Middleware middleware, std::string prefix) {
  return [middleware = std::move(middleware), live = prefix + "/live", ready = prefix + "/ready"](Context& ctx, const Next& next) -> Result<void> {
    const auto& request = ctx.request();
    if ((request.method == "GET" || request.method == "HEAD") && (request.path == live || request.path == ready)) return next();
    return middleware(ctx, next);
  };
}

}  // namespace lift::health
