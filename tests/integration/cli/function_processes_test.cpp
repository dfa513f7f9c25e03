// What `lift invoke` and `lift dev` leave behind: a function's child processes end with it on a
// timeout, on Ctrl-C and when lift exits; and how `lift invoke` reports progress (a line on a
// terminal, nothing extra when piped).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using lift::testing_support::json_of;
using lift::testing_support::run_command;
using lift::testing_support::TempDir;
using namespace std::chrono_literals;

// Whether pid is a process that still runs (a zombie waiting for its parent does not).
bool running(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  const auto close = text.rfind(')');
  return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z' && text[close + 2] != 'X';
}

bool ends_within(int pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (running(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// The function's and its child's pids, once the function has written them.
struct Pids {
  int function = -1;
  int child = -1;
};

Pids wait_for_pids(const fs::path& file, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  Pids pids;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(file);
    if (in >> pids.function >> pids.child) return pids;
    std::this_thread::sleep_for(10ms);
  }
  return {};
}

// Kills what a failed test would leave running.
class Reaper {
 public:
  explicit Reaper(fs::path pid_file) : file_(std::move(pid_file)) {}
  ~Reaper() {
    std::ifstream in(file_);
    Pids pids;
    if (in >> pids.function >> pids.child) {
      for (int pid : {pids.function, pids.child}) {
        if (running(pid)) ::kill(pid, SIGKILL);
      }
    }
  }
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

 private:
  fs::path file_;
};

// A command in the background: stdin from a file, stdout to a file, stderr to a file or to a
// given descriptor (a terminal).
class Background {
 public:
  Background(std::vector<std::string> args, const fs::path& in, const fs::path& out, const fs::path& err, int err_fd = -1) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err_fd >= 0) posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    else posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Background() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  [[nodiscard]] int pid() const { return pid_; }

  // The exit code, or -1 when it was killed by a signal or still runs after `limit`.
  int wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

using lift::testing_support::read_file;

std::vector<std::string> spawning(const fs::path& pid_file, const std::string& mode) {
  return {LIFT_CLI, "invoke", LIFT_SPAWNING_FUNCTION, "--env", "LIFT_TEST_PID_FILE=" + pid_file.string(), "--env",
          "LIFT_TEST_MODE=" + mode};
}

// Both the function and the child it started end (soon: the test allows for a slow machine).
void expect_ended(const Pids& pids) {
  ASSERT_GT(pids.child, 0) << "the function never started its child";
  EXPECT_TRUE(ends_within(pids.child, 2s)) << "the function's child " << pids.child << " still runs";
  EXPECT_TRUE(ends_within(pids.function, 2s)) << "the function " << pids.function << " still runs";
}

// A directory for the pid file, and the processes a failed test leaves killed.
class FunctionProcesses : public ::testing::Test {
 protected:
  TempDir dir_;
  fs::path pid_file_ = dir_ / "pids";
  Reaper reaper_{pid_file_};
};
using LiftInvokeProcesses = FunctionProcesses;
using LiftDevProcesses = FunctionProcesses;

TEST_F(LiftInvokeProcesses, ATimeoutEndsTheChildrenOfTheFunction) {
  auto args = spawning(pid_file_, "hang");
  args.insert(args.end(), {"--timeout", "0.5"});
  // The child holds lift's stderr: while it runs, the command's output never ends.
  const auto result = run_command(args, "{}", 20s);
  ASSERT_FALSE(result.timed_out) << "lift invoke did not end: the function's child still held its stderr";
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(json_of(result.out).at("errorType").as_string(), "Sandbox.Timedout");
  expect_ended(wait_for_pids(pid_file_, 1s));
}

TEST_F(LiftInvokeProcesses, ExitEndsWhatASuccessfulFunctionLeftRunning) {
  const auto result = run_command(spawning(pid_file_, "return"), "{}", 20s);
  ASSERT_FALSE(result.timed_out) << "lift invoke did not end: the function's child still held its stderr";
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("spawned"), std::string::npos);
  expect_ended(wait_for_pids(pid_file_, 1s));
}

TEST_F(LiftInvokeProcesses, CtrlCStopsTheFunctionAndItsChildren) {
  std::ofstream(dir_ / "event.json") << "{}";
  Background lift(spawning(pid_file_, "hang"), dir_ / "event.json", dir_ / "out", dir_ / "err");
  ASSERT_GT(lift.pid(), 0);
  const auto pids = wait_for_pids(pid_file_);
  ASSERT_GT(pids.child, 0) << read_file(dir_ / "err");
  // SIGINT to lift alone, as when the terminal's Ctrl-C reaches only lift's process group.
  ::kill(lift.pid(), SIGINT);
  EXPECT_EQ(lift.wait(10s), 128 + SIGINT) << read_file(dir_ / "err");
  EXPECT_NE(read_file(dir_ / "err").find("lift invoke: stopped by SIGINT"), std::string::npos) << read_file(dir_ / "err");
  expect_ended(pids);
}

// ---- lift dev ----------------------------------------------------------------------------

// GET `target` on 127.0.0.1:port; the response's status line, or empty.
std::string http_status_line(unsigned short port, const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    (void)::write(fd, request.data(), request.size());
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer.substr(0, answer.find("\r\n"));
}

unsigned short wait_for_port(const fs::path& out, std::chrono::milliseconds limit = 20s) {
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+)\n)");
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    const auto text = read_file(out);
    if (std::regex_search(text, match, kListening)) return static_cast<unsigned short>(std::stoi(match[1]));
    std::this_thread::sleep_for(20ms);
  }
  return 0;
}

std::vector<std::string> dev_args(const fs::path& pid_file, const std::string& timeout) {
  return {LIFT_CLI, "dev", LIFT_SPAWNING_FUNCTION, "--port", "0", "--timeout", timeout, "--no-reload", "--env",
          "LIFT_TEST_PID_FILE=" + pid_file.string(), "--env", "LIFT_TEST_MODE=hang"};
}

TEST_F(LiftDevProcesses, ATimeoutEndsTheChildrenOfTheFunction) {
  std::ofstream(dir_ / "empty");
  Background dev(dev_args(pid_file_, "0.5"), dir_ / "empty", dir_ / "out", dir_ / "err");
  const auto port = wait_for_port(dir_ / "out");
  ASSERT_NE(port, 0) << read_file(dir_ / "err");
  EXPECT_EQ(http_status_line(port, "/"), "HTTP/1.1 504 Gateway Timeout") << read_file(dir_ / "err");
  expect_ended(wait_for_pids(pid_file_, 1s));
}

TEST_F(LiftDevProcesses, StoppingEndsTheFunctionAndItsChildren) {
  std::ofstream(dir_ / "empty");
  Background dev(dev_args(pid_file_, "30"), dir_ / "empty", dir_ / "out", dir_ / "err");
  const auto port = wait_for_port(dir_ / "out");
  ASSERT_NE(port, 0) << read_file(dir_ / "err");
  std::thread request([port] { (void)http_status_line(port, "/"); });  // answered when lift dev stops
  const auto pids = wait_for_pids(pid_file_);
  ::kill(dev.pid(), SIGTERM);
  EXPECT_EQ(dev.wait(10s), 0) << read_file(dir_ / "err");
  request.join();
  expect_ended(pids);
}

// ---- progress ----------------------------------------------------------------------------

std::string hello_event() {
  auto generated = run_command({LIFT_CLI, "events", "generate", "apigw-http", "--path", "/hello", "--query", "name=n"});
  EXPECT_EQ(generated.exit_code, 0) << generated.err;
  return generated.out;
}

TEST(LiftInvokeProgress, PipedOutputIsUnchanged) {
  const auto event = hello_event();
  const auto once = run_command({LIFT_CLI, "invoke", LIFT_HELLO}, event);
  const auto many = run_command({LIFT_CLI, "invoke", LIFT_HELLO, "--count", "20"}, event);
  ASSERT_EQ(many.exit_code, 0) << many.err;
  // stdout: the last answer, byte for byte what one invocation prints.
  EXPECT_EQ(many.out, once.out);
  // stderr: the summary line and nothing else (no progress line, no terminal codes).
  static const std::regex kSummary(
      R"(lift invoke: 20 invocations, 0 errors; latency min [0-9.]+ ms, median [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms; )"
      R"(init [0-9.]+ ms(; rss after \d+: \d+ KB)+; max memory used \d+ KB\n)");
  EXPECT_TRUE(std::regex_match(many.err, kSummary)) << many.err;
}

TEST(LiftInvokeProgress, ATerminalSeesALineThatCountsAndIsClearedAtTheEnd) {
  TempDir dir;
  std::ofstream(dir / "event.json") << R"({"action":"sleep","ms":60})";
  const int terminal = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(terminal, 0);
  ASSERT_EQ(::grantpt(terminal), 0);
  ASSERT_EQ(::unlockpt(terminal), 0);
  const int secondary = ::open(::ptsname(terminal), O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(secondary, 0);
  ::setenv("TERM", "xterm", 1);
  Background lift({LIFT_CLI, "invoke", LIFT_PROBE_FUNCTION, "--count", "10"}, dir / "event.json", dir / "out", {}, secondary);
  ::close(secondary);
  std::string seen;
  char buffer[4096];
  for (;;) {
    pollfd p{terminal, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) break;
    const ssize_t n = ::read(terminal, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO once lift has exited and closed the terminal
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(terminal);
  EXPECT_EQ(lift.wait(10s), 0) << seen;
  EXPECT_NE(seen.find("\rlift invoke: "), std::string::npos) << seen;
  EXPECT_TRUE(std::regex_search(seen, std::regex(R"(lift invoke: \d+/10 invocations \(\d+%\), 0 errors, )"))) << seen;
  // The line is cleared before the summary, which starts a line of its own.
  EXPECT_NE(seen.find("\r\x1b[Klift invoke: 10 invocations, 0 errors; latency"), std::string::npos) << seen;
  EXPECT_EQ(read_file(dir / "out"), "\"slept\"\n");
}

}  // namespace
