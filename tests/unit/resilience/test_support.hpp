#pragma once
// What the resilience tests share: a fake clock several threads may read, and a log stream
// whose lines can be read back.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace lift::resilience::testing {

class FakeClock {
 public:
  using Clock = std::chrono::steady_clock;

  [[nodiscard]] Clock::time_point now() const { return Clock::time_point(std::chrono::nanoseconds(ns_.load())); }
  void advance(std::chrono::nanoseconds by) { ns_ += by.count(); }
  // For options' `now`.
  [[nodiscard]] auto function() const {
    return [this] { return now(); };
  }

 private:
  std::atomic<std::int64_t> ns_{std::chrono::nanoseconds(std::chrono::hours(1000)).count()};
};

// A temporary file to give as a `log` stream, read back line by line.
class CapturedLog {
 public:
  CapturedLog() : file_(std::tmpfile(), &std::fclose) {}
  [[nodiscard]] std::FILE* stream() const { return file_.get(); }

  [[nodiscard]] std::vector<std::string> lines() const {
    std::fflush(file_.get());
    std::rewind(file_.get());
    std::vector<std::string> out;
    std::string line;
    for (int c = std::fgetc(file_.get()); c != EOF; c = std::fgetc(file_.get())) {
      if (c == '\n') {
        out.push_back(line);
        line.clear();
      } else {
        line += static_cast<char>(c);
      }
    }
    std::fseek(file_.get(), 0, SEEK_END);
    return out;
  }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
};

}  // namespace lift::resilience::testing
