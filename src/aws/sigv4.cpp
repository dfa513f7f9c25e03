#include "lift/aws/sigv4.hpp"
#include "lift/core/text.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "lift/core/percent.hpp"

namespace lift::aws {
namespace {

namespace urls = boost::urls;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

Error invalid(std::string message) { return Error{"aws.invalid_request", std::move(message), 400}; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Trims the value and collapses each run of spaces or tabs into one space. Line breaks count as
// spaces: a value folded over several lines (obsolete line folding) signs as one line.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

// RFC 3986 dot-segment removal plus collapsing of empty segments; a trailing slash stays.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& segment : segments) out.append("/").append(segment);
  const bool trailing = path.ends_with("/") || path.ends_with("/.") || path.ends_with("/..");
  if (out.empty() || trailing) out += '/';
  return out;
}

std::string canonical_path(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  if (normalize) return uri_encode(normalize_path(path), /*keep_slash=*/true);  // encodes '%' again: "double encoding"
  // S3 style: the path as sent; only characters that cannot appear in a URL are encoded.
  std::string out;
  for (unsigned char c : path) {
    if (c == '/' || c == '%' || urls::unreserved_chars(static_cast<char>(c))) out += static_cast<char>(c);
    else out += uri_encode(std::string_view(reinterpret_cast<const char*>(&c), 1));
  }
  return out;
}

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// The query's parameters, decoded.
QueryParameters parse_query(std::string_view query) {
  QueryParameters parameters;
  std::size_t start = 0;
  while (start <= query.size()) {
    const auto amp = query.find('&', start);
    const auto part = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      const auto eq = part.find('=');
      parameters.emplace_back(percent::decode(part.substr(0, eq)),
                              eq == std::string_view::npos ? std::string() : percent::decode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return parameters;
}

std::string canonical_query(const QueryParameters& parameters) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(parameters.size());
  for (const auto& [key, value] : parameters) encoded.emplace_back(uri_encode(key), uri_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [key, value] : encoded) {
    if (!out.empty()) out += '&';
    out.append(key).append("=").append(value);
  }
  return out;
}

// Headers that proxies and clients may change on the way; signing them would break requests.
bool unsigned_header(std::string_view name) {
  static constexpr std::string_view kSkipped[] = {"authorization", "connection", "expect", "transfer-encoding",
                                                  "upgrade",       "user-agent", "x-amzn-trace-id"};
  return std::find(std::begin(kSkipped), std::end(kSkipped), name) != std::end(kSkipped);
}

struct CanonicalHeaders {
  std::string text;         // "name:value\n" for each
  std::string signed_names;  // "name;name"
};

CanonicalHeaders canonical_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::map<std::string, std::string> merged;  // sorted by lower-case name; repeated names joined by ','
  for (const auto& [name, value] : headers) {
    auto key = lower(name);
    if (unsigned_header(key)) continue;
    auto [it, inserted] = merged.try_emplace(std::move(key), canonical_header_value(value));
    if (!inserted) it->second.append(",").append(canonical_header_value(value));
  }
  CanonicalHeaders out;
  for (const auto& [name, value] : merged) {
    out.text.append(name).append(":").append(value).append("\n");
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += name;
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[20];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

bool has_header(const RawHttpRequest& request, std::string_view name) {
  return std::any_of(request.headers.begin(), request.headers.end(), [&](const auto& h) { return lower(h.first) == name; });
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr auto kWithSlash = urls::unreserved_chars + '/';
  return keep_slash ? urls::encode(text, kWithSlash) : urls::encode(text, urls::unreserved_chars);
}

Result<SignedRequest> sign(const RawHttpRequest& request, const SigningParams& params) {
  const auto& credentials = params.credentials;
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty())
    return invalid("signing needs an access key id and a secret access key");
  if (params.region.empty() || params.service.empty()) return invalid("signing needs a region and a service");
  if (request.method.empty() || request.target.empty() || request.target.front() != '/')
    return invalid("the request needs a method and a target starting with '/'");
  if (!has_header(request, "host")) return invalid("the request has no Host header");
  const bool query_mode = params.mode == SigningMode::query;
  if (query_mode && (params.expires.count() < 1 || params.expires.count() > 604800))
    return invalid("a presigned URL expires after 1 second to 7 days");

  const std::string date_time = amz_date(params.time);
  const std::string scope = date_time.substr(0, 8) + "/" + params.region + "/" + params.service + "/aws4_request";
  const std::string credential = credentials.access_key_id + "/" + scope;
  const std::string payload_hash = !params.payload_hash.empty() ? params.payload_hash
                                   : params.unsigned_payload    ? "UNSIGNED-PAYLOAD"
                                                                : hex::encode(digest::sha256(request.body));

  SignedRequest result;
  result.request = request;
  auto& out = result.request;
  const auto question = request.target.find('?');
  const std::string_view path = std::string_view(request.target).substr(0, question);
  const std::string_view query =
      question == std::string::npos ? std::string_view() : std::string_view(request.target).substr(question + 1);
  auto parameters = parse_query(query);

  CanonicalHeaders headers;
  QueryParameters added;  // query mode: in the order they are appended to the URL
  if (query_mode) {
    headers = canonical_headers(request.headers);
    added = {{"X-Amz-Algorithm", std::string(kAlgorithm)},
             {"X-Amz-Credential", credential},
             {"X-Amz-Date", date_time},
             {"X-Amz-SignedHeaders", headers.signed_names},
             {"X-Amz-Expires", std::to_string(params.expires.count())}};
    if (!credentials.session_token.empty() && !params.omit_session_token)
      added.emplace_back("X-Amz-Security-Token", credentials.session_token);
    parameters.insert(parameters.end(), added.begin(), added.end());
  } else {
    if (!credentials.session_token.empty() && !params.omit_session_token)
      out.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
    out.headers.emplace_back("X-Amz-Date", date_time);
    if (params.sign_body) out.headers.emplace_back("x-amz-content-sha256", payload_hash);
    headers = canonical_headers(out.headers);
  }

  result.canonical_request = request.method + "\n" + canonical_path(path, params.normalize_path) + "\n" +
                             canonical_query(parameters) + "\n" + headers.text + "\n" + headers.signed_names + "\n" +
                             payload_hash;
  result.string_to_sign = std::string(kAlgorithm) + "\n" + date_time + "\n" + scope + "\n" +
                          hex::encode(digest::sha256(result.canonical_request));

  std::string key = digest::hmac_sha256("AWS4" + credentials.secret_access_key, date_time.substr(0, 8));
  key = digest::hmac_sha256(key, params.region);
  key = digest::hmac_sha256(key, params.service);
  key = digest::hmac_sha256(key, "aws4_request");
  result.signature = hex::encode(digest::hmac_sha256(key, result.string_to_sign));

  // omit_session_token: the token travels with the request but is not part of what was signed.
  const bool token_after = !credentials.session_token.empty() && params.omit_session_token;
  if (query_mode) {
    added.emplace_back("X-Amz-Signature", result.signature);
    if (token_after) added.emplace_back("X-Amz-Security-Token", credentials.session_token);
    std::string target = request.target;
    char separator = question == std::string::npos ? '?' : '&';
    if (question != std::string::npos && question + 1 == target.size()) separator = '\0';  // "/path?" already ends in '?'
    for (const auto& [name, value] : added) {
      if (separator != '\0') target += separator;
      target.append(uri_encode(name)).append("=").append(uri_encode(value));
      separator = '&';
    }
    out.target = std::move(target);
  } else {
    out.headers.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" + credential +
                                                  ", SignedHeaders=" + headers.signed_names + ", Signature=" + result.signature);
    if (token_after) out.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  return result;
}

Result<RawHttpRequest> to_raw_request(const HttpRequest& request) {
  auto url = parse_url(request.url);
  if (!url) return std::move(url).error();
  RawHttpRequest raw{request.method, std::move(url->target), request.headers, request.body};
  const bool has_host = std::any_of(raw.headers.begin(), raw.headers.end(), [](const auto& h) { return lower(h.first) == "host"; });
  if (!has_host) raw.headers.emplace_back("Host", std::move(url->authority));
  return raw;
}

Result<SignedRequest> sign_in_place(HttpRequest& request, const SigningParams& params) {
  auto raw = to_raw_request(request);
  if (!raw) return std::move(raw).error();
  auto signed_request = sign(*raw, params);
  if (!signed_request) return signed_request;
  const auto& out = signed_request->request;
  if (params.mode == SigningMode::query) {
    // The signed target is the URL's path and query plus the signature parameters.
    const auto scheme_end = request.url.find("://");
    const auto authority_end = request.url.find_first_of("/?#", scheme_end + 3);
    request.url = request.url.substr(0, authority_end) + out.target;
  }
  // Headers the signer added follow the caller's (and Host, when it was added above).
  request.headers.assign(out.headers.begin(), out.headers.end());
  return signed_request;
}

Result<RawHttpRequest> parse_http_request(std::string_view raw) {
  auto next_line = [&raw]() -> std::optional<std::string_view> {
    if (raw.empty()) return std::nullopt;
    const auto end = raw.find('\n');
    auto line = raw.substr(0, end);
    raw = end == std::string_view::npos ? std::string_view() : raw.substr(end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    return line;
  };
  auto request_line = next_line();
  if (!request_line) return invalid("empty request");
  const auto first_space = request_line->find(' ');
  const auto last_space = request_line->rfind(' ');
  if (first_space == std::string_view::npos || last_space == first_space || !request_line->substr(last_space + 1).starts_with("HTTP/"))
    return invalid("the request line is not 'METHOD TARGET HTTP/1.1'");
  RawHttpRequest request;
  request.method = std::string(request_line->substr(0, first_space));
  request.target = std::string(request_line->substr(first_space + 1, last_space - first_space - 1));
  while (auto line = next_line()) {
    if (line->empty()) break;
    // Obsolete line folding: a line starting with a space or tab continues the value above, and
    // the fold reads as one space (RFC 9112, 5.2), which is how SigV4 signs it.
    if (line->front() == ' ' || line->front() == '\t') {
      if (request.headers.empty()) return invalid("the first header line starts with a space");
      auto& value = request.headers.back().second;
      value += ' ';
      value += trim_blanks(*line);
      continue;
    }
    const auto colon = line->find(':');
    if (colon == std::string_view::npos || colon == 0) return invalid("a header line has no name: '" + std::string(line->substr(0, 80)) + "'");
    request.headers.emplace_back(std::string(line->substr(0, colon)), std::string(line->substr(colon + 1)));
  }
  request.body = std::string(raw);
  return request;
}

std::string format_http_request(const RawHttpRequest& request) {
  std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : request.headers) out.append(name).append(":").append(value).append("\r\n");
  out += "\r\n";
  out += request.body;
  return out;
}

}  // namespace lift::aws
