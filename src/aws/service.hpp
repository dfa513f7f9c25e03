#pragma once
// What every service client of the aws layer shares, private to the layer: where the endpoint
// comes from, signing each attempt, the standard retries within the caller's deadline, the AWS
// JSON protocols (1.0 and 1.1) and reading AWS error answers into typed lift::Error values.
// Every client keeps one ServiceClient in its implementation.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/protection.hpp"
#include "lift/aws/retry.hpp"
#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"
#include "xml.hpp"

namespace lift::aws::detail {

using Deadline = std::chrono::steady_clock::time_point;
using Header = std::pair<std::string, std::string>;

// "Config" (kConfigError, status 500): a setting that cannot be used.
Error config_error(std::string message);

// The endpoint of a service: `configured` when set, else the environment variable `env_name`
// when set (lift's own, e.g. LIFT_DYNAMODB_ENDPOINT; null: none), else the standard endpoint
// configuration of the AWS SDKs (configured_endpoint_url: AWS_ENDPOINT_URL_<SERVICE>,
// AWS_ENDPOINT_URL, the profile's settings) for the service id service_id_of(host_prefix,
// label), else "https://<host_prefix>.<region>.amazonaws.com" (".com.cn" in China).
// `label` names the service in messages. Errors: "Config" for a region that is not a region
// name or an endpoint that is not an http(s) URL.
Result<std::string> resolve_endpoint(std::string configured, const char* env_name, std::string_view host_prefix,
                                     const std::string& region, std::string_view label);

// The AWS SDKs' service id of the service whose endpoints start with `host_prefix` ("events" ->
// "EventBridge", "secretsmanager" -> "Secrets Manager", "execute-api" ->
// "ApiGatewayManagementApi"), else `label`.
std::string service_id_of(std::string_view host_prefix, std::string_view label);

// The start of a body, for error messages.
std::string excerpt(std::string_view body);

// The string member `key`, or an empty view when it is absent or not a string.
std::string_view string_field(const boost::json::object& object, std::string_view key);

// "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException" -> "ConditionalCheckFailed";
// the x-amzn-ErrorType form "Name:http://..." is accepted too. Empty when nothing usable remains.
std::string error_name(std::string_view type);

// An AWS error answer of the JSON protocols (and REST-JSON) as an Error coded "<prefix>.<Name>":
// the type comes from `type_header` (x-amzn-ErrorType) when set, else from the body's `__type`
// or `code`; the message from `message` or `Message`. A 2xx status becomes 502. Without a usable
// type the code is "<prefix>.MalformedResponse" and the status is kept. `add_details` may add
// what one service returns beside the message. Never fails.
Error parse_json_error(std::string_view prefix, int http_status, std::string_view body, std::string_view type_header = {},
                       const std::function<void(const boost::json::object&, Error&)>& add_details = {});

// "<prefix>.MalformedResponse" with status 502: a successful answer that cannot be read.
Error malformed_answer(std::string_view prefix, std::string message);

// "2024-05-01T12:34:56Z", with optional fractional seconds (kept to the millisecond) and a
// "+HH:MM" / "-HHMM" offset.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

// An error ("<prefix>.Crc32Mismatch", 502) when the answer carries an x-amz-crc32 header that
// is not the CRC-32 of its body; nothing to check without the header.
Result<void> check_crc32(std::string_view prefix, const HttpResponse& response);

// A timestamp member as AWS writes them: epoch seconds (JSON protocols) or ISO 8601 text
// (REST-JSON date-time). Absent or null: nullopt; anything else: "<prefix>.MalformedResponse".
Result<std::optional<std::chrono::system_clock::time_point>> timestamp_field(std::string_view prefix,
                                                                             const boost::json::object& object,
                                                                             std::string_view key);

// Reads the members of a service's answer. Absent or null members read as empty; the first
// member of the wrong type is remembered as "<prefix>.MalformedResponse" (status 502), so a
// parser reads every member and checks failed() once.
class AnswerReader {
 public:
  AnswerReader(std::string_view prefix, const boost::json::object& object) : prefix_(prefix), object_(object) {}

  std::string string(std::string_view key);
  std::optional<std::string> optional_string(std::string_view key);
  std::int64_t integer(std::string_view key);
  std::vector<std::string> strings(std::string_view key);
  std::optional<std::chrono::system_clock::time_point> timestamp(std::string_view key);
  const boost::json::object* object(std::string_view key);
  const boost::json::array* array(std::string_view key);

  // Marks the answer unreadable (the first reason is kept).
  void fail(std::string why);
  [[nodiscard]] bool failed() const { return error_.has_value(); }
  [[nodiscard]] Error error() const { return error_.value_or(Error{}); }

 private:
  const boost::json::value* member(std::string_view key) const;
  void wrong_type(std::string_view key, std::string_view expected);

  std::string_view prefix_;
  const boost::json::object& object_;
  std::optional<Error> error_;
};

// The headers of an AWS JSON protocol request: Content-Type `content_type`
// ("application/x-amz-json-1.0" or "-1.1"), X-Amz-Target `target`, no compression.
std::vector<Header> json_protocol_headers(std::string_view content_type, std::string target);

// The fault plan a client's attempts follow: `configured` when set, else LIFT_FAULTS
// (InvalidConfiguration when it cannot be read: a typo must not silently test nothing).
Result<resilience::FaultPlan> resolve_faults(std::optional<resilience::FaultPlan> configured);

// Carries out the faults `plan` draws for one attempt to `service` (nothing when it has no
// rules): ok when the attempt should go ahead; throws resilience::InjectedFault for an
// `exception` fault.
inline Result<void> inject_faults(const resilience::FaultPlan& plan, std::string_view service) {
  if (plan.empty()) return {};
  return plan.apply(plan.decide_for_dependency(service));
}

// `call()` (a lift::Result) through `breaker` when there is one.
template <class F>
auto through_breaker(const std::optional<resilience::CircuitBreaker>& breaker, F&& call) {
  return breaker ? breaker->call(std::forward<F>(call)) : std::invoke(call);
}

// The signing and retrying core of a client. Not movable (the retry quota holds a mutex): a
// client keeps it behind its own pointer.
class ServiceClient {
 public:
  struct Config {
    std::string prefix;        // of error codes: "DynamoDB", "SecretsManager", ...
    std::string signing_name;  // SigV4 service: "dynamodb", "execute-api", ...
    std::string endpoint;      // checked by resolve_endpoint or parse_url
    std::string region;
    RetryPolicy retry{};
    std::shared_ptr<HttpClient> http{};               // null: a client of its own
    std::shared_ptr<CredentialsChain> credentials{};  // null: the standard chain
    // Around every call (all its attempts); unset: none.
    std::optional<resilience::CircuitBreaker> breaker{};
    // Drawn for every attempt under the name `signing_name` (resolved by resolve_faults).
    resilience::FaultPlan faults{};
    // Signs as S3 wants: the path as sent (not normalized) and the body's SHA-256 in
    // x-amz-content-sha256.
    bool s3_signing = false;
  };
  // Reads the service's answer to a failed call (any status but 2xx).
  using ErrorParser = std::function<Error(const HttpResponse&)>;
  // `none`: the request goes out without credentials or a signature (STS's
  // AssumeRoleWithWebIdentity, whose token is the proof).
  enum class Signing { sigv4, none };

  explicit ServiceClient(Config config);
  ServiceClient(const ServiceClient&) = delete;
  ServiceClient& operator=(const ServiceClient&) = delete;

  // Sends `method` to the endpoint followed by `path` (empty: the endpoint itself), signed again
  // for every attempt. Throttling, 5xx and lost connections are retried with backoff while the
  // deadline allows. The whole call goes through the breaker (CircuitOpen at once while it is
  // open); the faults are drawn for each attempt. A 2xx answer is returned as it is; any other becomes `parse_error`'s Error.
  Result<HttpResponse> send(std::string_view method, std::string_view path, std::vector<Header> headers, std::string body,
                            Deadline deadline, const ErrorParser& parse_error, Signing signing = Signing::sigv4);

  // As send, to `url` (any host, e.g. an S3 bucket's virtual host) instead of the endpoint and a
  // path. With a `sink`, a 2xx answer's body goes to it as it arrives (HttpClient's streaming
  // send); an attempt that has given the sink any byte is not retried.
  Result<HttpResponse> send_url(std::string_view method, std::string url, std::vector<Header> headers, std::string body,
                                Deadline deadline, const ErrorParser& parse_error, const HttpClient::BodySink* sink = nullptr);

  // As send_url, the body (`content_length` bytes) streamed from `source` as it is written and
  // signed as `payload_hash` (the signer never sees it whole). Attempts are made again only
  // while the source has given nothing; after that a failure is final (the caller may call
  // again with a fresh source).
  Result<HttpResponse> send_url_streamed(std::string_view method, std::string url, std::vector<Header> headers,
                                         std::uint64_t content_length, const HttpClient::BodySource& source,
                                         std::string payload_hash, Deadline deadline, const ErrorParser& parse_error);

  // One operation of an AWS JSON protocol: POST to the endpoint with `content_type`
  // ("application/x-amz-json-1.0" or "-1.1") and X-Amz-Target `target`. The answer must be a
  // JSON object ("<prefix>.MalformedResponse" otherwise); errors are read by parse_json_error
  // unless `parse_error` is given.
  Result<boost::json::object> call_json(std::string_view content_type, std::string target, const boost::json::object& request,
                                        Deadline deadline, const ErrorParser& parse_error = {});

  // One operation of the AWS query protocol (STS, SNS): a form-encoded POST of
  // query_protocol_body(action, version, parameters) to the endpoint. The answer's root element
  // (e.g. <AssumeRoleResponse>) is returned; errors are read by parse_xml_error, an answer that
  // is not XML is "<prefix>.MalformedResponse".
  Result<XmlElement> call_query(std::string_view action, std::string_view version,
                                const std::vector<std::pair<std::string, std::string>>& parameters, Deadline deadline,
                                Signing signing = Signing::sigv4);

  [[nodiscard]] const std::string& endpoint() const { return config_.endpoint; }
  [[nodiscard]] const std::string& region() const { return config_.region; }
  [[nodiscard]] const std::string& prefix() const { return config_.prefix; }
  [[nodiscard]] const RetryPolicy& retry() const { return config_.retry; }
  [[nodiscard]] const std::string& signing_name() const { return config_.signing_name; }
  // The credentials calls are signed with (placeholder keys for a local endpoint without any).
  Result<Credentials> signing_credentials();

 private:
  // A streamed request body: its length, where it comes from, the hash it is signed as.
  struct Upload {
    std::uint64_t content_length = 0;
    const HttpClient::BodySource* source = nullptr;
    std::string payload_hash;
  };
  Result<HttpResponse> send_unguarded(std::string_view method, std::string url, std::string_view path, std::vector<Header> headers,
                                      std::string body, Deadline deadline, const ErrorParser& parse_error,
                                      const HttpClient::BodySink* sink, Signing signing, const Upload* upload = nullptr);
  // What the call observer is told about a call before it starts.
  CallInfo call_info(std::string_view method, std::string_view path, const std::vector<Header>& headers,
                     std::string_view body) const;

  Config config_;
  bool local_ = false;
  RetryQuota quota_;
};

// The service core's settings from a client's ServiceOptions: the region resolved (AWS_REGION,
// ..., else us-east-1), the endpoint by resolve_endpoint with `env_name`, the faults by
// resolve_faults. Errors: those of resolve_endpoint and resolve_faults.
Result<ServiceClient::Config> service_config(ServiceOptions options, std::string_view prefix, std::string_view signing_name,
                                             const char* env_name, std::string_view host_prefix, std::string_view label);

}  // namespace lift::aws::detail
