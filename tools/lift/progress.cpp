#include "progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lift::cli {
namespace {

// The first drawing waits this long, so that a short command never flashes a line.
constexpr auto kFirstDraw = std::chrono::milliseconds(250);
constexpr auto kRedraw = std::chrono::milliseconds(100);

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed terminal: nothing more to show
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::size_t terminal_width(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace

std::string format_duration(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  const auto tenths = duration_cast<milliseconds>(duration).count() / 100;
  char text[48];
  if (tenths < 600) {
    std::snprintf(text, sizeof text, "%lld.%lld s", static_cast<long long>(tenths / 10), static_cast<long long>(tenths % 10));
  } else if (const auto s = tenths / 10; s < 3600) {
    std::snprintf(text, sizeof text, "%lld min %02lld s", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld h %02lld min", static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60));
  }
  return text;
}

std::string format_progress(std::string_view label, std::string_view unit, const ProgressCounts& counts, std::size_t width) {
  std::string line(label);
  line += ": " + std::to_string(counts.done) + "/" + std::to_string(counts.total) + " ";
  line += unit;
  if (counts.total > 0) line += " (" + std::to_string(counts.done * 100 / counts.total) + "%)";
  line += ", " + std::to_string(counts.errors) + (counts.errors == 1 ? " error, " : " errors, ");
  line += format_duration(counts.elapsed);
  // The rate so far, once there is one, tells how long the rest takes.
  if (counts.done > 0 && counts.done < counts.total) {
    const auto left = counts.elapsed / counts.done * (counts.total - counts.done);
    line += ", about " + format_duration(left) + " left";
  }
  if (width > 0 && line.size() >= width) line.resize(width - 1);
  return line;
}

bool progress_wanted(int fd) {
  if (::isatty(fd) != 1) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

ProgressLine::ProgressLine(int fd, std::string label, std::string unit, std::int64_t total)
    : fd_(fd), label_(std::move(label)), unit_(std::move(unit)) {
  counts_.total = total;
  redraw_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, kFirstDraw, [this] { return finished_; })) return;
    while (!finished_) {
      draw_locked();
      wake_.wait_for(lock, kRedraw, [this] { return finished_; });
    }
  });
}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::advance(bool failed) {
  std::lock_guard lock(mutex_);
  ++counts_.done;
  if (failed) ++counts_.errors;
}

void ProgressLine::print(std::string_view text) {
  if (text.empty()) return;
  std::lock_guard lock(mutex_);
  const bool was_drawn = drawn_;
  clear_locked();
  write_all(fd_, text);
  if (text.back() != '\n') write_all(fd_, "\n");
  if (was_drawn) draw_locked();
}

void ProgressLine::finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    clear_locked();
  }
  wake_.notify_all();
  if (redraw_.joinable()) redraw_.join();
}

void ProgressLine::draw_locked() {
  counts_.elapsed = std::chrono::steady_clock::now() - started_;
  write_all(fd_, "\r" + format_progress(label_, unit_, counts_, terminal_width(fd_)) + "\x1b[K");
  drawn_ = true;
}

void ProgressLine::clear_locked() {
  if (!drawn_) return;
  write_all(fd_, "\r\x1b[K");
  drawn_ = false;
}

}  // namespace lift::cli
