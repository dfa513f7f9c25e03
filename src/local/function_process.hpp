#pragma once
// The function as a child process: its Lambda environment, spawning, reaping, and the pipe
// that collects its output when logs are captured. Internal to lift_local.

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/local/runtime_emulator.hpp"

namespace lift::local::detail {

// Owns one file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept;

 private:
  int fd_ = -1;
};

// The environment Lambda gives a function (provided.al2023 runtime), as NAME=VALUE entries.
std::vector<std::string> lambda_environment(const FunctionConfig& config, unsigned short port,
                                            const std::string& log_stream_suffix);

// Starts argv with envp; stdin is /dev/null, stdout and stderr go to output_fd. Only
// descriptors without FD_CLOEXEC are inherited. The process leads a new process group (its id
// is the process's), so that what it starts can be stopped with it (signal_group). A failure
// carries Runtime.InvalidEntrypoint.
Result<pid_t> spawn_process(const std::vector<std::string>& argv, const std::vector<std::string>& env, int output_fd);

// Sends `signal` to every process of the group `group` (a function process started by
// spawn_process and whatever it started, unless they left the group). The caller keeps the
// leader unreaped until the group is finished with, so the id cannot name another group.
void signal_group(pid_t group, int signal) noexcept;

// Whether a process of the group is still running (zombies waiting to be reaped do not count).
bool group_running(pid_t group);

// Whether pid has ended, without reaping it (it stays a zombie until reap_process).
bool has_ended(pid_t pid);

// How a waited-for process ended, in the words Lambda uses ("exit status 3", "signal: killed").
std::string describe_exit(int wait_status);

// waitpid for pid: the description when it has ended (blocking waits until it has), else
// nullopt. A process that cannot be waited for any more (reaped elsewhere) counts as ended.
std::optional<std::string> reap_process(pid_t pid, bool block);

// The read end of a pipe shared by every function process: a thread moves what arrives into
// a bounded buffer addressed by absolute offsets, so each invocation can take the output
// written between two points in time.
class LogCapture {
 public:
  LogCapture() = default;
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  Result<void> start();
  [[nodiscard]] bool started() const noexcept { return write_.valid(); }
  // The end children write into.
  [[nodiscard]] int write_fd() const noexcept { return write_.get(); }
  // Absolute offset of the end of what has been written so far (reads what is pending).
  std::size_t end();
  // What was written from `offset` on (or from the oldest byte still kept).
  std::string since(std::size_t offset);
  // Forgets what lies before `offset`; nobody will ask for it any more.
  void discard_before(std::size_t offset);
  // Closes the pipe and joins the reader (a grandchild holding the write end cannot block it).
  void stop();

 private:
  void drain_locked();

  std::mutex mutex_;
  UniqueFd read_;
  UniqueFd write_;
  std::atomic<bool> stopping_{false};
  std::thread reader_;
  std::string buffer_;
  std::size_t base_ = 0;  // absolute offset of buffer_[0]
};

}  // namespace lift::local::detail
