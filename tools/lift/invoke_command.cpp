// `lift invoke FUNCTION --event FILE|-`: one function, run under the Runtime API emulator.
// The response payload goes to stdout, the function's logs (and ours) to stderr. The function
// runs in a process group of its own, which a timeout, Ctrl-C or lift's exit ends as a whole.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "commands.hpp"
#include "function_command.hpp"
#include "function_path.hpp"
#include "lift/core/utf8.hpp"
#include "lift/local/runtime_emulator.hpp"
#include "lift/runtime/protocol.hpp"
#include "progress.hpp"
#include "stop_signals.hpp"

namespace lift::cli {
namespace {

// A "<key> N kB" line of /proc/PID/status, in KB; 0 when the process or the line is gone.
long proc_status_kb(int pid, std::string_view key) {
  if (pid <= 0) return 0;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(key)) return std::strtol(line.c_str() + key.size(), nullptr, 10);
  }
  return 0;
}

struct InvokeOptions {
  std::string function;
  std::string event = "-";
  std::vector<std::string> env;
  double timeout_seconds = 30;
  int memory_mb = 128;
  int count = 0;        // 0: 1, or --concurrency when that is given
  unsigned concurrency = 1;
  bool floor = false;  // also measure lift-runtime-floor and print what the function adds over it
};

// The same invocations of lift-runtime-floor (the least a runtime client does) under the same
// emulator: what the function's figures are compared with.
struct FloorRun {
  std::vector<std::chrono::microseconds> durations;  // sorted
  std::optional<std::chrono::microseconds> init;
  long peak_kb = 0;
};

// lift-runtime-floor beside this executable (the build puts it there).
std::optional<std::filesystem::path> floor_executable() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return std::nullopt;
  auto floor = self.parent_path() / "lift-runtime-floor";
  if (!std::filesystem::exists(floor, error)) return std::nullopt;
  return floor;
}

Result<FloorRun> run_floor(const std::filesystem::path& floor, const std::string& event, int count, const local::FunctionConfig& like) {
  local::FunctionConfig config;
  config.command = {floor.string()};
  config.function_name = like.function_name;
  config.timeout = like.timeout;
  config.memory_mb = like.memory_mb;
  local::RuntimeEmulator emulator(std::move(config));
  LIFT_TRY_VOID(emulator.start());
  FloorRun run;
  run.durations.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    LIFT_TRY(result, emulator.invoke({.payload = event}));
    if (!result.ok()) return Error{"Floor", "lift-runtime-floor failed: " + result.payload};
    run.durations.push_back(result.duration);
    if (result.init_duration && !run.init) run.init = result.init_duration;
  }
  run.peak_kb = proc_status_kb(emulator.function_pid(), "VmHWM:");
  emulator.stop();
  std::sort(run.durations.begin(), run.durations.end());
  return run;
}

std::string signed_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.3f ms", ms);
  return text;
}

std::string read_event(const std::string& source, std::string& problem) {
  if (source == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  std::ifstream file(source, std::ios::binary);
  if (!file) {
    problem = "cannot read the event file " + source;
    return {};
  }
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string milliseconds(std::chrono::microseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f ms", static_cast<double>(d.count()) / 1000.0);
  return text;
}

// Prints a streamed HTTP-integration response as Lambda's front door would: prelude to
// stderr, body to stdout. A failure is printed as error JSON even when the function reported
// something else (its text becomes the errorMessage).
void print_payload(const local::InvokeResult& result) {
  std::string_view payload = result.payload;
  std::string error_json;
  if (!result.ok()) {
    boost::json::error_code ec;
    const auto value = boost::json::parse(payload, ec);
    if (ec || !value.is_object()) {
      error_json = boost::json::serialize(boost::json::object{{"errorMessage", replace_invalid_utf8(payload)},
                                                              {"errorType", *result.error_type}});
      payload = error_json;
    }
  }
  if (result.streamed && result.content_type == runtime::protocol::kHttpIntegrationContentType) {
    const auto delimiter = payload.find(std::string_view("\0\0\0\0\0\0\0\0", 8));
    if (delimiter != std::string_view::npos) {
      std::cerr << "lift invoke: streamed HTTP response " << payload.substr(0, delimiter) << '\n';
      payload.remove_prefix(delimiter + 8);
    }
  }
  std::cout << payload;
  if (payload.empty() || payload.back() != '\n') std::cout << '\n';
  std::cout.flush();
}

int run_invoke(InvokeOptions options) {
  // --concurrency N alone sends the event N times at once, what a user trying Managed
  // Instances expects; with --count M, M invocations go, N at a time.
  if (options.count == 0) options.count = static_cast<int>(options.concurrency);
  std::optional<std::filesystem::path> floor;
  if (options.floor) {
    if (options.concurrency > 1 || options.count < 2) {
      std::cerr << "lift invoke: --floor compares one invocation at a time over --count N (at least 2), without --concurrency\n";
      return kExitUsage;
    }
    floor = floor_executable();
    if (!floor) {
      std::cerr << "lift invoke: --floor needs lift-runtime-floor beside lift (the build makes it with lift)\n";
      return kExitUsage;
    }
  }
  std::string problem;
  const std::string event = read_event(options.event, problem);
  if (!problem.empty()) {
    std::cerr << "lift invoke: " << problem << '\n';
    return kExitUsage;
  }
  // Lambda's Invoke API accepts only JSON payloads; say so here rather than in the function.
  boost::json::error_code json_error;
  (void)boost::json::parse(event, json_error);
  if (json_error) {
    std::cerr << "lift invoke: the event is not valid JSON: " << json_error.message() << '\n';
    return kExitUsage;
  }
  if (event.size() > local::kMaxSyncInvokePayload) {
    // Invoked anyway, as lift dev does, so that the function's own limit can be tried.
    std::cerr << "lift invoke: the event is " << event.size() << " bytes; Lambda refuses synchronous invocations over "
              << local::kMaxSyncInvokePayload << " bytes\n";
  }

  std::error_code fs_error;
  const auto found = find_function(options.function, std::filesystem::current_path(fs_error));
  if (!found) {
    std::cerr << "lift invoke: " << found.error().message << '\n';
    return kExitUsage;
  }
  const auto& path = *found;

  // On a terminal, --count N shows how far it is; the function's logs then come per
  // invocation, above that line. Piped, nothing changes.
  const bool show_progress = options.count > 1 && progress_wanted(STDERR_FILENO);

  auto command = function_command(path);
  if (!command) {
    std::cerr << "lift invoke: " << command.error().message << '\n';
    return kExitUsage;
  }
  if (command->emulator) {
    std::cerr << "lift invoke: " << path.string() << " is built for " << command->architecture << "; running it under "
              << *command->emulator << " (emulated: its timings say nothing of " << command->architecture << "'s)\n";
  }

  local::FunctionConfig config;
  config.command = command->argv;
  config.environment = command->environment;
  config.function_name = path.filename() == "bootstrap" ? path.parent_path().filename().string() : path.filename().string();
  config.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
  config.memory_mb = options.memory_mb;
  config.concurrency = options.concurrency;  // > 1 sets AWS_LAMBDA_MAX_CONCURRENCY
  for (const auto& assignment : options.env) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
      std::cerr << "lift invoke: --env expects KEY=VALUE, got '" << assignment << "'\n";
      return kExitUsage;
    }
    config.environment.emplace_back(assignment.substr(0, equals), assignment.substr(equals + 1));
  }
  config.capture_logs = show_progress;
  const local::FunctionConfig floor_like = config;

  // Ctrl-C, SIGTERM or SIGHUP stop the function and everything it started (its own process
  // group) before lift exits. Blocked here, after the event was read from stdin, and before
  // the emulator's threads start.
  StopSignals stop_signals;
  local::RuntimeEmulator emulator(std::move(config));
  const auto stop_watch = stop_signals.watch([&emulator](int) { emulator.stop(); });
  const auto stopped = [&] {
    std::cerr << "lift invoke: stopped by " << signal_name(stop_signals.received()) << '\n';
    return 128 + stop_signals.received();
  };
  if (auto started = emulator.start(); !started) {
    if (stop_signals.received() != 0) return stopped();
    std::cerr << "lift invoke: " << started.error().message << '\n';
    return kExitUsage;
  }
  std::optional<ProgressLine> progress;
  if (show_progress) progress.emplace(STDERR_FILENO, "lift invoke", "invocations", options.count);

  std::vector<std::chrono::microseconds> durations;
  durations.reserve(static_cast<std::size_t>(options.count));
  std::optional<std::chrono::microseconds> init;
  int errors = 0;
  std::optional<local::InvokeResult> last;
  // The function's resident memory after the first invocation, after a tenth of them and at the
  // end (a leak shows as growth between the last two), and its peak, Lambda's "Max Memory Used".
  std::vector<std::pair<int, long>> rss_samples;
  const auto sample_rss = [&](int done) {
    if (const long kb = proc_status_kb(emulator.function_pid(), "VmRSS:"); kb > 0) rss_samples.emplace_back(done, kb);
  };
  // Up to `concurrency` invocations in flight: each sender takes the next one until all are
  // sent; results are recorded in the order they finish.
  std::mutex mutex;
  int sent = 0;
  int done = 0;
  std::optional<Error> emulator_error;
  const auto send = [&] {
    for (;;) {
      {
        const std::lock_guard lock(mutex);
        if (sent >= options.count || emulator_error) return;
        ++sent;
      }
      auto result = emulator.invoke({.payload = event});
      const std::lock_guard lock(mutex);
      if (!result) {
        if (!emulator_error) emulator_error = result.error();
        return;
      }
      ++done;
      if (progress) {
        progress->print(result->logs);
        progress->advance(!result->ok());
      }
      durations.push_back(result->duration);
      if (result->init_duration && !init) init = result->init_duration;
      if (!result->ok()) ++errors;
      if (options.count == 1) {
        std::cerr << "REPORT RequestId: " << result->request_id << "\tDuration: " << milliseconds(result->duration);
        if (result->init_duration) std::cerr << "\tInit Duration: " << milliseconds(*result->init_duration);
        if (result->error_type) std::cerr << "\tError: " << *result->error_type;
        if (const long kb = proc_status_kb(emulator.function_pid(), "VmHWM:"); kb > 0)
          std::cerr << "\tMax Memory Used: " << (kb + 1023) / 1024 << " MB";
        std::cerr << '\n';
      }
      last = std::move(*result);
      if (done == 1 || done == options.count || (options.count >= 20 && done == options.count / 10)) sample_rss(done);
    }
  };
  const auto senders = std::min<unsigned>(options.concurrency, static_cast<unsigned>(options.count));
  if (senders <= 1) {
    send();
  } else {
    std::vector<std::thread> threads;
    threads.reserve(senders);
    for (unsigned i = 0; i < senders; ++i) threads.emplace_back(send);
    for (auto& thread : threads) thread.join();
  }
  if (emulator_error) {
    if (progress) progress->finish();
    if (stop_signals.received() != 0) return stopped();
    std::cerr << "lift invoke: " << emulator_error->message << '\n';
    return kExitUsage;
  }
  const long peak_kb = proc_status_kb(emulator.function_pid(), "VmHWM:");
  if (progress) progress->finish();
  emulator.stop();
  if (stop_signals.received() != 0) return stopped();

  if (options.count > 1) {
    std::sort(durations.begin(), durations.end());
    const auto at = [&](double q) { return durations[static_cast<std::size_t>(q * static_cast<double>(durations.size() - 1))]; };
    std::cerr << "lift invoke: " << options.count << " invocations";
    if (options.concurrency > 1) std::cerr << " (" << options.concurrency << " at a time)";
    std::cerr << ", " << errors << " errors; latency min "
              << milliseconds(durations.front()) << ", median " << milliseconds(at(0.5)) << ", p99 " << milliseconds(at(0.99))
              << ", max " << milliseconds(durations.back());
    if (init) std::cerr << "; init " << milliseconds(*init);
    for (const auto& [done, kb] : rss_samples) std::cerr << "; rss after " << done << ": " << kb << " KB";
    if (peak_kb > 0) std::cerr << "; max memory used " << peak_kb << " KB";
    std::cerr << '\n';
  }
  if (floor) {
    // After the function, the same event as often through the floor: the differences are what
    // the function itself costs (the emulator's and the machine's share is the floor's too).
    auto measured = run_floor(*floor, event, options.count, floor_like);
    if (!measured) {
      std::cerr << "lift invoke: " << measured.error().message << '\n';
      return kExitUsage;
    }
    std::sort(durations.begin(), durations.end());
    const auto median = [](const std::vector<std::chrono::microseconds>& sorted) { return sorted[sorted.size() / 2]; };
    const auto added_us = median(durations) - median(measured->durations);
    std::cerr << "lift invoke: over the floor (lift-runtime-floor, the same " << options.count << " invocations after it): ";
    if (init && measured->init)
      std::cerr << "cold start " << signed_ms(static_cast<double>((*init - *measured->init).count()) / 1000.0) << " ("
                << milliseconds(*init) << " against " << milliseconds(*measured->init) << "), ";
    std::cerr << "median invocation " << (added_us.count() >= 0 ? "+" : "") << added_us.count() << " us (" << milliseconds(median(durations))
              << " against " << milliseconds(median(measured->durations)) << ")";
    if (peak_kb > 0 && measured->peak_kb > 0)
      std::cerr << ", max memory used " << (peak_kb - measured->peak_kb >= 0 ? "+" : "") << peak_kb - measured->peak_kb << " KB ("
                << peak_kb << " against " << measured->peak_kb << " KB)";
    std::cerr << '\n';
  }
  print_payload(*last);
  return errors == 0 ? kExitOk : kExitFunctionError;
}

}  // namespace

void add_invoke_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InvokeOptions>();
  auto* invoke = app.add_subcommand("invoke", "Run a function once (or --count times) under the Runtime API emulator");
  invoke->add_option("FUNCTION", options->function, kFunctionHelp)->required();
  invoke->add_option("-e,--event", options->event, "event JSON file, or - for stdin")->capture_default_str();
  invoke->add_option("--env", options->env, "KEY=VALUE for the function's environment (repeatable)");
  invoke->add_option("-t,--timeout", options->timeout_seconds, "timeout in seconds")
      ->check(CLI::Range(0.001, 900.0))
      ->capture_default_str();
  invoke->add_option("-m,--memory", options->memory_mb, "memory size in MB")->check(CLI::Range(128, 10240))->capture_default_str();
  invoke->add_option("-n,--count", options->count, "invoke N times and report latency")->check(CLI::Range(1, 10000000));
  invoke->add_option("--concurrency", options->concurrency,
                     "run the function as Lambda Managed Instances do, N invocations at once "
                     "(AWS_LAMBDA_MAX_CONCURRENCY=N), and send the event N at a time (N times unless --count)")
      ->check(CLI::Range(1u, kMaxConcurrency))
      ->capture_default_str();
  invoke->add_flag("--floor", options->floor,
                   "with --count N: then run the same N invocations through lift-runtime-floor (a raw-socket runtime client) "
                   "and print what the function adds over it: cold start, median invocation, memory");
  invoke->callback([options, &exit_code] { exit_code = run_invoke(*options); });
}

}  // namespace lift::cli
