// `lift ops` as users run it, on examples/todo-api: one latency alarm per route of the OpenAPI
// document the function prints (`lift openapi`), the error-rate and throttles alarms, flags and
// an overrides file, bad flags refused with exit 2 and a message, and both outputs validated
// against CloudFormation's resource definitions and CloudWatch's dashboard body structure
// (ops_schema_check.js, ajv and the AWS service spec), which must also refuse broken copies.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/requirements.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using lift::testing_support::run_command;

json::value parse_output(const std::string& text) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return v;
}

lift::testing_support::CommandResult ops(std::vector<std::string> args) {
  args.insert(args.begin(), {LIFT_CLI, "ops", LIFT_TODO_API});
  return run_command(args, {}, std::chrono::seconds(30));
}

std::set<std::string> openapi_routes() {
  const auto printed = run_command({LIFT_CLI, "openapi", LIFT_TODO_API});
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  std::set<std::string> routes;
  const auto doc = parse_output(printed.out);
  for (const auto& [path, item] : doc.at("paths").as_object())
    for (const auto& [method, operation] : item.as_object()) {
      if (!operation.is_object()) continue;
      std::string m(method);
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.insert(m + " " + std::string(path));
    }
  return routes;
}

const json::object* find_alarm(const json::value& doc, std::string_view kind, std::string_view route = {}) {
  for (const auto& a : doc.at("alarms").as_array()) {
    const auto& o = a.as_object();
    if (o.at("kind") != json::value(kind)) continue;
    if (!route.empty() && (!o.contains("route") || o.at("route") != json::value(route))) continue;
    return &o;
  }
  return nullptr;
}

TEST(LiftOps, AlarmsForEveryRouteOfTodoApi) {
  const auto printed = ops({"--namespace", "LiftExamples"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto doc = parse_output(printed.out);
  EXPECT_EQ(doc.at("version"), json::value(1));
  EXPECT_EQ(doc.at("service"), json::value("todo-api"));  // the executable's name
  EXPECT_EQ(doc.at("namespace"), json::value("LiftExamples"));

  const auto routes = openapi_routes();
  EXPECT_TRUE(routes.contains("GET /todos/{id}"));
  std::set<std::string> watched;
  for (const auto& a : doc.at("alarms").as_array())
    if (a.at("kind") == json::value("latency-p99")) watched.insert(std::string(a.at("route").as_string()));
  EXPECT_EQ(watched, routes);

  const auto* get_todo = find_alarm(doc, "latency-p99", "GET /todos/{id}");
  ASSERT_NE(get_todo, nullptr);
  // The route dimension is the pattern the route was registered with, as the middleware writes it.
  EXPECT_EQ(json::serialize(get_todo->at("properties").at("Dimensions")),
            R"([{"Name":"service","Value":"todo-api"},{"Name":"route","Value":"/todos/:id"},{"Name":"method","Value":"GET"},{"Name":"status","Value":"2xx"}])");
  ASSERT_NE(find_alarm(doc, "error-rate"), nullptr);
  ASSERT_NE(find_alarm(doc, "throttles"), nullptr);
  EXPECT_EQ(find_alarm(doc, "dead-letter-depth"), nullptr);
  EXPECT_EQ(find_alarm(doc, "error-rate")->at("rollback"), json::value(true));
  EXPECT_EQ(find_alarm(doc, "throttles")->at("rollback"), json::value(false));
  EXPECT_NE(printed.out.find("${FunctionName}"), std::string::npos);
}

TEST(LiftOps, FlagsAndAnOverridesFileSetTheThresholds) {
  lift::testing_support::TempDir tmp("lift-ops");
  const auto overrides = tmp.path() / "ops.json";
  std::ofstream(overrides) << R"({"errorRate": 0.2, "p99Ms": 700, "routes": {"GET /health/live": {"p99Ms": null}}})";
  const auto out = tmp.path() / "ops-out.json";
  const auto printed = ops({"--overrides", overrides.string(), "--error-rate", "0.05", "--route-p99", "GET /todos=300",
                            "--route-p99", "DELETE /todos/:id=off", "--service", "todos", "--function-name", "todo-prod",
                            "--period", "120", "--evaluation-periods", "3", "--dead-letter-queue", "-o", out.string()});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_TRUE(printed.out.empty());
  std::ifstream file(out);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto doc = parse_output(text);
  EXPECT_EQ(doc.at("service"), json::value("todos"));
  EXPECT_EQ(text.find("${FunctionName}"), std::string::npos);
  EXPECT_NE(text.find("todo-prod"), std::string::npos);
  // The flag wins over the file, the file over the default.
  EXPECT_EQ(find_alarm(doc, "error-rate")->at("properties").at("Threshold").to_number<double>(), 0.05);
  EXPECT_EQ(find_alarm(doc, "latency-p99", "GET /todos")->at("properties").at("Threshold"), json::value(300));
  EXPECT_EQ(find_alarm(doc, "latency-p99", "GET /todos/{id}")->at("properties").at("Threshold"), json::value(700));
  EXPECT_EQ(find_alarm(doc, "latency-p99", "DELETE /todos/{id}"), nullptr);
  EXPECT_EQ(find_alarm(doc, "latency-p99", "GET /health/live"), nullptr);
  const auto& p = find_alarm(doc, "latency-p99", "GET /todos")->at("properties");
  EXPECT_EQ(p.at("Period"), json::value(120));
  EXPECT_EQ(p.at("EvaluationPeriods"), json::value(3));
  EXPECT_EQ(p.at("DatapointsToAlarm"), json::value(3));
  ASSERT_NE(find_alarm(doc, "dead-letter-depth"), nullptr);
}

// The overrides file the README shows is one lift ops takes for todo-api.
TEST(LiftOps, TheReadmesOverridesFileWorks) {
  std::ifstream readme(LIFT_TEST_SOURCE_DIR "/README.md");
  const std::string text((std::istreambuf_iterator<char>(readme)), std::istreambuf_iterator<char>());
  const auto section = text.find("The overrides file (");
  ASSERT_NE(section, std::string::npos);
  const auto start = text.find("```json\n", section);
  ASSERT_NE(start, std::string::npos);
  const auto end = text.find("```", start + 8);
  lift::testing_support::TempDir tmp("lift-ops");
  const auto file = tmp.path() / "readme.json";
  std::ofstream(file) << text.substr(start + 8, end - start - 8);
  const auto printed = ops({"--overrides", file.string()});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto doc = parse_output(printed.out);
  EXPECT_EQ(doc.at("namespace"), json::value("LiftExamples"));
  // The same settings as YAML.
  const auto yaml = tmp.path() / "readme.yaml";
  std::ofstream(yaml) << "service: todo-api\nnamespace: LiftExamples\nerrorRate: 0.02\np99Ms: 800\n"
                         "routes:\n  GET /health: {p99Ms: null}\n  GET /todos/{id}:\n    p99Ms: 500\n";
  const auto from_yaml = ops({"--overrides", yaml.string()});
  ASSERT_EQ(from_yaml.exit_code, 0) << from_yaml.err;
  const auto yaml_doc = parse_output(from_yaml.out);
  EXPECT_EQ(find_alarm(yaml_doc, "latency-p99", "GET /todos/{id}")->at("properties").at("Threshold"), json::value(500));
  EXPECT_EQ(find_alarm(yaml_doc, "latency-p99", "GET /todos")->at("properties").at("Threshold"), json::value(800));
  EXPECT_EQ(find_alarm(yaml_doc, "error-rate")->at("properties").at("Threshold").to_number<double>(), 0.02);
  EXPECT_EQ(find_alarm(yaml_doc, "latency-p99", "GET /health"), nullptr);
  EXPECT_EQ(find_alarm(doc, "latency-p99", "GET /todos/{id}")->at("properties").at("Threshold"), json::value(500));
  EXPECT_EQ(find_alarm(doc, "latency-p99", "GET /health"), nullptr);
}

TEST(LiftOps, BadFlagsAreRefusedWithTheReason) {
  lift::testing_support::TempDir tmp("lift-ops");
  const auto bad_overrides = tmp.path() / "bad.json";
  std::ofstream(bad_overrides) << R"({"errorRate": 0.1, "colour": "red"})";
  const auto bad_yaml = tmp.path() / "bad.yaml";
  std::ofstream(bad_yaml) << "errorRate: [0.1\n";
  const auto not_json = tmp.path() / "not.json";
  std::ofstream(not_json) << "errorRate: 0.1";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--error-rate", "2"}, "error rate"},
      {{"--error-rate", "lots"}, "--error-rate"},
      {{"--route-p99", "GET /nope=100"}, "its routes: "},
      {{"--route-p99", "GET /todos"}, "METHOD /path=MILLISECONDS"},
      {{"--route-p99", "GET /todos=soon"}, "not a positive number"},
      {{"--period", "45"}, "multiple of 60"},
      {{"--evaluation-periods", "2", "--datapoints-to-alarm", "3"}, "datapoints"},
      {{"--namespace", "AWS/Lambda"}, "namespace"},
      {{"--function-name", "not a name"}, "function name"},
      {{"--format", "yaml"}, "--format"},
      {{"--function-resource", "TodoApiFunction"}, "--format cloudformation"},
      {{"--format", "cloudformation", "--function-resource", "Todo-Api"}, "logical id"},
      {{"--overrides", bad_overrides.string()}, "unknown setting 'colour'"},
      {{"--overrides", not_json.string()}, "is not JSON"},
      {{"--overrides", bad_yaml.string()}, "is not YAML"},
      {{"--overrides", (tmp.path() / "missing.json").string()}, "missing.json"},
  };
  for (const auto& [args, reason] : cases) {
    SCOPED_TRACE(args.front() + " " + args.back());
    const auto refused = ops(args);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_TRUE(refused.out.empty()) << refused.out;
    EXPECT_NE(refused.err.find(reason), std::string::npos) << refused.err;
  }
  // Not a function at all, and a program that is not a lift::App.
  const auto missing = run_command({LIFT_CLI, "ops", "no-such-function-anywhere"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no-such-function-anywhere"), std::string::npos) << missing.err;
  const auto not_lift = run_command({LIFT_CLI, "ops", "/bin/true"});
  EXPECT_EQ(not_lift.exit_code, 1);
  EXPECT_NE(not_lift.err.find("did not print an OpenAPI document"), std::string::npos) << not_lift.err;
}

// ops_schema_check.js on {"json", "cloudformation"}: exit code and its report.
struct Checked {
  int exit_code;
  json::value report;
};
Checked schema_check(const std::string& node, const json::value& ops_doc, const json::value& fragment) {
  const auto run = run_command({node, LIFT_TEST_SOURCE_DIR "/tests/integration/cli/ops_schema_check.js"},
                               json::serialize(json::object{{"json", ops_doc}, {"cloudformation", fragment}}), std::chrono::seconds(60));
  json::error_code ec;
  auto report = json::parse(run.out, ec);
  EXPECT_FALSE(ec) << run.out << run.err;
  return {run.exit_code, report};
}

TEST(LiftOps, OutputsMatchCloudFormationAndCloudWatchSchemas) {
  const auto as_json = ops({"--namespace", "LiftExamples", "--dead-letter-queue"});
  const auto as_template = ops({"--namespace", "LiftExamples", "--dead-letter-queue", "--format", "cloudformation"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  ASSERT_EQ(as_template.exit_code, 0) << as_template.err;
  const auto doc = parse_output(as_json.out);
  const auto fragment = parse_output(as_template.out);
  // The fragment has the document's alarms and its dashboard.
  EXPECT_EQ(fragment.at("Resources").as_object().size(), doc.at("alarms").as_array().size() + 1);
  for (const char* parameter : {"FunctionName", "MetricsNamespace", "DeadLetterQueueName"})
    EXPECT_TRUE(fragment.at("Parameters").as_object().contains(parameter)) << parameter;

  const std::string node = LIFT_TEST_NODE;
  if (node.empty() || !fs::exists(node)) LIFT_SKIP_WITHOUT() << "node is missing";
  const auto valid = schema_check(node, doc, fragment);
  if (valid.exit_code == 3) LIFT_SKIP_WITHOUT() << "the npm packages ajv and @aws-cdk/aws-service-spec are needed: " << json::serialize(valid.report);
  ASSERT_EQ(valid.exit_code, 0) << json::serialize(valid.report);
  EXPECT_EQ(valid.report.at("checked").at("alarms").to_number<int>(), 2 * static_cast<int>(doc.at("alarms").as_array().size()));
  EXPECT_EQ(valid.report.at("checked").at("dashboards"), json::value(2));

  // The checker refuses what CloudFormation or CloudWatch would: each break on its own.
  const auto broken = [&](const std::function<void(json::value&, json::value&)>& breaking, std::string_view expected) {
    auto d = doc;
    auto f = fragment;
    breaking(d, f);
    const auto refused = schema_check(node, d, f);
    EXPECT_EQ(refused.exit_code, 1) << expected;
    EXPECT_NE(json::serialize(refused.report).find(expected), std::string::npos) << json::serialize(refused.report);
  };
  const auto first_latency = [](json::value& d) -> json::object& {
    for (auto& a : d.at("alarms").as_array())
      if (a.at("kind") == json::value("latency-p99")) return a.at("properties").as_object();
    throw std::runtime_error("no latency alarm");
  };
  broken([&](json::value& d, json::value&) { first_latency(d)["ComparisonOperator"] = "Bigger"; }, "allowedValues");
  broken([&](json::value& d, json::value&) { first_latency(d)["Treshold"] = 3; }, "additionalProperty");
  broken([&](json::value& d, json::value&) { first_latency(d).erase("EvaluationPeriods"); }, "EvaluationPeriods");
  broken([&](json::value& d, json::value&) { first_latency(d)["Statistic"] = "Sum"; }, "not both");
  broken([&](json::value& d, json::value&) { first_latency(d)["ExtendedStatistic"] = "p999"; }, "pattern");
  broken([&](json::value& d, json::value&) { first_latency(d)["Threshold"] = "high"; }, "must be number");
  broken([&](json::value& d, json::value&) {
    d.at("alarms").at(0).at("properties").at("Metrics").at(2).as_object()["Expression"] = "errors / calls";
  }, "calls");
  broken([&](json::value& d, json::value&) { d.at("dashboard").at("body").at("widgets").at(0).as_object()["width"] = 30; }, "width");
  broken([&](json::value& d, json::value&) { d.at("dashboard").at("body").at("widgets").at(1).as_object()["x"] = 0; }, "overlaps");
  broken([&](json::value&, json::value& f) {
    f.at("Resources").at("ThrottlesAlarm").at("Properties").as_object()["AlarmName"] = json::object{{"Fn::Sub", "${Nope} throttles"}};
  }, "${Nope} is not a parameter");
}

}  // namespace
