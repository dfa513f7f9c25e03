// lift-runtime-floor: the least a Lambda runtime client can do, to measure functions against.
// One kept-alive connection to AWS_LAMBDA_RUNTIME_API: GET /next, read the event, POST a fixed
// answer, again. `lift invoke --count N --floor` runs it under the same emulator as the function,
// so that what the function adds (at start-up, per invocation, in memory) shows apart from what
// the emulator and the machine cost. No C++ library beyond libc: its own start-up is the floor's.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr const char kAnswer[] = R"({"statusCode":200,"body":"{\"message\":\"hello, world\"}"})";

char buffer[1 << 20];  // an answer's header and the start of its body (the rest is read and dropped)

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

// The value of header `name` (with its colon) in the header block [begin, end), copied to `out`.
void header_value(const char* begin, const char* end, const char* name, char* out, std::size_t room) {
  out[0] = '\0';
  const std::size_t length = std::strlen(name);
  for (const char* line = begin; line < end;) {
    const char* eol = static_cast<const char*>(std::memchr(line, '\n', static_cast<std::size_t>(end - line)));
    if (eol == nullptr) eol = end;
    if (static_cast<std::size_t>(eol - line) > length && ::strncasecmp(line, name, length) == 0) {
      const char* value = line + length;
      while (value < eol && *value == ' ') ++value;
      std::size_t n = 0;
      while (value + n < eol && value[n] != '\r' && n + 1 < room) ++n;
      std::memcpy(out, value, n);
      out[n] = '\0';
      return;
    }
    line = eol + 1;
  }
}

// Reads one answer (Content-Length framed; bodies beyond the buffer are read and dropped);
// the request id it names, if any, into `request_id`. False when the connection failed.
bool read_answer(int fd, char* request_id, std::size_t room) {
  std::size_t have = 0;
  const char* header_end = nullptr;
  while (header_end == nullptr) {
    const ssize_t got = ::recv(fd, buffer + have, sizeof buffer - have - 1, 0);
    if (got <= 0) return false;
    have += static_cast<std::size_t>(got);
    buffer[have] = '\0';
    header_end = std::strstr(buffer, "\r\n\r\n");
    if (header_end == nullptr && have + 1 == sizeof buffer) return false;
  }
  char length_text[32];
  header_value(buffer, header_end, "content-length:", length_text, sizeof length_text);
  if (request_id != nullptr) header_value(buffer, header_end, "lambda-runtime-aws-request-id:", request_id, room);
  const std::size_t header = static_cast<std::size_t>(header_end - buffer) + 4;
  std::size_t left = std::strtoull(length_text, nullptr, 10);
  left = have - header >= left ? 0 : left - (have - header);
  while (left > 0) {
    const ssize_t got = ::recv(fd, buffer, left < sizeof buffer ? left : sizeof buffer, 0);
    if (got <= 0) return false;
    left -= static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) {
    std::fputs("lift-runtime-floor: AWS_LAMBDA_RUNTIME_API is not set (run it through `lift invoke --floor`)\n", stderr);
    return 2;
  }
  char host[256];
  char port[16];
  if (std::sscanf(api, "%255[^:]:%15s", host, port) != 2) {
    std::fprintf(stderr, "lift-runtime-floor: AWS_LAMBDA_RUNTIME_API is not host:port: %s\n", api);
    return 2;
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host, port, &hints, &found) != 0 || found == nullptr) return 1;
  const int fd = ::socket(found->ai_family, SOCK_STREAM, 0);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (fd < 0 || ::connect(fd, found->ai_addr, found->ai_addrlen) != 0) return 1;
  ::freeaddrinfo(found);

  char request[1024];
  char request_id[256];
  for (;;) {
    int n = std::snprintf(request, sizeof request, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
    if (!send_all(fd, request, static_cast<std::size_t>(n)) || !read_answer(fd, request_id, sizeof request_id)) return 1;
    n = std::snprintf(request, sizeof request,
                      "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nContent-Length: %zu\r\n\r\n%s",
                      request_id, api, sizeof kAnswer - 1, kAnswer);
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof request) return 1;
    if (!send_all(fd, request, static_cast<std::size_t>(n)) || !read_answer(fd, nullptr, 0)) return 1;
  }
}
