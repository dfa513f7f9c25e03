#include "ops_generator.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>

namespace lift::cli::ops {

namespace bj = boost::json;

namespace {

constexpr const char* kBadOpenApi = "Ops.BadOpenApi";
constexpr const char* kBadFlag = "Ops.BadFlag";
constexpr const char* kBadDocument = "Ops.BadDocument";

constexpr std::string_view kFunctionName = "${FunctionName}";
constexpr std::string_view kDeadLetterQueueName = "${DeadLetterQueueName}";
constexpr std::string_view kRegion = "${AWS::Region}";

Error bad_flag(std::string message) { return Error{kBadFlag, std::move(message), 400}; }

// The HTTP methods an OpenAPI path item may hold (other keys are parameters, summary, ...).
constexpr std::array<std::string_view, 8> kMethods{"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "GET /todos/:id" or "get /todos/{id}" as the route key "GET /todos/{id}".
std::string normalized_key(std::string_view method, std::string_view path) {
  std::string openapi;
  std::size_t i = 0;
  while (i < path.size()) {
    const bool starts_segment = i == 0 || path[i - 1] == '/';
    if (starts_segment && (path[i] == ':' || path[i] == '*')) {
      auto end = path.find('/', i);
      if (end == std::string_view::npos) end = path.size();
      openapi += '{';
      openapi += path.substr(i + 1, end - i - 1);
      openapi += '}';
      i = end;
    } else {
      openapi += path[i++];
    }
  }
  return upper(method) + " " + openapi;
}

// PascalCase words of a route: "GET /todos/{id}" -> "GetTodosId".
std::string pascal_words(std::string_view text) {
  std::string out;
  bool start = true;
  for (char c : text) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (!word) {
      start = true;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                 : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    start = false;
  }
  return out.empty() ? "Root" : out;
}

std::string number_text(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<long long>(value));
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("0");
}

// A threshold as the alarm descriptions say it: 0.01 -> "1%", 0.07 -> "7%" (not 7.000000000000001%).
std::string percent(double rate) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g%%", rate * 100);
  return buffer;
}

void write_json(std::string& out, const bj::value& v, int indent, int depth) {
  const auto newline = [&](int level) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * level), ' ');
  };
  switch (v.kind()) {
    case bj::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [key, item] : o) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        out += bj::serialize(bj::string_view(key));
        out += indent < 0 ? ":" : ": ";
        write_json(out, item, indent, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
    case bj::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      // A row of scalars (a dashboard's metric row) stays on one line.
      const bool flat = indent >= 0 && std::none_of(a.begin(), a.end(), [](const bj::value& item) {
        return item.is_array() || (item.is_object() && item.get_object().size() > 2);
      });
      out += '[';
      bool first = true;
      for (const auto& item : a) {
        if (!first) out += flat ? ", " : ",";
        first = false;
        if (!flat) newline(depth + 1);
        write_json(out, item, flat ? -1 : indent, depth + 1);
      }
      if (!flat) newline(depth);
      out += ']';
      return;
    }
    case bj::kind::double_: out += number_text(v.get_double()); return;
    default: out += bj::serialize(v); return;
  }
}

bj::value number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return static_cast<std::int64_t>(value);
  return value;
}

bj::array dimensions(std::initializer_list<std::pair<std::string_view, std::string_view>> list) {
  bj::array out;
  for (const auto& [name, value] : list) out.push_back(bj::object{{"Name", name}, {"Value", value}});
  return out;
}

// The per-route latency dimensions, as the middleware writes them for a route's 2xx answers.
bj::array route_dimensions(const Options& o, const Route& r, const std::string& route) {
  return dimensions({{"service", o.service}, {"route", route}, {"method", r.method}, {"status", "2xx"}});
}

// What every alarm shares: its evaluation window and missing data meaning "fine" (no traffic is
// not an outage; the throttles and the dead-letter queue report nothing when nothing happens).
void add_window(bj::object& p, unsigned evaluation_periods, unsigned datapoints) {
  p["EvaluationPeriods"] = evaluation_periods;
  p["DatapointsToAlarm"] = datapoints;
}

std::string window_text(const Options& o) {
  return std::to_string(o.datapoints_to_alarm) + " of " + std::to_string(o.evaluation_periods) + " periods of " +
         std::to_string(o.period_seconds) + " s";
}

std::string error_rate_expression(const Options& o) {
  // Errors is written only when something failed: a period without it had none.
  return "IF(requests >= " + std::to_string(o.thresholds.min_requests) + ", FILL(errors, 0) / requests, 0)";
}

bj::object error_rate_alarm(const Options& o) {
  const auto service_metric = [&](std::string_view id, std::string_view name) {
    return bj::object{{"Id", id},
                      {"MetricStat", bj::object{{"Metric", bj::object{{"Namespace", o.metrics_namespace},
                                                                      {"MetricName", name},
                                                                      {"Dimensions", dimensions({{"service", o.service}})}}},
                                                {"Period", o.period_seconds},
                                                {"Stat", "Sum"}}},
                      {"ReturnData", false}};
  };
  bj::object p;
  p["AlarmName"] = std::string(kFunctionName) + " error rate";
  p["AlarmDescription"] = "More than " + percent(o.thresholds.error_rate) + " of " + o.service +
                          "'s requests failed (5xx answers and failed invocations) in " + window_text(o) +
                          " with at least " + std::to_string(o.thresholds.min_requests) + " requests (lift ops)";
  p["Metrics"] = bj::array{service_metric("errors", "Errors"), service_metric("requests", "Requests"),
                           bj::object{{"Id", "rate"}, {"Expression", error_rate_expression(o)}, {"Label", "error rate"},
                                      {"ReturnData", true}}};
  add_window(p, o.evaluation_periods, o.datapoints_to_alarm);
  p["Threshold"] = number(o.thresholds.error_rate);
  p["ComparisonOperator"] = "GreaterThanThreshold";
  p["TreatMissingData"] = "notBreaching";
  return bj::object{{"id", "ErrorRateAlarm"}, {"kind", "error-rate"}, {"rollback", true}, {"properties", std::move(p)}};
}

bj::object latency_alarm(const Options& o, const Route& r, double threshold_ms, std::string id) {
  const auto route = route_dimension(r.path);
  bj::object p;
  p["AlarmName"] = std::string(kFunctionName) + " p99 " + r.key();
  p["AlarmDescription"] = "p99 latency of " + r.key() + "'s 2xx answers above " + number_text(threshold_ms) + " ms in " +
                          window_text(o) + " (lift ops)";
  p["Namespace"] = o.metrics_namespace;
  p["MetricName"] = "Latency";
  p["Dimensions"] = route_dimensions(o, r, route);
  p["ExtendedStatistic"] = "p99";
  p["Period"] = o.period_seconds;
  add_window(p, o.evaluation_periods, o.datapoints_to_alarm);
  p["Threshold"] = number(threshold_ms);
  p["ComparisonOperator"] = "GreaterThanThreshold";
  p["TreatMissingData"] = "notBreaching";
  return bj::object{{"id", std::move(id)}, {"kind", "latency-p99"}, {"route", r.key()}, {"rollback", true}, {"properties", std::move(p)}};
}

bj::object throttles_alarm(const Options& o) {
  bj::object p;
  p["AlarmName"] = std::string(kFunctionName) + " throttles";
  p["AlarmDescription"] = "Lambda throttled " + o.service + " (at least " + number_text(o.thresholds.throttles) +
                          " in a period) in " + window_text(o) + ": reserved or account concurrency is exhausted (lift ops)";
  p["Namespace"] = "AWS/Lambda";
  p["MetricName"] = "Throttles";
  p["Dimensions"] = dimensions({{"FunctionName", kFunctionName}});
  p["Statistic"] = "Sum";
  p["Period"] = o.period_seconds;
  add_window(p, o.evaluation_periods, o.datapoints_to_alarm);
  p["Threshold"] = number(o.thresholds.throttles);
  p["ComparisonOperator"] = "GreaterThanOrEqualToThreshold";
  p["TreatMissingData"] = "notBreaching";
  // Throttling is about capacity, not the new code: no rollback.
  return bj::object{{"id", "ThrottlesAlarm"}, {"kind", "throttles"}, {"rollback", false}, {"properties", std::move(p)}};
}

bj::object dead_letter_alarm(const Options& o) {
  bj::object p;
  p["AlarmName"] = std::string(kFunctionName) + " dead letters";
  p["AlarmDescription"] = "At least " + number_text(o.thresholds.dead_letter_messages) +
                          " message(s) waiting in the dead-letter queue of " + o.service + " (lift ops)";
  p["Namespace"] = "AWS/SQS";
  p["MetricName"] = "ApproximateNumberOfMessagesVisible";
  p["Dimensions"] = dimensions({{"QueueName", kDeadLetterQueueName}});
  p["Statistic"] = "Maximum";
  p["Period"] = o.period_seconds;
  // One period is enough: a message in the dead-letter queue stays there until someone looks.
  add_window(p, 1, 1);
  p["Threshold"] = number(o.thresholds.dead_letter_messages);
  p["ComparisonOperator"] = "GreaterThanOrEqualToThreshold";
  p["TreatMissingData"] = "notBreaching";
  return bj::object{{"id", "DeadLetterDepthAlarm"}, {"kind", "dead-letter-depth"}, {"rollback", false}, {"properties", std::move(p)}};
}

// Dashboard metric rows: [namespace, name, dimension name, value, ..., {options}].
bj::array metric_row(std::string_view ns, std::string_view name,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> dims, bj::object rendering = {}) {
  bj::array row{ns, name};
  for (const auto& [n, v] : dims) {
    row.emplace_back(n);
    row.emplace_back(v);
  }
  if (!rendering.empty()) row.emplace_back(std::move(rendering));
  return row;
}

struct Layout {
  bj::array widgets;
  int x = 0;
  int y = 0;
  void add(int width, int height, bj::object properties) {
    if (x + width > 24) {
      x = 0;
      y += height;
    }
    widgets.push_back(bj::object{{"type", "metric"}, {"x", x}, {"y", y}, {"width", width}, {"height", height},
                                 {"properties", std::move(properties)}});
    x += width;
  }
};

bj::object graph(std::string_view title, const Options& o, bj::array metrics, std::string_view stat) {
  return bj::object{{"title", title},     {"view", "timeSeries"},   {"stacked", false},
                    {"region", kRegion},  {"period", o.period_seconds}, {"stat", stat},
                    {"metrics", std::move(metrics)}, {"yAxis", bj::object{{"left", bj::object{{"min", 0}}}}}};
}

bj::array horizontal(std::string_view label, double value) {
  return bj::array{bj::object{{"label", label}, {"value", number(value)}}};
}

bj::object dashboard(const std::vector<Route>& routes, const Options& o, const std::map<std::string, double>& route_thresholds) {
  const std::string_view ns = o.metrics_namespace;
  const std::string_view svc = o.service;
  Layout layout;

  layout.add(8, 6, graph("Requests and errors", o,
                         bj::array{metric_row(ns, "Requests", {{"service", svc}}), metric_row(ns, "Errors", {{"service", svc}})},
                         "Sum"));
  auto rate = graph("Error rate", o,
                    bj::array{bj::array{bj::object{{"expression", error_rate_expression(o)}, {"label", "error rate"}, {"id", "rate"}}},
                              metric_row(ns, "Errors", {{"service", svc}}, bj::object{{"id", "errors"}, {"visible", false}}),
                              metric_row(ns, "Requests", {{"service", svc}}, bj::object{{"id", "requests"}, {"visible", false}})},
                    "Sum");
  rate["annotations"] = bj::object{{"horizontal", horizontal("alarm", o.thresholds.error_rate)}};
  layout.add(8, 6, std::move(rate));
  layout.add(8, 6, graph("Cold starts", o,
                         bj::array{metric_row(ns, "ColdStart", {{"function_name", kFunctionName}, {"service", svc}}),
                                   metric_row("AWS/Lambda", "Invocations", {{"FunctionName", kFunctionName}})},
                         "Sum"));
  auto throttles = graph("Throttles and concurrency", o,
                         bj::array{metric_row("AWS/Lambda", "Throttles", {{"FunctionName", kFunctionName}}),
                                   metric_row("AWS/Lambda", "ConcurrentExecutions", {{"FunctionName", kFunctionName}},
                                              bj::object{{"stat", "Maximum"}, {"yAxis", "right"}})},
                         "Sum");
  throttles["annotations"] = bj::object{{"horizontal", horizontal("throttles alarm", o.thresholds.throttles)}};
  layout.add(12, 6, std::move(throttles));
  layout.add(12, 6, graph("Lambda duration and errors", o,
                          bj::array{metric_row("AWS/Lambda", "Duration", {{"FunctionName", kFunctionName}}, bj::object{{"stat", "p50"}}),
                                    metric_row("AWS/Lambda", "Duration", {{"FunctionName", kFunctionName}}, bj::object{{"stat", "p99"}}),
                                    metric_row("AWS/Lambda", "Errors", {{"FunctionName", kFunctionName}},
                                               bj::object{{"stat", "Sum"}, {"yAxis", "right"}})},
                          "p99"));
  // One widget per route: the latency of its 2xx answers, and its requests by status class.
  for (const auto& r : routes) {
    const auto route = route_dimension(r.path);
    bj::array metrics;
    for (const char* stat : {"p50", "p99"})
      metrics.push_back(metric_row(ns, "Latency", {{"service", svc}, {"route", route}, {"method", r.method}, {"status", "2xx"}},
                                   bj::object{{"stat", stat}, {"label", std::string("latency ") + stat}}));
    for (const char* status : {"2xx", "4xx", "5xx"})
      metrics.push_back(metric_row(ns, "Requests", {{"service", svc}, {"route", route}, {"method", r.method}, {"status", status}},
                                   bj::object{{"stat", "Sum"}, {"yAxis", "right"}, {"label", std::string("requests ") + status}}));
    auto widget = graph(r.key(), o, std::move(metrics), "p99");
    if (const auto found = route_thresholds.find(r.key()); found != route_thresholds.end())
      widget["annotations"] = bj::object{{"horizontal", horizontal("p99 alarm (ms)", found->second)}};
    layout.add(12, 6, std::move(widget));
  }
  if (o.dead_letter_queue) {
    layout.add(12, 6, graph("Dead-letter queue", o,
                            bj::array{metric_row("AWS/SQS", "ApproximateNumberOfMessagesVisible", {{"QueueName", kDeadLetterQueueName}})},
                            "Maximum"));
  }
  return bj::object{{"name", kFunctionName}, {"body", bj::object{{"widgets", std::move(layout.widgets)}}}};
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
}

void substitute(bj::value& v, std::string_view from, std::string_view to) {
  if (v.is_string()) {
    std::string text(v.get_string());
    if (text.find(from) == std::string::npos) return;
    replace_all(text, from, to);
    v = bj::string(text);
  } else if (v.is_array()) {
    for (auto& item : v.get_array()) substitute(item, from, to);
  } else if (v.is_object()) {
    for (auto& item : v.get_object()) substitute(item.value(), from, to);
  }
}

bool valid_namespace(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.starts_with("AWS/")) return false;
  bool visible = false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view(" ._#:/-").find(c) != std::string_view::npos))
      return false;
    if (c != ' ') visible = true;
  }
  return visible;
}

bool valid_dimension_value(std::string_view value) {
  if (value.empty() || value.size() > 1024) return false;
  bool visible = false;
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) return false;
    if (c != ' ') visible = true;
  }
  return visible;
}

bool valid_function_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

Result<double> positive_number(const bj::value& v, std::string_view key) {
  if (!v.is_number()) return bad_flag(std::string(key) + " must be a number");
  const double d = v.to_number<double>();
  if (!(d > 0) || !std::isfinite(d)) return bad_flag(std::string(key) + " must be above 0");
  return d;
}

Result<unsigned> whole_number(const bj::value& v, std::string_view key) {
  if (!v.is_number()) return bad_flag(std::string(key) + " must be a whole number");
  const double d = v.to_number<double>();
  if (!(d >= 0) || d != std::floor(d) || d > 1e9) return bad_flag(std::string(key) + " must be a whole number");
  return static_cast<unsigned>(d);
}

Result<std::string> route_key_of(std::string_view spec, const std::vector<Route>& routes) {
  const auto space = spec.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 >= spec.size() || spec[space + 1] != '/')
    return bad_flag("'" + std::string(spec) + "' is not a route: METHOD /path, e.g. 'GET /todos/{id}'");
  const auto key = normalized_key(spec.substr(0, space), spec.substr(space + 1));
  for (const auto& r : routes)
    if (r.key() == key) return key;
  std::string known;
  for (const auto& r : routes) known += (known.empty() ? "" : ", ") + r.key();
  return bad_flag("the function has no route " + key + (known.empty() ? " (it has none)" : "; its routes: " + known));
}

}  // namespace

std::string route_dimension(std::string_view openapi_path) {
  std::string out;
  std::size_t i = 0;
  while (i < openapi_path.size()) {
    const bool starts_segment = i == 0 || openapi_path[i - 1] == '/';
    const auto close = openapi_path.find('}', i);
    const auto slash = openapi_path.find('/', i);
    // A whole segment "{name}" is a parameter; braces elsewhere are literal.
    if (starts_segment && openapi_path[i] == '{' && close != std::string_view::npos && (slash == std::string_view::npos || close < slash) &&
        (close + 1 == openapi_path.size() || openapi_path[close + 1] == '/')) {
      out += ':';
      out += openapi_path.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      out += openapi_path[i++];
    }
  }
  return out;
}

Result<std::vector<Route>> routes_of_openapi(const bj::value& document) {
  if (!document.is_object()) return Error{kBadOpenApi, "the OpenAPI document is not a JSON object", 400};
  const auto& o = document.get_object();
  const auto* version = o.if_contains("openapi");
  if (version == nullptr || !version->is_string() || !version->get_string().starts_with("3."))
    return Error{kBadOpenApi, "not an OpenAPI 3 document (no \"openapi\": \"3.x\")", 400};
  std::vector<Route> routes;
  const auto* paths = o.if_contains("paths");
  if (paths == nullptr) return routes;
  if (!paths->is_object()) return Error{kBadOpenApi, "\"paths\" is not an object", 400};
  for (const auto& [path, item] : paths->get_object()) {
    if (!path.starts_with("/")) return Error{kBadOpenApi, "path '" + std::string(path) + "' does not start with /", 400};
    if (!valid_dimension_value(path))
      return Error{kBadOpenApi, "path '" + std::string(path) + "' is not a CloudWatch dimension value (printable ASCII)", 400};
    if (!item.is_object()) return Error{kBadOpenApi, "path '" + std::string(path) + "' is not an object", 400};
    for (const auto& [method, operation] : item.get_object()) {
      if (std::find(kMethods.begin(), kMethods.end(), std::string_view(method)) == kMethods.end()) continue;
      if (!operation.is_object())
        return Error{kBadOpenApi, std::string(method) + " " + std::string(path) + " is not an operation object", 400};
      routes.push_back(Route{upper(method), std::string(path)});
    }
  }
  return routes;
}

Result<void> add_route_p99(Thresholds& thresholds, std::string_view spec, const std::vector<Route>& routes) {
  const auto equals = spec.rfind('=');
  if (equals == std::string_view::npos)
    return bad_flag("--route-p99 '" + std::string(spec) + "': expected 'METHOD /path=MILLISECONDS' (or =off)");
  auto key = route_key_of(spec.substr(0, equals), routes);
  if (!key) return key.error();
  const auto value = spec.substr(equals + 1);
  if (value == "off") {
    thresholds.route_p99_ms[*key] = std::nullopt;
    return {};
  }
  double ms = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (ec != std::errc() || end != value.data() + value.size() || !(ms > 0) || !std::isfinite(ms))
    return bad_flag("--route-p99 '" + std::string(spec) + "': '" + std::string(value) + "' is not a positive number of milliseconds or off");
  thresholds.route_p99_ms[*key] = ms;
  return {};
}

Result<void> apply_overrides(Options& options, const bj::value& overrides, const std::vector<Route>& routes) {
  if (!overrides.is_object()) return bad_flag("the overrides file must hold an object");
  for (const auto& member : overrides.get_object()) {
    const std::string k(member.key());
    const bj::value& v = member.value();  // a plain reference: lambdas below capture it
    const auto text = [&](std::string& into) -> Result<void> {
      if (!v.is_string()) return bad_flag(k + " must be a string");
      into = std::string(v.get_string());
      return {};
    };
    Result<void> applied;
    if (k == "service") {
      applied = text(options.service);
    } else if (k == "namespace") {
      applied = text(options.metrics_namespace);
    } else if (k == "functionName") {
      applied = text(options.function_name);
    } else if (k == "period" || k == "evaluationPeriods" || k == "datapointsToAlarm" || k == "minRequests") {
      auto n = whole_number(v, k);
      if (!n) return n.error();
      (k == "period" ? options.period_seconds
       : k == "evaluationPeriods" ? options.evaluation_periods
       : k == "datapointsToAlarm" ? options.datapoints_to_alarm
                                  : options.thresholds.min_requests) = *n;
    } else if (k == "errorRate" || k == "p99Ms" || k == "throttles" || k == "deadLetterMessages") {
      auto d = positive_number(v, k);
      if (!d) return d.error();
      (k == "errorRate" ? options.thresholds.error_rate
       : k == "p99Ms"   ? options.thresholds.p99_ms
       : k == "throttles" ? options.thresholds.throttles
                          : options.thresholds.dead_letter_messages) = *d;
    } else if (k == "deadLetterQueue") {
      if (!v.is_bool()) return bad_flag("deadLetterQueue must be true or false");
      options.dead_letter_queue = v.get_bool();
    } else if (k == "routes") {
      if (!v.is_object()) return bad_flag("routes must be an object of \"METHOD /path\": {\"p99Ms\": N or null}");
      for (const auto& [route, setting] : v.get_object()) {
        auto route_key = route_key_of(route, routes);
        if (!route_key) return route_key.error();
        const auto* p99 = setting.is_object() ? setting.get_object().if_contains("p99Ms") : nullptr;
        if (p99 == nullptr || setting.get_object().size() != 1)
          return bad_flag("routes." + std::string(route) + " must be {\"p99Ms\": N} or {\"p99Ms\": null}");
        if (p99->is_null()) {
          options.thresholds.route_p99_ms[*route_key] = std::nullopt;
        } else {
          auto d = positive_number(*p99, "routes." + std::string(route) + ".p99Ms");
          if (!d) return d.error();
          options.thresholds.route_p99_ms[*route_key] = *d;
        }
      }
    } else {
      return bad_flag("unknown setting '" + k + "' in the overrides file");
    }
    if (!applied) return applied;
  }
  return {};
}

Result<void> check_options(const Options& o) {
  if (!valid_dimension_value(o.service))
    return bad_flag("the service name '" + o.service + "' is not a CloudWatch dimension value (1 to 1024 printable ASCII characters)");
  if (!valid_namespace(o.metrics_namespace))
    return bad_flag("the namespace '" + o.metrics_namespace + "' is not a CloudWatch namespace (1 to 255 of [A-Za-z0-9 ._#:/-], not AWS/)");
  if (!o.function_name.empty() && !valid_function_name(o.function_name))
    return bad_flag("the function name '" + o.function_name + "' is not a Lambda function name (1 to 64 of [A-Za-z0-9-_])");
  // lift's EMF metrics are standard resolution: a period is a whole number of minutes.
  if (o.period_seconds == 0 || o.period_seconds % 60 != 0)
    return bad_flag("the period must be a positive multiple of 60 seconds, not " + std::to_string(o.period_seconds));
  if (o.evaluation_periods == 0) return bad_flag("the evaluation periods must be at least 1");
  // CloudWatch evaluates at most one day.
  if (static_cast<unsigned long long>(o.period_seconds) * o.evaluation_periods > 86400)
    return bad_flag("period x evaluation periods must be at most one day (86400 s)");
  if (o.datapoints_to_alarm == 0 || o.datapoints_to_alarm > o.evaluation_periods)
    return bad_flag("the datapoints to alarm must be between 1 and the evaluation periods (" + std::to_string(o.evaluation_periods) + ")");
  const auto& t = o.thresholds;
  if (!(t.error_rate > 0 && t.error_rate <= 1)) return bad_flag("the error rate must be above 0 and at most 1 (0.01 is 1%)");
  if (!(t.p99_ms > 0) || !std::isfinite(t.p99_ms)) return bad_flag("the p99 latency must be above 0 ms");
  if (!(t.throttles > 0) || !std::isfinite(t.throttles)) return bad_flag("the throttles threshold must be above 0");
  if (!(t.dead_letter_messages > 0) || !std::isfinite(t.dead_letter_messages))
    return bad_flag("the dead-letter threshold must be above 0");
  return {};
}

Result<bj::object> ops_document(const std::vector<Route>& routes, const Options& o) {
  if (auto checked = check_options(o); !checked) return checked.error();
  bj::array alarms;
  alarms.push_back(error_rate_alarm(o));
  std::set<std::string> ids{"ErrorRateAlarm", "ThrottlesAlarm", "DeadLetterDepthAlarm"};
  std::map<std::string, double> thresholds;  // route key -> p99 ms, for the dashboard
  std::set<std::string> seen;
  std::vector<Route> unique;
  for (const auto& r : routes) {
    if (!seen.insert(r.key()).second) continue;  // a document lists a path and method once; be safe
    unique.push_back(r);
    const auto set = o.thresholds.route_p99_ms.find(r.key());
    if (set != o.thresholds.route_p99_ms.end() && !set->second) continue;  // off
    const double ms = set != o.thresholds.route_p99_ms.end() ? *set->second : o.thresholds.p99_ms;
    // Logical ids from the route's words, numbered when two routes make the same words.
    std::string base = "LatencyP99" + pascal_words(r.method + " " + r.path);
    std::string id = base + "Alarm";
    for (int n = 2; ids.contains(id); ++n) id = base + std::to_string(n) + "Alarm";
    ids.insert(id);
    thresholds[r.key()] = ms;
    alarms.push_back(latency_alarm(o, r, ms, id));
  }
  alarms.push_back(throttles_alarm(o));
  if (o.dead_letter_queue) alarms.push_back(dead_letter_alarm(o));

  bj::value document = bj::object{{"version", 1},
                                   {"service", o.service},
                                   {"namespace", o.metrics_namespace},
                                   {"alarms", std::move(alarms)},
                                   {"dashboard", dashboard(unique, o, thresholds)}};
  if (!o.function_name.empty()) substitute(document, kFunctionName, o.function_name);
  return std::move(document.get_object());
}

namespace {

struct Placeholder {
  std::string_view text;  // "${FunctionName}"
  std::string name;       // what Ref and Fn::Sub use for it
};

// Text for a Fn::Sub: each placeholder as ${its name}, any other "${" escaped as "${!".
std::string sub_text(std::string_view text, const std::vector<Placeholder>& placeholders, bool* substituted = nullptr) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) != "${") {
      out += text[i++];
      continue;
    }
    const auto match = std::find_if(placeholders.begin(), placeholders.end(),
                                    [&](const Placeholder& p) { return text.substr(i).starts_with(p.text); });
    if (match == placeholders.end()) {
      out += "${!";
      i += 2;
      continue;
    }
    out += "${" + match->name + "}";
    i += match->text.size();
    if (substituted != nullptr) *substituted = true;
  }
  return out;
}

// One string of the ops document for a template: a placeholder alone becomes a Ref, a string
// with placeholders a Fn::Sub, anything else stays as it is.
bj::value template_string(std::string_view text, const std::vector<Placeholder>& placeholders) {
  for (const auto& p : placeholders)
    if (text == p.text) return bj::object{{"Ref", p.name}};
  bool substituted = false;
  auto out = sub_text(text, placeholders, &substituted);
  if (!substituted) return bj::string(text);
  return bj::object{{"Fn::Sub", std::move(out)}};
}

void to_template(bj::value& v, const std::vector<Placeholder>& placeholders, std::string_view ns) {
  if (v.is_string()) {
    v = template_string(v.get_string(), placeholders);
  } else if (v.is_array()) {
    for (auto& item : v.get_array()) to_template(item, placeholders, ns);
  } else if (v.is_object()) {
    for (auto& item : v.get_object()) {
      if (item.key() == "Namespace" && item.value().is_string() && item.value().get_string() == ns) {
        item.value() = bj::object{{"Ref", "MetricsNamespace"}};
        continue;
      }
      to_template(item.value(), placeholders, ns);
    }
  }
}

// The dashboard body's strings for a Fn::Sub.
void to_sub_text(bj::value& v, const std::vector<Placeholder>& placeholders) {
  if (v.is_string()) {
    v = bj::string(sub_text(v.get_string(), placeholders));
  } else if (v.is_array()) {
    for (auto& item : v.get_array()) to_sub_text(item, placeholders);
  } else if (v.is_object()) {
    for (auto& item : v.get_object()) to_sub_text(item.value(), placeholders);
  }
}

bool mentions(const bj::value& v, std::string_view text) {
  if (v.is_string()) return v.get_string().find(text) != bj::string::npos;
  if (v.is_array()) return std::any_of(v.get_array().begin(), v.get_array().end(), [&](const bj::value& i) { return mentions(i, text); });
  if (v.is_object())
    return std::any_of(v.get_object().begin(), v.get_object().end(), [&](const auto& i) { return mentions(i.value(), text); });
  return false;
}

}  // namespace

Result<bj::object> cloudformation_fragment(const bj::object& ops, const CloudFormationOptions& options) {
  const auto bad = [](std::string message) { return Error{kBadDocument, std::move(message), 400}; };
  const auto* ns = ops.if_contains("namespace");
  const auto* alarms = ops.if_contains("alarms");
  const auto* dashboard_doc = ops.if_contains("dashboard");
  if (ns == nullptr || !ns->is_string() || alarms == nullptr || !alarms->is_array() || dashboard_doc == nullptr ||
      !dashboard_doc->is_object())
    return bad("not an ops document (namespace, alarms and dashboard)");
  const std::string_view metrics_namespace = ns->get_string();
  const auto logical_id = [](const std::string& id) {
    return std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  };
  if (!logical_id(options.function_resource))
    return bad("'" + options.function_resource + "' is not a CloudFormation logical id (letters and digits)");
  if (!logical_id(options.id_prefix) || (!options.id_prefix.empty() && !std::isalpha(static_cast<unsigned char>(options.id_prefix[0]))))
    return bad("the id prefix '" + options.id_prefix + "' does not start a CloudFormation logical id (a letter, then letters and digits)");

  const std::string function = options.function_resource.empty() ? "FunctionName" : options.function_resource;
  const std::vector<Placeholder> placeholders{
      {kFunctionName, function}, {kDeadLetterQueueName, "DeadLetterQueueName"}, {kRegion, "AWS::Region"}};

  bj::object parameters;
  if (options.function_resource.empty())
    parameters["FunctionName"] = bj::object{{"Type", "String"}, {"Description", "The name of the function the alarms watch"}};
  parameters["MetricsNamespace"] =
      bj::object{{"Type", "String"}, {"Default", metrics_namespace}, {"Description", "The function's POWERTOOLS_METRICS_NAMESPACE"}};
  if (mentions(ops, kDeadLetterQueueName))
    parameters["DeadLetterQueueName"] = bj::object{{"Type", "String"}, {"Description", "The name of the function's dead-letter queue"}};

  bj::object resources;
  for (const auto& alarm : alarms->get_array()) {
    const auto* id = alarm.is_object() ? alarm.get_object().if_contains("id") : nullptr;
    const auto* properties = alarm.is_object() ? alarm.get_object().if_contains("properties") : nullptr;
    if (id == nullptr || !id->is_string() || properties == nullptr || !properties->is_object())
      return bad("an alarm without id or properties");
    const std::string resource_id = options.id_prefix + std::string(id->get_string());
    if (resources.contains(resource_id)) return bad("two alarms with the id " + resource_id);
    bj::value p = *properties;
    to_template(p, placeholders, metrics_namespace);
    resources[resource_id] = bj::object{{"Type", "AWS::CloudWatch::Alarm"}, {"Properties", std::move(p)}};
  }
  const auto& d = dashboard_doc->get_object();
  const auto* name = d.if_contains("name");
  const auto* body = d.if_contains("body");
  if (name == nullptr || !name->is_string() || body == nullptr || !body->is_object()) return bad("a dashboard without name or body");
  bj::value sub_body = *body;
  to_sub_text(sub_body, placeholders);
  // The function's own metrics ([namespace, name, ...] rows) in the MetricsNamespace parameter.
  if (auto* widgets = sub_body.get_object().if_contains("widgets"); widgets != nullptr && widgets->is_array()) {
    for (auto& widget : widgets->get_array()) {
      auto* props = widget.is_object() ? widget.get_object().if_contains("properties") : nullptr;
      auto* rows = props != nullptr && props->is_object() ? props->get_object().if_contains("metrics") : nullptr;
      if (rows == nullptr || !rows->is_array()) continue;
      for (auto& row : rows->get_array())
        if (row.is_array() && !row.get_array().empty() && row.get_array()[0] == bj::value(metrics_namespace))
          row.get_array()[0] = "${MetricsNamespace}";
    }
  }
  std::string body_text;
  write_json(body_text, sub_body, -1, 0);
  resources[options.id_prefix + "Dashboard"] = bj::object{
      {"Type", "AWS::CloudWatch::Dashboard"},
      {"Properties", bj::object{{"DashboardName", template_string(name->get_string(), placeholders)},
                                {"DashboardBody", bj::object{{"Fn::Sub", body_text}}}}}};
  return bj::object{{"Parameters", std::move(parameters)}, {"Resources", std::move(resources)}};
}

std::string pretty(const bj::value& value) {
  std::string out;
  write_json(out, value, 2, 0);
  out += '\n';
  return out;
}

}  // namespace lift::cli::ops
