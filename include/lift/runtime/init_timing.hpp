#pragma once
// Where a cold start goes, measured by the process itself and handed to the first invocation
// (InvocationContext::cold_start), so a logger or metrics can report it once per environment.

#include <chrono>

namespace lift::runtime {

struct InitTiming {
  // CPU time the process used before lift's runtime library was initialised: the dynamic
  // loader, relocations and the static constructors that ran first. (Linux keeps the wall-clock
  // start of a process only to 10 ms; for a CPU-bound start the two are close.)
  std::chrono::microseconds before_main{0};
  // From then until the Runtime was constructed: the user's main building the app, clients
  // and caches.
  std::chrono::microseconds user_init{0};
  // From the Runtime's construction to its first GET /next: connecting to the Runtime API,
  // starting workers.
  std::chrono::microseconds runtime_init{0};

  [[nodiscard]] std::chrono::microseconds total() const noexcept { return before_main + user_init + runtime_init; }
};

}  // namespace lift::runtime
