// `lift ops FUNCTION [--format json|cloudformation]`: CloudWatch alarms and a dashboard for a
// lift function, from its own routes (the OpenAPI document it prints) and the metrics lift's
// observability middleware writes. ops_generator.hpp holds the logic.

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "function_path.hpp"
#include "lift/dynamorm/dms.hpp"
#include "ops_generator.hpp"

namespace lift::cli {

namespace {

struct OpsCommandOptions {
  std::string function;
  std::string format = "json";
  std::string output;
  std::string overrides;
  std::string function_resource;
  std::string id_prefix;
  std::vector<std::string> route_p99;
  // Flags given explicitly win over the overrides file, which wins over the defaults.
  std::optional<std::string> service, metrics_namespace, function_name;
  std::optional<double> error_rate, p99_ms, throttles;
  std::optional<unsigned> min_requests, period, evaluation_periods, datapoints;
  bool dead_letter_queue = false;
};

int fail(const Error& error) {
  std::cerr << "lift ops: " << error.message << "\n";
  return error.status >= 500 ? kExitFunctionError : kExitUsage;
}

// The service dimension when --service is not given: the executable's name (what the CDK
// construct sets POWERTOOLS_SERVICE_NAME to), or its directory's for a bootstrap.
std::string default_service(const std::filesystem::path& executable) {
  const auto name = executable.filename().string();
  if (name == "bootstrap" && executable.has_parent_path()) return executable.parent_path().filename().string();
  return name;
}

int run_ops(const OpsCommandOptions& given) {
  std::error_code ec;
  auto found = find_function(given.function, std::filesystem::current_path(ec));
  const auto executable = found ? *found : std::filesystem::path(given.function);
  if (!std::filesystem::is_regular_file(executable, ec)) return fail(found ? Error{"Cli.FunctionNotFound", "no function at " + executable.string(), 400} : found.error());
  const auto text = function_openapi(executable.string(), std::chrono::seconds(10));
  if (!text) return fail(text.error());
  boost::json::error_code parse_error;
  const auto document = boost::json::parse(*text, parse_error);
  if (parse_error) return fail(Error{"Ops.BadOpenApi", "the function printed an OpenAPI document that is not JSON", 500});
  auto routes = ops::routes_of_openapi(document);
  if (!routes) return fail(routes.error());

  ops::Options options;
  options.service = default_service(executable);
  if (!given.overrides.empty()) {
    std::ifstream file(given.overrides, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    if (!file) return fail(Error{"Ops.BadFlag", "cannot read the overrides file " + given.overrides, 400});
    // YAML (by its extension) through the DMS reader's JSON-compatible YAML, else JSON.
    const auto extension = std::filesystem::path(given.overrides).extension();
    boost::json::value overrides;
    if (extension == ".yaml" || extension == ".yml") {
      auto converted = dynamorm::dms::yaml_to_json(content.str(), given.overrides);
      if (!converted) return fail(Error{"Ops.BadFlag", given.overrides + " is not YAML: " + converted.error().message, 400});
      overrides = std::move(*converted);
    } else {
      overrides = boost::json::parse(content.str(), parse_error);
      if (parse_error) return fail(Error{"Ops.BadFlag", given.overrides + " is not JSON: " + parse_error.message(), 400});
    }
    if (auto applied = ops::apply_overrides(options, overrides, *routes); !applied)
      return fail(Error{"Ops.BadFlag", given.overrides + ": " + applied.error().message, 400});
  }
  if (given.service) options.service = *given.service;
  if (given.metrics_namespace) options.metrics_namespace = *given.metrics_namespace;
  if (given.function_name) options.function_name = *given.function_name;
  if (given.error_rate) options.thresholds.error_rate = *given.error_rate;
  if (given.min_requests) options.thresholds.min_requests = *given.min_requests;
  if (given.p99_ms) options.thresholds.p99_ms = *given.p99_ms;
  if (given.throttles) options.thresholds.throttles = *given.throttles;
  if (given.period) options.period_seconds = *given.period;
  if (given.evaluation_periods) options.evaluation_periods = *given.evaluation_periods;
  if (given.datapoints) {
    options.datapoints_to_alarm = *given.datapoints;
  } else if (options.datapoints_to_alarm > options.evaluation_periods) {
    options.datapoints_to_alarm = options.evaluation_periods;  // --evaluation-periods 1 alone means 1 of 1
  }
  if (given.dead_letter_queue) options.dead_letter_queue = true;
  for (const auto& spec : given.route_p99)
    if (auto added = ops::add_route_p99(options.thresholds, spec, *routes); !added) return fail(added.error());

  auto ops_doc = ops::ops_document(*routes, options);
  if (!ops_doc) return fail(ops_doc.error());
  std::string out;
  if (given.format == "cloudformation") {
    auto fragment = ops::cloudformation_fragment(*ops_doc, {.function_resource = given.function_resource, .id_prefix = given.id_prefix});
    if (!fragment) return fail(fragment.error());
    out = ops::pretty(*fragment);
  } else {
    if (!given.function_resource.empty() || !given.id_prefix.empty())
      return fail(Error{"Ops.BadFlag", "--function-resource and --id-prefix are for --format cloudformation", 400});
    out = ops::pretty(*ops_doc);
  }
  if (given.output.empty()) {
    std::cout << out;
    return std::cout.flush() ? kExitOk : kExitUsage;
  }
  std::ofstream file(given.output, std::ios::binary);
  file << out;
  if (!file.flush()) return fail(Error{"Ops.BadFlag", "cannot write " + given.output, 400});
  return kExitOk;
}

}  // namespace

void add_ops_command(CLI::App& app, int& exit_code) {
  auto* command = app.add_subcommand(
      "ops", "Print CloudWatch alarms (error rate, p99 latency per route, throttles, dead letters) and a dashboard for a function");
  auto o = std::make_shared<OpsCommandOptions>();
  command->add_option("FUNCTION", o->function, kFunctionHelp)->required();
  command->add_option("--format", o->format, "json (the ops document; default) or cloudformation (a template fragment)")
      ->check(CLI::IsMember({"json", "cloudformation"}));
  command->add_option("-o,--output", o->output, "Write to this file instead of stdout");
  command->add_option("--service", o->service, "The service dimension, POWERTOOLS_SERVICE_NAME (default: the executable's name)");
  command->add_option("--namespace", o->metrics_namespace, "The metrics namespace, POWERTOOLS_METRICS_NAMESPACE (default: lift)");
  command->add_option("--function-name", o->function_name,
                      "The deployed function's name, written instead of the ${FunctionName} placeholder");
  command->add_option("--function-resource", o->function_resource,
                      "cloudformation: the template's function resource (Ref) instead of a FunctionName parameter");
  command->add_option("--id-prefix", o->id_prefix, "cloudformation: put this before every logical id (TodoApi -> TodoApiErrorRateAlarm)");
  command->add_option("--error-rate", o->error_rate, "Alarm when more than this share of requests fail (default 0.01 = 1%)");
  command->add_option("--min-requests", o->min_requests, "Periods with fewer requests never breach the error rate (default 10)");
  command->add_option("--p99-ms", o->p99_ms, "Alarm when a route's p99 latency is above this (default 1000 ms)");
  command->add_option("--route-p99", o->route_p99, "One route's p99 threshold: 'GET /todos=300', or 'GET /health=off' for none")
      ->allow_extra_args(false);
  command->add_option("--throttles", o->throttles, "Alarm at this many Lambda throttles in a period (default 1)");
  command->add_option("--period", o->period, "Seconds per period, a multiple of 60 (default 60)");
  command->add_option("--evaluation-periods", o->evaluation_periods, "Periods evaluated (default 5)");
  command->add_option("--datapoints-to-alarm", o->datapoints, "Breaching periods among them that alarm (default 3)");
  command->add_flag("--dead-letter-queue", o->dead_letter_queue,
                    "Add a dead-letter queue depth alarm on the ${DeadLetterQueueName} placeholder");
  command->add_option("--overrides", o->overrides, "A JSON or YAML (.yaml, .yml) file of settings (see the docs); flags win over it")
      ->check(CLI::ExistingFile);
  command->callback([o, &exit_code] { exit_code = run_ops(*o); });
}

}  // namespace lift::cli
