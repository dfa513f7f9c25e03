// deploy/sam/template.yaml read as CloudFormation reads it (short-form intrinsics such as !Ref,
// !GetAtt, !Sub and !If are YAML tags): the runtime, architectures and handler every function
// gets, the events of each example, sqs-worker's event source mapping with partial batch
// responses, todo-api's table keys, every reference resolving, and least-privilege policies.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kTemplate = fs::path(LIFT_TEST_SOURCE_DIR) / "deploy/sam/template.yaml";

class SamTemplate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { doc_ = YAML::LoadFile(kTemplate.string()); }
  static const YAML::Node& doc() { return doc_; }
  static YAML::Node resource(const std::string& id) {
    auto node = doc_["Resources"][id];
    EXPECT_TRUE(node.IsMap()) << "no resource " << id;
    return node;
  }
  static YAML::Node properties(const std::string& id) { return resource(id)["Properties"]; }

 private:
  static inline YAML::Node doc_;
};

// The scalars of a node that is a scalar or a sequence of scalars.
std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsScalar()) out.push_back(node.Scalar());
  if (node.IsSequence())
    for (const auto& item : node) out.push_back(item.IsScalar() ? item.Scalar() : "<" + item.Tag() + ">");
  return out;
}

std::set<std::string> functions(const YAML::Node& doc) {
  std::set<std::string> ids;
  for (const auto& r : doc["Resources"])
    if (r.second["Type"].as<std::string>() == "AWS::Serverless::Function") ids.insert(r.first.as<std::string>());
  return ids;
}

TEST_F(SamTemplate, IsAServerlessTemplate) {
  EXPECT_EQ(doc()["AWSTemplateFormatVersion"].as<std::string>(), "2010-09-09");
  EXPECT_EQ(doc()["Transform"].as<std::string>(), "AWS::Serverless-2016-10-31");
  EXPECT_EQ(functions(doc()),
            (std::set<std::string>{"HelloFunction", "TodoApiFunction", "SqsWorkerFunction", "TodoApiSmokeHookFunction"}));
}

TEST_F(SamTemplate, EveryFunctionIsALiftBootstrapOnProvidedAl2023) {
  const auto globals = doc()["Globals"]["Function"];
  EXPECT_EQ(globals["Runtime"].as<std::string>(), "provided.al2023");
  EXPECT_EQ(globals["Handler"].as<std::string>(), "bootstrap");
  EXPECT_EQ(globals["Tracing"].as<std::string>(), "Active");
  EXPECT_EQ(globals["LoggingConfig"]["LogFormat"].as<std::string>(), "JSON");
  EXPECT_EQ(globals["LoggingConfig"]["ApplicationLogLevel"].Tag(), "!Ref");
  EXPECT_EQ(globals["LoggingConfig"]["ApplicationLogLevel"].Scalar(), "LogLevel");
  const auto variables = globals["Environment"]["Variables"];
  EXPECT_EQ(variables["LIFT_LOG_LEVEL"].Scalar(), "LogLevel");
  EXPECT_EQ(variables["POWERTOOLS_METRICS_NAMESPACE"].Scalar(), "MetricsNamespace");

  // One architecture, chosen by the Architecture parameter: arm64 or x86_64.
  const auto architectures = globals["Architectures"];
  ASSERT_TRUE(architectures.IsSequence());
  ASSERT_EQ(architectures.size(), 1u);
  EXPECT_EQ(architectures[0].Tag(), "!Ref");
  EXPECT_EQ(architectures[0].Scalar(), "Architecture");
  const auto parameter = doc()["Parameters"]["Architecture"];
  const auto allowed = strings(parameter["AllowedValues"]);
  EXPECT_EQ(std::set<std::string>(allowed.begin(), allowed.end()), (std::set<std::string>{"arm64", "x86_64"}));
  EXPECT_EQ(parameter["Default"].as<std::string>(), "x86_64");

  // Each function: the zip `lift package` writes, its own service name, nothing overriding the
  // runtime, handler or architecture.
  const std::map<std::string, std::string> names{
      {"HelloFunction", "hello"}, {"TodoApiFunction", "todo-api"}, {"SqsWorkerFunction", "sqs-worker"},
      {"TodoApiSmokeHookFunction", "smoke-hook"}};
  for (const auto& [id, name] : names) {
    SCOPED_TRACE(id);
    const auto p = properties(id);
    EXPECT_EQ(p["CodeUri"].as<std::string>(), "dist/" + name + ".zip");
    EXPECT_EQ(p["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"].as<std::string>(), name);
    for (const char* key : {"Runtime", "Handler", "Architectures", "Tracing", "LoggingConfig", "InlineCode", "Role"})
      EXPECT_FALSE(p[key].IsDefined()) << key;
  }
}

TEST_F(SamTemplate, HttpApiRoutes) {
  EXPECT_EQ(resource("HttpApi")["Type"].as<std::string>(), "AWS::Serverless::HttpApi");
  std::map<std::string, std::set<std::string>> routes;
  for (const auto& id : functions(doc())) {
    for (const auto& event : properties(id)["Events"]) {
      const auto e = event.second;
      if (e["Type"].as<std::string>() != "HttpApi") continue;
      EXPECT_EQ(e["Properties"]["ApiId"].Tag(), "!Ref");
      EXPECT_EQ(e["Properties"]["ApiId"].Scalar(), "HttpApi");
      routes[id].insert(e["Properties"]["Method"].as<std::string>() + " " + e["Properties"]["Path"].as<std::string>());
    }
  }
  EXPECT_EQ(routes["HelloFunction"], (std::set<std::string>{"GET /hello"}));
  EXPECT_EQ(routes["TodoApiFunction"], (std::set<std::string>{"POST /todos", "GET /todos", "GET /todos/{id}",
                                                              "PATCH /todos/{id}", "DELETE /todos/{id}"}));
  EXPECT_FALSE(routes.contains("SqsWorkerFunction"));
}

TEST_F(SamTemplate, TodoTableHasTodoApisKeys) {
  const auto table = resource("TodoTable");
  EXPECT_EQ(table["Type"].as<std::string>(), "AWS::DynamoDB::Table");
  const auto p = table["Properties"];
  EXPECT_EQ(p["BillingMode"].as<std::string>(), "PAY_PER_REQUEST");
  ASSERT_EQ(p["KeySchema"].size(), 2u);
  EXPECT_EQ(p["KeySchema"][0]["KeyType"].as<std::string>(), "HASH");
  EXPECT_EQ(p["KeySchema"][0]["AttributeName"].Scalar(), "TodoTablePartitionKey");
  EXPECT_EQ(p["KeySchema"][1]["KeyType"].as<std::string>(), "RANGE");
  EXPECT_EQ(p["KeySchema"][1]["AttributeName"].Scalar(), "TodoTableSortKey");
  ASSERT_EQ(p["AttributeDefinitions"].size(), 2u);
  for (const auto& a : p["AttributeDefinitions"]) EXPECT_EQ(a["AttributeType"].as<std::string>(), "S");
  EXPECT_EQ(doc()["Parameters"]["TodoTablePartitionKey"]["Default"].as<std::string>(), "PK");
  EXPECT_EQ(doc()["Parameters"]["TodoTableSortKey"]["Default"].as<std::string>(), "SK");

  const auto variables = properties("TodoApiFunction")["Environment"]["Variables"];
  EXPECT_EQ(variables["TODO_TABLE"].Tag(), "!Ref");
  EXPECT_EQ(variables["TODO_TABLE"].Scalar(), "TodoTable");
  // The JWT settings are left out (AWS::NoValue) unless given.
  for (const char* key : {"LIFT_JWT_JWKS", "LIFT_JWT_ISSUER", "LIFT_JWT_AUDIENCE"}) {
    EXPECT_EQ(variables[key].Tag(), "!If") << key;
    EXPECT_EQ(variables[key][2].Scalar(), "AWS::NoValue") << key;
  }
}

TEST_F(SamTemplate, SqsWorkerReportsBatchItemFailures) {
  // No SAM SQS event (it would attach a managed policy that allows every queue): an explicit
  // mapping on the queue, with partial batch responses.
  for (const auto& event : properties("SqsWorkerFunction")["Events"])
    EXPECT_NE(event.second["Type"].as<std::string>(), "SQS");
  const auto mapping = resource("SqsWorkerOrdersMapping");
  EXPECT_EQ(mapping["Type"].as<std::string>(), "AWS::Lambda::EventSourceMapping");
  const auto p = mapping["Properties"];
  EXPECT_EQ(p["EventSourceArn"].Tag(), "!GetAtt");
  EXPECT_EQ(p["EventSourceArn"].Scalar(), "OrdersQueue.Arn");
  EXPECT_EQ(p["FunctionName"].Scalar(), "SqsWorkerFunction");
  EXPECT_EQ(strings(p["FunctionResponseTypes"]), std::vector<std::string>{"ReportBatchItemFailures"});

  const auto queue = properties("OrdersQueue");
  EXPECT_EQ(queue["RedrivePolicy"]["deadLetterTargetArn"].Scalar(), "OrdersDeadLetterQueue.Arn");
  EXPECT_GT(queue["RedrivePolicy"]["maxReceiveCount"].as<int>(), 1);
  // Lambda's advice: a visibility timeout of at least 6 times the function's timeout.
  EXPECT_GE(queue["VisibilityTimeout"].as<int>(), 6 * properties("SqsWorkerFunction")["Timeout"].as<int>());
  EXPECT_EQ(resource("OrdersDeadLetterQueue")["Type"].as<std::string>(), "AWS::SQS::Queue");
}

// Statement by statement, the inline policies of every function.
struct Statement {
  std::string function;
  std::set<std::string> actions;
  std::vector<YAML::Node> resources;
};

std::vector<Statement> statements(const YAML::Node& doc) {
  std::vector<Statement> out;
  for (const auto& id : functions(doc)) {
    for (const auto& policy : doc["Resources"][id]["Properties"]["Policies"]) {
      // Named SAM policy templates and managed policies are strings or one-key maps; only
      // policy documents are allowed here.
      EXPECT_TRUE(policy.IsMap() && policy["Statement"].IsSequence()) << id << ": a policy that is not a document";
      if (!policy.IsMap() || !policy["Statement"].IsSequence()) continue;
      for (const auto& s : policy["Statement"]) {
        EXPECT_EQ(s["Effect"].as<std::string>(), "Allow");
        Statement st{id, {}, {}};
        for (const auto& a : strings(s["Action"])) st.actions.insert(a);
        if (s["Resource"].IsSequence()) {
          for (const auto& r : s["Resource"]) st.resources.push_back(r);
        } else {
          st.resources.push_back(s["Resource"]);
        }
        out.push_back(std::move(st));
      }
    }
  }
  return out;
}

TEST_F(SamTemplate, PoliciesAreLeastPrivilege) {
  const auto all = statements(doc());
  std::map<std::string, std::set<std::string>> actions;
  for (const auto& s : all) {
    SCOPED_TRACE(s.function);
    for (const auto& a : s.actions) {
      EXPECT_EQ(a.find('*'), std::string::npos) << "wildcard action " << a;
      actions[s.function].insert(a);
    }
    ASSERT_EQ(s.resources.size(), 1u);
    const auto& r = s.resources[0];
    // Every statement is scoped to one of this template's resources: no "*", no literal ARN.
    const std::string service = s.actions.begin()->substr(0, s.actions.begin()->find(':'));
    if (service == "lambda") {
      // The smoke-test hook invokes todo-api's versions.
      EXPECT_EQ(r.Tag(), "!Sub");
      EXPECT_EQ(r.Scalar(), "${TodoApiFunction.Arn}:*");
    } else if (service == "codedeploy") {
      // ... and reports to this stack's CodeDeploy application only.
      EXPECT_EQ(r.Tag(), "!Sub");
      EXPECT_EQ(r.Scalar(), "arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:"
                            "${ServerlessDeploymentApplication}/*");
    } else {
      EXPECT_EQ(r.Tag(), "!GetAtt") << r.Scalar();
      EXPECT_EQ(r.Scalar(), service == "dynamodb" ? "TodoTable.Arn" : "OrdersQueue.Arn");
    }
  }
  // DescribeTable: todo-api's readiness check (GET /health/ready) describes its table.
  EXPECT_EQ(actions["TodoApiFunction"], (std::set<std::string>{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                                                               "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:DescribeTable"}));
  EXPECT_EQ(actions["SqsWorkerFunction"], (std::set<std::string>{"sqs:ReceiveMessage", "sqs:DeleteMessage",
                                                                 "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"}));
  EXPECT_FALSE(actions.contains("HelloFunction"));
  EXPECT_EQ(actions["TodoApiSmokeHookFunction"],
            (std::set<std::string>{"lambda:InvokeFunction", "codedeploy:PutLifecycleEventHookExecutionStatus"}));
}

// Every !Ref, !GetAtt and ${...} in a !Sub names a parameter, a resource, a pseudo parameter or
// (for !If) a condition of this template.
void collect_references(const YAML::Node& node, std::vector<std::pair<std::string, std::string>>& refs) {
  const std::string tag = node.Tag();
  if (node.IsScalar()) {
    if (tag == "!Ref") refs.emplace_back("Ref", node.Scalar());
    if (tag == "!GetAtt") refs.emplace_back("GetAtt", node.Scalar().substr(0, node.Scalar().find('.')));
    if (tag == "!Sub") {
      static const std::regex var(R"(\$\{([A-Za-z0-9:]+)(\.[A-Za-z0-9.]+)?\})");
      const std::string text = node.Scalar();
      for (std::sregex_iterator it(text.begin(), text.end(), var), end; it != end; ++it) refs.emplace_back("Sub", (*it)[1]);
    }
    return;
  }
  if (node.IsSequence()) {
    if (tag == "!If" && node.size() == 3 && node[0].IsScalar()) refs.emplace_back("Condition", node[0].Scalar());
    for (const auto& item : node) collect_references(item, refs);
  }
  if (node.IsMap())
    for (const auto& kv : node) collect_references(kv.second, refs);
}

TEST_F(SamTemplate, EveryReferenceResolves) {
  std::set<std::string> names{"AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::URLSuffix", "AWS::Partition",
                              "AWS::NoValue"};
  for (const auto& p : doc()["Parameters"]) names.insert(p.first.as<std::string>());
  for (const auto& r : doc()["Resources"]) names.insert(r.first.as<std::string>());
  // What SAM adds: a function with AutoPublishAlias has .Version and .Alias; a
  // DeploymentPreference makes the CodeDeploy application.
  for (const auto& id : functions(doc()))
    if (properties(id)["AutoPublishAlias"].IsDefined()) names.insert({id + ".Version", id + ".Alias"});
  if (names.contains("TodoApiFunction.Version")) names.insert("ServerlessDeploymentApplication");
  std::set<std::string> conditions;
  for (const auto& c : doc()["Conditions"]) conditions.insert(c.first.as<std::string>());

  std::vector<std::pair<std::string, std::string>> refs;
  collect_references(doc(), refs);
  EXPECT_GT(refs.size(), 20u);
  for (const auto& [kind, name] : refs) {
    if (kind == "Condition") {
      EXPECT_TRUE(conditions.contains(name)) << "unknown condition " << name;
    } else {
      EXPECT_TRUE(names.contains(name)) << kind << " of unknown " << name;
    }
  }
}

}  // namespace
