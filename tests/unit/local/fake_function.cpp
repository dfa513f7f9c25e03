// A hand-written Lambda function for the emulator's process tests: it speaks the Runtime API
// over one keep-alive connection and misbehaves on request. It does not use lift's runtime, so
// the emulator is checked on its own.
//
//   fake_function [START]   START: (none) | init-log | init-error | init-hang | exit-at-start |
//                                  extension | sigterm-marker
//   Each event is {"action": ...}: echo | env {"names":[...]} | sleep {"ms"} | exit {"code"} |
//   abort | log {"lines":[...]} | error | fds
//   HTTP API events (from the local API Gateway) are echoed, except POST /answer, answered with
//   the request's body as it is, /sleep?ms=N, echoed after N ms, /exit, which exits, and
//   /stream?ms=N, a streamed HTTP-integration answer: "first", N ms later "second" (/stream-fail:
//   "first", then an error in the trailers).
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;

class Api {
 public:
  explicit Api(const std::string& endpoint) : socket_(io_) {
    const auto colon = endpoint.rfind(':');
    socket_.connect({net::ip::make_address(endpoint.substr(0, colon)), static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1)))});
    socket_.set_option(tcp::no_delay(true));  // a streamed piece leaves when it is written
  }

  // A streamed response: `pieces` as chunks, `pause` before each piece after the first, and an
  // error in the trailers when `error_type` is not empty.
  void stream(const std::string& target, const std::vector<std::string>& pieces, std::chrono::milliseconds pause,
              const std::string& error_type) {
    std::string head = "POST " + target + " HTTP/1.1\r\nHost: runtime\r\n"
                       "Content-Type: application/vnd.awslambda.http-integration-response\r\n"
                       "Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
                       "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n";
    net::write(socket_, net::buffer(head));
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) std::this_thread::sleep_for(pause);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", pieces[i].size());
      net::write(socket_, net::buffer(std::string(size) + pieces[i] + "\r\n"));
    }
    std::string last = "0\r\n";
    if (!error_type.empty()) {
      last += "Lambda-Runtime-Function-Error-Type: " + error_type + "\r\n";
      last += "Lambda-Runtime-Function-Error-Body: eyJlcnJvck1lc3NhZ2UiOiJmYWlsZWQiLCJlcnJvclR5cGUiOiJGYWtlLkZhaWxlZCJ9\r\n";
    }
    last += "\r\n";
    net::write(socket_, net::buffer(last));
    http::response_parser<http::string_body> parser;
    http::read(socket_, buffer_, parser);
  }

  http::response<http::string_body> send(http::verb verb, const std::string& target, std::string body = {},
                                         const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, "runtime");
    for (const auto& [n, v] : headers) request.set(n, v);
    request.body() = std::move(body);
    request.prepare_payload();
    http::write(socket_, request);
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

 private:
  net::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

const char* marker_path = nullptr;  // set once before any signal can arrive
std::atomic<bool> shutdown_seen{false};  // the extension got its SHUTDOWN event

// Appends a line to the marker file with async-signal-safe calls only.
void mark(const char* line) {
  if (marker_path == nullptr) return;
  const int fd = ::open(marker_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  [[maybe_unused]] auto n = ::write(fd, line, std::strlen(line));
  ::close(fd);
}

bool ignore_sigterm = false;

void on_sigterm(int) {
  mark("SIGTERM\n");
  if (ignore_sigterm) return;
  // Give the extension thread a moment to record its SHUTDOWN event (nanosleep and a
  // lock-free atomic are safe in a handler), then exit as a runtime would.
  for (int i = 0; i < 200 && !shutdown_seen.load(); ++i) {
    timespec pause{0, 5'000'000};
    ::nanosleep(&pause, nullptr);
  }
  ::_exit(0);
}

int count_sockets() {
  int sockets = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* entry = ::readdir(dir)) {
      char link[256] = {};
      const std::string path = std::string("/proc/self/fd/") + entry->d_name;
      if (::readlink(path.c_str(), link, sizeof link - 1) > 0 && std::strncmp(link, "socket:", 7) == 0) ++sockets;
    }
    ::closedir(dir);
  }
  return sockets;
}

std::string stdin_target() {
  char link[256] = {};
  return ::readlink("/proc/self/fd/0", link, sizeof link - 1) > 0 ? std::string(link) : std::string();
}

}  // namespace

int main(int argc, char** argv) {
  const std::string start = argc > 1 ? argv[1] : "";
  const char* endpoint = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (endpoint == nullptr) {
    std::fprintf(stderr, "fake: AWS_LAMBDA_RUNTIME_API is not set\n");
    return 2;
  }
  marker_path = std::getenv("FAKE_MARKER");
  ignore_sigterm = std::getenv("FAKE_IGNORE_SIGTERM") != nullptr;
  if (start == "exit-at-start") {
    std::printf("fake: exiting at start\n");
    return 3;
  }
  if (start == "init-hang") {
    std::this_thread::sleep_for(std::chrono::seconds(60));
    return 0;
  }
  if (start == "init-log") {
    std::printf("fake: initialising\n");
    std::fflush(stdout);
  }
  if (start == "extension" || start == "sigterm-marker") {
    struct sigaction action {};
    action.sa_handler = on_sigterm;
    action.sa_flags = SA_RESTART;  // an ignored SIGTERM must not break the blocking /next read
    ::sigaction(SIGTERM, &action, nullptr);
  }
  try {
    Api api(endpoint);
    if (start == "init-error") {
      std::fprintf(stderr, "fake: failing init\n");
      api.send(http::verb::post, "/2018-06-01/runtime/init/error", R"({"errorMessage":"fake init failed","errorType":"Fake.InitFailed"})",
               {{"Lambda-Runtime-Function-Error-Type", "Fake.InitFailed"}});
      return 1;
    }
    std::thread extension;
    if (start == "extension") {
      // An in-process extension on its own connection, as lift's runtime does it.
      auto registered = std::make_shared<Api>(endpoint);
      auto reply = registered->send(http::verb::post, "/2020-01-01/extension/register", R"({"events":["SHUTDOWN"]})",
                                    {{"Lambda-Extension-Name", "fake-extension"}});
      const std::string id(reply["Lambda-Extension-Identifier"]);
      extension = std::thread([registered, id] {
        // Signals go to the main thread: the handler waits for this one.
        sigset_t term;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        ::pthread_sigmask(SIG_BLOCK, &term, nullptr);
        try {
          auto event = registered->send(http::verb::get, "/2020-01-01/extension/event/next", {}, {{"Lambda-Extension-Identifier", id}});
          if (event.body().find("SHUTDOWN") != std::string::npos) mark("SHUTDOWN\n");
          shutdown_seen = true;
        } catch (const std::exception&) {
        }
      });
      extension.detach();  // the process ends by signal; nothing to join
    }
    for (;;) {
      auto event = api.send(http::verb::get, "/2018-06-01/runtime/invocation/next");
      const std::string id(event["Lambda-Runtime-Aws-Request-Id"]);
      const std::string response = "/2018-06-01/runtime/invocation/" + id + "/response";
      json::value parsed = json::parse(event.body());
      const auto& body = parsed.as_object();
      if (const auto* raw_path = body.if_contains("rawPath"); raw_path != nullptr && raw_path->is_string()) {
        if (raw_path->as_string() == "/answer") {
          api.send(http::verb::post, response, std::string(body.at("body").as_string()));
          continue;
        }
        if (raw_path->as_string() == "/exit") std::_Exit(3);
        if (raw_path->as_string() == "/stream" || raw_path->as_string() == "/stream-fail") {
          const bool fail = raw_path->as_string() == "/stream-fail";
          int ms = 0;
          if (const auto* query = body.if_contains("queryStringParameters"); query != nullptr && query->is_object()) {
            if (const auto* given = query->as_object().if_contains("ms")) ms = std::stoi(std::string(given->as_string()));
          }
          const std::string prelude = R"({"statusCode":200,"headers":{"content-type":"text/plain"},"cookies":["s=1"]})";
          std::vector<std::string> pieces{prelude + std::string(8, '\0') + "first\n"};
          if (!fail) pieces.emplace_back("second\n");
          api.stream(response, pieces, std::chrono::milliseconds(ms), fail ? "Fake.Failed" : "");
          continue;
        }
        if (raw_path->as_string() == "/sleep") {
          const std::string ms(body.at("queryStringParameters").at("ms").as_string());
          std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(ms)));
        }
      }
      const std::string action = body.contains("action") ? std::string(body.at("action").as_string()) : "echo";
      if (action == "echo") {
        api.send(http::verb::post, response, event.body(), {{"Content-Type", "application/json"}});
      } else if (action == "env") {
        json::object values;
        for (const auto& name : body.at("names").as_array()) {
          const char* value = std::getenv(std::string(name.as_string()).c_str());
          values[name.as_string()] = value ? json::value(value) : json::value(nullptr);
        }
        api.send(http::verb::post, response, json::serialize(values));
      } else if (action == "sleep") {
        std::this_thread::sleep_for(std::chrono::milliseconds(body.at("ms").to_number<int>()));
        api.send(http::verb::post, response, R"({"slept":true})");
      } else if (action == "exit") {
        std::printf("fake: exiting\n");
        std::fflush(stdout);
        std::_Exit(body.at("code").to_number<int>());
      } else if (action == "abort") {
        std::abort();
      } else if (action == "log") {
        for (const auto& line : body.at("lines").as_array()) {
          std::printf("%s\n", std::string(line.as_string()).c_str());
          std::fprintf(stderr, "err: %s\n", std::string(line.as_string()).c_str());
        }
        std::fflush(stdout);
        api.send(http::verb::post, response, R"({"logged":true})");
      } else if (action == "error") {
        api.send(http::verb::post, "/2018-06-01/runtime/invocation/" + id + "/error",
                 R"({"errorMessage":"asked to fail","errorType":"Fake.Failure"})", {{"Lambda-Runtime-Function-Error-Type", "Fake.Failure"}});
      } else if (action == "fds") {
        json::object info{{"sockets", count_sockets()}, {"stdin", stdin_target()}};
        api.send(http::verb::post, response, json::serialize(info));
      } else {
        api.send(http::verb::post, "/2018-06-01/runtime/invocation/" + id + "/error",
                 R"({"errorMessage":"unknown action","errorType":"Fake.UnknownAction"})");
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake: %s\n", e.what());
    return 1;
  }
}
