#pragma once
// UUIDs in the canonical lower-case form.
//
//   lift::uuid()          random (version 4), from the kernel's CSPRNG
//   UuidV7Generator ids;  time-ordered (version 7, RFC 9562): ids.next() sorts after every id
//                         the same generator made before, so it can be a sort key ("newest
//                         first" is a descending query) without a separate timestamp.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace lift {

std::string uuid();

class UuidV7Generator {
 public:
  using Clock = std::chrono::system_clock;

  // Thread-safe. Within one millisecond (or when the clock steps back) the 12-bit counter after
  // the timestamp goes up; when it runs out the timestamp is moved on by one millisecond, so the
  // ids of one generator are strictly increasing as strings too.
  std::string next();
  std::string next(Clock::time_point now);

  // Whether `id` is a canonical version 7 UUID (36 characters, lower-case hex, version and
  // variant bits right).
  [[nodiscard]] static bool is_v7(std::string_view id) noexcept;

 private:
  std::atomic<std::uint64_t> last_{0};  // (unix milliseconds << 12) | counter
};

}  // namespace lift
