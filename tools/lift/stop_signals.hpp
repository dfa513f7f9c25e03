#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP as events for commands that run a function: the signals
// are blocked and read from a signalfd, so a command stops its function (and the processes the
// function started, in their own process group) in order instead of dying with them running.
// Construct before any thread starts: threads inherit the blocked mask (the function's process
// gets a clean one).

#include <atomic>
#include <functional>
#include <thread>

#include <signal.h>

namespace lift::cli {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();  // drops what is pending and unblocks the signals again
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until one of the signals arrives; its number.
  int wait();

  // Calls on_stop(signal) on a thread of its own when a signal arrives (once). Watching ends
  // when the Watch is destroyed; destroy it before what on_stop uses.
  class Watch {
   public:
    Watch(StopSignals& signals, std::function<void(int)> on_stop);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

   private:
    int wake_fd_ = -1;
    std::thread thread_;
  };
  [[nodiscard]] Watch watch(std::function<void(int)> on_stop) { return Watch(*this, std::move(on_stop)); }

  // The signal that arrived (0: none yet).
  [[nodiscard]] int received() const noexcept { return received_.load(); }

 private:
  sigset_t set_{};
  sigset_t previous_{};
  int fd_ = -1;
  std::atomic<int> received_{0};
};

// "SIGINT", "SIGTERM", "SIGHUP" (or "a signal").
const char* signal_name(int signal);

}  // namespace lift::cli
