#pragma once
// Unpredictable bytes from the kernel's CSPRNG, for ids and seeds; no generator state to share
// or to lock.

#include <cstddef>
#include <string>

namespace lift {

// Fills `out` with `size` random bytes. Never fails: without getrandom (very old kernels) the
// C++ library's random_device stands in.
void random_bytes(void* out, std::size_t size) noexcept;

// `digits` random lower-case hex digits (trace and request ids).
std::string random_hex(std::size_t digits);
// `digits` random decimal digits (sequence numbers, log event ids).
std::string random_digits(std::size_t digits);

}  // namespace lift
