// The SSM Parameter Store client against a scripted SSM on 127.0.0.1: what goes on the wire,
// answers in the API reference's shapes, GetParameters split by ten, typed errors, retries and
// the deadline.
#include "lift/aws/ssm.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

SsmClient ssm_client_for(const FakeService& fake, RetryPolicy retry = lift::testing_support::quick_retries()) {
  auto client = SsmClient::create(lift::testing_support::options_for<SsmOptions>(fake.endpoint(), retry));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

// A parameter as SSM describes it, for the fake's answers.
json::object parameter_json(const std::string& name, int version) {
  return json::object{{"ARN", "arn:aws:ssm:us-east-1:111122223333:parameter" + name},
                      {"DataType", "text"},
                      {"LastModifiedDate", 1612298406.413},
                      {"Name", name},
                      {"Type", "String"},
                      {"Value", "value of " + name},
                      {"Version", version}};
}

TEST(SsmClient, GetParameterOnTheWire) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"({"Parameter": {"ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/todo/db-password",
        "DataType": "text", "LastModifiedDate": 1582657288.8, "Name": "/todo/db-password", "Type": "SecureString",
        "Value": "EXAMPLE-PASSWORD", "Version": 3}})"};
  });
  auto client = ssm_client_for(fake);
  auto parameter = client.get_parameter("/todo/db-password", true, Clock::now() + 5s);
  ASSERT_TRUE(parameter) << parameter.error().code << ": " << parameter.error().message;
  EXPECT_EQ(parameter->value, "EXAMPLE-PASSWORD");
  EXPECT_TRUE(parameter->secure());
  EXPECT_EQ(parameter->version, 3);

  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  const auto& request = seen[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/");
  EXPECT_EQ(request.header("X-Amz-Target"), "AmazonSSM.GetParameter");
  EXPECT_EQ(request.header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(json::parse(request.body), json::parse(R"({"Name": "/todo/db-password", "WithDecryption": true})"));
  const auto auth = lift::testing_support::split_authorization(request.header("Authorization"));
  ASSERT_TRUE(auth) << request.header("Authorization");
  EXPECT_EQ(auth->region, "us-east-1");
  EXPECT_EQ(auth->service, "ssm");
  EXPECT_EQ(lift::testing_support::check_signature(request, "test-secret"), "");
}

TEST(SsmClient, GetParametersSplitsByTenAndMerges) {
  FakeService fake([](const SeenRequest& request, int) {
    const auto body = json::parse(request.body).as_object();
    json::array found;
    json::array invalid;
    for (const auto& name : body.at("Names").as_array()) {
      const std::string text(name.as_string());
      if (text.starts_with("/missing")) {
        invalid.push_back(name);
      } else {
        found.push_back(parameter_json(text, 1));
      }
    }
    return FakeAnswer{200, json::serialize(json::object{{"InvalidParameters", invalid}, {"Parameters", found}})};
  });
  auto client = ssm_client_for(fake);
  std::vector<std::string> names;
  for (int i = 0; i < 21; ++i) names.push_back("/app/key" + std::to_string(i));
  names.emplace_back("/missing/a");
  names.emplace_back("/app/key3");  // asked once
  names.emplace_back("/missing/b");
  auto answer = client.get_parameters(names, false, Clock::now() + 5s);
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->parameters.size(), 21u);
  for (std::size_t i = 0; i < 21; ++i) EXPECT_EQ(answer->parameters[i].name, "/app/key" + std::to_string(i));
  EXPECT_EQ(answer->invalid_parameters, (std::vector<std::string>{"/missing/a", "/missing/b"}));

  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 3u);
  std::vector<std::size_t> sizes;
  for (const auto& request : seen) {
    EXPECT_EQ(request.header("X-Amz-Target"), "AmazonSSM.GetParameters");
    const auto body = json::parse(request.body).as_object();
    EXPECT_EQ(body.at("WithDecryption"), false);
    sizes.push_back(body.at("Names").as_array().size());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 3}));
}

TEST(SsmClient, AFailedChunkFailsTheWhole) {
  FakeService fake([](const SeenRequest&, int number) {
    if (number == 2) return FakeAnswer{400, R"({"__type":"AccessDeniedException","Message":"not allowed"})"};
    return FakeAnswer{200, R"({"Parameters": [], "InvalidParameters": []})"};
  });
  auto client = ssm_client_for(fake);
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i) names.push_back("/k" + std::to_string(i));
  auto answer = client.get_parameters(names, true, Clock::now() + 5s);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, kSsmAccessDenied);
  EXPECT_EQ(fake.requests(), 2);  // stops at the failure
}

TEST(SsmClient, ThrottlingThenSuccessIsRetried) {
  FakeService fake([](const SeenRequest&, int number) {
    if (number <= 2) return FakeAnswer{400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})"};
    return FakeAnswer{200, json::serialize(json::object{{"Parameter", parameter_json("/a", 7)}})};
  });
  auto client = ssm_client_for(fake);
  auto parameter = client.get_parameter("/a", false, Clock::now() + 5s);
  ASSERT_TRUE(parameter) << parameter.error().message;
  EXPECT_EQ(parameter->version, 7);
  EXPECT_EQ(fake.requests(), 3);
}

TEST(SsmClient, ErrorsAreTypedAndNotRetried) {
  struct Case {
    FakeAnswer answer;
    std::string_view code;
  };
  const std::vector<Case> cases{
      {{400, R"({"__type":"ParameterNotFound","message":""})"}, kSsmParameterNotFound},
      {{400, R"({"__type":"ParameterVersionNotFound","message":"Systems Manager could not find version 9 of /a."})"},
       kSsmParameterVersionNotFound},
      {{400, R"({"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User is not authorized to perform: ssm:GetParameter"})"},
       kSsmAccessDenied},
      {{400, "", "application/x-amz-json-1.1", "InvalidKeyId"}, "SSM.InvalidKeyId"},
  };
  for (const auto& c : cases) {
    FakeService fake([&](const SeenRequest&, int) { return c.answer; });
    auto client = ssm_client_for(fake);
    auto parameter = client.get_parameter("/a", true, Clock::now() + 5s);
    ASSERT_FALSE(parameter) << c.code;
    EXPECT_EQ(parameter.error().code, c.code);
    EXPECT_EQ(parameter.error().status, 400);
    EXPECT_EQ(fake.requests(), 1) << c.code;
  }
}

TEST(SsmClient, ASlowAnswerPastTheDeadlineTimesOut) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"({"Parameter": {"Name": "/a"}})", "application/x-amz-json-1.1", "", 3s};
  });
  auto client = ssm_client_for(fake);
  const auto start = Clock::now();
  auto parameter = client.get_parameter("/a", false, start + 400ms);
  ASSERT_FALSE(parameter);
  EXPECT_TRUE(parameter.error().code == kHttpTimeout || parameter.error().code == "aws.deadline_exceeded") << parameter.error().code;
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST(SsmClient, TheEnvironmentVariablePointsAtALocalEmulator) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, R"({"Parameter": {"Name": "/a", "Value": "local"}})"}; });
  const lift::testing_support::ScopedEnv endpoint("LIFT_SSM_ENDPOINT", fake.endpoint().c_str());
  // No credentials anywhere: a loopback endpoint is signed with placeholder keys.
  const lift::testing_support::ScopedEnv key("AWS_ACCESS_KEY_ID", nullptr);
  const lift::testing_support::ScopedEnv secret("AWS_SECRET_ACCESS_KEY", nullptr);
  const lift::testing_support::ScopedEnv profile("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
  const lift::testing_support::ScopedEnv config("AWS_CONFIG_FILE", "/nonexistent/config");
  const lift::testing_support::ScopedEnv relative("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", nullptr);
  const lift::testing_support::ScopedEnv full("AWS_CONTAINER_CREDENTIALS_FULL_URI", nullptr);
  const lift::testing_support::ScopedEnv proxy("HTTP_PROXY", nullptr);
  const lift::testing_support::ScopedEnv lower_proxy("http_proxy", nullptr);
  auto client = SsmClient::create();
  ASSERT_TRUE(client) << client.error().message;
  auto parameter = client->get_parameter("/a", false, Clock::now() + 5s);
  ASSERT_TRUE(parameter) << parameter.error().code << ": " << parameter.error().message;
  EXPECT_EQ(parameter->value, "local");
  EXPECT_EQ(lift::testing_support::check_signature(fake.seen()[0], "local"), "");
}

}  // namespace
