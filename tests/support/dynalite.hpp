#pragma once
// dynalite (the npm DynamoDB implementation) started for a test on 127.0.0.1 and a free port,
// stopped when the object goes. `available()` is false when Node or the package is missing,
// so the test can skip.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lift::testing_support {

// A port nothing listens on right now (the kernel's choice for an ephemeral bind).
inline std::uint16_t free_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

inline bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

class Dynalite {
 public:
  // On `port` when given (to start it again where a client already points), else a free one.
  Dynalite(const std::string& node, const std::string& source_dir, std::uint16_t on_port = 0) {
    const std::string cli = source_dir + "/node_modules/dynalite/cli.js";
    if (node.empty() || !std::filesystem::exists(node) || !std::filesystem::exists(cli)) {
      why_unavailable_ = "node or node_modules/dynalite is missing (run scripts/setup)";
      return;
    }
    port_ = on_port != 0 ? on_port : free_local_port();
    const std::string port = std::to_string(port_);
    std::vector<std::string> argv{node, cli, "--host", "127.0.0.1", "--port", port, "--createTableMs", "0",
                                  "--deleteTableMs", "0", "--updateTableMs", "0"};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);  // its banner is noise
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    if (pid_ <= 0) {
      why_unavailable_ = "cannot start node";
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      if (accepts_connections(port_)) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        why_unavailable_ = "dynalite exited at start";
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    why_unavailable_ = "dynalite did not accept connections in 15 s";
  }

  ~Dynalite() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  Dynalite(const Dynalite&) = delete;
  Dynalite& operator=(const Dynalite&) = delete;

  [[nodiscard]] bool available() const { return why_unavailable_.empty(); }
  [[nodiscard]] const std::string& why_unavailable() const { return why_unavailable_; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string why_unavailable_;
};

}  // namespace lift::testing_support
