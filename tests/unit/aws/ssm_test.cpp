// SSM Parameter Store: request bodies, answers (shapes from the API reference) and error answers
// read into typed errors, and the client's endpoint configuration. No network.
#include "lift/aws/ssm.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using lift::testing_support::ScopedEnv;

TEST(SsmRequest, BodiesCarryNamesAndDecryption) {
  EXPECT_EQ(json::parse(get_parameter_body("/app/db-url", true)), json::parse(R"({"Name": "/app/db-url", "WithDecryption": true})"));
  EXPECT_EQ(json::parse(get_parameter_body("/app/flag:3", false)), json::parse(R"({"Name": "/app/flag:3", "WithDecryption": false})"));
  const std::vector<std::string> names{"/a", "/b", "\"quoted\""};
  EXPECT_EQ(json::parse(get_parameters_body(names, false)),
            json::parse(R"({"Names": ["/a", "/b", "\"quoted\""], "WithDecryption": false})"));
}

TEST(SsmAnswer, GetParameterAsTheReferenceShowsIt) {
  auto parameter = parse_get_parameter(R"({
    "Parameter": {
      "ARN": "arn:aws:ssm:us-east-2:111122223333:parameter/MyGitHubPassword",
      "DataType": "text",
      "LastModifiedDate": 1582657288.8,
      "Name": "MyGitHubPassword",
      "Type": "SecureString",
      "Value": "AYA39c3b3042cd2aEXAMPLE/AKIAIOSFODNN7EXAMPLE/fh983hg9awEXAMPLE==",
      "Version": 3,
      "Selector": ":3"
    }})");
  ASSERT_TRUE(parameter) << parameter.error().message;
  EXPECT_EQ(parameter->name, "MyGitHubPassword");
  EXPECT_EQ(parameter->type, "SecureString");
  EXPECT_TRUE(parameter->secure());
  EXPECT_EQ(parameter->value, "AYA39c3b3042cd2aEXAMPLE/AKIAIOSFODNN7EXAMPLE/fh983hg9awEXAMPLE==");
  EXPECT_EQ(parameter->version, 3);
  EXPECT_EQ(parameter->arn, "arn:aws:ssm:us-east-2:111122223333:parameter/MyGitHubPassword");
  EXPECT_EQ(parameter->data_type, "text");
  EXPECT_EQ(parameter->selector, ":3");
  ASSERT_TRUE(parameter->last_modified_date);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(parameter->last_modified_date->time_since_epoch()).count(),
            1582657288800);
}

TEST(SsmAnswer, GetParametersKeepsInvalidNames) {
  auto answer = parse_get_parameters(R"({
    "InvalidParameters": ["/missing", "/app/key:99"],
    "Parameters": [
      {"ARN": "arn:aws:ssm:us-east-2:111122223333:parameter/DiskSize", "DataType": "text", "LastModifiedDate": 1612298406.413,
       "Name": "DiskSize", "Type": "StringList", "Value": "10,20,,40", "Version": 2},
      {"Name": "Plain", "Type": "String", "Value": "a,b", "Version": 1}
    ]})");
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->parameters.size(), 2u);
  EXPECT_EQ(answer->parameters[0].values(), (std::vector<std::string>{"10", "20", "", "40"}));
  EXPECT_EQ(answer->parameters[1].values(), std::vector<std::string>{"a,b"});  // only a StringList is split
  EXPECT_FALSE(answer->parameters[1].last_modified_date);
  EXPECT_EQ(answer->invalid_parameters, (std::vector<std::string>{"/missing", "/app/key:99"}));

  auto empty = parse_get_parameters("{}");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->parameters.empty());
  EXPECT_TRUE(empty->invalid_parameters.empty());
}

TEST(SsmAnswer, MissingMembersOfAParameterStayEmpty) {
  auto parameter = parse_get_parameter(R"({"Parameter": {}})");
  ASSERT_TRUE(parameter);
  EXPECT_TRUE(parameter->name.empty());
  EXPECT_EQ(parameter->version, 0);
  EXPECT_FALSE(parameter->secure());
  EXPECT_EQ(parameter->values(), std::vector<std::string>{""});
}

TEST(SsmAnswer, BadAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "nope", "[]", "{}", R"({"Parameter": null})", R"({"Parameter": "x"})",
                           R"({"Parameter": {"Value": 5}})", R"({"Parameter": {"Version": "3"}})", R"({"Parameter": {"Version": 2.5}})",
                           R"({"Parameter": {"Version": 18446744073709551615}})", R"({"Parameter": {"LastModifiedDate": "soon"}})",
                           R"({"Parameter": {"LastModifiedDate": -1e20}})", "<html>Bad Gateway</html>"}) {
    auto parameter = parse_get_parameter(body);
    ASSERT_FALSE(parameter) << body;
    EXPECT_EQ(parameter.error().code, kSsmMalformedResponse) << body;
    EXPECT_EQ(parameter.error().status, 502) << body;
  }
  for (const char* body : {"", "[1]", R"({"Parameters": {}})", R"({"Parameters": [1]})", R"({"Parameters": [{"Name": []}]})",
                           R"({"InvalidParameters": "/a"})", R"({"InvalidParameters": [null]})"}) {
    auto parameters = parse_get_parameters(body);
    ASSERT_FALSE(parameters) << body;
    EXPECT_EQ(parameters.error().code, kSsmMalformedResponse) << body;
  }
}

TEST(SsmAnswer, ABrokenAnswerDoesNotRepeatItsValues) {
  const auto truncated = parse_get_parameter(R"({"Parameter": {"Type": "SecureString", "Value": "hunter2-EXAMPLE)");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().message.find("hunter2"), std::string::npos) << truncated.error().message;
}

TEST(SsmError, TypedByTheAwsErrorName) {
  const auto not_found = parse_ssm_error(400, R"({"__type":"ParameterNotFound","message":""})");
  EXPECT_EQ(not_found.code, kSsmParameterNotFound);
  EXPECT_EQ(not_found.message, "ParameterNotFound");
  EXPECT_EQ(classify_error(not_found), FailureKind::fatal);
  EXPECT_EQ(parse_ssm_error(400, R"({"__type":"ParameterVersionNotFound","message":"Systems Manager could not find version 9"})").code,
            kSsmParameterVersionNotFound);
  EXPECT_EQ(parse_ssm_error(400, R"({"__type":"AccessDeniedException","Message":"not authorized"})").code, kSsmAccessDenied);
  const auto throttled = parse_ssm_error(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})");
  EXPECT_EQ(throttled.code, kSsmThrottling);
  EXPECT_EQ(classify_error(throttled), FailureKind::throttling);
  EXPECT_EQ(parse_ssm_error(400, R"({"__type":"InvalidKeyId"})").code, "SSM.InvalidKeyId");
  const auto internal = parse_ssm_error(500, R"({"__type":"InternalServerError"})");
  EXPECT_EQ(classify_error(internal), FailureKind::transient);
  for (const char* body : {"", "<html>x</html>", "{}", R"({"__type": ""})"}) {
    EXPECT_EQ(parse_ssm_error(502, body).code, kSsmMalformedResponse) << body;
    EXPECT_EQ(parse_ssm_error(502, body).status, 502) << body;
  }
}

TEST(SsmClientConfig, EndpointFromOptionsEnvironmentOrRegion) {
  ScopedEnv endpoint("LIFT_SSM_ENDPOINT", nullptr);
  ScopedEnv region("AWS_REGION", "ap-southeast-2");
  auto aws = SsmClient::create();
  ASSERT_TRUE(aws) << aws.error().message;
  EXPECT_EQ(aws->endpoint(), "https://ssm.ap-southeast-2.amazonaws.com");
  EXPECT_EQ(aws->region(), "ap-southeast-2");
  ScopedEnv local("LIFT_SSM_ENDPOINT", "http://127.0.0.1:4583");
  EXPECT_EQ(SsmClient::create()->endpoint(), "http://127.0.0.1:4583");
  ScopedEnv bad("LIFT_SSM_ENDPOINT", "127.0.0.1:4583");
  EXPECT_EQ(SsmClient::create().error().code, "Config");
}

TEST(SsmClientConfig, EmptyNamesAreRefusedWithoutACall) {
  SsmOptions options;
  options.endpoint = "http://127.0.0.1:9";
  auto client = SsmClient::create(options);
  ASSERT_TRUE(client);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  EXPECT_EQ(client->get_parameter("", false, deadline).error().code, kSsmValidation);
  const std::vector<std::string> names{"/a", ""};
  EXPECT_EQ(client->get_parameters(names, false, deadline).error().code, kSsmValidation);
  // No names: nothing to ask.
  auto none = client->get_parameters({}, false, deadline);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->parameters.empty());
}

}  // namespace
