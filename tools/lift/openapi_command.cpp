// `lift openapi FUNCTION [-o FILE]`: the OpenAPI 3.1 document of a function's routes. The
// function itself prints it (lift::run does so when LIFT_PRINT_OPENAPI=1), so the document
// always matches the code and its C++ types.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "commands.hpp"

extern char** environ;

namespace lift::cli {

namespace {

struct Captured {
  bool started = false;
  bool timed_out = false;
  int status = 0;
  std::string out;
};

Captured capture(const std::string& program, std::chrono::milliseconds limit) {
  Captured result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return result;
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "LIFT_PRINT_OPENAPI=", 19) != 0 && std::strncmp(*e, "AWS_LAMBDA_RUNTIME_API=", 23) != 0)
      env_storage.emplace_back(*e);
  }
  env_storage.emplace_back("LIFT_PRINT_OPENAPI=1");
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string program_copy = program;
  char* argv[] = {program_copy.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return result;
  }
  result.started = true;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  char buffer[8192];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const auto n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    result.out.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  waitpid(pid, &result.status, 0);
  return result;
}

// The OpenAPI document among what the function printed: its own line, after any log lines
// the function wrote during init.
std::optional<boost::json::object> find_openapi(const std::string& out) {
  std::size_t end = out.size();
  while (end > 0) {
    const auto start = out.rfind('\n', end - 1);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    const std::string_view line(out.data() + from, end - from);
    if (line.starts_with("{\"openapi\"")) {
      boost::json::error_code ec;
      auto document = boost::json::parse(line, ec);
      if (!ec && document.is_object()) return std::move(document.as_object());
    }
    if (start == std::string::npos) break;
    end = start;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> function_routes(const std::string& program, std::chrono::milliseconds limit) {
  std::vector<std::pair<std::string, std::string>> routes;
  auto captured = capture(program, limit);
  if (!captured.started || captured.timed_out || !WIFEXITED(captured.status) || WEXITSTATUS(captured.status) != 0) return routes;
  const auto document = find_openapi(captured.out);
  if (!document) return routes;
  const auto* paths = document->if_contains("paths");
  if (paths == nullptr || !paths->is_object()) return routes;
  for (const auto& [path, operations] : paths->as_object()) {
    if (!operations.is_object()) continue;
    for (const auto& operation : operations.as_object()) {
      std::string method(operation.key());
      if (method == "parameters" || method == "summary" || method == "description") continue;
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      routes.emplace_back(std::move(method), std::string(path));
    }
  }
  return routes;
}

Result<std::string> function_openapi(const std::string& program, std::chrono::milliseconds limit) {
  auto captured = capture(program, limit);
  if (!captured.started) return Error{"Cli.CannotRun", "cannot run " + program, 400};
  if (captured.timed_out || !WIFEXITED(captured.status) || WEXITSTATUS(captured.status) != 0) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(limit).count();
    return Error{"Cli.NoOpenApi",
                 program + (captured.timed_out ? " did not finish in " + std::to_string(seconds) + " s" : std::string(" failed")) +
                     "; is it a lift::App run with lift::run?",
                 500};
  }
  const auto document = find_openapi(captured.out);
  if (!document) return Error{"Cli.NoOpenApi", program + " did not print an OpenAPI document", 500};
  return boost::json::serialize(*document);
}

void add_openapi_command(CLI::App& app, int& exit_code) {
  auto* command = app.add_subcommand("openapi", "Print the OpenAPI 3.1 document of a lift function's routes");
  auto function = std::make_shared<std::string>();
  auto output = std::make_shared<std::string>();
  command->add_option("FUNCTION", *function, "The function's executable (built with lift::run)")->required()->check(CLI::ExistingFile);
  command->add_option("-o,--output", *output, "Write the document to this file instead of stdout");
  command->callback([function, output, &exit_code] {
    const auto document = function_openapi(*function, std::chrono::seconds(10));
    if (!document) {
      std::cerr << "lift openapi: " << document.error().message << "\n";
      exit_code = document.error().code == "Cli.CannotRun" ? kExitUsage : kExitFunctionError;
      return;
    }
    const auto text = *document + "\n";
    if (output->empty()) {
      std::cout << text;
    } else {
      std::ofstream file(*output, std::ios::binary);
      file << text;
      if (!file) {
        std::cerr << "lift openapi: cannot write " << *output << "\n";
        exit_code = kExitUsage;
        return;
      }
    }
    exit_code = kExitOk;
  });
}

}  // namespace lift::cli
