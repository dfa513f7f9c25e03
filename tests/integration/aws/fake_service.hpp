#pragma once
// A scripted AWS service on 127.0.0.1 for the service clients' tests: it records every request,
// answers from a function (status, body, x-amzn-ErrorType, an optional delay) and can check a
// request's SigV4 Authorization header by signing what it received again.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/retry.hpp"
#include "lift/aws/service_options.hpp"
#include "lift/aws/sigv4.hpp"
#include "support/local_server.hpp"

namespace lift::testing_support {

struct FakeAnswer {
  unsigned status = 200;
  std::string body{};
  std::string content_type = "application/x-amz-json-1.1";
  std::string error_type{};  // x-amzn-ErrorType, when set
  std::chrono::milliseconds delay{0};
  std::vector<std::pair<std::string, std::string>> headers{};  // more answer headers (Lambda's X-Amz-*)
};

// What the fake saw of one request.
struct SeenRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size() &&
          std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
        return value;
    }
    return {};
  }
};

class FakeService {
 public:
  using Script = std::function<FakeAnswer(const SeenRequest&, int number)>;

  explicit FakeService(Script script) : script_(std::move(script)) {}
  ~FakeService() { stopping_ = true; }  // ends delays early, before the server joins its threads
  FakeService(const FakeService&) = delete;
  FakeService& operator=(const FakeService&) = delete;

  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  [[nodiscard]] std::uint16_t port() const { return server_.port(); }
  [[nodiscard]] int requests() const { return count_.load(); }
  [[nodiscard]] std::vector<SeenRequest> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    seen_.clear();
    count_ = 0;
  }

 private:
  HttpServerResponse respond(const HttpServerRequest& request) {
    SeenRequest seen{std::string(request.method_string()), std::string(request.target()), {}, request.body()};
    for (const auto& field : request) seen.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    const int number = ++count_;
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(seen);
    }
    auto answer = script_(seen, number);
    for (auto waited = std::chrono::milliseconds(0); waited < answer.delay && !stopping_; waited += std::chrono::milliseconds(10))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto response = make_response(answer.status, std::move(answer.body), answer.content_type);
    response.set("x-amzn-RequestId", "c0ffee00-0000-4000-8000-00000000000" + std::to_string(number % 10));
    if (!answer.error_type.empty()) response.set("x-amzn-ErrorType", answer.error_type);
    for (const auto& [name, value] : answer.headers) response.set(name, value);
    if (answer.status == 204) {
      response.erase(boost::beast::http::field::content_type);
      response.body().clear();
      response.prepare_payload();
    }
    return response;
  }

  Script script_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> count_{0};
  mutable std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  LocalServer server_{[this](LocalServer::Socket& socket) {
    serve_http(socket, [this](const HttpServerRequest& request, int) { return respond(request); });
  }};
};

// "AWS4-HMAC-SHA256 Credential=AKID/20240501/us-east-1/ssm/aws4_request, SignedHeaders=a;b, Signature=..."
struct AuthorizationParts {
  std::string access_key_id, date, region, service, signed_headers, signature;
};

inline std::optional<AuthorizationParts> split_authorization(const std::string& header) {
  const std::string prefix = "AWS4-HMAC-SHA256 Credential=";
  if (header.rfind(prefix, 0) != 0) return std::nullopt;
  const auto field = [&](const std::string& name) -> std::string {
    const auto at = header.find(name);
    if (at == std::string::npos) return {};
    const auto start = at + name.size();
    return header.substr(start, header.find(',', start) - start);
  };
  const std::string credential = field("Credential=");
  std::vector<std::string> scope;
  for (std::size_t start = 0;;) {
    const auto slash = credential.find('/', start);
    scope.push_back(credential.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (scope.size() != 5 || scope[4] != "aws4_request") return std::nullopt;
  return AuthorizationParts{scope[0], scope[1], scope[2], scope[3], field("SignedHeaders="), field("Signature=")};
}

// Signs the received request again with `secret` (the signed headers, at its X-Amz-Date) and
// compares the signature: empty when it matches, else what differs. `s3`: signed as S3 wants
// (the path as sent; the payload hash as given in x-amz-content-sha256).
inline std::string check_signature(const SeenRequest& request, const std::string& secret, bool s3 = false) {
  const auto parts = split_authorization(request.header("Authorization"));
  if (!parts) return "not a SigV4 Authorization header: " + request.header("Authorization");
  const std::string amz_date = request.header("X-Amz-Date");
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (std::sscanf(amz_date.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &year, &month, &day, &hour, &minute, &second) != 6)
    return "bad X-Amz-Date " + amz_date;
  const auto time = std::chrono::sys_days(std::chrono::year(year) / month / day) + std::chrono::hours(hour) +
                    std::chrono::minutes(minute) + std::chrono::seconds(second);
  aws::RawHttpRequest raw{request.method, request.target, {}, request.body};
  for (std::size_t start = 0;;) {
    const auto semicolon = parts->signed_headers.find(';', start);
    const std::string name = parts->signed_headers.substr(start, semicolon - start);
    if (name != "x-amz-date" && name != "x-amz-security-token") raw.headers.emplace_back(name, request.header(name));
    if (semicolon == std::string::npos) break;
    start = semicolon + 1;
  }
  aws::SigningParams params;
  params.credentials = aws::Credentials{parts->access_key_id, secret, request.header("X-Amz-Security-Token"), std::nullopt, "test"};
  params.region = parts->region;
  params.service = parts->service;
  params.time = time;
  if (s3) {
    params.normalize_path = false;
    const std::string payload = request.header("x-amz-content-sha256");
    params.unsigned_payload = payload == "UNSIGNED-PAYLOAD";
    if (payload.starts_with("STREAMING-")) params.payload_hash = payload;  // aws-chunked: the body is not hashed
  }
  auto signed_request = aws::sign(raw, params);
  if (!signed_request) return "cannot sign again: " + signed_request.error().message;
  if (signed_request->signature != parts->signature)
    return "signature mismatch; canonical request:\n" + signed_request->canonical_request;
  return {};
}

}  // namespace lift::testing_support

namespace lift::testing_support {

// Credentials that always answer the same keys.
inline std::shared_ptr<aws::CredentialsChain> fixed_credentials(std::string access_key_id = "AKIDTEST",
                                                                std::string secret = "test-secret") {
  return std::make_shared<aws::CredentialsChain>(std::vector<aws::CredentialsProvider>{
      [=]() -> Result<aws::Credentials> { return aws::Credentials{access_key_id, secret, "", std::nullopt, "test"}; }});
}

// Short delays, so retries are quick in tests.
inline aws::RetryPolicy quick_retries(int attempts = 3) {
  aws::RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.base_delay = std::chrono::milliseconds(5);
  policy.throttling_base_delay = std::chrono::milliseconds(20);
  policy.deadline_margin = std::chrono::milliseconds(50);
  return policy;
}

// The options of any of the service clients, aimed at `endpoint` with the test credentials and
// no proxy.
template <class Options>
Options options_for(std::string endpoint, aws::RetryPolicy retry = quick_retries()) {
  Options options;
  options.endpoint = std::move(endpoint);
  options.region = "us-east-1";
  options.retry = retry;
  options.credentials = fixed_credentials();
  aws::HttpClientOptions http;
  http.proxy = "";
  options.http = std::make_shared<aws::HttpClient>(http);
  return options;
}

// A service client made with options_for(endpoint); a client that cannot be made fails the test
// that asked for it (by exception, as a test fixture cannot return an error).
template <class Client, class Options = aws::ServiceOptions>
Client client_for(const std::string& endpoint) {
  auto client = Client::create(options_for<Options>(endpoint));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

}  // namespace lift::testing_support
