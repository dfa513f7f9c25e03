#pragma once
// The two instants the runtime's init timing starts from (init_timing.cpp).

#include <chrono>

namespace lift::runtime::detail {

std::chrono::microseconds cpu_before_library() noexcept;
std::chrono::steady_clock::time_point library_loaded_at() noexcept;

}  // namespace lift::runtime::detail
