// The streaming HTTP API reader against the DOM path it stands in for: whenever it answers, the
// DOM path (parse, detect, request_from_event, as App::invoke runs it) gives the same Request;
// and it does answer for the events API Gateway and Function URLs actually send.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "lift/events/detect.hpp"
#include "lift/http/adapters.hpp"
#include "lift/json/document.hpp"
#include "support/files.hpp"
#include "support/requirements.hpp"

namespace {

using lift::http::read_http_api_event;
using lift::http::Request;

void expect_same_request(const Request& fast, const Request& slow, const std::string& what) {
  EXPECT_EQ(fast.method, slow.method) << what;
  EXPECT_EQ(fast.path, slow.path) << what;
  EXPECT_EQ(fast.raw_path, slow.raw_path) << what;
  EXPECT_TRUE(fast.headers == slow.headers) << what;
  EXPECT_TRUE(fast.query == slow.query) << what;
  EXPECT_TRUE(fast.cookies == slow.cookies) << what;
  EXPECT_EQ(fast.body, slow.body) << what;
  EXPECT_EQ(fast.source_ip, slow.source_ip) << what;
  EXPECT_EQ(fast.stage, slow.stage) << what;
  EXPECT_EQ(fast.request_id, slow.request_id) << what;
  EXPECT_EQ(fast.source, slow.source) << what;
}

// Runs both paths; returns whether the streaming reader answered.
bool check(const std::string& text, const std::string& what) {
  auto fast = read_http_api_event(text);
  if (!fast) return false;
  auto document = lift::json::parse_document(text);
  EXPECT_TRUE(document) << what;
  if (!document) return true;
  const auto kind = lift::events::detect(*document);
  EXPECT_TRUE(kind == lift::events::kind_of<lift::events::ApiGatewayHttp> || kind == lift::events::kind_of<lift::events::FunctionUrl>)
      << what << " was read as HTTP API but is " << lift::events::to_string(kind);
  auto slow = lift::http::request_from_event(*document, kind);
  EXPECT_TRUE(slow) << what << ": " << slow.error().message;
  if (slow) expect_same_request(*fast, *slow, what);
  return true;
}

const std::string kEvent = R"({"version":"2.0","routeKey":"$default","rawPath":"/prod/items/a%2Fb",
"rawQueryString":"q=caf%C3%A9&q=2&x","cookies":["s=1; t=2"],
"headers":{"accept":"*/*","x-quoted":"say \"hi\" \u00e9","cookie":"ignored=1","content-type":"application/json"},
"queryStringParameters":{"q":"café,2","x":""},
"requestContext":{"accountId":"123456789012","apiId":"abc","domainName":"abc.execute-api.eu-west-1.amazonaws.com",
"http":{"method":"post","path":"/prod/items/a%2Fb","protocol":"HTTP/1.1","sourceIp":"203.0.113.1","userAgent":"curl"},
"requestId":"r-1","routeKey":"$default","stage":"prod","time":"10/Oct/2026:12:00:00 +0000","timeEpoch":1791633600000,
"authorizer":{"jwt":{"claims":{"sub":"u","n":1.5},"scopes":null}}},
"pathParameters":{"p":"1"},"stageVariables":null,"body":"eyJhIjoxfQ==","isBase64Encoded":true})";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(HttpApiReader, ReadsAFullEventLikeTheDomPath) {
  ASSERT_TRUE(check(kEvent, "full event"));
  auto request = read_http_api_event(kEvent);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->path, "/items/a/b");         // stage removed, then decoded
  EXPECT_EQ(request->raw_path, "/items/a%2Fb");
  EXPECT_EQ(request->stage, "prod");
  EXPECT_EQ(request->body, R"({"a":1})");          // base64 decoded
  EXPECT_EQ(request->header("x-quoted"), "say \"hi\" é");
  EXPECT_EQ(request->query.all("q").size(), 2u);
  EXPECT_EQ(request->cookie("t"), "2");
  EXPECT_FALSE(request->cookie("ignored"));        // the cookies list wins over the header
  EXPECT_EQ(request->source, lift::http::Source::api_gateway_http);
}

TEST(HttpApiReader, TakesTheFastPathForEveryWellFormedVariant) {
  // Each of these is still an HTTP API event the streaming reader must read (and read right).
  const std::pair<std::string, std::string> variants[] = {
      {R"("cookies":["s=1; t=2"],)", ""},                                        // cookies from the header
      {R"("body":"eyJhIjoxfQ==","isBase64Encoded":true)", R"("isBase64Encoded":false,"body":"plain")"},
      {R"("body":"eyJhIjoxfQ==","isBase64Encoded":true)", R"("body":"not base64!","isBase64Encoded":true)"},
      {R"("body":"eyJhIjoxfQ==","isBase64Encoded":true)", R"("body":null,"isBase64Encoded":null)"},
      {R"("rawPath":"/prod/items/a%2Fb",)", ""},                                 // path from requestContext.http
      {R"("stage":"prod")", R"("stage":"$default")"},
      {R"("domainName":"abc.execute-api.eu-west-1.amazonaws.com")", R"("domainName":"abc.lambda-url.eu-west-1.on.aws")"},
      {R"("version":"2.0",)", ""},                                               // http alone makes it 2.0
      {R"("version":"2.0")", R"("version":{"odd":[1,2]})"},
      {R"("accept":"*/*")", R"("accept":null,"Accept":"text/html")"},            // null skipped, case kept
      {R"("rawQueryString":"q=caf%C3%A9&q=2&x")", R"("rawQueryString":null)"},
      {R"("headers":{)", R"("headers":{"x-\u0041":"\ud83d\ude00",)"},            // escapes in keys and values
      {R"("sourceIp":"203.0.113.1")", R"("sourceIp":null)"},
      {R"("timeEpoch":1791633600000)", R"("timeEpoch":1e-400)"},
      // Escapes in every value the reader keeps as a view into the event while it reads.
      {R"("rawPath":"/prod/items/a%2Fb")", R"("rawPath":"\/prod\/items\/a%2Fb")"},
      {R"("rawPath":"/prod/items/a%2Fb")", R"("rawPath":"")"},
      {R"("stage":"prod")", R"("stage":"pr\u006fd")"},
      {R"("rawQueryString":"q=caf%C3%A9&q=2&x")", R"("rawQueryString":"q=caf\u00e9&q=\"2\"&x")"},
      {R"("requestId":"r-1")", R"("requestId":"r\u002d1")"},
      {R"("method":"post")", R"("method":"p\u006fst")"},
      {R"("accept":"*/*")", R"("acc\u0065pt":"*\/*")"},
      {R"("body":"eyJhIjoxfQ==","isBase64Encoded":true)", R"("isBase64Encoded":false,"body":"{\"a\":\"\\n\u00e9\"}")"},
  };
  for (const auto& [from, to] : variants) {
    const auto text = replaced(kEvent, from, to);
    EXPECT_TRUE(check(text, to)) << "the streaming reader gave up on: " << to;
  }
}

TEST(HttpApiReader, ReadsAnEscapedPathFromTheRequestContext) {
  auto text = replaced(kEvent, R"("rawPath":"/prod/items/a%2Fb",)", "");
  text = replaced(text, R"("path":"/prod/items/a%2Fb")", R"("path":"\/prod\/it\u0065ms\/a%2Fb")");
  ASSERT_TRUE(check(text, "escaped requestContext.http.path"));
  EXPECT_EQ(read_http_api_event(text)->path, "/items/a/b");
}

TEST(HttpApiReader, GivesUpOnWhatOnlyTheDomPathDecides) {
  // Each of these must not be answered by the streaming reader; the DOM path then reads it,
  // reports the error, or routes it elsewhere.
  const std::pair<std::string, std::string> variants[] = {
      {R"("version":"2.0",)", R"("version":"2.0","Records":[{"eventSource":"aws:sqs"}],)"},  // an SQS batch
      {R"("version":"2.0",)", R"("version":"2.0","httpMethod":"GET",)"},                     // not a member it knows
      {R"("requestId":"r-1")", R"("requestId":"r-1","elb":{"targetGroupArn":"x"})"},         // ALB
      {R"("requestId":"r-1")", R"("requestId":"r-1","connectionId":"c","eventType":"MESSAGE")"},
      {R"("method":"post")", R"("method":null)"},
      {R"("method":"post")", R"("method":"")"},
      {R"("method":"post")", R"("method":7)"},
      {R"("rawPath":"/prod/items/a%2Fb")", R"("rawPath":"/bad%zz")"},
      {R"("rawQueryString":"q=caf%C3%A9&q=2&x")", R"("rawQueryString":"q=%")"},
      {R"("isBase64Encoded":true)", R"("isBase64Encoded":"true")"},
      {R"("accept":"*/*")", R"("accept":["*/*"])"},
      {R"("accept":"*/*")", R"("accept":"*/*","accept":"text/html")"},                        // duplicate key
      {R"("rawPath":"/prod/items/a%2Fb",)", R"("rawPath":"/a","rawPath":"/b",)"},
      {R"("cookies":["s=1; t=2"])", R"("cookies":["s=1",2])"},
      {R"("cookies":["s=1; t=2"])", R"("cookies":{"s":"1"})"},
      {R"("http":{)", R"("http":null,"other":{)"},
      {R"("stage":"prod")", R"("stage":3)"},
      {R"("timeEpoch":1791633600000)", R"("timeEpoch":1e400)"},                              // refused by the DOM parse
  };
  for (const auto& [from, to] : variants) {
    const auto text = replaced(kEvent, from, to);
    EXPECT_FALSE(read_http_api_event(text)) << "the streaming reader answered for: " << to;
  }
  for (const char* text : {"", "[]", "\"x\"", "{", "{}", "null", R"({"requestContext":null})", R"({"requestContext":{}})"}) {
    EXPECT_FALSE(read_http_api_event(text)) << text;
  }
  EXPECT_FALSE(read_http_api_event(kEvent + " x"));
  EXPECT_FALSE(read_http_api_event(kEvent.substr(0, kEvent.size() - 1)));
}

TEST(HttpApiReader, EverySampleEventAgreesWithTheDomPath) {
  const std::string dir = LIFT_TESTDATA_DIR "/events";
  std::ifstream manifest(dir + "/manifest.tsv");
  if (!manifest) LIFT_SKIP_WITHOUT() << "sample events not available";
  std::string line;
  int http_api = 0, fast = 0;
  while (std::getline(manifest, line)) {
    std::istringstream fields(line);
    std::string kind, file;
    fields >> kind >> file;
    if (kind == "kind") continue;
    const std::string text = lift::testing_support::read_file(dir + "/" + file);
    const bool answered = check(text, file);
    if (kind == "apigw-http" || kind == "function-url") {
      ++http_api;
      if (answered) ++fast;
    } else {
      EXPECT_FALSE(answered) << file << " (" << kind << ")";
    }
  }
  // Hand-edited samples may carry members AWS does not send; the rest take the fast path.
  EXPECT_GT(http_api, 10);
  EXPECT_GE(fast * 2, http_api) << fast << " of " << http_api << " HTTP API samples took the fast path";
  std::cout << fast << " of " << http_api << " HTTP API and Function URL samples read by the streaming reader\n";
}

}  // namespace
