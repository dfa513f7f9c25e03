// URL parsing, header lookup, request validation and transport error classification of the
// HTTP client; signing a request addressed by URL. No network.
#include "lift/aws/http_client.hpp"

#include <gtest/gtest.h>

#include "lift/aws/retry.hpp"
#include "lift/aws/sigv4.hpp"

namespace {

using namespace lift::aws;
using namespace std::chrono_literals;

TEST(ParseUrl, SchemesPortsAndTargets) {
  auto plain = parse_url("http://localhost:8000/path/to?x=1&y=%20#frag");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->https);
  EXPECT_EQ(plain->host, "localhost");
  EXPECT_EQ(plain->port, 8000);
  EXPECT_EQ(plain->authority, "localhost:8000");
  EXPECT_EQ(plain->target, "/path/to?x=1&y=%20");

  auto secure = parse_url("https://dynamodb.eu-west-1.amazonaws.com");
  ASSERT_TRUE(secure);
  EXPECT_TRUE(secure->https);
  EXPECT_EQ(secure->port, 443);
  EXPECT_EQ(secure->authority, "dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(secure->target, "/");

  auto explicit_default = parse_url("HTTPS://Example.com:443?q");
  ASSERT_TRUE(explicit_default);
  EXPECT_EQ(explicit_default->authority, "Example.com");
  EXPECT_EQ(explicit_default->target, "/?q");

  auto v6 = parse_url("http://[::1]:9000/a");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority, "[::1]:9000");
}

TEST(ParseUrl, BadUrlsAreTypedErrors) {
  for (const char* bad : {"", "not a url", "ftp://example.com/", "http://", "http:///path", "http://host:0/",
                          "http://host:70000/", "http://host:12ab/", "http://ho st/", "//example.com/", "http://[::1/",
                          "http://host/\r\nX: y", "mailto:someone@example.com"}) {
    auto url = parse_url(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().code, "Http.InvalidUrl") << bad;
    EXPECT_EQ(url.error().status, 400);
  }
}

TEST(HttpResponse, HeaderLookupIgnoresCase) {
  HttpResponse response{200, {{"Content-Type", "application/json"}, {"x-amz-crc32", "1"}, {"X-Amz-Crc32", "2"}}, ""};
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("X-AMZ-CRC32"), "1");
  EXPECT_EQ(response.header("missing"), "");
}

TEST(HttpClient, BadRequestsFailBeforeAnyConnection) {
  HttpClientOptions options;
  options.proxy = "";
  HttpClient client(options);
  const auto deadline = std::chrono::steady_clock::now() + 1s;
  EXPECT_EQ(client.send({"GET", "gopher://x/", {}, {}}, deadline).error().code, "Http.InvalidUrl");
  EXPECT_EQ(client.send({"GE T", "http://127.0.0.1:9/", {}, {}}, deadline).error().code, "Http.InvalidRequest");
  EXPECT_EQ(client.send({"", "http://127.0.0.1:9/", {}, {}}, deadline).error().code, "Http.InvalidRequest");
  EXPECT_EQ(client.send({"GET", "http://127.0.0.1:9/", {{"X-Evil", "a\r\nInjected: 1"}}, {}}, deadline).error().code,
            "Http.InvalidRequest");
  EXPECT_EQ(client.send({"GET", "http://127.0.0.1:9/", {{"Bad Name", "v"}}, {}}, deadline).error().code, "Http.InvalidRequest");
  EXPECT_EQ(client.connections_opened(), 0u);
}

TEST(HttpClient, ABadProxySettingIsReportedOnSend) {
  HttpClientOptions options;
  options.proxy = "socks5://127.0.0.1:1080";
  options.proxy_loopback = true;
  HttpClient client(options);
  auto response = client.send({"GET", "http://127.0.0.1:9/", {}, {}}, std::chrono::steady_clock::now() + 1s);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.ProxyFailed");
}

SigningParams params() {
  SigningParams p;
  p.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  p.region = "us-east-1";
  p.service = "service";
  p.time = std::chrono::system_clock::from_time_t(1440938160);  // 2015-08-30T12:36:00Z
  return p;
}

TEST(SignInPlace, MatchesTheRawSignerAndAddsHost) {
  // get-vanilla of AWS's suite, addressed by URL.
  HttpRequest request{"GET", "https://example.amazonaws.com/", {}, {}};
  auto steps = sign_in_place(request, params());
  ASSERT_TRUE(steps) << steps.error().message;
  EXPECT_EQ(steps->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  ASSERT_EQ(request.headers.size(), 3u);
  EXPECT_EQ(request.headers[0], (std::pair<std::string, std::string>{"Host", "example.amazonaws.com"}));
  EXPECT_EQ(request.headers[1].first, "X-Amz-Date");
  EXPECT_TRUE(request.headers[2].second.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"));
  EXPECT_EQ(request.url, "https://example.amazonaws.com/");
}

TEST(SignInPlace, NonDefaultPortIsPartOfTheSignedHost) {
  HttpRequest request{"POST", "http://127.0.0.1:8000/", {{"Content-Type", "application/x-amz-json-1.0"}}, "{}"};
  auto raw = to_raw_request(request);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->target, "/");
  ASSERT_EQ(raw->headers.size(), 2u);
  EXPECT_EQ(raw->headers[1].second, "127.0.0.1:8000");
  ASSERT_TRUE(sign_in_place(request, params()));
  EXPECT_EQ(request.headers[0].first, "Content-Type");  // the caller's headers keep their place
}

TEST(SignInPlace, QueryModePutsTheSignatureInTheUrl) {
  HttpRequest request{"GET", "https://example.amazonaws.com/path?a=1", {}, {}};
  auto p = params();
  p.mode = SigningMode::query;
  auto steps = sign_in_place(request, p);
  ASSERT_TRUE(steps);
  EXPECT_TRUE(request.url.starts_with("https://example.amazonaws.com/path?a=1&X-Amz-Algorithm=AWS4-HMAC-SHA256")) << request.url;
  EXPECT_NE(request.url.find("&X-Amz-Signature=" + steps->signature), std::string::npos);
}

TEST(SignInPlace, BadUrlIsATypedError) {
  HttpRequest request{"GET", "example.com/no-scheme", {}, {}};
  auto steps = sign_in_place(request, params());
  ASSERT_FALSE(steps);
  EXPECT_EQ(steps.error().code, "Http.InvalidUrl");
}

}  // namespace
