// One Logger, one Metrics and one Tracer shared by 8 threads, each running invocations one
// after another as the workers of lift::run(app) do under AWS_LAMBDA_MAX_CONCURRENCY: every
// line, document and subsegment belongs to the invocation of the thread that made it.
// Built and run under ThreadSanitizer by `make test-tsan`.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lift/observability/logger.hpp"
#include "lift/observability/metrics.hpp"
#include "lift/observability/tracer.hpp"
#include "observability_test_support.hpp"

namespace {

namespace obs = lift::observability;
using lift::observability_test::CleanEnv;
using lift::observability_test::invocation;
using lift::observability_test::parse_or_null;

constexpr int kThreads = 8;
constexpr int kInvocations = 40;

std::string request_id(int thread, int n) { return "req-" + std::to_string(thread) + "-" + std::to_string(n); }

// A distinct, valid trace per invocation: the Root's last 24 hex digits carry thread and number.
std::string trace_root(int thread, int n) {
  char tail[25];
  std::snprintf(tail, sizeof tail, "%012x%012x", static_cast<unsigned>(thread), static_cast<unsigned>(n));
  return std::string("1-5759e988-") + tail;
}

// Each sink is called by one thread at a time (the objects serialise their sinks), so a plain
// vector collects; it is read only after the threads are joined.
struct Collected {
  std::vector<std::string> items;
  auto sink() {
    return [this](std::string_view text) { items.emplace_back(text); };
  }
};

TEST(SharedObservability, EightWorkersKeepTheirInvocationsApart) {
  CleanEnv env;
  Collected logs, documents, datagrams;
  obs::LoggerOptions log_options;
  log_options.service = "orders";
  log_options.level = obs::LogLevel::info;
  log_options.sink = logs.sink();
  log_options.buffer.enabled = true;  // debug lines held per invocation, flushed when it fails
  obs::Logger logger(std::move(log_options));
  logger.append_keys({{"region", "eu-west-1"}});

  obs::MetricsOptions metric_options;
  metric_options.metrics_namespace = "Shop";
  metric_options.service = "orders";
  metric_options.capture_cold_start = true;
  metric_options.function_name = "orders";
  metric_options.warn_on_empty = false;
  metric_options.sink = documents.sink();
  obs::Metrics metrics(std::move(metric_options));

  obs::TracerOptions trace_options;
  trace_options.enabled = true;
  trace_options.service = "orders";
  trace_options.sink = datagrams.sink();
  obs::Tracer tracer(std::move(trace_options));

  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      for (int n = 0; n < kInvocations; ++n) {
        const std::string id = request_id(t, n);
        const auto context =
            invocation(id, "Root=" + trace_root(t, n) + ";Parent=53995c3f42cd8ad8;Sampled=1");
        logger.begin_invocation(context);
        metrics.begin_invocation(context);
        tracer.begin_invocation(context);
        logger.append_invocation_keys({{"expected", id}});
        {
          auto handler = tracer.begin_handler_subsegment("orders");
          logger.info("working", {{"step", 1}});
          logger.debug("detail");  // buffered: written only for the failed invocations
          (void)metrics.add_metadata("expected", boost::json::value(id));
          // Thread t records t+1 items in this invocation.
          for (int i = 0; i <= t; ++i) (void)metrics.add("Items", 1, obs::Unit::count);
          {
            auto call = tracer.begin_subsegment("DynamoDB", obs::SubsegmentNamespace::aws);
            (void)call.annotate("expected", id);
            // The header an outbound call carries names this invocation's trace and subsegment.
            const auto header = tracer.propagation_header();
            if (header.find(trace_root(t, n)) == std::string::npos || header.find(call.id()) == std::string::npos)
              logger.error("wrong propagation header", {{"header", header}});
          }
          (void)handler.annotate("expected", id);
        }
        const bool failed = n % 10 == 0;
        (void)metrics.end_invocation();
        logger.end_invocation(failed);
        tracer.end_invocation();
        // Persistent keys changed while other threads log.
        if (n == kInvocations / 2) logger.append_keys({{"worker_" + std::to_string(t), true}});
      }
    });
  }
  for (auto& worker : workers) worker.join();

  // Logs: one JSON object per line, the request id of the invocation that wrote it.
  std::map<std::string, int> lines_per_request;
  std::set<std::string> cold;
  for (const auto& line : logs.items) {
    ASSERT_FALSE(line.empty());
    ASSERT_EQ(line.find('\n'), line.size() - 1) << line;
    const auto parsed = parse_or_null(line);
    ASSERT_TRUE(parsed.is_object()) << line;
    const auto& object = parsed.as_object();
    EXPECT_NE(object.at("message"), "wrong propagation header") << line;
    if (object.at("level") == "WARN") continue;
    ASSERT_TRUE(object.contains("function_request_id")) << line;
    EXPECT_EQ(object.at("function_request_id"), object.at("expected")) << line;
    EXPECT_EQ(object.at("region"), "eu-west-1");
    ++lines_per_request[std::string(object.at("function_request_id").as_string())];
    if (object.at("cold_start").as_bool()) cold.insert(std::string(object.at("function_request_id").as_string()));
  }
  EXPECT_EQ(lines_per_request.size(), static_cast<std::size_t>(kThreads * kInvocations));
  for (int t = 0; t < kThreads; ++t) {
    for (int n = 0; n < kInvocations; ++n) {
      // "working", plus the buffered debug line when the invocation failed.
      EXPECT_EQ(lines_per_request[request_id(t, n)], n % 10 == 0 ? 2 : 1) << request_id(t, n);
    }
  }
  EXPECT_EQ(cold.size(), 1u);  // the first invocation of the process, whichever thread ran it

  // Metrics: one document per invocation with its own count, and one ColdStart document.
  int cold_documents = 0;
  std::set<std::string> seen;
  for (const auto& document : documents.items) {
    const auto parsed = parse_or_null(document);
    ASSERT_TRUE(parsed.is_object()) << document;
    const auto& object = parsed.as_object();
    if (object.contains("ColdStart")) {
      ++cold_documents;
      continue;
    }
    const std::string expected(object.at("expected").as_string());
    EXPECT_TRUE(seen.insert(expected).second) << expected;
    const int thread = std::stoi(expected.substr(4, expected.find('-', 4) - 4));
    const auto& items = object.at("Items");
    if (thread == 0) {
      EXPECT_EQ(items, 1) << document;
    } else {
      ASSERT_TRUE(items.is_array()) << document;
      EXPECT_EQ(items.as_array().size(), static_cast<std::size_t>(thread + 1)) << document;
    }
  }
  EXPECT_EQ(cold_documents, 1);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kInvocations));

  // Traces: each subsegment in its invocation's trace; the call's parent is its handler.
  std::map<std::string, std::string> handler_of_request;  // request id → handler subsegment id
  std::vector<boost::json::object> calls;
  for (const auto& datagram : datagrams.items) {
    const auto parsed = parse_or_null(std::string_view(datagram).substr(datagram.find('\n') + 1));
    ASSERT_TRUE(parsed.is_object()) << datagram;
    const auto& object = parsed.as_object();
    const std::string expected(object.at("annotations").at("expected").as_string());
    const auto dash = expected.find('-', 4);
    const int t = std::stoi(expected.substr(4, dash - 4));
    const int n = std::stoi(expected.substr(dash + 1));
    EXPECT_EQ(object.at("trace_id").as_string(), trace_root(t, n)) << datagram;
    if (object.at("name") == "## orders") {
      EXPECT_EQ(object.at("parent_id"), "53995c3f42cd8ad8");
      handler_of_request[expected] = std::string(object.at("id").as_string());
    } else {
      calls.push_back(object);
    }
  }
  ASSERT_EQ(calls.size(), static_cast<std::size_t>(kThreads * kInvocations));
  for (const auto& call : calls) {
    const std::string expected(call.at("annotations").at("expected").as_string());
    EXPECT_EQ(call.at("parent_id").as_string(), handler_of_request[expected]) << expected;
  }
  EXPECT_EQ(tracer.sent(), static_cast<std::size_t>(2 * kThreads * kInvocations));
}

// Outside an invocation (init, a thread of the handler's own) nothing of another thread's
// invocation shows.
TEST(SharedObservability, AThreadOutsideAnInvocationSeesNone) {
  CleanEnv env;
  Collected logs;
  obs::LoggerOptions options;
  options.service = "orders";
  options.sink = logs.sink();
  obs::Logger logger(std::move(options));
  obs::Tracer tracer(obs::TracerOptions{.daemon_address = {}, .service = "orders", .enabled = true, .sink = [](std::string_view) {}});
  logger.begin_invocation(invocation("req-main"));
  tracer.begin_invocation(invocation("req-main"));
  std::thread other([&] {
    logger.info("from a thread of its own");
    EXPECT_FALSE(tracer.sampled());
    EXPECT_TRUE(tracer.propagation_header().empty());
  });
  other.join();
  logger.info("from the worker");
  logger.end_invocation();
  tracer.end_invocation();
  ASSERT_EQ(logs.items.size(), 2u);
  EXPECT_FALSE(parse_or_null(logs.items[0]).as_object().contains("function_request_id"));
  EXPECT_EQ(parse_or_null(logs.items[1]).at("function_request_id"), "req-main");
}

}  // namespace
