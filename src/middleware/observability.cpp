#include "lift/middleware/observability.hpp"

#include <boost/json/string.hpp>

#include <chrono>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "lift/core/env.hpp"

namespace lift::mw {
namespace {

constexpr std::string_view kKey = "lift.observability";

std::string_view status_class(int status) noexcept {
  switch (status / 100) {
    case 1: return "1xx";
    case 2: return "2xx";
    case 3: return "3xx";
    case 4: return "4xx";
    default: return "5xx";
  }
}

// The route dimension (and trace annotation, and failure log key): the pattern that matched;
// for an HTTP request that matched none, what answered it, under a stable name (a scanner's
// paths must not make one dimension each, nor hide behind the event kind); for any other
// event, its kind.
std::string_view route_name(const Context& ctx, bool http, int status) noexcept {
  if (!ctx.route().empty()) return ctx.route();
  if (!http) return events::to_string(ctx.kind());
  if (status == 404) return "NotFound";
  if (status == 405) return "MethodNotAllowed";
  if (ctx.request().method == "OPTIONS") return "Options";  // automatic OPTIONS, CORS preflight
  return "Unmatched";  // answered by middleware before a route could be found (401, 413, ...)
}

class TracedCall final : public aws::CallScope {
 public:
  TracedCall(observability::Tracer& tracer, const aws::CallInfo& call)
      : subsegment_(tracer.begin_subsegment(call.service, observability::SubsegmentNamespace::aws)),
        header_(tracer.propagation_header()),
        call_(call) {}

  [[nodiscard]] std::string trace_header() const override { return header_; }

  void end(const aws::CallOutcome& outcome) noexcept override {
    observability::AwsCall aws;
    aws.operation = call_.operation;
    aws.region = call_.region;
    aws.table_name = call_.table_name;
    aws.request_id = outcome.request_id;
    aws.retries = outcome.attempts > 0 ? outcome.attempts - 1 : 0;
    subsegment_.set_aws(aws);
    if (outcome.throttled || outcome.status == 429) subsegment_.set_throttle();
    else if (outcome.status >= 500 || (outcome.status == 0 && !outcome.error_code.empty())) subsegment_.set_fault();
    else if (outcome.status >= 400) subsegment_.set_error();
    subsegment_ = observability::Subsegment();  // ends and sends it now, not when the scope goes
  }

 private:
  observability::Subsegment subsegment_;
  std::string header_;
  aws::CallInfo call_;
};

class CallTracing final : public aws::CallObserver {
 public:
  explicit CallTracing(observability::Tracer& tracer) : tracer_(tracer) {}
  std::unique_ptr<aws::CallScope> begin(const aws::CallInfo& call) override {
    if (!tracer_.sampled()) return nullptr;
    return std::make_unique<TracedCall>(tracer_, call);
  }

 private:
  observability::Tracer& tracer_;
};

}  // namespace

std::shared_ptr<aws::CallObserver> aws_call_tracing(observability::Tracer& tracer) {
  return std::make_shared<CallTracing>(tracer);
}

Observability observability_for(std::string_view service, std::string_view metrics_namespace) {
  const std::string name = env_or("POWERTOOLS_SERVICE_NAME", service);
  observability::LoggerOptions log_options;
  log_options.service = name;
  observability::MetricsOptions metric_options;
  metric_options.metrics_namespace = env_or("POWERTOOLS_METRICS_NAMESPACE", metrics_namespace);
  metric_options.service = name;
  metric_options.capture_cold_start = true;
  observability::TracerOptions trace_options;
  trace_options.service = name;
  return Observability{observability::Logger(std::move(log_options)), observability::Metrics(std::move(metric_options)),
                       observability::Tracer(std::move(trace_options))};
}

Observability* observability_of(const Context& ctx) noexcept {
  auto* const* found = ctx.get<Observability*>(kKey);
  return found != nullptr ? *found : nullptr;
}

namespace {

// Every state change of the process's breakers, as one EMF document each (the breaker's own log
// line says it in words). Its own document, so that the invocation it happened in keeps its
// dimensions and the metric keeps only breaker and state.
std::shared_ptr<resilience::BreakerSubscription> count_breaker_changes(Observability& obs) {
  return std::make_shared<resilience::BreakerSubscription>(
      resilience::breakers().on_state_change([&obs](const resilience::BreakerTransition& change) {
        const auto written = obs.metrics.write_event("CircuitBreakerStateChange", 1, observability::Unit::count,
                                                     {{"breaker", change.breaker}, {"state", resilience::to_string(change.to)}});
        if (!written)
          obs.logger.warn("circuit breaker state change not counted", {{"breaker", change.breaker}, {"error", written.error().message}});
      }));
}

}  // namespace

Middleware observability(Observability& obs, ObservabilityOptions options) {
  auto breaker_changes = options.breaker_metrics ? count_breaker_changes(obs) : nullptr;
  return [&obs, options = std::move(options), breaker_changes = std::move(breaker_changes)](Context& ctx, const Next& next) -> Result<void> {
    const auto began = std::chrono::steady_clock::now();
    const auto& invocation = ctx.invocation();
    obs.logger.begin_invocation(invocation);
    obs.metrics.begin_invocation(invocation);
    obs.tracer.begin_invocation(invocation);
    // The invocation's documents name it, as its log lines do: with several workers writing
    // at once, this is what ties a document to its request in CloudWatch Logs.
    if (!invocation.request_id.empty()) (void)obs.metrics.add_metadata("function_request_id", boost::json::string(invocation.request_id));
    ctx.set(kKey, &obs);
    // Per-record event handlers run the middleware once per record: the cold start is the first's.
    if (const auto& cold = invocation.cold_start; cold && ctx.record_index() == 0) {
      // Once per environment: where the cold start went, next to Lambda's own Init Duration.
      const auto ms = [](std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; };
      obs.logger.info("cold start", {{"init_before_main_ms", ms(cold->before_main)},
                                     {"init_user_ms", ms(cold->user_init)},
                                     {"init_runtime_ms", ms(cold->runtime_init)},
                                     {"init_total_ms", ms(cold->total())}});
      if (options.request_metrics) {
        (void)obs.metrics.add("InitBeforeMain", ms(cold->before_main), observability::Unit::milliseconds);
        (void)obs.metrics.add("InitUser", ms(cold->user_init), observability::Unit::milliseconds);
        (void)obs.metrics.add("InitRuntime", ms(cold->runtime_init), observability::Unit::milliseconds);
      }
    }

    Result<void> result;
    {
      observability::Subsegment handler;
      if (options.trace_handler) handler = obs.tracer.begin_handler_subsegment(options.handler_name);
      try {
        result = next();
      } catch (...) {
        // Recorded, then passed on: recover() (or the runtime) decides what the caller sees.
        const auto error = std::current_exception();
        handler.add_exception(error);
        handler = observability::Subsegment();  // ends and sends it while the trace is still known
        obs.logger.exception("the handler threw", error);
        (void)obs.metrics.add("Errors", 1, observability::Unit::count);
        (void)obs.metrics.end_invocation();
        obs.logger.end_invocation(true);
        obs.tracer.end_invocation();
        throw;
      }
      const bool http = ctx.request().source != http::Source::direct || !ctx.request().method.empty();
      const int status = result ? (http ? ctx.response().status : 200) : result.error().status;
      if (status >= 500) handler.set_fault();
      else if (status == 429) handler.set_throttle();
      else if (status >= 400) handler.set_error();
      const std::string_view route = route_name(ctx, http, status);
      (void)handler.annotate("route", route);

      // A 4xx the handler returned as an error is the client's mistake, answered as designed: not
      // an ERROR line or an Errors count. A failed event invocation (no HTTP status) is.
      const bool failed = status >= 500 || (!result && !http);
      if (failed && options.log_failures) {
        obs.logger.error("request failed", {{"status", status},
                                            {"route", route},
                                            {"error", result ? std::string_view() : std::string_view(result.error().code)}});
      }
      if (options.request_metrics) {
        const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
        (void)obs.metrics.add_dimension_set({{"route", route},
                                             {"method", http ? std::string_view(ctx.request().method) : "EVENT"},
                                             {"status", status_class(status)}});
        (void)obs.metrics.add("Requests", 1, observability::Unit::count);
        (void)obs.metrics.add("Latency", elapsed, observability::Unit::milliseconds);
        if (failed) (void)obs.metrics.add("Errors", 1, observability::Unit::count);
      }
      (void)obs.metrics.end_invocation();
      obs.logger.end_invocation(failed);
    }  // the handler subsegment ends (and is sent) before the trace is forgotten
    obs.tracer.end_invocation();
    return result;
  };
}

}  // namespace lift::mw
