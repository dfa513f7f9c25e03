// SigV4 against AWS's own signing test suite (header and presigned-query modes), plus bad input.
#include "lift/aws/sigv4.hpp"
#include "lift/core/time.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "support/requirements.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

namespace fs = std::filesystem;
using namespace lift::aws;

const fs::path kSuite = fs::path(LIFT_TESTDATA_DIR) / "sigv4";

std::string read(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Line ends as LF, no trailing blank lines: the suite's files vary in both.
std::string tidy(std::string text) {
  std::string out;
  for (char c : text) {
    if (c != '\r') out += c;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::chrono::system_clock::time_point parse_time(const std::string& iso) { return lift::parse_rfc3339(iso).value(); }

SigningParams params_from(const fs::path& case_dir, SigningMode mode) {
  const auto context = boost::json::parse(read(case_dir / "context.json")).as_object();
  const auto& creds = context.at("credentials").as_object();
  SigningParams params;
  params.credentials.access_key_id = std::string(creds.at("access_key_id").as_string());
  params.credentials.secret_access_key = std::string(creds.at("secret_access_key").as_string());
  if (const auto* token = creds.if_contains("token")) params.credentials.session_token = std::string(token->as_string());
  params.region = std::string(context.at("region").as_string());
  params.service = std::string(context.at("service").as_string());
  params.time = parse_time(std::string(context.at("timestamp").as_string()));
  params.normalize_path = context.at("normalize").as_bool();
  params.sign_body = context.at("sign_body").as_bool();
  params.expires = std::chrono::seconds(context.at("expiration_in_seconds").to_number<long long>());
  params.mode = mode;
  return params;
}

std::vector<fs::path> suite_cases() {
  std::vector<fs::path> cases;
  if (!fs::is_directory(kSuite)) return cases;
  for (const auto& entry : fs::directory_iterator(kSuite)) {
    if (entry.is_directory()) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST(SigV4Suite, EveryCaseInBothModes) {
  const auto cases = suite_cases();
  if (cases.empty()) LIFT_SKIP_WITHOUT() << "the SigV4 suite is not at " << kSuite;
  EXPECT_EQ(cases.size(), 30u);
  for (const auto& dir : cases) {
    for (auto mode : {SigningMode::header, SigningMode::query}) {
      const std::string prefix = mode == SigningMode::header ? "header-" : "query-";
      SCOPED_TRACE(dir.filename().string() + " (" + prefix + "mode)");
      auto request = parse_http_request(read(dir / "request.txt"));
      ASSERT_TRUE(request) << request.error().message;
      auto signed_request = sign(*request, params_from(dir, mode));
      ASSERT_TRUE(signed_request) << signed_request.error().message;
      EXPECT_EQ(signed_request->canonical_request, tidy(read(dir / (prefix + "canonical-request.txt"))));
      EXPECT_EQ(signed_request->string_to_sign, tidy(read(dir / (prefix + "string-to-sign.txt"))));
      EXPECT_EQ(signed_request->signature, tidy(read(dir / (prefix + "signature.txt"))));
      EXPECT_EQ(tidy(format_http_request(signed_request->request)), tidy(read(dir / (prefix + "signed-request.txt"))));
    }
  }
}

RawHttpRequest simple_request() {
  RawHttpRequest request;
  request.method = "GET";
  request.target = "/";
  request.headers = {{"Host", "example.amazonaws.com"}};
  return request;
}

SigningParams simple_params() {
  SigningParams params;
  params.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  params.region = "us-east-1";
  params.service = "service";
  params.time = parse_time("2015-08-30T12:36:00Z");
  return params;
}

TEST(SigV4, KnownSignatureWithoutTheSuite) {
  // get-vanilla from AWS's suite, so the signer is checked even where the suite is absent.
  auto signed_request = sign(simple_request(), simple_params());
  ASSERT_TRUE(signed_request);
  EXPECT_EQ(signed_request->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, UnsignedPayloadAndSignedBody) {
  auto params = simple_params();
  params.unsigned_payload = true;
  params.sign_body = true;
  auto signed_request = sign(simple_request(), params);
  ASSERT_TRUE(signed_request);
  EXPECT_TRUE(signed_request->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
  EXPECT_NE(signed_request->canonical_request.find("x-amz-content-sha256:UNSIGNED-PAYLOAD\n"), std::string::npos);
}

TEST(SigV4, IgnoresHeadersThatChangeInTransit) {
  auto request = simple_request();
  request.headers.emplace_back("User-Agent", "lift/0.1");
  request.headers.emplace_back("X-Amzn-Trace-Id", "Root=1-x");
  auto signed_request = sign(request, simple_params());
  ASSERT_TRUE(signed_request);
  EXPECT_EQ(signed_request->signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4, BadInputIsATypedError) {
  auto no_host = simple_request();
  no_host.headers.clear();
  auto params = simple_params();
  for (const auto& result : {sign(no_host, params), [&] {
                               auto p = params;
                               p.credentials.secret_access_key.clear();
                               return sign(simple_request(), p);
                             }(),
                             [&] {
                               auto p = params;
                               p.region.clear();
                               return sign(simple_request(), p);
                             }(),
                             [&] {
                               auto p = params;
                               p.mode = SigningMode::query;
                               p.expires = std::chrono::seconds(604801);
                               return sign(simple_request(), p);
                             }()}) {
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, "aws.invalid_request");
    EXPECT_EQ(result.error().status, 400);
  }
  for (const char* raw : {"", "GET\r\n", "GET / HTTX\r\n", "GET / HTTP/1.1\r\nno colon here\r\n"}) {
    auto parsed = parse_http_request(raw);
    EXPECT_FALSE(parsed) << raw;
  }
}

TEST(SigV4, UriEncoding) {
  EXPECT_EQ(uri_encode("a b/c~"), "a%20b%2Fc~");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri_encode("\xe1\x88\xb4"), "%E1%88%B4");
}

}  // namespace

namespace {

// The kinds of case in aws-c-auth's SigV4 suite that the shared copy lacks, written as tests:
// folded header values, omit_session_token in both modes, query parameters sorted by their
// encoded names and values, UTF-8 in the query, an unnormalised path with a space, a
// form-encoded body with parameters, and an unsigned payload.
SigningParams suite_params() {
  SigningParams params;
  params.credentials = Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "test"};
  params.region = "us-east-1";
  params.service = "service";
  params.time = lift::parse_rfc3339("2015-08-30T12:36:00Z").value();
  return params;
}

const std::string kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(SigV4Suite, FoldedHeaderValueSignsAsOneLine) {
  auto request = parse_http_request(
      "GET / HTTP/1.1\r\nHost:example.amazonaws.com\r\nMy-Header1:value1\r\n  value2\r\n     value3\r\n\r\n");
  ASSERT_TRUE(request) << request.error().message;
  ASSERT_EQ(request->headers.size(), 2u);
  EXPECT_EQ(request->headers[1].second, "value1 value2 value3");
  auto signed_request = sign(*request, suite_params());
  ASSERT_TRUE(signed_request);
  EXPECT_EQ(signed_request->canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1 value2 value3\nx-amz-date:20150830T123600Z\n\n"
            "host;my-header1;x-amz-date\n" + kEmptyHash);
  // The same value handed to the signer still folded signs the same.
  RawHttpRequest folded{"GET", "/", {{"Host", "example.amazonaws.com"}, {"My-Header1", "value1\r\n  value2\r\n     value3"}}, {}};
  EXPECT_EQ(sign(folded, suite_params())->signature, signed_request->signature);
  auto query = suite_params();
  query.mode = SigningMode::query;
  EXPECT_NE(sign(*request, query)->canonical_request.find("\nmy-header1:value1 value2 value3\n"), std::string::npos);
  EXPECT_FALSE(parse_http_request("GET / HTTP/1.1\r\n  folded-first\r\n\r\n"));
}

TEST(SigV4Suite, OmitSessionTokenSignsWithoutItThenAddsIt) {
  auto request = parse_http_request("POST / HTTP/1.1\r\nHost:example.amazonaws.com\r\n\r\n");
  ASSERT_TRUE(request);
  auto params = suite_params();
  params.credentials.session_token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI";
  // Signed with the token: it is a signed header.
  auto with_token = sign(*request, params);
  ASSERT_TRUE(with_token);
  EXPECT_NE(with_token->canonical_request.find("x-amz-security-token:"), std::string::npos);
  // Omitted: the signature is the one without a token, and the token follows the Authorization.
  params.omit_session_token = true;
  auto omitted = sign(*request, params);
  ASSERT_TRUE(omitted);
  EXPECT_EQ(omitted->canonical_request.find("x-amz-security-token"), std::string::npos);
  auto without = suite_params();
  EXPECT_EQ(omitted->signature, sign(*request, without)->signature);
  const auto& headers = omitted->request.headers;
  ASSERT_GE(headers.size(), 2u);
  EXPECT_EQ(headers[headers.size() - 2].first, "Authorization");
  EXPECT_EQ(headers.back(), (std::pair<std::string, std::string>{"X-Amz-Security-Token", params.credentials.session_token}));
  EXPECT_EQ(omitted->request.headers.size(), with_token->request.headers.size());

  // Query mode: the token is appended after X-Amz-Signature, outside the canonical query.
  params.mode = SigningMode::query;
  auto presigned = sign(*request, params);
  ASSERT_TRUE(presigned);
  EXPECT_EQ(presigned->canonical_request.find("X-Amz-Security-Token"), std::string::npos);
  const auto signature_at = presigned->request.target.find("&X-Amz-Signature=");
  const auto token_at = presigned->request.target.find("&X-Amz-Security-Token=");
  ASSERT_NE(signature_at, std::string::npos);
  ASSERT_NE(token_at, std::string::npos);
  EXPECT_LT(signature_at, token_at);
  EXPECT_EQ(presigned->request.target.find("X-Amz-Security-Token"), presigned->request.target.rfind("X-Amz-Security-Token"));
}

TEST(SigV4Suite, QueryOrderEncodedUtf8AndUnnormalizedSpace) {
  // Sorted by the encoded names and values: "%3D" (=) before "a", values of one name by value.
  RawHttpRequest request{"GET", "/?Param-3=Value3&Param=Value2&%E1%88%B4=x&Param=Value1&Param-1=Value1",
                         {{"Host", "example.amazonaws.com"}}, {}};
  auto signed_request = sign(request, suite_params());
  ASSERT_TRUE(signed_request);
  EXPECT_EQ(signed_request->canonical_request.substr(0, signed_request->canonical_request.find("\nhost:")),
            "GET\n/\n%E1%88%B4=x&Param=Value1&Param=Value2&Param-1=Value1&Param-3=Value3");
  RawHttpRequest utf8{"GET", "/?\xE1\x88\xB4=bar", {{"Host", "example.amazonaws.com"}}, {}};
  EXPECT_NE(sign(utf8, suite_params())->canonical_request.find("\n%E1%88%B4=bar\n"), std::string::npos);
  // S3 style: the path as sent, a space encoded once.
  auto params = suite_params();
  params.normalize_path = false;
  RawHttpRequest space{"GET", "/example space/", {{"Host", "example.amazonaws.com"}}, {}};
  EXPECT_TRUE(sign(space, params)->canonical_request.starts_with("GET\n/example%20space/\n"));
}

TEST(SigV4Suite, FormBodyWithParametersAndUnsignedPayload) {
  auto request = parse_http_request(
      "POST / HTTP/1.1\r\nContent-Type:application/x-www-form-urlencoded; charset=utf-8\r\nHost:example.amazonaws.com\r\n"
      "\r\nParam1=value1");
  ASSERT_TRUE(request);
  auto signed_request = sign(*request, suite_params());
  ASSERT_TRUE(signed_request);
  EXPECT_NE(signed_request->canonical_request.find("content-type:application/x-www-form-urlencoded; charset=utf-8\n"), std::string::npos);
  EXPECT_TRUE(signed_request->canonical_request.ends_with("\ncontent-type;host;x-amz-date\n" +
                                                          lift::hex::encode(lift::digest::sha256("Param1=value1"))));
  auto params = suite_params();
  params.unsigned_payload = true;
  EXPECT_TRUE(sign(*request, params)->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
}

}  // namespace
