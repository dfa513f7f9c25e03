// deploy/sam/template.yaml's canary deployment of todo-api: the alarms and dashboard in the
// template are exactly what `lift ops --format cloudformation` prints for the built todo-api
// (so they cannot drift from its routes), CodeDeploy rolls back on the alarms `lift ops` marks
// for rollback, the deployment type is a parameter, and the pre-traffic smoke-test hook's cases
// pass against the real todo-api (run by `lift invoke` on the embedded DynamoDB engine).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "support/scoped_env.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using lift::testing_support::run_command;

const fs::path kSam = fs::path(LIFT_TEST_SOURCE_DIR) / "deploy/sam";

// A YAML node as CloudFormation reads it, in JSON form: short-form intrinsics become their
// long form ({"Ref": ...}, {"Fn::Sub": ...}, {"Fn::GetAtt": [...]}), plain scalars that are
// numbers or booleans become those.
json::value to_json(const YAML::Node& node) {
  const std::string tag = node.Tag();
  if (node.IsScalar()) {
    const std::string text = node.Scalar();
    if (tag == "!Ref") return json::object{{"Ref", text}};
    if (tag == "!Sub") return json::object{{"Fn::Sub", text}};
    if (tag == "!GetAtt") {
      const auto dot = text.find('.');
      return json::object{{"Fn::GetAtt", json::array{json::value(text.substr(0, dot)), json::value(text.substr(dot + 1))}}};
    }
    if (tag == "?") {  // plain: typed as YAML would
      if (text == "true" || text == "false") return text == "true";
      json::error_code ec;
      auto number = json::parse(text, ec);
      if (!ec && number.is_number()) return number;
    }
    return json::value(text);
  }
  if (node.IsSequence()) {
    json::array a;
    for (const auto& item : node) a.push_back(to_json(item));
    return a;
  }
  json::object o;
  if (node.IsMap())
    for (const auto& kv : node) o[kv.first.as<std::string>()] = to_json(kv.second);
  return o;
}

class SamOps : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    doc_ = YAML::LoadFile((kSam / "template.yaml").string());
    const std::vector<std::string> common{LIFT_CLI, "ops", LIFT_TODO_API, "--overrides", (kSam / "todo-api-ops.json").string()};
    auto json_args = common;
    const auto printed = run_command(json_args, {}, std::chrono::seconds(30));
    ASSERT_EQ(printed.exit_code, 0) << printed.err;
    ops_ = json::parse(printed.out);
    auto cfn_args = common;
    cfn_args.insert(cfn_args.end(), {"--format", "cloudformation", "--function-resource", "TodoApiFunction", "--id-prefix", "TodoApi"});
    const auto fragment = run_command(cfn_args, {}, std::chrono::seconds(30));
    ASSERT_EQ(fragment.exit_code, 0) << fragment.err;
    fragment_ = json::parse(fragment.out);
  }
  static const YAML::Node& doc() { return doc_; }
  static const json::value& ops() { return ops_; }
  static const json::value& fragment() { return fragment_; }

 private:
  static inline YAML::Node doc_;
  static inline json::value ops_;
  static inline json::value fragment_;
};

TEST_F(SamOps, TemplateHoldsExactlyTheAlarmsAndDashboardLiftOpsPrints) {
  const auto& resources = fragment().at("Resources").as_object();
  ASSERT_GE(resources.size(), 4u);
  std::set<std::string> in_template;
  for (const auto& r : doc()["Resources"])
    if (r.second["Type"].as<std::string>().starts_with("AWS::CloudWatch::")) in_template.insert(r.first.as<std::string>());
  std::set<std::string> printed;
  for (const auto& [id, r] : resources) printed.insert(std::string(id));
  EXPECT_EQ(in_template, printed);

  for (const auto& [id, r] : resources) {
    SCOPED_TRACE(std::string(id));
    const auto node = doc()["Resources"][std::string(id)];
    if (!node.IsMap()) continue;
    const auto checked = to_json(node);
    if (r.at("Type") == json::value("AWS::CloudWatch::Dashboard")) {
      // The body is the same JSON, laid out for reading.
      const auto& mine = checked.at("Properties").as_object();
      const auto& theirs = r.at("Properties").as_object();
      EXPECT_EQ(mine.at("DashboardName"), theirs.at("DashboardName"));
      EXPECT_EQ(json::parse(mine.at("DashboardBody").at("Fn::Sub").as_string()),
                json::parse(theirs.at("DashboardBody").at("Fn::Sub").as_string()));
    } else {
      EXPECT_EQ(checked, r) << "template: " << json::serialize(checked) << "\nlift ops: " << json::serialize(r);
    }
  }
  // Its parameters are the template's, with the same defaults.
  for (const auto& [name, parameter] : fragment().at("Parameters").as_object()) {
    SCOPED_TRACE(std::string(name));
    const auto mine = doc()["Parameters"][std::string(name)];
    ASSERT_TRUE(mine.IsMap());
    EXPECT_EQ(mine["Type"].as<std::string>(), "String");
    if (parameter.as_object().contains("Default")) {
      EXPECT_EQ(json::value(mine["Default"].as<std::string>()), parameter.at("Default"));
    }
  }
  // And the function the alarms watch reports under that namespace and service.
  const auto env = doc()["Globals"]["Function"]["Environment"]["Variables"];
  EXPECT_EQ(env["POWERTOOLS_METRICS_NAMESPACE"].Scalar(), "MetricsNamespace");
  EXPECT_EQ(json::value(doc()["Resources"]["TodoApiFunction"]["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"].as<std::string>()),
            ops().at("service"));
}

TEST_F(SamOps, CanaryDeploymentRollsBackOnTheRollbackAlarms) {
  const auto p = doc()["Resources"]["TodoApiFunction"]["Properties"];
  EXPECT_EQ(p["AutoPublishAlias"].as<std::string>(), "live");
  const auto preference = p["DeploymentPreference"];
  ASSERT_TRUE(preference.IsMap());
  EXPECT_EQ(preference["Type"].Tag(), "!Ref");
  EXPECT_EQ(preference["Type"].Scalar(), "DeploymentType");
  const auto parameter = doc()["Parameters"]["DeploymentType"];
  EXPECT_EQ(parameter["Default"].as<std::string>(), "Canary10Percent5Minutes");
  std::set<std::string> allowed;
  for (const auto& v : parameter["AllowedValues"]) allowed.insert(v.as<std::string>());
  EXPECT_EQ(allowed, (std::set<std::string>{"Canary10Percent5Minutes", "Linear10PercentEvery1Minute", "AllAtOnce"}));

  std::set<std::string> alarms;
  for (const auto& a : preference["Alarms"]) {
    EXPECT_EQ(a.Tag(), "!Ref");
    alarms.insert(a.Scalar());
  }
  std::set<std::string> rollback;
  for (const auto& a : ops().at("alarms").as_array())
    if (a.at("rollback") == json::value(true)) rollback.insert("TodoApi" + std::string(a.at("id").as_string()));
  EXPECT_TRUE(rollback.contains("TodoApiErrorRateAlarm"));
  EXPECT_EQ(alarms, rollback);

  EXPECT_EQ(preference["Hooks"]["PreTraffic"].Tag(), "!Ref");
  EXPECT_EQ(preference["Hooks"]["PreTraffic"].Scalar(), "TodoApiSmokeHookFunction");
}

TEST_F(SamOps, SmokeHookCasesPassAgainstTodoApi) {
  const auto hook = doc()["Resources"]["TodoApiSmokeHookFunction"]["Properties"];
  ASSERT_TRUE(hook.IsMap());
  // The role SAM makes for CodeDeploy may invoke CodeDeployHook_* functions only.
  EXPECT_EQ(hook["FunctionName"].Tag(), "!Sub");
  EXPECT_TRUE(hook["FunctionName"].Scalar().starts_with("CodeDeployHook_")) << hook["FunctionName"].Scalar();
  EXPECT_EQ(hook["CodeUri"].as<std::string>(), "dist/smoke-hook.zip");
  const auto env = hook["Environment"]["Variables"];
  EXPECT_EQ(env["LIFT_SMOKE_FUNCTION"].Tag(), "!Ref");
  EXPECT_EQ(env["LIFT_SMOKE_FUNCTION"].Scalar(), "TodoApiFunction.Version");

  const auto cases = json::parse(env["LIFT_SMOKE_CASES"].as<std::string>());
  ASSERT_TRUE(cases.is_array());
  // The CDK sample's hook runs the same cases.
  std::ifstream cdk_cases(fs::path(LIFT_TEST_SOURCE_DIR) / "deploy/cdk/sample/todo-api-smoke-cases.json");
  EXPECT_EQ(json::parse(std::string(std::istreambuf_iterator<char>(cdk_cases), std::istreambuf_iterator<char>())), cases);
  ASSERT_GE(cases.as_array().size(), 1u);
  lift::testing_support::TempDir tmp("lift-sam-smoke");
  lift::testing_support::ScopedEnv engine("LIFT_DYNAMODB_ENDPOINT", "memory:");
  lift::testing_support::ScopedEnv no_jwt("LIFT_JWT_JWKS", nullptr);
  for (const auto& c : cases.as_array()) {
    const std::string name(c.at("name").as_string());
    SCOPED_TRACE(name);
    const auto event = tmp.path() / (name + ".json");
    std::ofstream(event) << json::serialize(c.at("event"));
    const auto invoked = run_command({LIFT_CLI, "invoke", LIFT_TODO_API, "--event", event.string()}, {}, std::chrono::seconds(30));
    ASSERT_EQ(invoked.exit_code, 0) << invoked.err;
    const auto answer = json::parse(invoked.out);
    EXPECT_EQ(answer.at("statusCode"), c.at("expect").at("statusCode"));
    if (const auto* contains = c.at("expect").as_object().if_contains("bodyContains")) {
      EXPECT_NE(std::string(answer.at("body").as_string()).find(std::string(contains->as_string())), std::string::npos)
          << answer.at("body");
    }
  }
}

}  // namespace
