#include "function_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

#include "lift/core/find_executable.hpp"

extern char** environ;

namespace lift::local::detail {
namespace {

// Output kept for invocations that have not collected it yet; older bytes are dropped.
constexpr std::size_t kMaxLogBytes = 8 * 1024 * 1024;

// Where argv[0] lives, for LAMBDA_TASK_ROOT: a bare name is looked up in PATH like exec does.
std::filesystem::path executable_directory(const std::string& program, const std::string& path_variable) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (program.find('/') != std::string::npos) {
    auto absolute = fs::absolute(fs::path(program), ec);
    return ec ? fs::path(".") : absolute.parent_path();
  }
  if (const auto found = find_executable(program, path_variable)) return fs::absolute(*found, ec).parent_path();
  auto here = fs::current_path(ec);
  return ec ? fs::path(".") : here;
}

}  // namespace

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::vector<std::string> lambda_environment(const FunctionConfig& config, unsigned short port,
                                            const std::string& log_stream_suffix) {
  std::map<std::string, std::string> env;
  if (config.inherit_environment) {
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string_view entry(*e);
      const auto eq = entry.find('=');
      if (eq != std::string_view::npos && eq > 0) env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
    }
  } else {
    for (const char* name : {"PATH", "HOME", "LANG"}) {
      if (const char* value = std::getenv(name)) env[name] = value;
    }
  }
  // Variables that describe an outer Lambda invocation must not leak into this one.
  env.erase("AWS_LAMBDA_MAX_CONCURRENCY");
  env.erase("_X_AMZN_TRACE_ID");

  char date[16];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(date, sizeof date, "%Y/%m/%d", &utc);
  const std::string program = config.command.empty() ? std::string() : config.command.front();
  const auto path = env.contains("PATH") ? env["PATH"] : std::string("/usr/local/bin:/usr/bin:/bin");

  env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(port);
  env["AWS_LAMBDA_FUNCTION_NAME"] = config.function_name;
  env["AWS_LAMBDA_FUNCTION_VERSION"] = config.function_version;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(config.memory_mb);
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + config.function_name;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = std::string(date) + "/[" + config.function_version + "]" + log_stream_suffix;
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_REGION"] = config.region;
  env["AWS_DEFAULT_REGION"] = config.region;
  env["AWS_EXECUTION_ENV"] = "AWS_Lambda_provided.al2023";
  env["LAMBDA_TASK_ROOT"] = program.empty() ? std::string(".") : executable_directory(program, path).string();
  env["LAMBDA_RUNTIME_DIR"] = env["LAMBDA_TASK_ROOT"];
  env["_HANDLER"] = "handler";
  env["TZ"] = ":UTC";
  if (config.concurrency > 1) env["AWS_LAMBDA_MAX_CONCURRENCY"] = std::to_string(config.concurrency);
  for (const auto& [name, value] : config.environment) env[name] = value;

  std::vector<std::string> entries;
  entries.reserve(env.size());
  for (const auto& [name, value] : env) entries.push_back(name + "=" + value);
  return entries;
}

Result<pid_t> spawn_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, int output_fd) {
  if (argv.empty() || argv.front().empty()) return Error{"Runtime.InvalidEntrypoint", "no command to start", 500};
  std::vector<std::string> arg_storage(argv);
  std::vector<std::string> env_storage(env);
  std::vector<char*> args;
  for (auto& a : arg_storage) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Lambda functions have no stdin; ours must not read the terminal or `lift invoke --event -`.
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, output_fd, 2);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // The child starts with default dispositions and no blocked signals, whatever the caller
  // (a test runner ignoring SIGPIPE, a thread blocking SIGTERM) has set for itself.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  // Its own process group: a timeout or a stop reaches the children it starts too (Lambda ends
  // every process of the environment), and Ctrl-C in a terminal reaches only the CLI, which
  // stops the function in order.
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  pid_t child = -1;
  const int error = argv.front().find('/') == std::string::npos
                        ? posix_spawnp(&child, args[0], &actions, &attributes, args.data(), envp.data())
                        : posix_spawn(&child, args[0], &actions, &attributes, args.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return Error{"Runtime.InvalidEntrypoint", "cannot start " + argv.front() + ": " + std::strerror(error), 500};
  }
  return child;
}

std::string describe_exit(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    // Go's wording ("signal: killed"), which is what Lambda reports.
    std::string name = strsignal(WTERMSIG(wait_status));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return "signal: " + name;
  }
  return "unknown status " + std::to_string(wait_status);
}

std::optional<std::string> reap_process(pid_t pid, bool block) {
  if (pid <= 0) return std::nullopt;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (done == pid) return describe_exit(status);
    if (done == 0) return std::nullopt;
    if (errno == EINTR) continue;
    // ECHILD: someone else reaped it (or SIGCHLD is ignored), so it is gone.
    return std::string("unknown status (already reaped)");
  }
}

void signal_group(pid_t group, int signal) noexcept {
  if (group > 0) (void)::kill(-group, signal);
}

bool group_running(pid_t group) {
  if (group <= 0) return false;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())) == 0) continue;
    std::ifstream file(it->path() / "stat");
    std::string stat;
    if (!std::getline(file, stat)) continue;  // ended meanwhile
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 1));
    char state = 0;
    long parent = 0, process_group = 0;
    if (!(fields >> state >> parent >> process_group)) continue;
    if (process_group == group && state != 'Z' && state != 'X') return true;
  }
  return false;
}

bool has_ended(pid_t pid) {
  if (pid <= 0) return true;
  siginfo_t info{};
  for (;;) {
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0) return info.si_pid == pid;
    if (errno != EINTR) return true;  // ECHILD: reaped elsewhere
  }
}

LogCapture::~LogCapture() { stop(); }

Result<void> LogCapture::start() {
  if (started()) return ok();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error{"Emulator.LogCaptureFailed", std::string("pipe: ") + std::strerror(errno), 500};
  read_.reset(fds[0]);
  write_.reset(fds[1]);
  ::fcntl(read_.get(), F_SETFL, ::fcntl(read_.get(), F_GETFL) | O_NONBLOCK);
  stopping_ = false;
  reader_ = std::thread([this] {
    for (;;) {
      pollfd p{read_.get(), POLLIN, 0};
      // A bounded wait, so stop() never depends on the writers closing their ends.
      const int ready = ::poll(&p, 1, 100);
      std::lock_guard lock(mutex_);
      if (ready > 0) drain_locked();
      if (stopping_) {
        drain_locked();
        return;
      }
    }
  });
  return ok();
}

void LogCapture::drain_locked() {
  if (!read_.valid()) return;
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::read(read_.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    if (buffer_.size() > kMaxLogBytes) {
      const auto excess = buffer_.size() - kMaxLogBytes;
      buffer_.erase(0, excess);
      base_ += excess;
    }
  }
}

std::size_t LogCapture::end() {
  std::lock_guard lock(mutex_);
  drain_locked();
  return base_ + buffer_.size();
}

std::string LogCapture::since(std::size_t offset) {
  std::lock_guard lock(mutex_);
  drain_locked();
  if (offset < base_) offset = base_;
  if (offset >= base_ + buffer_.size()) return {};
  return buffer_.substr(offset - base_);
}

void LogCapture::discard_before(std::size_t offset) {
  std::lock_guard lock(mutex_);
  if (offset <= base_) return;
  const auto n = std::min(offset - base_, buffer_.size());
  buffer_.erase(0, n);
  base_ += n;
}

void LogCapture::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    write_.reset();
  }
  if (reader_.joinable()) reader_.join();
  std::lock_guard lock(mutex_);
  read_.reset();
}

}  // namespace lift::local::detail
