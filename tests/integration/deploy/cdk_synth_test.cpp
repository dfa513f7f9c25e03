// deploy/cdk: the LiftFunction construct and the sample app compiled with the repository's
// TypeScript (into a temporary directory), synthesized by the AWS CDK CLI with the built `lift`
// and examples (no AWS account: the stack is environment-agnostic), and the cloud assembly
// checked: runtime, handler, architecture, tracing, JSON logs and environment of each function,
// least-privilege IAM statements, the SQS mapping with partial batch responses, the HTTP API
// routes, the asset zip (`lift package`'s, `bootstrap` at its root), todo-api's CodeDeploy
// canary (alias, deployment group rolling back on the `lift ops` rollback alarms, the smoke-test
// hook) and its alarms and dashboard (what `lift ops` prints for it). Skips when Node or the npm
// packages are missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/scoped_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"
#include "zip_archive.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using lift::testing_support::run_command;
using lift::testing_support::ScopedEnv;
using namespace std::chrono_literals;

const fs::path kSource = LIFT_TEST_SOURCE_DIR;
const fs::path kModules = kSource / "node_modules";

#if defined(__aarch64__)
constexpr const char* kHostArch = "arm64";
constexpr const char* kOtherArch = "x86_64";
#else
constexpr const char* kHostArch = "x86_64";
constexpr const char* kOtherArch = "arm64";
#endif

std::string why_unavailable() {
  const std::string node = LIFT_TEST_NODE;
  if (node.empty() || !fs::exists(node)) return "node is missing";
  for (const char* package : {"typescript", "aws-cdk", "aws-cdk-lib", "constructs", "@types/node"})
    if (!fs::exists(kModules / package / "package.json"))
      return std::string("node_modules/") + package + " is missing (run scripts/setup)";
  return {};
}

using lift::testing_support::read_file;

// The working directory for the scope (the CDK CLI reads cdk.json and may write files there).
struct ScopedCwd {
  fs::path old = fs::current_path();
  explicit ScopedCwd(const fs::path& dir) { fs::current_path(dir); }
  ~ScopedCwd() {
    std::error_code ec;
    fs::current_path(old, ec);
  }
};


const json::object& object_at(const json::object& o, std::string_view key) {
  static const json::object empty;
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? v->as_object() : empty;
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A member, or null when it is missing (so a missing key fails an expectation, not the test).
json::value value_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? *v : json::value();
}

json::value get_att(const std::string& id, const std::string& attribute) {
  return json::object{{"Fn::GetAtt", json::array{json::value(id), json::value(attribute)}}};
}
json::value ref(const std::string& id) { return json::object{{"Ref", json::value(id)}}; }

std::vector<json::value> as_list(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_array()) return {v->as_array().begin(), v->as_array().end()};
  return {*v};
}

struct Assembly {
  json::object resources;
  std::map<std::string, std::string> function_ids;  // service name -> logical id
  std::string only(const std::string& type) const {
    std::string found;
    for (const auto& [id, r] : resources)
      if (string_at(r.as_object(), "Type") == type) {
        EXPECT_TRUE(found.empty()) << "more than one " << type;
        found = id;
      }
    EXPECT_FALSE(found.empty()) << "no " << type;
    return found;
  }
  const json::object& props(const std::string& id) const {
    return object_at(object_at(resources, id), "Properties");
  }
};

void check_functions(const Assembly& a) {
  EXPECT_EQ(a.function_ids.size(), 4u);
  for (const char* name : {"hello", "todo-api", "sqs-worker", "smoke-hook"}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(a.function_ids.contains(name));
    const auto& p = a.props(a.function_ids.at(name));
    EXPECT_EQ(string_at(p, "Runtime"), "provided.al2023");
    EXPECT_EQ(string_at(p, "Handler"), "bootstrap");
    EXPECT_EQ(value_at(p, "Architectures"), json::value(json::array{json::value(kHostArch)}));
    EXPECT_EQ(string_at(object_at(p, "TracingConfig"), "Mode"), "Active");
    EXPECT_EQ(string_at(object_at(p, "LoggingConfig"), "LogFormat"), "JSON");
    EXPECT_EQ(string_at(object_at(p, "LoggingConfig"), "ApplicationLogLevel"), "DEBUG");
    const auto& env = object_at(object_at(p, "Environment"), "Variables");
    EXPECT_EQ(string_at(env, "POWERTOOLS_SERVICE_NAME"), name);
    EXPECT_EQ(string_at(env, "POWERTOOLS_METRICS_NAMESPACE"), "LiftExamples");
    EXPECT_EQ(string_at(env, "LIFT_LOG_LEVEL"), "DEBUG");
    EXPECT_EQ(env.contains("TODO_TABLE"), std::string(name) == "todo-api");
  }
  const auto table = a.only("AWS::DynamoDB::Table");
  const auto& todo_env = object_at(object_at(a.props(a.function_ids.at("todo-api")), "Environment"), "Variables");
  EXPECT_EQ(value_at(todo_env, "TODO_TABLE"), ref(table));
  const auto& t = a.props(table);
  EXPECT_EQ(string_at(t, "BillingMode"), "PAY_PER_REQUEST");
  EXPECT_EQ(value_at(t, "KeySchema"), json::parse(R"([{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}])"));
  EXPECT_EQ(value_at(t, "AttributeDefinitions"),
            json::parse(R"([{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"SK","AttributeType":"S"}])"));
}

void check_permissions(const Assembly& a) {
  const auto table = a.only("AWS::DynamoDB::Table");
  std::string queue, dead_letters;
  for (const auto& [id, r] : a.resources)
    if (string_at(r.as_object(), "Type") == "AWS::SQS::Queue")
      (object_at(r.as_object(), "Properties").contains("RedrivePolicy") ? queue : dead_letters) = id;
  ASSERT_FALSE(queue.empty());

  // role logical id -> service name
  std::map<std::string, std::string> roles;
  for (const auto& [name, id] : a.function_ids) {
    const auto& role = a.props(id).at("Role").as_object().at("Fn::GetAtt").as_array();
    roles[std::string(role.at(0).as_string())] = name;
    // The only managed policy: CloudWatch Logs (AWSLambdaBasicExecutionRole).
    const auto managed = as_list(a.props(std::string(role.at(0).as_string())).if_contains("ManagedPolicyArns"));
    ASSERT_EQ(managed.size(), 1u) << name;
    EXPECT_NE(json::serialize(managed[0]).find("service-role/AWSLambdaBasicExecutionRole\""), std::string::npos);
  }

  // CodeDeploy's role (the deployment group's) may invoke the smoke-test hook, nothing else.
  const auto group = a.only("AWS::CodeDeploy::DeploymentGroup");
  const std::string codedeploy_role(a.props(group).at("ServiceRoleArn").as_object().at("Fn::GetAtt").as_array().at(0).as_string());
  roles[codedeploy_role] = "codedeploy";

  const std::set<std::string> consume{"sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl",
                                      "sqs:DeleteMessage", "sqs:GetQueueAttributes"};
  std::map<std::string, std::set<std::string>> granted;  // service name -> actions
  for (const auto& [id, r] : a.resources) {
    if (string_at(r.as_object(), "Type") != "AWS::IAM::Policy") continue;
    const auto& p = a.props(id);
    const auto attached = as_list(p.if_contains("Roles"));
    ASSERT_EQ(attached.size(), 1u);
    const std::string name = roles[std::string(attached[0].as_object().at("Ref").as_string())];
    ASSERT_FALSE(name.empty()) << id << " is attached to no function's role";
    for (const auto& s : object_at(p, "PolicyDocument").at("Statement").as_array()) {
      const auto& st = s.as_object();
      EXPECT_EQ(string_at(st, "Effect"), "Allow");
      std::set<std::string> actions;
      for (const auto& action : as_list(st.if_contains("Action"))) actions.insert(std::string(action.as_string()));
      std::vector<json::value> resources;
      for (const auto& r : as_list(st.if_contains("Resource")))
        if (r != ref("AWS::NoValue")) resources.push_back(r);
      SCOPED_TRACE(name + ": " + json::serialize(s));
      ASSERT_FALSE(actions.empty());
      for (const auto& action : actions) {
        EXPECT_EQ(action.find('*'), std::string::npos);
        granted[name].insert(action);
      }
      const std::string service = actions.begin()->substr(0, actions.begin()->find(':'));
      for (const auto& action : actions) EXPECT_TRUE(action.starts_with(service + ":"));
      if (service == "xray") {
        // X-Ray has no resource-level permissions: "*" is the only resource it takes.
        EXPECT_EQ(actions, (std::set<std::string>{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}));
        EXPECT_EQ(resources, std::vector<json::value>{json::value("*")});
      } else if (service == "dynamodb") {
        EXPECT_EQ(name, "todo-api");
        EXPECT_EQ(resources, std::vector<json::value>{get_att(table, "Arn")});
      } else if (service == "lambda") {
        // The hook invokes todo-api's versions; CodeDeploy invokes the hook.
        EXPECT_EQ(actions, std::set<std::string>{"lambda:InvokeFunction"});
        const std::string target = name == "smoke-hook" ? "todo-api" : "smoke-hook";
        EXPECT_TRUE(name == "smoke-hook" || name == "codedeploy") << name;
        const auto arn = get_att(a.function_ids.at(target), "Arn");
        const json::value versions = json::object{{"Fn::Join", json::array{"", json::array{arn, ":*"}}}};
        for (const auto& r : resources) EXPECT_TRUE(r == arn || r == versions) << json::serialize(r);
        if (name == "smoke-hook") {
          EXPECT_EQ(resources, std::vector<json::value>{versions});
        }
      } else if (service == "codedeploy") {
        EXPECT_EQ(name, "smoke-hook");
        EXPECT_EQ(actions, std::set<std::string>{"codedeploy:PutLifecycleEventHookExecutionStatus"});
        ASSERT_EQ(resources.size(), 1u);
        EXPECT_NE(json::serialize(resources[0]).find(json::serialize(ref(group))), std::string::npos) << json::serialize(resources[0]);
      } else if (service == "sqs") {
        EXPECT_EQ(name, "sqs-worker");
        for (const auto& action : actions) EXPECT_TRUE(consume.contains(action)) << action;
        EXPECT_EQ(resources, std::vector<json::value>{get_att(queue, "Arn")});
      } else {
        ADD_FAILURE() << "unexpected statement";
      }
    }
  }
  const std::set<std::string> xray{"xray:PutTraceSegments", "xray:PutTelemetryRecords"};
  EXPECT_EQ(granted["hello"], xray);
  std::set<std::string> todo = xray;
  todo.insert({"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
               "dynamodb:DescribeTable"});
  EXPECT_EQ(granted["todo-api"], todo);
  for (const char* needed : {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"})
    EXPECT_TRUE(granted["sqs-worker"].contains(needed)) << needed;

  // The mapping: sqs-worker on the queue, with partial batch responses; the queue's redrive
  // policy sends repeated failures to the dead-letter queue.
  const auto& m = a.props(a.only("AWS::Lambda::EventSourceMapping"));
  EXPECT_EQ(value_at(m, "FunctionName"), ref(a.function_ids.at("sqs-worker")));
  EXPECT_EQ(value_at(m, "EventSourceArn"), get_att(queue, "Arn"));
  EXPECT_EQ(value_at(m, "FunctionResponseTypes"), json::value(json::array{json::value("ReportBatchItemFailures")}));
  const auto& q = a.props(queue);
  EXPECT_EQ(value_at(object_at(q, "RedrivePolicy"), "deadLetterTargetArn"), get_att(dead_letters, "Arn"));
  EXPECT_GE(q.at("VisibilityTimeout").to_number<double>(),
            6 * a.props(a.function_ids.at("sqs-worker")).at("Timeout").to_number<double>());
}

void check_http_api(const Assembly& a) {
  const auto api = a.only("AWS::ApiGatewayV2::Api");
  EXPECT_EQ(string_at(a.props(api), "ProtocolType"), "HTTP");
  std::map<std::string, std::string> routes;  // route key -> service name
  std::map<std::string, std::string> by_id;
  for (const auto& [name, id] : a.function_ids) by_id[id] = name;
  // What an integration or a permission names: a function (its Arn) or an alias (its Ref).
  std::map<std::string, std::string> aliases;  // alias id -> service name
  for (const auto& [id, r] : a.resources)
    if (string_at(r.as_object(), "Type") == "AWS::Lambda::Alias")
      aliases[std::string(id)] = by_id[std::string(a.props(std::string(id)).at("FunctionName").as_object().at("Ref").as_string())];
  const auto target = [&](const json::value& v) -> std::string {
    const auto& o = v.as_object();
    if (o.contains("Ref")) {
      const std::string alias(o.at("Ref").as_string());
      EXPECT_TRUE(aliases.contains(alias)) << alias;
      return aliases[alias] + " (alias)";
    }
    return by_id[std::string(o.at("Fn::GetAtt").as_array().at(0).as_string())];
  };
  for (const auto& [id, r] : a.resources) {
    if (string_at(r.as_object(), "Type") != "AWS::ApiGatewayV2::Route") continue;
    const auto& p = a.props(id);
    EXPECT_EQ(value_at(p, "ApiId"), ref(api));
    // Target: "integrations/" + the integration's Ref.
    const auto& join = p.at("Target").as_object().at("Fn::Join").as_array().at(1).as_array();
    const std::string integration(join.at(1).as_object().at("Ref").as_string());
    const auto& i = a.props(integration);
    EXPECT_EQ(string_at(i, "IntegrationType"), "AWS_PROXY");
    EXPECT_EQ(string_at(i, "PayloadFormatVersion"), "2.0");
    routes[string_at(p, "RouteKey")] = target(i.at("IntegrationUri"));
  }
  EXPECT_EQ(routes, (std::map<std::string, std::string>{{"GET /hello", "hello"},
                                                        {"GET /todos", "todo-api (alias)"},
                                                        {"POST /todos", "todo-api (alias)"},
                                                        {"GET /todos/{id}", "todo-api (alias)"},
                                                        {"PATCH /todos/{id}", "todo-api (alias)"},
                                                        {"DELETE /todos/{id}", "todo-api (alias)"}}));
  // API Gateway may invoke hello and todo-api's alias (what CodeDeploy shifts), nothing may
  // invoke sqs-worker or the hook.
  std::set<std::string> invocable;
  for (const auto& [id, r] : a.resources) {
    if (string_at(r.as_object(), "Type") != "AWS::Lambda::Permission") continue;
    const auto& p = a.props(id);
    EXPECT_EQ(string_at(p, "Principal"), "apigateway.amazonaws.com");
    EXPECT_EQ(string_at(p, "Action"), "lambda:InvokeFunction");
    EXPECT_TRUE(p.contains("SourceArn"));
    invocable.insert(target(p.at("FunctionName")));
  }
  EXPECT_EQ(invocable, (std::set<std::string>{"hello", "todo-api (alias)"}));
}

// todo-api's canary: the alias `live` on its current version, which CodeDeploy shifts with the
// canary configuration after the smoke-test hook, rolling back on the `lift ops` rollback alarms.
void check_deployment(const Assembly& a, const json::value& ops) {
  const auto todo = a.function_ids.at("todo-api");
  const auto alias = a.only("AWS::Lambda::Alias");
  const auto& p = a.props(alias);
  EXPECT_EQ(string_at(p, "Name"), "live");
  EXPECT_EQ(value_at(p, "FunctionName"), ref(todo));
  const auto version = a.only("AWS::Lambda::Version");
  EXPECT_EQ(value_at(p, "FunctionVersion"), get_att(version, "Version"));
  EXPECT_EQ(value_at(a.props(version), "FunctionName"), ref(todo));

  const auto group = a.only("AWS::CodeDeploy::DeploymentGroup");
  const auto& g = a.props(group);
  EXPECT_EQ(string_at(g, "DeploymentConfigName"), "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  const auto& rollback = object_at(g, "AutoRollbackConfiguration");
  EXPECT_EQ(value_at(rollback, "Enabled"), json::value(true));
  EXPECT_NE(json::serialize(value_at(rollback, "Events")).find("DEPLOYMENT_STOP_ON_ALARM"), std::string::npos);
  // The alarms: exactly the rollback ones of the document, by the names their resources get.
  std::set<std::string> watched;
  for (const auto& alarm : object_at(g, "AlarmConfiguration").at("Alarms").as_array())
    watched.insert(std::string(alarm.at("Name").at("Ref").as_string()));
  std::set<std::string> expected;
  for (const auto& alarm : ops.at("alarms").as_array()) {
    if (alarm.at("rollback") != json::value(true)) continue;
    for (const auto& [id, r] : a.resources)
      if (string_at(r.as_object(), "Type") == "AWS::CloudWatch::Alarm" && std::string(id).starts_with("TodoApiOps" + std::string(alarm.at("id").as_string())))
        expected.insert(std::string(id));
  }
  EXPECT_GE(expected.size(), 2u);
  EXPECT_EQ(watched, expected);
  // The pre-traffic hook, on the alias's update policy.
  const auto& update = object_at(object_at(object_at(a.resources, alias), "UpdatePolicy"), "CodeDeployLambdaAliasUpdate");
  EXPECT_EQ(value_at(update, "DeploymentGroupName"), ref(group));
  EXPECT_EQ(value_at(update, "BeforeAllowTrafficHook"), ref(a.function_ids.at("smoke-hook")));
  // The hook tests that version with the cases of the sample (the SAM template's too).
  const auto& env = object_at(object_at(a.props(a.function_ids.at("smoke-hook")), "Environment"), "Variables");
  EXPECT_EQ(value_at(env, "LIFT_SMOKE_FUNCTION"), ref(version));
  EXPECT_EQ(json::parse(string_at(env, "LIFT_SMOKE_CASES")), json::parse(read_file(kSource / "deploy/cdk/sample/todo-api-smoke-cases.json")));
}

// A template value with todo-api's name in it, written back with the ${FunctionName} placeholder.
json::value with_placeholder(const json::value& v, const std::string& function) {
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (o.size() == 1 && o.contains("Ref") && o.at("Ref") == json::value(function)) return "${FunctionName}";
    if (o.size() == 1 && o.contains("Fn::Sub") && o.at("Fn::Sub").is_array()) {
      const auto& sub = o.at("Fn::Sub").as_array();
      for (const auto& [name, value] : sub.at(1).as_object())
        EXPECT_TRUE(name == "FunctionName" && value == ref(function)) << json::serialize(v);
      return sub.at(0);
    }
    json::object out;
    for (const auto& [k, item] : o) out[k] = with_placeholder(item, function);
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const auto& item : v.as_array()) out.push_back(with_placeholder(item, function));
    return out;
  }
  return v;
}

// The alarms and the dashboard are the document's, the function's name in its placeholder's place.
void check_ops(const Assembly& a, const json::value& ops) {
  const auto todo = a.function_ids.at("todo-api");
  std::map<std::string, json::value> alarms;  // logical id -> properties in the template
  for (const auto& [id, r] : a.resources) {
    if (string_at(r.as_object(), "Type") != "AWS::CloudWatch::Alarm" || !std::string(id).starts_with("TodoApiOps")) continue;
    alarms[std::string(id)] = with_placeholder(r.at("Properties"), todo);
  }
  EXPECT_EQ(alarms.size(), ops.at("alarms").as_array().size());
  for (const auto& alarm : ops.at("alarms").as_array()) {
    const std::string prefix = "TodoApiOps" + std::string(alarm.at("id").as_string());
    const auto found = std::find_if(alarms.begin(), alarms.end(), [&](const auto& kv) {
      return kv.first.starts_with(prefix) && kv.first.size() == prefix.size() + 8;  // + the CDK's hash
    });
    ASSERT_NE(found, alarms.end()) << prefix;
    EXPECT_EQ(found->second, alarm.at("properties")) << found->first;
  }
  std::string dashboard;
  for (const auto& [id, r] : a.resources)
    if (string_at(r.as_object(), "Type") == "AWS::CloudWatch::Dashboard" && std::string(id).starts_with("TodoApiOpsDashboard"))
      dashboard = std::string(id);
  ASSERT_FALSE(dashboard.empty());
  const auto& d = a.props(dashboard);
  EXPECT_EQ(with_placeholder(value_at(d, "DashboardName"), todo), ops.at("dashboard").at("name"));
  const auto body = with_placeholder(value_at(d, "DashboardBody"), todo);
  EXPECT_EQ(json::parse(body.as_string()), ops.at("dashboard").at("body"));
}

// sqs-worker's ops: the dead-letter queue's depth on the queue's name, no rollback (no deployment).
void check_worker_ops(const Assembly& a) {
  const auto worker = a.function_ids.at("sqs-worker");
  std::string dead_letters;
  for (const auto& [id, r] : a.resources)
    if (string_at(r.as_object(), "Type") == "AWS::SQS::Queue" && !object_at(r.as_object(), "Properties").contains("RedrivePolicy"))
      dead_letters = std::string(id);
  std::set<std::string> metrics;
  for (const auto& [id, r] : a.resources) {
    if (string_at(r.as_object(), "Type") != "AWS::CloudWatch::Alarm" || !std::string(id).starts_with("SqsWorkerOps")) continue;
    const auto& p = a.props(std::string(id));
    metrics.insert(string_at(p, "MetricName").empty() ? "error rate" : string_at(p, "MetricName"));
    if (string_at(p, "MetricName") == "ApproximateNumberOfMessagesVisible") {
      EXPECT_EQ(value_at(p, "Dimensions"), json::parse(R"([{"Name": "QueueName", "Value": {"Fn::GetAtt": [")" + dead_letters + R"(", "QueueName"]}}])"));
    }
    if (string_at(p, "MetricName") == "Throttles") {
      EXPECT_EQ(value_at(p, "Dimensions"), json::parse(R"([{"Name": "FunctionName", "Value": {"Ref": ")" + worker + R"("}}])"));
    }
  }
  EXPECT_EQ(metrics, (std::set<std::string>{"error rate", "Throttles", "ApproximateNumberOfMessagesVisible"}));
}

// Each function's code is the zip `lift package` writes for its executable: `bootstrap`, mode
// 755, at the root, byte for byte the same as packaging it by hand.
void check_assets(const Assembly& a, const fs::path& out, const fs::path& scratch) {
  const std::map<std::string, std::string> executables{
      {"hello", LIFT_HELLO}, {"todo-api", LIFT_TODO_API}, {"sqs-worker", LIFT_SQS_WORKER}, {"smoke-hook", LIFT_SMOKE_HOOK}};
  for (const auto& [name, id] : a.function_ids) {
    SCOPED_TRACE(name);
    const auto& metadata = object_at(object_at(a.resources, id), "Metadata");
    const std::string asset = string_at(metadata, "aws:asset:path");
    ASSERT_TRUE(asset.starts_with("asset.") && asset.ends_with(".zip")) << asset;
    EXPECT_EQ(string_at(object_at(a.props(id), "Code"), "S3Key"), asset.substr(6));
    const std::string zip = read_file(out / asset);
    auto entries = lift::cli::read_zip(zip, true);
    ASSERT_TRUE(entries) << entries.error().message;
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ((*entries)[0].name, "bootstrap");
    EXPECT_EQ((*entries)[0].mode, 0100755u);
    EXPECT_TRUE((*entries)[0].data.starts_with("\x7f" "ELF"));

    const fs::path by_hand = scratch / (name + ".zip");
    const auto packaged = run_command({LIFT_CLI, "package", executables.at(name), "-o", by_hand.string(), "--arch", kHostArch});
    ASSERT_EQ(packaged.exit_code, 0) << packaged.err;
    EXPECT_TRUE(read_file(by_hand) == zip) << "the asset is not lift package's zip";
  }
}

TEST(CdkSample, SynthesizesTheExamplesStack) {
  if (const auto why = why_unavailable(); !why.empty()) LIFT_SKIP_WITHOUT() << why;
  const std::string node = LIFT_TEST_NODE;
  lift::testing_support::TempDir tmp("lift-cdk");
  ASSERT_FALSE(tmp.path().empty());
  fs::create_directories(tmp.path() / "home");
  fs::create_directories(tmp.path() / "scratch");

  // Compile the construct and the sample with the repository's TypeScript, out of the source tree.
  const auto compiled = run_command({node, (kModules / "typescript/bin/tsc").string(), "-p",
                                     (kSource / "deploy/cdk/tsconfig.json").string(), "--outDir", (tmp.path() / "lib").string()},
                                    {}, 120s);
  ASSERT_EQ(compiled.exit_code, 0) << compiled.out << compiled.err;
  const fs::path app = tmp.path() / "lib/sample/app.js";
  ASSERT_TRUE(fs::exists(app));

  ScopedEnv node_path("NODE_PATH", kModules.string().c_str());
  ScopedEnv home("HOME", (tmp.path() / "home").string().c_str());  // the CLI's caches
  ScopedEnv no_version_check("CDK_DISABLE_VERSION_CHECK", "1");
  ScopedEnv no_telemetry("CDK_DISABLE_CLI_TELEMETRY", "true");
  ScopedEnv no_imds("AWS_EC2_METADATA_DISABLED", "true");
  ScopedEnv no_profile("AWS_PROFILE", nullptr);
  ScopedEnv cli("LIFT_CLI", LIFT_CLI);
  ScopedEnv hello("LIFT_HELLO", LIFT_HELLO);
  ScopedEnv todo_api("LIFT_TODO_API", LIFT_TODO_API);
  ScopedEnv sqs_worker("LIFT_SQS_WORKER", LIFT_SQS_WORKER);
  ScopedEnv smoke_hook("LIFT_SMOKE_HOOK", LIFT_SMOKE_HOOK);
  ScopedEnv arch("LIFT_ARCH", kHostArch);
  ScopedEnv level("LIFT_LOG_LEVEL", "DEBUG");
  ScopedEnv build_dir("LIFT_BUILD_DIR", nullptr);
  ScopedEnv outdir("CDK_OUTDIR", nullptr);

  const fs::path out = tmp.path() / "cdk.out";
  {
    ScopedCwd cwd(tmp.path());
    // The CLI runs --app through a shell; neither path has spaces (mkdtemp's and Node's).
    const auto synth = run_command({node, (kModules / "aws-cdk/bin/cdk").string(), "synth", "--app",
                                    node + " " + app.string(), "--output", out.string(), "--no-notices", "--quiet"},
                                   {}, 150s);
    ASSERT_EQ(synth.exit_code, 0) << synth.out << synth.err;
  }

  Assembly a;
  const auto template_json = json::parse(read_file(out / "LiftExamples.template.json"));
  a.resources = template_json.at("Resources").as_object();
  for (const auto& [id, r] : a.resources)
    if (string_at(r.as_object(), "Type") == "AWS::Lambda::Function")
      a.function_ids[string_at(object_at(object_at(a.props(id), "Environment"), "Variables"), "POWERTOOLS_SERVICE_NAME")] = id;

  // One check after the other, each reporting its own failures (a template of an unexpected
  // shape fails the check that reads it, not the rest).
  const auto check = [](const char* what, const auto& body) {
    SCOPED_TRACE(what);
    try {
      body();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected template shape: " << e.what();
    }
  };
  check("functions", [&] { check_functions(a); });
  check("permissions", [&] { check_permissions(a); });
  check("http api", [&] { check_http_api(a); });
  check("assets", [&] { check_assets(a, out, tmp.path() / "scratch"); });
  // What `lift ops` prints for todo-api with the settings the SAM template uses: the sample's
  // flags say the same.
  const auto printed = run_command({LIFT_CLI, "ops", LIFT_TODO_API, "--overrides", (kSource / "deploy/sam/todo-api-ops.json").string()});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto ops = json::parse(printed.out);
  check("deployment", [&] { check_deployment(a, ops); });
  check("ops", [&] { check_ops(a, ops); });
  check("worker ops", [&] { check_worker_ops(a); });

  // The architecture reaches `lift package --arch`: a binary built for another one fails the synth.
  {
    ScopedEnv other_arch("LIFT_ARCH", kOtherArch);
    ScopedEnv other_out("CDK_OUTDIR", (tmp.path() / "other.out").string().c_str());
    const auto synth = run_command({node, app.string()}, {}, 120s);
    EXPECT_NE(synth.exit_code, 0);
    EXPECT_NE(synth.err.find(std::string("--arch ") + kOtherArch), std::string::npos) << synth.err;
    EXPECT_NE(synth.err.find(std::string("not ") + kOtherArch), std::string::npos) << synth.err;
  }
}

// deploy/README.md's CDK canary example is the sample's code, line for line (so it compiles and
// is what the synth above checks).
TEST(CdkSample, TheReadmesCanaryExampleIsTheSamples) {
  const auto trimmed_lines = [](const std::string& text) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at <= text.size()) {
      auto end = text.find('\n', at);
      if (end == std::string::npos) end = text.size();
      auto line = text.substr(at, end - at);
      line.erase(0, line.find_first_not_of(' '));
      if (!line.empty()) lines.push_back(line);
      at = end + 1;
    }
    return lines;
  };
  const auto readme = read_file(kSource / "deploy/README.md");
  const auto section = readme.find("### Canary deployments and alarms (CDK)");
  ASSERT_NE(section, std::string::npos);
  const auto start = readme.find("```ts\n", section);
  ASSERT_NE(start, std::string::npos);
  const auto end = readme.find("```", start + 6);
  const auto example = trimmed_lines(readme.substr(start + 6, end - start - 6));
  const auto sample = trimmed_lines(read_file(kSource / "deploy/cdk/sample/app.ts"));
  ASSERT_GT(example.size(), 10u);
  EXPECT_NE(std::search(sample.begin(), sample.end(), example.begin(), example.end()), sample.end())
      << "the example is not a part of sample/app.ts";
}

}  // namespace
