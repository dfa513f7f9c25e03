// `lift aws curl` as users run it: a separate process that signs and sends a request, or
// shows the signing steps with --dry-run.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/dynalite.hpp"
#include "support/local_server.hpp"
#include "support/subprocess.hpp"
#include "support/requirements.hpp"

namespace {

namespace http = boost::beast::http;
using lift::testing_support::HttpServerRequest;
using lift::testing_support::LocalServer;
using lift::testing_support::make_response;
using lift::testing_support::run_command;
using lift::testing_support::serve_http;

const std::vector<std::string> kKeys{"--access-key", "AKIDEXAMPLE", "--secret-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

std::vector<std::string> curl(std::vector<std::string> args) {
  std::vector<std::string> argv{LIFT_CLI, "aws", "curl"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), kKeys.begin(), kKeys.end());
  return argv;
}

TEST(LiftAwsCurl, DryRunShowsTheSigningSteps) {
  // get-vanilla of AWS's SigV4 suite, addressed by URL.
  auto result = run_command(curl({"--dry-run", "GET", "https://example.amazonaws.com/", "--service", "service", "--region",
                                  "us-east-1", "--date", "20150830T123600Z"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("# canonical request\nGET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("# string to sign\nAWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"),
            std::string::npos);
  EXPECT_NE(result.out.find("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                            "SignedHeaders=host;x-amz-date, "
                            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
            std::string::npos)
      << result.out;
}

TEST(LiftAwsCurl, SendsTheSignedRequest) {
  LocalServer server([](LocalServer::Socket& socket) {
    serve_http(socket, [](const HttpServerRequest& request, int) {
      if (request.target() == "/missing") return make_response(404, R"({"message":"no such thing"})");
      return make_response(200, std::string(request.method_string()) + " " + std::string(request[http::field::authorization].substr(0, request[http::field::authorization].find(','))) +
                                    " " + std::string(request["X-Amz-Target"]) + " " + request.body());
    });
  });
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  auto result = run_command(curl({"POST", base + "/", "--service", "dynamodb", "--region", "eu-west-1", "-H",
                                  "X-Amz-Target: DynamoDB_20120810.ListTables", "--data", "@-", "-i"}),
                            "{\"Limit\":1}");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(result.out.starts_with("HTTP 200\r\n")) << result.out;
  EXPECT_NE(result.out.find("POST AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("/eu-west-1/dynamodb/aws4_request DynamoDB_20120810.ListTables {\"Limit\":1}"), std::string::npos)
      << result.out;

  auto missing = run_command(curl({"GET", base + "/missing", "--service", "s", "--region", "us-east-1"}));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("no such thing"), std::string::npos);
  EXPECT_NE(missing.err.find("HTTP 404"), std::string::npos);
}

TEST(LiftAwsCurl, BadInputIsAUsageError) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"GET", "not a url", "--region", "us-east-1"},
           {"GET", "https://example.amazonaws.com/", "--region", "us-east-1", "-H", "no colon"},
           {"GET", "https://example.amazonaws.com/", "--region", "us-east-1", "--data", "@/no/such/file"},
           {"GET", "https://example.amazonaws.com/", "--region", "us-east-1", "--date", "yesterday"},
           {"GET", "https://example.amazonaws.com/", "--region", ""}}) {
    auto result = run_command(curl(args));
    EXPECT_EQ(result.exit_code, 2) << args[1] << ": " << result.err;
    EXPECT_NE(result.err.find("lift aws curl:"), std::string::npos);
  }
  std::uint16_t closed_port = 0;
  {
    LocalServer closed([](LocalServer::Socket&) {});
    closed_port = closed.port();
  }
  auto refused = run_command(curl({"GET", "http://127.0.0.1:" + std::to_string(closed_port) + "/", "--service", "s", "--region",
                                   "us-east-1", "--timeout", "2"}));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("Http.ConnectFailed"), std::string::npos) << refused.err;
}

TEST(LiftAwsCurl, TalksToDynalite) {
  lift::testing_support::Dynalite dynalite(LIFT_TEST_NODE, LIFT_TEST_SOURCE_DIR);
  if (!dynalite.available()) LIFT_SKIP_WITHOUT() << dynalite.why_unavailable();
  auto result = run_command(curl({"POST", dynalite.endpoint(), "--service", "dynamodb", "--region", "us-east-1", "-H",
                                  "X-Amz-Target: DynamoDB_20120810.ListTables", "-H", "Content-Type: application/x-amz-json-1.0",
                                  "--data", "{}"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(boost::json::parse(result.out), boost::json::parse(R"({"TableNames":[]})"));
}

}  // namespace

#include <fstream>

#include "fake_service.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace {

using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::ScopedEnv;
using lift::testing_support::SeenRequest;

// A profile that assumes a role through a local STS (AWS_ENDPOINT_URL_STS): `lift aws sign` and
// `lift aws curl` sign with the role's credentials.
struct AssumedRoleProfile {
  FakeService sts{[](const SeenRequest&, int) {
    return FakeAnswer{200,
                      "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>"
                      "<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken>"
                      "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
                      "text/xml"};
  }};
  lift::testing_support::TempDir dir{"lift-curl-profile"};
  ScopedEnv key{"AWS_ACCESS_KEY_ID", nullptr}, secret{"AWS_SECRET_ACCESS_KEY", nullptr}, token{"AWS_SESSION_TOKEN", nullptr};
  ScopedEnv web{"AWS_WEB_IDENTITY_TOKEN_FILE", nullptr}, relative{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", nullptr};
  ScopedEnv full{"AWS_CONTAINER_CREDENTIALS_FULL_URI", nullptr}, imds{"AWS_EC2_METADATA_DISABLED", "true"};
  ScopedEnv config{"AWS_CONFIG_FILE", (dir / "config").string()}, credentials{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()};
  ScopedEnv profile{"AWS_PROFILE", "kernel"}, region{"AWS_REGION", "eu-west-1"};
  ScopedEnv endpoint{"AWS_ENDPOINT_URL_STS", sts.endpoint()};

  AssumedRoleProfile() {
    std::ofstream(dir / "credentials") << "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n";
    std::ofstream(dir / "config") << "[profile kernel]\nrole_arn = arn:aws:iam::111122223333:role/kernel-reader\n"
                                     "source_profile = base\nexternal_id = partner-42\n";
  }
};

TEST(LiftAwsSign, AProfileThatAssumesARoleFoldedHeadersAndOmitSessionToken) {
  AssumedRoleProfile profile;
  auto result = run_command({LIFT_CLI, "aws", "sign", "--service", "execute-api", "--omit-session-token", "--date", "20150830T123600Z"},
                            "GET /prod/orders HTTP/1.1\r\nHost:abc.execute-api.eu-west-1.amazonaws.com\r\nMy-Header1:value1\r\n"
                            "  value2\r\n\r\n");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(profile.sts.requests(), 1);
  EXPECT_NE(result.out.find("Authorization:AWS4-HMAC-SHA256 Credential=ASIAROLE/20150830/eu-west-1/execute-api/aws4_request, "
                            "SignedHeaders=host;my-header1;x-amz-date, "),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("My-Header1:value1 value2\r\n"), std::string::npos) << result.out;
  EXPECT_GT(result.out.find("X-Amz-Security-Token:role-token"), result.out.find("Authorization:")) << result.out;
}

TEST(LiftAwsCurl, AProfileThatAssumesARole) {
  AssumedRoleProfile profile;
  FakeService api([](const SeenRequest&, int) { return FakeAnswer{200, "{\"ok\":true}", "application/json"}; });
  auto result = run_command({LIFT_CLI, "aws", "curl", "GET", api.endpoint() + "/prod/orders", "--service", "execute-api"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "{\"ok\":true}\n");
  const auto seen = api.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(lift::testing_support::split_authorization(seen[0].header("Authorization"))->access_key_id, "ASIAROLE");
  EXPECT_EQ(seen[0].header("X-Amz-Security-Token"), "role-token");
  EXPECT_EQ(lift::testing_support::check_signature(seen[0], "role-secret"), "");
  // The source profile's keys signed the AssumeRole call, with the profile's external id.
  const auto assume = profile.sts.seen().at(0);
  EXPECT_EQ(lift::testing_support::split_authorization(assume.header("Authorization"))->access_key_id, "AKIDBASE");
  EXPECT_NE(assume.body.find("ExternalId=partner-42"), std::string::npos);
}

}  // namespace
