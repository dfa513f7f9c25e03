#pragma once
// `lift ops`: CloudWatch alarms and a dashboard for a lift function, from its routes (its
// OpenAPI document) and the metrics lift's observability middleware writes (lift::mw::
// observability): Requests, Errors and Latency under the dimension sets {service} and
// {service, route, method, status} in the function's EMF namespace, ColdStart under
// {function_name, service}, and Lambda's own AWS/Lambda metrics by FunctionName.
//
// The generator is pure: a parsed document in, a document out, so the CLI, its tests and the
// fuzz target share it. What the output looks like is the ops document of deploy/README.md:
// {"version": 1, "service", "namespace", "alarms": [...], "dashboard": {...}}, with the
// placeholders ${FunctionName}, ${DeadLetterQueueName} and ${AWS::Region} left for whoever
// deploys it; cloudformation_fragment() turns it into a template fragment.

#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"

namespace lift::cli::ops {

// One operation of the OpenAPI document: "GET" and "/todos/{id}".
struct Route {
  std::string method;
  std::string path;

  [[nodiscard]] std::string key() const { return method + " " + path; }
  friend bool operator==(const Route&, const Route&) = default;
};

// The operations of an OpenAPI document, in document order (Ops.BadOpenApi when it is not one).
Result<std::vector<Route>> routes_of_openapi(const boost::json::value& document);

// The route dimension the middleware writes for an OpenAPI path: the pattern the route was
// registered with ("/todos/{id}" -> "/todos/:id").
std::string route_dimension(std::string_view openapi_path);

struct Thresholds {
  double error_rate = 0.01;    // failed / all requests (5xx and failed invocations), over a period
  unsigned min_requests = 10;  // fewer requests in a period never breach the error rate
  double p99_ms = 1000;        // p99 latency of a route's 2xx answers
  // Per route ("GET /todos/{id}" in OpenAPI form); nullopt: no latency alarm for that route.
  std::map<std::string, std::optional<double>> route_p99_ms;
  double throttles = 1;  // Lambda throttles (Sum) in a period
  double dead_letter_messages = 1;  // messages visible in the dead-letter queue
};

struct Options {
  std::string service;                      // the service dimension (POWERTOOLS_SERVICE_NAME)
  std::string metrics_namespace = "lift";   // POWERTOOLS_METRICS_NAMESPACE
  unsigned period_seconds = 60;
  unsigned evaluation_periods = 5;
  unsigned datapoints_to_alarm = 3;
  bool dead_letter_queue = false;           // a dead-letter depth alarm on ${DeadLetterQueueName}
  std::string function_name;                // when set, used instead of the ${FunctionName} placeholder
  Thresholds thresholds;
};

// "GET /todos=300" (or "GET /todos/:id=off") into thresholds.route_p99_ms, checked against the
// routes the function has (Ops.BadFlag otherwise, naming them).
Result<void> add_route_p99(Thresholds& thresholds, std::string_view spec, const std::vector<Route>& routes);

// The settings of an overrides file (a JSON object):
// {"service", "namespace", "period", "evaluationPeriods", "datapointsToAlarm", "errorRate",
//  "minRequests", "p99Ms", "throttles", "deadLetterMessages", "deadLetterQueue",
//  "routes": {"GET /todos": {"p99Ms": 300} | {"p99Ms": null}}}. Unknown keys are refused.
Result<void> apply_overrides(Options& options, const boost::json::value& overrides, const std::vector<Route>& routes);

// Every value in range, names CloudWatch accepts (Ops.BadFlag naming the first that is not).
Result<void> check_options(const Options& options);

// The ops document (version 1) for these routes.
Result<boost::json::object> ops_document(const std::vector<Route>& routes, const Options& options);

struct CloudFormationOptions {
  // The template's function resource: Ref it instead of taking a FunctionName parameter.
  std::string function_resource;
  // Put before every logical id (TodoApi -> TodoApiErrorRateAlarm, TodoApiDashboard), so that
  // several functions' fragments fit in one template.
  std::string id_prefix;
};

// A template fragment (Parameters and Resources) with the document's alarms as
// AWS::CloudWatch::Alarm and its dashboard as AWS::CloudWatch::Dashboard; the placeholders become
// parameters (FunctionName, DeadLetterQueueName; MetricsNamespace, defaulting to the
// document's namespace) or pseudo parameters (AWS::Region), through Ref and Fn::Sub.
Result<boost::json::object> cloudformation_fragment(const boost::json::object& ops, const CloudFormationOptions& options);

// JSON text with two-space indentation, keys in their order (what the CLI prints).
std::string pretty(const boost::json::value& value);

}  // namespace lift::cli::ops
