// SigV4 against AWS's own signing test suite (header and presigned-query modes), plus bad input.
#include "lift/aws/sigv4.hpp"
#include "lift/core/time.hpp"
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
