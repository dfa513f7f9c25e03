#pragma once
// Lines a component logs through a callback (the local API Gateway's `log`), collected for a
// test's checks. Declare it before what logs into it, so that it outlives it.

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace lift::testing_support {

class LogLines {
 public:
  // The callback to give the component; it keeps a pointer to this.
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      text_.append(line).append("\n");
    };
  }
  [[nodiscard]] std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }
  // Whether `part` shows up within `timeout`.
  [[nodiscard]] bool wait_for(std::string_view part, std::chrono::milliseconds timeout = std::chrono::seconds(3)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (text().find(part) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

}  // namespace lift::testing_support
