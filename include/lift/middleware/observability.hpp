#pragma once
// Wires the observability layer into every invocation, HTTP or not:
//
//   lift::mw::Observability obs;                 // one per process, shared by the workers, lives in main
//   app.use(lift::mw::observability(obs));
//   app.get("/orders/:id", [](lift::Context& ctx) {
//     lift::mw::observability_of(ctx)->logger.info("loading", {{"order", *ctx.param("id")}});
//     ...
//   });
//
// Around each invocation it begins and ends the logger's, the metrics' and the tracer's
// invocation scope (Lambda context keys on log lines, the ColdStart metric, the trace from the
// invocation), opens a "## handler" subsegment, and records per-request metrics: `Requests`
// (Count), `Latency` (Milliseconds) and `Errors` (Count, for 5xx and failed invocations), with
// the route pattern, the method and the status class (2xx, 4xx, ...) as dimensions, so the
// cardinality stays that of the routes; each document carries the invocation's
// function_request_id (metadata, as log lines carry it). A request no route matched is measured under a stable
// name for what answered it: NotFound (404), MethodNotAllowed (405), Options (an automatic
// OPTIONS answer or a CORS preflight) or Unmatched (middleware answered first: 401, 413, ...);
// any other event under its kind (sqs, s3, ...). The same name is the handler subsegment's
// "route" annotation. A failed invocation flushes the logger's debug buffer.
// On a cold start (the runtime's InitTiming on the first invocation) it also logs one
// "cold start" line and records InitBeforeMain, InitUser and InitRuntime in milliseconds.
// Per-record event handlers (app.sqs(...) with a record parameter) run the app's middleware once
// per record, so each record is scoped, measured and traced on its own.

#include <memory>
#include <string>
#include <string_view>

#include "lift/app/context.hpp"
#include "lift/app/middleware.hpp"
#include "lift/aws/call_observer.hpp"
#include "lift/observability/logger.hpp"
#include "lift/observability/metrics.hpp"
#include "lift/observability/tracer.hpp"
#include "lift/resilience/circuit_breaker.hpp"

namespace lift::mw {

// The three objects a function keeps for its life.
//
// Thread safety: one Observability is shared by every worker of lift::run(app) (Lambda Managed
// Instances, AWS_LAMBDA_MAX_CONCURRENCY > 1). Each worker runs one invocation at a time on its
// own thread, and what belongs to an invocation (log keys and request id, the debug buffer and
// sampling decision, its EMF document, its trace and open subsegments) is kept per thread by the
// objects themselves: a line logged or a metric added from a handler, through obs or
// observability_of(ctx), belongs to that handler's invocation. Lines and documents are written
// whole; the cold start is recorded once per process.
struct Observability {
  observability::Logger logger;
  observability::Metrics metrics;
  observability::Tracer tracer;
};

// The Observability of a function that names itself: the service is POWERTOOLS_SERVICE_NAME when
// the deployment sets it, else `service`; the metrics namespace POWERTOOLS_METRICS_NAMESPACE, else
// `metrics_namespace`; the ColdStart metric is on. Everything else comes from the environment as
// the three objects' options say. (A default-constructed Observability is Powertools' behaviour
// with nothing set: service "service_undefined", no namespace.)
//
//   lift::mw::Observability obs = lift::mw::observability_for("todo-api", "lift-examples");
Observability observability_for(std::string_view service, std::string_view metrics_namespace);

struct ObservabilityOptions {
  bool request_metrics = true;  // Requests, Latency and Errors per route, method and status class
  bool trace_handler = true;    // the "## handler" subsegment around each invocation
  bool log_failures = true;     // one ERROR line for a 5xx or failed invocation
  // A CircuitBreakerStateChange metric (Count 1; dimensions service, breaker and the new state:
  // open, half_open, closed) in its own document for every state change of the process's
  // breakers (lift::resilience::breakers(), which the AWS clients' breakers are in), for as long
  // as the middleware lives.
  bool breaker_metrics = true;
  std::string handler_name = "handler";
};

Middleware observability(Observability& obs, ObservabilityOptions options = {});

// The objects the middleware runs with, for handlers and later middleware; null when the
// middleware is not installed.
Observability* observability_of(const Context& ctx) noexcept;

// Traces the AWS calls of lift's service clients: give it to the HttpClient they share,
//
//   auto http = std::make_shared<lift::aws::HttpClient>(
//       lift::aws::HttpClientOptions{.observer = lift::mw::aws_call_tracing(obs.tracer)});
//
// and each call becomes an X-Ray subsegment of the invocation it is made in (namespace aws,
// the service as its name; operation, region, table, request id and retries in its aws block;
// error, throttle or fault from the outcome), and its requests carry X-Amzn-Trace-Id with that
// subsegment as parent. Outside a sampled invocation nothing is recorded or sent. The tracer
// must outlive the clients.
std::shared_ptr<aws::CallObserver> aws_call_tracing(observability::Tracer& tracer);

}  // namespace lift::mw
