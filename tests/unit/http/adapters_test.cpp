#include "lift/http/adapters.hpp"
#include "lift/events/sqs.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace {

namespace bj = boost::json;
using lift::events::Kind;
using lift::http::Request;
using lift::http::Response;
using lift::http::Source;

Request convert(std::string_view json) {
  auto request = lift::http::request_from_event(bj::parse(json));
  EXPECT_TRUE(request) << (request ? "" : request.error().message);
  return request ? std::move(*request) : Request{};
}

lift::Error refused(std::string_view json, Kind kind) {
  auto request = lift::http::request_from_event(bj::parse(json), kind);
  EXPECT_FALSE(request) << json;
  return request ? lift::Error{} : request.error();
}

using lift::testing_support::read_file;

TEST(Adapters, RestEvent) {
  auto r = convert(R"({
    "httpMethod": "post", "path": "/users/a b", "resource": "/users/{id}",
    "headers": {"Content-Type": "application/json", "X-Forwarded-For": "9.9.9.9", "Cookie": "a=1; b=2"},
    "multiValueHeaders": {"X-Many": ["1", "2"], "Content-Type": ["application/json"]},
    "queryStringParameters": {"q": "x y", "one": "1"},
    "multiValueQueryStringParameters": {"q": ["x y", "z"]},
    "requestContext": {"stage": "prod", "requestId": "rid", "identity": {"sourceIp": "1.2.3.4"}},
    "body": "eyJhIjoxfQ==", "isBase64Encoded": true})");
  EXPECT_EQ(r.source, Source::api_gateway_rest);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/users/a b");
  EXPECT_EQ(r.raw_path, "/users/a%20b");
  EXPECT_EQ(r.stage, "prod");
  EXPECT_EQ(r.request_id, "rid");
  EXPECT_EQ(r.source_ip, "1.2.3.4");
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_EQ(r.headers.all("content-type").size(), 1u);  // merged without duplicates
  EXPECT_EQ(r.headers.all("x-many").size(), 2u);
  EXPECT_EQ(r.query.all("q"), (std::vector<std::string_view>{"x y", "z"}));
  EXPECT_EQ(r.query.value_or("one", ""), "1");
  EXPECT_EQ(r.cookie("b").value_or(""), "2");
}

TEST(Adapters, NullsReadAsEmpty) {
  auto r = convert(R"({"httpMethod":"GET","path":"/","headers":null,"multiValueHeaders":null,
    "queryStringParameters":null,"body":null,"requestContext":{"identity":{"sourceIp":null}}})");
  EXPECT_TRUE(r.headers.empty());
  EXPECT_TRUE(r.query.empty());
  EXPECT_TRUE(r.body.empty());
}

TEST(Adapters, HttpApiEventStripsNamedStages) {
  auto r = convert(R"({"version":"2.0","rawPath":"/prod/files/a%2Fb","rawQueryString":"x=1&x=2&s=a+b%21&flag",
    "cookies":["s=1","t=2"],"headers":{"accept":"a, b","host":"h"},
    "requestContext":{"stage":"prod","requestId":"r2","domainName":"id.execute-api.eu-west-1.amazonaws.com",
      "http":{"method":"PUT","sourceIp":"5.6.7.8","path":"/prod/files/a/b"}},"body":"hi","isBase64Encoded":false})");
  EXPECT_EQ(r.source, Source::api_gateway_http);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.raw_path, "/files/a%2Fb");
  EXPECT_EQ(r.path, "/files/a/b");
  EXPECT_EQ(r.stage, "prod");
  EXPECT_EQ(r.query.all("x"), (std::vector<std::string_view>{"1", "2"}));
  EXPECT_EQ(r.query.value_or("s", ""), "a b!");
  EXPECT_TRUE(r.query.contains("flag"));
  EXPECT_EQ(r.cookie("t").value_or(""), "2");
  EXPECT_EQ(r.source_ip, "5.6.7.8");
  EXPECT_EQ(r.body, "hi");

  auto default_stage = convert(R"({"version":"2.0","rawPath":"/prod/x","requestContext":{"stage":"$default","http":{"method":"GET"}}})");
  EXPECT_EQ(default_stage.path, "/prod/x");
  auto prefix_only = convert(R"({"version":"2.0","rawPath":"/production","requestContext":{"stage":"prod","http":{"method":"GET"}}})");
  EXPECT_EQ(prefix_only.path, "/production");
}

TEST(Adapters, FunctionUrlEvent) {
  auto r = convert(R"({"version":"2.0","rawPath":"/a","rawQueryString":"","headers":{"cookie":"k=v"},
    "requestContext":{"domainName":"x.lambda-url.us-east-1.on.aws","stage":"$default","http":{"method":"GET","sourceIp":"1.1.1.1"}}})");
  EXPECT_EQ(r.source, Source::function_url);
  EXPECT_EQ(r.cookie("k").value_or(""), "v");  // no `cookies` array: read the header
}

TEST(Adapters, AlbDecodesQueryAndReadsForwardedFor) {
  auto r = convert(R"({"httpMethod":"GET","path":"/p%20q","queryStringParameters":{"q":"a%20b+c","e":"%E2%9C%93"},
    "headers":{"x-forwarded-for":" 7.7.7.7, 10.0.0.1"},"requestContext":{"elb":{"targetGroupArn":"arn"}},"body":"","isBase64Encoded":false})");
  EXPECT_EQ(r.source, Source::alb);
  ASSERT_NE(r.alb(), nullptr);
  EXPECT_FALSE(r.alb()->multi_value);
  EXPECT_EQ(r.alb()->target_group_arn, "arn");
  EXPECT_EQ(r.websocket(), nullptr);
  EXPECT_EQ(r.path, "/p q");
  EXPECT_EQ(r.query.value_or("q", ""), "a b c");
  EXPECT_EQ(r.query.value_or("e", ""), "\xE2\x9C\x93");
  EXPECT_EQ(r.source_ip, "7.7.7.7");
  auto multi = convert(R"({"httpMethod":"GET","path":"/","multiValueHeaders":{"a":["1","2"]},
    "multiValueQueryStringParameters":{"k":["x%26y","z"]},"requestContext":{"elb":{}}})");
  EXPECT_TRUE(multi.alb()->multi_value);
  EXPECT_EQ(multi.query.all("k"), (std::vector<std::string_view>{"x&y", "z"}));
}

TEST(Adapters, WebSocketEvent) {
  auto r = convert(R"({"requestContext":{"routeKey":"sendMessage","eventType":"MESSAGE","connectionId":"abc=",
    "stage":"dev","requestId":"w1","identity":{"sourceIp":"2.2.2.2"}},"body":"{\"action\":\"sendMessage\"}","isBase64Encoded":false})");
  EXPECT_EQ(r.source, Source::websocket);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/sendMessage");
  ASSERT_NE(r.websocket(), nullptr);
  EXPECT_EQ(r.websocket()->route_key, "sendMessage");
  EXPECT_EQ(r.websocket()->connection_id, "abc=");
  EXPECT_EQ(r.websocket()->event_type, "MESSAGE");
  EXPECT_EQ(r.alb(), nullptr);
  EXPECT_EQ(r.source_ip, "2.2.2.2");
  auto connect = convert(R"({"requestContext":{"routeKey":"$connect","eventType":"CONNECT","connectionId":"c"}})");
  EXPECT_EQ(connect.path, "/$connect");
}

TEST(Adapters, MalformedEventsNameTheField) {
  struct Case {
    const char* json;
    Kind kind;
    const char* field;
  };
  const Case cases[] = {
      {R"({"path":"/"})", lift::events::kind_of<lift::events::ApiGatewayRest>, "httpMethod: is required"},
      {R"({"httpMethod":7,"path":"/"})", lift::events::kind_of<lift::events::ApiGatewayRest>, "httpMethod: expected a string"},
      {R"({"httpMethod":"GET","path":"/","headers":[]})", lift::events::kind_of<lift::events::ApiGatewayRest>, "headers: expected an object"},
      {R"({"httpMethod":"GET","path":"/","headers":{"a":1}})", lift::events::kind_of<lift::events::ApiGatewayRest>, "headers.a: expected a string"},
      {R"({"httpMethod":"GET","path":"/","multiValueHeaders":{"a":"x"}})", lift::events::kind_of<lift::events::ApiGatewayRest>, "multiValueHeaders.a: expected an array"},
      {R"({"httpMethod":"GET","path":"/","body":{}})", lift::events::kind_of<lift::events::ApiGatewayRest>, "body: expected a string"},
      {R"({"httpMethod":"GET","path":"/","isBase64Encoded":"yes"})", lift::events::kind_of<lift::events::ApiGatewayRest>, "isBase64Encoded: expected true or false"},
      {R"({"httpMethod":"GET","path":"/","requestContext":{"identity":[]}})", lift::events::kind_of<lift::events::ApiGatewayRest>, "requestContext.identity: expected an object"},
      {R"({"version":"2.0"})", lift::events::kind_of<lift::events::ApiGatewayHttp>, "requestContext: is required"},
      {R"({"requestContext":{}})", lift::events::kind_of<lift::events::ApiGatewayHttp>, "requestContext.http: is required"},
      {R"({"requestContext":{"http":{"method":"GET"}},"rawPath":"/%zz"})", lift::events::kind_of<lift::events::ApiGatewayHttp>, "rawPath: invalid percent-encoding"},
      {R"({"requestContext":{"http":{"method":"GET"}},"rawQueryString":"a=%g"})", lift::events::kind_of<lift::events::ApiGatewayHttp>, "rawQueryString: invalid percent-encoding"},
      {R"({"requestContext":{"http":{"method":"GET"}},"cookies":[1]})", lift::events::kind_of<lift::events::ApiGatewayHttp>, "cookies: expected an array of strings"},
      {R"({"httpMethod":"GET","path":"/","queryStringParameters":{"q":"%"}})", lift::events::kind_of<lift::events::Alb>, "queryStringParameters.q: invalid percent-encoding"},
      {R"({"requestContext":{"routeKey":"$default"}})", lift::events::kind_of<lift::events::ApiGatewayWebSocket>, "requestContext.connectionId: is required"},
      {R"({"Records":[]})", lift::events::kind_of<lift::events::Sqs>, "event: a sqs event is not an HTTP request"},
      {R"([1])", lift::events::kind_of<lift::events::ApiGatewayRest>, "event: expected an object"},
  };
  for (const auto& c : cases) {
    auto error = refused(c.json, c.kind);
    EXPECT_EQ(error.code, "InvalidEvent") << c.json;
    EXPECT_EQ(error.status, 400);
    EXPECT_EQ(error.message.substr(0, std::string_view(c.field).size()), c.field) << error.message;
  }
}

TEST(Adapters, InvalidBase64IsKeptAsSent) {
  auto r = convert(R"({"httpMethod":"GET","path":"/","body":"Hello from Lambda!","isBase64Encoded":true,"requestContext":{}})");
  EXPECT_EQ(r.body, "Hello from Lambda!");
}

Request from(Source source, bool multi = false) {
  Request r;
  r.source = source;
  if (source == Source::alb) r.source_details = lift::http::AlbRequest{"arn", multi};
  return r;
}

Response sample_response() {
  auto response = Response::json(201, R"({"ok":true})");
  response.header("X-Custom", "val1").header("x-custom", "val2").cookie("a=1; Secure").cookie("b=2");
  return response;
}

TEST(Responses, RestShape) {
  auto v = lift::http::response_to_event(sample_response(), from(Source::api_gateway_rest)).as_object();
  EXPECT_EQ(v.at("statusCode").as_int64(), 201);
  EXPECT_EQ(v.at("headers").at("content-type").as_string(), "application/json");
  EXPECT_FALSE(v.at("headers").as_object().contains("X-Custom"));
  EXPECT_EQ(v.at("multiValueHeaders").at("X-Custom"), (bj::array{"val1", "val2"}));
  EXPECT_EQ(v.at("multiValueHeaders").at("Set-Cookie"), (bj::array{"a=1; Secure", "b=2"}));
  EXPECT_EQ(v.at("body").as_string(), R"({"ok":true})");
  EXPECT_EQ(v.at("isBase64Encoded").as_bool(), false);
}

TEST(Responses, HttpApiAndFunctionUrlShape) {
  for (auto source : {Source::api_gateway_http, Source::function_url, Source::direct}) {
    auto v = lift::http::response_to_event(sample_response(), from(source)).as_object();
    EXPECT_EQ(v.at("headers").at("X-Custom").as_string(), "val1, val2");
    EXPECT_EQ(v.at("cookies"), (bj::array{"a=1; Secure", "b=2"}));
    EXPECT_FALSE(v.contains("multiValueHeaders"));
  }
}

TEST(Responses, AlbShapeFollowsTheRequestMode) {
  auto single = lift::http::response_to_event(sample_response(), from(Source::alb, false)).as_object();
  EXPECT_EQ(single.at("statusDescription").as_string(), "201 Created");
  EXPECT_EQ(single.at("headers").at("Set-Cookie").as_string(), "a=1; Secure");
  EXPECT_FALSE(single.contains("multiValueHeaders"));
  auto multi = lift::http::response_to_event(sample_response(), from(Source::alb, true)).as_object();
  EXPECT_EQ(multi.at("multiValueHeaders").at("Set-Cookie"), (bj::array{"a=1; Secure", "b=2"}));
  EXPECT_EQ(multi.at("multiValueHeaders").at("X-Custom"), (bj::array{"val1", "val2"}));
  EXPECT_FALSE(multi.contains("headers"));
  auto unknown_status = lift::http::response_to_event(Response::empty(299), from(Source::alb)).as_object();
  EXPECT_EQ(unknown_status.at("statusDescription").as_string(), "299");
}

// Distinct names are written in place; names that may repeat go through the grouping writer.
// Both give the same members, escaped alike.
TEST(Responses, HeadersAreWrittenAlikeWhicheverWriterTakesThem) {
  auto headers_of = [](const Response& response, Source source) {
    return lift::http::response_to_event(response, from(source)).at("headers").as_object();
  };
  auto distinct = Response::empty(200);
  distinct.header("x-quote", "say \"hi\"\n").header("X-Empty", "").header("x-utf8", "caf\xc3\xa9");
  auto d = headers_of(distinct, Source::api_gateway_http);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.at("x-quote").as_string(), "say \"hi\"\n");
  EXPECT_EQ(d.at("X-Empty").as_string(), "");
  EXPECT_EQ(d.at("x-utf8").as_string(), "caf\xc3\xa9");

  // Same length, first and last letters, different names: both kept as they are.
  auto alike = Response::empty(200);
  alike.header("x-a1z", "one").header("X-B2Z", "two").header("x-a1Z", "three");
  auto a = headers_of(alike, Source::api_gateway_http);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.at("x-a1z").as_string(), "one, three");
  EXPECT_EQ(a.at("X-B2Z").as_string(), "two");

  // A Set-Cookie header alone, in ALB's single-value mode: the one cookie and nothing before it.
  auto only_cookie = Response::empty(200);
  only_cookie.header("Set-Cookie", "a=1");
  const auto text = lift::http::serialize_response(only_cookie, from(Source::alb));
  EXPECT_NE(text.find(R"("headers":{"Set-Cookie":"a=1"})"), std::string::npos) << text;

  // More fields than the in-place writer takes: all of them still there.
  auto many = Response::empty(200);
  for (int i = 0; i < 40; ++i) many.header("x-h" + std::to_string(i), std::to_string(i));
  auto m = headers_of(many, Source::api_gateway_http);
  EXPECT_EQ(m.size(), 40u);
  EXPECT_EQ(m.at("x-h39").as_string(), "39");
}

TEST(Responses, BinaryAndNonUtf8BodiesAreBase64) {
  auto binary = Response::bytes(200, std::string("\x00\x01\xff", 3));
  auto v = lift::http::response_to_event(binary, from(Source::api_gateway_http)).as_object();
  EXPECT_EQ(v.at("body").as_string(), "AAH/");
  EXPECT_TRUE(v.at("isBase64Encoded").as_bool());
  auto latin1 = Response::text(200, "caf\xe9");
  EXPECT_TRUE(lift::http::response_to_event(latin1, from(Source::api_gateway_http)).at("isBase64Encoded").as_bool());
  auto utf8 = Response::text(200, "caf\xc3\xa9 \"quoted\"\n\x01");
  auto u = lift::http::response_to_event(utf8, from(Source::api_gateway_http)).as_object();
  EXPECT_FALSE(u.at("isBase64Encoded").as_bool());
  EXPECT_EQ(u.at("body").as_string(), "caf\xc3\xa9 \"quoted\"\n\x01");
  for (const char* bad : {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"}) {
    EXPECT_TRUE(lift::http::response_to_event(Response::text(200, bad), from(Source::alb)).at("isBase64Encoded").as_bool()) << bad;
  }
}

TEST(Responses, SerializedTextIsTheSameJson) {
  const auto request = from(Source::api_gateway_rest);
  EXPECT_EQ(bj::parse(lift::http::serialize_response(sample_response(), request)),
            lift::http::response_to_event(sample_response(), request));
}

// The answers match the shapes AWS's own libraries produce.
TEST(Responses, MatchAwsResponseShapes) {
  const std::string dir = LIFT_TESTDATA_DIR "/event-responses";
  if (!std::ifstream(dir + "/go-lambda-urls-response.json")) LIFT_SKIP_WITHOUT() << "response samples not available";
  {
    auto expected = bj::parse(read_file(dir + "/go-lambda-urls-response.json"));
    Response response;
    response.status = 201;
    response.header("Content-Type", "application/json").header("My-Custom-Header", "Custom Value");
    response.body = R"({ "message": "Hello, world!" })";
    response.cookie("Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT").cookie("Cookie_2=Value2; Max-Age=78000");
    EXPECT_EQ(lift::http::response_to_event(response, from(Source::function_url)), expected);
  }
  {
    auto expected = bj::parse(read_file(dir + "/go-alb-lambda-target-response.json")).as_object();
    Response response;
    response.header("Content-Type", "application/json");
    response.body = "Hello from Lambda";
    for (const auto& cookie : expected.at("multiValueHeaders").at("Set-cookie").as_array()) {
      response.cookie(std::string(cookie.as_string()));
    }
    auto multi = lift::http::response_to_event(response, from(Source::alb, true)).as_object();
    EXPECT_EQ(multi.at("statusDescription"), expected.at("statusDescription"));
    EXPECT_EQ(multi.at("multiValueHeaders").at("Set-Cookie"), expected.at("multiValueHeaders").at("Set-cookie"));
    EXPECT_EQ(multi.at("multiValueHeaders").at("Content-Type"), expected.at("multiValueHeaders").at("Content-Type"));
    EXPECT_EQ(multi.at("body"), expected.at("body"));
    EXPECT_EQ(multi.at("isBase64Encoded"), expected.at("isBase64Encoded"));
  }
  {
    auto expected = bj::parse(read_file(dir + "/go-apigw-response.json")).as_object();
    Response response;
    for (const auto& [name, value] : expected.at("headers").as_object()) response.header(std::string(name), std::string(value.as_string()));
    response.body = "Hello World";
    auto v = lift::http::response_to_event(response, from(Source::api_gateway_rest)).as_object();
    EXPECT_EQ(v.at("headers"), expected.at("headers"));
    EXPECT_EQ(v.at("statusCode"), expected.at("statusCode"));
    EXPECT_EQ(v.at("body"), expected.at("body"));
  }
  {
    auto expected = bj::parse(read_file(dir + "/jv-response__apigw_v2_http_response.json")).as_object();
    auto response = Response::json(200, R"({"message":"OK"})");
    response.headers.clear();
    response.header("Content-Type", "application/json").cookie("session=abc123; Secure; HttpOnly");
    auto v = lift::http::response_to_event(response, from(Source::api_gateway_http)).as_object();
    EXPECT_EQ(v.at("headers"), expected.at("headers"));
    EXPECT_EQ(v.at("cookies"), expected.at("cookies"));
    EXPECT_EQ(v.at("body"), expected.at("body"));
  }
  {
    auto expected = bj::parse(read_file(dir + "/jv-response__apigw_v2_websocket_response.json")).as_object();
    auto response = Response::json(200, R"({"action":"sendmessage","data":"hello"})");
    response.headers.clear();
    response.header("Content-Type", "application/json");
    auto v = lift::http::response_to_event(response, from(Source::websocket)).as_object();
    EXPECT_EQ(v.at("statusCode"), expected.at("statusCode"));
    EXPECT_EQ(v.at("headers"), expected.at("headers"));
    EXPECT_EQ(v.at("body"), expected.at("body"));
  }
}

// Every sample HTTP-shaped event converts, with spot checks of real values.
TEST(Adapters, EverySampleHttpEventConverts) {
  const std::string dir = LIFT_TESTDATA_DIR "/events";
  std::ifstream manifest(dir + "/manifest.tsv");
  if (!manifest) LIFT_SKIP_WITHOUT() << "sample events not available";
  std::string line;
  int converted = 0;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string kind;
    std::string file;
    fields >> kind >> file;
    const auto k = lift::events::kind_from_string(kind);
    if (!k || !lift::http::is_http(*k)) continue;
    auto event = bj::parse(read_file(dir + "/" + file));
    auto request = lift::http::request_from_event(event, *k);
    ASSERT_TRUE(request) << file << ": " << request.error().message;
    EXPECT_FALSE(request->method.empty()) << file;
    EXPECT_EQ(request->path.front(), '/') << file;
    EXPECT_EQ(lift::http::source_of(*k), request->source) << file;
    EXPECT_EQ(lift::http::kind_of(request->source), *k) << file;
    ++converted;
  }
  EXPECT_GE(converted, 38);

  auto v2 = lift::http::request_from_event(bj::parse(read_file(dir + "/apigw-http/dn-http-api-v2-request.json")));
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->method, "POST");
  EXPECT_EQ(v2->path, "/my/path");
  EXPECT_EQ(v2->query.all("parameter1"), (std::vector<std::string_view>{"value1", "value2"}));
  EXPECT_EQ(v2->cookies.all(""), (std::vector<std::string_view>{"cookie1", "cookie2"}));
  EXPECT_EQ(v2->body, "Hello from Lambda");  // isBase64Encoded but not base64: kept
  auto alb = lift::http::request_from_event(bj::parse(read_file(dir + "/alb/dn-alb-request-multi-value.json")));
  ASSERT_TRUE(alb);
  EXPECT_TRUE(alb->alb()->multi_value);
  EXPECT_FALSE(alb->alb()->target_group_arn.empty());
  EXPECT_EQ(alb->query.all("query1"), (std::vector<std::string_view>{"q1-value1", "q1-value2"}));
  EXPECT_EQ(alb->source_ip, "72.21.198.66");
  auto ws = lift::http::request_from_event(bj::parse(read_file(dir + "/apigw-websocket/go-apigw-websocket-request-send-message.json")));
  ASSERT_TRUE(ws);
  EXPECT_EQ(ws->websocket()->route_key, "$default");
  EXPECT_EQ(ws->websocket()->connection_id, "R1kmxc2VNjMCFIA=");
  EXPECT_EQ(ws->body, "{\r\n\t\"a\": 1\r\n}");
}

}  // namespace
