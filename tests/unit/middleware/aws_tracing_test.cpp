// AWS calls traced inside an invocation: a DynamoDB call made by a handler through a client whose
// HttpClient carries aws_call_tracing becomes an X-Ray subsegment under the handler's, and the
// request carries X-Amzn-Trace-Id naming it as parent. A loopback server plays DynamoDB
// (throttling once, then answering), so retries show too.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "lift/aws/dynamodb.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/lift.hpp"
#include "lift/middleware/observability.hpp"
#include "support/local_server.hpp"
#include "support/scoped_env.hpp"
#include "support/udp_listener.hpp"

namespace {

namespace obs = lift::observability;
using lift::testing_support::LocalServer;

struct FakeDynamo {
  std::mutex mutex;
  std::vector<std::string> trace_headers;
  int calls = 0;
};

TEST(AwsCallTracing, ACallIsASubsegmentAndCarriesTheTraceHeader) {
  lift::testing_support::ScopedEnv key("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  lift::testing_support::ScopedEnv secret("AWS_SECRET_ACCESS_KEY", "secret");
  FakeDynamo fake;
  LocalServer server([&fake](LocalServer::Socket& socket) {
    lift::testing_support::serve_http(socket, [&fake](const lift::testing_support::HttpServerRequest& request, int) {
      std::lock_guard lock(fake.mutex);
      fake.trace_headers.emplace_back(request["X-Amzn-Trace-Id"]);
      if (fake.calls++ == 0) {
        return lift::testing_support::make_response(
            400, R"({"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"})",
            "application/x-amz-json-1.0");
      }
      auto ok = lift::testing_support::make_response(200, R"({"Item":{"id":{"S":"1"}}})", "application/x-amz-json-1.0");
      ok.set("x-amzn-RequestId", "REQ123");
      return ok;
    });
  });

  // The X-Ray daemon's part: documents arrive over UDP, as on Lambda.
  lift::testing_support::UdpListener daemon;
  obs::TracerOptions tracing;
  tracing.enabled = true;
  tracing.service = "orders";
  tracing.daemon_address = daemon.address();
  obs::LoggerOptions logging;
  logging.sink = [](std::string_view) {};
  obs::MetricsOptions metrics;
  metrics.metrics_namespace = "Shop";
  metrics.warn_on_empty = false;
  metrics.sink = [](std::string_view) {};
  lift::mw::Observability o{obs::Logger(std::move(logging)), obs::Metrics(std::move(metrics)), obs::Tracer(std::move(tracing))};
  auto http = std::make_shared<lift::aws::HttpClient>(lift::aws::HttpClientOptions{.observer = lift::mw::aws_call_tracing(o.tracer)});
  lift::aws::RetryPolicy quick;
  quick.base_delay = std::chrono::milliseconds(1);
  quick.throttling_base_delay = std::chrono::milliseconds(1);
  auto client = lift::aws::DynamoDbClient::create(
      {.endpoint = "http://127.0.0.1:" + std::to_string(server.port()), .region = "eu-west-1", .retry = quick, .http = http});
  ASSERT_TRUE(client) << client.error().message;

  lift::App app;
  app.use(lift::mw::observability(o, {.request_metrics = false}));
  app.on_event([&client](lift::Context&, const boost::json::value&) -> lift::Result<boost::json::value> {
    auto item = client->call("GetItem", {{"TableName", "orders"}, {"Key", {{"id", {{"S", "1"}}}}}},
                             std::chrono::steady_clock::now() + std::chrono::seconds(5));
    if (!item) return std::move(item).error();
    return boost::json::value(std::move(*item));
  });
  lift::runtime::Invocation in;
  in.context.request_id = "req-1";
  in.context.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  in.payload = R"({"job":"load"})";
  auto answer = app.invoke(in);
  ASSERT_TRUE(answer) << answer.error().message;

  // Two datagrams: the DynamoDB subsegment (ended first), then the handler's.
  std::vector<std::string> datagrams;
  while (auto datagram = daemon.receive(std::chrono::milliseconds(datagrams.size() < 2 ? 2000 : 200))) {
    datagrams.push_back(std::move(*datagram));
  }
  ASSERT_EQ(datagrams.size(), 2u);
  for (const auto& d : datagrams) EXPECT_EQ(d.substr(0, d.find('\n')), R"({"format": "json", "version": 1})");
  const auto call = boost::json::parse(datagrams[0].substr(datagrams[0].find('\n') + 1));
  const auto handler = boost::json::parse(datagrams[1].substr(datagrams[1].find('\n') + 1));
  EXPECT_EQ(call.at("name"), "DynamoDB");
  EXPECT_EQ(call.at("namespace"), "aws");
  EXPECT_EQ(call.at("parent_id"), handler.at("id"));
  EXPECT_EQ(call.at("trace_id"), "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(call.at("aws").at("operation"), "GetItem");
  EXPECT_EQ(call.at("aws").at("table_name"), "orders");
  EXPECT_EQ(call.at("aws").at("request_id"), "REQ123");
  EXPECT_EQ(call.at("aws").at("retries"), 1);
  EXPECT_FALSE(call.as_object().contains("fault"));

  // Both attempts carried the trace header with the call's subsegment as parent.
  std::lock_guard lock(fake.mutex);
  ASSERT_EQ(fake.trace_headers.size(), 2u);
  const std::string expected = "Parent=" + std::string(call.at("id").as_string());
  for (const auto& header : fake.trace_headers) {
    EXPECT_NE(header.find("Root=1-5759e988-bd862e3fe1be46a994272793"), std::string::npos) << header;
    EXPECT_NE(header.find(expected), std::string::npos) << header;
    EXPECT_NE(header.find("Sampled=1"), std::string::npos) << header;
  }
}

TEST(AwsCallTracing, NothingIsRecordedOutsideASampledTrace) {
  obs::TracerOptions options;
  options.enabled = true;
  options.sink = [](std::string_view) { ADD_FAILURE() << "sent"; };
  obs::Tracer tracer(std::move(options));
  auto observer = lift::mw::aws_call_tracing(tracer);
  EXPECT_EQ(observer->begin({.service = "DynamoDB", .operation = "GetItem"}), nullptr);
  ASSERT_TRUE(tracer.begin_invocation("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"));
  EXPECT_EQ(observer->begin({.service = "DynamoDB", .operation = "GetItem"}), nullptr);
}

}  // namespace
