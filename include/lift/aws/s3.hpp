#pragma once
// Amazon S3 over its REST-XML protocol (SigV4 service "s3", the path signed as sent and the
// body's SHA-256 in x-amz-content-sha256): GetObject streamed to a sink (with ranges and
// conditions), PutObject with a checksum, HeadObject, DeleteObject, ListObjectsV2 (pages by
// continuation token), and presigned GET/PUT URLs. Buckets are addressed virtual-hosted
// (https://<bucket>.s3.<region>.amazonaws.com/<key>) when the name allows it, else path-style
// (https://s3.<region>.amazonaws.com/<bucket>/<key>): dotted names, local endpoints, or
// `path_style`.
//
//   auto s3 = lift::aws::S3Client::create();
//   if (!s3) return s3.error();
//   auto put = s3->put_object({.bucket = "reports", .key = "2024/05/summary.json", .body = text,
//                              .content_type = "application/json"}, deadline);
//   std::ofstream file("/tmp/big.bin", std::ios::binary);
//   auto got = s3->get_object({.bucket = "reports", .key = "big.bin"}, [&](std::string_view piece) -> lift::Result<void> {
//     file.write(piece.data(), static_cast<std::streamsize>(piece.size()));
//     return {};
//   }, deadline);
//
// Thread safety: a client's settings are fixed once created and it sends over a thread-safe
// HTTP client and credentials chain; share one across every worker of lift::run(app).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "S3." and S3's error code ("S3.NoSuchKey", "S3.NoSuchBucket", "S3.AccessDenied",
// "S3.SlowDown" (retried), ...); answers without a body (HEAD) are coded from their status:
inline constexpr std::string_view kS3NoSuchKey = "S3.NoSuchKey";
inline constexpr std::string_view kS3NoSuchBucket = "S3.NoSuchBucket";
inline constexpr std::string_view kS3AccessDenied = "S3.AccessDenied";
inline constexpr std::string_view kS3NotFound = "S3.NotFound";                      // 404 without a body
inline constexpr std::string_view kS3PreconditionFailed = "S3.PreconditionFailed";  // 412
inline constexpr std::string_view kS3NotModified = "S3.NotModified";                // 304 (If-None-Match matched)
inline constexpr std::string_view kS3InvalidRange = "S3.InvalidRange";              // 416
// A request S3 would refuse, answered without a call (bucket or key names, expiry, ...).
inline constexpr std::string_view kS3Validation = "S3.Validation";
// An answer that is not S3's (status kept, 502 for a 2xx).
inline constexpr std::string_view kS3MalformedResponse = "S3.MalformedResponse";

struct S3Options : ServiceOptions {
  // Always https://<endpoint>/<bucket>/<key>, never <bucket>.<endpoint> (MinIO and most emulators).
  bool path_style = false;
};

struct ObjectInfo {
  int status = 200;  // 206 for a range
  std::uint64_t content_length = 0;
  std::string content_type{};
  std::string content_range{};  // "bytes 0-99/1234" for a range
  std::string etag{};           // with its quotes, as S3 gives it
  std::optional<std::chrono::system_clock::time_point> last_modified{};
  std::string version_id{};
  std::map<std::string, std::string> metadata{};  // x-amz-meta-* without the prefix, names lower-case
  std::string checksum_crc32{}, checksum_crc32c{}, checksum_sha256{};  // base64, when S3 returns them
};

struct GetObjectRequest {
  std::string bucket{};
  std::string key{};
  std::string range{};  // "bytes=0-99", "bytes=-500"; empty: the whole object
  std::string if_match{};
  std::string if_none_match{};
  std::string version_id{};
};

enum class S3Checksum { none, crc32, sha256, content_md5, crc32c };

// A streamed upload is sent in aws-chunked frames of this many bytes of the object.
inline constexpr std::size_t kS3UploadChunkBytes = 64 * 1024;
// What one PutObject stores at most; larger objects need a multipart upload.
inline constexpr std::uint64_t kS3MaxPutObjectBytes = 5ULL << 30;

struct PutObjectRequest {
  std::string bucket{};
  std::string key{};
  std::string body{};
  std::string content_type{};
  std::map<std::string, std::string> metadata{};  // sent as x-amz-meta-<name>
  // Computed from the body and sent for S3 to check (x-amz-checksum-crc32, -crc32c, -sha256 or
  // Content-MD5); the body's SHA-256 is signed in any case.
  S3Checksum checksum = S3Checksum::crc32;
  std::string cache_control{};
  std::string if_none_match{};  // "*": only when no such object exists yet
};

// An object uploaded from a source as it produces the bytes (S3Client::put_object_stream).
struct PutObjectStreamRequest {
  std::string bucket{};
  std::string key{};
  // The object's size, required: S3 takes a single PUT only with its length known up front (an
  // object of unknown size needs a multipart upload). At most kS3MaxPutObjectBytes.
  std::uint64_t content_length = 0;
  std::string content_type{};
  std::map<std::string, std::string> metadata{};  // sent as x-amz-meta-<name>
  // crc32, crc32c or sha256: computed as the bytes go and sent in the body's trailer, for S3 to
  // check before it stores anything.
  S3Checksum checksum = S3Checksum::crc32;
  std::string cache_control{};
  std::string if_none_match{};  // "*": only when no such object exists yet
};

struct PutObjectResult {
  std::string etag{};
  std::string version_id{};
  std::string checksum{};  // the checksum S3 returned, base64
};

struct ListObjectsRequest {
  std::string bucket{};
  std::string prefix{};
  std::string delimiter{};
  int max_keys = 1000;                  // 1..1000 per page
  std::string continuation_token{};     // from the previous page's next_continuation_token
  std::string start_after{};
};

struct ObjectSummary {
  std::string key{};
  std::uint64_t size = 0;
  std::string etag{};
  std::optional<std::chrono::system_clock::time_point> last_modified{};
  std::string storage_class{};
};

struct ListObjectsPage {
  std::vector<ObjectSummary> objects{};
  std::vector<std::string> common_prefixes{};
  bool is_truncated = false;
  std::string next_continuation_token{};  // empty on the last page
};

class S3Client {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  using Sink = std::function<Result<void>(std::string_view piece)>;
  // Produces an upload's bytes: fills the start of `buffer` and returns how many it wrote, 0 at
  // the end (it may write fewer than asked and be called again).
  using Source = std::function<Result<std::size_t>(std::span<char> buffer)>;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<S3Client> create(S3Options options = {});

  S3Client(S3Client&&) noexcept;
  S3Client& operator=(S3Client&&) noexcept;
  ~S3Client();

  // The object's bytes go to `sink` as they arrive (pieces of at most 64 KiB), never held whole.
  // Retried only until the first byte reached the sink. An error of the sink ends the download.
  Result<ObjectInfo> get_object(const GetObjectRequest& request, const Sink& sink, Deadline deadline);
  // The whole object in memory, for small objects: more than `max_bytes` is Http.ResponseTooLarge.
  Result<std::string> get_object_bytes(const GetObjectRequest& request, Deadline deadline, std::size_t max_bytes = 16u << 20);
  Result<PutObjectResult> put_object(const PutObjectRequest& request, Deadline deadline);
  // An object of `request.content_length` bytes read from `source` while it is sent (at most
  // 64 KiB of it held), never in memory whole: an aws-chunked body signed as
  // STREAMING-UNSIGNED-PAYLOAD-TRAILER, its checksum in the trailer (what the AWS SDKs send for
  // a stream). The source is read once, so the call is not retried after its first byte (call
  // again with a fresh source). An error of the source is returned as the source gave it, and
  // a source that ends early or gives more is S3.Validation; either way the request is cut off
  // before it is complete, so S3 stores nothing.
  Result<PutObjectResult> put_object_stream(const PutObjectStreamRequest& request, const Source& source, Deadline deadline);
  Result<ObjectInfo> head_object(std::string_view bucket, std::string_view key, Deadline deadline);
  // Deleting a key that does not exist succeeds, as in S3.
  Result<void> delete_object(std::string_view bucket, std::string_view key, Deadline deadline, std::string_view version_id = {});
  Result<ListObjectsPage> list_objects(const ListObjectsRequest& request, Deadline deadline);

  // A URL anyone may GET (or PUT the body to) until `expires` (1 s to 7 days) after `now`,
  // signed with the client's credentials (query-string SigV4, UNSIGNED-PAYLOAD). Note that a URL
  // signed with temporary credentials stops working when they expire.
  Result<std::string> presign(std::string_view method, std::string_view bucket, std::string_view key, std::chrono::seconds expires,
                              std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  // The URL of an object as this client addresses it (virtual-hosted or path-style).
  Result<std::string> object_url(std::string_view bucket, std::string_view key) const;

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit S3Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Pure halves, for tests and fuzzing.
//
// An object's URL: virtual-hosted on `endpoint` unless `path_style`, the endpoint is local
// (loopback over http) or an IP address, or the bucket name has dots (TLS wildcard
// certificates cover one label). The key is percent-encoded except for '/'. Errors: kS3Validation.
Result<std::string> s3_object_url(std::string_view endpoint, std::string_view bucket, std::string_view key, bool path_style);
// A ListObjectsV2 answer. Errors: kS3MalformedResponse (502).
Result<ListObjectsPage> parse_list_objects(std::string_view body);
// The headers of a GET or HEAD answer. Errors: kS3MalformedResponse for a bad length or date.
Result<ObjectInfo> object_info(int status, const std::vector<std::pair<std::string, std::string>>& headers);
// The length of a streamed upload's aws-chunked body (the Content-Length sent) for an object of
// `content_length` bytes with `checksum` (crc32, crc32c or sha256) in its trailer.
std::uint64_t aws_chunked_length(std::uint64_t content_length, S3Checksum checksum);
// S3's error answer (XML, or only a status for HEAD). Never fails.
Error parse_s3_error(int http_status, std::string_view body);

}  // namespace lift::aws
