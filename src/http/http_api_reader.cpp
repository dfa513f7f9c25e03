// The fast path of the most common invocation: an HTTP API or Function URL event (payload 2.0)
// read from its text straight into a Request by Boost.JSON's SAX parser, with no DOM in between
// (the DOM parse alone is most of the framework's time per request; bench/RESULTS.md).
//
// It is deliberately narrow. It answers only for a document whose members are all ones an
// HTTP API event has, which events::detect classifies as apigw-http or function-url, and whose
// members have the types the DOM adapter expects. At the first thing that is not so (another
// member, a wrong type, a duplicate key, invalid JSON) it gives up, and the caller takes the DOM
// path, which then produces the same Request or the precise error. The differential tests
// (tests/unit/http/http_api_reader_test.cpp and the http_adapters fuzz target) hold the two paths
// to the same result.

#include <boost/json/basic_parser_impl.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "lift/http/adapters.hpp"
#include "request_parts.hpp"

namespace lift::http {
namespace {

using boost::json::error_code;
using boost::json::string_view;

// As the DOM path (json::parse_document): deeper documents are refused by both.
constexpr std::size_t kMaxDepth = 64;

// Where the parser is: the containers the reader looks into, and everything else skipped.
enum class Frame : std::uint8_t { root, context, http, headers, cookies, skipped };

// The member of the enclosing container whose value comes next.
enum class Member : std::uint8_t {
  none,
  // root
  version, raw_path, raw_query, body, is_base64, request_context, headers, cookies, ignored,
  // requestContext
  request_id, stage, domain_name, http,
  // requestContext.http
  method, http_path, source_ip,
  // headers
  header,
};

// The member names the reader looks for in one object, each found with one hash probe and
// one comparison (a few dozen keys per event: a linear search of each table was a tenth of
// the reader's time). The constructor runs at compile time and refuses colliding names.
struct Key {
  std::string_view name;
  Member member;
};

// a == b for names of a few dozen bytes, compared in overlapping 8-byte words without a call
// to memcmp (which was most of the time spent looking names up).
inline bool same_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const auto word = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (word(a.data() + i) != word(b.data() + i)) return false;
    }
    return word(a.data() + n - 8) == word(b.data() + n - 8);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

template <std::size_t N>
class KeyTable {
 public:
  static constexpr std::size_t kNotFound = N;

  constexpr explicit KeyTable(const Key (&keys)[N]) {
    for (std::size_t i = 0; i < N; ++i) {
      keys_[i] = keys[i];
      auto& slot = slots_[hash(keys[i].name)];
      if (slot != 0) throw "two names of a KeyTable share a slot: change the hash";
      slot = static_cast<std::uint8_t>(i + 1);
    }
  }
  // The index of `key` in the table, or kNotFound.
  std::size_t find(std::string_view key) const noexcept {
    const auto slot = slots_[hash(key)];
    return slot != 0 && same_text(keys_[slot - 1].name, key) ? slot - 1u : kNotFound;
  }
  constexpr Member member(std::size_t i) const noexcept { return keys_[i].member; }

 private:
  static constexpr std::size_t hash(std::string_view key) noexcept {
    if (key.empty()) return 0;
    const auto byte = [&key](std::size_t i) { return static_cast<std::size_t>(static_cast<unsigned char>(key[i])); };
    return (key.size() + byte(0) * 2 + byte(key.size() - 1) * 4) & 63;
  }
  Key keys_[N]{};
  std::uint8_t slots_[64]{};
};

// Every member an HTTP API or Function URL event has; any other member sends the event to the DOM path.
constexpr KeyTable kRootKeys({
    {"version", Member::version},          {"routeKey", Member::ignored},
    {"rawPath", Member::raw_path},         {"rawQueryString", Member::raw_query},
    {"cookies", Member::cookies},          {"headers", Member::headers},
    {"queryStringParameters", Member::ignored}, {"requestContext", Member::request_context},
    {"body", Member::body},                {"pathParameters", Member::ignored},
    {"isBase64Encoded", Member::is_base64}, {"stageVariables", Member::ignored},
});
// requestContext members read, and those that make events::detect call the event ALB or
// WebSocket (Member::none: the reader gives up). The others are ignored.
constexpr KeyTable kContextKeys({
    {"requestId", Member::request_id}, {"stage", Member::stage},  {"domainName", Member::domain_name},
    {"http", Member::http},            {"elb", Member::none},     {"connectionId", Member::none},
    {"eventType", Member::none},
});
constexpr KeyTable kHttpKeys({{"method", Member::method}, {"path", Member::http_path}, {"sourceIp", Member::source_ip}});

class HttpApiHandler {
 public:
  static constexpr std::size_t max_object_size = 1u << 20;
  static constexpr std::size_t max_array_size = 1u << 20;
  static constexpr std::size_t max_key_size = 1u << 20;
  static constexpr std::size_t max_string_size = std::size_t{1} << 31;

  // `input` is the text being parsed: strings that point into it need no copy.
  HttpApiHandler(Request& request, std::string_view input) : request_(request), input_(input) {}

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }

  bool on_object_begin(error_code& ec) {
    if (depth_ == 0) return push(Frame::root);
    switch (top()) {
      case Frame::skipped: return push(Frame::skipped);
      case Frame::root:
        if (pending_ == Member::request_context) return push(Frame::context);
        if (pending_ == Member::headers) {
          request_.headers.reserve(16);  // browsers send about a dozen; one allocation, not five
          return push(Frame::headers);
        }
        if (pending_ == Member::ignored || pending_ == Member::version) return push(Frame::skipped);
        return give_up(ec);
      case Frame::context:
        if (pending_ == Member::http) return push(Frame::http);
        if (pending_ == Member::ignored) return push(Frame::skipped);
        return give_up(ec);
      case Frame::http:
        if (pending_ == Member::ignored) return push(Frame::skipped);
        return give_up(ec);
      case Frame::headers:
      case Frame::cookies: return give_up(ec);
    }
    return give_up(ec);
  }
  bool on_object_end(std::size_t, error_code&) {
    --depth_;
    return true;
  }
  bool on_array_begin(error_code& ec) {
    if (depth_ == 0) return give_up(ec);
    switch (top()) {
      case Frame::skipped: return push(Frame::skipped);
      case Frame::root:
        if (pending_ == Member::cookies) {
          saw_cookies_ = true;
          request_.cookies.reserve(4);
          return push(Frame::cookies);
        }
        if (pending_ == Member::ignored || pending_ == Member::version) return push(Frame::skipped);
        return give_up(ec);
      case Frame::context:
      case Frame::http:
        if (pending_ == Member::ignored) return push(Frame::skipped);
        return give_up(ec);
      case Frame::headers:
      case Frame::cookies: return give_up(ec);
    }
    return give_up(ec);
  }
  bool on_array_end(std::size_t, error_code&) {
    --depth_;
    return true;
  }

  bool on_key_part(string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    std::string_view key(s.data(), s.size());
    if (!key_.empty()) {
      key_.append(key);
      key = key_;
    }
    const bool ok = choose_member(key);
    key_.clear();
    return ok || give_up(ec);
  }

  // An escaped body arrives in parts: they go straight into the request, not through value_.
  bool on_string_part(string_view s, std::size_t, error_code&) {
    if (in_value_of(Member::body)) {
      body_parts_ = true;
      request_.body.append(s.data(), s.size());
    } else {
      value_.append(s.data(), s.size());
    }
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code& ec) {
    std::string_view text(s.data(), s.size());
    if (body_parts_) {
      body_parts_ = false;
      request_.body.append(text);
      return true;
    }
    if (!value_.empty()) {
      value_.append(text);
      text = value_;
    }
    const bool ok = take_string(text);
    value_.clear();
    return ok || give_up(ec);
  }

  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, string_view, error_code& ec) { return scalar(ec); }
  bool on_uint64(std::uint64_t, string_view, error_code& ec) { return scalar(ec); }
  // 1e400 is refused by the DOM path (json::parse_document); it must not pass here.
  bool on_double(double d, string_view, error_code& ec) { return std::isfinite(d) ? scalar(ec) : give_up(ec); }
  bool on_bool(bool b, error_code& ec) {
    if (in_value_of(Member::is_base64)) {
      base64_ = b;
      return true;
    }
    return scalar(ec);
  }
  bool on_null(error_code& ec) {
    // Null reads as absent, as in the DOM adapter, except where absence changes the kind.
    if (depth_ == 0) return give_up(ec);
    switch (top()) {
      case Frame::skipped:
      case Frame::headers: return true;
      case Frame::cookies: return give_up(ec);
      case Frame::root:
        if (pending_ == Member::request_context) return give_up(ec);
        if (pending_ == Member::cookies) saw_cookies_ = false;
        return true;
      case Frame::context:
        return pending_ == Member::http ? give_up(ec) : true;
      case Frame::http: return true;
    }
    return true;
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

  // What the text said, for the checks made once the whole document is read.
  bool saw_context = false;
  bool saw_http = false;
  bool version_2 = false;
  bool lambda_url = false;  // requestContext.domainName names a function URL
  std::string_view stage;  // into the input or stage_text_
  std::string_view http_path;  // into the input or http_path_text_
  bool saw_cookies() const noexcept { return saw_cookies_; }
  bool base64() const noexcept { return base64_; }

 private:
  Frame top() const noexcept { return frames_[depth_ - 1]; }
  bool push(Frame f) {
    if (f == Frame::context) saw_context = true;
    if (f == Frame::http) saw_http = true;
    frames_[depth_++] = f;  // the parser's max_depth keeps depth_ within the array
    pending_ = Member::none;
    return true;
  }
  static bool give_up(error_code& ec) {
    // Any error ends the parse; the caller only needs to know it did not finish.
    ec = boost::json::error::test_failure;
    return false;
  }
  bool in_value_of(Member m) const noexcept { return depth_ != 0 && top() == Frame::root && pending_ == m; }

  // Numbers and booleans are fine where nothing is read; elsewhere the DOM adapter decides.
  bool scalar(error_code& ec) {
    if (depth_ == 0) return give_up(ec);
    switch (top()) {
      case Frame::skipped: return true;
      case Frame::root: return pending_ == Member::ignored || pending_ == Member::version || give_up(ec);
      case Frame::context:
      case Frame::http: return pending_ == Member::ignored || give_up(ec);
      case Frame::headers:
      case Frame::cookies: return give_up(ec);
    }
    return give_up(ec);
  }

  // Sets pending_ for the value that follows `key`; false gives up.
  bool choose_member(std::string_view key) {
    switch (top()) {
      case Frame::skipped: pending_ = Member::none; return true;
      case Frame::root: {
        const auto i = kRootKeys.find(key);
        if (i == kRootKeys.kNotFound) return false;  // not a member of an HTTP API event
        if ((root_seen_ & (1u << i)) != 0) return false;  // duplicate member
        root_seen_ |= 1u << i;
        pending_ = kRootKeys.member(i);
        return true;
      }
      case Frame::context: {
        const auto i = kContextKeys.find(key);
        if (i == kContextKeys.kNotFound) return once(context_seen_, Member::ignored);
        const auto m = kContextKeys.member(i);
        return m != Member::none && once(context_seen_, m);
      }
      case Frame::http: {
        const auto i = kHttpKeys.find(key);
        return once(http_seen_, i == kHttpKeys.kNotFound ? Member::ignored : kHttpKeys.member(i));
      }
      case Frame::headers: {
        // The DOM keeps one value of a repeated key; this reader would keep both. Names are
        // compared only when a cheap fingerprint says they may repeat.
        const auto fingerprint = std::uint64_t{1} << ((key.size() * 31 + (key.empty() ? 0u : static_cast<unsigned char>(key.back()))) & 63);
        if ((header_fingerprints_ & fingerprint) != 0) {
          for (const auto& [name, value] : request_.headers) {
            if (name == key) return false;
          }
        }
        header_fingerprints_ |= fingerprint;
        header_name_ = kept(key, header_name_text_);
        pending_ = Member::header;
        return true;
      }
      case Frame::cookies: return false;
    }
    return false;
  }
  // `text` itself when it lies in the input (it outlives the parse), else a copy in `storage`
  // (an escaped string is handed over in the parser's or value_'s buffer).
  std::string_view kept(std::string_view text, std::string& storage) {
    const auto at = reinterpret_cast<std::uintptr_t>(text.data());
    const auto begin = reinterpret_cast<std::uintptr_t>(input_.data());
    if (at >= begin && at + text.size() <= begin + input_.size()) return text;
    storage.assign(text);
    return storage;
  }

  bool once(std::uint32_t& seen, Member m) {
    pending_ = m;
    if (m == Member::ignored) return true;
    const auto bit = 1u << static_cast<unsigned>(m);
    if ((seen & bit) != 0) return false;
    seen |= bit;
    return true;
  }

  bool take_string(std::string_view text) {
    if (depth_ == 0) return false;
    switch (top()) {
      case Frame::skipped: return true;
      case Frame::cookies: detail::parse_cookie_header(text, request_.cookies); return true;
      case Frame::headers: request_.headers.add(header_name_, text); return true;
      case Frame::root:
        switch (pending_) {
          case Member::version: version_2 = text == "2.0"; return true;
          case Member::raw_path: request_.raw_path.assign(text); return true;
          case Member::raw_query: raw_query_ = kept(text, raw_query_text_); return true;
          case Member::body: request_.body.assign(text); return true;
          case Member::ignored: return true;
          default: return false;
        }
      case Frame::context:
        switch (pending_) {
          case Member::request_id: request_.request_id.assign(text); return true;
          case Member::stage: stage = kept(text, stage_text_); return true;
          case Member::domain_name: lambda_url = text.find(".lambda-url.") != std::string_view::npos; return true;
          case Member::ignored: return true;
          default: return false;
        }
      case Frame::http:
        switch (pending_) {
          case Member::method: request_.method.assign(text); saw_method_ = true; return true;
          case Member::http_path: http_path = kept(text, http_path_text_); return true;
          case Member::source_ip: request_.source_ip.assign(text); return true;
          case Member::ignored: return true;
          default: return false;
        }
    }
    return false;
  }

 public:
  std::string_view raw_query() const noexcept { return raw_query_; }
  bool saw_method() const noexcept { return saw_method_; }

 private:
  Request& request_;
  std::string_view input_;
  std::array<Frame, kMaxDepth + 1> frames_{};
  std::size_t depth_ = 0;
  Member pending_ = Member::none;
  std::uint32_t root_seen_ = 0;
  std::uint32_t context_seen_ = 0;
  std::uint32_t http_seen_ = 0;
  std::uint64_t header_fingerprints_ = 0;
  std::string key_;
  std::string value_;
  std::string_view header_name_;  // into the input or header_name_text_
  std::string header_name_text_;
  std::string_view raw_query_;
  std::string raw_query_text_;
  std::string stage_text_;
  std::string http_path_text_;
  bool body_parts_ = false;  // an escaped body is being appended to request_.body
  bool saw_cookies_ = false;
  bool saw_method_ = false;
  bool base64_ = false;
};

}  // namespace

bool read_http_api_event(std::string_view json, Request& request) {
  boost::json::parse_options options;
  options.max_depth = kMaxDepth;
  boost::json::basic_parser<HttpApiHandler> parser(options, request, json);
  error_code ec;
  const auto consumed = parser.write_some(false, json.data(), json.size(), ec);
  if (ec || consumed != json.size()) return false;
  auto& seen = parser.handler();
  // events::detect: a requestContext object, version "2.0" or a requestContext.http; the DOM
  // adapter then requires requestContext.http and its method.
  if (!seen.saw_context || !seen.saw_http || !seen.saw_method()) return false;
  const bool function_url = seen.lambda_url;
  request.source = function_url ? Source::function_url : Source::api_gateway_http;

  if (request.raw_path.empty()) request.raw_path.assign(seen.http_path);
  if (!function_url) {
    request.stage.assign(seen.stage);
    const auto path = detail::without_stage(request.raw_path, seen.stage);
    if (path.size() != request.raw_path.size()) request.raw_path.erase(0, request.raw_path.size() - path.size());
  }
  if (!detail::decode_path(request)) return false;
  if (!detail::parse_raw_query(seen.raw_query(), request.query)) return false;
  if (!seen.saw_cookies()) detail::cookies_from_headers(request);
  if (seen.base64()) {
    std::string sent = std::move(request.body);
    detail::assign_body(request, sent, true);
  }
  detail::upper_case(request.method);
  return !request.method.empty();
}

std::optional<Request> read_http_api_event(std::string_view json) {
  Request request;
  if (!read_http_api_event(json, request)) return std::nullopt;
  return request;
}

}  // namespace lift::http
