// The local API Gateway's mapping, without sockets: requests → HTTP API (2.0), REST API (1.0)
// and WebSocket events, compared with the structure of AWS's own samples and read back through
// lift's adapters; function answers → what the client gets, including the answers API Gateway
// refuses (502).
#include "local/api_gateway_events.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "lift/events/detect.hpp"
#include "lift/http/adapters.hpp"
#include "support/requirements.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace lift::local::detail;

IncomingRequest request(std::string method, std::string target, HeaderList headers = {}, std::string body = {}) {
  IncomingRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.source_ip = "127.0.0.1";
  r.request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1583348638390));
  r.domain_name = "127.0.0.1:3000";
  r.stage = "$default";
  return r;
}

std::string header(const GatewayAnswer& answer, std::string_view name) {
  for (const auto& [n, v] : answer.headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

std::vector<std::string> all_headers(const GatewayAnswer& answer, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [n, v] : answer.headers) {
    if (n == name) out.push_back(v);
  }
  return out;
}

// ---- structure against AWS's samples ------------------------------------------------------------

std::vector<json::object> samples(const std::string& kind) {
  std::vector<json::object> out;
  const fs::path directory = fs::path(LIFT_TESTDATA_DIR) / "events" / kind;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return out;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    out.push_back(json::parse(text.str()).as_object());
  }
  return out;
}

const json::value* at_path(const json::object& object, const std::vector<std::string>& path) {
  const json::value* value = nullptr;
  const json::object* current = &object;
  for (const auto& key : path) {
    if (current == nullptr) return nullptr;
    value = current->if_contains(key);
    if (value == nullptr) return nullptr;
    current = value->if_object();
  }
  return value;
}

// Every member that all the samples have at `path` must be in `ours` too, with a JSON kind one
// of the samples uses (null counts as any: samples disagree on null versus empty).
void expect_structure(const json::object& ours, const std::vector<json::object>& aws, const std::vector<std::string>& path) {
  std::map<std::string, std::set<json::kind>> kinds;
  std::map<std::string, int> seen;
  int holding = 0;
  for (const auto& sample : aws) {
    const auto* inner = path.empty() ? nullptr : at_path(sample, path);
    const json::object* object = path.empty() ? &sample : (inner != nullptr ? inner->if_object() : nullptr);
    if (object == nullptr) continue;
    ++holding;
    for (const auto& member : *object) {
      ++seen[std::string(member.key())];
      kinds[std::string(member.key())].insert(member.value().kind());
    }
  }
  ASSERT_GT(holding, 0);
  const auto* inner = path.empty() ? nullptr : at_path(ours, path);
  const json::object* object = path.empty() ? &ours : (inner != nullptr ? inner->if_object() : nullptr);
  ASSERT_NE(object, nullptr) << "missing object at " << (path.empty() ? "" : path.back());
  for (const auto& [key, count] : seen) {
    if (count != holding) continue;  // not in every sample
    const auto* value = object->if_contains(key);
    ASSERT_NE(value, nullptr) << "missing " << key << " (every AWS sample has it) at " << json::serialize(json::value_from(path));
    const auto& expected = kinds[key];
    EXPECT_TRUE(expected.contains(value->kind()) || value->is_null() || expected.contains(json::kind::null) ||
                (value->is_number() && (expected.contains(json::kind::int64) || expected.contains(json::kind::uint64))))
        << key << " is " << json::serialize(*value);
  }
}

TEST(ApiGatewayEvents, HttpApiEventHasTheStructureOfAwsSamples) {
  const auto aws = samples("apigw-http");
  if (aws.empty()) LIFT_SKIP_WITHOUT() << "AWS sample events are missing (LIFT_TESTDATA_DIR)";
  const auto ours = http_api_event(request("POST", "/my/path?x=1", {{"Cookie", "a=1"}, {"User-Agent", "ua"}}, "body"));
  expect_structure(ours, aws, {});
  expect_structure(ours, aws, {"requestContext"});
  expect_structure(ours, aws, {"requestContext", "http"});
  EXPECT_EQ(lift::events::detect(ours), lift::events::kind_of<lift::events::ApiGatewayHttp>);
}

TEST(ApiGatewayEvents, RestApiEventHasTheStructureOfAwsSamples) {
  const auto aws = samples("apigw-rest");
  if (aws.empty()) LIFT_SKIP_WITHOUT() << "AWS sample events are missing (LIFT_TESTDATA_DIR)";
  auto r = request("GET", "/my/path?x=1&x=2", {{"Accept", "*/*"}});
  r.stage = "dev";
  const auto ours = rest_api_event(r);
  expect_structure(ours, aws, {});
  expect_structure(ours, aws, {"requestContext"});
  expect_structure(ours, aws, {"requestContext", "identity"});
  EXPECT_EQ(lift::events::detect(ours), lift::events::kind_of<lift::events::ApiGatewayRest>);
}

TEST(ApiGatewayEvents, WebSocketEventsHaveTheStructureOfAwsSamples) {
  const auto aws = samples("apigw-websocket");
  if (aws.empty()) LIFT_SKIP_WITHOUT() << "AWS sample events are missing (LIFT_TESTDATA_DIR)";
  auto r = request("GET", "/?token=t", {{"Host", "127.0.0.1:3000"}, {"Sec-WebSocket-Version", "13"}});
  r.stage = "dev";
  WebSocketEventInfo info;
  info.connection_id = "QyUg1czHCYcCHXw=";
  info.connected_at = r.time;
  for (const char* type : {"CONNECT", "MESSAGE", "DISCONNECT"}) {
    std::vector<json::object> same;
    for (const auto& sample : aws) {
      if (sample.at("requestContext").at("eventType") == type) same.push_back(sample);
    }
    if (same.empty()) continue;
    info.event_type = type;
    info.route_key = std::string(type) == "CONNECT" ? "$connect" : std::string(type) == "MESSAGE" ? "$default" : "$disconnect";
    info.message_id = "R1knPc2ntjMCFIA=";
    r.body = std::string(type) == "MESSAGE" ? R"({"a":1})" : "";
    const auto ours = websocket_event(r, info);
    SCOPED_TRACE(type);
    expect_structure(ours, same, {});
    expect_structure(ours, same, {"requestContext"});
    EXPECT_EQ(lift::events::detect(ours), lift::events::kind_of<lift::events::ApiGatewayWebSocket>);
  }
}

// ---- read back through lift's adapters ------------------------------------------------------------

TEST(ApiGatewayEvents, HttpApiEventReadsBackThroughTheAdapter) {
  const auto event = http_api_event(request(
      "GET", "/caf%C3%A9/x?a=1&a=2&b=x+y&c=%26", {{"Cookie", "c1=v1; c2=v2"}, {"Cookie", "c3=v3"}, {"X-Multi", "one"}, {"x-multi", "two"}}));
  EXPECT_EQ(event.at("rawPath"), "/caf%C3%A9/x");
  EXPECT_EQ(event.at("rawQueryString"), "a=1&a=2&b=x+y&c=%26");
  EXPECT_EQ(event.at("queryStringParameters"), json::parse(R"({"a":"1,2","b":"x y","c":"&"})"));
  EXPECT_EQ(event.at("cookies"), json::parse(R"(["c1=v1","c2=v2","c3=v3"])"));
  EXPECT_EQ(event.at("headers").at("x-multi"), "one,two");
  EXPECT_FALSE(event.at("headers").as_object().contains("cookie"));
  EXPECT_FALSE(event.contains("body"));
  EXPECT_EQ(event.at("requestContext").at("http").at("path"), "/café/x");
  EXPECT_EQ(event.at("requestContext").at("time"), "04/Mar/2020:19:03:58 +0000");
  EXPECT_EQ(event.at("requestContext").at("timeEpoch"), 1583348638390);

  auto adapted = lift::http::request_from_event(event);
  ASSERT_TRUE(adapted) << adapted.error().message;
  EXPECT_EQ(adapted->source, lift::http::Source::api_gateway_http);
  EXPECT_EQ(adapted->method, "GET");
  EXPECT_EQ(adapted->path, "/café/x");
  EXPECT_EQ(adapted->query.get("b"), "x y");
  EXPECT_EQ(adapted->cookie("c3"), "v3");
  EXPECT_EQ(adapted->source_ip, "127.0.0.1");
}

TEST(ApiGatewayEvents, RestApiEventCarriesMultiValueFields) {
  auto r = request("GET", "/items/7?tag=a&tag=b&q=x%20y", {{"Accept", "a"}, {"X-Multi", "one"}, {"x-multi", "two"}});
  r.stage = "dev";
  const auto event = rest_api_event(r);
  EXPECT_EQ(event.at("path"), "/items/7");
  EXPECT_EQ(event.at("resource"), "/{proxy+}");
  EXPECT_EQ(event.at("pathParameters"), json::parse(R"({"proxy":"items/7"})"));
  EXPECT_EQ(event.at("headers").at("X-Multi"), "two");  // the last value
  EXPECT_EQ(event.at("multiValueHeaders").at("X-Multi"), json::parse(R"(["one","two"])"));
  EXPECT_EQ(event.at("queryStringParameters"), json::parse(R"({"tag":"b","q":"x y"})"));
  EXPECT_EQ(event.at("multiValueQueryStringParameters"), json::parse(R"({"tag":["a","b"],"q":["x y"]})"));
  EXPECT_EQ(event.at("body"), nullptr);
  EXPECT_EQ(event.at("requestContext").at("path"), "/dev/items/7");

  auto adapted = lift::http::request_from_event(event);
  ASSERT_TRUE(adapted) << adapted.error().message;
  EXPECT_EQ(adapted->source, lift::http::Source::api_gateway_rest);
  EXPECT_EQ(adapted->path, "/items/7");
  EXPECT_EQ(adapted->query.all("tag"), (std::vector<std::string_view>{"a", "b"}));

  const auto root = rest_api_event(request("GET", "/"));
  EXPECT_EQ(root.at("resource"), "/");
  EXPECT_EQ(root.at("pathParameters"), nullptr);
  EXPECT_EQ(root.at("queryStringParameters"), nullptr);
}

TEST(ApiGatewayEvents, BinaryBodiesAreBase64) {
  const std::string bytes("\x00\x01\xff\xfe", 4);
  const auto event = http_api_event(request("POST", "/", {{"Content-Type", "application/octet-stream"}}, bytes));
  EXPECT_EQ(event.at("isBase64Encoded"), true);
  EXPECT_EQ(event.at("body"), "AAH//g==");
  auto adapted = lift::http::request_from_event(event);
  ASSERT_TRUE(adapted);
  EXPECT_EQ(adapted->body, bytes);

  const auto text = rest_api_event(request("POST", "/", {{"Content-Type", "application/json"}}, R"({"a":"é"})"));
  EXPECT_EQ(text.at("isBase64Encoded"), false);
  EXPECT_EQ(text.at("body"), R"({"a":"é"})");
}

TEST(ApiGatewayEvents, BinaryDetection) {
  EXPECT_FALSE(is_binary_body("", "plain"));
  EXPECT_FALSE(is_binary_body("text/html; charset=utf-8", "<p>"));
  EXPECT_FALSE(is_binary_body("application/json", "{}"));
  EXPECT_FALSE(is_binary_body("application/problem+json", "{}"));
  EXPECT_FALSE(is_binary_body("application/x-www-form-urlencoded", "a=1"));
  EXPECT_FALSE(is_binary_body("application/vnd.custom; charset=utf-8", "x"));
  EXPECT_TRUE(is_binary_body("image/png", "PNG"));
  EXPECT_TRUE(is_binary_body("application/octet-stream", "abc"));
  EXPECT_TRUE(is_binary_body("application/pdf", "%PDF"));
  EXPECT_TRUE(is_binary_body("text/plain", std::string("\xff\xfe", 2)));  // not UTF-8, whatever it says
  EXPECT_TRUE(is_binary_body("", std::string("\xc0\xaf", 2)));           // overlong
  EXPECT_FALSE(is_binary_body("", "\xe2\x82\xac"));                       // €
}

TEST(ApiGatewayEvents, WebSocketRouteSelection) {
  EXPECT_EQ(websocket_route(R"({"action":"sendMessage","text":"hi"})"), "sendMessage");
  EXPECT_EQ(websocket_route(R"({"text":"hi"})"), "$default");
  EXPECT_EQ(websocket_route(R"({"action":42})"), "$default");
  EXPECT_EQ(websocket_route("not json"), "$default");
  EXPECT_EQ(websocket_route(R"(["action"])"), "$default");
}

TEST(ApiGatewayEvents, WebSocketMessageEventReadsBackThroughTheAdapter) {
  auto r = request("GET", "/", {}, R"({"action":"sendMessage"})");
  r.stage = "dev";
  WebSocketEventInfo info;
  info.route_key = "sendMessage";
  info.event_type = "MESSAGE";
  info.connection_id = "abc=";
  info.message_id = "m=";
  const auto event = websocket_event(r, info);
  auto adapted = lift::http::request_from_event(event);
  ASSERT_TRUE(adapted) << adapted.error().message;
  EXPECT_EQ(adapted->path, "/sendMessage");
  EXPECT_EQ(adapted->websocket()->connection_id, "abc=");
  EXPECT_EQ(adapted->websocket()->event_type, "MESSAGE");
  EXPECT_EQ(adapted->body, R"({"action":"sendMessage"})");

  info.event_type = "DISCONNECT";
  info.route_key = "$disconnect";
  info.disconnect_code = 1001;
  info.disconnect_reason = "Going away";
  const auto gone = websocket_event(r, info);
  EXPECT_EQ(gone.at("requestContext").at("disconnectStatusCode"), 1001);
  EXPECT_FALSE(gone.contains("body"));
}

// ---- answers -----------------------------------------------------------------------------------

TEST(ApiGatewayAnswers, HttpApiStructuredAnswer) {
  const auto answer = http_api_answer(R"({"statusCode":201,"headers":{"x-one":"1","x-num":5},
    "multiValueHeaders":{"x-multi":["a","b"]},"cookies":["a=1; Path=/","b=2"],"body":"aGk=","isBase64Encoded":true})");
  ASSERT_TRUE(answer.problem.empty()) << answer.problem;
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(header(answer, "x-one"), "1");
  EXPECT_EQ(header(answer, "x-num"), "5");
  EXPECT_EQ(all_headers(answer, "x-multi"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(all_headers(answer, "Set-Cookie"), (std::vector<std::string>{"a=1; Path=/", "b=2"}));
  EXPECT_EQ(answer.body, "hi");
}

TEST(ApiGatewayAnswers, HttpApiSimpleForm) {
  auto answer = http_api_answer(R"({"message":"hi"})");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(header(answer, "content-type"), "application/json");
  EXPECT_EQ(answer.body, R"({"message":"hi"})");
  EXPECT_EQ(http_api_answer(R"("Hello from Lambda!")").body, "Hello from Lambda!");
  EXPECT_EQ(http_api_answer("42").body, "42");
  EXPECT_EQ(http_api_answer("[1,2]").status, 200);
}

TEST(ApiGatewayAnswers, MultiValueHeadersWinOverHeaders) {
  const auto answer = rest_api_answer(R"({"statusCode":200,"headers":{"X-A":"single","X-B":"b"},
    "multiValueHeaders":{"x-a":["m1","m2"]},"body":"ok"})");
  ASSERT_TRUE(answer.problem.empty()) << answer.problem;
  EXPECT_EQ(all_headers(answer, "x-a"), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_TRUE(all_headers(answer, "X-A").empty());
  EXPECT_EQ(header(answer, "x-b"), "b");
  EXPECT_EQ(header(answer, "content-type"), "application/json");  // REST's default
}

TEST(ApiGatewayAnswers, MalformedAnswersAre502) {
  for (const char* payload : {"not json", R"({"statusCode":"200"})", R"({"statusCode":99})", R"({"statusCode":200.5})",
                              R"({"statusCode":200,"headers":["x"]})", R"({"statusCode":200,"headers":{"a":{"b":1}}})",
                              R"({"statusCode":200,"body":{"a":1}})", R"({"statusCode":200,"cookies":"a=1"})",
                              R"({"statusCode":200,"isBase64Encoded":"yes"})",
                              R"({"statusCode":200,"body":"!!!","isBase64Encoded":true})",
                              R"({"statusCode":200,"multiValueHeaders":{"a":"b"}})"}) {
    const auto answer = http_api_answer(payload);
    EXPECT_EQ(answer.status, 502) << payload;
    EXPECT_FALSE(answer.problem.empty()) << payload;
    EXPECT_EQ(answer.body, R"({"message":"Internal Server Error"})") << payload;
  }
  for (const char* payload : {"[]", R"({"body":"no status"})", R"("text")", R"({"statusCode":200,"cookies":[]})",
                              R"({"statusCode":200,"extra":1})"}) {
    const auto answer = rest_api_answer(payload);
    EXPECT_EQ(answer.status, 502) << payload;
    EXPECT_FALSE(answer.problem.empty()) << payload;
  }
}

TEST(ApiGatewayAnswers, AnswersHttpCannotCarryAre502) {
  // An interim status, a header name that is no token, headers too large to send.
  const std::string big(70 * 1024, 'v');
  for (const std::string& payload : {std::string(R"({"statusCode":101,"body":"x"})"), std::string(R"({"statusCode":100})"),
                                     std::string(R"({"statusCode":200,"headers":{"x bad":"1"}})"),
                                     std::string(R"({"statusCode":200,"headers":{"x:colon":"1"}})"),
                                     std::string(R"({"statusCode":200,"headers":{"":"1"}})"),
                                     std::string(R"({"statusCode":200,"headers":{"x-\u00e9":"1"}})"),
                                     std::string(R"({"statusCode":200,"multiValueHeaders":{"x\u0001":["1"]}})"),
                                     std::string(R"({"statusCode":200,"headers":{"x-big":")") + big + R"("}})"}) {
    const auto answer = http_api_answer(payload);
    EXPECT_EQ(answer.status, 502) << payload.substr(0, 100);
    EXPECT_FALSE(answer.problem.empty()) << payload.substr(0, 100);
  }
  const auto streamed = streamed_answer(R"({"statusCode":103})" + std::string(8, '\0') + "x");
  EXPECT_EQ(streamed.status, 502);
  EXPECT_EQ(http_api_answer(R"({"statusCode":200,"headers":{"x-big":")" + big + R"("}})").problem,
            "malformed response from the function: the headers are 71689 bytes, over the limit of 65536");
}

TEST(ApiGatewayAnswers, ControlCharactersAreDroppedFromHeaderValues) {
  const auto answer = http_api_answer(R"({"statusCode":200,"headers":{"x-nul":"a\u0000b\u0001c\u007fd\te","x-esc":"\u001b[31mred"},
    "multiValueHeaders":{"x-multi":["\r\nInjected: 1"]},"cookies":["c=1\u0000; Path=/"],"body":"ok"})");
  ASSERT_TRUE(answer.problem.empty()) << answer.problem;
  EXPECT_EQ(header(answer, "x-nul"), "abcd\te");
  EXPECT_EQ(header(answer, "x-esc"), "[31mred");
  EXPECT_EQ(header(answer, "x-multi"), "Injected: 1");
  EXPECT_EQ(header(answer, "set-cookie"), "c=1; Path=/");
}

TEST(ApiGatewayAnswers, NoBodyFor204And304) {
  for (const int status : {204, 304}) {
    const auto answer = http_api_answer(R"({"statusCode":)" + std::to_string(status) + R"(,"body":"not allowed"})");
    ASSERT_TRUE(answer.problem.empty()) << answer.problem;
    EXPECT_EQ(answer.status, status);
    EXPECT_TRUE(answer.body.empty());
    EXPECT_EQ(header(answer, "content-type"), "");
    EXPECT_NE(answer.notice.find("had a body of 11 bytes"), std::string::npos) << answer.notice;
    const auto streamed = streamed_answer(R"({"statusCode":)" + std::to_string(status) + "}" + std::string(8, '\0') + "body");
    EXPECT_EQ(streamed.status, status);
    EXPECT_TRUE(streamed.body.empty());
  }
  EXPECT_TRUE(http_api_answer(R"({"statusCode":204})").notice.empty());
}

TEST(ApiGatewayAnswers, StreamedAnswer) {
  const std::string payload = std::string(R"({"statusCode":201,"headers":{"content-type":"text/html"},"cookies":["s=1"]})") +
                              std::string(8, '\0') + "<h1>hi</h1>";
  const auto answer = streamed_answer(payload);
  ASSERT_TRUE(answer.problem.empty()) << answer.problem;
  EXPECT_EQ(answer.status, 201);
  EXPECT_EQ(header(answer, "content-type"), "text/html");
  EXPECT_EQ(all_headers(answer, "Set-Cookie"), (std::vector<std::string>{"s=1"}));
  EXPECT_EQ(answer.body, "<h1>hi</h1>");
  EXPECT_EQ(streamed_answer("no prelude").status, 502);
}

// lift's own answers (the adapters' output) read back unchanged, binary bodies included.
TEST(ApiGatewayAnswers, LiftAnswersReadBack) {
  lift::http::Response response = lift::http::Response::bytes(200, std::string("\x00\xff\x10", 3), "image/png");
  response.header("X-Multi", "a").header("X-Multi", "b").cookie("a=1").cookie("b=2; Secure");
  for (const auto source : {lift::http::Source::api_gateway_http, lift::http::Source::api_gateway_rest}) {
    lift::http::Request request;
    request.source = source;
    const auto text = lift::http::serialize_response(response, request);
    const auto answer = source == lift::http::Source::api_gateway_http ? http_api_answer(text) : rest_api_answer(text);
    ASSERT_TRUE(answer.problem.empty()) << answer.problem << "\n" << text;
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.body, std::string("\x00\xff\x10", 3));
    EXPECT_EQ(header(answer, "content-type"), "image/png");
    EXPECT_EQ(all_headers(answer, "Set-Cookie").size(), 2u) << text;
  }
}

// AWS's sample answers are read without a problem.
TEST(ApiGatewayAnswers, AwsSampleAnswers) {
  const fs::path directory = fs::path(LIFT_TESTDATA_DIR) / "event-responses";
  if (!fs::is_directory(directory)) LIFT_SKIP_WITHOUT() << "AWS sample responses are missing (LIFT_TESTDATA_DIR)";
  const auto read = [&](const char* name) {
    std::ifstream file(directory / name);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  const auto rest = rest_api_answer(read("go-apigw-response.json"));
  EXPECT_TRUE(rest.problem.empty()) << rest.problem;
  EXPECT_EQ(rest.body, "Hello World");
  const auto v2 = http_api_answer(read("jv-response__apigw_v2_http_response.json"));
  EXPECT_TRUE(v2.problem.empty()) << v2.problem;
  EXPECT_EQ(all_headers(v2, "Set-Cookie"), (std::vector<std::string>{"cookie1=value1", "session=abc123; Secure; HttpOnly"}));
  const auto ws = http_api_answer(read("jv-response__apigw_v2_websocket_response.json"));
  EXPECT_TRUE(ws.problem.empty()) << ws.problem;
  EXPECT_EQ(all_headers(ws, "X-Custom"), (std::vector<std::string>{"val1", "val2"}));
}

}  // namespace
