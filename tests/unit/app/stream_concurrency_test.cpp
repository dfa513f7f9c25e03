// One App answering streamed invocations on several threads at once, as lift::run does under
// Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY workers). Marked TSAN.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/middleware/middleware.hpp"
#include "lift/testing/invoke.hpp"
#include "runtime/stream_sink.hpp"  // private: tests see src/

namespace {

class CollectingSink : public lift::runtime::detail::StreamSink {
 public:
  lift::Result<void> begin(std::string_view) override { return lift::ok(); }
  lift::Result<void> write(std::string_view bytes) override {
    bytes_.append(bytes);
    return lift::ok();
  }
  [[nodiscard]] const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

std::string url_event(const std::string& path) {
  return R"({"version":"2.0","routeKey":"$default","rawPath":")" + path +
         R"(","rawQueryString":"","headers":{},"requestContext":{"domainName":"abc.lambda-url.us-east-1.on.aws","http":{"method":"GET","path":")" +
         path + R"(","sourceIp":"203.0.113.9"},"requestId":"r","stage":"$default"},"isBase64Encoded":false})";
}

TEST(StreamConcurrency, EachWorkerStreamsItsOwnAnswer) {
  lift::App app;
  app.use(lift::mw::request_id(), lift::mw::security_headers());
  app.get("/echo/:id", lift::stream([](lift::Context& ctx, lift::ResponseWriter& out) -> lift::Result<void> {
    const std::string id(*ctx.param("id"));
    for (int i = 0; i < 3; ++i) {
      if (auto sent = out.write(id + ";"); !sent) return sent;
    }
    return {};
  }));
  app.get("/plain/:id", [](lift::Context& ctx) { return std::string(*ctx.param("id")); });

  constexpr int kWorkers = 4;
  constexpr int kInvocations = 200;
  std::atomic<int> good{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < kInvocations; ++i) {
        const std::string id = std::to_string(w) + "-" + std::to_string(i);
        const bool streamed = i % 2 == 0;
        CollectingSink sink;
        lift::runtime::ResponseStream stream(sink);
        const auto in = lift::testing::invocation(url_event((streamed ? "/echo/" : "/plain/") + id));
        if (!app.invoke_streaming(in, stream)) continue;
        const auto& bytes = sink.bytes();
        const auto body = bytes.substr(bytes.find(std::string(8, '\0')) + 8);
        if (body == (streamed ? id + ";" + id + ";" + id + ";" : id)) ++good;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(good.load(), kWorkers * kInvocations);
}

}  // namespace
