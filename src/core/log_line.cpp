#include "lift/core/log_line.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace lift {

void write_log_line(std::FILE* stream, std::string_view line) noexcept {
  if (stream == nullptr || line.empty()) return;
  flockfile(stream);  // recursive: the stdio calls below take it again
  std::fflush(stream);
  const int fd = fileno(stream);
  if (fd < 0) {
    std::fwrite(line.data(), 1, line.size(), stream);
    std::fflush(stream);
  } else {
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, data, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      data += n;
      left -= static_cast<std::size_t>(n);
    }
  }
  funlockfile(stream);
}

}  // namespace lift
