// S3: addressing (virtual-hosted, path-style), presigned URLs against AWS's documented example,
// ListObjectsV2 pages, object headers, errors with and without a body, bad input refused.
#include "lift/aws/s3.hpp"

#include <gtest/gtest.h>

#include "support/scoped_env.hpp"
#include "support/result_code.hpp"

namespace {

using namespace lift::aws;
using lift::Result;

using lift::testing_support::code;

TEST(S3Addressing, VirtualHostedWhenTheNameAllowsItElsePathStyle) {
  EXPECT_EQ(*s3_object_url("https://s3.eu-west-1.amazonaws.com", "reports", "2024/05/a b+c.json", false),
            "https://reports.s3.eu-west-1.amazonaws.com/2024/05/a%20b%2Bc.json");
  EXPECT_EQ(*s3_object_url("https://s3.eu-west-1.amazonaws.com", "reports", "x", true), "https://s3.eu-west-1.amazonaws.com/reports/x");
  // Dotted names do not fit the wildcard certificate: path-style.
  EXPECT_EQ(*s3_object_url("https://s3.eu-west-1.amazonaws.com", "www.example.com", "index.html", false),
            "https://s3.eu-west-1.amazonaws.com/www.example.com/index.html");
  // Local emulators and IP addresses: path-style, the endpoint's path kept.
  EXPECT_EQ(*s3_object_url("http://127.0.0.1:9000", "bucket", "k", false), "http://127.0.0.1:9000/bucket/k");
  EXPECT_EQ(*s3_object_url("http://localhost:4566/", "bucket", "k", false), "http://localhost:4566/bucket/k");
  EXPECT_EQ(*s3_object_url("https://10.0.0.5:9000/minio", "bucket", "k", false), "https://10.0.0.5:9000/minio/bucket/k");
  // Keys keep their slashes; everything outside RFC 3986's unreserved set is encoded once.
  EXPECT_EQ(*s3_object_url("http://127.0.0.1:1", "b12", "a//b/ü~%", false), "http://127.0.0.1:1/b12/a//b/%C3%BC~%25");
  for (const std::string& bucket : std::vector<std::string>{"", "ab", "Upper", "-start", "end-", "a..b", "under_score", std::string(64, 'a')})
    EXPECT_EQ(code(s3_object_url("https://s3.amazonaws.com", bucket, "k", false)), kS3Validation) << bucket;
}

TEST(S3Presign, MatchesAwsDocumentedExample) {
  // "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)", example.
  S3Options options;
  options.endpoint = "https://s3.amazonaws.com";
  options.region = "us-east-1";
  options.credentials = std::make_shared<CredentialsChain>(std::vector<CredentialsProvider>{[]() -> Result<Credentials> {
    return Credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", std::nullopt, "test"};
  }});
  auto client = S3Client::create(std::move(options));
  ASSERT_TRUE(client);
  const auto time = std::chrono::sys_days(std::chrono::year(2013) / 5 / 24);
  auto url = client->presign("GET", "examplebucket", "test.txt", std::chrono::seconds(86400), time);
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_TRUE(url->starts_with("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&")) << *url;
  EXPECT_NE(url->find("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"), std::string::npos);
  EXPECT_NE(url->find("X-Amz-Date=20130524T000000Z"), std::string::npos);
  EXPECT_NE(url->find("X-Amz-Expires=86400"), std::string::npos);
  EXPECT_NE(url->find("X-Amz-SignedHeaders=host"), std::string::npos);
  EXPECT_TRUE(url->ends_with("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")) << *url;

  EXPECT_EQ(code(client->presign("DELETE", "examplebucket", "k", std::chrono::seconds(60), time)), kS3Validation);
  EXPECT_EQ(code(client->presign("GET", "examplebucket", "k", std::chrono::seconds(0), time)), kS3Validation);
  EXPECT_EQ(code(client->presign("PUT", "examplebucket", "k", std::chrono::seconds(7 * 24 * 3600 + 1), time)), kS3Validation);
  EXPECT_EQ(code(client->presign("PUT", "examplebucket", "k", std::chrono::seconds(7 * 24 * 3600), time)), "ok");
  EXPECT_EQ(code(client->presign("GET", "examplebucket", "", std::chrono::seconds(60), time)), kS3Validation);
  EXPECT_EQ(code(client->presign("GET", "examplebucket", std::string(1025, 'k'), std::chrono::seconds(60), time)), kS3Validation);
}

TEST(S3List, PagesAsTheReferenceShowsThem) {
  auto page = parse_list_objects(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>photos/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter>
  <IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>photos/a.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>"fba9dede5f27731c9771645a39863328"</ETag>
    <Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>photos/b &amp; c.jpg</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>photos/2006/</Prefix></CommonPrefixes>
</ListBucketResult>)");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_TRUE(page->is_truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "photos/a.jpg");
  EXPECT_EQ(page->objects[0].size, 434234u);
  EXPECT_EQ(page->objects[0].etag, "\"fba9dede5f27731c9771645a39863328\"");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*page->objects[0].last_modified), 1255369830);
  EXPECT_EQ(page->objects[0].storage_class, "STANDARD");
  EXPECT_EQ(page->objects[1].key, "photos/b & c.jpg");
  EXPECT_EQ(page->common_prefixes, std::vector<std::string>{"photos/2006/"});
}

TEST(S3List, BadAnswersAreMalformedNeverACrash) {
  for (const char* body : {"", "{}", "<Other/>", "<ListBucketResult/>", "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
                           "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Size>1</Size></Contents></ListBucketResult>",
                           "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
                           "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>1</Size><LastModified>then</LastModified></Contents></ListBucketResult>"}) {
    auto page = parse_list_objects(body);
    ASSERT_FALSE(page) << body;
    EXPECT_EQ(page.error().code, kS3MalformedResponse) << body;
  }
}

TEST(S3ObjectInfo, FromTheAnswersHeaders) {
  auto info = object_info(206, {{"Content-Length", "100"}, {"Content-Type", "image/jpeg"}, {"Content-Range", "bytes 0-99/1234"},
                                {"ETag", "\"abc\""}, {"Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"}, {"x-amz-version-id", "v1"},
                                {"X-Amz-Meta-Owner", "ann"}, {"x-amz-checksum-crc32", "AAAAAA=="}, {"x-amz-checksum-crc32c", "4waSgw=="}});
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->status, 206);
  EXPECT_EQ(info->content_length, 100u);
  EXPECT_EQ(info->content_range, "bytes 0-99/1234");
  EXPECT_EQ(info->etag, "\"abc\"");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*info->last_modified), 1445412480);
  EXPECT_EQ(info->metadata.at("owner"), "ann");
  EXPECT_EQ(info->checksum_crc32, "AAAAAA==");
  EXPECT_EQ(info->checksum_crc32c, "4waSgw==");
  EXPECT_EQ(code(object_info(200, {{"Content-Length", "ten"}})), kS3MalformedResponse);
  EXPECT_EQ(code(object_info(200, {{"Last-Modified", "yesterday"}})), kS3MalformedResponse);
  EXPECT_EQ(code(object_info(200, {{"Last-Modified", "Wed, 31 Feb 2015 07:28:00 GMT"}})), kS3MalformedResponse);
}

TEST(S3Errors, FromTheXmlOrTheStatusAlone) {
  auto missing = parse_s3_error(404, R"(<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code>
    <Message>The specified key does not exist.</Message><Key>a</Key><RequestId>r</RequestId></Error>)");
  EXPECT_EQ(missing.code, kS3NoSuchKey);
  EXPECT_EQ(missing.message, "The specified key does not exist.");
  EXPECT_EQ(parse_s3_error(503, "<Error><Code>SlowDown</Code></Error>").code, "S3.SlowDown");
  EXPECT_EQ(parse_s3_error(404, "").code, kS3NotFound);
  EXPECT_EQ(parse_s3_error(412, "").code, kS3PreconditionFailed);
  EXPECT_EQ(parse_s3_error(304, "").code, kS3NotModified);
  EXPECT_EQ(parse_s3_error(418, "").code, "S3.Http418");
  EXPECT_EQ(parse_s3_error(500, "<html>").code, kS3MalformedResponse);
}

TEST(S3ClientConfig, EndpointFromTheRegion) {
  lift::testing_support::ScopedEnv endpoint("AWS_ENDPOINT_URL_S3", std::nullopt);
  auto client = S3Client::create({{.region = "eu-west-3"}});
  ASSERT_TRUE(client);
  EXPECT_EQ(client->endpoint(), "https://s3.eu-west-3.amazonaws.com");
  EXPECT_EQ(*client->object_url("logs", "a.txt"), "https://logs.s3.eu-west-3.amazonaws.com/a.txt");
}

TEST(S3StreamedUpload, TheAwsChunkedLengthCountsFramesAndTheTrailer) {
  // "0\r\n" + "x-amz-checksum-crc32:" + 8 base64 characters + "\r\n\r\n"
  EXPECT_EQ(aws_chunked_length(0, S3Checksum::crc32), 3u + 21u + 8u + 4u);
  EXPECT_EQ(aws_chunked_length(0, S3Checksum::crc32c), 3u + 22u + 8u + 4u);
  EXPECT_EQ(aws_chunked_length(0, S3Checksum::sha256), 3u + 22u + 44u + 4u);
  // One whole frame ("10000\r\n" + 65536 bytes + "\r\n") and one of 1 byte ("1\r\n" + 1 + "\r\n").
  EXPECT_EQ(aws_chunked_length(kS3UploadChunkBytes + 1, S3Checksum::crc32),
            (5u + 2u + kS3UploadChunkBytes + 2u) + (1u + 2u + 1u + 2u) + aws_chunked_length(0, S3Checksum::crc32));
  EXPECT_EQ(aws_chunked_length(kS3MaxPutObjectBytes, S3Checksum::sha256),
            (kS3MaxPutObjectBytes / kS3UploadChunkBytes) * (5u + 4u + kS3UploadChunkBytes) + aws_chunked_length(0, S3Checksum::sha256));
}

}  // namespace
