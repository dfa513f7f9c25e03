#include "lift/core/text.hpp"

#include <cstddef>

namespace lift {

bool detail::iequals_same_size(std::string_view a, std::string_view b) noexcept {
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    // Equal ignoring case only when both are the same letter: 0x20 is case's bit in ASCII.
    if ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z') return false;
  }
  return true;
}

}  // namespace lift
