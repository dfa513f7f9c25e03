// The builders of HTTP events (lift/events/http_events.hpp) on what only they decide: the ALB
// event's single-value fields, and sample requests from options. (The API Gateway shapes are
// checked against AWS's samples through the local API Gateway: tests/unit/local.)

#include "lift/events/http_events.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

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

// What a client may send that is not UTF-8: an escape of a byte that starts no character in the
// path and query, raw such bytes in the target, Latin-1 header values and cookies.
ev::HttpRequestDescription non_utf8_request() {
  ev::HttpRequestDescription r;
  r.method = "POST";
  r.path = "/caf\xe9/%ff/ok%C3%A9";
  r.query = "q=%ff&caf\xe9=1&%fe=x&good=%C3%A9";
  r.headers = {{"X-Latin", "caf\xe9"},
               {"x-latin", "ol\xe9"},
               {"User-Agent", "agent\xff"},
               {"Cookie", "name=caf\xe9; plain=1"},
               {"X-Bad\xff", "v"}};
  r.body = "\xff\xfe body";
  r.domain_name = "host\xe9:3000";
  r.source_ip = "127.0.0.1";
  r.request_id = "id";
  r.stage = "st\xe9";
  return r;
}

// The event as the function reads it: serialized, then parsed by a strict (UTF-8 checking) parser.
boost::json::value as_received(const boost::json::object& event) {
  boost::system::error_code ec;
  auto value = boost::json::parse(boost::json::serialize(event), ec);
  EXPECT_FALSE(ec) << "the event is not valid JSON: " << ec.message();
  return value;
}

TEST(HttpEvents, EveryBuilderMakesValidJsonOfBytesThatAreNotUtf8) {
  const auto r = non_utf8_request();
  lift::events::WebSocketEventInfo info;
  info.route_key = "route\xff";
  info.event_type = "CONNECT";
  info.connection_id = "c";
  info.user_agent = "agent\xff";
  info.disconnect_reason = "bye\xff";
  for (const auto& event : {ev::http_api_event(r), ev::rest_api_event(r), ev::alb_event(r, "arn:tg"),
                            ev::websocket_event(r, info), ev::websocket_event([&] {
                              auto message = r;
                              message.body = "not \xff text";
                              return message;
                            }(), [&] {
                              auto message = info;
                              message.event_type = "MESSAGE";
                              return message;
                            }())}) {
    as_received(event);
  }
}

TEST(HttpEvents, UriTextKeepsItsBytesPercentEncodedAndDecodedTextGetsReplacementCharacters) {
  const auto r = non_utf8_request();
  const auto http = as_received(ev::http_api_event(r));
  // The path and query as received, with what is not UTF-8 percent-encoded (escapes stay as sent).
  EXPECT_EQ(http.at("rawPath"), "/caf%E9/%ff/ok%C3%A9");
  EXPECT_EQ(http.at("rawQueryString"), "q=%ff&caf%E9=1&%fe=x&good=%C3%A9");
  EXPECT_EQ(http.at("requestContext").at("http").at("path"), "/caf\uFFFD/\uFFFD/ok\u00E9");
  EXPECT_EQ(http.at("queryStringParameters"), parse("{\"q\":\"\uFFFD\",\"caf\uFFFD\":\"1\",\"\uFFFD\":\"x\",\"good\":\"\u00E9\"}"));
  EXPECT_EQ(http.at("headers").at("x-latin"), "caf\uFFFD,ol\uFFFD");
  EXPECT_EQ(http.at("headers").at("user-agent"), "agent\uFFFD");
  EXPECT_EQ(http.at("requestContext").at("http").at("userAgent"), "agent\uFFFD");
  EXPECT_EQ(http.at("cookies"), parse("[\"name=caf\uFFFD\",\"plain=1\"]"));
  EXPECT_EQ(http.at("requestContext").at("domainName"), "host\uFFFD:3000");
  EXPECT_EQ(http.at("isBase64Encoded"), true);

  const auto rest = as_received(ev::rest_api_event(r));
  EXPECT_EQ(rest.at("path"), "/caf\uFFFD/\uFFFD/ok\u00E9");
  EXPECT_EQ(rest.at("pathParameters").at("proxy"), "caf\uFFFD/\uFFFD/ok\u00E9");
  EXPECT_EQ(rest.at("multiValueHeaders").at("X-Latin"), parse("[\"caf\uFFFD\",\"ol\uFFFD\"]"));
  EXPECT_EQ(rest.at("multiValueQueryStringParameters").at("q"), parse("[\"\uFFFD\"]"));
  EXPECT_EQ(rest.at("requestContext").at("path"), "/st\uFFFD/caf\uFFFD/\uFFFD/ok\u00E9");

  const auto alb = as_received(ev::alb_event(r, "arn:tg"));
  EXPECT_EQ(alb.at("path"), "/caf%E9/%ff/ok%C3%A9");
  EXPECT_EQ(alb.at("queryStringParameters").at("caf%E9"), "1");
}

TEST(HttpEvents, ThousandsOfHeadersAreGroupedInLinearTime) {
  // A 64 KB header block holds about 10,000 short headers; grouping them once took a quarter
  // of a second of the gateway's only I/O thread (every name compared with every other).
  ev::HttpHeaderList headers;
  for (int i = 0; i < 20000; ++i) headers.emplace_back("x-" + std::to_string(100000 + i), "v");
  for (int i = 0; i < 20000; ++i) headers.emplace_back("X-Same", "value");
  const auto r = request("/", "", std::move(headers));
  const auto began = std::chrono::steady_clock::now();
  const auto rest = ev::rest_api_event(r);
  const auto http = ev::http_api_event(r);
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(rest.at("multiValueHeaders").at("X-Same").as_array().size(), 20000u);
  EXPECT_EQ(http.at("headers").at("x-same").as_string().size(), 20000u * 6 - 1);
  EXPECT_EQ(rest.at("headers").as_object().size(), 20001u);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), 1000);
}

}  // namespace
