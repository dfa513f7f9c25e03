#pragma once
// A progress line for long commands (`lift invoke --count N`): one line on a terminal's stderr,
// redrawn in place a few times a second and cleared when the command ends. Commands create it
// only when stderr is a terminal (progress_wanted), so piped output never changes.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace lift::cli {

struct ProgressCounts {
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::int64_t errors = 0;
  std::chrono::nanoseconds elapsed{0};
};

// "LABEL: 120/1000 UNIT (12%), 3 errors, 1.2 s, about 8.8 s left", cut to fit `width` columns
// without touching the last one (a full line would wrap); width 0 means no limit.
std::string format_progress(std::string_view label, std::string_view unit, const ProgressCounts& counts, std::size_t width);

// A duration as people read it: "0.4 s", "12.3 s", "2 min 05 s", "1 h 02 min".
std::string format_duration(std::chrono::nanoseconds duration);

// Whether a progress line may be drawn on fd: a terminal that can move back to the start of a
// line and clear it (TERM is not "dumb").
bool progress_wanted(int fd);

// The line itself. A thread redraws it from the counts; print() puts whole lines above it.
class ProgressLine {
 public:
  // unit names what is counted ("invocations").
  ProgressLine(int fd, std::string label, std::string unit, std::int64_t total);
  ~ProgressLine();  // finish()
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // One more done (failed: it was an error).
  void advance(bool failed);
  // Writes `text` (whole lines: the function's logs) above the progress line.
  void print(std::string_view text);
  // Clears the line and stops redrawing; what is written to fd afterwards starts a clean line.
  void finish();

 private:
  void draw_locked();
  void clear_locked();

  int fd_;
  std::string label_;
  std::string unit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  ProgressCounts counts_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool drawn_ = false;
  bool finished_ = false;
  std::thread redraw_;
};

}  // namespace lift::cli
