// The S3 client against a scripted S3 on 127.0.0.1: downloads streamed to a sink in bounded
// pieces (larger than the HTTP client's body limit), a sink's error ending the download without
// a retry, errors typed; requests and presigned URLs cross-checked with the AWS SDK for
// JavaScript (client-s3, s3-request-presigner).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "lift/aws/s3.hpp"
#include "lift/aws/sigv4.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "sdk_crosscheck.hpp"
#include "support/readme_example.hpp"
#include "support/requirements.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace json = boost::json;
using namespace lift::aws;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

S3Client client_for(const std::string& endpoint, std::size_t max_response_bytes = 16u << 20) {
  S3Options options;
  options.endpoint = endpoint;
  options.region = "us-east-1";
  options.retry = lift::testing_support::quick_retries();
  options.credentials = lift::testing_support::fixed_credentials();
  HttpClientOptions http;
  http.proxy = "";
  http.max_response_bytes = max_response_bytes;
  options.http = std::make_shared<HttpClient>(http);
  auto client = S3Client::create(std::move(options));
  if (!client) throw std::runtime_error(client.error().message);
  return std::move(*client);
}

TEST(S3Client, DownloadsAreStreamedInBoundedPieces) {
  std::string object(5u << 20, '\0');
  for (std::size_t i = 0; i < object.size(); ++i) object[i] = static_cast<char>(i * 7 % 251);
  FakeService fake([&](const SeenRequest&, int) { return FakeAnswer{200, object, "application/octet-stream"}; });
  // A 1 MiB limit on bodies read whole does not apply to a streamed one.
  auto client = client_for(fake.endpoint(), 1u << 20);
  std::string received;
  std::size_t pieces = 0, largest = 0;
  auto info = client.get_object({.bucket = "media", .key = "videos/clip 1.bin"},
                                [&](std::string_view piece) -> lift::Result<void> {
                                  ++pieces;
                                  largest = std::max(largest, piece.size());
                                  received.append(piece);
                                  return {};
                                },
                                Clock::now() + 20s);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->content_length, object.size());
  EXPECT_EQ(received, object);
  EXPECT_GT(pieces, 10u);
  EXPECT_LE(largest, 64u * 1024);
  const auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/media/videos/clip%201.bin");
  EXPECT_EQ(lift::testing_support::check_signature(seen[0], "test-secret", true), "");
  EXPECT_EQ(seen[0].header("x-amz-content-sha256"), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  // The whole object at once is bounded.
  auto whole = client.get_object_bytes({.bucket = "media", .key = "k"}, Clock::now() + 20s, 1u << 20);
  ASSERT_FALSE(whole);
  EXPECT_EQ(whole.error().code, kHttpResponseTooLarge);
}

TEST(S3Client, ASinksErrorEndsTheDownloadWithoutARetry) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, std::string(1u << 20, 'x'), "application/octet-stream"}; });
  auto client = client_for(fake.endpoint());
  std::size_t got = 0;
  auto info = client.get_object({.bucket = "media", .key = "k"},
                                [&](std::string_view piece) -> lift::Result<void> {
                                  got += piece.size();
                                  if (got > 100000) return lift::Error{"Disk.Full", "no space left", 507};
                                  return {};
                                },
                                Clock::now() + 10s);
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().code, "Disk.Full");
  EXPECT_EQ(fake.requests(), 1);
  // The client still works: the broken connection was not pooled.
  auto again = client.get_object_bytes({.bucket = "media", .key = "k", .range = "bytes=0-9"}, Clock::now() + 10s);
  ASSERT_TRUE(again) << again.error().message;
}

TEST(S3Client, ErrorsAreTypedAndThrottlingRetried) {
  FakeService fake([](const SeenRequest& request, int number) {
    if (request.target.find("slow") != std::string::npos && number == 1)
      return FakeAnswer{503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>", "application/xml"};
    if (request.method == "HEAD") return FakeAnswer{404, "", "application/xml"};
    if (request.target.find("slow") != std::string::npos) return FakeAnswer{200, "ok", "text/plain"};
    return FakeAnswer{404, "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>", "application/xml"};
  });
  auto client = client_for(fake.endpoint());
  auto missing = client.get_object_bytes({.bucket = "media", .key = "nope"}, Clock::now() + 5s);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, kS3NoSuchKey);
  EXPECT_EQ(missing.error().status, 404);
  auto head = client.head_object("media", "nope", Clock::now() + 5s);
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().code, kS3NotFound);
  fake.clear();
  auto slow = client.get_object_bytes({.bucket = "media", .key = "slow"}, Clock::now() + 5s);
  ASSERT_TRUE(slow) << slow.error().message;
  EXPECT_EQ(*slow, "ok");
  EXPECT_EQ(fake.requests(), 2);
}

class S3Crosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string source(LIFT_TEST_SOURCE_DIR);
    if (std::string(LIFT_TEST_NODE).empty() || !std::filesystem::exists(LIFT_TEST_NODE)) LIFT_SKIP_WITHOUT() << "node is missing";
    for (const char* package : {"client-s3", "s3-request-presigner"})
      if (!std::filesystem::exists(source + "/node_modules/@aws-sdk/" + package))
        LIFT_SKIP_WITHOUT() << "node_modules/@aws-sdk/" << package << " is missing (run scripts/setup)";
  }
  static std::pair<json::value, SeenRequest> sdk(FakeService& fake, const char* operation, const json::object& input) {
    return lift::testing_support::run_sdk(fake, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/aws/clients_crosscheck.js",
                                          fake.endpoint(), operation, input);
  }
};

TEST_F(S3Crosscheck, PutObjectSignsLikeTheSdk) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, "", "application/xml"}; });
  const std::string body = "{\"total\": 42, \"note\": \"h\xc3\xa9llo\"}";
  const auto [theirs, their_request] = sdk(fake, "s3-put", json::object{{"Bucket", "reports"}, {"Key", "2024/05/sum mary.json"},
                                                                         {"Body", body}, {"ContentType", "application/json"},
                                                                         {"Metadata", {{"owner", "ann"}}}});
  fake.clear();
  auto client = client_for(fake.endpoint());
  auto put = client.put_object({.bucket = "reports", .key = "2024/05/sum mary.json", .body = body, .content_type = "application/json",
                                .metadata = {{"owner", "ann"}}},
                               Clock::now() + 5s);
  ASSERT_TRUE(put) << put.error().message;
  const auto mine = lift::testing_support::only_request(fake);
  EXPECT_EQ(mine.method, their_request.method);
  EXPECT_EQ(mine.target.substr(0, mine.target.find('?')), their_request.target.substr(0, their_request.target.find('?')));
  EXPECT_EQ(mine.body, their_request.body);
  for (const char* header : {"Content-Type", "x-amz-meta-owner", "x-amz-checksum-crc32"})
    EXPECT_EQ(mine.header(header), their_request.header(header)) << header;
  EXPECT_EQ(lift::testing_support::check_signature(their_request, "sdk-secret", true), "");
  EXPECT_EQ(lift::testing_support::check_signature(mine, "test-secret", true), "");
}

TEST_F(S3Crosscheck, GetAndListReadAlike) {
  const std::string listing = R"(<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
    <Name>reports</Name><Prefix>2024/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
    <NextContinuationToken>token/+=</NextContinuationToken>
    <Contents><Key>2024/a.json</Key><Size>10</Size><ETag>"e1"</ETag><LastModified>2024-05-01T12:00:00.000Z</LastModified></Contents>
    <Contents><Key>2024/b &amp; c.json</Key><Size>20</Size><ETag>"e2"</ETag><LastModified>2024-05-01T12:00:00.000Z</LastModified></Contents>
    <CommonPrefixes><Prefix>2024/05/</Prefix></CommonPrefixes></ListBucketResult>)";
  FakeService fake([&](const SeenRequest& request, int) {
    if (request.target.find("list-type=2") != std::string::npos) return FakeAnswer{200, listing, "application/xml"};
    return FakeAnswer{200, std::string("\x00\x01\x02 bytes", 9), "application/octet-stream"};
  });
  auto client = client_for(fake.endpoint());

  const auto [their_list, their_list_request] = sdk(fake, "s3-list", json::object{{"Bucket", "reports"}, {"Prefix", "2024/"}, {"Delimiter", "/"},
                                                                                 {"MaxKeys", 2}, {"ContinuationToken", "prev/+="}});
  fake.clear();
  auto page = client.list_objects({.bucket = "reports", .prefix = "2024/", .delimiter = "/", .max_keys = 2, .continuation_token = "prev/+="},
                                  Clock::now() + 5s);
  ASSERT_TRUE(page) << page.error().message;
  const auto mine = lift::testing_support::only_request(fake);
  EXPECT_EQ(mine.target, their_list_request.target);
  EXPECT_EQ(lift::testing_support::check_signature(mine, "test-secret", true), "");
  EXPECT_EQ(lift::testing_support::check_signature(their_list_request, "sdk-secret", true), "");
  EXPECT_EQ(their_list.at("NextContinuationToken"), json::value(page->next_continuation_token));
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(their_list.at("Contents").at(1).at("Key"), json::value(page->objects[1].key));
  EXPECT_EQ(their_list.at("CommonPrefixes").at(0), json::value(page->common_prefixes.at(0)));

  const auto [their_get, their_get_request] = sdk(fake, "s3-get", json::object{{"Bucket", "reports"}, {"Key", "a/b~c(1).bin"}, {"Range", "bytes=0-8"}});
  fake.clear();
  auto bytes = client.get_object_bytes({.bucket = "reports", .key = "a/b~c(1).bin", .range = "bytes=0-8"}, Clock::now() + 5s);
  ASSERT_TRUE(bytes) << bytes.error().message;
  const auto mine_get = lift::testing_support::only_request(fake);
  EXPECT_EQ(mine_get.target.substr(0, mine_get.target.find('?')), their_get_request.target.substr(0, their_get_request.target.find('?')));
  EXPECT_EQ(mine_get.header("Range"), their_get_request.header("Range"));
  EXPECT_EQ(their_get.at("Body"), json::value(lift::base64::encode(*bytes)));
}

TEST_F(S3Crosscheck, PresignedUrlsAreTheSdks) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, "", "text/plain"}; });
  S3Options options;
  options.region = "us-east-1";
  options.endpoint = "https://s3.amazonaws.com";
  options.credentials = lift::testing_support::fixed_credentials("AKIDEXAMPLE", "presign-secret");
  auto client = S3Client::create(std::move(options));
  ASSERT_TRUE(client);
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  for (const char* method : {"GET", "PUT"}) {
    for (const char* key : {"report.pdf", "dir/sub dir/ü+file (1).txt"}) {
      auto mine = client->presign(method, "reports", key, std::chrono::seconds(900), when);
      ASSERT_TRUE(mine) << mine.error().message;
      auto url = client->object_url("reports", key);
      const auto run = lift::testing_support::run_command(
          {LIFT_TEST_NODE, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/aws/clients_crosscheck.js", fake.endpoint(), "s3-presign",
           json::serialize(json::object{{"Url", *url}, {"Method", method}, {"ExpiresIn", 900}, {"SigningDate", 1700000000},
                                        {"AccessKeyId", "AKIDEXAMPLE"}, {"SecretAccessKey", "presign-secret"}})},
          "", 60s);
      ASSERT_EQ(run.exit_code, 0) << run.err;
      const auto theirs = json::parse(run.out);
      // The SDK adds X-Amz-Content-Sha256=UNSIGNED-PAYLOAD to the query (AWS's documented example,
      // which lift follows, does not): lift's signer given that same request signs it alike.
      HttpRequest same{method, *url + "?X-Amz-Content-Sha256=UNSIGNED-PAYLOAD", {}, {}};
      SigningParams params;
      params.credentials = Credentials{"AKIDEXAMPLE", "presign-secret", "", std::nullopt, "test"};
      params.region = "us-east-1";
      params.service = "s3";
      params.time = when;
      params.mode = SigningMode::query;
      params.normalize_path = false;
      params.unsigned_payload = true;
      params.expires = std::chrono::seconds(900);
      auto signed_same = sign_in_place(same, params);
      ASSERT_TRUE(signed_same);
      EXPECT_EQ(json::value(signed_same->signature), theirs.at("Query").at("X-Amz-Signature")) << method << " " << key;
      const std::string their_url(theirs.at("Url").as_string());
      EXPECT_EQ(mine->substr(0, mine->find('?')), their_url.substr(0, their_url.find('?')));
      for (const char* part : {"X-Amz-Credential=AKIDEXAMPLE%2F20231114%2Fus-east-1%2Fs3%2Faws4_request", "X-Amz-Date=20231114T221320Z",
                               "X-Amz-Expires=900", "X-Amz-SignedHeaders=host"}) {
        EXPECT_NE(mine->find(part), std::string::npos) << part;
        EXPECT_NE(their_url.find(part), std::string::npos) << part;
      }
    }
  }
}

}  // namespace

namespace {

// The bytes of a streamed test object: i*7 % 251, as clients_crosscheck.js's s3-put-stream.
std::string pattern_bytes(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>(i * 7 % 251);
  return out;
}

// A source over `data` that gives at most `piece` bytes a call, optionally failing once
// `fail_after` bytes were given.
S3Client::Source source_over(const std::string& data, std::size_t piece, std::optional<std::size_t> fail_after = std::nullopt) {
  auto at = std::make_shared<std::size_t>(0);
  return [&data, piece, fail_after, at](std::span<char> buffer) -> lift::Result<std::size_t> {
    if (fail_after && *at >= *fail_after) return lift::Error{"Disk.ReadFailed", "the file could not be read", 500};
    const std::size_t n = std::min({piece, buffer.size(), data.size() - *at});
    std::memcpy(buffer.data(), data.data() + *at, n);
    *at += n;
    return n;
  };
}

// An aws-chunked body decoded independently of lift's encoder: the data, and the trailer's
// header and value; an error message when the framing is wrong.
struct DecodedChunks {
  std::string data, trailer_name, trailer_value, problem;
  std::vector<std::size_t> sizes;
};
DecodedChunks decode_aws_chunked(const std::string& body) {
  DecodedChunks out;
  std::size_t at = 0;
  for (;;) {
    const auto line_end = body.find("\r\n", at);
    if (line_end == std::string::npos) return out.problem = "no chunk size line", out;
    const std::size_t size = std::stoul(body.substr(at, line_end - at), nullptr, 16);
    at = line_end + 2;
    if (size == 0) break;
    if (body.compare(at + size, 2, "\r\n") != 0) return out.problem = "chunk not ended by CRLF", out;
    out.data += body.substr(at, size);
    out.sizes.push_back(size);
    at += size + 2;
  }
  const auto colon = body.find(':', at), end = body.find("\r\n", at);
  if (colon == std::string::npos || end == std::string::npos || body.substr(end) != "\r\n\r\n") return out.problem = "bad trailer", out;
  out.trailer_name = body.substr(at, colon - at);
  out.trailer_value = body.substr(colon + 1, end - colon - 1);
  return out;
}

// A reflected CRC-32 over `polynomial` computed bit by bit (0xEDB88320: CRC32; 0x82F63B78:
// CRC32C), big-endian and base64 as S3 writes it: a second implementation beside lift's.
std::string bitwise_crc_base64(std::string_view data, std::uint32_t polynomial) {
  std::uint32_t crc = 0xFFFFFFFFU;
  for (const char c : data) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1U) != 0 ? (crc >> 1) ^ polynomial : crc >> 1;
  }
  crc = ~crc;
  const char bytes[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16), static_cast<char>(crc >> 8), static_cast<char>(crc)};
  return lift::base64::encode(std::string_view(bytes, 4));
}

// S3 as it checks a streamed upload: the framing, the decoded length, the trailer's checksum
// (computed here, independently) and the signature; 400 BadDigest otherwise.
FakeAnswer checking_s3(const SeenRequest& request) {
  const auto decoded = decode_aws_chunked(request.body);
  const auto fail = [](const std::string& why) { return FakeAnswer{400, "<Error><Code>BadDigest</Code><Message>" + why + "</Message></Error>", "application/xml"}; };
  if (!decoded.problem.empty()) return fail(decoded.problem);
  if (std::to_string(decoded.data.size()) != request.header("x-amz-decoded-content-length")) return fail("decoded length");
  if (decoded.trailer_name != request.header("x-amz-trailer")) return fail("trailer name");
  const std::string expected = decoded.trailer_name == "x-amz-checksum-sha256"  ? lift::base64::encode(lift::digest::sha256(decoded.data))
                               : decoded.trailer_name == "x-amz-checksum-crc32"  ? bitwise_crc_base64(decoded.data, 0xEDB88320U)
                               : decoded.trailer_name == "x-amz-checksum-crc32c" ? bitwise_crc_base64(decoded.data, 0x82F63B78U)
                                                                                 : "(no such checksum)";
  if (decoded.trailer_value != expected) return fail("checksum " + decoded.trailer_value + " != " + expected);
  if (const auto problem = lift::testing_support::check_signature(request, "test-secret", true); !problem.empty()) return fail("signature");
  FakeAnswer answer{200, "", "application/xml"};
  return answer;
}

TEST(S3Client, StreamedUploadsAreAwsChunkedWithTheChecksumInATrailer) {
  FakeService fake([](const SeenRequest& request, int) { return checking_s3(request); });
  auto client = client_for(fake.endpoint());
  const std::string object = pattern_bytes(3 * kS3UploadChunkBytes + 12345);
  for (const auto checksum : {S3Checksum::crc32, S3Checksum::sha256, S3Checksum::crc32c}) {
    fake.clear();
    // A source giving odd pieces: the frames are still whole 64 KiB ones.
    auto put = client.put_object_stream({.bucket = "media", .key = "uploads/big.bin", .content_length = object.size(),
                                         .content_type = "application/octet-stream", .checksum = checksum},
                                        source_over(object, 1000), Clock::now() + 20s);
    ASSERT_TRUE(put) << put.error().message;
    const auto seen = lift::testing_support::only_request(fake);
    EXPECT_EQ(seen.header("Content-Encoding"), "aws-chunked");
    EXPECT_EQ(seen.header("x-amz-content-sha256"), "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    EXPECT_EQ(seen.header("Content-Length"), std::to_string(aws_chunked_length(object.size(), checksum)));
    const auto decoded = decode_aws_chunked(seen.body);
    EXPECT_EQ(decoded.data, object);
    EXPECT_EQ(decoded.sizes, (std::vector<std::size_t>{kS3UploadChunkBytes, kS3UploadChunkBytes, kS3UploadChunkBytes, 12345}));
  }
  // An empty object: only the last frame and the trailer.
  fake.clear();
  const std::string empty;
  auto put = client.put_object_stream({.bucket = "media", .key = "empty", .content_length = 0}, source_over(empty, 10), Clock::now() + 5s);
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(lift::testing_support::only_request(fake).body, "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
}

TEST(S3Client, AStreamedUploadWhoseSourceFailsIsATypedErrorAndNothingIsStored) {
  FakeService fake([](const SeenRequest& request, int) { return checking_s3(request); });
  auto client = client_for(fake.endpoint());
  const std::string object = pattern_bytes(4 * kS3UploadChunkBytes);
  auto failed = client.put_object_stream({.bucket = "media", .key = "k", .content_length = object.size()},
                                         source_over(object, 4096, 2 * kS3UploadChunkBytes + 100), Clock::now() + 10s);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "Disk.ReadFailed");
  // Ends early, or gives more than announced.
  auto short_source = client.put_object_stream({.bucket = "media", .key = "k", .content_length = object.size() + 1},
                                               source_over(object, 4096), Clock::now() + 10s);
  ASSERT_FALSE(short_source);
  EXPECT_EQ(short_source.error().code, kS3Validation);
  EXPECT_NE(short_source.error().message.find("ended after"), std::string::npos) << short_source.error().message;
  auto long_source = client.put_object_stream({.bucket = "media", .key = "k", .content_length = object.size() - 1},
                                              source_over(object, 4096), Clock::now() + 10s);
  ASSERT_FALSE(long_source);
  EXPECT_EQ(long_source.error().code, kS3Validation);
  EXPECT_EQ(fake.requests(), 0) << "S3 never saw a whole request";
  // Refused before any call.
  for (const auto checksum : {S3Checksum::none, S3Checksum::content_md5}) {
    auto refused = client.put_object_stream({.bucket = "media", .key = "k", .content_length = 1, .checksum = checksum},
                                            source_over(object, 1), Clock::now() + 5s);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, kS3Validation);
  }
  auto too_large = client.put_object_stream({.bucket = "media", .key = "k", .content_length = kS3MaxPutObjectBytes + 1},
                                            source_over(object, 1), Clock::now() + 5s);
  EXPECT_EQ(too_large.error().code, kS3Validation);
  // S3 throttling a whole upload: its answer, typed, without another attempt (the source is spent).
  FakeService slow([](const SeenRequest&, int) {
    return FakeAnswer{503, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>", "application/xml"};
  });
  auto throttled = client_for(slow.endpoint()).put_object_stream({.bucket = "media", .key = "k", .content_length = object.size()},
                                                                source_over(object, 65536), Clock::now() + 10s);
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().code, "S3.SlowDown");
  EXPECT_EQ(slow.requests(), 1);
  // The client still works afterwards (the cut-off connections were not pooled).
  auto fine = client.put_object_stream({.bucket = "media", .key = "k", .content_length = object.size()}, source_over(object, 65536),
                                       Clock::now() + 10s);
  EXPECT_TRUE(fine) << fine.error().message;
}

TEST_F(S3Crosscheck, AStreamedUploadIsSentAsTheSdkSendsAStream) {
  FakeService fake([](const SeenRequest&, int) { return FakeAnswer{200, "", "application/xml"}; });
  const std::string object = pattern_bytes(2 * kS3UploadChunkBytes + 777);
  for (const auto& [checksum, name] : std::vector<std::pair<S3Checksum, const char*>>{
           {S3Checksum::crc32, "CRC32"}, {S3Checksum::crc32c, "CRC32C"}, {S3Checksum::sha256, "SHA256"}}) {
    const auto [theirs, their_request] =
        sdk(fake, "s3-put-stream", json::object{{"Bucket", "media"}, {"Key", "uploads/clip 1.bin"}, {"Length", object.size()},
                                                {"ContentType", "application/octet-stream"}, {"ChecksumAlgorithm", name}});
    fake.clear();
    auto client = client_for(fake.endpoint());
    auto put = client.put_object_stream({.bucket = "media", .key = "uploads/clip 1.bin", .content_length = object.size(),
                                         .content_type = "application/octet-stream", .checksum = checksum},
                                        source_over(object, 65536), Clock::now() + 10s);
    ASSERT_TRUE(put) << put.error().message;
    const auto mine = lift::testing_support::only_request(fake);
    EXPECT_EQ(mine.target.substr(0, mine.target.find('?')), their_request.target.substr(0, their_request.target.find('?'))) << name;
    EXPECT_EQ(mine.body, their_request.body) << name << ": the same frames and trailer, checksum included";
    for (const char* header : {"Content-Encoding", "Content-Type", "x-amz-content-sha256", "x-amz-decoded-content-length", "x-amz-trailer",
                               "x-amz-sdk-checksum-algorithm"})
      EXPECT_EQ(mine.header(header), their_request.header(header)) << name << " " << header;
    EXPECT_EQ(lift::testing_support::check_signature(their_request, "sdk-secret", true), "") << name;
    EXPECT_EQ(lift::testing_support::check_signature(mine, "test-secret", true), "") << name;
  }
}

// The README's streamed upload (AWS clients: S3), compiled and run against the checking fake.
lift::Result<PutObjectResult> readme_upload_file(S3Client& s3, const std::string& path, Clock::time_point deadline) {
// README begin
// A file uploaded while it is read: 64 KiB of it in memory, whatever its size.
std::ifstream file(path, std::ios::binary);
const auto size = std::filesystem::file_size(path);
auto stored = s3.put_object_stream({.bucket = "media", .key = "videos/clip.mp4", .content_length = size,
                                    .content_type = "video/mp4", .checksum = lift::aws::S3Checksum::sha256},
                                   [&file, &path](std::span<char> buffer) -> lift::Result<std::size_t> {
                                     file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
                                     if (file.bad()) return lift::Error{"File.ReadFailed", "cannot read " + path, 500};
                                     return static_cast<std::size_t>(file.gcount());
                                   },
                                   deadline);
// README end
  return stored;
}

TEST(S3Client, TheReadmeUploadsAFileAsItIsRead) {
  EXPECT_EQ(lift::testing_support::readme_example_problem("tests/integration/aws/s3_test.cpp"), "");
  FakeService fake([](const SeenRequest& request, int) { return checking_s3(request); });
  auto client = client_for(fake.endpoint());
  lift::testing_support::TempDir dir("lift-s3-upload");
  const std::string object = pattern_bytes(5 * kS3UploadChunkBytes / 2);
  std::ofstream(dir / "clip.mp4", std::ios::binary) << object;
  auto stored = readme_upload_file(client, (dir / "clip.mp4").string(), Clock::now() + 10s);
  ASSERT_TRUE(stored) << stored.error().message;
  const auto seen = lift::testing_support::only_request(fake);
  EXPECT_EQ(decode_aws_chunked(seen.body).data, object);
  EXPECT_EQ(seen.header("x-amz-trailer"), "x-amz-checksum-sha256");
}

}  // namespace
