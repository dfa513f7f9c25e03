#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lift/runtime/runtime.hpp"
#include "runtime/stream_sink.hpp"  // private: tests see src/

namespace {

using lift::runtime::ResponseStream;

// Records what a ResponseStream hands its transport.
class RecordingSink : public lift::runtime::detail::StreamSink {
 public:
  lift::Result<void> begin(std::string_view content_type) override {
    ++begins;
    this->content_type = std::string(content_type);
    return lift::ok();
  }
  lift::Result<void> write(std::string_view bytes) override {
    if (fail_writes) return lift::Error{"Runtime.TransportError", "gone", 502};
    chunks.emplace_back(bytes);
    return lift::ok();
  }
  int begins = 0;
  bool fail_writes = false;
  std::string content_type;
  std::vector<std::string> chunks;
};

TEST(ResponseStream, BeginsOnceWithTheContentTypeThenWritesChunks) {
  RecordingSink sink;
  ResponseStream stream(sink);
  ASSERT_TRUE(stream.set_content_type("text/plain"));
  ASSERT_TRUE(stream.write("a"));
  ASSERT_TRUE(stream.write(""));  // nothing to send: an empty chunk would end the body
  ASSERT_TRUE(stream.write("bc"));
  EXPECT_EQ(sink.begins, 1);
  EXPECT_EQ(sink.content_type, "text/plain");
  EXPECT_EQ(sink.chunks, (std::vector<std::string>{"a", "bc"}));
  EXPECT_EQ(stream.bytes_written(), 3u);
  EXPECT_FALSE(stream.set_content_type("application/json"));  // too late
}

TEST(ResponseStream, DefaultsToOctetStream) {
  RecordingSink sink;
  ResponseStream stream(sink);
  ASSERT_TRUE(stream.write("x"));
  EXPECT_EQ(sink.content_type, "application/octet-stream");
}

TEST(ResponseStream, HttpIntegrationPreludeThenEightNuls) {
  RecordingSink sink;
  ResponseStream stream(sink);
  ASSERT_TRUE(stream.begin_http(201, {{"content-type", "text/html"}}, {"s=1"}));
  ASSERT_TRUE(stream.write("<p>hi</p>"));
  EXPECT_EQ(sink.content_type, "application/vnd.awslambda.http-integration-response");
  ASSERT_EQ(sink.chunks.size(), 2u);
  const std::string& prelude = sink.chunks[0];
  ASSERT_GE(prelude.size(), 8u);
  EXPECT_EQ(prelude.substr(prelude.size() - 8), std::string(8, '\0'));
  EXPECT_EQ(prelude.substr(0, prelude.size() - 8),
            R"({"statusCode":201,"headers":{"content-type":"text/html"},"cookies":["s=1"]})");
  EXPECT_EQ(sink.chunks[1], "<p>hi</p>");
  EXPECT_FALSE(stream.begin_http(200));  // only once, before the body
}

TEST(ResponseStream, RejectsBadInput) {
  RecordingSink sink;
  ResponseStream stream(sink);
  EXPECT_FALSE(stream.set_content_type("text/plain\r\nX-Injected: 1"));
  EXPECT_FALSE(stream.set_content_type(""));
  EXPECT_FALSE(stream.begin_http(42));
  EXPECT_FALSE(stream.started());
}

TEST(ResponseStream, TransportFailuresAreReturned) {
  RecordingSink sink;
  sink.fail_writes = true;
  ResponseStream stream(sink);
  auto written = stream.write("x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, "Runtime.TransportError");
  EXPECT_EQ(stream.bytes_written(), 0u);
}

}  // namespace
