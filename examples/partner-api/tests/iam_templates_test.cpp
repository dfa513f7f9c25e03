// The two SAM templates examples/partner-api/README.md shows, read from the README and checked
// for the grants cross-account access needs: the kernel role trusts the partner's account only
// with the external id and may read the table and invoke the API; the API is IAM-authorised and
// lets that role invoke it; the partner's function may assume that role, and is configured with
// the variables partner-api reads.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "support/files.hpp"

namespace {

// The ```yaml blocks of the README, in order.
std::vector<YAML::Node> readme_templates() {
  const auto text = lift::testing_support::read_file(std::string(LIFT_TEST_SOURCE_DIR) + "/examples/partner-api/README.md");
  std::vector<YAML::Node> out;
  for (std::size_t at = 0; (at = text.find("```yaml\n", at)) != std::string::npos;) {
    const auto start = at + 8;
    const auto end = text.find("```", start);
    out.push_back(YAML::Load(text.substr(start, end - start)));
    at = end + 3;
  }
  return out;
}

// The statement of `document` whose Action is `action`, or an undefined node.
YAML::Node statement_for(const YAML::Node& document, const std::string& action) {
  for (const auto& statement : document["Statement"])
    if (statement["Action"].as<std::string>() == action) return statement;
  return {};
}

TEST(PartnerApiIam, TheKernelRoleTrustsThePartnerOnlyWithItsExternalIdAndTheApiLetsItInvoke) {
  const auto templates = readme_templates();
  ASSERT_EQ(templates.size(), 2u);
  const auto kernel = templates[0]["Resources"];
  const auto role = kernel["PartnerApiKernelAccess"];
  ASSERT_EQ(role["Type"].as<std::string>(), "AWS::IAM::Role");
  const auto trust = statement_for(role["Properties"]["AssumeRolePolicyDocument"], "sts:AssumeRole");
  ASSERT_TRUE(trust.IsDefined());
  EXPECT_EQ(trust["Effect"].as<std::string>(), "Allow");
  EXPECT_EQ(trust["Principal"]["AWS"].Tag(), "!Sub");
  EXPECT_EQ(trust["Principal"]["AWS"].as<std::string>(), "arn:aws:iam::${PartnerAccountId}:root");
  EXPECT_EQ(trust["Condition"]["StringEquals"]["sts:ExternalId"].as<std::string>(), "PartnerExternalId");
  const auto permissions = role["Properties"]["Policies"][0]["PolicyDocument"];
  EXPECT_TRUE(statement_for(permissions, "dynamodb:GetItem").IsDefined());
  const auto invoke = statement_for(permissions, "execute-api:Invoke");
  ASSERT_TRUE(invoke.IsDefined());
  EXPECT_NE(invoke["Resource"].as<std::string>().find("/prod/GET/accounts/*/balance"), std::string::npos);

  const auto api = kernel["KernelApi"]["Properties"]["Auth"];
  EXPECT_EQ(api["DefaultAuthorizer"].as<std::string>(), "AWS_IAM");
  const auto policy = api["ResourcePolicy"]["CustomStatements"][0];
  EXPECT_EQ(policy["Action"].as<std::string>(), "execute-api:Invoke");
  EXPECT_EQ(policy["Principal"]["AWS"].as<std::string>(), "PartnerApiKernelAccess.Arn");
  EXPECT_EQ(kernel["KernelAccounts"]["Properties"]["TableName"].as<std::string>(), "kernel-accounts");
}

TEST(PartnerApiIam, ThePartnerFunctionMayAssumeTheKernelRoleAndIsConfiguredForIt) {
  const auto templates = readme_templates();
  ASSERT_EQ(templates.size(), 2u);
  const auto partner = templates[1];
  const auto function = partner["Resources"]["PartnerApi"]["Properties"];
  const auto assume = statement_for(function["Policies"][0], "sts:AssumeRole");
  ASSERT_TRUE(assume.IsDefined());
  EXPECT_EQ(assume["Resource"].as<std::string>(), "KernelRoleArn");
  const auto variables = function["Environment"]["Variables"];
  for (const char* name : {"KERNEL_ROLE_ARN", "KERNEL_EXTERNAL_ID", "KERNEL_API_URL"}) EXPECT_TRUE(variables[name].IsDefined()) << name;
  // The two sides agree: the partner assumes the role the kernel defines, with the id it trusts.
  const auto kernel_parameters = templates[0]["Parameters"];
  EXPECT_EQ(partner["Parameters"]["KernelExternalId"]["Default"].as<std::string>(),
            kernel_parameters["PartnerExternalId"]["Default"].as<std::string>());
  EXPECT_NE(partner["Parameters"]["KernelRoleArn"]["Default"].as<std::string>().find(
                ":role/" + templates[0]["Resources"]["PartnerApiKernelAccess"]["Properties"]["RoleName"].as<std::string>()),
            std::string::npos);
}

}  // namespace
