// The XML answers of the query protocol (STS, SNS) and of S3 (src/aws/xml.hpp): the element tree,
// error answers, bad XML, and one query protocol call against a scripted service on 127.0.0.1.
#include "aws/xml.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "aws/service.hpp"
#include "support/local_server.hpp"

namespace {

using namespace lift::aws::detail;
using lift::testing_support::HttpServerRequest;
using lift::testing_support::LocalServer;
using lift::testing_support::make_response;
using lift::testing_support::serve_http;

// The shape of STS's AssumeRole answer, as the API reference shows it.
constexpr const char* kXmlAssumeRoleAnswer = R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>a&amp;b&lt;c</SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>)";

TEST(Xml, ReadsAnAnswerIntoATree) {
  auto root = parse_xml("STS", kXmlAssumeRoleAnswer);
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->name, "AssumeRoleResponse");
  const auto* credentials = root->find({"AssumeRoleResult", "Credentials"});
  ASSERT_NE(credentials, nullptr);
  EXPECT_EQ(credentials->child_text("AccessKeyId"), "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(credentials->child_text("SessionToken"), "a&b<c");  // entities decoded
  EXPECT_EQ(credentials->child_text("Missing"), "");
  EXPECT_EQ(root->find({"AssumeRoleResult", "Nope", "Credentials"}), nullptr);
  EXPECT_EQ(root->find({"ResponseMetadata"})->child_text("RequestId"), "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
}

TEST(Xml, RepeatedChildrenPrefixesAndCdata) {
  auto root = parse_xml("S3", R"(<?xml version="1.0" encoding="UTF-8"?>
<s3:ListBucketResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
  <s3:Contents><s3:Key>a</s3:Key></s3:Contents>
  <s3:Contents><s3:Key><![CDATA[b<&>]]></s3:Key></s3:Contents>
  <s3:Contents><s3:Key>caf&#xE9; &#x1F600;</s3:Key></s3:Contents>
</s3:ListBucketResult>)");
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(root->name, "ListBucketResult");
  const auto contents = root->all("Contents");
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[0]->child_text("Key"), "a");
  EXPECT_EQ(contents[1]->child_text("Key"), "b<&>");
  EXPECT_EQ(contents[2]->child_text("Key"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(Xml, BadXmlIsAMalformedAnswerNamingWhy) {
  for (const char* body : {"", "not xml", "<a><b></a>", "<a>", "<a/><b/>", "<a>&undefined;</a>"}) {
    auto root = parse_xml("STS", body);
    ASSERT_FALSE(root) << body;
    EXPECT_EQ(root.error().code, "STS.MalformedResponse") << body;
    EXPECT_EQ(root.error().status, 502);
  }
  // Entity expansion is refused with the DOCTYPE that would declare it.
  auto laughs = parse_xml("STS", R"(<!DOCTYPE a [<!ENTITY x "xxxxxxxx"><!ENTITY y "&x;&x;&x;&x;">]><a>&y;</a>)");
  ASSERT_FALSE(laughs);
  EXPECT_NE(laughs.error().message.find("DOCTYPE"), std::string::npos);

  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  auto too_deep = parse_xml("S3", deep);
  ASSERT_FALSE(too_deep);
  EXPECT_NE(too_deep.error().message.find("deeper than 64"), std::string::npos);
  EXPECT_TRUE(parse_xml("S3", deep, XmlLimits{.max_depth = 100}));

  auto too_big = parse_xml("S3", "<a>" + std::string(100, 'x') + "</a>", XmlLimits{.max_bytes = 64});
  ASSERT_FALSE(too_big);
  EXPECT_NE(too_big.error().message.find("larger than 64"), std::string::npos);
}

TEST(Xml, QueryProtocolAndS3ErrorAnswers) {
  const auto denied = parse_xml_error("STS", 403, R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error>
  <RequestId>4f8e4a0e-0000</RequestId></ErrorResponse>)");
  EXPECT_EQ(denied.code, "STS.AccessDenied");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.message, "User is not authorized to perform: sts:AssumeRole");

  const auto s3 = parse_xml_error("S3", 404, R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a.txt</Key></Error>)");
  EXPECT_EQ(s3.code, "S3.NoSuchKey");
  EXPECT_EQ(s3.message, "The specified key does not exist.");

  EXPECT_EQ(parse_xml_error("SNS", 400, "<ErrorResponse><Error><Code>InvalidParameterException</Code></Error></ErrorResponse>").code,
            "SNS.InvalidParameter");
  for (const char* body : {"", "<html>gateway</html>", "<ErrorResponse><Error><Code>bad code!</Code></Error></ErrorResponse>"}) {
    const auto error = parse_xml_error("SNS", 503, body);
    EXPECT_EQ(error.code, "SNS.MalformedResponse") << body;
    EXPECT_EQ(error.status, 503);
  }
  EXPECT_EQ(parse_xml_error("SNS", 200, "<x/>").status, 502);
}

TEST(Xml, EscapingAndQueryBodies) {
  EXPECT_EQ(xml_escape(R"(<a href="x">'&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  EXPECT_EQ(query_protocol_body("AssumeRole", "2011-06-15",
                                {{"RoleArn", "arn:aws:iam::1:role/a b"}, {"Tags.member.1.Key", "k=v&x"}}),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b&Tags.member.1.Key=k%3Dv%26x");
}

// A service on 127.0.0.1 that answers the query protocol: its root element on success, a
// throttling error for the first `throttle` requests.
struct QueryService {
  std::mutex mutex;
  std::vector<std::string> bodies;
  std::vector<std::string> content_types;
  int throttle = 0;
  LocalServer server{[this](LocalServer::Socket& socket) {
    serve_http(socket, [this](const HttpServerRequest& request, int) {
      std::lock_guard lock(mutex);
      bodies.push_back(request.body());
      content_types.emplace_back(request[boost::beast::http::field::content_type]);
      if (throttle-- > 0)
        return make_response(400, "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
                             "text/xml");
      if (request.body().find("Action=Broken") == 0) return make_response(200, "<unclosed>", "text/xml");
      return make_response(200, "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>"
                                "</GetCallerIdentityResult></GetCallerIdentityResponse>", "text/xml");
    });
  }};
};

ServiceClient::Config query_config(std::uint16_t port) {
  ServiceClient::Config config;
  config.prefix = "STS";
  config.signing_name = "sts";
  config.endpoint = "http://127.0.0.1:" + std::to_string(port);
  config.region = "us-east-1";
  config.retry.base_delay = std::chrono::milliseconds(1);
  config.retry.throttling_base_delay = std::chrono::milliseconds(1);
  return config;
}

TEST(XmlQueryProtocol, PostsAFormAndReadsTheRootElementRetryingThrottling) {
  QueryService service;
  service.throttle = 1;
  ServiceClient client(query_config(service.server.port()));
  auto answer = client.call_query("GetCallerIdentity", "2011-06-15", {}, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->find({"GetCallerIdentityResult"})->child_text("Account"), "123456789012");
  std::lock_guard lock(service.mutex);
  ASSERT_EQ(service.bodies.size(), 2u);  // the throttled attempt, then the answered one
  EXPECT_EQ(service.bodies[1], "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(service.content_types[1], "application/x-www-form-urlencoded; charset=utf-8");
}

TEST(XmlQueryProtocol, ErrorsAndUnreadableAnswersAreTyped) {
  QueryService service;
  service.throttle = 100;
  auto config = query_config(service.server.port());
  config.retry.max_attempts = 2;
  ServiceClient client(config);
  auto throttled = client.call_query("GetCallerIdentity", "2011-06-15", {}, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().code, "STS.Throttling");
  service.throttle = 0;
  auto broken = client.call_query("Broken", "2011-06-15", {}, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, "STS.MalformedResponse");
}

}  // namespace
