#include "stop_signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace lift::cli {
namespace {

// Reads one signal from a signalfd; 0 when none is pending (non-blocking) or on error.
int read_signal(int fd) {
  signalfd_siginfo info{};
  for (;;) {
    const ssize_t n = ::read(fd, &info, sizeof info);
    if (n == static_cast<ssize_t>(sizeof info)) return static_cast<int>(info.ssi_signo);
    if (n < 0 && errno == EINTR) continue;
    return 0;
  }
}

}  // namespace

StopSignals::StopSignals() {
  sigemptyset(&set_);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set_, s);
  pthread_sigmask(SIG_BLOCK, &set_, &previous_);
  fd_ = ::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
}

StopSignals::~StopSignals() {
  if (fd_ >= 0) {
    while (read_signal(fd_) != 0) {
    }
    ::close(fd_);
  }
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

int StopSignals::wait() {
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, -1) < 0 && errno != EINTR) return 0;
    if (const int signal = read_signal(fd_)) {
      received_ = signal;
      return signal;
    }
  }
}

StopSignals::Watch::Watch(StopSignals& signals, std::function<void(int)> on_stop)
    : wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  thread_ = std::thread([this, &signals, on_stop = std::move(on_stop)] {
    for (;;) {
      pollfd p[2] = {{signals.fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (::poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (p[1].revents != 0) return;  // the watch ended
      if (const int signal = read_signal(signals.fd_)) {
        signals.received_ = signal;
        on_stop(signal);
        return;
      }
    }
  });
}

StopSignals::Watch::~Watch() {
  const std::uint64_t one = 1;
  if (wake_fd_ >= 0) (void)::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

}  // namespace lift::cli
