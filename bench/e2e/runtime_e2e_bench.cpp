// End-to-end runtime benchmark through the Runtime API emulator, lift against Node.js under
// aws-lambda-ric in the same run:
//   cold start  exec -> first GET /next, median of --cold-runs fresh processes
//   warm        invocations per second over one kept-alive process, median of --rounds
//               rounds of --round-ms each, the two functions taking turns
//
//   lift_runtime_e2e_bench --function build/bin/examples/hello --event EVENT.json
//       [--node node --ric node_modules/aws-lambda-ric/index.mjs --node-handler bench/node]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "lift/local/runtime_emulator.hpp"

namespace {

using namespace std::chrono;
using lift::local::FunctionConfig;
using lift::local::RuntimeEmulator;

struct Args {
  std::string function;
  std::string event_file;
  std::string node;
  std::string ric;
  std::string node_handler_dir;
  int cold_runs = 20;
  int rounds = 5;
  int round_ms = 1000;
};

struct Subject {
  std::string name;
  FunctionConfig config;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Median of exec -> first /next over fresh processes, in milliseconds.
std::optional<double> cold_start_ms(const Subject& subject, const std::string& event, int runs) {
  std::vector<double> samples;
  for (int i = 0; i < runs; ++i) {
    RuntimeEmulator emulator(subject.config);
    auto result = emulator.invoke({.payload = event});
    if (!result || !result->ok() || !result->init_duration) {
      std::fprintf(stderr, "%s: cold start run failed: %s\n", subject.name.c_str(),
                   result ? (result->error_type.value_or("no init duration") + " " + result->payload).c_str()
                          : result.error().message.c_str());
      return std::nullopt;
    }
    samples.push_back(static_cast<double>(result->init_duration->count()) / 1000.0);
  }
  return median(samples);
}

// CPU time (user + system) the process has used so far, from /proc/PID/stat.
std::optional<double> cpu_seconds(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');  // the command name may contain spaces
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state; 14 and 15 are utime and stime
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    }
  }
  return std::nullopt;
}

// Invocations completed in `window` on a warm process.
std::optional<double> warm_rate(RuntimeEmulator& emulator, const std::string& event, milliseconds window) {
  int count = 0;
  const auto start = steady_clock::now();
  const auto end = start + window;
  auto now = start;
  while (now < end) {
    auto result = emulator.invoke({.payload = event});
    if (!result || !result->ok()) return std::nullopt;
    ++count;
    now = steady_clock::now();
  }
  return count / duration<double>(now - start).count();
}

int usage() {
  std::fprintf(stderr,
               "usage: lift_runtime_e2e_bench --function PATH --event FILE [--node NODE --ric INDEX_MJS --node-handler DIR]\n"
               "       [--cold-runs N] [--rounds N] [--round-ms MS]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--function") args.function = value;
    else if (key == "--event") args.event_file = value;
    else if (key == "--node") args.node = value;
    else if (key == "--ric") args.ric = value;
    else if (key == "--node-handler") args.node_handler_dir = value;
    else if (key == "--cold-runs") args.cold_runs = std::stoi(value);
    else if (key == "--rounds") args.rounds = std::stoi(value);
    else if (key == "--round-ms") args.round_ms = std::stoi(value);
    else return usage();
  }
  if (args.function.empty() || args.event_file.empty() || args.cold_runs < 1 || args.rounds < 1) return usage();
  std::ifstream file(args.event_file, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cannot read %s\n", args.event_file.c_str());
    return 2;
  }
  const std::string event{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};

  std::vector<Subject> subjects;
  FunctionConfig lift_config;
  lift_config.command = {args.function};
  lift_config.function_name = "hello";
  subjects.push_back({"lift (C++)", lift_config});
  if (!args.node.empty()) {
    FunctionConfig node_config;
    node_config.command = {args.node, args.ric, "index.handler"};
    node_config.function_name = "hello-node";
    node_config.environment = {{"LAMBDA_TASK_ROOT", args.node_handler_dir}, {"_HANDLER", "index.handler"}};
    subjects.push_back({"Node.js 20 + aws-lambda-ric", node_config});
  }

  std::vector<double> cold(subjects.size());
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    auto ms = cold_start_ms(subjects[s], event, args.cold_runs);
    if (!ms) return 1;
    cold[s] = *ms;
  }

  // Warm: both processes stay up; rounds alternate so machine noise hits both alike.
  std::vector<std::unique_ptr<RuntimeEmulator>> emulators;
  for (const auto& subject : subjects) {
    emulators.push_back(std::make_unique<RuntimeEmulator>(subject.config));
    for (int i = 0; i < 200; ++i) {  // warm-up (and JIT, for Node)
      auto r = emulators.back()->invoke({.payload = event});
      if (!r || !r->ok()) {
        std::fprintf(stderr, "%s: warm-up failed\n", subject.name.c_str());
        return 1;
      }
    }
  }
  std::vector<std::vector<double>> rates(subjects.size());
  // The function process's own CPU time per warm invocation: what the function costs,
  // apart from the emulator and the wake-ups between the two processes.
  std::vector<double> cpu_used(subjects.size(), 0.0);
  std::vector<double> invocations(subjects.size(), 0.0);
  for (int round = 0; round < args.rounds; ++round) {
    for (std::size_t s = 0; s < subjects.size(); ++s) {
      const int pid = emulators[s]->function_pid();
      const auto cpu_before = cpu_seconds(pid);
      auto rate = warm_rate(*emulators[s], event, milliseconds(args.round_ms));
      const auto cpu_after = cpu_seconds(pid);
      if (!rate || !cpu_before || !cpu_after) {
        std::fprintf(stderr, "%s: warm invocation failed\n", subjects[s].name.c_str());
        return 1;
      }
      rates[s].push_back(*rate);
      cpu_used[s] += *cpu_after - *cpu_before;
      invocations[s] += *rate * args.round_ms / 1000.0;
    }
  }

  std::printf("| function | cold start, exec to first /next (median of %d) | warm invocations/s (median of %d x %d ms) "
              "| function CPU per warm invocation |\n",
              args.cold_runs, args.rounds, args.round_ms);
  std::printf("| --- | --- | --- | --- |\n");
  std::vector<double> warm(subjects.size());
  std::vector<double> cpu_us(subjects.size());
  for (std::size_t s = 0; s < subjects.size(); ++s) {
    warm[s] = median(rates[s]);
    cpu_us[s] = cpu_used[s] / invocations[s] * 1e6;
    std::printf("| %s | %.3f ms | %.0f | %.1f us |\n", subjects[s].name.c_str(), cold[s], warm[s], cpu_us[s]);
  }
  if (subjects.size() == 2) {
    std::printf("\nratios: cold start Node/lift %.1fx, warm throughput lift/Node %.2fx, function CPU per invocation Node/lift %.1fx\n",
                cold[1] / cold[0], warm[0] / warm[1], cpu_us[1] / cpu_us[0]);
  }
  return 0;
}
