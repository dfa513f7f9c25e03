// `lift dev FUNCTION`: the function behind a local API Gateway (HTTP API or REST API events,
// WebSocket routes and the Management API on the same port), restarted when its executable
// changes. Prints "listening on http://HOST:PORT" on stdout once it serves; runs until SIGINT,
// SIGTERM or SIGHUP, then stops the server and the function with the processes it started.

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "function_command.hpp"
#include "function_path.hpp"
#include "lift/local/api_gateway_emulator.hpp"
#include "stop_signals.hpp"

namespace lift::cli {
namespace {

struct DevOptions {
  std::string function;
  int port = 3000;
  std::string host = "127.0.0.1";
  std::string api = "http";
  std::vector<std::string> env_files;
  std::vector<std::string> env;
  std::vector<std::string> websocket_routes;
  double timeout_seconds = 30;
  int memory_mb = 128;
  unsigned concurrency = 1;
  bool no_reload = false;
};

bool split_assignment(std::string_view text, std::string& name, std::string& value) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return false;
  name = std::string(text.substr(0, equals));
  value = std::string(text.substr(equals + 1));
  return true;
}

// KEY=VALUE lines (dotenv): blank lines and '#' comments skipped, an optional `export `, and
// values optionally in matching quotes.
bool read_env_file(const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
  std::ifstream file(path);
  if (!file) {
    std::cerr << "lift dev: cannot read the env file " << path << '\n';
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    std::string_view text = line;
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    if (text.empty() || text.front() == '#') continue;
    if (text.starts_with("export ")) text.remove_prefix(7);
    std::string name, value;
    if (!split_assignment(text, name, value)) {
      std::cerr << "lift dev: " << path << ":" << number << ": expected KEY=VALUE\n";
      return false;
    }
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

int run_dev(const DevOptions& options) {
  std::error_code fs_error;
  const auto found = find_function(options.function, std::filesystem::current_path(fs_error));
  if (!found) {
    std::cerr << "lift dev: " << found.error().message << '\n';
    return kExitUsage;
  }
  const auto& path = *found;
  if (options.api != "http" && options.api != "rest") {
    std::cerr << "lift dev: --api is http or rest, not '" << options.api << "'\n";
    return kExitUsage;
  }

  local::ApiGatewayConfig config;
  config.host = options.host;
  config.port = static_cast<unsigned short>(options.port);
  config.api = options.api == "rest" ? local::ApiFlavor::rest : local::ApiFlavor::http;
  config.watch = !options.no_reload;
  config.websocket_routes = options.websocket_routes;
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  config.color = terminal && (no_color == nullptr || *no_color == '\0');
  config.pretty_logs = terminal;

  auto command = function_command(path);
  if (!command) {
    std::cerr << "lift dev: " << command.error().message << '\n';
    return kExitUsage;
  }
  if (command->emulator) {
    std::cerr << "lift dev: " << path.string() << " is built for " << command->architecture << "; running it under "
              << *command->emulator << " (emulated: slower than on Lambda)\n";
  }
  auto& function = config.function;
  function.command = command->argv;
  function.environment = command->environment;
  function.function_name =
      path.filename() == "bootstrap" ? path.parent_path().filename().string() : path.filename().string();
  function.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
  function.memory_mb = options.memory_mb;
  function.concurrency = options.concurrency;  // > 1 sets AWS_LAMBDA_MAX_CONCURRENCY
  for (const auto& file : options.env_files) {
    if (!read_env_file(file, function.environment)) return kExitUsage;
  }
  for (const auto& assignment : options.env) {
    std::string name, value;
    if (!split_assignment(assignment, name, value)) {
      std::cerr << "lift dev: --env expects KEY=VALUE, got '" << assignment << "'\n";
      return kExitUsage;
    }
    function.environment.emplace_back(std::move(name), std::move(value));
  }

  // Before any thread starts, so that the signals arrive only at wait() below.
  StopSignals stop_signals;
  ::signal(SIGPIPE, SIG_IGN);

  local::ApiGatewayEmulator gateway(std::move(config));
  if (auto started = gateway.start(); !started) {
    std::cerr << "lift dev: " << started.error().message << '\n';
    return kExitUsage;
  }
  const auto url = gateway.url();
  std::cout << "listening on " << url << std::endl;
  // The routes of a lift::App function, from its own OpenAPI document (nothing for others).
  if (const auto routes = function_routes(path.string(), std::chrono::seconds(2)); !routes.empty()) {
    std::cout << "routes:\n";
    for (const auto& [method, route] : routes) {
      std::cout << "  " << method << std::string(method.size() < 7 ? 7 - method.size() : 1, ' ') << url << route << '\n';
    }
    std::cout << std::flush;
  }
  std::cerr << "lift dev: " << path.string() << " as an " << (options.api == "rest" ? "API Gateway REST API" : "API Gateway HTTP API")
            << "; WebSocket routes at ws" << url.substr(4) << "/, Management API at " << url << "/@connections/{id}"
            << (options.no_reload ? "" : "; restarts when the executable changes");
  if (options.concurrency > 1) std::cerr << "; " << options.concurrency << " requests at once";
  std::cerr << "; Ctrl-C stops\n";

  const int received = stop_signals.wait();
  std::cerr << "lift dev: stopping (" << signal_name(received) << ")\n";
  gateway.stop();
  return kExitOk;
}

}  // namespace

void add_dev_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DevOptions>();
  auto* dev = app.add_subcommand("dev", "Serve a function locally behind an API Gateway emulator (HTTP, REST, WebSocket)");
  dev->add_option("FUNCTION", options->function, kFunctionHelp)->required();
  dev->add_option("-p,--port", options->port, "port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  dev->add_option("--host", options->host, "address to listen on")->capture_default_str();
  dev->add_option("--api", options->api, "http (HTTP API, payload 2.0) or rest (REST API, payload 1.0)")
      ->check(CLI::IsMember({"http", "rest"}))
      ->capture_default_str();
  dev->add_option("--env-file", options->env_files, "file of KEY=VALUE lines for the function's environment (repeatable)");
  dev->add_option("--env", options->env, "KEY=VALUE for the function's environment (repeatable)");
  dev->add_option("--ws-route", options->websocket_routes,
                  "a WebSocket route key the function handles (repeatable; default: any action)");
  dev->add_option("-t,--timeout", options->timeout_seconds, "function timeout in seconds")
      ->check(CLI::Range(0.001, 900.0))
      ->capture_default_str();
  dev->add_option("-m,--memory", options->memory_mb, "memory size in MB")->check(CLI::Range(128, 10240))->capture_default_str();
  dev->add_option("--concurrency", options->concurrency,
                  "requests the function serves at once, as on Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY=N); "
                  "the others wait")
      ->check(CLI::Range(1u, kMaxConcurrency))
      ->capture_default_str();
  dev->add_flag("--no-reload", options->no_reload, "do not restart the function when its executable changes");
  dev->callback([options, &exit_code] { exit_code = run_dev(*options); });
}

}  // namespace lift::cli
