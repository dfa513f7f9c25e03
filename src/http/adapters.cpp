#include "lift/http/adapters.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <utility>

#include "lift/core/base64.hpp"
#include "lift/core/hex.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/percent.hpp"
#include "lift/core/utf8.hpp"
#include "lift/http/router.hpp"
#include "lift/core/text.hpp"
#include "request_parts.hpp"

namespace lift::http {

using namespace std::string_view_literals;  // "..."sv: appended without strlen

namespace bj = boost::json;

namespace detail {

// "a=1; b=2" into cookies. A cookie without '=' has an empty name and the text as its value,
// as browsers read it (RFC 6265bis 5.6).
void parse_cookie_header(std::string_view header, Cookies& out) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    const auto pair = trim_blanks(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out.add({}, pair);
    } else {
      out.add(trim_blanks(pair.substr(0, eq)), trim_blanks(pair.substr(eq + 1)));
    }
  }
}

// HTTP API's rawQueryString: "a=1&b=x%20y&a=2".
bool parse_raw_query(std::string_view query, QueryParams& out) {
  std::string key;
  std::string value;
  // Text with no '%' or '+' is its own decoding.
  auto decode = [](std::string_view in, std::string& to) -> std::optional<std::string_view> {
    // (find_first_of would call memchr once per byte.)
    if (std::none_of(in.begin(), in.end(), [](char c) { return c == '%' || c == '+'; })) return in;
    if (!percent::decode(in, to, percent::Plus::space)) return std::nullopt;
    return std::string_view(to);
  };
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto name = decode(pair.substr(0, eq), key);
    if (!name) return false;
    const auto text = decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), value);
    if (!text) return false;
    out.add(*name, *text);
  }
  return true;
}

void upper_case(std::string& s) noexcept {
  for (auto& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

// Fills path (decoded) from raw_path (encoded).
bool decode_path(Request& request) {
  if (request.raw_path.empty()) request.raw_path.assign("/");
  return percent::decode(request.raw_path, request.path);
}

void cookies_from_headers(Request& request) {
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "cookie")) parse_cookie_header(value, request.cookies);
  }
}

std::string_view without_stage(std::string_view raw_path, std::string_view stage) noexcept {
  // Named stages appear in rawPath: "/prod/users" for stage "prod".
  if (stage.empty() || stage == "$default") return raw_path;
  if (raw_path.size() > stage.size() && raw_path[0] == '/' && raw_path.substr(1, stage.size()) == stage &&
      (raw_path.size() == stage.size() + 1 || raw_path[stage.size() + 1] == '/')) {
    raw_path.remove_prefix(stage.size() + 1);
  }
  return raw_path;
}

void assign_body(Request& request, std::string_view body, bool base64) {
  if (!base64) {
    request.body.assign(body);
    return;
  }
  // AWS always sends valid base64 here; hand-written test events often do not (AWS's own
  // samples include "Hello from Lambda!"). Keeping such a body as sent loses nothing.
  auto decoded = base64::decode(body);
  if (decoded) {
    request.body = std::move(*decoded);
  } else {
    request.body.assign(body);
  }
}

}  // namespace detail

namespace {

using detail::cookies_from_headers;
using detail::decode_path;
using detail::parse_cookie_header;
using detail::parse_raw_query;
using detail::upper_case;

Error invalid(std::string_view field, std::string_view problem) {
  std::string message;
  message.reserve(field.size() + problem.size() + 2);
  message.append(field).append(": ").append(problem);
  return Error{"InvalidEvent", std::move(message), 400};
}

// Reads members with the type checks every adapter needs; the first problem is kept.
class Reader {
 public:
  explicit Reader(const bj::object& root) : root_(root) {}

  [[nodiscard]] bool failed() const noexcept { return error_.has_value(); }
  Error take_error() { return std::move(*error_); }

  // A string member: absent or null is empty; another type is an error.
  std::string_view string(const bj::object& o, std::string_view key, std::string_view field) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (const auto* s = v->if_string()) return *s;
    fail(field, "expected a string");
    return {};
  }
  // A required string member.
  std::string_view required_string(const bj::object& o, std::string_view key, std::string_view field) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
      fail(field, "is required");
      return {};
    }
    return string(o, key, field);
  }
  // An object member: absent or null is nullptr; another type is an error.
  const bj::object* object(const bj::object& o, std::string_view key, std::string_view field) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (const auto* obj = v->if_object()) return obj;
    fail(field, "expected an object");
    return nullptr;
  }
  const bj::array* array(const bj::object& o, std::string_view key, std::string_view field) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (const auto* a = v->if_array()) return a;
    fail(field, "expected an array");
    return nullptr;
  }
  bool boolean(const bj::object& o, std::string_view key, std::string_view field) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return false;
    if (const auto* b = v->if_bool()) return *b;
    fail(field, "expected true or false");
    return false;
  }

  void fail(std::string_view field, std::string_view problem) {
    if (!error_) error_ = invalid(field, problem);
  }

  [[nodiscard]] const bj::object& root() const noexcept { return root_; }

 private:
  const bj::object& root_;
  std::optional<Error> error_;
};

// Adds one value, decoding it first where the source sends it encoded (ALB query values).
template <class Map>
bool add_value(Reader& r, std::string_view field, std::string_view name, std::string_view value, Map& out,
               bool decode_value, std::string& scratch) {
  if (!decode_value) {
    out.add(std::string(name), std::string(value));
    return true;
  }
  if (!percent::decode(value, scratch, percent::Plus::space)) {
    r.fail(std::string(field) + "." + std::string(name), "invalid percent-encoding");
    return false;
  }
  out.add(std::string(name), scratch);
  return true;
}

// {"name": "value"} string maps (headers, query); non-string values are an error.
template <class Map>
void read_single(Reader& r, const bj::object* fields, std::string_view field, Map& out, bool skip_existing, bool decode_values) {
  if (fields == nullptr) return;
  std::string decoded;
  for (const auto& [name, value] : *fields) {
    if (value.is_null()) continue;
    const auto* s = value.if_string();
    if (s == nullptr) {
      r.fail(std::string(field) + "." + std::string(std::string_view(name)), "expected a string");
      return;
    }
    if (skip_existing && out.contains(name)) continue;
    if (!add_value(r, field, name, *s, out, decode_values, decoded)) return;
  }
}

// {"name": ["v1", "v2"]} maps.
template <class Map>
void read_multi(Reader& r, const bj::object* fields, std::string_view field, Map& out, bool decode_values) {
  if (fields == nullptr) return;
  std::string decoded;
  for (const auto& [name, values] : *fields) {
    if (values.is_null()) continue;
    const auto* list = values.if_array();
    if (list == nullptr) {
      r.fail(std::string(field) + "." + std::string(std::string_view(name)), "expected an array of strings");
      return;
    }
    for (const auto& value : *list) {
      const auto* s = value.if_string();
      if (s == nullptr) {
        r.fail(std::string(field) + "." + std::string(std::string_view(name)), "expected an array of strings");
        return;
      }
      if (!add_value(r, field, name, *s, out, decode_values, decoded)) return;
    }
  }
}

// Headers/query of payload 1.0 events (REST, ALB, WebSocket): multi-value first, then the
// single-value names it did not have.
template <class Map>
void read_fields(Reader& r, std::string_view single_key, std::string_view multi_key, Map& out, bool decode_values) {
  const auto* multi = r.object(r.root(), multi_key, multi_key);
  const auto* single = r.object(r.root(), single_key, single_key);
  if (r.failed()) return;
  out.reserve((multi != nullptr ? multi->size() : 0) + (single != nullptr ? single->size() : 0));
  read_multi(r, multi, multi_key, out, decode_values);
  read_single(r, single, single_key, out, multi != nullptr && !multi->empty(), decode_values);
}




bool is_unreserved_path_char(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=': case ':': case '@': case '/':
      return true;
    default:
      return false;
  }
}

// REST sends the path decoded; the router wants it encoded. A '%' that already starts an
// escape is kept, so an encoded path passes through unchanged.
std::string encode_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (is_unreserved_path_char(c) || (c == '%' && i + 2 < path.size() && hex::digit_value(path[i + 1]) >= 0 && hex::digit_value(path[i + 2]) >= 0)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}



void read_body(Reader& r, Request& request) {
  const auto body = r.string(r.root(), "body", "body");
  const bool base64 = r.boolean(r.root(), "isBase64Encoded", "isBase64Encoded");
  if (r.failed()) return;
  detail::assign_body(request, body, base64);
}


void source_ip_from_forwarded_for(Request& request) {
  if (!request.source_ip.empty()) return;
  if (auto forwarded = request.headers.get("x-forwarded-for")) {
    request.source_ip.assign(trim_blanks(forwarded->substr(0, forwarded->find(','))));
  }
}

// Payload 1.0: REST, ALB and the HTTP part of WebSocket events.
void read_v1(Reader& r, Request& request, bool decode_query) {
  read_fields(r, "headers", "multiValueHeaders", request.headers, false);
  read_fields(r, "queryStringParameters", "multiValueQueryStringParameters", request.query, decode_query);
  read_body(r, request);
  cookies_from_headers(request);
}

void read_rest(Reader& r, Request& request) {
  request.source = Source::api_gateway_rest;
  request.method.assign(r.required_string(r.root(), "httpMethod", "httpMethod"));
  const auto path = r.required_string(r.root(), "path", "path");
  if (const auto* context = r.object(r.root(), "requestContext", "requestContext")) {
    request.stage.assign(r.string(*context, "stage", "requestContext.stage"));
    request.request_id.assign(r.string(*context, "requestId", "requestContext.requestId"));
    if (const auto* identity = r.object(*context, "identity", "requestContext.identity")) {
      request.source_ip.assign(r.string(*identity, "sourceIp", "requestContext.identity.sourceIp"));
    }
  }
  if (r.failed()) return;
  request.raw_path = encode_path(path);
  if (!decode_path(request)) r.fail("path", "invalid percent-encoding");
  read_v1(r, request, false);
  source_ip_from_forwarded_for(request);
}

void read_alb(Reader& r, Request& request) {
  request.source = Source::alb;
  request.method.assign(r.required_string(r.root(), "httpMethod", "httpMethod"));
  request.raw_path.assign(r.required_string(r.root(), "path", "path"));
  const auto* multi = r.object(r.root(), "multiValueHeaders", "multiValueHeaders");
  auto& alb = request.source_details.emplace<AlbRequest>();
  alb.multi_value = multi != nullptr;
  if (const auto* context = r.object(r.root(), "requestContext", "requestContext")) {
    if (const auto* elb = r.object(*context, "elb", "requestContext.elb")) {
      alb.target_group_arn.assign(r.string(*elb, "targetGroupArn", "requestContext.elb.targetGroupArn"));
    }
  }
  if (r.failed()) return;
  if (!decode_path(request)) r.fail("path", "invalid percent-encoding");
  read_v1(r, request, true);
  source_ip_from_forwarded_for(request);
}

void read_v2(Reader& r, Request& request, Source source) {
  request.source = source;
  const auto* context = r.object(r.root(), "requestContext", "requestContext");
  if (context == nullptr) {
    r.fail("requestContext", "is required");
    return;
  }
  const auto* http = r.object(*context, "http", "requestContext.http");
  if (http == nullptr) {
    r.fail("requestContext.http", "is required");
    return;
  }
  request.method.assign(r.required_string(*http, "method", "requestContext.http.method"));
  request.source_ip.assign(r.string(*http, "sourceIp", "requestContext.http.sourceIp"));
  request.request_id.assign(r.string(*context, "requestId", "requestContext.requestId"));
  auto raw_path = r.string(r.root(), "rawPath", "rawPath");
  if (raw_path.empty()) raw_path = r.string(*http, "path", "requestContext.http.path");
  const auto stage = r.string(*context, "stage", "requestContext.stage");
  const auto raw_query = r.string(r.root(), "rawQueryString", "rawQueryString");
  const auto* headers = r.object(r.root(), "headers", "headers");
  const auto* cookies = r.array(r.root(), "cookies", "cookies");
  if (r.failed()) return;

  if (source == Source::api_gateway_http) {
    request.stage.assign(stage);
    raw_path = detail::without_stage(raw_path, stage);
  }
  request.raw_path.assign(raw_path);
  if (!decode_path(request)) {
    r.fail("rawPath", "invalid percent-encoding");
    return;
  }
  if (headers != nullptr) {
    request.headers.reserve(headers->size());
    read_single(r, headers, "headers", request.headers, false, false);
  }
  if (!parse_raw_query(raw_query, request.query)) {
    r.fail("rawQueryString", "invalid percent-encoding");
    return;
  }
  if (cookies != nullptr) {
    for (const auto& cookie : *cookies) {
      const auto* s = cookie.if_string();
      if (s == nullptr) {
        r.fail("cookies", "expected an array of strings");
        return;
      }
      parse_cookie_header(*s, request.cookies);
    }
  } else {
    cookies_from_headers(request);
  }
  read_body(r, request);
}

void read_websocket(Reader& r, Request& request) {
  request.source = Source::websocket;
  const auto* context = r.object(r.root(), "requestContext", "requestContext");
  if (context == nullptr) {
    r.fail("requestContext", "is required");
    return;
  }
  auto& socket = request.source_details.emplace<WebSocketRequest>();
  socket.route_key.assign(r.required_string(*context, "routeKey", "requestContext.routeKey"));
  socket.connection_id.assign(r.required_string(*context, "connectionId", "requestContext.connectionId"));
  socket.event_type.assign(r.string(*context, "eventType", "requestContext.eventType"));
  request.stage.assign(r.string(*context, "stage", "requestContext.stage"));
  request.request_id.assign(r.string(*context, "requestId", "requestContext.requestId"));
  if (const auto* identity = r.object(*context, "identity", "requestContext.identity")) {
    request.source_ip.assign(r.string(*identity, "sourceIp", "requestContext.identity.sourceIp"));
  }
  if (r.failed()) return;
  request.method = "POST";
  request.raw_path = "/" + encode_path(socket.route_key);
  if (!decode_path(request)) r.fail("requestContext.routeKey", "invalid route key");
  read_v1(r, request, false);
}

// ---- Responses ----

// Header names grouped case-insensitively, first spelling kept, values in order. A group is
// written where its name first appears, with every later value of that name, so no container
// of groups is built; responses carry a handful of headers, so the quadratic scans are short.
struct HeaderGroup {
  Headers::const_iterator first;  // the first field of the name
  Headers::const_iterator end;    // the end of all the fields
  std::size_t count = 1;          // how many fields have the name
  [[nodiscard]] std::string_view name() const noexcept { return first->first; }
  template <class F>
  void each_value(F&& f) const {
    for (auto it = first; it != end; ++it) {
      if (it == first || iequals(it->first, first->first)) f(std::string_view(it->second));
    }
  }
};

template <class F>
void for_each_group(const Headers& headers, bool with_set_cookie, F&& f) {
  for (auto it = headers.begin(); it != headers.end(); ++it) {
    if (!with_set_cookie && iequals(it->first, "set-cookie")) continue;
    bool repeated = false;
    for (auto earlier = headers.begin(); earlier != it && !repeated; ++earlier) repeated = iequals(earlier->first, it->first);
    if (repeated) continue;
    HeaderGroup group{it, headers.end()};
    for (auto later = it + 1; later != headers.end(); ++later) group.count += iequals(later->first, it->first) ? 1 : 0;
    f(group);
  }
}

// Set-Cookie values from both the cookie list and any Set-Cookie header the user added.
template <class F>
void for_each_cookie(const Response& response, F&& f) {
  for (const auto& cookie : response.cookies) f(std::string_view(cookie));
  for (const auto& [name, value] : response.headers) {
    if (iequals(name, "set-cookie")) f(std::string_view(value));
  }
}

bool has_cookies(const Response& response) {
  bool any = false;
  for_each_cookie(response, [&any](std::string_view) { any = true; });
  return any;
}

// The members of write_single_headers for any headers: repeated names joined with ", ", or left
// out when `only_single`. Whether any was written.
bool write_header_groups(std::string& out, const Headers& headers, bool with_set_cookie, bool only_single) {
  bool first = true;
  for_each_group(headers, with_set_cookie, [&](const HeaderGroup& g) {
    if (only_single && g.count != 1) return;
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, g.name());
    out.push_back(':');
    if (g.count == 1) {
      append_json_string(out, g.first->second);
    } else {
      std::string joined;
      g.each_value([&joined](std::string_view value) {
        if (!joined.empty()) joined += ", ";
        joined += value;
      });
      append_json_string(out, joined);
    }
  });
  return !first;
}

// Whether every header is a group of its own: no name repeats (ignoring case), and none is
// Set-Cookie unless `with_set_cookie`. Names are compared only when their length and first and
// last bytes (ignoring the case bit) agree; any such pair leaves the answer to for_each_group.
bool all_names_distinct(const Headers& headers, bool with_set_cookie) noexcept {
  constexpr std::size_t kMaxFields = 32;  // more: for_each_group
  if (headers.size() > kMaxFields) return false;
  constexpr auto key_of = [](std::string_view name) noexcept -> std::uint32_t {
    if (name.empty()) return 0;
    return static_cast<std::uint32_t>(name.size()) << 16 | (static_cast<unsigned char>(name.front()) | 0x20u) << 8 |
           (static_cast<unsigned char>(name.back()) | 0x20u);
  };
  constexpr auto set_cookie_key = key_of("set-cookie");
  std::array<std::uint32_t, kMaxFields> keys{};
  std::size_t n = 0;
  for (const auto& field : headers) {
    const auto key = key_of(field.first);
    if (!with_set_cookie && key == set_cookie_key && iequals(field.first, "set-cookie")) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (keys[i] == key) return false;
    }
    keys[n++] = key;
  }
  return true;
}

// `headers`: one value per name, repeats joined with ", " (or left out when `only_single`), plus
// one Set-Cookie when given (ALB's single-value mode).
void write_single_headers(std::string& out, const Headers& headers, bool with_set_cookie, bool only_single,
                          std::string_view set_cookie = {}) {
  out += "\"headers\":{"sv;
  bool any = false;
  if (all_names_distinct(headers, with_set_cookie)) {
    // The common case, a handful of distinct names: written in place, in room made once and
    // cut to size after. A plain string (the usual) takes its own size, found once and
    // remembered in `plain`; only the others take room for their worst case.
    std::uint64_t plain = 0;  // bit 2i: name i, bit 2i+1: value i (all_names_distinct allows 32 fields)
    std::size_t room = 0;
    std::size_t bit = 0;
    const auto size_of = [&](std::string_view text) {
      const bool is_plain = json_text_is_plain(text);
      plain |= std::uint64_t{is_plain} << bit++;
      return is_plain ? text.size() + 2 : json_string_room(text.size());
    };
    for (const auto& [name, value] : headers) room += size_of(name) + size_of(value) + 2;
    const auto at = out.size();
    out.resize(at + room);
    char* to = out.data() + at;
    bit = 0;
    const auto write = [&](std::string_view text) {
      if (((plain >> bit++) & 1) == 0) return write_json_string(to, text);
      *to++ = '"';
      if (!text.empty()) std::memcpy(to, text.data(), text.size());
      to += text.size();
      *to++ = '"';
      return to;
    };
    for (auto it = headers.begin(); it != headers.end(); ++it) {
      if (it != headers.begin()) *to++ = ',';
      to = write(it->first);
      *to++ = ':';
      to = write(it->second);
    }
    out.resize(static_cast<std::size_t>(to - out.data()));
    any = !headers.empty();
  } else {
    any = write_header_groups(out, headers, with_set_cookie, only_single);
  }
  if (!set_cookie.empty()) {
    if (any) out.push_back(',');
    out += "\"Set-Cookie\":"sv;
    append_json_string(out, set_cookie);
  }
  out.push_back('}');
}

void write_multi_headers(std::string& out, const Response& response, bool only_multi) {
  out += "\"multiValueHeaders\":{"sv;
  bool first = true;
  for_each_group(response.headers, false, [&](const HeaderGroup& g) {
    if (only_multi && g.count == 1) return;
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, g.name());
    out += ":["sv;
    bool first_value = true;
    g.each_value([&](std::string_view value) {
      if (!first_value) out.push_back(',');
      first_value = false;
      append_json_string(out, value);
    });
    out.push_back(']');
  });
  if (has_cookies(response)) {
    if (!first) out.push_back(',');
    out += "\"Set-Cookie\":["sv;
    bool first_cookie = true;
    for_each_cookie(response, [&](std::string_view cookie) {
      if (!first_cookie) out.push_back(',');
      first_cookie = false;
      append_json_string(out, cookie);
    });
    out.push_back(']');
  }
  out.push_back('}');
}

void write_body(std::string& out, const Response& response) {
  const bool base64 = response.binary || !valid_utf8(response.body);
  out += "\"body\":"sv;
  if (base64) {
    append_json_string(out, base64::encode(response.body));
  } else {
    append_json_string(out, response.body);
  }
  out += ",\"isBase64Encoded\":"sv;
  out += base64 ? "true"sv : "false"sv;
}

}  // namespace

bool is_http(events::Kind kind) noexcept { return kind.is_http(); }

Source source_of(events::Kind kind) noexcept {
  if (kind == events::kind_of<events::ApiGatewayRest>) return Source::api_gateway_rest;
  if (kind == events::kind_of<events::ApiGatewayHttp>) return Source::api_gateway_http;
  if (kind == events::kind_of<events::Alb>) return Source::alb;
  if (kind == events::kind_of<events::FunctionUrl>) return Source::function_url;
  if (kind == events::kind_of<events::ApiGatewayWebSocket>) return Source::websocket;
  return Source::direct;
}

events::Kind kind_of(Source source) noexcept {
  switch (source) {
    case Source::api_gateway_rest: return events::kind_of<events::ApiGatewayRest>;
    case Source::alb: return events::kind_of<events::Alb>;
    case Source::function_url: return events::kind_of<events::FunctionUrl>;
    case Source::websocket: return events::kind_of<events::ApiGatewayWebSocket>;
    case Source::api_gateway_http:
    case Source::direct: return events::kind_of<events::ApiGatewayHttp>;
  }
  return events::kind_of<events::ApiGatewayHttp>;
}

Result<Request> request_from_event(const bj::value& event, events::Kind kind) {
  const auto* root = event.if_object();
  if (root == nullptr) return invalid("event", "expected an object");
  Reader reader(*root);
  Request request;
  switch (source_of(kind)) {
    case Source::api_gateway_rest: read_rest(reader, request); break;
    case Source::alb: read_alb(reader, request); break;
    case Source::api_gateway_http: read_v2(reader, request, Source::api_gateway_http); break;
    case Source::function_url: read_v2(reader, request, Source::function_url); break;
    case Source::websocket: read_websocket(reader, request); break;
    case Source::direct: return invalid("event", "a " + std::string(kind.name()) + " event is not an HTTP request");
  }
  if (reader.failed()) return reader.take_error();
  upper_case(request.method);
  if (request.method.empty()) return invalid("method", "is empty");
  return request;
}

Result<Request> request_from_event(const bj::value& event) { return request_from_event(event, events::detect(event)); }

std::string serialize_response(const Response& response, const Request& request) {
  // Room for everything, so the answer is written into one allocation: escaping a short
  // body (JSON in JSON) takes room for its worst case; a long one grows the answer a few times.
  std::size_t size = 128 + response.body.size() + std::min<std::size_t>(response.body.size() * 6, 4096) +
                     (response.binary ? response.body.size() / 3 + 4 : 0);
  // Headers are written at their own size when they need no escaping (the usual); a small
  // answer then stays a small allocation.
  for (const auto& [name, value] : response.headers) size += name.size() + value.size() + 8;
  for (const auto& cookie : response.cookies) size += cookie.size() + 4;
  std::string out;
  out.reserve(size);
  out += "{\"statusCode\":"sv;
  char digits[16];
  out.append(digits, static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, response.status).ptr - digits));
  out.push_back(',');
  switch (request.source) {
    case Source::api_gateway_rest: {
      write_single_headers(out, response.headers, false, true);
      out.push_back(',');
      write_multi_headers(out, response, true);
      break;
    }
    case Source::alb: {
      out += "\"statusDescription\":"sv;
      std::string description = std::to_string(response.status);
      const auto reason = reason_phrase(response.status);
      if (!reason.empty()) description.append(" ").append(reason);
      append_json_string(out, description);
      out.push_back(',');
      if (const auto* alb = request.alb(); alb != nullptr && alb->multi_value) {
        write_multi_headers(out, response, false);
      } else {
        std::string_view first_cookie;
        for_each_cookie(response, [&first_cookie](std::string_view cookie) {
          if (first_cookie.data() == nullptr) first_cookie = cookie;
        });
        write_single_headers(out, response.headers, false, false, first_cookie);
      }
      break;
    }
    case Source::websocket: {
      write_single_headers(out, response.headers, true, false);
      break;
    }
    case Source::api_gateway_http:
    case Source::function_url:
    case Source::direct: {
      write_single_headers(out, response.headers, false, false);
      out += ",\"cookies\":["sv;
      bool first = true;
      for_each_cookie(response, [&](std::string_view cookie) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, cookie);
      });
      out.push_back(']');
      break;
    }
  }
  out.push_back(',');
  write_body(out, response);
  out.push_back('}');
  return out;
}

SingleValueFields single_value_fields(const Response& response) {
  SingleValueFields fields;
  for_each_group(response.headers, false, [&](const HeaderGroup& g) {
    std::string joined;
    g.each_value([&joined](std::string_view value) {
      if (!joined.empty()) joined += ", ";
      joined += value;
    });
    fields.headers.emplace_back(std::string(g.name()), std::move(joined));
  });
  for_each_cookie(response, [&fields](std::string_view cookie) { fields.cookies.emplace_back(cookie); });
  return fields;
}

bj::value response_to_event(const Response& response, const Request& request) {
  // One writer for both forms keeps them identical; this form is for tests and tools.
  return bj::parse(serialize_response(response, request));
}

std::string_view reason_phrase(int status) noexcept {
  static constexpr std::array<std::pair<int, std::string_view>, 40> kReasons{{
      {100, "Continue"}, {101, "Switching Protocols"}, {200, "OK"}, {201, "Created"}, {202, "Accepted"},
      {203, "Non-Authoritative Information"}, {204, "No Content"}, {205, "Reset Content"}, {206, "Partial Content"},
      {301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"}, {304, "Not Modified"},
      {307, "Temporary Redirect"}, {308, "Permanent Redirect"}, {400, "Bad Request"}, {401, "Unauthorized"},
      {402, "Payment Required"}, {403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
      {406, "Not Acceptable"}, {408, "Request Timeout"}, {409, "Conflict"}, {410, "Gone"},
      {411, "Length Required"}, {412, "Precondition Failed"}, {413, "Content Too Large"},
      {415, "Unsupported Media Type"}, {416, "Range Not Satisfiable"}, {422, "Unprocessable Content"},
      {425, "Too Early"}, {428, "Precondition Required"}, {429, "Too Many Requests"},
      {500, "Internal Server Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
      {503, "Service Unavailable"}, {504, "Gateway Timeout"}, {505, "HTTP Version Not Supported"},
  }};
  for (const auto& [code, reason] : kReasons) {
    if (code == status) return reason;
  }
  return {};
}

}  // namespace lift::http
