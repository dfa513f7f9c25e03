#include "lift/events/detect.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using lift::events::Kind;
using lift::events::detect;

Kind of(std::string_view json) { return detect(boost::json::parse(json)); }

TEST(Detect, NamesRoundTrip) {
  for (auto kind : lift::events::kAllKinds) {
    auto name = lift::events::to_string(kind);
    auto back = lift::events::kind_from_string(name);
    ASSERT_TRUE(back) << name;
    EXPECT_EQ(*back, kind);
  }
  EXPECT_EQ(lift::events::to_string(Kind::dynamodb_stream), "dynamodb-stream");
  EXPECT_FALSE(lift::events::kind_from_string("apigw_rest"));
  EXPECT_FALSE(lift::events::kind_from_string(""));
}

TEST(Detect, MinimalEventOfEveryKind) {
  EXPECT_EQ(of(R"({"httpMethod":"GET","path":"/","requestContext":{"stage":"prod"}})"), Kind::apigw_rest);
  EXPECT_EQ(of(R"({"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"},"domainName":"x.execute-api.eu-west-1.amazonaws.com"}})"), Kind::apigw_http);
  EXPECT_EQ(of(R"({"version":"2.0","requestContext":{"http":{"method":"GET"},"domainName":"abc.lambda-url.us-east-1.on.aws"}})"), Kind::function_url);
  EXPECT_EQ(of(R"({"httpMethod":"GET","path":"/","requestContext":{"elb":{"targetGroupArn":"arn"}}})"), Kind::alb);
  EXPECT_EQ(of(R"({"requestContext":{"routeKey":"$default","eventType":"MESSAGE","connectionId":"c"}})"), Kind::apigw_websocket);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:sqs"}]})"), Kind::sqs);
  EXPECT_EQ(of(R"({"Records":[{"EventSource":"aws:sns"}]})"), Kind::sns);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:s3"}]})"), Kind::s3);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:dynamodb"}]})"), Kind::dynamodb_stream);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:kinesis"}]})"), Kind::kinesis);
  EXPECT_EQ(of(R"({"awslogs":{"data":"H4sI"}})"), Kind::cloudwatch_logs);
  EXPECT_EQ(of(R"({"type":"TOKEN","authorizationToken":"t","methodArn":"arn"})"), Kind::authorizer_token);
  EXPECT_EQ(of(R"({"type":"REQUEST","methodArn":"arn","requestContext":{"http":{}},"version":"2.0"})"), Kind::authorizer_request);
  EXPECT_EQ(of(R"({"type":"REQUEST","routeArn":"arn","version":"2.0"})"), Kind::authorizer_request);
  EXPECT_EQ(of(R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"us-east-1_x","request":{}})"), Kind::cognito);
  EXPECT_EQ(of(R"({"source":"aws.events","detail-type":"Scheduled Event","detail":{}})"), Kind::scheduled);
  EXPECT_EQ(of(R"({"source":"my.app","detail-type":"Scheduled Event","detail":{}})"), Kind::eventbridge);
  EXPECT_EQ(of(R"({"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{}}})"), Kind::eventbridge);
}

TEST(Detect, NearMissesAreUnknown) {
  for (const auto* json : {R"([1,2,3])", R"("text")", R"(null)", R"(42)", R"({})", R"({"Records":[]})",
                           R"({"Records":"x"})", R"({"Records":[1]})", R"({"Records":[{"eventSource":"aws:kafka"}]})",
                           R"({"records":[{"eventSource":"aws:sqs"}]})", R"({"awslogs":{"data":7}})",
                           R"({"type":"TOKEN","authorizationToken":"t"})", R"({"triggerSource":"x"})",
                           R"({"source":"aws.cloudwatch","alarmData":{}})", R"({"detail-type":"x","detail":{}})",
                           R"({"requestContext":{"connectionId":"c"}})", R"({"requestContext":"x","httpMethod":"GET"})",
                           R"({"httpMethod":"GET","apiPath":"/x","agent":{}})"}) {
    EXPECT_EQ(of(json), Kind::unknown) << json;
  }
}

TEST(Detect, EverySampleEventIsItsManifestKind) {
  const std::string dir = LIFT_TESTDATA_DIR "/events";
  std::ifstream manifest(dir + "/manifest.tsv");
  if (!manifest) GTEST_SKIP() << "sample events not available";
  std::string line;
  int checked = 0;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string kind;
    std::string file;
    fields >> kind >> file;
    if (kind == "kind" || file.empty()) continue;
    std::ifstream in(dir + "/" + file);
    ASSERT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    boost::json::error_code ec;
    auto event = boost::json::parse(text.str(), ec);
    ASSERT_FALSE(ec) << file;
    EXPECT_EQ(lift::events::to_string(detect(event)), kind) << file;
    ++checked;
  }
  EXPECT_GE(checked, 100);
}

}  // namespace
