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
