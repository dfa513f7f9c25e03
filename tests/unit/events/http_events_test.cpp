// The builders of HTTP events (lift/events/http_events.hpp) on what only they decide: the ALB
// event's single-value fields, and sample requests from options. (The API Gateway shapes are
// checked against AWS's samples through the local API Gateway: tests/unit/local.)

#include "lift/events/http_events.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lift/events/detect.hpp"
#include "lift/events/http_sources.hpp"
#include "lift/http/adapters.hpp"

namespace {

namespace ev = lift::events;
using boost::json::parse;

ev::HttpRequestDescription request(std::string path, std::string query, ev::HttpHeaderList headers = {}) {
  ev::HttpRequestDescription r;
  r.path = std::move(path);
  r.query = std::move(query);
  r.headers = std::move(headers);
  return r;
}

TEST(HttpEvents, AlbKeepsTheLastValueAndTheEncodingAsSent) {
  const auto event = ev::alb_event(request("/caf%C3%A9", "a=1&a=x%20y&flag&b=%2B", {{"X-One", "1"}, {"x-one", "2"}}),
                                   "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1");
  EXPECT_EQ(event.at("path"), "/caf%C3%A9");
  EXPECT_EQ(event.at("queryStringParameters"), parse(R"({"a":"x%20y","flag":"","b":"%2B"})"));
  EXPECT_EQ(event.at("headers"), parse(R"({"x-one":"2"})"));
  EXPECT_EQ(event.at("body"), "");
  EXPECT_EQ(event.at("isBase64Encoded"), false);
  EXPECT_EQ(ev::detect(event), ev::kind_of<ev::Alb>);
  auto adapted = lift::http::request_from_event(event);
  ASSERT_TRUE(adapted) << adapted.error().message;
  EXPECT_EQ(adapted->path, "/café");
  EXPECT_EQ(adapted->query.get("a"), "x y");
  EXPECT_EQ(adapted->query.get("b"), "+");
  EXPECT_EQ(adapted->alb()->target_group_arn, "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1");
}

TEST(HttpEvents, SampleRequestsEncodeTheirOptions) {
  auto r = ev::sample_request("GET", "/a b/ü", {"q=x y", "sym=&+=", "empty="}, {"X-Tenant:  t1 ", "Accept=text/html"},
                              {{"accept", "*/*"}, {"Host", "example.com"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->path, "/a%20b/%C3%BC");
  EXPECT_EQ(r->query, "q=x%20y&sym=%26%2B%3D&empty=");
  // The default Accept is replaced (names compare without case), the others stay first.
  EXPECT_EQ(r->headers, (ev::HttpHeaderList{{"Host", "example.com"}, {"X-Tenant", "t1"}, {"Accept", "text/html"}}));
  EXPECT_EQ(ev::header_value(r->headers, "x-tenant"), "t1");
  EXPECT_EQ(ev::header_value(r->headers, "absent"), "");

  const auto event = ev::http_api_event(*r);
  EXPECT_EQ(event.at("queryStringParameters"), parse(R"({"q":"x y","sym":"&+=","empty":""})"));
  EXPECT_EQ(event.at("requestContext").at("http").at("path"), "/a b/ü");
}

TEST(HttpEvents, SampleRequestsRefuseWhatIsNoRequest) {
  for (const auto& [method, path, query, header] : std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"", "/", "a=1", "A: 1"}, {"G T", "/", "a=1", "A: 1"}, {"GET", "", "a=1", "A: 1"}, {"GET", "x/", "a=1", "A: 1"},
           {"GET", "/", "=1", "A: 1"}, {"GET", "/", "a", "A: 1"}, {"GET", "/", "a=1", "A 1"}, {"GET", "/", "a=1", "A B: 1"},
           {"GET", "/", "a=1", ":1"}}) {
    auto r = ev::sample_request(method, path, {query}, {header}, {});
    ASSERT_FALSE(r) << method << " " << path << " " << query << " " << header;
    EXPECT_EQ(r.error().code, "InvalidSample");
  }
}

}  // namespace
