// `lift dev` run as a process: it reports its ephemeral port on stdout, serves HTTP and
// WebSocket clients (Node's fetch, `ws` and the AWS SDK through dev_client.js), passes the
// environment on, and stops itself and its function on SIGINT or SIGTERM. The Node checks are
// skipped when Node or node_modules is missing.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <sstream>
#include <cctype>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "support/json.hpp"
#include "support/subprocess.hpp"
#include "support/requirements.hpp"

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using lift::testing_support::json_of;
using lift::testing_support::run_command;
using namespace std::chrono_literals;

// `lift dev ...` in the background; stdout is read up to the "listening on" line, stderr is
// collected. The destructor kills it if the test did not stop it.
class DevServer {
 public:
  explicit DevServer(std::vector<std::string> args) {
    args.insert(args.begin(), {LIFT_CLI, "dev"});
    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (spawned != 0) pid_ = -1;
  }

  ~DevServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
    if (err_ >= 0) ::close(err_);
  }

  DevServer(const DevServer&) = delete;
  DevServer& operator=(const DevServer&) = delete;

  // The URL from "listening on URL", or empty when none came in time.
  std::string wait_for_url(std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    static const std::regex kListening(R"(listening on (http://127\.0\.0\.1:(\d+))\n)");
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch match;
      if (std::regex_search(stdout_, match, kListening)) {
        port_ = static_cast<unsigned short>(std::stoi(match[2]));
        return match[1];
      }
      if (!pump(100ms)) break;
    }
    return {};
  }

  // Sends `signal` and waits for the exit code (-1: killed or still running after the timeout).
  int stop(int signal, std::chrono::milliseconds timeout = 15s) {
    ::kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        while (pump(0ms)) {
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      pump(50ms);
    }
    return -1;
  }

  // Process ids whose parent is this server (its function).
  std::vector<int> children() const {
    std::vector<int> out;
    for (const auto& entry : fs::directory_iterator("/proc")) {
      const auto name = entry.path().filename().string();
      if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
      const auto close = text.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(text.substr(close + 2));
      std::string state;
      int parent = 0;
      rest >> state >> parent;
      if (parent == pid_) out.push_back(std::stoi(name));
    }
    return out;
  }

  [[nodiscard]] int pid() const { return pid_; }
  [[nodiscard]] unsigned short port() const { return port_; }
  [[nodiscard]] const std::string& err() const { return stderr_; }

 private:
  // Reads what is available on stdout and stderr; false once both are closed.
  bool pump(std::chrono::milliseconds wait) {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(wait.count())) <= 0) return out_ >= 0 || err_ >= 0;
    char buffer[4096];
    bool open = false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0) continue;
      if (fds[i].revents == 0) {
        open = true;
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? stdout_ : stderr_).append(buffer, static_cast<std::size_t>(n));
        open = true;
      } else {
        ::close(fds[i].fd);
        (i == 0 ? out_ : err_) = -1;
      }
    }
    return open;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  unsigned short port_ = 0;
  std::string stdout_;
  std::string stderr_;
};

http::response<http::string_body> get(unsigned short port, const std::string& target) {
  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

http::response<http::string_body> post_json(unsigned short port, const std::string& target, std::string body) {
  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

bool accepts(unsigned short port) {
  net::io_context io;
  net::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  return !ec;
}

// Why Node checks cannot run here, or empty.
std::string node_missing(bool needs_modules) {
  const std::string node(LIFT_TEST_NODE);
  if (node.empty() || !fs::exists(node)) return "node is missing";
  if (needs_modules && !fs::exists(std::string(LIFT_TEST_SOURCE_DIR) + "/node_modules/ws"))
    return "node_modules/ws is missing (run scripts/setup)";
  return {};
}

lift::testing_support::CommandResult node_client(const std::string& mode, const std::string& url) {
  return run_command({LIFT_TEST_NODE, std::string(LIFT_TEST_SOURCE_DIR) + "/tests/integration/dev/dev_client.js", mode, url},
                     "", 90s);
}

TEST(LiftDev, ServesHelloOnAnEphemeralPortAndStopsOnSigint) {
  DevServer dev({LIFT_HELLO, "--port", "0"});
  ASSERT_GT(dev.pid(), 0);
  const auto url = dev.wait_for_url();
  ASSERT_FALSE(url.empty()) << dev.err();

  const auto response = get(dev.port(), "/hello?name=x");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(json_of(response.body()), boost::json::parse(R"({"message":"hello, x"})"));
  if (const auto why = node_missing(false); why.empty()) {
    const auto run = node_client("hello", url);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err << "\n--- lift dev ---\n" << dev.err();
  } else {
    std::cerr << "Node checks skipped: " << why << '\n';
  }

  const auto functions = dev.children();
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(dev.stop(SIGINT), 0) << dev.err();
  EXPECT_FALSE(accepts(dev.port()));
  EXPECT_TRUE(::kill(functions.front(), 0) != 0) << "the function outlived lift dev";
  // One access-log line per request.
  EXPECT_NE(dev.err().find("GET /hello?name=x 200"), std::string::npos) << dev.err();
}

TEST(LiftDev, FunctionChecksWithNodeFetch) {
  if (const auto why = node_missing(false); !why.empty()) LIFT_SKIP_WITHOUT() << why;
  DevServer dev({LIFT_DEV_FUNCTION, "--port", "0"});
  const auto url = dev.wait_for_url();
  ASSERT_FALSE(url.empty()) << dev.err();
  const auto run = node_client("function", url);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err << "\n--- lift dev ---\n" << dev.err();
  EXPECT_EQ(dev.stop(SIGTERM), 0) << dev.err();
  // The malformed answer is explained in the log.
  EXPECT_NE(dev.err().find("malformed response from the function"), std::string::npos) << dev.err();
}

TEST(LiftDev, WebSocketChatWithNodeWs) {
  if (const auto why = node_missing(true); !why.empty()) LIFT_SKIP_WITHOUT() << why;
  DevServer dev({LIFT_WS_FUNCTION, "--port", "0"});
  const auto url = dev.wait_for_url();
  ASSERT_FALSE(url.empty()) << dev.err();
  const auto run = node_client("websocket", url);
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err << "\n--- lift dev ---\n" << dev.err();
  EXPECT_EQ(dev.stop(SIGINT), 0) << dev.err();
}

TEST(LiftDev, RestApiAndTheFunctionsEnvironment) {
  const auto env_file = fs::temp_directory_path() / ("lift-dev-env-" + std::to_string(::getpid()));
  std::ofstream(env_file) << "# settings\nexport FROM_FILE=\"file value\"\n\nOTHER=2\n";
  DevServer dev({LIFT_DEV_FUNCTION, "--port", "0", "--api", "rest", "--env-file", env_file.string(), "--env", "FROM_FLAG=flag"});
  const auto url = dev.wait_for_url();
  std::error_code ignored;
  fs::remove(env_file, ignored);
  ASSERT_FALSE(url.empty()) << dev.err();

  const auto event = json_of(get(dev.port(), "/echo").body());
  EXPECT_EQ(event.at("httpMethod"), "GET");
  EXPECT_EQ(event.at("requestContext").at("stage"), "dev");
  EXPECT_EQ(get(dev.port(), "/env?name=FROM_FILE").body(), "file value");
  EXPECT_EQ(get(dev.port(), "/env?name=FROM_FLAG").body(), "flag");
  EXPECT_EQ(get(dev.port(), "/env?name=LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT").body(), url);
  EXPECT_EQ(dev.stop(SIGTERM), 0) << dev.err();
}

TEST(LiftDev, ConcurrencyLetsRequestsRunInTheFunctionAtOnce) {
  DevServer dev({LIFT_DEV_FUNCTION, "--port", "0", "--no-reload", "--concurrency", "4"});
  ASSERT_FALSE(dev.wait_for_url().empty()) << dev.err();
  EXPECT_EQ(get(dev.port(), "/env?name=AWS_LAMBDA_MAX_CONCURRENCY").body(), "4");
  // Four requests that each take 600 ms: one at a time they would need 2.4 s.
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<unsigned>> statuses;
  for (int i = 0; i < 4; ++i) {
    statuses.push_back(std::async(std::launch::async, [&dev] { return get(dev.port(), "/sleep?ms=600").result_int(); }));
  }
  for (auto& status : statuses) EXPECT_EQ(status.get(), 200u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1800ms);
  EXPECT_EQ(dev.stop(SIGTERM), 0) << dev.err();
}

TEST(LiftDev, TodoApiUnderFourWorkersAnswersEveryRequest) {
  DevServer dev({LIFT_TODO_API, "--port", "0", "--no-reload", "--concurrency", "4", "--env", "LIFT_DYNAMODB_ENDPOINT=memory:"});
  ASSERT_FALSE(dev.wait_for_url().empty()) << dev.err();
  std::vector<std::future<http::response<http::string_body>>> created;
  for (int i = 0; i < 12; ++i) {
    created.push_back(std::async(std::launch::async, [&dev, i] {
      return post_json(dev.port(), "/todos", R"({"title":"todo )" + std::to_string(i) + R"("})");
    }));
  }
  std::set<std::string> ids;
  for (auto& answer : created) {
    const auto response = answer.get();
    ASSERT_EQ(response.result_int(), 201u) << response.body();
    ids.insert(std::string(json_of(response.body()).at("id").as_string()));
  }
  EXPECT_EQ(ids.size(), 12u);
  const auto list = json_of(get(dev.port(), "/todos?limit=100").body());
  EXPECT_EQ(list.at("items").as_array().size(), 12u) << list;
  EXPECT_EQ(dev.stop(SIGTERM), 0) << dev.err();
}

// The health endpoints of the built todo-api as a load balancer reaches them: a fresh function
// on the embedded engine is ready before its first write (readiness makes the local table).
TEST(LiftDev, TodoApiHealthEndpoints) {
  DevServer dev({LIFT_TODO_API, "--port", "0", "--no-reload", "--concurrency", "2", "--env", "LIFT_DYNAMODB_ENDPOINT=memory:",
                 "--env", "TODO_TABLE=health_todos"});
  ASSERT_FALSE(dev.wait_for_url().empty()) << dev.err();
  const auto live = get(dev.port(), "/health/live");
  EXPECT_EQ(live.result_int(), 200u);
  EXPECT_EQ(live[http::field::content_type], "application/health+json");
  EXPECT_EQ(live.body(), R"({"status":"pass"})");
  const auto ready = get(dev.port(), "/health/ready");
  EXPECT_EQ(ready.result_int(), 200u) << ready.body();
  const auto detail = json_of(get(dev.port(), "/health").body());
  EXPECT_EQ(detail.at("status"), "pass") << detail;
  EXPECT_EQ(detail.at("checks").at("health_todos:responseTime").at(0).at("componentType"), "datastore") << detail;
  EXPECT_EQ(dev.stop(SIGTERM), 0) << dev.err();
}

TEST(LiftDev, RefusesBadArguments) {
  for (const char* bad : {"0", "65", "many"}) {
    auto refused = run_command({LIFT_CLI, "dev", LIFT_HELLO, "--port", "0", "--concurrency", bad});
    EXPECT_EQ(refused.exit_code, 2) << bad << ": " << refused.err;
    EXPECT_NE(refused.err.find("--concurrency"), std::string::npos) << bad << ": " << refused.err;
  }
  auto run = run_command({LIFT_CLI, "dev", LIFT_HELLO, "--api", "graphql"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  run = run_command({LIFT_CLI, "dev", "/nonexistent/function", "--port", "0"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("no function at"), std::string::npos) << run.err;
  run = run_command({LIFT_CLI, "dev", LIFT_HELLO, "--port", "0", "--env", "NOEQUALS"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
}

}  // namespace
