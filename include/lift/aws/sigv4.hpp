#pragma once
// AWS Signature Version 4: signs an HTTP request with an Authorization header or as a
// presigned URL (X-Amz-Signature in the query), as the AWS SDKs do.
//
//   lift::aws::SigningParams params{.credentials = creds, .region = "eu-west-1", .service = "dynamodb"};
//   auto signed_request = lift::aws::sign(request, params);

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// An HTTP request as sent: the target is the path and query as on the request line.
struct RawHttpRequest {
  std::string method{};
  std::string target{};
  std::vector<std::pair<std::string, std::string>> headers{};  // in order, duplicates allowed
  std::string body{};
};

enum class SigningMode { header, query };

struct SigningParams {
  Credentials credentials{};
  std::string region{};
  std::string service{};
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
  SigningMode mode = SigningMode::header;
  // Normalizes the path (dot segments, repeated slashes) and encodes it again, as every service
  // but S3 expects. False is the S3 style: the path is signed as sent.
  bool normalize_path = true;
  // Adds x-amz-content-sha256 (header mode), as S3 requires.
  bool sign_body = false;
  // Signs "UNSIGNED-PAYLOAD" instead of the body's hash.
  bool unsigned_payload = false;
  // Set: signed as the payload's hash instead of either, e.g. S3's streamed uploads'
  // "STREAMING-UNSIGNED-PAYLOAD-TRAILER" (the body is aws-chunked, its checksum in a trailer).
  std::string payload_hash{};
  // Signs without the session token, then adds it (X-Amz-Security-Token, header or query) to
  // the signed request: what some services expect (AWS IoT's presigned WebSocket URLs, ...).
  bool omit_session_token = false;
  // Lifetime of a presigned URL (query mode), 1 s to 7 days.
  std::chrono::seconds expires{3600};
};

struct SignedRequest {
  RawHttpRequest request{};  // with the signing headers or query parameters added
  std::string canonical_request{};
  std::string string_to_sign{};
  std::string signature{};  // lower-case hex
};

// Errors (code "aws.invalid_request", status 400): missing credentials, region or service,
// a request without a Host header, an expiry out of range.
Result<SignedRequest> sign(const RawHttpRequest& request, const SigningParams& params);

// The request line form of a request addressed by URL: the target from the URL, and a Host
// header (host, and the port unless it is the scheme's default) when it has none.
// Errors: "Http.InvalidUrl".
Result<RawHttpRequest> to_raw_request(const HttpRequest& request);

// Signs a request addressed by URL before HttpClient sends it: the signing headers (or, in
// query mode, the URL's parameters) are added to `request`, with Host when it had none.
// Returns the steps, for diagnostics.
Result<SignedRequest> sign_in_place(HttpRequest& request, const SigningParams& params);

// Reads a raw HTTP/1.1 request ("METHOD TARGET HTTP/1.1", header lines "Name:value", a blank
// line, the body), CRLF or LF line ends; the target may contain spaces. A header line starting
// with spaces or tabs continues the previous value (obsolete line folding), joined by one space.
Result<RawHttpRequest> parse_http_request(std::string_view raw);
// Writes it back in the same form (CRLF line ends).
std::string format_http_request(const RawHttpRequest& request);

// Percent-encodes everything but RFC 3986 unreserved characters (and '/' when keep_slash).
std::string uri_encode(std::string_view text, bool keep_slash = false);

}  // namespace lift::aws
