// A Lambda function for integration tests: what it does is chosen per invocation by the event
// ({"action": ...}) and at start-up by LIFT_PROBE_* variables, so one binary covers every
// runtime behaviour the tests check through the emulator.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/json.hpp>

#include "lift/core/env.hpp"
#include "lift/runtime/runtime.hpp"

namespace json = boost::json;
using namespace lift::runtime;

namespace {

struct Rendezvous {
  std::mutex mutex;
  std::condition_variable cv;
  int in_flight = 0;
  int peak = 0;
};

json::object context_json(const InvocationContext& c) {
  return {{"request_id", c.request_id},
          {"remaining_ms", c.remaining().count()},
          {"function_arn", c.invoked_function_arn},
          {"trace_id", c.trace_id},
          {"client_context", c.client_context},
          {"cognito_identity", c.cognito_identity},
          {"tenant_id", c.tenant_id},
          {"invocation_id", c.invocation_id}};
}

std::string field(const json::value& event, std::string_view name) {
  if (!event.is_object()) return {};
  const auto* v = event.as_object().if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

lift::Result<Response> buffered(const Invocation& in, Rendezvous& rendezvous, const FunctionMetadata& function) {
  json::error_code ec;
  const auto event = json::parse(in.payload, ec);
  if (ec) return lift::Error{"Probe.BadEvent", "not JSON", 400};
  const auto action = field(event, "action");
  if (action == "echo") return Response{in.payload};
  if (action == "context") return Response{json::serialize(context_json(in.context))};
  if (action == "function") {
    return Response{json::serialize(json::object{{"name", function.name},
                                                 {"version", function.version},
                                                 {"memory_mb", function.memory_mb},
                                                 {"log_group", function.log_group},
                                                 {"log_stream", function.log_stream},
                                                 {"region", function.region},
                                                 {"initialization_type", function.initialization_type},
                                                 {"max_concurrency", function.max_concurrency}})};
  }
  if (action == "env") {
    const auto value = lift::env(field(event, "name").c_str());
    return Response{json::serialize(json::value(value ? json::value(std::string(*value)) : json::value(nullptr)))};
  }
  if (action == "throw") throw std::invalid_argument("probe was asked to throw");
  if (action == "fail") return lift::Error{"Probe.Failure", "probe was asked to fail", 422};
  if (action == "sleep") {
    std::this_thread::sleep_for(std::chrono::milliseconds(event.at("ms").to_number<int>()));
    return Response{R"("slept")"};
  }
  if (action == "oversize") return Response{std::string(kMaxBufferedResponseBytes + 1, 'x')};
  if (action == "exit") std::_Exit(7);
  if (action == "log") {
    std::fprintf(stdout, "probe says hello on stdout\n");
    std::fflush(stdout);
    std::fprintf(stderr, "probe says hello on stderr\n");
    return Response{R"("logged")"};
  }
  if (action == "rendezvous") {
    // Waits until `count` invocations are inside the handler at once; only concurrent
    // workers can get there before the timeout.
    const int count = event.at("count").to_number<int>();
    std::unique_lock lock(rendezvous.mutex);
    rendezvous.peak = std::max(rendezvous.peak, ++rendezvous.in_flight);
    rendezvous.cv.notify_all();
    rendezvous.cv.wait_for(lock, std::chrono::seconds(5), [&] { return rendezvous.peak >= count; });
    --rendezvous.in_flight;
    return Response{json::serialize(json::object{{"peak", rendezvous.peak}})};
  }
  return lift::Error{"Probe.UnknownAction", "unknown action '" + action + "'", 400};
}

lift::Result<void> streamed(const Invocation& in, ResponseStream& out) {
  json::error_code ec;
  const auto event = json::parse(in.payload, ec);
  const auto action = ec ? std::string() : field(event, "action");
  if (action == "stream") {
    if (auto r = out.set_content_type("text/plain"); !r) return r;
    for (int i = 0; i < 3; ++i) {
      if (auto r = out.write("chunk " + std::to_string(i) + "\n"); !r) return r;
    }
    return lift::ok();
  }
  if (action == "stream_http") {
    if (auto r = out.begin_http(201, {{"content-type", "text/html"}, {"x-probe", "1"}}, {"session=abc; Path=/"}); !r) return r;
    return out.write("<h1>streamed</h1>");
  }
  if (action == "stream_error") {
    (void)out.write("partial ");
    throw std::runtime_error("failed mid-stream");
  }
  if (action == "stream_fail_early") return lift::Error{"Probe.EarlyFailure", "failed before the first byte", 500};
  if (action == "stream_large") {
    const std::string block(64 * 1024, 'z');
    for (int i = 0; i < 128; ++i) {  // 8 MiB: more than a buffered response may be
      if (auto r = out.write(block); !r) return r;
    }
    return lift::ok();
  }
  return lift::Error{"Probe.UnknownAction", "unknown action '" + action + "'", 400};
}

}  // namespace

int main() {
  Options options;
  const auto shutdown_file = lift::env_or("LIFT_PROBE_SHUTDOWN_FILE", "");
  options.graceful_shutdown = !shutdown_file.empty();
  Runtime runtime(options);
  (void)runtime.init([] {
    if (lift::env_or("LIFT_PROBE_INIT", "") == "throw") throw std::runtime_error("probe could not initialise");
    if (lift::env_or("LIFT_PROBE_INIT", "") == "fail") return lift::Result<int>(lift::Error{"Probe.ConfigMissing", "TABLE is not set"});
    return lift::Result<int>(0);
  });
  if (!shutdown_file.empty()) {
    runtime.on_shutdown([shutdown_file] { std::ofstream(shutdown_file) << "shutdown hook ran\n"; });
  }
  if (lift::env_or("LIFT_PROBE_STREAMING", "") == "1") return runtime.run(StreamingHandler(streamed));
  Rendezvous rendezvous;
  const FunctionMetadata& function = runtime.function();
  return runtime.run(Handler([&](const Invocation& in) { return buffered(in, rendezvous, function); }));
}
