#pragma once
// Counts heap allocations in a benchmark binary: link allocation_counter.cpp (which replaces the
// global operator new) and report allocations per iteration as a counter.

#include <benchmark/benchmark.h>

#include <cstdint>

namespace lift_bench {

// Heap allocations made by operator new in this process so far (all threads).
std::uint64_t allocations_so_far() noexcept;

// Sets the "allocs/op" counter of `state` from the count taken before its loop.
inline void report_allocations(benchmark::State& state, std::uint64_t before) {
  const auto made = allocations_so_far() - before;
  state.counters["allocs/op"] =
      benchmark::Counter(static_cast<double>(made), benchmark::Counter::kAvgIterations);
}

}  // namespace lift_bench
