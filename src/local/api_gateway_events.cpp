#include "api_gateway_events.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/json.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/percent.hpp"
#include "lift/core/time.hpp"
#include "lift/core/utf8.hpp"

namespace lift::local::detail {
namespace {

namespace json = boost::json;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct Target {
  std::string raw_path;   // still encoded
  std::string raw_query;  // without '?'
};

Target split_target(std::string_view target) {
  // An absolute-form target ("http://host/path") names the path after the authority.
  if (const auto scheme = target.find("://"); scheme != std::string_view::npos && !target.starts_with('/')) {
    const auto slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  Target out;
  const auto question = target.find('?');
  out.raw_path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.raw_query = std::string(target.substr(question + 1));
  if (out.raw_path.empty()) out.raw_path = "/";
  return out;
}

// Decoded name/value pairs in order; "a" and "a=" both give an empty value.
std::vector<std::pair<std::string, std::string>> query_pairs(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!raw_query.empty()) {
    const auto amp = raw_query.find('&');
    const auto part = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (part.empty()) continue;
    const auto equals = part.find('=');
    out.emplace_back(percent::decode(part.substr(0, equals), percent::Plus::space),
                     equals == std::string_view::npos ? std::string() : percent::decode(part.substr(equals + 1), percent::Plus::space));
  }
  return out;
}

std::string_view header_value(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (iequal(n, name)) return v;
  }
  return {};
}

// Names (first spelling seen) with all their values, case-insensitively grouped, in order.
std::vector<std::pair<std::string, std::vector<std::string>>> grouped(const HeaderList& headers) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& header : headers) {
    const std::string_view name = header.first;
    auto it = std::find_if(out.begin(), out.end(), [name](const auto& g) { return iequal(g.first, name); });
    if (it == out.end()) out.push_back({header.first, {header.second}});
    else it->second.push_back(header.second);
  }
  return out;
}

std::string domain_prefix(std::string_view domain) {
  const auto end = domain.find_first_of(".:");
  return std::string(domain.substr(0, end));
}

// The body as the event carries it: text, or base64 when binary.
void put_body(json::object& event, const IncomingRequest& request, bool always) {
  const bool binary = !request.body.empty() && is_binary_body(header_value(request.headers, "content-type"), request.body);
  if (!request.body.empty()) {
    event["body"] = binary ? base64::encode(request.body) : request.body;
  } else if (always) {
    event["body"] = nullptr;
  }
  event["isBase64Encoded"] = binary;
}

json::value string_or(std::string_view text, json::value fallback) {
  return text.empty() ? fallback : json::value(json::string(text));
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

void put_multi_value_headers(json::object& event, const HeaderList& headers) {
  json::object single, multi;
  for (const auto& [name, values] : grouped(headers)) {
    single[name] = values.back();
    json::array list;
    for (const auto& v : values) list.emplace_back(v);
    multi[name] = std::move(list);
  }
  event["headers"] = std::move(single);
  event["multiValueHeaders"] = std::move(multi);
}

// ---- answers ---------------------------------------------------------------------------------

std::optional<std::string> scalar_text(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  if (value.is_double() || value.is_bool()) return json::serialize(value);
  return std::nullopt;
}

GatewayAnswer malformed(std::string problem) {
  return gateway_error(502, "Internal Server Error", "malformed response from the function: " + std::move(problem));
}

bool has_header(const HeaderList& headers, std::string_view name) { return !header_value(headers, name).empty(); }

// The members shared by both payload formats. `rest` makes unknown members an error.
GatewayAnswer structured_answer(const json::object& answer, bool rest) {
  GatewayAnswer out;
  for (const auto& member : answer) {
    const std::string_view key = member.key();
    const bool known = key == "statusCode" || key == "headers" || key == "multiValueHeaders" || key == "body" ||
                       key == "isBase64Encoded" || (!rest && key == "cookies");
    if (!known && rest) return malformed("unexpected member \"" + std::string(key) + "\" (a REST API accepts only statusCode, headers, multiValueHeaders, body and isBase64Encoded)");
  }
  const auto& status = answer.at("statusCode");
  std::int64_t code = 0;
  if (status.is_int64()) code = status.as_int64();
  else if (status.is_uint64()) code = static_cast<std::int64_t>(std::min<std::uint64_t>(status.as_uint64(), 1000));
  else return malformed("statusCode is " + json::serialize(status) + ", not an integer");
  if (code < 100 || code > 599) return malformed("statusCode " + std::to_string(code) + " is not an HTTP status");
  out.status = static_cast<int>(code);

  HeaderList single;
  if (const auto* headers = answer.if_contains("headers"); headers != nullptr && !headers->is_null()) {
    if (!headers->is_object()) return malformed("headers is not an object");
    for (const auto& h : headers->as_object()) {
      if (h.value().is_null()) continue;
      auto text = scalar_text(h.value());
      if (!text) return malformed("header \"" + std::string(h.key()) + "\" is not a string");
      single.emplace_back(std::string(h.key()), std::move(*text));
    }
  }
  HeaderList multi;
  if (const auto* headers = answer.if_contains("multiValueHeaders"); headers != nullptr && !headers->is_null()) {
    if (!headers->is_object()) return malformed("multiValueHeaders is not an object");
    for (const auto& h : headers->as_object()) {
      if (h.value().is_null()) continue;
      if (!h.value().is_array()) return malformed("multiValueHeaders \"" + std::string(h.key()) + "\" is not an array");
      for (const auto& v : h.value().as_array()) {
        auto text = scalar_text(v);
        if (!text) return malformed("a value of multiValueHeaders \"" + std::string(h.key()) + "\" is not a string");
        multi.emplace_back(std::string(h.key()), std::move(*text));
      }
    }
  }
  // API Gateway merges both; a name in multiValueHeaders takes its values from there.
  for (auto& [name, value] : single) {
    if (!has_header(multi, name)) out.headers.emplace_back(std::move(name), std::move(value));
  }
  for (auto& header : multi) out.headers.push_back(std::move(header));

  if (const auto* cookies = answer.if_contains("cookies"); !rest && cookies != nullptr && !cookies->is_null()) {
    if (!cookies->is_array()) return malformed("cookies is not an array");
    for (const auto& c : cookies->as_array()) {
      if (!c.is_string()) return malformed("a cookie is not a string");
      out.headers.emplace_back("Set-Cookie", std::string(c.as_string()));
    }
  }

  bool base64_body = false;
  if (const auto* flag = answer.if_contains("isBase64Encoded"); flag != nullptr && !flag->is_null()) {
    if (!flag->is_bool()) return malformed("isBase64Encoded is not a boolean");
    base64_body = flag->as_bool();
  }
  if (const auto* body = answer.if_contains("body"); body != nullptr && !body->is_null()) {
    if (!body->is_string()) return malformed("body is not a string");
    if (base64_body) {
      auto decoded = base64::decode(body->as_string());
      if (!decoded) return malformed("isBase64Encoded is true but body is not base64");
      out.body = std::move(*decoded);
    } else {
      out.body = std::string(body->as_string());
    }
  }
  if (!out.body.empty() && !has_header(out.headers, "content-type")) out.headers.emplace_back("Content-Type", "application/json");
  return out;
}

}  // namespace

// ---- bodies ------------------------------------------------------------------------------------

bool is_binary_body(std::string_view content_type, std::string_view body) {
  if (!valid_utf8(body)) return true;
  const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
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

// ---- events ------------------------------------------------------------------------------------

json::object http_api_event(const IncomingRequest& request) {
  const auto target = split_target(request.target);
  json::object headers;
  json::array cookies;
  for (const auto& [name, value] : request.headers) {
    const auto key = lower(name);
    if (key == "cookie") {
      // Every Cookie header, split into its cookies.
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto semicolon = rest.find(';');
        const auto cookie = trim(rest.substr(0, semicolon));
        if (!cookie.empty()) cookies.emplace_back(cookie);
        rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      }
      continue;
    }
    if (auto* existing = headers.if_contains(key)) {
      *existing = std::string(existing->as_string()) + "," + value;
    } else {
      headers[key] = value;
    }
  }
  json::object query;
  for (const auto& [name, value] : query_pairs(target.raw_query)) {
    if (auto* existing = query.if_contains(name)) {
      *existing = std::string(existing->as_string()) + "," + value;
    } else {
      query[name] = value;
    }
  }

  json::object event;
  event["version"] = "2.0";
  event["routeKey"] = "$default";
  event["rawPath"] = target.raw_path;
  event["rawQueryString"] = target.raw_query;
  if (!cookies.empty()) event["cookies"] = std::move(cookies);
  event["headers"] = std::move(headers);
  if (!query.empty()) event["queryStringParameters"] = std::move(query);
  event["requestContext"] = {
      {"accountId", request.account_id},
      {"apiId", request.api_id},
      {"domainName", request.domain_name},
      {"domainPrefix", domain_prefix(request.domain_name)},
      {"http",
       {{"method", request.method},
        {"path", percent::decode(target.raw_path)},
        {"protocol", "HTTP/1.1"},
        {"sourceIp", request.source_ip},
        {"userAgent", header_value(request.headers, "user-agent")}}},
      {"requestId", request.request_id},
      {"routeKey", "$default"},
      {"stage", request.stage},
      {"time", clf_time(request.time)},
      {"timeEpoch", epoch_ms(request.time)}};
  put_body(event, request, false);
  return event;
}

json::object rest_api_event(const IncomingRequest& request) {
  const auto target = split_target(request.target);
  const std::string path = percent::decode(target.raw_path);
  const bool root = path == "/";
  const std::string resource = root ? "/" : "/{proxy+}";

  json::object event;
  event["version"] = "1.0";
  event["resource"] = resource;
  event["path"] = path;
  event["httpMethod"] = request.method;
  put_multi_value_headers(event, request.headers);
  put_multi_value_query(event, target.raw_query);
  event["pathParameters"] = root ? json::value(nullptr) : json::value(json::object{{"proxy", path.substr(1)}});
  event["stageVariables"] = nullptr;
  event["requestContext"] = {
      {"accountId", request.account_id},
      {"apiId", request.api_id},
      {"domainName", request.domain_name},
      {"domainPrefix", domain_prefix(request.domain_name)},
      {"extendedRequestId", request.request_id},
      {"httpMethod", request.method},
      {"identity",
       {{"accessKey", nullptr},
        {"accountId", nullptr},
        {"caller", nullptr},
        {"cognitoAuthenticationProvider", nullptr},
        {"cognitoAuthenticationType", nullptr},
        {"cognitoIdentityId", nullptr},
        {"cognitoIdentityPoolId", nullptr},
        {"principalOrgId", nullptr},
        {"sourceIp", request.source_ip},
        {"user", nullptr},
        {"userAgent", string_or(header_value(request.headers, "user-agent"), nullptr)},
        {"userArn", nullptr}}},
      {"path", "/" + request.stage + path},
      {"protocol", "HTTP/1.1"},
      {"requestId", request.request_id},
      {"requestTime", clf_time(request.time)},
      {"requestTimeEpoch", epoch_ms(request.time)},
      {"resourceId", "lift00"},
      {"resourcePath", resource},
      {"stage", request.stage}};
  put_body(event, request, true);
  return event;
}

json::object websocket_event(const IncomingRequest& request, const WebSocketEventInfo& info, bool binary) {
  json::object event;
  if (info.event_type != "MESSAGE") {
    put_multi_value_headers(event, request.headers);
    if (info.event_type == "CONNECT") {
      const auto target = split_target(request.target);
      if (!target.raw_query.empty()) put_multi_value_query(event, target.raw_query);
    }
  }
  json::object context{{"routeKey", info.route_key}};
  if (info.event_type == "MESSAGE") context["messageId"] = info.message_id;
  if (info.event_type == "DISCONNECT") context["disconnectStatusCode"] = info.disconnect_code;
  context["eventType"] = info.event_type;
  context["extendedRequestId"] = request.request_id;
  context["requestTime"] = clf_time(request.time);
  context["messageDirection"] = "IN";
  if (info.event_type == "DISCONNECT") context["disconnectReason"] = info.disconnect_reason;
  context["stage"] = request.stage;
  context["connectedAt"] = epoch_ms(info.connected_at);
  context["requestTimeEpoch"] = epoch_ms(request.time);
  json::object identity{{"sourceIp", request.source_ip}};
  if (!info.user_agent.empty()) identity["userAgent"] = info.user_agent;
  context["identity"] = std::move(identity);
  context["requestId"] = request.request_id;
  context["domainName"] = request.domain_name;
  context["connectionId"] = info.connection_id;
  context["apiId"] = request.api_id;
  event["requestContext"] = std::move(context);
  if (info.event_type == "MESSAGE") event["body"] = binary ? base64::encode(request.body) : request.body;
  event["isBase64Encoded"] = info.event_type == "MESSAGE" && binary;
  return event;
}

std::string websocket_route(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return "$default";
  const auto* action = value.as_object().if_contains("action");
  if (action == nullptr || !action->is_string() || action->as_string().empty()) return "$default";
  return std::string(action->as_string());
}

// ---- answers -----------------------------------------------------------------------------------

GatewayAnswer gateway_error(int status, std::string_view message, std::string problem) {
  GatewayAnswer out;
  out.status = status;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = json::serialize(json::object{{"message", message}});
  out.problem = std::move(problem);
  return out;
}

GatewayAnswer http_api_answer(std::string_view payload) {
  boost::system::error_code ec;
  const auto value = json::parse(payload, ec);
  if (ec) return malformed("the answer is not JSON (" + ec.message() + ")");
  if (value.is_object() && value.as_object().contains("statusCode")) return structured_answer(value.as_object(), false);
  // The simple form: whatever JSON the function returned is the body.
  GatewayAnswer out;
  out.headers.emplace_back("Content-Type", "application/json");
  out.body = value.is_string() ? std::string(value.as_string()) : std::string(payload);
  return out;
}

GatewayAnswer rest_api_answer(std::string_view payload) {
  boost::system::error_code ec;
  const auto value = json::parse(payload, ec);
  if (ec) return malformed("the answer is not JSON (" + ec.message() + ")");
  if (!value.is_object()) return malformed("the answer is not a JSON object");
  if (!value.as_object().contains("statusCode")) return malformed("the answer has no statusCode");
  return structured_answer(value.as_object(), true);
}

GatewayAnswer streamed_answer(std::string_view payload) {
  static constexpr std::string_view kDelimiter("\0\0\0\0\0\0\0\0", 8);
  const auto delimiter = payload.find(kDelimiter);
  if (delimiter == std::string_view::npos) return malformed("a streamed HTTP answer without its prelude");
  boost::system::error_code ec;
  const auto prelude = json::parse(payload.substr(0, delimiter), ec);
  if (ec || !prelude.is_object()) return malformed("the prelude of a streamed answer is not a JSON object");
  json::object fields = prelude.as_object();
  if (!fields.contains("statusCode")) fields["statusCode"] = 200;
  fields.erase("body");
  fields.erase("isBase64Encoded");
  GatewayAnswer out = structured_answer(fields, false);
  if (!out.problem.empty()) return out;
  out.body = std::string(payload.substr(delimiter + kDelimiter.size()));
  return out;
}

}  // namespace lift::local::detail
