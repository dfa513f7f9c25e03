// The local API Gateway's server paths in-process (so they run under the sanitizers too), in
// front of the hand-written fake function, which answers every event with the event itself:
// API Gateway reads that as the simple form (200, the event as a JSON body).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <regex>
#include <thread>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include "lift/local/api_gateway_emulator.hpp"
#include "support/json.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
using lift::testing_support::json_of;
using namespace std::chrono_literals;

http::response<http::string_body> exchange(tcp::socket& socket, beast::flat_buffer& buffer, http::verb method,
                                           const std::string& target, std::string body = {}) {
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "localhost:3000");
  request.body() = std::move(body);
  request.prepare_payload();
  http::write(socket, request);
  http::response_parser<http::string_body> parser;
  parser.body_limit(32 * 1024 * 1024);
  http::read(socket, buffer, parser);
  return parser.release();
}

// Writes bytes as they are and reads one response.
http::response<http::string_body> raw_exchange(tcp::socket& socket, beast::flat_buffer& buffer, const std::string& bytes) {
  net::write(socket, net::buffer(bytes));
  http::response_parser<http::string_body> parser;
  parser.body_limit(32 * 1024 * 1024);
  http::read(socket, buffer, parser);
  return parser.release();
}

template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 300; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

class GatewayServer : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  // Starts a gateway (after stopping the one running) with the fixture's settings, changed by
  // `adjust`, and connects socket_ to it.
  void start(const std::function<void(lift::local::ApiGatewayConfig&)>& adjust = {}) {
    if (gateway_) {
      gateway_->stop();
      boost::system::error_code ignored;
      socket_.close(ignored);
      buffer_.clear();
    }
    lift::local::ApiGatewayConfig config;
    config.function.command = {LIFT_FAKE_FUNCTION};
    config.function.timeout = 5s;
    config.watch_interval = 50ms;
    config.log = [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    };
    if (adjust) adjust(config);
    gateway_ = std::make_unique<lift::local::ApiGatewayEmulator>(std::move(config));
    auto started = gateway_->start();
    ASSERT_TRUE(started) << started.error().message;
    socket_ = connect();
  }

  void TearDown() override { gateway_->stop(); }

  tcp::socket connect() {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
    return socket;
  }

  std::size_t log_lines() {
    std::lock_guard lock(mutex_);
    return lines_.size();
  }

  std::string log_text() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& line : lines_) out += line + "\n";
    return out;
  }

  bool logged(std::string_view text) {
    return eventually([&] { return log_text().find(text) != std::string::npos; });
  }

  std::mutex mutex_;
  std::vector<std::string> lines_;
  std::unique_ptr<lift::local::ApiGatewayEmulator> gateway_;
  net::io_context io_;
  tcp::socket socket_{io_};
  beast::flat_buffer buffer_;
};

TEST_F(GatewayServer, KeepAliveRequestsReachTheFunctionAsEvents) {
  for (int i = 0; i < 3; ++i) {
    const auto response = exchange(socket_, buffer_, http::verb::post, "/p?i=" + std::to_string(i), "body");
    ASSERT_EQ(response.result_int(), 200);
    const auto event = json_of(response.body());
    EXPECT_EQ(event.at("rawPath"), "/p");
    EXPECT_EQ(event.at("queryStringParameters").at("i").as_string(), std::to_string(i));
    EXPECT_EQ(event.at("requestContext").at("domainName"), "localhost:3000");
    EXPECT_EQ(event.at("requestContext").at("domainPrefix"), "localhost");
    EXPECT_EQ(event.at("body"), "body");
  }
  EXPECT_EQ(gateway_->runtime()->starts(), 1);
  // One access line each, written just after the answer.
  for (int i = 0; i < 200 && log_lines() < 3; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(log_lines(), 3u);
}

TEST_F(GatewayServer, BytesThatAreNotUtf8StillMakeAValidEvent) {
  // An escape of a byte that starts no character, a raw such byte in the target, Latin-1 in a
  // header and a cookie: the function gets a valid event (it refused the event before: 502).
  const auto response = raw_exchange(socket_, buffer_,
                                     "GET /caf\xe9/%ff?q=%ff&r=\xe9 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Latin: caf\xe9\r\n"
                                     "Cookie: c=\xe9\r\nUser-Agent: agent\xff\r\n\r\n");
  ASSERT_EQ(response.result_int(), 200) << response.body();
  const auto event = json_of(response.body());
  EXPECT_EQ(event.at("rawPath"), "/caf%E9/%ff");
  EXPECT_EQ(event.at("rawQueryString"), "q=%ff&r=%E9");
  EXPECT_EQ(event.at("queryStringParameters").at("q"), "\uFFFD");
  EXPECT_EQ(event.at("requestContext").at("http").at("path"), "/caf\uFFFD/\uFFFD");
  EXPECT_EQ(event.at("headers").at("x-latin"), "caf\uFFFD");
  EXPECT_EQ(event.at("cookies").at(0), "c=\uFFFD");
  EXPECT_EQ(event.at("requestContext").at("http").at("userAgent"), "agent\uFFFD");
}

TEST_F(GatewayServer, OversizedBodyIs413AndTheConnectionStaysUsable) {
  const auto response = exchange(socket_, buffer_, http::verb::post, "/", std::string(10 * 1024 * 1024 + 10, 'x'));
  EXPECT_EQ(response.result_int(), 413);
  // The body was read (and dropped), so the connection can carry the next request.
  ASSERT_TRUE(response.keep_alive());
  EXPECT_EQ(exchange(socket_, buffer_, http::verb::get, "/after").result_int(), 200);
}

TEST_F(GatewayServer, ManagementApiAnswersGoneForUnknownConnections) {
  for (const auto method : {http::verb::post, http::verb::get, http::verb::delete_}) {
    const auto response = exchange(socket_, buffer_, method, "/@connections/nobody%3D", "x");
    EXPECT_EQ(response.result_int(), 410);
  }
}

TEST_F(GatewayServer, WebSocketConnectsAndDisconnects) {
  websocket::stream<tcp::socket> ws(io_);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
  ws.handshake("127.0.0.1", "/?x=1");
  // Counted once the server side has finished its handshake, a moment after the client.
  EXPECT_TRUE(eventually([&] { return gateway_->websocket_connections() == 1; }));
  ws.write(net::buffer(std::string(R"({"action":"ping"})")));
  ws.close(websocket::close_code::normal);
  // $connect, the message (and, maybe a moment later, $disconnect) are in the log.
  EXPECT_TRUE(eventually([&] { return log_lines() >= 3; }));
  EXPECT_TRUE(eventually([&] { return gateway_->websocket_connections() == 0; }));
}

TEST_F(GatewayServer, StopClosesOpenConnections) {
  websocket::stream<tcp::socket> ws(io_);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
  ws.handshake("127.0.0.1", "/");
  gateway_->stop();
  beast::error_code ec;
  char byte;
  socket_.read_some(net::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_FALSE(gateway_->runtime()->function_running());
}

// ---- hostile input -----------------------------------------------------------------------------

// Sends `bytes` on a new connection and reads one response; the connection is closed after.
http::response<http::string_body> one_raw_exchange(tcp::socket socket, const std::string& bytes, bool* closed_after = nullptr) {
  beast::flat_buffer buffer;
  auto response = raw_exchange(socket, buffer, bytes);
  if (closed_after != nullptr) {
    beast::error_code ec;
    char byte;
    socket.read_some(net::buffer(&byte, 1), ec);
    *closed_after = ec == net::error::eof || ec == net::error::connection_reset;
  }
  return response;
}

TEST_F(GatewayServer, MalformedRequestsAreAnswered400Or431AndLogged) {
  const std::string host = "Host: 127.0.0.1\r\n";
  const std::vector<std::pair<std::string, int>> cases = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n" + host + "No colon here\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n" + host + "X-Control: a\x01" "b\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n" + host + "X-Big: " + std::string(70 * 1024, 'x') + "\r\n\r\n", 431},
      {"POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello", 400},
      {"POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello", 400},
      {"POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400},
  };
  for (const auto& [bytes, status] : cases) {
    bool closed = false;
    const auto response = one_raw_exchange(connect(), bytes, &closed);
    EXPECT_EQ(response.result_int(), status) << bytes.substr(0, 60);
    EXPECT_EQ(json_of(response.body()).at("message"), status == 431 ? "Request Header Fields Too Large" : "Bad Request");
    EXPECT_TRUE(closed) << bytes.substr(0, 60);
  }
  EXPECT_TRUE(logged("refused, not HTTP/1.1")) << log_text();
  EXPECT_TRUE(logged(" 431 ")) << log_text();
  // The function was never asked.
  EXPECT_EQ(gateway_->runtime()->transcript().size(), 0u);
}

TEST_F(GatewayServer, OnlyRequestsForThisServersNamesAreServed) {
  // A page on another site could reach 127.0.0.1 through its own name (DNS rebinding).
  bool closed = false;
  const auto refused = one_raw_exchange(connect(), "GET /x HTTP/1.1\r\nHost: rebound.example:3000\r\n\r\n", &closed);
  EXPECT_EQ(refused.result_int(), 403);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(logged("DNS rebinding")) << log_text();
  for (const char* host : {"localhost:3000", "LOCALHOST", "127.0.0.1", "[::1]:3000"}) {
    EXPECT_EQ(one_raw_exchange(connect(), std::string("GET /x HTTP/1.1\r\nHost: ") + host + "\r\n\r\n").result_int(), 200) << host;
  }
  // Without a Host (HTTP/1.0, a script) there is no browser to rebind.
  EXPECT_EQ(one_raw_exchange(connect(), "GET /x HTTP/1.0\r\n\r\n").result_int(), 200);

  // The WebSocket upgrade too.
  websocket::stream<tcp::socket> ws(io_);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
  beast::error_code ec;
  ws.handshake("rebound.example", "/", ec);
  EXPECT_EQ(ec, websocket::error::upgrade_declined) << ec.message();

  // On 0.0.0.0 every name is served (the developer asked for other machines).
  start([](auto& config) { config.host = "0.0.0.0"; });
  EXPECT_EQ(one_raw_exchange(connect(), "GET /x HTTP/1.1\r\nHost: my-laptop.local:3000\r\n\r\n").result_int(), 200);
}

TEST_F(GatewayServer, AnswersHttpCannotCarryAreFixedOrRefusedAndTheConnectionLives) {
  const auto answer = [&](const std::string& json) { return exchange(socket_, buffer_, http::verb::post, "/answer", json); };
  // A 204 with a body: the body is dropped (it broke the connection before).
  const auto no_content = answer(R"({"statusCode":204,"body":"not for a 204"})");
  EXPECT_EQ(no_content.result_int(), 204);
  EXPECT_TRUE(no_content.body().empty());
  EXPECT_TRUE(logged("had a body of 13 bytes")) << log_text();
  const auto not_modified = answer(R"({"statusCode":304,"body":"x"})");
  EXPECT_EQ(not_modified.result_int(), 304);

  // A 1xx, a header value over 64 KB, a header name that is no token: 502 with a problem line.
  EXPECT_EQ(answer(R"({"statusCode":101,"body":"x"})").result_int(), 502);
  EXPECT_EQ(answer(R"({"statusCode":200,"headers":{"x-big":")" + std::string(70 * 1024, 'v') + R"("}})").result_int(), 502);
  EXPECT_EQ(answer(R"({"statusCode":200,"headers":{"bad name":"1"}})").result_int(), 502);
  EXPECT_TRUE(logged("interim (1xx) status")) << log_text();
  EXPECT_TRUE(logged("over the limit of 65536")) << log_text();
  EXPECT_TRUE(logged("is not an HTTP token")) << log_text();

  // Control characters never reach the client.
  const auto filtered = answer(R"({"statusCode":200,"headers":{"x-c":"a\u0000b\u0001c\u007fd"},"body":"ok"})");
  EXPECT_EQ(filtered.result_int(), 200);
  EXPECT_EQ(filtered["x-c"], "abcd");
  // Every one of them went over the same connection.
  EXPECT_EQ(exchange(socket_, buffer_, http::verb::get, "/after").result_int(), 200);
}

TEST_F(GatewayServer, WhatClientsAndTheFunctionSendIsEscapedInTheLog) {
  // A WebSocket route key with an escape sequence, a C1 control character in a target.
  websocket::stream<tcp::socket> ws(io_);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
  ws.handshake("127.0.0.1", "/");
  ws.write(net::buffer(std::string(R"({"action":"\u001b[2J\u001b]0;owned\u0007"})")));
  EXPECT_EQ(one_raw_exchange(connect(), "GET /a\xc2\x9b" "31m HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").result_int(), 200);
  EXPECT_TRUE(logged(R"(WS \x1B[2J\x1B]0;owned\x07 )")) << log_text();
  EXPECT_TRUE(logged(R"(GET /a\xC2\x9B31m 200)")) << log_text();
  ws.close(websocket::close_code::normal);
  const auto text = log_text();
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
}

TEST_F(GatewayServer, MessagesForAClientThatDoesNotReadAreBounded) {
  websocket::stream<tcp::socket> ws(io_);
  auto& lowest = beast::get_lowest_layer(ws);
  lowest.open(tcp::v4());
  lowest.set_option(net::socket_base::receive_buffer_size(4096));
  lowest.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
  ws.handshake("127.0.0.1", "/");
  ASSERT_TRUE(logged("WS $connect ")) << log_text();
  std::smatch match;
  const auto text = log_text();
  ASSERT_TRUE(std::regex_search(text, match, std::regex(R"(WS \$connect (\S+) 200)"))) << text;
  std::string id = match[1];
  id = std::regex_replace(id, std::regex("="), "%3D");
  // The client never reads: each post used to be answered 200 and held, without end.
  const std::string message(120 * 1024, 'm');
  int posts = 0;
  http::response<http::string_body> last;
  do {
    last = exchange(socket_, buffer_, http::verb::post, "/@connections/" + id, message);
    ++posts;
  } while (last.result_int() == 200 && posts < 400);
  EXPECT_EQ(last.result_int(), 429) << "after " << posts << " posts";
  EXPECT_EQ(last["x-amzn-ErrorType"], "LimitExceededException");
  EXPECT_TRUE(logged("does not read its messages")) << log_text();
}

TEST_F(GatewayServer, ConnectionsAreBoundedAndIdleOnesMakeRoom) {
  start([](auto& config) { config.max_connections = 4; });
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(connect());  // with socket_: four
  ASSERT_TRUE(eventually([&] { return gateway_->open_connections() == 4; }));
  // A fifth client is served: the connection that waited longest for a request made room.
  EXPECT_EQ(one_raw_exchange(connect(), "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").result_int(), 200);
  EXPECT_LE(gateway_->open_connections(), 4u);
  beast::error_code ec;
  char byte;
  socket_.read_some(net::buffer(&byte, 1), ec);  // the first connected
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_TRUE(logged("the most served at once")) << log_text();
}

TEST_F(GatewayServer, RequestBytesHeldAtOnceAreBounded) {
  // Eight 900 KB bodies at once against a limit of 2 MB: at most two are held (read, in an
  // event, waiting for the function, being answered); the others wait to be read.
  start([](auto& config) {
    config.max_request_bytes = 1024 * 1024;
    config.max_request_bytes_in_flight = 2 * 1024 * 1024;
  });
  std::atomic<bool> done{false};
  std::atomic<std::size_t> most{0};
  std::thread sampler([&] {
    while (!done) {
      const auto held = gateway_->request_bytes_held();
      if (held > most) most = held;
      std::this_thread::sleep_for(1ms);
    }
  });
  const std::string body(900 * 1024, 'b');
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      net::io_context io;
      tcp::socket socket(io);
      socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
      beast::flat_buffer buffer;
      if (exchange(socket, buffer, http::verb::post, "/sleep?ms=50", body).result_int() == 200) ++answered;
    });
  }
  for (auto& client : clients) client.join();
  done = true;
  sampler.join();
  EXPECT_EQ(answered, 8);
  EXPECT_GT(most.load(), 0u);
  EXPECT_LE(most.load(), 2u * 1024 * 1024);
  EXPECT_EQ(gateway_->request_bytes_held(), 0u);
}

TEST_F(GatewayServer, ARestartOnTheEmbeddedDynamoDbSaysItIsEmpty) {
  start([](auto& config) { config.function.environment.emplace_back("LIFT_DYNAMODB_ENDPOINT", "memory:"); });
  EXPECT_EQ(exchange(socket_, buffer_, http::verb::get, "/x").result_int(), 200);
  EXPECT_EQ(exchange(socket_, buffer_, http::verb::get, "/exit").result_int(), 502);
  EXPECT_EQ(exchange(socket_, buffer_, http::verb::get, "/x").result_int(), 200);
  EXPECT_EQ(gateway_->runtime()->starts(), 2);
  const std::string line = "the function started again, so its in-memory DynamoDB (LIFT_DYNAMODB_ENDPOINT=memory:) is empty";
  ASSERT_TRUE(logged(line)) << log_text();
  const auto text = log_text();
  EXPECT_EQ(text.find(line), text.rfind(line));  // once

  // Another endpoint keeps its data: nothing to say.
  start([](auto& config) { config.function.environment.emplace_back("LIFT_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"); });
  EXPECT_EQ(exchange(socket_, buffer_, http::verb::get, "/exit").result_int(), 502);
  EXPECT_EQ(exchange(socket_, buffer_, http::verb::get, "/x").result_int(), 200);
  const auto after = log_text();
  EXPECT_EQ(after.find(line), after.rfind(line));
}

}  // namespace
