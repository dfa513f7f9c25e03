#include "lift/events/detect.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/mp11/algorithm.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lift/events/all_sources.hpp"
#include "lift/events/models.hpp"
#include "support/sample_events.hpp"
#include "support/requirements.hpp"

namespace {

using namespace lift::events;

Kind of(std::string_view json) { return detect(boost::json::parse(json)); }

TEST(Detect, NamesRoundTrip) {
  for (auto kind : lift::events::all_kinds()) {
    auto name = lift::events::to_string(kind);
    auto back = lift::events::kind_from_string(name);
    ASSERT_TRUE(back) << name;
    EXPECT_EQ(*back, kind);
  }
  EXPECT_EQ(lift::events::to_string(kind_of<DynamoDBStream>), "dynamodb-stream");
  EXPECT_FALSE(lift::events::kind_from_string("apigw_rest"));
  EXPECT_FALSE(lift::events::kind_from_string(""));
}

TEST(Detect, MinimalEventOfEveryKind) {
  EXPECT_EQ(of(R"({"httpMethod":"GET","path":"/","requestContext":{"stage":"prod"}})"), kind_of<ApiGatewayRest>);
  EXPECT_EQ(of(R"({"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET"},"domainName":"x.execute-api.eu-west-1.amazonaws.com"}})"), kind_of<ApiGatewayHttp>);
  EXPECT_EQ(of(R"({"version":"2.0","requestContext":{"http":{"method":"GET"},"domainName":"abc.lambda-url.us-east-1.on.aws"}})"), kind_of<FunctionUrl>);
  EXPECT_EQ(of(R"({"httpMethod":"GET","path":"/","requestContext":{"elb":{"targetGroupArn":"arn"}}})"), kind_of<Alb>);
  EXPECT_EQ(of(R"({"requestContext":{"routeKey":"$default","eventType":"MESSAGE","connectionId":"c"}})"), kind_of<ApiGatewayWebSocket>);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:sqs"}]})"), kind_of<Sqs>);
  EXPECT_EQ(of(R"({"Records":[{"EventSource":"aws:sns"}]})"), kind_of<Sns>);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:s3"}]})"), kind_of<S3>);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:dynamodb"}]})"), kind_of<DynamoDBStream>);
  EXPECT_EQ(of(R"({"Records":[{"eventSource":"aws:kinesis"}]})"), kind_of<Kinesis>);
  EXPECT_EQ(of(R"({"awslogs":{"data":"H4sI"}})"), kind_of<CloudWatchLogs>);
  EXPECT_EQ(of(R"({"type":"TOKEN","authorizationToken":"t","methodArn":"arn"})"), kind_of<TokenAuthorizer>);
  EXPECT_EQ(of(R"({"type":"REQUEST","methodArn":"arn","requestContext":{"http":{}},"version":"2.0"})"), kind_of<RequestAuthorizer>);
  EXPECT_EQ(of(R"({"type":"REQUEST","routeArn":"arn","version":"2.0"})"), kind_of<RequestAuthorizer>);
  EXPECT_EQ(of(R"({"triggerSource":"PreSignUp_SignUp","userPoolId":"us-east-1_x","request":{}})"), kind_of<Cognito>);
  EXPECT_EQ(of(R"({"source":"aws.events","detail-type":"Scheduled Event","detail":{}})"), kind_of<Scheduled>);
  EXPECT_EQ(of(R"({"source":"my.app","detail-type":"Scheduled Event","detail":{}})"), kind_of<EventBridge>);
  EXPECT_EQ(of(R"({"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{}}})"), kind_of<EventBridge>);
}

TEST(Detect, NearMissesAreUnknown) {
  for (const auto* json : {R"([1,2,3])", R"("text")", R"(null)", R"(42)", R"({})", R"({"Records":[]})",
                           R"({"Records":"x"})", R"({"Records":[1]})", R"({"Records":[{"eventSource":"aws:kafka"}]})",
                           R"({"records":[{"eventSource":"aws:sqs"}]})", R"({"awslogs":{"data":7}})",
                           R"({"type":"TOKEN","authorizationToken":"t"})", R"({"triggerSource":"x"})",
                           R"({"source":"aws.cloudwatch","alarmData":{}})", R"({"detail-type":"x","detail":{}})",
                           R"({"requestContext":{"connectionId":"c"}})", R"({"requestContext":"x","httpMethod":"GET"})",
                           R"({"httpMethod":"GET","apiPath":"/x","agent":{}})"}) {
    EXPECT_EQ(of(json), Kind::unknown()) << json;
  }
}

TEST(Detect, EverySampleEventIsItsManifestKind) {
  const auto samples = lift::testing_support::sample_events();
  if (samples.empty()) LIFT_SKIP_WITHOUT() << "sample events not available";
  for (const auto& sample : samples) {
    std::ifstream in(sample.path);
    ASSERT_TRUE(in) << sample.file;
    std::stringstream text;
    text << in.rdbuf();
    boost::json::error_code ec;
    auto event = boost::json::parse(text.str(), ec);
    ASSERT_FALSE(ec) << sample.file;
    EXPECT_EQ(lift::events::to_string(detect(event)), sample.kind) << sample.file;
  }
  EXPECT_GE(samples.size(), 102u);
}

}  // namespace

namespace {

// How many sources claim `event`: detectors are disjoint, so never more than one.
std::vector<std::string> claimants(const boost::json::value& event) {
  std::vector<std::string> names;
  boost::mp11::mp_for_each<boost::mp11::mp_transform<boost::mp11::mp_identity, lift::events::AllSources>>([&](auto descriptor) {
    using D = typename decltype(descriptor)::type;
    if (D::detect(event)) names.emplace_back(D::info.name);
  });
  return names;
}

TEST(Detect, AtMostOneSourceClaimsAnySample) {
  // Every file of both folders, the kinds lift does not know yet included.
  int checked = 0;
  for (const std::string folder : {"/events", "/events-new"}) {
    const std::string dir = LIFT_TESTDATA_DIR + folder;
    std::ifstream manifest(dir + "/manifest.tsv");
    if (!manifest) LIFT_SKIP_WITHOUT() << "sample events not available";
    std::string line;
    while (std::getline(manifest, line)) {
      std::istringstream fields(line);
      std::string kind, file;
      fields >> kind >> file;
      if (kind == "kind" || file.empty()) continue;
      std::ifstream in(dir + "/" + file);
      std::stringstream text;
      text << in.rdbuf();
      const auto names = claimants(boost::json::parse(text.str()));
      EXPECT_LE(names.size(), 1u) << file << " is claimed by " << names.size() << " sources";
      ++checked;
    }
  }
  EXPECT_GE(checked, 119);
}

TEST(Detect, KindsAreSmallValuesComparedByIdentity) {
  // Checked at run time: GCC's UndefinedBehaviorSanitizer makes address comparisons
  // non-constant, so static_assert would not build under the sanitizers.
  EXPECT_EQ(kind_of<Sqs>, Kind::of<Sqs>());
  EXPECT_NE(kind_of<Sqs>, kind_of<Sns>);
  EXPECT_EQ(Kind(), Kind::unknown());
  EXPECT_EQ(kind_of<Scheduled>.refines(), kind_of<EventBridge>);
  EXPECT_TRUE(kind_of<EventBridge>.refines().is_unknown());
  EXPECT_TRUE(kind_of<ApiGatewayHttp>.is_http() && !kind_of<Sqs>.is_http());
  EXPECT_EQ(kind_of<DynamoDBStream>.name(), "dynamodb-stream");
  // Listed by name, unknown last.
  const auto kinds = all_kinds();
  ASSERT_GE(kinds.size(), 17u);
  EXPECT_TRUE(kinds.back().is_unknown());
  for (std::size_t i = 1; i + 1 < kinds.size(); ++i) EXPECT_LT(kinds[i - 1].name(), kinds[i].name());
}

}  // namespace
