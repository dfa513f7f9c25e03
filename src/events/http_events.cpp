#include "lift/events/http_events.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/percent.hpp"
#include "lift/core/time.hpp"
#include "lift/core/utf8.hpp"
#include "lift/events/source.hpp"
#include "lift/core/text.hpp"

namespace lift::events {
namespace {

namespace json = boost::json;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Every string of an event is JSON text, so it must be UTF-8; what a client sends need not be.
// Decoded text (header values, cookies, decoded paths and query parameters) gets U+FFFD for
// each byte that starts no character, as a Java or JavaScript decoder would give it.
json::string text(std::string_view bytes) {
  if (valid_utf8(bytes)) return json::string(bytes);
  return json::string(replace_invalid_utf8(bytes));
}

// Text still in URI form (the raw path and query string, ALB's query) keeps its bytes
// readable instead: each one that starts no character is written percent-encoded, as a
// client should have sent it.
json::string uri_text(std::string_view bytes) {
  if (valid_utf8(bytes)) return json::string(bytes);
  return json::string(replace_invalid_utf8(bytes, InvalidByte::percent_encoded));
}

bool iequal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Name/value pairs of a query string as sent, in order; "a" and "a=" both give an empty value.
std::vector<std::pair<std::string_view, std::string_view>> raw_query_pairs(std::string_view query) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    const auto equals = part.find('=');
    out.emplace_back(part.substr(0, equals), equals == std::string_view::npos ? std::string_view() : part.substr(equals + 1));
  }
  return out;
}

// The same pairs decoded ('+' is a space), as event text.
std::vector<std::pair<json::string, json::string>> query_pairs(std::string_view query) {
  std::vector<std::pair<json::string, json::string>> out;
  for (const auto& [name, value] : raw_query_pairs(query)) {
    out.emplace_back(text(percent::decode(name, percent::Plus::space)), text(percent::decode(value, percent::Plus::space)));
  }
  return out;
}

// Names (first spelling seen) with all their values, case-insensitively grouped, in order, as
// event text. Hashed by the lower-case name: a request may carry thousands of headers.
std::vector<std::pair<json::string, std::vector<json::string>>> grouped(const HttpHeaderList& headers) {
  std::vector<std::pair<json::string, std::vector<json::string>>> out;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& [name, value] : headers) {
    const auto [it, added] = index.try_emplace(lower(name), out.size());
    if (added) out.push_back({text(name), {}});
    out[it->second].second.push_back(text(value));
  }
  return out;
}

std::string domain_prefix(std::string_view domain) {
  const auto end = domain.find_first_of(".:");
  return std::string(domain.substr(0, end));
}

// What an event without a body has in its `body` member.
enum class NoBody { absent, null, empty };

// The body as the event carries it: text, or base64 when binary.
void put_body(json::object& event, const HttpRequestDescription& request, NoBody none) {
  const bool binary = !request.body.empty() && is_binary_body(header_value(request.headers, "content-type"), request.body);
  if (!request.body.empty()) {
    event["body"] = binary ? base64::encode(request.body) : request.body;
  } else if (none == NoBody::null) {
    event["body"] = nullptr;
  } else if (none == NoBody::empty) {
    event["body"] = "";
  }
  event["isBase64Encoded"] = binary;
}

json::value text_or(std::string_view bytes, json::value fallback) {
  return bytes.empty() ? fallback : json::value(text(bytes));
}

void put_multi_value_query(json::object& event, std::string_view raw_query) {
  const auto pairs = query_pairs(raw_query);
  if (pairs.empty()) {
    event["queryStringParameters"] = nullptr;
    event["multiValueQueryStringParameters"] = nullptr;
    return;
  }
  json::object single, multi;
  for (const auto& [name, value] : pairs) {
    single[name] = value;  // the last value wins, as in REST APIs
    auto& values = multi[name];
    if (!values.is_array()) values = json::array();
    values.as_array().emplace_back(value);
  }
  event["queryStringParameters"] = std::move(single);
  event["multiValueQueryStringParameters"] = std::move(multi);
}

void put_multi_value_headers(json::object& event, const HttpHeaderList& headers) {
  json::object single, multi;
  for (auto& [name, values] : grouped(headers)) {
    single[name] = values.back();
    json::array list;
    list.reserve(values.size());
    for (auto& v : values) list.emplace_back(std::move(v));
    multi[name] = std::move(list);
  }
  event["headers"] = std::move(single);
  event["multiValueHeaders"] = std::move(multi);
}

}  // namespace

// ---- bodies and headers ------------------------------------------------------------------------

bool is_binary_body(std::string_view content_type, std::string_view body) {
  if (!valid_utf8(body)) return true;
  const std::string type = lower(trim_blanks(content_type.substr(0, content_type.find(';'))));
  if (type.empty()) return false;  // untyped text stays text
  if (lower(content_type).find("charset=") != std::string::npos) return false;
  if (type.starts_with("text/")) return false;
  static constexpr std::string_view kText[] = {"application/json", "application/javascript", "application/xml",
                                               "application/x-www-form-urlencoded", "application/graphql",
                                               "application/yaml", "application/x-yaml", "application/ld+json",
                                               "application/x-ndjson"};
  for (const auto t : kText) {
    if (type == t) return false;
  }
  return !(type.ends_with("+json") || type.ends_with("+xml"));
}

bool is_http_token(std::string_view text) noexcept {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x80 && (std::isalnum(byte) != 0 || kSymbols.find(c) != std::string_view::npos);
  });
}

std::string_view header_value(const HttpHeaderList& headers, std::string_view name) noexcept {
  for (const auto& [n, v] : headers) {
    if (iequal(n, name)) return v;
  }
  return {};
}

// ---- events ------------------------------------------------------------------------------------

json::object http_api_event(const HttpRequestDescription& request) {
  json::object headers;
  json::array cookies;
  for (const auto& [name, value] : request.headers) {
    const auto key = text(lower(name));
    if (key == "cookie") {
      // Every Cookie header, split into its cookies.
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto semicolon = rest.find(';');
        const auto cookie = trim_blanks(rest.substr(0, semicolon));
        if (!cookie.empty()) cookies.emplace_back(text(cookie));
        rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      }
      continue;
    }
    // Appended in place: a name repeated thousands of times stays linear.
    if (auto* existing = headers.if_contains(key)) {
      existing->as_string().append(",").append(text(value));
    } else {
      headers[key] = text(value);
    }
  }
  json::object query;
  for (auto& [name, value] : query_pairs(request.query)) {
    if (auto* existing = query.if_contains(name)) {
      existing->as_string().append(",").append(value);
    } else {
      query[name] = std::move(value);
    }
  }

  json::object event;
  event["version"] = "2.0";
  event["routeKey"] = "$default";
  event["rawPath"] = uri_text(request.path);
  event["rawQueryString"] = uri_text(request.query);
  if (!cookies.empty()) event["cookies"] = std::move(cookies);
  event["headers"] = std::move(headers);
  if (!query.empty()) event["queryStringParameters"] = std::move(query);
  event["requestContext"] = {
      {"accountId", text(request.account_id)},
      {"apiId", text(request.api_id)},
      {"domainName", text(request.domain_name)},
      {"domainPrefix", text(domain_prefix(request.domain_name))},
      {"http",
       {{"method", text(request.method)},
        {"path", text(percent::decode(request.path))},
        {"protocol", "HTTP/1.1"},
        {"sourceIp", text(request.source_ip)},
        {"userAgent", text(header_value(request.headers, "user-agent"))}}},
      {"requestId", text(request.request_id)},
      {"routeKey", "$default"},
      {"stage", text(request.stage)},
      {"time", clf_time(request.time)},
      {"timeEpoch", epoch_ms(request.time)}};
  put_body(event, request, NoBody::absent);
  return event;
}

json::object rest_api_event(const HttpRequestDescription& request) {
  const json::string path = text(percent::decode(request.path));
  const bool root = path == "/";
  const std::string resource = root ? "/" : "/{proxy+}";
  const json::string method = text(request.method);
  const json::string stage = text(request.stage);
  const json::string request_id = text(request.request_id);

  json::object event;
  event["version"] = "1.0";
  event["resource"] = resource;
  event["path"] = path;
  event["httpMethod"] = method;
  put_multi_value_headers(event, request.headers);
  put_multi_value_query(event, request.query);
  event["pathParameters"] = root ? json::value(nullptr) : json::value(json::object{{"proxy", path.subview(1)}});
  event["stageVariables"] = nullptr;
  event["requestContext"] = {
      {"accountId", text(request.account_id)},
      {"apiId", text(request.api_id)},
      {"domainName", text(request.domain_name)},
      {"domainPrefix", text(domain_prefix(request.domain_name))},
      {"extendedRequestId", request_id},
      {"httpMethod", method},
      {"identity",
       {{"accessKey", nullptr},
        {"accountId", nullptr},
        {"caller", nullptr},
        {"cognitoAuthenticationProvider", nullptr},
        {"cognitoAuthenticationType", nullptr},
        {"cognitoIdentityId", nullptr},
        {"cognitoIdentityPoolId", nullptr},
        {"principalOrgId", nullptr},
        {"sourceIp", text(request.source_ip)},
        {"user", nullptr},
        {"userAgent", text_or(header_value(request.headers, "user-agent"), nullptr)},
        {"userArn", nullptr}}},
      {"path", "/" + std::string(stage) + std::string(path)},
      {"protocol", "HTTP/1.1"},
      {"requestId", request_id},
      {"requestTime", clf_time(request.time)},
      {"requestTimeEpoch", epoch_ms(request.time)},
      {"resourceId", "lift00"},
      {"resourcePath", resource},
      {"stage", stage}};
  put_body(event, request, NoBody::null);
  return event;
}

json::object alb_event(const HttpRequestDescription& request, std::string_view target_group_arn) {
  json::object event;
  event["requestContext"] = {{"elb", {{"targetGroupArn", text(target_group_arn)}}}};
  event["httpMethod"] = text(request.method);
  event["path"] = uri_text(request.path);
  json::object query;
  for (const auto& [name, value] : raw_query_pairs(request.query)) query[uri_text(name)] = uri_text(value);
  event["queryStringParameters"] = std::move(query);
  json::object headers;
  for (const auto& [name, value] : request.headers) headers[text(lower(name))] = text(value);
  event["headers"] = std::move(headers);
  put_body(event, request, NoBody::empty);
  return event;
}

json::object websocket_event(const HttpRequestDescription& request, const WebSocketEventInfo& info, bool binary) {
  json::object event;
  if (info.event_type != "MESSAGE") {
    put_multi_value_headers(event, request.headers);
    if (info.event_type == "CONNECT" && !request.query.empty()) put_multi_value_query(event, request.query);
  }
  json::object context{{"routeKey", text(info.route_key)}};
  if (info.event_type == "MESSAGE") context["messageId"] = text(info.message_id);
  if (info.event_type == "DISCONNECT") context["disconnectStatusCode"] = info.disconnect_code;
  context["eventType"] = text(info.event_type);
  context["extendedRequestId"] = text(request.request_id);
  context["requestTime"] = clf_time(request.time);
  context["messageDirection"] = "IN";
  if (info.event_type == "DISCONNECT") context["disconnectReason"] = text(info.disconnect_reason);
  context["stage"] = text(request.stage);
  context["connectedAt"] = epoch_ms(info.connected_at);
  context["requestTimeEpoch"] = epoch_ms(request.time);
  json::object identity{{"sourceIp", text(request.source_ip)}};
  if (!info.user_agent.empty()) identity["userAgent"] = text(info.user_agent);
  context["identity"] = std::move(identity);
  context["requestId"] = text(request.request_id);
  context["domainName"] = text(request.domain_name);
  context["connectionId"] = text(info.connection_id);
  context["apiId"] = text(request.api_id);
  event["requestContext"] = std::move(context);
  // A text frame is UTF-8 (WebSocket requires it); base64 for anything else.
  if (info.event_type == "MESSAGE") {
    event["body"] = binary || !valid_utf8(request.body) ? base64::encode(request.body) : request.body;
  }
  event["isBase64Encoded"] = info.event_type == "MESSAGE" && (binary || !valid_utf8(request.body));
  return event;
}

// ---- sample requests ---------------------------------------------------------------------------

Result<HttpRequestDescription> sample_request(std::string method, std::string_view path, const std::vector<std::string>& query,
                                              const std::vector<std::string>& headers, HttpHeaderList defaults) {
  if (!is_http_token(method)) return invalid_sample("the method is a word such as GET or POST, not \"" + method + "\"");
  if (!path.starts_with('/')) return invalid_sample("the path starts with '/', not \"" + std::string(path) + "\"");
  HttpRequestDescription request;
  request.method = std::move(method);
  static constexpr auto kPathChars = boost::urls::pchars + '/';
  request.path = boost::urls::encode(path, kPathChars);
  for (const std::string_view parameter : query) {
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return invalid_sample("a query parameter is name=value, not \"" + std::string(parameter) + "\"");
    }
    if (!request.query.empty()) request.query += '&';
    request.query += boost::urls::encode(parameter.substr(0, equals), boost::urls::unreserved_chars);
    request.query += '=';
    request.query += boost::urls::encode(parameter.substr(equals + 1), boost::urls::unreserved_chars);
  }
  HttpHeaderList given;
  for (const std::string_view header : headers) {
    const auto separator = header.find_first_of(":=");
    const auto name = separator == std::string_view::npos ? std::string_view() : header.substr(0, separator);
    if (!is_http_token(name)) return invalid_sample("a header is Name: value, not \"" + std::string(header) + "\"");
    given.emplace_back(std::string(name), std::string(trim_blanks(header.substr(separator + 1))));
  }
  std::erase_if(defaults, [&given](const auto& fallback) {
    return std::any_of(given.begin(), given.end(), [&fallback](const auto& header) { return iequal(header.first, fallback.first); });
  });
  request.headers = std::move(defaults);
  request.headers.insert(request.headers.end(), given.begin(), given.end());
  return request;
}

}  // namespace lift::events
