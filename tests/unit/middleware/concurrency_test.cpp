// One App with the observability middleware invoked by 8 threads at once, as lift::run(app)
// does under AWS_LAMBDA_MAX_CONCURRENCY: each invocation's log line, EMF document and handler
// subsegment carry its own request id and trace, whatever the other workers do meanwhile.
// Built and run under ThreadSanitizer by `make test-tsan`.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "lift/lift.hpp"
#include "lift/middleware/observability.hpp"
#include "observability_capture.hpp"

namespace {

constexpr int kThreads = 8;
constexpr int kInvocations = 25;

using lift::middleware_test::Captured;

std::string trace_root(int thread, int n) {
  char tail[25];
  std::snprintf(tail, sizeof tail, "%012x%012x", static_cast<unsigned>(thread), static_cast<unsigned>(n));
  return std::string("1-5759e988-") + tail;
}

std::string http_event(const std::string& order) {
  const std::string path = "/orders/" + order;
  return R"({"version":"2.0","routeKey":"$default","rawPath":")" + path + R"(","rawQueryString":"","headers":{},
    "requestContext":{"http":{"method":"GET","path":")" + path + R"(","sourceIp":"203.0.113.9"},
    "requestId":"r-1","stage":"$default","domainName":"x.execute-api.eu-west-1.amazonaws.com"},"isBase64Encoded":false})";
}

TEST(ObservabilityMiddlewareConcurrency, EightWorkersShareOneObservability) {
  Captured out;  // read after the threads are joined
  auto o = lift::middleware_test::make_observability(out);

  lift::App app;
  app.use(lift::mw::observability(o));
  app.get("/orders/:id", [](lift::Context& ctx) {
    auto* handles = lift::mw::observability_of(ctx);
    const std::string order(*ctx.param("id"));
    handles->logger.info("loading", {{"order", order}});
    (void)handles->metrics.add_metadata("order", boost::json::value(order));
    return boost::json::value{{"id", order}};
  });

  std::vector<std::thread> workers;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int n = 0; n < kInvocations; ++n) {
        const std::string order = std::to_string(t) + "-" + std::to_string(n);
        lift::runtime::Invocation in;
        in.context.request_id = "req-" + order;
        in.context.trace_id = "Root=" + trace_root(t, n) + ";Parent=53995c3f42cd8ad8;Sampled=1";
        in.payload = http_event(order);
        auto answer = app.invoke(in);
        if (!answer || answer->body.find("\\\"id\\\":\\\"" + order + "\\\"") == std::string::npos) ++failures[t];
      }
    });
  }
  for (auto& worker : workers) worker.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;

  constexpr auto kTotal = static_cast<std::size_t>(kThreads * kInvocations);
  ASSERT_EQ(out.logs.size(), kTotal);
  for (const auto& line : out.logs) {
    const auto parsed = boost::json::parse(line);
    EXPECT_EQ(parsed.at("function_request_id").as_string(), "req-" + std::string(parsed.at("order").as_string())) << line;
  }
  ASSERT_EQ(out.documents.size(), kTotal);
  for (const auto& document : out.documents) {
    const auto parsed = boost::json::parse(document);
    EXPECT_EQ(parsed.at("Requests"), 1) << document;
    EXPECT_EQ(parsed.at("route"), "/orders/:id") << document;
    EXPECT_TRUE(parsed.as_object().contains("order")) << document;
  }
  ASSERT_EQ(out.datagrams.size(), kTotal);
  std::map<std::string, int> traces;
  for (const auto& datagram : out.datagrams) {
    const auto parsed = boost::json::parse(datagram.substr(datagram.find('\n') + 1));
    EXPECT_EQ(parsed.at("name"), "## handler");
    ++traces[std::string(parsed.at("trace_id").as_string())];
  }
  EXPECT_EQ(traces.size(), kTotal);  // one handler subsegment in each invocation's own trace
}

}  // namespace
