// The local API Gateway (lift::local::ApiGatewayEmulator) in-process, in front of real function
// processes, driven by a raw Beast client: keep-alive, event shapes, payload limits, binary
// bodies, answers API Gateway cannot read, crashes, timeouts, hot reload, WebSocket routes and
// the Management API.
#include "lift/local/api_gateway_emulator.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include "support/json.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using lift::local::ApiFlavor;
using lift::local::ApiGatewayConfig;
using lift::local::ApiGatewayEmulator;
using lift::testing_support::json_of;
using namespace std::chrono_literals;

using Response = http::response<http::string_body>;

// One client connection, kept open across requests.
class Client {
 public:
  explicit Client(unsigned short port) : socket_(io_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  Response send(http::verb method, const std::string& target, std::string body = {},
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::user_agent, "lift-test");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    http::write(socket_, request);
    Response response;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  Response get(const std::string& target) { return send(http::verb::get, target); }

  // Writes bytes as they are and reads one response.
  Response raw(const std::string& bytes) {
    net::write(socket_, net::buffer(bytes));
    http::response_parser<http::string_body> parser;
    http::read(socket_, buffer_, parser);
    return parser.release();
  }

  // Whether the server closed the connection (reads EOF).
  bool closed_by_server() {
    beast::error_code ec;
    char byte;
    socket_.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
  net::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// Log lines the gateway wrote, for checks on the access log and the explanations.
class LogLines {
 public:
  void add(std::string_view line) {
    std::lock_guard lock(mutex_);
    lines_.emplace_back(line);
  }
  bool contains(std::string_view text) const {
    std::lock_guard lock(mutex_);
    for (const auto& line : lines_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
  bool wait_for(std::string_view text, std::chrono::milliseconds timeout = 5s) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!contains(text)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }
  std::string all() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& line : lines_) out += line + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

ApiGatewayConfig config_for(const std::string& function, LogLines& log) {
  ApiGatewayConfig config;
  config.function.command = {function};
  config.function.timeout = 5s;
  config.function.inherit_environment = false;
  config.log = [&log](std::string_view line) { log.add(line); };
  return config;
}

class ApiGateway : public ::testing::Test {
 protected:
  void start(ApiGatewayConfig config) {
    gateway_ = std::make_unique<ApiGatewayEmulator>(std::move(config));
    auto started = gateway_->start();
    ASSERT_TRUE(started) << started.error().message;
    ASSERT_NE(gateway_->port(), 0);
  }
  void start(const std::string& function) { start(config_for(function, log_)); }

  void TearDown() override {
    if (gateway_) gateway_->stop();
  }

  Client client() { return Client(gateway_->port()); }

  LogLines log_;
  std::unique_ptr<ApiGatewayEmulator> gateway_;
};

TEST_F(ApiGateway, ServesHelloOverOneKeptAliveConnection) {
  start(LIFT_HELLO);
  auto connection = client();
  for (int i = 0; i < 5; ++i) {
    const auto response = connection.get("/hello?name=x" + std::to_string(i));
    ASSERT_EQ(response.result_int(), 200);
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(json_of(response.body()), json::parse(R"({"message":"hello, x)" + std::to_string(i) + R"("})"));
    EXPECT_NE(response[http::field::content_type].find("application/json"), std::string::npos);
    EXPECT_FALSE(response["apigw-requestid"].empty());
  }
  EXPECT_EQ(gateway_->runtime()->starts(), 1);
  EXPECT_TRUE(log_.contains("GET /hello?name=x0 200")) << log_.all();
}

TEST_F(ApiGateway, AppAnswersNotFoundAndMethodNotAllowed) {
  start(LIFT_HELLO);
  auto connection = client();
  EXPECT_EQ(connection.get("/nope").result_int(), 404);
  const auto wrong = connection.send(http::verb::delete_, "/hello");
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_NE(wrong[http::field::allow].find("GET"), std::string::npos);
  // HEAD: the headers of GET, no body.
  const auto head = connection.send(http::verb::head, "/hello?name=x");
  EXPECT_EQ(head.result_int(), 200);
}

TEST_F(ApiGateway, HandsTheFunctionAnHttpApiEvent) {
  start(LIFT_DEV_FUNCTION);
  auto connection = client();
  const auto response = connection.send(http::verb::post, "/echo?a=1&a=2&b=x%20y", R"({"k":1})",
                                        {{"Cookie", "c1=v1; c2=v2"}, {"X-Multi", "one"}, {"Content-Type", "application/json"}});
  ASSERT_EQ(response.result_int(), 200);
  const auto event = json_of(response.body());
  EXPECT_EQ(event.at("version"), "2.0");
  EXPECT_EQ(event.at("routeKey"), "$default");
  EXPECT_EQ(event.at("rawPath"), "/echo");
  EXPECT_EQ(event.at("rawQueryString"), "a=1&a=2&b=x%20y");
  EXPECT_EQ(event.at("queryStringParameters"), json::parse(R"({"a":"1,2","b":"x y"})"));
  EXPECT_EQ(event.at("cookies"), json::parse(R"(["c1=v1","c2=v2"])"));
  const auto& headers = event.at("headers").as_object();
  EXPECT_EQ(headers.at("x-multi"), "one");
  EXPECT_EQ(headers.at("user-agent"), "lift-test");
  EXPECT_FALSE(headers.contains("cookie"));
  EXPECT_EQ(event.at("body"), R"({"k":1})");
  EXPECT_EQ(event.at("isBase64Encoded"), false);
  const auto& context = event.at("requestContext");
  EXPECT_EQ(context.at("stage"), "$default");
  EXPECT_EQ(context.at("http").at("method"), "POST");
  EXPECT_EQ(context.at("http").at("path"), "/echo");
  EXPECT_EQ(context.at("http").at("sourceIp"), "127.0.0.1");
  EXPECT_EQ(context.at("http").at("userAgent"), "lift-test");
  EXPECT_EQ(context.at("domainName"), "127.0.0.1");
  EXPECT_EQ(context.at("requestId").as_string().size(), 16u);
  const auto epoch = context.at("timeEpoch").to_number<std::int64_t>();
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LT(std::abs(now - epoch), 60000);
}

TEST_F(ApiGateway, HandsTheFunctionARestApiEvent) {
  auto config = config_for(LIFT_DEV_FUNCTION, log_);
  config.api = ApiFlavor::rest;
  start(std::move(config));
  auto connection = client();
  const auto response = connection.send(http::verb::get, "/echo?a=1&a=2", {}, {{"X-Multi", "one"}});
  ASSERT_EQ(response.result_int(), 200);
  const auto event = json_of(response.body());
  EXPECT_EQ(event.at("httpMethod"), "GET");
  EXPECT_EQ(event.at("path"), "/echo");
  EXPECT_EQ(event.at("resource"), "/{proxy+}");
  EXPECT_EQ(event.at("pathParameters").at("proxy"), "echo");
  EXPECT_EQ(event.at("queryStringParameters"), json::parse(R"({"a":"2"})"));
  EXPECT_EQ(event.at("multiValueQueryStringParameters"), json::parse(R"({"a":["1","2"]})"));
  EXPECT_EQ(event.at("multiValueHeaders").at("X-Multi"), json::parse(R"(["one"])"));
  EXPECT_EQ(event.at("body"), nullptr);
  EXPECT_EQ(event.at("requestContext").at("stage"), "dev");
  EXPECT_EQ(event.at("requestContext").at("path"), "/dev/echo");
  EXPECT_EQ(event.at("requestContext").at("identity").at("sourceIp"), "127.0.0.1");
  EXPECT_FALSE(response["x-amzn-RequestId"].empty());

  // REST reads answers strictly: a member it does not know is a 502.
  EXPECT_EQ(connection.get("/cookies").result_int(), 502);
  EXPECT_TRUE(log_.contains("unexpected member \"cookies\"")) << log_.all();
}

TEST_F(ApiGateway, BinaryBodiesRoundTrip) {
  start(LIFT_DEV_FUNCTION);
  auto connection = client();
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  const auto response = connection.send(http::verb::post, "/binary", bytes, {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), bytes);
  EXPECT_EQ(response[http::field::content_type], "application/octet-stream");

  const auto echoed = json_of(connection.send(http::verb::post, "/echo", "\x89PNG\r\n", {{"Content-Type", "image/png"}}).body());
  EXPECT_EQ(echoed.at("isBase64Encoded"), true);
  EXPECT_EQ(echoed.at("body"), "iVBORw0K");
}

TEST_F(ApiGateway, RefusesBodiesOverTenMegabytesWithoutInvoking) {
  start(LIFT_DEV_FUNCTION);
  auto connection = client();
  EXPECT_EQ(connection.get("/count").body(), "1");
  const auto response = connection.send(http::verb::post, "/echo", std::string(10 * 1024 * 1024 + 1, 'a'));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_EQ(json_of(response.body()), json::parse(R"({"message":"Request Entity Too Large"})"));

  // Exactly 10 MB is allowed through.
  auto again = client();
  EXPECT_EQ(again.get("/count").body(), "2");
  EXPECT_EQ(again.send(http::verb::post, "/count", std::string(10 * 1024 * 1024, 'a')).result_int(), 200);

  // With Expect: 100-continue the refusal comes before the body is sent.
  auto waiting = client();
  const auto refused = waiting.raw("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 20000000\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(refused.result_int(), 413);
  EXPECT_TRUE(waiting.closed_by_server());
}

TEST_F(ApiGateway, MapsCookiesHeadersAndTheSimpleForm) {
  start(LIFT_DEV_FUNCTION);
  auto connection = client();
  const auto cookies = connection.get("/cookies");
  EXPECT_EQ(cookies.result_int(), 201);
  std::vector<std::string> set_cookies, multi;
  for (const auto& field : cookies) {
    if (field.name() == http::field::set_cookie) set_cookies.emplace_back(field.value());
    if (beast::iequals(field.name_string(), "x-multi")) multi.emplace_back(field.value());
  }
  EXPECT_EQ(set_cookies, (std::vector<std::string>{"a=1; Path=/", "b=2; HttpOnly"}));
  EXPECT_EQ(multi, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cookies["x-one"], "1");
  EXPECT_EQ(cookies.body(), "with cookies");

  const auto simple = connection.get("/simple");
  EXPECT_EQ(simple.result_int(), 200);
  EXPECT_EQ(simple[http::field::content_type], "application/json");
  EXPECT_EQ(simple.body(), R"({"hello":"world"})");
  EXPECT_EQ(connection.get("/string").body(), "plain words");
}

TEST_F(ApiGateway, AnswersThatCannotBeReadAre502) {
  start(LIFT_DEV_FUNCTION);
  auto connection = client();
  for (const char* path : {"/malformed", "/bad-status", "/big"}) {
    const auto response = connection.get(path);
    EXPECT_EQ(response.result_int(), 502) << path;
    EXPECT_EQ(json_of(response.body()), json::parse(R"({"message":"Internal Server Error"})")) << path;
  }
  EXPECT_TRUE(log_.contains("malformed response from the function: the answer is not JSON")) << log_.all();
  EXPECT_TRUE(log_.contains("statusCode is \"two hundred\", not an integer")) << log_.all();
  EXPECT_TRUE(log_.contains("Function.ResponseSizeTooLarge")) << log_.all();
  EXPECT_EQ(connection.get("/count").result_int(), 200);
}

TEST_F(ApiGateway, ACrashIs502AndTheNextRequestStartsTheFunctionAgain) {
  start(LIFT_DEV_FUNCTION);
  auto connection = client();
  EXPECT_EQ(connection.get("/count").result_int(), 200);
  const auto crashed = connection.get("/crash");
  EXPECT_EQ(crashed.result_int(), 502);
  EXPECT_EQ(json_of(crashed.body()), json::parse(R"({"message":"Internal Server Error"})"));
  EXPECT_TRUE(log_.contains("Runtime.ExitError")) << log_.all();
  const auto after = connection.get("/count");
  EXPECT_EQ(after.result_int(), 200);
  EXPECT_EQ(after.body(), "1");  // a new process
  EXPECT_EQ(gateway_->runtime()->starts(), 2);
}

TEST_F(ApiGateway, ATimeoutIs504) {
  auto config = config_for(LIFT_DEV_FUNCTION, log_);
  config.function.timeout = 500ms;
  start(std::move(config));
  auto connection = client();
  const auto slow = connection.get("/sleep?ms=3000");
  EXPECT_EQ(slow.result_int(), 504);
  EXPECT_EQ(json_of(slow.body()), json::parse(R"({"message":"Endpoint request timed out"})"));
  EXPECT_TRUE(log_.contains("timed out")) << log_.all();
  EXPECT_EQ(connection.get("/sleep?ms=1").result_int(), 200);
}

TEST_F(ApiGateway, PrettyLogsShowLevelAndMessage) {
  auto config = config_for(LIFT_DEV_FUNCTION, log_);
  config.pretty_logs = true;
  start(std::move(config));
  auto connection = client();
  EXPECT_EQ(connection.get("/log").result_int(), 200);
  EXPECT_TRUE(log_.contains("INFO hello from the log order=7")) << log_.all();
}

TEST_F(ApiGateway, RestartsTheFunctionWhenItsExecutableChanges) {
  const auto directory = fs::temp_directory_path() / ("lift-dev-reload-" + std::to_string(::getpid()));
  fs::create_directories(directory);
  struct Cleanup {
    fs::path path;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  } cleanup{directory};
  const auto served = directory / "function";
  fs::copy_file(LIFT_DEV_FUNCTION, served);

  auto config = config_for(served.string(), log_);
  config.watch_interval = 100ms;
  start(std::move(config));
  auto connection = client();
  EXPECT_EQ(connection.get("/version").body(), "a");

  // Replaced the way a linker or `cp` + `mv` does it: a new file renamed over the old one.
  const auto incoming = directory / "function.new";
  fs::copy_file(LIFT_DEV_FUNCTION_B, incoming);
  fs::rename(incoming, served);
  ASSERT_TRUE(log_.wait_for("changed; restarting", 10s)) << log_.all();
  EXPECT_EQ(connection.get("/version").body(), "b");
  EXPECT_EQ(gateway_->runtime()->starts(), 2);
}

// ---- WebSocket --------------------------------------------------------------------------------

class WsClient {
 public:
  WsClient(unsigned short port, const std::string& target = "/") : ws_(io_) {
    auto& socket = beast::get_lowest_layer(ws_);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  }
  void send(const std::string& text) { ws_.write(net::buffer(text)); }
  std::string receive() {
    beast::flat_buffer buffer;
    ws_.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }
  void close() { ws_.close(websocket::close_code::normal); }

 private:
  net::io_context io_;
  websocket::stream<tcp::socket> ws_;
};

TEST_F(ApiGateway, WebSocketRoutesAndTheManagementApi) {
  start(LIFT_WS_FUNCTION);
  WsClient a(gateway_->port());
  WsClient b(gateway_->port());
  a.send(R"({"action":"whoami"})");
  const std::string id_a(json_of(a.receive()).at("you").as_string());
  b.send(R"({"action":"whoami"})");
  const std::string id_b(json_of(b.receive()).at("you").as_string());
  EXPECT_NE(id_a, id_b);
  EXPECT_EQ(gateway_->websocket_connections(), 2u);

  a.send(R"({"action":"sendMessage","text":"hi"})");
  EXPECT_EQ(json_of(b.receive()), (json::object{{"from", id_a}, {"text", "hi"}}));
  a.send("not json");
  EXPECT_EQ(json_of(a.receive()), (json::object{{"default", "not json"}}));

  auto http_client = client();
  const auto encoded = [](const std::string& id) {
    std::string out;
    for (const char c : id) out += c == '=' ? std::string("%3D") : std::string(1, c);
    return out;
  };
  EXPECT_EQ(http_client.send(http::verb::post, "/@connections/" + encoded(id_a), "pushed").result_int(), 200);
  EXPECT_EQ(a.receive(), "pushed");
  const auto info = http_client.get("/dev/@connections/" + encoded(id_b));  // with a stage prefix too
  ASSERT_EQ(info.result_int(), 200);
  EXPECT_EQ(json_of(info.body()).at("identity").at("sourceIp"), "127.0.0.1");
  const auto gone = http_client.send(http::verb::delete_, "/@connections/unknown");
  EXPECT_EQ(gone.result_int(), 410);
  EXPECT_EQ(gone["x-amzn-ErrorType"], "GoneException");

  // Closing B runs $disconnect, which tells A.
  b.close();
  EXPECT_EQ(json_of(a.receive()), (json::object{{"left", id_b}}));
  EXPECT_EQ(http_client.get("/@connections/" + encoded(id_b)).result_int(), 410);
  // Logged once the invocation returns, which may be just after A got the message.
  EXPECT_TRUE(log_.wait_for("WS $disconnect " + id_b + " 200")) << log_.all();
}

TEST_F(ApiGateway, ConnectRefusedByTheFunctionKeepsItsStatus) {
  start(LIFT_WS_FUNCTION);
  try {
    WsClient refused(gateway_->port(), "/?deny=1");
    FAIL() << "the handshake succeeded";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), websocket::error::upgrade_declined) << e.code().message();
  }
  EXPECT_TRUE(log_.contains("WS $connect")) << log_.all();
  EXPECT_TRUE(log_.wait_for(" 401 ")) << log_.all();  // the function's 401, as API Gateway passes a 4xx on
  EXPECT_EQ(gateway_->websocket_connections(), 0u);
}

TEST_F(ApiGateway, StopsWithOpenConnections) {
  start(LIFT_WS_FUNCTION);
  WsClient open(gateway_->port());
  auto idle = client();
  const int pid = gateway_->runtime()->function_pid();
  ASSERT_GT(pid, 0);
  gateway_->stop();
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_FALSE(gateway_->runtime()->function_running());
}

// ---- bounded resources -------------------------------------------------------------------------

// A "<key> N kB" line of /proc/self/status, in KB.
long own_status_kb(std::string_view key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(key)) return std::strtol(line.c_str() + key.size(), nullptr, 10);
  }
  return 0;
}

TEST_F(ApiGateway, IdleConnectionsCostLittleMemory) {
  // Every connection allocated 64 KB as it was accepted (4,000 idle ones: +276 MB). The gateway
  // runs in this process, so its memory is this process's.
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  const std::size_t connections = std::min<std::size_t>(800, (limit.rlim_cur - 300) / 2);
  start(LIFT_HELLO);
  EXPECT_EQ(client().get("/hello").result_int(), 200);
  const long before = own_status_kb("VmRSS:");
  net::io_context io;
  std::vector<tcp::socket> idle;
  for (std::size_t i = 0; i < connections; ++i) {
    idle.emplace_back(io).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
  }
  const auto all_open = [&] { return gateway_->open_connections() >= connections; };
  for (int i = 0; i < 500 && !all_open(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(all_open()) << gateway_->open_connections();
  const long grown = own_status_kb("VmRSS:") - before;
  EXPECT_LT(grown, 16 * 1024) << connections << " idle connections took " << grown << " KB";
  std::cout << connections << " idle connections: " << grown << " KB\n";
  EXPECT_EQ(client().get("/hello").result_int(), 200);
}

TEST_F(ApiGateway, LargeBodiesAtOnceAreHeldAFewAtATime) {
  // Twenty 9 MB bodies at once were all held whole (+377 MB); now twice the request limit's
  // worth is held at a time and the rest wait to be read.
  start(LIFT_HELLO);
  EXPECT_EQ(client().get("/hello").result_int(), 200);
  const auto body = std::make_shared<const std::string>(9 * 1024 * 1024, 'b');
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM starts again from VmRSS
  const long before = own_status_kb("VmHWM:");
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 20; ++i) {
    clients.emplace_back([&, body] {
      net::io_context io;
      tcp::socket socket(io);
      socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
      const std::string head = "POST /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: " +
                               std::to_string(body->size()) + "\r\n\r\n";
      net::write(socket, std::array{net::buffer(head), net::buffer(*body)});
      beast::flat_buffer buffer;
      http::response<http::string_body> response;
      beast::error_code ec;
      http::read(socket, buffer, response, ec);
      if (!ec && response.result_int() == 405) ++answered;
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(answered, 20);
  const long grown = own_status_kb("VmHWM:") - before;
  EXPECT_LT(grown, 160 * 1024) << "the peak grew by " << grown << " KB";
  std::cout << "20 bodies of 9 MB at once: the peak grew by " << grown / 1024 << " MB\n";
  // Given back once each answer is written, a moment after the client has it.
  for (int i = 0; i < 100 && gateway_->request_bytes_held() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(gateway_->request_bytes_held(), 0u);
}

}  // namespace
