#include "init_timing_clock.hpp"

#include <time.h>

namespace lift::runtime::detail {
namespace {

std::chrono::microseconds process_cpu_time() noexcept {
  timespec t{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) != 0) return std::chrono::microseconds(0);
  return std::chrono::seconds(t.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::nanoseconds(t.tv_nsec));
}

struct LibraryLoaded {
  std::chrono::microseconds cpu = process_cpu_time();
  std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now();
};

// Set once while the program's static objects are initialised, read-only afterwards: the moment
// the runtime library was ready, which starts the user_init phase.
const LibraryLoaded kLoaded{};

}  // namespace

std::chrono::microseconds cpu_before_library() noexcept { return kLoaded.cpu; }
std::chrono::steady_clock::time_point library_loaded_at() noexcept { return kLoaded.at; }

}  // namespace lift::runtime::detail
