#include "service.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include <zlib.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/aws/sigv4.hpp"
#include "lift/core/env.hpp"
#include "lift/core/time.hpp"

namespace lift::aws::detail {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxExcerpt = 200;

}  // namespace

Error config_error(std::string message) { return Error{"Config", std::move(message), 500}; }

std::string service_id_of(std::string_view host_prefix, std::string_view label) {
  static constexpr std::pair<std::string_view, std::string_view> kIds[] = {
      {"dynamodb", "DynamoDB"}, {"sts", "STS"}, {"sns", "SNS"}, {"sqs", "SQS"}, {"events", "EventBridge"}, {"s3", "S3"},
      {"kms", "KMS"}, {"secretsmanager", "Secrets Manager"}, {"ssm", "SSM"}, {"execute-api", "ApiGatewayManagementApi"},
      {"lambda", "Lambda"}, {"logs", "CloudWatch Logs"}, {"monitoring", "CloudWatch"}, {"xray", "XRay"}};
  for (const auto& [prefix, id] : kIds)
    if (prefix == host_prefix) return std::string(id);
  return std::string(label);
}

Result<std::string> resolve_endpoint(std::string configured, const char* env_name, std::string_view host_prefix,
                                     const std::string& region, std::string_view label) {
  std::string endpoint = !configured.empty() ? std::move(configured) : env_name != nullptr ? env_or(env_name, "") : std::string();
  if (endpoint.empty()) endpoint = configured_endpoint_url(service_id_of(host_prefix, label)).value_or("");
  if (endpoint.empty()) {
    if (region.empty() || region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
      return config_error("the region '" + region + "' is not a region name");
    endpoint = "https://" + std::string(host_prefix) + "." + region +
               (region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com");
  }
  auto url = parse_url(endpoint);
  if (!url)
    return config_error("the " + std::string(label) + " endpoint '" + endpoint + "' is not an http(s):// URL: " +
                        url.error().message);
  return endpoint;
}

std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, kMaxExcerpt));
  if (body.size() > kMaxExcerpt) out += "...";
  return out;
}

std::string_view string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string_view(value->as_string()) : std::string_view();
}

std::string error_name(std::string_view type) {
  if (const auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (const auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  if (type.ends_with("Exception") && type.size() > 9) type.remove_suffix(9);
  if (type.empty() || type.size() > 100) return {};
  const bool plain = std::all_of(type.begin(), type.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
  return plain ? std::string(type) : std::string();
}

Error parse_json_error(std::string_view prefix, int http_status, std::string_view body, std::string_view type_header,
                       const std::function<void(const json::object&, Error&)>& add_details) {
  const int status = http_status >= 200 && http_status < 300 ? 502 : http_status;
  const std::string service(prefix);
  const std::string malformed = service + ".MalformedResponse";
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  const json::object* object = !ec && value.is_object() ? &value.as_object() : nullptr;

  std::string name = error_name(type_header);
  if (name.empty() && object != nullptr) {
    name = error_name(string_field(*object, "__type"));
    if (name.empty()) name = error_name(string_field(*object, "code"));
  }
  if (name.empty()) {
    const std::string what = object == nullptr ? " with a body that is not its JSON: " : " without an error type: ";
    return Error{malformed, service + " answered HTTP " + std::to_string(http_status) + what + excerpt(body), status};
  }
  std::string message;
  if (object != nullptr) {
    message = string_field(*object, "message");
    if (message.empty()) message = string_field(*object, "Message");
  }
  if (message.empty()) message = name;
  Error error{service + "." + name, std::move(message), status};
  if (object != nullptr && add_details) add_details(*object, error);
  return error;
}

Error malformed_answer(std::string_view prefix, std::string message) {
  return Error{std::string(prefix) + ".MalformedResponse", std::move(message), 502};
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text) {
  // AWS also writes the offset without its colon ("+0000"), as ISO 8601 allows: put it back.
  std::string with_colon;
  if (const auto sign = text.size() >= 5 ? text.size() - 5 : 0;
      sign >= 19 && (text[sign] == '+' || text[sign] == '-') &&
      std::all_of(text.begin() + static_cast<std::ptrdiff_t>(sign) + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    with_colon.assign(text).insert(sign + 3, 1, ':');
    text = with_colon;
  }
  const auto time = parse_rfc3339(text);
  if (!time) return std::nullopt;
  return std::chrono::floor<milliseconds>(*time);  // AWS's times carry milliseconds at most
}

Result<std::optional<std::chrono::system_clock::time_point>> timestamp_field(std::string_view prefix, const json::object& object,
                                                                             std::string_view key) {
  using Time = std::optional<std::chrono::system_clock::time_point>;
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return Time{};
  const auto bad = [&] { return malformed_answer(prefix, std::string(prefix) + " answered with a " + std::string(key) + " that is not a timestamp"); };
  if (value->is_string()) {
    if (auto when = parse_iso8601(value->as_string())) return Time{*when};
    return bad();
  }
  if (!value->is_number()) return bad();
  const double seconds = value->to_number<double>();
  // The clock counts nanoseconds from 1970, so it holds the years 1678..2262; a number outside
  // that (less a second, for the rounding below) is garbage, and converting it would overflow.
  constexpr double kClockLimit =
      std::chrono::duration<double>(std::chrono::system_clock::duration::max()).count() - 1.0;
  if (!std::isfinite(seconds) || seconds < -kClockLimit || seconds > kClockLimit) return bad();
  return Time{std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(milliseconds(std::llround(seconds * 1000.0))))};
}

const json::value* AnswerReader::member(std::string_view key) const {
  const auto* value = object_.if_contains(key);
  return value != nullptr && !value->is_null() ? value : nullptr;
}

void AnswerReader::fail(std::string why) {
  if (!error_) error_ = malformed_answer(prefix_, std::string(prefix_) + " answered with " + why);
}

void AnswerReader::wrong_type(std::string_view key, std::string_view expected) {
  fail("a " + std::string(key) + " that is not " + std::string(expected));
}

std::string AnswerReader::string(std::string_view key) { return optional_string(key).value_or(std::string()); }

std::optional<std::string> AnswerReader::optional_string(std::string_view key) {
  const auto* value = member(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    wrong_type(key, "a string");
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::int64_t AnswerReader::integer(std::string_view key) {
  const auto* value = member(key);
  if (value == nullptr) return 0;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(value->as_uint64());
  wrong_type(key, "an integer");
  return 0;
}

std::vector<std::string> AnswerReader::strings(std::string_view key) {
  std::vector<std::string> out;
  const auto* list = array(key);
  if (list == nullptr) return out;
  out.reserve(list->size());
  for (const auto& element : *list) {
    if (!element.is_string()) {
      wrong_type(key, "a list of strings");
      return {};
    }
    out.emplace_back(element.as_string());
  }
  return out;
}

std::optional<std::chrono::system_clock::time_point> AnswerReader::timestamp(std::string_view key) {
  auto when = timestamp_field(prefix_, object_, key);
  if (!when) {
    if (!error_) error_ = std::move(when).error();
    return std::nullopt;
  }
  return *when;
}

const json::object* AnswerReader::object(std::string_view key) {
  const auto* value = member(key);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    wrong_type(key, "an object");
    return nullptr;
  }
  return &value->as_object();
}

const json::array* AnswerReader::array(std::string_view key) {
  const auto* value = member(key);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    wrong_type(key, "a list");
    return nullptr;
  }
  return &value->as_array();
}

ServiceClient::ServiceClient(Config config) : config_(std::move(config)) {
  if (auto url = parse_url(config_.endpoint)) local_ = is_local_endpoint(*url);
  if (!config_.http) config_.http = std::make_shared<HttpClient>();
  if (!config_.credentials) config_.credentials = std::make_shared<CredentialsChain>(CredentialsChain::standard_providers());
}

Result<Credentials> ServiceClient::signing_credentials() {
  auto found = config_.credentials->get();
  // DynamoDB Local, dynalite and other emulators accept any signature but want one.
  if (!found && local_ && found.error().code == "aws.credentials_not_found")
    return Credentials{"local", "local", "", std::nullopt, "placeholder for a local endpoint"};
  return found;
}

Result<void> check_crc32(std::string_view prefix, const HttpResponse& response) {
  const auto header = response.header("x-amz-crc32");
  if (header.empty()) return {};
  std::uint32_t expected = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), expected);
  const auto actual = static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(response.body.data()), static_cast<uInt>(response.body.size())));
  if (ec == std::errc{} && end == header.data() + header.size() && expected == actual) return {};
  return Error{std::string(prefix) + ".Crc32Mismatch",
               "the answer's body does not match its x-amz-crc32 header (" + std::string(header) + ", computed " +
                   std::to_string(actual) + ")",
               502};
}

Result<resilience::FaultPlan> resolve_faults(std::optional<resilience::FaultPlan> configured) {
  if (configured) return std::move(*configured);
  return resilience::FaultPlan::from_environment();
}

Result<HttpResponse> ServiceClient::send(std::string_view method, std::string_view path, std::vector<Header> headers,
                                         std::string body, Deadline deadline, const ErrorParser& parse_error, Signing signing) {
  std::string url = config_.endpoint;
  if (!path.empty()) {
    while (url.ends_with('/')) url.pop_back();
    url += path;
  }
  return through_breaker(config_.breaker, [&] {
    return send_unguarded(method, std::move(url), path, std::move(headers), std::move(body), deadline, parse_error, nullptr,
                          signing);
  });
}

Result<HttpResponse> ServiceClient::send_url(std::string_view method, std::string url, std::vector<Header> headers, std::string body,
                                             Deadline deadline, const ErrorParser& parse_error, const HttpClient::BodySink* sink) {
  const auto parsed = parse_url(url);
  const std::string path = parsed ? parsed->target.substr(0, parsed->target.find('?')) : std::string();
  return through_breaker(config_.breaker, [&] {
    return send_unguarded(method, std::move(url), path, std::move(headers), std::move(body), deadline, parse_error, sink,
                          Signing::sigv4);
  });
}

Result<HttpResponse> ServiceClient::send_url_streamed(std::string_view method, std::string url, std::vector<Header> headers,
                                                      std::uint64_t content_length, const HttpClient::BodySource& source,
                                                      std::string payload_hash, Deadline deadline, const ErrorParser& parse_error) {
  const auto parsed = parse_url(url);
  const std::string path = parsed ? parsed->target.substr(0, parsed->target.find('?')) : std::string();
  const Upload upload{content_length, &source, std::move(payload_hash)};
  return through_breaker(config_.breaker, [&] {
    return send_unguarded(method, std::move(url), path, std::move(headers), {}, deadline, parse_error, nullptr, Signing::sigv4, &upload);
  });
}

Result<HttpResponse> ServiceClient::send_unguarded(std::string_view method, std::string url, std::string_view path,
                                                   std::vector<Header> headers, std::string body, Deadline deadline,
                                                   const ErrorParser& parse_error, const HttpClient::BodySink* sink,
                                                   Signing signing, const Upload* upload) {
  Result<Credentials> credentials = Credentials{};
  if (signing == Signing::sigv4) {
    credentials = signing_credentials();
    if (!credentials) return std::move(credentials).error();
  }

  HttpRequest request{std::string(method), std::move(url), {}, std::move(body)};
  SigningParams params;
  params.credentials = std::move(*credentials);
  params.region = config_.region;
  params.service = config_.signing_name;
  params.normalize_path = !config_.s3_signing;
  params.sign_body = config_.s3_signing;
  if (upload != nullptr) params.payload_hash = upload->payload_hash;
  // Bytes a streamed body has given the caller's sink, or taken from the caller's source: past
  // the first, an attempt cannot be made again.
  std::size_t delivered = 0;
  HttpClient::BodySink counting_sink;
  if (sink != nullptr) {
    counting_sink = [&](std::string_view piece) {
      delivered += piece.size();
      return (*sink)(piece);
    };
  }
  HttpClient::BodySource counting_source;
  if (upload != nullptr) {
    counting_source = [&](std::span<char> buffer) -> Result<std::size_t> {
      auto produced = (*upload->source)(buffer);
      if (produced) delivered += *produced;
      else delivered += 1;  // a source that failed is not asked again
      return produced;
    };
  }

  // The observer (tracing) sees the call once, around all its attempts; the before_attempt hook
  // (fault injection) each attempt.
  const auto& observer = config_.http->observer();
  const auto& before_attempt = config_.http->before_attempt();
  const CallInfo info = observer || before_attempt ? call_info(method, path, headers, request.body) : CallInfo{};
  std::unique_ptr<CallScope> scope;
  if (observer) scope = observer->begin(info);
  const std::string trace_header = scope ? scope->trace_header() : std::string();
  CallOutcome outcome;
  outcome.attempts = 0;

  const std::function<Attempt<HttpResponse>(milliseconds)> attempt = [&](milliseconds budget) -> Attempt<HttpResponse> {
    const auto now = Clock::now();
    const auto attempt_deadline = budget >= std::chrono::duration_cast<milliseconds>(deadline - now) ? deadline : now + budget;
    ++outcome.attempts;
    if (auto go_ahead = inject_faults(config_.faults, config_.signing_name); !go_ahead) {
      outcome.status = go_ahead.error().status;
      const auto kind = classify_error(go_ahead.error());
      return {std::move(go_ahead).error(), kind};
    }
    if (before_attempt) {
      if (auto go_ahead = before_attempt(info); !go_ahead) {
        outcome.status = go_ahead.error().status;
        const auto kind = classify_error(go_ahead.error());
        return {std::move(go_ahead).error(), kind};
      }
    }
    request.headers = headers;  // signed again: the time is part of the signature
    if (!trace_header.empty()) request.headers.emplace_back("X-Amzn-Trace-Id", trace_header);
    params.time = std::chrono::system_clock::now();
    if (signing == Signing::sigv4) {
      if (auto signed_request = sign_in_place(request, params); !signed_request)
        return {std::move(signed_request).error(), FailureKind::fatal};
    }
    auto response = upload != nullptr ? config_.http->send(request, upload->content_length, counting_source, attempt_deadline)
                    : sink != nullptr ? config_.http->send(request, attempt_deadline, counting_sink)
                                      : config_.http->send(request, attempt_deadline);
    if (!response && delivered > 0) return {std::move(response).error(), FailureKind::fatal};
    if (response) {
      outcome.status = response->status;
      outcome.request_id = std::string(response->header("x-amzn-RequestId"));
    }
    if (!response) {
      const auto kind = classify_error(response.error());
      return {std::move(response).error(), kind};
    }
    // DynamoDB sends the CRC-32 of every body; a mismatch is a body damaged on the way, worth
    // another attempt (as the AWS SDKs treat it).
    if (auto damaged = check_crc32(config_.prefix, *response); !damaged) return {std::move(damaged).error(), FailureKind::transient};
    if (response->status >= 200 && response->status < 300) return {std::move(*response), FailureKind::fatal};
    auto error = parse_error ? parse_error(*response)
                             : parse_json_error(config_.prefix, response->status, response->body, response->header("x-amzn-ErrorType"));
    // An upload's source was read: the body cannot be sent again, whatever the answer.
    const auto kind = upload != nullptr && delivered > 0 ? FailureKind::fatal : classify_error(error);
    return {std::move(error), kind};
  };
  auto result = with_retries<HttpResponse>(config_.retry, quota_, deadline, attempt);
  if (scope) {
    if (!result) {
      outcome.error_code = result.error().code;
      outcome.throttled = classify_error(result.error()) == FailureKind::throttling;
    }
    scope->end(outcome);
  }
  return result;
}

CallInfo ServiceClient::call_info(std::string_view method, std::string_view path, const std::vector<Header>& headers,
                                  std::string_view body) const {
  CallInfo info;
  info.service = config_.prefix;
  info.region = config_.region;
  for (const auto& [name, value] : headers) {
    // JSON protocols name the action in X-Amz-Target: "DynamoDB_20120810.GetItem".
    if (name == "X-Amz-Target") info.operation = value.substr(value.find('.') + 1);
  }
  // The query protocol names it first in the body: "Action=AssumeRole&...".
  if (info.operation.empty() && body.starts_with("Action=")) info.operation = body.substr(7, body.find('&') - 7);
  if (info.operation.empty()) info.operation = std::string(method) + " " + std::string(path);
  if (config_.prefix == "DynamoDB") {
    boost::system::error_code ec;
    const auto request = json::parse(body, ec);
    if (const auto* table = !ec && request.is_object() ? request.as_object().if_contains("TableName") : nullptr;
        table != nullptr && table->is_string()) {
      info.table_name = std::string(table->get_string());
    }
  }
  return info;
}

std::vector<Header> json_protocol_headers(std::string_view content_type, std::string target) {
  return {{"Content-Type", std::string(content_type)}, {"X-Amz-Target", std::move(target)}, {"Accept-Encoding", "identity"}};
}

Result<json::object> ServiceClient::call_json(std::string_view content_type, std::string target, const json::object& request,
                                              Deadline deadline, const ErrorParser& parse_error) {
  auto response = send("POST", "", json_protocol_headers(content_type, std::move(target)), json::serialize(request), deadline,
                       parse_error);
  if (!response) return std::move(response).error();
  boost::system::error_code ec;
  auto answer = json::parse(response->body, ec);
  if (!ec && answer.is_object()) return std::move(answer.as_object());
  return malformed_answer(config_.prefix, config_.prefix + " answered with a body that is not a JSON object: " + excerpt(response->body));
}

Result<XmlElement> ServiceClient::call_query(std::string_view action, std::string_view version,
                                             const std::vector<std::pair<std::string, std::string>>& parameters, Deadline deadline,
                                             Signing signing) {
  auto response = send("POST", "", {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                       query_protocol_body(action, version, parameters), deadline,
                       [this](const HttpResponse& answer) { return parse_xml_error(config_.prefix, answer.status, answer.body); },
                       signing);
  if (!response) return std::move(response).error();
  return parse_xml(config_.prefix, response->body);
}

Result<ServiceClient::Config> service_config(ServiceOptions options, std::string_view prefix, std::string_view signing_name,
                                             const char* env_name, std::string_view host_prefix, std::string_view label) {
  std::string region = !options.region.empty() ? std::move(options.region) : resolve_region().value_or("us-east-1");
  LIFT_TRY(endpoint, resolve_endpoint(std::move(options.endpoint), env_name, host_prefix, region, label));
  LIFT_TRY(faults, resolve_faults(std::move(options.faults)));
  return ServiceClient::Config{std::string(prefix),        std::string(signing_name),   std::move(endpoint),
                               std::move(region),          options.retry,               std::move(options.http),
                               std::move(options.credentials), std::move(options.breaker), std::move(faults)};
}

}  // namespace lift::aws::detail
