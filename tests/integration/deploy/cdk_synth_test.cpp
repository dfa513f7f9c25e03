// deploy/cdk: the LiftFunction construct and the sample app compiled with the repository's
// TypeScript (into a temporary directory), synthesized by the AWS CDK CLI with the built `lift`
// and examples (no AWS account: the stack is environment-agnostic), and the cloud assembly
// checked: runtime, handler, architecture, tracing, JSON logs and environment of each function,
// least-privilege IAM statements, the SQS mapping with partial batch responses, the HTTP API
// routes, and the asset zip (`lift package`'s, `bootstrap` at its root). Skips when Node or the
// npm packages are missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
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
  EXPECT_EQ(a.function_ids.size(), 3u);
  for (const char* name : {"hello", "todo-api", "sqs-worker"}) {
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
    const auto& uri = i.at("IntegrationUri").as_object().at("Fn::GetAtt").as_array();
    routes[string_at(p, "RouteKey")] = by_id[std::string(uri.at(0).as_string())];
  }
  EXPECT_EQ(routes, (std::map<std::string, std::string>{{"GET /hello", "hello"},
                                                        {"GET /todos", "todo-api"},
                                                        {"POST /todos", "todo-api"},
                                                        {"GET /todos/{id}", "todo-api"},
                                                        {"PATCH /todos/{id}", "todo-api"},
                                                        {"DELETE /todos/{id}", "todo-api"}}));
  // API Gateway may invoke hello and todo-api, nothing may invoke sqs-worker.
  std::set<std::string> invocable;
  for (const auto& [id, r] : a.resources) {
    if (string_at(r.as_object(), "Type") != "AWS::Lambda::Permission") continue;
    const auto& p = a.props(id);
    EXPECT_EQ(string_at(p, "Principal"), "apigateway.amazonaws.com");
    EXPECT_EQ(string_at(p, "Action"), "lambda:InvokeFunction");
    EXPECT_TRUE(p.contains("SourceArn"));
    invocable.insert(by_id[std::string(p.at("FunctionName").as_object().at("Fn::GetAtt").as_array().at(0).as_string())]);
  }
  EXPECT_EQ(invocable, (std::set<std::string>{"hello", "todo-api"}));
}

// Each function's code is the zip `lift package` writes for its executable: `bootstrap`, mode
// 755, at the root, byte for byte the same as packaging it by hand.
void check_assets(const Assembly& a, const fs::path& out, const fs::path& scratch) {
  const std::map<std::string, std::string> executables{
      {"hello", LIFT_HELLO}, {"todo-api", LIFT_TODO_API}, {"sqs-worker", LIFT_SQS_WORKER}};
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

}  // namespace
