#include "lift/aws/s3.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>

#include <openssl/evp.h>
#include <zlib.h>

#include "lift/aws/sigv4.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/text.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

constexpr std::string_view kS3Prefix = "S3";
constexpr std::size_t kMaxKeyBytes = 1024;

Error s3_invalid(std::string message) { return Error{std::string(kS3Validation), std::move(message), 400}; }

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// S3's bucket naming rules (general purpose buckets).
Result<void> check_bucket(std::string_view bucket) {
  const bool valid = bucket.size() >= 3 && bucket.size() <= 63 && is_lower_alnum(bucket.front()) && is_lower_alnum(bucket.back()) &&
                     std::all_of(bucket.begin(), bucket.end(), [](char c) { return is_lower_alnum(c) || c == '-' || c == '.'; }) &&
                     bucket.find("..") == std::string_view::npos;
  if (!valid)
    return s3_invalid("the bucket name '" + std::string(bucket.substr(0, 80)) +
                   "' is not 3 to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
  return {};
}

Result<void> check_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyBytes) return s3_invalid("an object key has 1 to 1024 bytes, not " + std::to_string(key.size()));
  return {};
}

// "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110's IMF-fixdate).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(25) != " GMT" || text[3] != ',') return std::nullopt;
  const auto number = [&](std::size_t at, std::size_t length) -> int {
    int value = -1;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, value);
    return ec == std::errc{} && end == text.data() + at + length ? value : -1;
  };
  const auto month = std::find(kMonths.begin(), kMonths.end(), text.substr(8, 3));
  const int day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
  if (month == kMonths.end() || day < 1 || year < 1970 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month - kMonths.begin() + 1)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
}

std::string big_endian_base64(std::uint32_t value) {
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                         static_cast<char>(value)};
  return base64::encode(std::string_view(bytes, 4));
}

std::uint32_t crc32_update(std::uint32_t crc, std::string_view data) {
  return static_cast<std::uint32_t>(crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::string crc32_base64(std::string_view body) { return big_endian_base64(crc32_update(0, body)); }

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), S3's x-amz-checksum-crc32c; zlib has
// only the IEEE polynomial. Slicing by 8: eight bytes per step through eight tables (several
// times the speed of a byte at a time, portable to arm64 as it is).
constexpr std::array<std::array<std::uint32_t, 256>, 8> kCrc32cTables = [] {
  std::array<std::array<std::uint32_t, 256>, 8> tables{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1U) != 0 ? (crc >> 1) ^ 0x82F63B78U : crc >> 1;
    tables[0][i] = crc;
  }
  for (std::size_t t = 1; t < 8; ++t)
    for (std::size_t i = 0; i < 256; ++i) tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xFFU];
  return tables;
}();

std::uint32_t crc32c_update(std::uint32_t crc, std::string_view data) {
  const auto& t = kCrc32cTables;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  crc = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    const std::uint32_t low = crc ^ (std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24);
    crc = t[7][low & 0xFFU] ^ t[6][(low >> 8) & 0xFFU] ^ t[5][(low >> 16) & 0xFFU] ^ t[4][low >> 24] ^ t[3][p[4]] ^ t[2][p[5]] ^
          t[1][p[6]] ^ t[0][p[7]];
  }
  for (; n > 0; --n, ++p) crc = t[0][(crc ^ *p) & 0xFFU] ^ (crc >> 8);
  return ~crc;
}

// The checksum of a streamed upload, computed as the bytes go by and sent as the aws-chunked
// body's trailer.
class RunningChecksum {
 public:
  explicit RunningChecksum(S3Checksum kind) : kind_(kind) {
    if (kind_ == S3Checksum::sha256) {
      sha_.reset(EVP_MD_CTX_new());
      if (!sha_ || EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr) != 1) throw std::runtime_error("libcrypto: SHA-256 unavailable");
    }
  }
  void update(std::string_view data) {
    if (kind_ == S3Checksum::crc32) crc_ = crc32_update(crc_, data);
    else if (kind_ == S3Checksum::crc32c) crc_ = crc32c_update(crc_, data);
    else EVP_DigestUpdate(sha_.get(), data.data(), data.size());
  }
  [[nodiscard]] std::string base64_value() {
    if (kind_ != S3Checksum::sha256) return big_endian_base64(crc_);
    unsigned char digest[32];
    unsigned int size = 0;
    EVP_DigestFinal_ex(sha_.get(), digest, &size);
    return base64::encode(std::string_view(reinterpret_cast<const char*>(digest), size));
  }

 private:
  S3Checksum kind_;
  std::uint32_t crc_ = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> sha_{nullptr, &EVP_MD_CTX_free};
};

struct ChecksumNames {
  std::string_view header;     // x-amz-checksum-*
  std::string_view algorithm;  // x-amz-sdk-checksum-algorithm
  std::size_t base64_size;
};
std::optional<ChecksumNames> trailer_checksum(S3Checksum kind) {
  switch (kind) {
    case S3Checksum::crc32: return ChecksumNames{"x-amz-checksum-crc32", "CRC32", 8};
    case S3Checksum::crc32c: return ChecksumNames{"x-amz-checksum-crc32c", "CRC32C", 8};
    case S3Checksum::sha256: return ChecksumNames{"x-amz-checksum-sha256", "SHA256", 44};
    case S3Checksum::none:
    case S3Checksum::content_md5: break;
  }
  return std::nullopt;
}

std::size_t hex_digits(std::uint64_t value) {
  std::size_t digits = 1;
  while (value >= 16) {
    value /= 16;
    ++digits;
  }
  return digits;
}

std::string hex_size(std::size_t value) {
  char text[20];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value, 16);
  return std::string(text, end);
}

// The aws-chunked body of a streamed upload, produced for the HTTP client piece by piece: the
// caller's bytes in frames of exactly kS3UploadChunkBytes (the last one shorter), "<hex size>\r\n
// <bytes>\r\n" each, then "0\r\n", the checksum trailer and "\r\n". Whole frames make the
// encoded length known before the first byte (S3 needs Content-Length).
class AwsChunkedBody {
 public:
  AwsChunkedBody(const S3Client::Source& source, std::uint64_t content_length, S3Checksum checksum, ChecksumNames names)
      : source_(source), content_length_(content_length), checksum_(checksum), names_(names) {
    data_.resize(kS3UploadChunkBytes);
  }

  Result<std::size_t> operator()(std::span<char> buffer) {
    std::size_t written = 0;
    while (written < buffer.size()) {
      if (offset_ == pending_.size()) {
        if (finished_) break;
        if (auto next = next_frame(); !next) return std::move(next).error();
      }
      const std::size_t n = std::min(buffer.size() - written, pending_.size() - offset_);
      std::memcpy(buffer.data() + written, pending_.data() + offset_, n);
      offset_ += n;
      written += n;
    }
    return written;
  }

 private:
  // Fills a whole frame from the source (asking again until it is full or the source ends).
  Result<void> next_frame() {
    std::size_t filled = 0;
    const std::uint64_t left = content_length_ - taken_;
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, kS3UploadChunkBytes));
    while (filled < want) {
      auto produced = source_(std::span<char>(data_.data() + filled, want - filled));
      if (!produced) return std::move(produced).error();
      if (*produced == 0) break;
      filled += std::min(*produced, want - filled);
    }
    taken_ += filled;
    if (filled < want)
      return s3_invalid("the upload's source ended after " + std::to_string(taken_) + " of the " + std::to_string(content_length_) +
                        " bytes announced (content_length)");
    pending_.clear();
    offset_ = 0;
    if (filled > 0) {
      const std::string_view piece(data_.data(), filled);
      checksum_.update(piece);
      pending_ += hex_size(filled);
      pending_ += "\r\n";
      pending_ += piece;
      pending_ += "\r\n";
      return {};
    }
    // The end: the source must have nothing more to give.
    char probe = 0;
    auto more = source_(std::span<char>(&probe, 1));
    if (!more) return std::move(more).error();
    if (*more != 0) return s3_invalid("the upload's source gave more than the " + std::to_string(content_length_) + " bytes announced");
    pending_ = "0\r\n";
    pending_ += names_.header;
    pending_ += ':';
    pending_ += checksum_.base64_value();
    pending_ += "\r\n\r\n";
    finished_ = true;
    return {};
  }

  const S3Client::Source& source_;
  std::uint64_t content_length_;
  std::uint64_t taken_ = 0;
  RunningChecksum checksum_;
  ChecksumNames names_;
  std::string data_, pending_;
  std::size_t offset_ = 0;
  bool finished_ = false;
};

std::string_view header_of(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return {};
}

Error parse_error_response(const HttpResponse& answer) { return parse_s3_error(answer.status, answer.body); }

// Query-string parts of ListObjectsV2, percent-encoded as SigV4 does.
void add_query(std::string& url, std::string_view name, std::string_view value) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += uri_encode(name);
  url += '=';
  url += uri_encode(value);
}

}  // namespace

Result<std::string> s3_object_url(std::string_view endpoint, std::string_view bucket, std::string_view key, bool path_style) {
  LIFT_TRY_VOID(check_bucket(bucket));
  auto url = parse_url(endpoint);
  if (!url) return s3_invalid("the S3 endpoint '" + std::string(endpoint) + "' is not an http(s) URL");
  const bool dotted = bucket.find('.') != std::string_view::npos;
  const bool ip_host = url->host.find_first_not_of("0123456789.") == std::string::npos || url->host.find(':') != std::string::npos;
  const bool virtual_hosted = !path_style && !dotted && !ip_host && !is_local_endpoint(*url);
  std::string base = url->target;  // an endpoint may carry a path of its own
  if (base.find('?') != std::string::npos) base.resize(base.find('?'));
  while (base.ends_with('/')) base.pop_back();
  std::string out = std::string(url->https ? "https://" : "http://");
  if (virtual_hosted) {
    out += std::string(bucket) + "." + url->authority + base;
  } else {
    out += url->authority + base + "/" + std::string(bucket);
  }
  out += '/';
  out += uri_encode(key, /*keep_slash=*/true);
  return out;
}

Result<ObjectInfo> object_info(int status, const std::vector<std::pair<std::string, std::string>>& headers) {
  ObjectInfo info;
  info.status = status;
  if (const auto length = header_of(headers, "Content-Length"); !length.empty()) {
    const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), info.content_length);
    if (ec != std::errc{} || end != length.data() + length.size())
      return detail::malformed_answer(kS3Prefix, "S3 answered with a Content-Length that is not a number");
  }
  if (const auto modified = header_of(headers, "Last-Modified"); !modified.empty()) {
    info.last_modified = parse_http_date(modified);
    if (!info.last_modified) return detail::malformed_answer(kS3Prefix, "S3 answered with a Last-Modified that is not an HTTP date");
  }
  info.content_type = header_of(headers, "Content-Type");
  info.content_range = header_of(headers, "Content-Range");
  info.etag = header_of(headers, "ETag");
  info.version_id = header_of(headers, "x-amz-version-id");
  info.checksum_crc32 = header_of(headers, "x-amz-checksum-crc32");
  info.checksum_crc32c = header_of(headers, "x-amz-checksum-crc32c");
  info.checksum_sha256 = header_of(headers, "x-amz-checksum-sha256");
  for (const auto& [name, value] : headers) {
    if (name.size() > 11 && iequals(std::string_view(name).substr(0, 11), "x-amz-meta-")) {
      std::string short_name = name.substr(11);
      std::transform(short_name.begin(), short_name.end(), short_name.begin(), ascii_lower);
      info.metadata[std::move(short_name)] = value;
    }
  }
  return info;
}

Result<ListObjectsPage> parse_list_objects(std::string_view body) {
  LIFT_TRY(xml, detail::parse_xml(kS3Prefix, body));
  if (xml.name != "ListBucketResult")
    return detail::malformed_answer(kS3Prefix, "S3 answered ListObjectsV2 with <" + xml.name + "> where <ListBucketResult> was expected");
  ListObjectsPage page;
  const auto truncated = xml.child_text("IsTruncated");
  if (truncated != "true" && truncated != "false") return detail::malformed_answer(kS3Prefix, "S3 answered ListObjectsV2 without IsTruncated");
  page.is_truncated = truncated == "true";
  page.next_continuation_token = xml.child_text("NextContinuationToken");
  if (page.is_truncated && page.next_continuation_token.empty())
    return detail::malformed_answer(kS3Prefix, "S3 answered a truncated page without a NextContinuationToken");
  for (const auto* contents : xml.all("Contents")) {
    ObjectSummary object;
    object.key = contents->child_text("Key");
    const auto size = contents->child_text("Size");
    const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), object.size);
    if (object.key.empty() || ec != std::errc{} || end != size.data() + size.size())
      return detail::malformed_answer(kS3Prefix, "S3 answered with an object without a Key or a Size");
    object.etag = contents->child_text("ETag");
    if (const auto modified = contents->child_text("LastModified"); !modified.empty()) {
      object.last_modified = detail::parse_iso8601(modified);
      if (!object.last_modified) return detail::malformed_answer(kS3Prefix, "S3 answered with a LastModified that is not a time");
    }
    object.storage_class = contents->child_text("StorageClass");
    page.objects.push_back(std::move(object));
  }
  for (const auto* prefix : xml.all("CommonPrefixes")) page.common_prefixes.emplace_back(prefix->child_text("Prefix"));
  return page;
}

Error parse_s3_error(int http_status, std::string_view body) {
  if (!body.empty()) return detail::parse_xml_error(kS3Prefix, http_status, body);
  // HEAD answers and some others carry no body: the status is all there is.
  std::string code;
  switch (http_status) {
    case 304: code = "NotModified"; break;
    case 400: code = "BadRequest"; break;
    case 403: code = "Forbidden"; break;
    case 404: code = "NotFound"; break;
    case 412: code = "PreconditionFailed"; break;
    case 416: code = "InvalidRange"; break;
    case 503: code = "SlowDown"; break;
    default: code = "Http" + std::to_string(http_status);
  }
  const int status = http_status >= 200 && http_status < 300 ? 502 : http_status;
  return Error{"S3." + code, "S3 answered HTTP " + std::to_string(http_status) + " without a body", status};
}

struct S3Client::Impl {
  Impl(detail::ServiceClient::Config config, bool path_style) : service(std::move(config)), path_style(path_style) {}
  detail::ServiceClient service;
  bool path_style;
};

S3Client::S3Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
S3Client::S3Client(S3Client&&) noexcept = default;
S3Client& S3Client::operator=(S3Client&&) noexcept = default;
S3Client::~S3Client() = default;

Result<S3Client> S3Client::create(S3Options options) {
  const bool path_style = options.path_style;
  LIFT_TRY(config, detail::service_config(std::move(static_cast<ServiceOptions&>(options)), kS3Prefix, "s3", "AWS_ENDPOINT_URL_S3", "s3", "S3"));
  config.s3_signing = true;
  return S3Client(std::make_unique<Impl>(std::move(config), path_style));
}

const std::string& S3Client::endpoint() const { return impl_->service.endpoint(); }
const std::string& S3Client::region() const { return impl_->service.region(); }

Result<std::string> S3Client::object_url(std::string_view bucket, std::string_view key) const {
  LIFT_TRY_VOID(check_key(key));
  return s3_object_url(impl_->service.endpoint(), bucket, key, impl_->path_style);
}

Result<ObjectInfo> S3Client::get_object(const GetObjectRequest& request, const Sink& sink, Deadline deadline) {
  LIFT_TRY(url, object_url(request.bucket, request.key));
  if (!request.version_id.empty()) add_query(url, "versionId", request.version_id);
  std::vector<detail::Header> headers;
  if (!request.range.empty()) {
    if (!request.range.starts_with("bytes=")) return s3_invalid("a range reads \"bytes=<first>-<last>\", not '" + request.range + "'");
    headers.emplace_back("Range", request.range);
  }
  if (!request.if_match.empty()) headers.emplace_back("If-Match", request.if_match);
  if (!request.if_none_match.empty()) headers.emplace_back("If-None-Match", request.if_none_match);
  const HttpClient::BodySink body_sink = sink;
  LIFT_TRY(response, impl_->service.send_url("GET", std::move(url), std::move(headers), "", deadline, parse_error_response, &body_sink));
  return object_info(response.status, response.headers);
}

Result<std::string> S3Client::get_object_bytes(const GetObjectRequest& request, Deadline deadline, std::size_t max_bytes) {
  std::string bytes;
  LIFT_TRY(info, get_object(request,
                            [&](std::string_view piece) -> Result<void> {
                              if (bytes.size() + piece.size() > max_bytes)
                                return Error{std::string(kHttpResponseTooLarge),
                                             "the object is larger than " + std::to_string(max_bytes) + " bytes: stream it to a sink", 502};
                              bytes.append(piece);
                              return {};
                            },
                            deadline));
  if (info.content_length != bytes.size())
    return detail::malformed_answer(kS3Prefix, "S3 sent " + std::to_string(bytes.size()) + " bytes of an answer of " +
                                                 std::to_string(info.content_length));
  return bytes;
}

namespace {

// The headers a PutObjectRequest and a PutObjectStreamRequest share.
template <typename Request>
Result<std::vector<detail::Header>> object_headers(const Request& request) {
  std::vector<detail::Header> headers;
  if (!request.content_type.empty()) headers.emplace_back("Content-Type", request.content_type);
  if (!request.cache_control.empty()) headers.emplace_back("Cache-Control", request.cache_control);
  if (!request.if_none_match.empty()) headers.emplace_back("If-None-Match", request.if_none_match);
  for (const auto& [name, value] : request.metadata) {
    if (name.empty()) return s3_invalid("a metadata name cannot be empty");
    headers.emplace_back("x-amz-meta-" + name, value);
  }
  return headers;
}

}  // namespace

Result<PutObjectResult> S3Client::put_object(const PutObjectRequest& request, Deadline deadline) {
  LIFT_TRY(url, object_url(request.bucket, request.key));
  LIFT_TRY(headers, object_headers(request));
  switch (request.checksum) {
    case S3Checksum::none: break;
    case S3Checksum::crc32:
      headers.emplace_back("x-amz-checksum-crc32", crc32_base64(request.body));
      headers.emplace_back("x-amz-sdk-checksum-algorithm", "CRC32");
      break;
    case S3Checksum::sha256:
      headers.emplace_back("x-amz-checksum-sha256", base64::encode(digest::sha256(request.body)));
      headers.emplace_back("x-amz-sdk-checksum-algorithm", "SHA256");
      break;
    case S3Checksum::crc32c:
      headers.emplace_back("x-amz-checksum-crc32c", big_endian_base64(crc32c_update(0, request.body)));
      headers.emplace_back("x-amz-sdk-checksum-algorithm", "CRC32C");
      break;
    case S3Checksum::content_md5: headers.emplace_back("Content-MD5", base64::encode(digest::md5(request.body))); break;
  }
  LIFT_TRY(response, impl_->service.send_url("PUT", std::move(url), std::move(headers), request.body, deadline, parse_error_response));
  PutObjectResult result{std::string(response.header("ETag")), std::string(response.header("x-amz-version-id")), {}};
  result.checksum = response.header(request.checksum == S3Checksum::sha256    ? "x-amz-checksum-sha256"
                                     : request.checksum == S3Checksum::crc32c ? "x-amz-checksum-crc32c"
                                                                              : "x-amz-checksum-crc32");
  return result;
}

Result<PutObjectResult> S3Client::put_object_stream(const PutObjectStreamRequest& request, const Source& source, Deadline deadline) {
  LIFT_TRY(url, object_url(request.bucket, request.key));
  const auto names = trailer_checksum(request.checksum);
  if (!names) return s3_invalid("a streamed upload's checksum is crc32, crc32c or sha256 (sent in a trailer)");
  if (request.content_length > kS3MaxPutObjectBytes)
    return s3_invalid("one PutObject stores at most 5 GiB, not " + std::to_string(request.content_length) + " bytes");
  LIFT_TRY(headers, object_headers(request));
  headers.emplace_back("Content-Encoding", "aws-chunked");
  headers.emplace_back("x-amz-decoded-content-length", std::to_string(request.content_length));
  headers.emplace_back("x-amz-sdk-checksum-algorithm", std::string(names->algorithm));
  headers.emplace_back("x-amz-trailer", std::string(names->header));
  AwsChunkedBody body(source, request.content_length, request.checksum, *names);
  const HttpClient::BodySource chunked = [&body](std::span<char> buffer) { return body(buffer); };
  LIFT_TRY(response, impl_->service.send_url_streamed("PUT", std::move(url), std::move(headers),
                                                      aws_chunked_length(request.content_length, request.checksum), chunked,
                                                      "STREAMING-UNSIGNED-PAYLOAD-TRAILER", deadline, parse_error_response));
  return PutObjectResult{std::string(response.header("ETag")), std::string(response.header("x-amz-version-id")),
                         std::string(response.header(names->header))};
}

std::uint64_t aws_chunked_length(std::uint64_t content_length, S3Checksum checksum) {
  const auto names = trailer_checksum(checksum).value_or(ChecksumNames{"x-amz-checksum-crc32", "CRC32", 8});
  const auto frame = [](std::uint64_t size) { return hex_digits(size) + 2 + size + 2; };
  const std::uint64_t full = content_length / kS3UploadChunkBytes, rest = content_length % kS3UploadChunkBytes;
  return full * frame(kS3UploadChunkBytes) + (rest > 0 ? frame(rest) : 0) + 3 + names.header.size() + 1 + names.base64_size + 4;
}

Result<ObjectInfo> S3Client::head_object(std::string_view bucket, std::string_view key, Deadline deadline) {
  LIFT_TRY(url, object_url(bucket, key));
  LIFT_TRY(response, impl_->service.send_url("HEAD", std::move(url), {}, "", deadline, parse_error_response));
  return object_info(response.status, response.headers);
}

Result<void> S3Client::delete_object(std::string_view bucket, std::string_view key, Deadline deadline, std::string_view version_id) {
  LIFT_TRY(url, object_url(bucket, key));
  if (!version_id.empty()) add_query(url, "versionId", version_id);
  LIFT_TRY(response, impl_->service.send_url("DELETE", std::move(url), {}, "", deadline, parse_error_response));
  (void)response;
  return {};
}

Result<ListObjectsPage> S3Client::list_objects(const ListObjectsRequest& request, Deadline deadline) {
  LIFT_TRY_VOID(check_bucket(request.bucket));
  if (request.max_keys < 1 || request.max_keys > 1000) return s3_invalid("max_keys is 1 to 1000, not " + std::to_string(request.max_keys));
  // The bucket's URL with an empty key ends in "/", which is what ListObjectsV2 is sent to.
  auto base = s3_object_url(impl_->service.endpoint(), request.bucket, "", impl_->path_style);
  if (!base) return std::move(base).error();
  std::string url = std::move(*base);
  // In name order, as the AWS SDKs write them.
  if (!request.continuation_token.empty()) add_query(url, "continuation-token", request.continuation_token);
  if (!request.delimiter.empty()) add_query(url, "delimiter", request.delimiter);
  add_query(url, "list-type", "2");
  if (request.max_keys != 1000) add_query(url, "max-keys", std::to_string(request.max_keys));
  if (!request.prefix.empty()) add_query(url, "prefix", request.prefix);
  if (!request.start_after.empty()) add_query(url, "start-after", request.start_after);
  LIFT_TRY(response, impl_->service.send_url("GET", std::move(url), {}, "", deadline, parse_error_response));
  return parse_list_objects(response.body);
}

Result<std::string> S3Client::presign(std::string_view method, std::string_view bucket, std::string_view key, std::chrono::seconds expires,
                                      std::chrono::system_clock::time_point now) {
  if (method != "GET" && method != "PUT") return s3_invalid("a presigned URL is for GET or PUT, not " + std::string(method));
  if (expires.count() < 1 || expires.count() > 7 * 24 * 3600) return s3_invalid("a presigned URL expires after 1 second to 7 days");
  LIFT_TRY(url, object_url(bucket, key));
  LIFT_TRY(credentials, impl_->service.signing_credentials());
  HttpRequest request{std::string(method), std::move(url), {}, {}};
  SigningParams params;
  params.credentials = std::move(credentials);
  params.region = impl_->service.region();
  params.service = "s3";
  params.time = now;
  params.mode = SigningMode::query;
  params.normalize_path = false;
  params.unsigned_payload = true;
  params.expires = expires;
  LIFT_TRY(signed_request, sign_in_place(request, params));
  (void)signed_request;
  // sign_in_place added the Host header the signature covers; the URL carries everything else.
  return std::move(request.url);
}

}  // namespace lift::aws
