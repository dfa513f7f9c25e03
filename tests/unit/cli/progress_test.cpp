// The progress line of long commands: what it says, how it fits the terminal, and what it
// writes (redrawn in place, cleared before anything else is written).

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "progress.hpp"

namespace {

using lift::cli::format_duration;
using lift::cli::format_progress;
using lift::cli::ProgressCounts;
using lift::cli::ProgressLine;
using namespace std::chrono_literals;

TEST(Progress, SaysHowFarWhatFailedAndHowLongTheRestTakes) {
  EXPECT_EQ(format_progress("lift invoke", "invocations", {.done = 120, .total = 1000, .errors = 3, .elapsed = 1200ms}, 0),
            "lift invoke: 120/1000 invocations (12%), 3 errors, 1.2 s, about 8.8 s left");
  EXPECT_EQ(format_progress("lift invoke", "invocations", {.done = 0, .total = 50, .errors = 0, .elapsed = 300ms}, 0),
            "lift invoke: 0/50 invocations (0%), 0 errors, 0.3 s");
  EXPECT_EQ(format_progress("lift invoke", "invocations", {.done = 50, .total = 50, .errors = 1, .elapsed = 61s}, 0),
            "lift invoke: 50/50 invocations (100%), 1 error, 1 min 01 s");
}

TEST(Progress, FitsTheTerminalWithoutTouchingItsLastColumn) {
  const ProgressCounts counts{.done = 120, .total = 1000, .errors = 3, .elapsed = 1200ms};
  EXPECT_EQ(format_progress("lift invoke", "invocations", counts, 30), "lift invoke: 120/1000 invocat");
  EXPECT_EQ(format_progress("lift invoke", "invocations", counts, 30).size(), 29u);
  EXPECT_EQ(format_progress("x", "y", {.done = 1, .total = 1}, 80), "x: 1/1 y (100%), 0 errors, 0.0 s");
}

TEST(Progress, DurationsReadAsPeopleSayThem) {
  EXPECT_EQ(format_duration(0ms), "0.0 s");
  EXPECT_EQ(format_duration(12345ms), "12.3 s");
  EXPECT_EQ(format_duration(59990ms), "59.9 s");
  EXPECT_EQ(format_duration(125s), "2 min 05 s");
  EXPECT_EQ(format_duration(3720s), "1 h 02 min");
}

std::string drain(int fd) {
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  return out;
}

TEST(Progress, TheLineIsRedrawnInPlaceAndClearedAroundOtherOutput) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  {
    ProgressLine line(fds[1], "lift invoke", "invocations", 4);
    line.print("before the first drawing\n");
    line.advance(false);
    std::this_thread::sleep_for(400ms);  // the first drawing comes after 250 ms
    line.advance(true);
    line.print("a log line");
    line.finish();
    line.finish();  // once is enough
  }
  ::close(fds[1]);
  const auto out = drain(fds[0]);
  ::close(fds[0]);
  // Nothing drawn yet: the text goes out as it is (with its line ended).
  ASSERT_TRUE(out.starts_with("before the first drawing\n\rlift invoke: 1/4 invocations (25%), 0 errors, ")) << out;
  // Other output clears the line first and draws it again after.
  const auto log = out.find("\r\x1b[Ka log line\n\rlift invoke: 2/4 invocations (50%), 1 error, ");
  EXPECT_NE(log, std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\x1b[K\r\x1b[K")) << out;  // cleared at the end
}

TEST(Progress, NotWantedWhenTheOutputIsNotATerminal) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  EXPECT_FALSE(lift::cli::progress_wanted(fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
