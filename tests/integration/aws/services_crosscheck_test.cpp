// The Secrets Manager, SSM and API Gateway Management clients against the AWS SDK for
// JavaScript: the same call from both, to the same scripted service, must put the same request on
// the wire (method, path, target, content type, body; each with a valid SigV4 signature) and read
// the same values from the same answer. Skipped when Node or node_modules is missing.
#include <gtest/gtest.h>

#include <filesystem>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "sdk_crosscheck.hpp"
#include "lift/aws/apigateway_management.hpp"
#include "lift/aws/secrets_manager.hpp"
#include "lift/aws/ssm.hpp"
#include "lift/core/base64.hpp"
#include "support/subprocess.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

json::value millis(const std::optional<std::chrono::system_clock::time_point>& when) {
  if (!when) return nullptr;
  return std::chrono::duration_cast<std::chrono::milliseconds>(when->time_since_epoch()).count();
}

using lift::testing_support::without_nulls;

json::value parameter_values(const Parameter& p) {
  return without_nulls(json::object{{"Name", p.name},
                                    {"Type", p.type},
                                    {"Value", p.value},
                                    {"Version", p.version},
                                    {"ARN", p.arn},
                                    {"LastModifiedDate", millis(p.last_modified_date)},
                                    {"Selector", p.selector.empty() ? json::value(nullptr) : json::value(p.selector)},
                                    {"DataType", p.data_type}});
}

class ServicesCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string source(LIFT_TEST_SOURCE_DIR);
    const std::string node(LIFT_TEST_NODE);
    if (node.empty() || !std::filesystem::exists(node)) LIFT_SKIP_WITHOUT() << "node is missing";
    for (const char* package : {"client-secrets-manager", "client-ssm", "client-apigatewaymanagementapi"}) {
      if (!std::filesystem::exists(source + "/node_modules/@aws-sdk/" + package))
        LIFT_SKIP_WITHOUT() << "node_modules/@aws-sdk/" << package << " is missing (run scripts/setup)";
    }
  }

  // Runs one call through the SDK against `endpoint`; returns what it read, and what it sent.
  std::pair<json::value, SeenRequest> sdk(FakeService& fake, const std::string& endpoint, const char* operation,
                                          const json::object& input) {
    return lift::testing_support::run_sdk(fake, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/aws/services_crosscheck.js",
                                          endpoint, operation, input);
  }

  // What our client sent (the single request since the last clear).
  static SeenRequest ours(FakeService& fake) { return lift::testing_support::only_request(fake); }

  static void expect_same_request(const SeenRequest& theirs, const SeenRequest& mine, bool json_body) {
    lift::testing_support::expect_same_request(theirs, mine, json_body);
  }
};

TEST_F(ServicesCrosscheck, SecretsManagerGetSecretValue) {
  for (const char* answer : {
           R"({"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-a1b2c3", "CreatedDate": 1523477145.713,
               "Name": "prod/db", "SecretString": "{\"username\":\"app\",\"password\":\"ünï ✓\"}",
               "VersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1", "VersionStages": ["AWSCURRENT", "blue"]})",
           R"({"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:blob-Zz9Yy8", "CreatedDate": 1700000000,
               "Name": "blob", "SecretBinary": "AAEC/w==", "VersionId": "v2", "VersionStages": ["AWSPREVIOUS"]})"}) {
    FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, answer}; });
    const json::object input{{"SecretId", "prod/db"}, {"VersionStage", "AWSCURRENT"}};
    const auto [theirs, their_request] = sdk(fake, fake.endpoint(), "secret", input);

    fake.clear();
    auto client = SecretsManagerClient::create(lift::testing_support::options_for<SecretsManagerOptions>(fake.endpoint()));
    ASSERT_TRUE(client);
    auto secret = client->get_secret_value({"prod/db", "", "AWSCURRENT"}, Clock::now() + 5s);
    ASSERT_TRUE(secret) << secret.error().message;
    expect_same_request(their_request, ours(fake), true);

    json::array stages;
    for (const auto& stage : secret->version_stages) stages.emplace_back(stage);
    const json::object mine{
        {"ARN", secret->arn},
        {"Name", secret->name},
        {"VersionId", secret->version_id},
        {"SecretString", secret->secret_string ? json::value(*secret->secret_string) : json::value(nullptr)},
        {"SecretBinary", secret->secret_binary ? json::value(lift::base64::encode(*secret->secret_binary)) : json::value(nullptr)},
        {"VersionStages", stages},
        {"CreatedDate", millis(secret->created_date)}};
    EXPECT_EQ(without_nulls(mine), theirs);
  }
}

TEST_F(ServicesCrosscheck, SecretsManagerErrors) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{400, R"({"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."})"};
  });
  const auto [theirs, their_request] = sdk(fake, fake.endpoint(), "secret", json::object{{"SecretId", "nope"}});
  EXPECT_EQ(theirs.at("error"), "ResourceNotFoundException");
  fake.clear();
  auto client = SecretsManagerClient::create(lift::testing_support::options_for<SecretsManagerOptions>(fake.endpoint()));
  auto secret = client->get_secret_value("nope", Clock::now() + 5s);
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().code, kSecretsManagerResourceNotFound);
  EXPECT_EQ(json::value(secret.error().status), theirs.at("status"));
}

TEST_F(ServicesCrosscheck, SsmGetParameter) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"({"Parameter": {"ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/todo/tags", "DataType": "text",
        "LastModifiedDate": 1582657288.8, "Name": "/todo/tags", "Selector": ":3", "Type": "StringList", "Value": "a,b,c", "Version": 3}})"};
  });
  const auto [theirs, their_request] =
      sdk(fake, fake.endpoint(), "parameter", json::object{{"Name", "/todo/tags:3"}, {"WithDecryption", true}});
  fake.clear();
  auto client = SsmClient::create(lift::testing_support::options_for<SsmOptions>(fake.endpoint()));
  ASSERT_TRUE(client);
  auto parameter = client->get_parameter("/todo/tags:3", true, Clock::now() + 5s);
  ASSERT_TRUE(parameter) << parameter.error().message;
  expect_same_request(their_request, ours(fake), true);
  EXPECT_EQ(json::value(json::object{{"Parameter", parameter_values(*parameter)}}), theirs);
}

TEST_F(ServicesCrosscheck, SsmGetParameters) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"({"InvalidParameters": ["/missing"], "Parameters": [
        {"ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/a", "DataType": "text", "LastModifiedDate": 1612298406.413,
         "Name": "/a", "Type": "String", "Value": "one", "Version": 1},
        {"ARN": "arn:aws:ssm:us-east-1:111122223333:parameter/b", "DataType": "text", "LastModifiedDate": 1612298407,
         "Name": "/b", "Type": "SecureString", "Value": "AQICAHh-cipher", "Version": 12}]})"};
  });
  const std::vector<std::string> names{"/a", "/b", "/missing"};
  const auto [theirs, their_request] =
      sdk(fake, fake.endpoint(), "parameters", json::object{{"Names", json::array{"/a", "/b", "/missing"}}, {"WithDecryption", false}});
  fake.clear();
  auto client = SsmClient::create(lift::testing_support::options_for<SsmOptions>(fake.endpoint()));
  ASSERT_TRUE(client);
  auto answer = client->get_parameters(names, false, Clock::now() + 5s);
  ASSERT_TRUE(answer) << answer.error().message;
  expect_same_request(their_request, ours(fake), true);
  json::array parameters;
  for (const auto& p : answer->parameters) parameters.push_back(parameter_values(p));
  json::array invalid;
  for (const auto& name : answer->invalid_parameters) invalid.emplace_back(name);
  EXPECT_EQ(json::value(json::object{{"Parameters", parameters}, {"InvalidParameters", invalid}}), theirs);
}

TEST_F(ServicesCrosscheck, SsmErrors) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{400, R"({"__type":"ParameterNotFound","message":""})"}; });
  const auto [theirs, their_request] =
      sdk(fake, fake.endpoint(), "parameter", json::object{{"Name", "/nope"}, {"WithDecryption", false}});
  EXPECT_EQ(theirs.at("error"), "ParameterNotFound");
  fake.clear();
  auto client = SsmClient::create(lift::testing_support::options_for<SsmOptions>(fake.endpoint()));
  auto parameter = client->get_parameter("/nope", false, Clock::now() + 5s);
  ASSERT_FALSE(parameter);
  EXPECT_EQ(parameter.error().code, kSsmParameterNotFound);
}

class ApiGatewayCrosscheck : public ServicesCrosscheck {
 protected:
  ApiGatewayManagementClient client_for(const std::string& endpoint) {
    auto client = ApiGatewayManagementClient::create(lift::testing_support::options_for<ApiGatewayManagementOptions>(endpoint));
    if (!client) throw std::runtime_error(client.error().message);
    return std::move(*client);
  }
};

TEST_F(ApiGatewayCrosscheck, PostToConnection) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, "", "application/json"}; });
  const std::string endpoint = fake.endpoint() + "/production";
  const std::string data("{\"from\":\"ann\",\"text\":\"h\xc3\xa9llo\"}\n\x01\xff", 38);
  for (const char* id : {"L0SM9cOFvHcCIhw=", "a b/c+d?e", "Zm9v-_.~"}) {
    const auto [theirs, their_request] =
        sdk(fake, endpoint, "post", json::object{{"ConnectionId", id}, {"Data", lift::base64::encode(data)}});
    EXPECT_EQ(theirs, json::object{}) << id;
    fake.clear();
    auto client = client_for(endpoint);
    ASSERT_TRUE(client.post_to_connection(id, data, Clock::now() + 5s)) << id;
    expect_same_request(their_request, ours(fake), false);
  }
}

TEST_F(ApiGatewayCrosscheck, GetConnection) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, R"json({"connectedAt": "2024-05-01T12:34:56.789Z", "identity": {"sourceIp": "192.0.2.10",
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64)"}, "lastActiveAt": "2024-05-01T12:40:00Z"})json", "application/json"};
  });
  const std::string endpoint = fake.endpoint() + "/production";
  const auto [theirs, their_request] = sdk(fake, endpoint, "get-connection", json::object{{"ConnectionId", "L0SM9cOFvHcCIhw="}});
  fake.clear();
  auto client = client_for(endpoint);
  auto info = client.get_connection("L0SM9cOFvHcCIhw=", Clock::now() + 5s);
  ASSERT_TRUE(info) << info.error().message;
  expect_same_request(their_request, ours(fake), false);
  const json::object mine{{"connectedAt", millis(info->connected_at)},
                          {"lastActiveAt", millis(info->last_active_at)},
                          {"identity", {{"sourceIp", info->identity.source_ip}, {"userAgent", info->identity.user_agent}}}};
  EXPECT_EQ(json::value(mine), theirs);
}

TEST_F(ApiGatewayCrosscheck, DeleteConnectionAndGone) {
  FakeService fake([](const SeenRequest& request, int) {
    if (request.method == "DELETE") return FakeAnswer{204};
    return FakeAnswer{410, R"({"message":null})", "application/json",
                      "GoneException:http://internal.amazon.com/coral/com.amazonaws.apigatewaymanagementapi/"};
  });
  const std::string endpoint = fake.endpoint() + "/production";
  auto client = client_for(endpoint);

  const auto [deleted, their_delete] = sdk(fake, endpoint, "delete-connection", json::object{{"ConnectionId", "abc="}});
  EXPECT_EQ(deleted, json::object{});
  fake.clear();
  ASSERT_TRUE(client.delete_connection("abc=", Clock::now() + 5s));
  expect_same_request(their_delete, ours(fake), false);

  const auto [gone, their_post] = sdk(fake, endpoint, "post", json::object{{"ConnectionId", "abc="}, {"Data", "eA=="}});
  EXPECT_EQ(gone.at("error"), "GoneException");
  EXPECT_EQ(gone.at("status"), 410);
  fake.clear();
  auto sent = client.post_to_connection("abc=", "x", Clock::now() + 5s);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, kApiGatewayGone);
  EXPECT_EQ(sent.error().status, 410);
}

}  // namespace
