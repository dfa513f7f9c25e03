// `lift events list`, `lift events generate SOURCE [options]` and `lift events inspect FILE|-`:
// sample events in AWS's shapes for every source the runtime classifies, and what lift sees in
// an event (the runtime's own events::detect and typed models).

#include <array>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <boost/url.hpp>

#include "commands.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/compression.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "lift/core/time.hpp"
#include "lift/core/utf8.hpp"
#include "lift/core/uuid.hpp"
#include "lift/events/models.hpp"

namespace lift::cli {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

constexpr const char* kAccount = "123456789012";

// ---- shared helpers ----

std::string random_hex(std::mt19937_64& rng, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < digits; ++i) out += kHex[rng() % 16];
  return out;
}

std::string random_digits(std::mt19937_64& rng, int digits) {
  std::string out;
  for (int i = 0; i < digits; ++i) out += static_cast<char>('0' + rng() % 10);
  return out;
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 engine(std::random_device{}());
  return engine;
}

std::int64_t epoch_ms() { return lift::epoch_ms(std::chrono::system_clock::now()); }

std::string format_time(const char* format, bool millis = false) {
  const auto ms = epoch_ms();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, format, &utc);
  std::string out = text;
  if (millis) {
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(ms % 1000));
    out += fraction;
  }
  return out;
}

std::string rfc3339(bool millis = false) {
  return lift::rfc3339(std::chrono::system_clock::now(), millis ? lift::Fraction::millis : lift::Fraction::none);
}
std::string clf_time() { return lift::clf_time(std::chrono::system_clock::now()); }

bool split(const std::string& text, const char* separators, std::string& name, std::string& value) {
  const auto at = text.find_first_of(separators);
  if (at == std::string::npos || at == 0) return false;
  name = text.substr(0, at);
  value = text.substr(at + 1);
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  return true;
}

int usage(const std::string& message) {
  std::cerr << "lift events: " << message << '\n';
  return kExitUsage;
}

int print(const value& event) {
  std::cout << boost::json::serialize(event) << '\n';
  return kExitOk;
}

// MD5 (RFC 1321), for the md5OfBody SQS computes.
std::string md5_hex(std::string_view data) { return lift::hex::encode(lift::digest::md5(data)); }

// gzip of `data`, as CloudWatch Logs compresses subscription payloads.
std::optional<std::string> gzip(std::string_view data) {
  auto out = lift::compression::deflate(data, lift::compression::Framing::gzip, lift::compression::Level::best);
  return out ? std::optional<std::string>(std::move(*out)) : std::nullopt;
}

// ---- HTTP sources ----

struct HttpEventOptions {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> query;    // name=value
  std::vector<std::string> headers;  // name: value or name=value
  std::string body;
};

// The request's parts, checked: headers in order (names lower-cased when `lower`), query
// parameters in order.
struct HttpParts {
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> query;
  std::string raw_query;  // percent-encoded
};

std::optional<HttpParts> http_parts(const HttpEventOptions& options, bool lower, object defaults) {
  if (options.path.empty() || options.path.front() != '/') {
    usage("--path must start with '/'");
    return std::nullopt;
  }
  HttpParts parts;
  for (const auto& field : defaults) parts.headers.emplace_back(std::string(field.key()), std::string(field.value().as_string()));
  for (const auto& header : options.headers) {
    std::string name, text;
    if (!split(header, ":=", name, text)) {
      usage("--header expects NAME:VALUE, got '" + header + "'");
      return std::nullopt;
    }
    if (lower) {
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::erase_if(parts.headers, [&name](const auto& h) { return h.first == name; });
    parts.headers.emplace_back(name, text);
  }
  boost::urls::url query_url;
  for (const auto& parameter : options.query) {
    std::string name, text;
    if (!split(parameter, "=", name, text)) {
      usage("--query expects NAME=VALUE, got '" + parameter + "'");
      return std::nullopt;
    }
    query_url.params().append({name, text});
    parts.query.emplace_back(name, text);
  }
  parts.raw_query = std::string(query_url.encoded_query());
  return parts;
}

// HTTP API (payload 2.0) and Function URL events share their shape.
int generate_http_v2(const HttpEventOptions& options, bool function_url) {
  const std::string api_id = function_url ? random_hex(rng(), 32) : random_hex(rng(), 10);
  const std::string domain =
      function_url ? api_id + ".lambda-url.us-east-1.on.aws" : api_id + ".execute-api.us-east-1.amazonaws.com";
  object defaults{{"accept", "*/*"},
                  {"host", domain},
                  {"user-agent", "curl/8.5.0"},
                  {"x-amzn-trace-id", "Root=1-" + random_hex(rng(), 8) + "-" + random_hex(rng(), 24)},
                  {"x-forwarded-for", "203.0.113.10"},
                  {"x-forwarded-port", "443"},
                  {"x-forwarded-proto", "https"}};
  auto parts = http_parts(options, true, std::move(defaults));
  if (!parts) return kExitUsage;
  object headers;
  for (const auto& [name, text] : parts->headers) headers[name] = text;
  object query;
  for (const auto& [name, text] : parts->query) {
    // Repeated names are joined with commas, as HTTP APIs do.
    if (auto* existing = query.if_contains(name)) {
      *existing = std::string(existing->as_string()) + "," + text;
    } else {
      query[name] = text;
    }
  }
  object event;
  event["version"] = "2.0";
  event["routeKey"] = "$default";
  event["rawPath"] = options.path;
  event["rawQueryString"] = parts->raw_query;
  event["headers"] = headers;
  if (!query.empty()) event["queryStringParameters"] = query;
  object context{{"accountId", function_url ? "anonymous" : kAccount},
                 {"apiId", api_id},
                 {"domainName", domain},
                 {"domainPrefix", api_id},
                 {"http",
                  {{"method", options.method},
                   {"path", options.path},
                   {"protocol", "HTTP/1.1"},
                   {"sourceIp", "203.0.113.10"},
                   {"userAgent", "curl/8.5.0"}}},
                 {"requestId", function_url ? lift::uuid() : random_hex(rng(), 8) + "="},
                 {"routeKey", "$default"},
                 {"stage", "$default"},
                 {"time", clf_time()},
                 {"timeEpoch", epoch_ms()}};
  event["requestContext"] = std::move(context);
  if (!options.body.empty()) event["body"] = options.body;
  event["isBase64Encoded"] = false;
  return print(event);
}

// Single- and multi-value maps of name/value pairs, as REST APIs and ALBs send them.
void add_value_maps(object& event, const char* single, const char* multi,
                    const std::vector<std::pair<std::string, std::string>>& pairs, bool null_when_empty) {
  object one, many;
  for (const auto& [name, text] : pairs) {
    one[name] = text;  // the last value, as API Gateway does
    if (auto* list = many.if_contains(name)) {
      list->as_array().emplace_back(text);
    } else {
      many[name] = array{value(text)};
    }
  }
  if (pairs.empty() && null_when_empty) {
    event[single] = nullptr;
    event[multi] = nullptr;
  } else {
    event[single] = std::move(one);
    event[multi] = std::move(many);
  }
}

int generate_apigw_rest(const HttpEventOptions& options) {
  const std::string api_id = random_hex(rng(), 10);
  const std::string domain = api_id + ".execute-api.us-east-1.amazonaws.com";
  object defaults{{"Accept", "*/*"},
                  {"Host", domain},
                  {"User-Agent", "curl/8.5.0"},
                  {"X-Amzn-Trace-Id", "Root=1-" + random_hex(rng(), 8) + "-" + random_hex(rng(), 24)},
                  {"X-Forwarded-For", "203.0.113.10"},
                  {"X-Forwarded-Port", "443"},
                  {"X-Forwarded-Proto", "https"}};
  auto parts = http_parts(options, false, std::move(defaults));
  if (!parts) return kExitUsage;
  object event;
  event["resource"] = "/{proxy+}";
  event["path"] = options.path;
  event["httpMethod"] = options.method;
  add_value_maps(event, "headers", "multiValueHeaders", parts->headers, false);
  add_value_maps(event, "queryStringParameters", "multiValueQueryStringParameters", parts->query, true);
  event["pathParameters"] = object{{"proxy", options.path.substr(1)}};
  event["stageVariables"] = nullptr;
  const std::string request_id = lift::uuid();
  event["requestContext"] = object{{"resourceId", random_hex(rng(), 6)},
                                   {"resourcePath", "/{proxy+}"},
                                   {"httpMethod", options.method},
                                   {"extendedRequestId", random_hex(rng(), 14) + "="},
                                   {"requestTime", clf_time()},
                                   {"path", "/prod" + options.path},
                                   {"accountId", kAccount},
                                   {"protocol", "HTTP/1.1"},
                                   {"stage", "prod"},
                                   {"domainPrefix", api_id},
                                   {"requestTimeEpoch", epoch_ms()},
                                   {"requestId", request_id},
                                   {"identity",
                                    {{"cognitoIdentityPoolId", nullptr},
                                     {"accountId", nullptr},
                                     {"cognitoIdentityId", nullptr},
                                     {"caller", nullptr},
                                     {"sourceIp", "203.0.113.10"},
                                     {"principalOrgId", nullptr},
                                     {"accessKey", nullptr},
                                     {"cognitoAuthenticationType", nullptr},
                                     {"cognitoAuthenticationProvider", nullptr},
                                     {"userArn", nullptr},
                                     {"userAgent", "curl/8.5.0"},
                                     {"user", nullptr}}},
                                   {"domainName", domain},
                                   {"apiId", api_id}};
  event["body"] = options.body.empty() ? value(nullptr) : value(options.body);
  event["isBase64Encoded"] = false;
  return print(event);
}

int generate_alb(const HttpEventOptions& options) {
  object defaults{{"accept", "*/*"},
                  {"connection", "keep-alive"},
                  {"host", "lift-alb-1234567890.us-east-1.elb.amazonaws.com"},
                  {"user-agent", "curl/8.5.0"},
                  {"x-amzn-trace-id", "Root=1-" + random_hex(rng(), 8) + "-" + random_hex(rng(), 24)},
                  {"x-forwarded-for", "203.0.113.10"},
                  {"x-forwarded-port", "80"},
                  {"x-forwarded-proto", "http"}};
  auto parts = http_parts(options, true, std::move(defaults));
  if (!parts) return kExitUsage;
  object event;
  event["requestContext"] = object{{"elb",
                                    {{"targetGroupArn", "arn:aws:elasticloadbalancing:us-east-1:" + std::string(kAccount) +
                                                            ":targetgroup/lift-target/" + random_hex(rng(), 16)}}}};
  event["httpMethod"] = options.method;
  event["path"] = options.path;
  // Single-value mode (the target group default): values stay percent-encoded.
  object query;
  for (const auto& [name, text] : parts->query) {
    query[boost::urls::encode(name, boost::urls::unreserved_chars)] = boost::urls::encode(text, boost::urls::unreserved_chars);
  }
  event["queryStringParameters"] = std::move(query);
  object headers;
  for (const auto& [name, text] : parts->headers) headers[name] = text;
  event["headers"] = std::move(headers);
  event["body"] = options.body;
  event["isBase64Encoded"] = false;
  return print(event);
}

struct WebSocketOptions {
  std::string route_key = "$default";
  std::string event_type = "MESSAGE";
  std::string connection_id;
  std::string body;
};

int generate_apigw_websocket(const WebSocketOptions& options) {
  if (options.event_type != "CONNECT" && options.event_type != "MESSAGE" && options.event_type != "DISCONNECT") {
    return usage("--event-type is CONNECT, MESSAGE or DISCONNECT");
  }
  const std::string api_id = random_hex(rng(), 10);
  const std::string domain = api_id + ".execute-api.us-east-1.amazonaws.com";
  const std::string connection = options.connection_id.empty() ? random_hex(rng(), 14) + "=" : options.connection_id;
  std::string route = options.route_key;
  if (options.event_type == "CONNECT") route = "$connect";
  if (options.event_type == "DISCONNECT") route = "$disconnect";
  const auto now = epoch_ms();
  object context{{"routeKey", route},
                 {"eventType", options.event_type},
                 {"extendedRequestId", random_hex(rng(), 14) + "="},
                 {"requestTime", clf_time()},
                 {"messageDirection", "IN"},
                 {"stage", "prod"},
                 {"connectedAt", now - 1500},
                 {"requestTimeEpoch", now},
                 {"identity", {{"userAgent", "wscat/6.0"}, {"sourceIp", "203.0.113.10"}}},
                 {"requestId", random_hex(rng(), 14) + "="},
                 {"domainName", domain},
                 {"connectionId", connection},
                 {"apiId", api_id}};
  object event;
  if (options.event_type == "MESSAGE") {
    context["messageId"] = random_hex(rng(), 14) + "=";
  } else {
    event["headers"] = object{{"Host", domain}, {"Sec-WebSocket-Version", "13"}, {"X-Forwarded-Proto", "https"}};
    event["multiValueHeaders"] = object{{"Host", array{value(domain)}},
                                        {"Sec-WebSocket-Version", array{value("13")}},
                                        {"X-Forwarded-Proto", array{value("https")}}};
  }
  if (options.event_type == "DISCONNECT") {
    context["disconnectStatusCode"] = 1005;
    context["disconnectReason"] = "Client-side close frame status not set";
  }
  event["requestContext"] = std::move(context);
  if (options.event_type == "MESSAGE") event["body"] = options.body;
  event["isBase64Encoded"] = false;
  return print(event);
}

// ---- queues, topics, buckets, streams ----

struct SqsOptions {
  std::string queue = "orders";
  std::vector<std::string> bodies;
  bool fifo = false;
  std::string group_id = "default";
  std::string region = "us-east-1";
};

int generate_sqs(const SqsOptions& options) {
  std::string queue = options.queue;
  const bool fifo = options.fifo || queue.ends_with(".fifo");
  if (fifo && !queue.ends_with(".fifo")) queue += ".fifo";
  const std::vector<std::string> bodies = options.bodies.empty() ? std::vector<std::string>{"Hello from SQS!"} : options.bodies;
  const auto now = epoch_ms();
  const std::string sequence_base = random_digits(rng(), 14);
  array records;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    object attributes{{"ApproximateReceiveCount", "1"},
                      {"SentTimestamp", std::to_string(now - 200 + static_cast<std::int64_t>(i))},
                      {"SenderId", "AIDAIENQZJOLO23YVJ4VO"},
                      {"ApproximateFirstReceiveTimestamp", std::to_string(now)}};
    if (fifo) {
      attributes["SequenceNumber"] = "1" + sequence_base + std::to_string(100000 + i);
      attributes["MessageGroupId"] = options.group_id;
      attributes["MessageDeduplicationId"] = md5_hex(bodies[i] + std::to_string(i));
    }
    records.push_back(object{{"messageId", lift::uuid()},
                             {"receiptHandle", "AQEB" + lift::base64::encode(random_hex(rng(), 48))},
                             {"body", bodies[i]},
                             {"attributes", std::move(attributes)},
                             {"messageAttributes", object{}},
                             {"md5OfBody", md5_hex(bodies[i])},
                             {"eventSource", "aws:sqs"},
                             {"eventSourceARN", "arn:aws:sqs:" + options.region + ":" + kAccount + ":" + queue},
                             {"awsRegion", options.region}});
  }
  return print(object{{"Records", std::move(records)}});
}

struct SnsOptions {
  std::string topic = "alerts";
  std::string message = "Hello from SNS!";
  std::string subject = "";
  std::string region = "us-east-1";
};

int generate_sns(const SnsOptions& options) {
  const std::string topic_arn = "arn:aws:sns:" + options.region + ":" + kAccount + ":" + options.topic;
  const std::string endpoint = "https://sns." + options.region + ".amazonaws.com";
  object sns{{"Type", "Notification"},
             {"MessageId", lift::uuid()},
             {"TopicArn", topic_arn},
             {"Subject", options.subject.empty() ? value(nullptr) : value(options.subject)},
             {"Message", options.message},
             {"Timestamp", rfc3339(true)},
             {"SignatureVersion", "1"},
             {"Signature", lift::base64::encode(random_hex(rng(), 64))},
             {"SigningCertUrl", endpoint + "/SimpleNotificationService-" + random_hex(rng(), 32) + ".pem"},
             {"UnsubscribeUrl", endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + topic_arn + ":" + lift::uuid()},
             {"MessageAttributes", object{}}};
  object record{{"EventSource", "aws:sns"},
                {"EventVersion", "1.0"},
                {"EventSubscriptionArn", topic_arn + ":" + lift::uuid()},
                {"Sns", std::move(sns)}};
  return print(object{{"Records", array{value(std::move(record))}}});
}

struct S3Options {
  std::string bucket = "my-bucket";
  std::string key = "uploads/photo.jpg";
  std::string event_name = "ObjectCreated:Put";
  std::int64_t size = 1024;
  std::string region = "us-east-1";
};

int generate_s3(const S3Options& options) {
  if (options.bucket.empty() || options.key.empty()) return usage("--bucket and --key must not be empty");
  object object_entry{{"key", lift::events::encode_s3_key(options.key)}, {"sequencer", "00" + random_hex(rng(), 16)}};
  if (!options.event_name.starts_with("ObjectRemoved")) {
    object_entry["size"] = options.size;
    object_entry["eTag"] = md5_hex(options.key);
  }
  object record{{"eventVersion", "2.1"},
                {"eventSource", "aws:s3"},
                {"awsRegion", options.region},
                {"eventTime", rfc3339(true)},
                {"eventName", options.event_name},
                {"userIdentity", {{"principalId", "AWS:AIDAINPONIXQXHT3IKHL2"}}},
                {"requestParameters", {{"sourceIPAddress", "203.0.113.10"}}},
                {"responseElements",
                 {{"x-amz-request-id", random_hex(rng(), 16)}, {"x-amz-id-2", lift::base64::encode(random_hex(rng(), 40))}}},
                {"s3",
                 {{"s3SchemaVersion", "1.0"},
                  {"configurationId", "lift-notification"},
                  {"bucket",
                   {{"name", options.bucket},
                    {"ownerIdentity", {{"principalId", "A3NL1KOZZKExample"}}},
                    {"arn", "arn:aws:s3:::" + options.bucket}}},
                  {"object", std::move(object_entry)}}}};
  return print(object{{"Records", array{value(std::move(record))}}});
}

struct EventBridgeOptions {
  std::string source = "com.example.orders";
  std::string detail_type = "Order Placed";
  std::string detail = R"({"order_id":"o-1","total":42.5})";
  std::string region = "us-east-1";
};

object eventbridge_envelope(const std::string& source, const std::string& detail_type, array resources, value detail,
                            const std::string& region) {
  return object{{"version", "0"},
                {"id", lift::uuid()},
                {"detail-type", detail_type},
                {"source", source},
                {"account", kAccount},
                {"time", rfc3339()},
                {"region", region},
                {"resources", std::move(resources)},
                {"detail", std::move(detail)}};
}

int generate_eventbridge(const EventBridgeOptions& options) {
  boost::json::error_code error;
  auto detail = boost::json::parse(options.detail, error);
  if (error) return usage("--detail is not JSON: " + error.message());
  if (options.source.empty() || options.detail_type.empty()) return usage("--source and --detail-type must not be empty");
  if (options.source == "aws.events" && options.detail_type == "Scheduled Event") {
    return usage("that is a scheduled event: use `lift events generate scheduled`");
  }
  return print(eventbridge_envelope(options.source, options.detail_type, array{}, std::move(detail), options.region));
}

struct ScheduledOptions {
  std::string rule = "nightly";
  std::string region = "us-east-1";
};

int generate_scheduled(const ScheduledOptions& options) {
  if (options.rule.empty()) return usage("--rule must not be empty");
  array resources{value("arn:aws:events:" + options.region + ":" + kAccount + ":rule/" + options.rule)};
  return print(eventbridge_envelope("aws.events", "Scheduled Event", std::move(resources), object{}, options.region));
}

struct DynamoDBOptions {
  std::string table = "Orders";
  std::vector<std::string> ids;
  std::string event_name = "INSERT";
  std::string region = "us-east-1";
};

int generate_dynamodb_stream(const DynamoDBOptions& options) {
  if (options.event_name != "INSERT" && options.event_name != "MODIFY" && options.event_name != "REMOVE") {
    return usage("--event-name is INSERT, MODIFY or REMOVE");
  }
  const std::vector<std::string> ids = options.ids.empty() ? std::vector<std::string>{"1"} : options.ids;
  const std::string stream_arn =
      "arn:aws:dynamodb:" + options.region + ":" + kAccount + ":table/" + options.table + "/stream/" + rfc3339(true);
  const std::string sequence_base = random_digits(rng(), 18);
  array records;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const object keys{{"id", {{"S", ids[i]}}}};
    object image{{"id", {{"S", ids[i]}}}, {"status", {{"S", "PENDING"}}}, {"total", {{"N", "42.5"}}}};
    object change{{"ApproximateCreationDateTime", epoch_ms() / 1000}, {"Keys", keys}};
    if (options.event_name != "REMOVE") change["NewImage"] = image;
    if (options.event_name != "INSERT") {
      image["status"] = object{{"S", "NEW"}};
      change["OldImage"] = std::move(image);
    }
    change["SequenceNumber"] = std::to_string(i + 1) + sequence_base;
    change["SizeBytes"] = 59;
    change["StreamViewType"] = "NEW_AND_OLD_IMAGES";
    records.push_back(object{{"eventID", random_hex(rng(), 32)},
                             {"eventName", options.event_name},
                             {"eventVersion", "1.1"},
                             {"eventSource", "aws:dynamodb"},
                             {"awsRegion", options.region},
                             {"dynamodb", std::move(change)},
                             {"eventSourceARN", stream_arn}});
  }
  return print(object{{"Records", std::move(records)}});
}

struct KinesisOptions {
  std::string stream = "events";
  std::vector<std::string> data;
  std::string partition_key = "partition-1";
  std::string region = "us-east-1";
};

int generate_kinesis(const KinesisOptions& options) {
  const std::vector<std::string> data = options.data.empty() ? std::vector<std::string>{"Hello from Kinesis!"} : options.data;
  const std::string sequence_base = "4959" + random_digits(rng(), 40);
  const double arrival = static_cast<double>(epoch_ms()) / 1000.0;
  array records;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::string sequence = sequence_base + std::to_string(10 + i);
    records.push_back(
        object{{"kinesis",
                {{"kinesisSchemaVersion", "1.0"},
                 {"partitionKey", options.partition_key},
                 {"sequenceNumber", sequence},
                 {"data", lift::base64::encode(data[i])},
                 {"approximateArrivalTimestamp", arrival}}},
               {"eventSource", "aws:kinesis"},
               {"eventVersion", "1.0"},
               {"eventID", "shardId-000000000000:" + sequence},
               {"eventName", "aws:kinesis:record"},
               {"invokeIdentityArn", "arn:aws:iam::" + std::string(kAccount) + ":role/lambda-kinesis-role"},
               {"awsRegion", options.region},
               {"eventSourceARN", "arn:aws:kinesis:" + options.region + ":" + kAccount + ":stream/" + options.stream}});
  }
  return print(object{{"Records", std::move(records)}});
}

struct LogsOptions {
  std::string log_group = "/aws/lambda/my-function";
  std::string log_stream;
  std::vector<std::string> messages;
};

int generate_cloudwatch_logs(const LogsOptions& options) {
  const std::vector<std::string> messages =
      options.messages.empty() ? std::vector<std::string>{"START RequestId: 1 Version: $LATEST", "END RequestId: 1"}
                               : options.messages;
  const auto now = epoch_ms();
  array log_events;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    log_events.push_back(
        object{{"id", random_digits(rng(), 56)}, {"timestamp", now + static_cast<std::int64_t>(i)}, {"message", messages[i]}});
  }
  const std::string stream =
      options.log_stream.empty() ? format_time("%Y/%m/%d") + "/[$LATEST]" + random_hex(rng(), 32) : options.log_stream;
  const object payload{{"messageType", "DATA_MESSAGE"},
                       {"owner", kAccount},
                       {"logGroup", options.log_group},
                       {"logStream", stream},
                       {"subscriptionFilters", array{value("lift-subscription")}},
                       {"logEvents", std::move(log_events)}};
  auto compressed = gzip(boost::json::serialize(payload));
  if (!compressed) {
    std::cerr << "lift events: gzip failed\n";
    return kExitFunctionError;
  }
  return print(object{{"awslogs", {{"data", lift::base64::encode(*compressed)}}}});
}

// ---- authorizers and Cognito ----

struct TokenAuthorizerOptions {
  std::string token = "allow";
  std::string method_arn;
};

std::string method_arn(const std::string& method, const std::string& path) {
  return "arn:aws:execute-api:us-east-1:" + std::string(kAccount) + ":abcdef1234/prod/" + method + path;
}

int generate_authorizer_token(const TokenAuthorizerOptions& options) {
  const std::string arn = options.method_arn.empty() ? method_arn("GET", "/") : options.method_arn;
  return print(object{{"type", "TOKEN"}, {"authorizationToken", options.token}, {"methodArn", arn}});
}

struct RequestAuthorizerOptions {
  std::string version = "1.0";
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::string> headers;
};

int generate_authorizer_request(const RequestAuthorizerOptions& options) {
  if (options.version != "1.0" && options.version != "2.0") return usage("--version is 1.0 or 2.0");
  if (options.path.empty() || options.path.front() != '/') return usage("--path must start with '/'");
  object headers{
      {"accept", "*/*"}, {"authorization", "Bearer allow"}, {"host", "abcdef1234.execute-api.us-east-1.amazonaws.com"}};
  for (const auto& header : options.headers) {
    std::string name, text;
    if (!split(header, ":=", name, text)) return usage("--header expects NAME:VALUE, got '" + header + "'");
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers[name] = text;
  }
  const std::string request_id = lift::uuid();
  if (options.version == "2.0") {
    const std::string route_arn =
        "arn:aws:execute-api:us-east-1:" + std::string(kAccount) + ":abcdef1234/$default/" + options.method + options.path;
    object event{{"version", "2.0"},
                 {"type", "REQUEST"},
                 {"routeArn", route_arn},
                 {"identitySource", array{headers.contains("authorization") ? headers["authorization"] : value("")}},
                 {"routeKey", options.method + " " + options.path},
                 {"rawPath", options.path},
                 {"rawQueryString", ""},
                 {"headers", headers},
                 {"requestContext",
                  {{"accountId", kAccount},
                   {"apiId", "abcdef1234"},
                   {"domainName", "abcdef1234.execute-api.us-east-1.amazonaws.com"},
                   {"domainPrefix", "abcdef1234"},
                   {"http",
                    {{"method", options.method},
                     {"path", options.path},
                     {"protocol", "HTTP/1.1"},
                     {"sourceIp", "203.0.113.10"},
                     {"userAgent", "curl/8.5.0"}}},
                   {"requestId", request_id},
                   {"routeKey", options.method + " " + options.path},
                   {"stage", "$default"},
                   {"time", clf_time()},
                   {"timeEpoch", epoch_ms()}}}};
    return print(event);
  }
  object multi;
  for (const auto& field : headers) multi[field.key()] = array{field.value()};
  object event{{"type", "REQUEST"},
               {"methodArn", method_arn(options.method, options.path)},
               {"resource", options.path},
               {"path", options.path},
               {"httpMethod", options.method},
               {"headers", headers},
               {"multiValueHeaders", std::move(multi)},
               {"queryStringParameters", object{}},
               {"multiValueQueryStringParameters", object{}},
               {"pathParameters", object{}},
               {"stageVariables", object{}},
               {"requestContext",
                {{"resourcePath", options.path},
                 {"httpMethod", options.method},
                 {"requestTime", clf_time()},
                 {"path", "/prod" + options.path},
                 {"accountId", kAccount},
                 {"protocol", "HTTP/1.1"},
                 {"stage", "prod"},
                 {"domainPrefix", "abcdef1234"},
                 {"requestTimeEpoch", epoch_ms()},
                 {"requestId", request_id},
                 {"identity", {{"sourceIp", "203.0.113.10"}, {"userAgent", "curl/8.5.0"}}},
                 {"domainName", "abcdef1234.execute-api.us-east-1.amazonaws.com"},
                 {"apiId", "abcdef1234"}}}};
  return print(event);
}

struct CognitoOptions {
  std::string trigger = "PreSignUp_SignUp";
  std::string user_pool_id = "us-east-1_EXAMPLE";
  std::string username = "jane";
  std::string email = "jane@example.com";
};

// The request and (empty) response members Cognito sends for a trigger, by its family.
void cognito_parts(const std::string& trigger, const CognitoOptions& options, object& request, value& response) {
  const object attributes{{"sub", lift::uuid()}, {"email", options.email}, {"email_verified", "true"}};
  request["userAttributes"] = attributes;
  if (trigger.starts_with("PreSignUp_")) {
    request["validationData"] = nullptr;
    response = object{{"autoConfirmUser", false}, {"autoVerifyEmail", false}, {"autoVerifyPhone", false}};
  } else if (trigger.starts_with("TokenGeneration_")) {
    request["groupConfiguration"] =
        object{{"groupsToOverride", array{}}, {"iamRolesToOverride", array{}}, {"preferredRole", nullptr}};
    response = object{{"claimsOverrideDetails", nullptr}};
  } else if (trigger.starts_with("DefineAuthChallenge_")) {
    request["session"] = array{};
    response = object{{"challengeName", nullptr}, {"issueTokens", false}, {"failAuthentication", false}};
  } else if (trigger.starts_with("CreateAuthChallenge_")) {
    request["challengeName"] = "CUSTOM_CHALLENGE";
    request["session"] = array{};
    response =
        object{{"publicChallengeParameters", nullptr}, {"privateChallengeParameters", nullptr}, {"challengeMetadata", nullptr}};
  } else if (trigger.starts_with("VerifyAuthChallengeResponse_")) {
    request["privateChallengeParameters"] = object{{"answer", "42"}};
    request["challengeAnswer"] = "42";
    response = object{{"answerCorrect", false}};
  } else if (trigger.starts_with("UserMigration_")) {
    request.erase("userAttributes");
    request["password"] = "example-password";
    response = object{{"userAttributes", nullptr},
                      {"finalUserStatus", nullptr},
                      {"messageAction", nullptr},
                      {"desiredDeliveryMediums", nullptr}};
  } else if (trigger.starts_with("CustomMessage_")) {
    request["codeParameter"] = "{####}";
    request["usernameParameter"] = nullptr;
    response = object{{"smsMessage", nullptr}, {"emailMessage", nullptr}, {"emailSubject", nullptr}};
  } else {
    // PostConfirmation_, PreAuthentication_, PostAuthentication_: nothing to answer.
    response = object{};
  }
}

int generate_cognito(const CognitoOptions& options) {
  if (options.trigger.empty() || options.user_pool_id.empty()) return usage("--trigger and --user-pool-id must not be empty");
  object request;
  value response;
  cognito_parts(options.trigger, options, request, response);
  const auto underscore = options.user_pool_id.find('_');
  const std::string region = underscore == std::string::npos ? "us-east-1" : options.user_pool_id.substr(0, underscore);
  return print(object{{"version", "1"},
                      {"triggerSource", options.trigger},
                      {"region", region},
                      {"userPoolId", options.user_pool_id},
                      {"userName", options.username},
                      {"callerContext", {{"awsSdkVersion", "aws-sdk-unknown-unknown"}, {"clientId", random_hex(rng(), 26)}}},
                      {"request", std::move(request)},
                      {"response", std::move(response)}});
}

// ---- inspect ----

int run_inspect(const std::string& source) {
  std::string text;
  if (source == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(source, std::ios::binary);
    if (!file) return usage("cannot read the event file " + source);
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  boost::json::error_code error;
  const auto event = boost::json::parse(text, error);
  if (error) return usage("the event is not valid JSON: " + error.message());
  return print(events::inspect(event));
}

// ---- registration ----

const char* description_of(std::string_view name) {
  const auto kind = events::kind_from_string(name);
  return kind ? kind->info().title.data() : "";
}

void add_http_options(CLI::App* command, HttpEventOptions& options) {
  command->add_option("--method", options.method, "HTTP method")->capture_default_str();
  command->add_option("--path", options.path, "request path")->capture_default_str();
  command->add_option("--query", options.query, "NAME=VALUE query parameter (repeatable)");
  command->add_option("--header", options.headers, "NAME:VALUE header (repeatable)");
  command->add_option("--body", options.body, "request body");
}

// Adds `generate NAME` with options bound to a shared `Options` and `run` as its action.
template <class Options>
std::pair<CLI::App*, std::shared_ptr<Options>> add_generator(CLI::App* generate, const char* name, int& exit_code,
                                                             std::function<int(const Options&)> run) {
  auto options = std::make_shared<Options>();
  auto* command = generate->add_subcommand(name, description_of(name));
  command->callback([options, run = std::move(run), &exit_code] { exit_code = run(*options); });
  return {command, options};
}

}  // namespace

void add_events_command(CLI::App& app, int& exit_code) {
  auto* events = app.add_subcommand("events", "Sample events in AWS's shapes, and what lift sees in an event");
  events->require_subcommand(1);

  auto* list = events->add_subcommand("list", "Name the event sources that can be generated");
  list->callback([&exit_code] {
    for (const auto kind : events::all_kinds()) {
      if (!kind.is_unknown()) std::cout << kind.name() << '\t' << kind.info().title << '\n';
    }
    exit_code = kExitOk;
  });

  auto inspected = std::make_shared<std::string>("-");
  auto* inspect_command = events->add_subcommand("inspect", "Print the kind, record count and records of an event (JSON)");
  inspect_command->add_option("EVENT", *inspected, "event JSON file, or - for stdin")->capture_default_str();
  inspect_command->callback([inspected, &exit_code] { exit_code = run_inspect(*inspected); });

  auto* generate = events->add_subcommand("generate", "Print a sample event");
  generate->require_subcommand(1);

  for (const bool url : {false, true}) {
    auto [command, options] =
        add_generator<HttpEventOptions>(generate, url ? "function-url" : "apigw-http", exit_code,
                                        [url](const HttpEventOptions& o) { return generate_http_v2(o, url); });
    add_http_options(command, *options);
  }
  {
    auto [command, options] = add_generator<HttpEventOptions>(generate, "apigw-rest", exit_code, generate_apigw_rest);
    add_http_options(command, *options);
  }
  {
    auto [command, options] = add_generator<HttpEventOptions>(generate, "alb", exit_code, generate_alb);
    add_http_options(command, *options);
  }
  {
    auto [command, options] = add_generator<WebSocketOptions>(generate, "apigw-websocket", exit_code, generate_apigw_websocket);
    command->add_option("--route-key", options->route_key, "route key of a MESSAGE")->capture_default_str();
    command->add_option("--event-type", options->event_type, "CONNECT, MESSAGE or DISCONNECT")->capture_default_str();
    command->add_option("--connection-id", options->connection_id, "connection id (random by default)");
    command->add_option("--body", options->body, "message body");
  }
  {
    auto [command, options] = add_generator<SqsOptions>(generate, "sqs", exit_code, generate_sqs);
    command->add_option("--queue", options->queue, "queue name")->capture_default_str();
    command->add_option("--body", options->bodies, "message body, one record each (repeatable)");
    command->add_flag("--fifo", options->fifo, "a FIFO queue (\".fifo\" is added to the name)");
    command->add_option("--group-id", options->group_id, "MessageGroupId of a FIFO queue")->capture_default_str();
    command->add_option("--region", options->region, "AWS region")->capture_default_str();
  }
  {
    auto [command, options] = add_generator<SnsOptions>(generate, "sns", exit_code, generate_sns);
    command->add_option("--topic", options->topic, "topic name")->capture_default_str();
    command->add_option("--message", options->message, "message")->capture_default_str();
    command->add_option("--subject", options->subject, "subject");
    command->add_option("--region", options->region, "AWS region")->capture_default_str();
  }
  {
    auto [command, options] = add_generator<S3Options>(generate, "s3", exit_code, generate_s3);
    command->add_option("--bucket", options->bucket, "bucket name")->capture_default_str();
    command->add_option("--key", options->key, "object key (written URL-encoded, as S3 does)")->capture_default_str();
    command->add_option("--event-name", options->event_name, "ObjectCreated:Put, ObjectRemoved:Delete, ...")
        ->capture_default_str();
    command->add_option("--size", options->size, "object size in bytes")->capture_default_str();
    command->add_option("--region", options->region, "AWS region")->capture_default_str();
  }
  {
    auto [command, options] = add_generator<EventBridgeOptions>(generate, "eventbridge", exit_code, generate_eventbridge);
    command->add_option("--source", options->source, "event source")->capture_default_str();
    command->add_option("--detail-type", options->detail_type, "detail-type")->capture_default_str();
    command->add_option("--detail", options->detail, "detail (JSON)")->capture_default_str();
    command->add_option("--region", options->region, "AWS region")->capture_default_str();
  }
  {
    auto [command, options] = add_generator<ScheduledOptions>(generate, "scheduled", exit_code, generate_scheduled);
    command->add_option("--rule", options->rule, "rule name")->capture_default_str();
    command->add_option("--region", options->region, "AWS region")->capture_default_str();
  }
  {
    auto [command, options] = add_generator<DynamoDBOptions>(generate, "dynamodb-stream", exit_code, generate_dynamodb_stream);
    command->add_option("--table", options->table, "table name")->capture_default_str();
    command->add_option("--id", options->ids, "the item's id (S), one record each (repeatable)");
    command->add_option("--event-name", options->event_name, "INSERT, MODIFY or REMOVE")->capture_default_str();
    command->add_option("--region", options->region, "AWS region")->capture_default_str();
  }
  {
    auto [command, options] = add_generator<KinesisOptions>(generate, "kinesis", exit_code, generate_kinesis);
    command->add_option("--stream", options->stream, "stream name")->capture_default_str();
    command->add_option("--data", options->data, "record data, one record each (repeatable)");
    command->add_option("--partition-key", options->partition_key, "partition key")->capture_default_str();
    command->add_option("--region", options->region, "AWS region")->capture_default_str();
  }
  {
    auto [command, options] = add_generator<LogsOptions>(generate, "cloudwatch-logs", exit_code, generate_cloudwatch_logs);
    command->add_option("--log-group", options->log_group, "log group")->capture_default_str();
    command->add_option("--log-stream", options->log_stream, "log stream (a Lambda-style name by default)");
    command->add_option("--message", options->messages, "log line, one log event each (repeatable)");
  }
  {
    auto [command, options] =
        add_generator<TokenAuthorizerOptions>(generate, "authorizer-token", exit_code, generate_authorizer_token);
    command->add_option("--token", options->token, "authorizationToken")->capture_default_str();
    command->add_option("--method-arn", options->method_arn, "methodArn");
  }
  {
    auto [command, options] =
        add_generator<RequestAuthorizerOptions>(generate, "authorizer-request", exit_code, generate_authorizer_request);
    command->add_option("--version", options->version, "payload version: 1.0 (REST) or 2.0 (HTTP API)")->capture_default_str();
    command->add_option("--method", options->method, "HTTP method")->capture_default_str();
    command->add_option("--path", options->path, "request path")->capture_default_str();
    command->add_option("--header", options->headers, "NAME:VALUE header (repeatable)");
  }
  {
    auto [command, options] = add_generator<CognitoOptions>(generate, "cognito", exit_code, generate_cognito);
    command->add_option("--trigger", options->trigger, "triggerSource (PreSignUp_SignUp, TokenGeneration_HostedAuth, ...)")
        ->capture_default_str();
    command->add_option("--user-pool-id", options->user_pool_id, "user pool id")->capture_default_str();
    command->add_option("--username", options->username, "userName")->capture_default_str();
    command->add_option("--email", options->email, "the user's email attribute")->capture_default_str();
  }
}

}  // namespace lift::cli
