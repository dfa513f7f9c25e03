// The local API Gateway's server paths in-process (so they run under the sanitizers too), in
// front of the hand-written fake function, which answers every event with the event itself:
// API Gateway reads that as the simple form (200, the event as a JSON body).
#include <gtest/gtest.h>

#include <mutex>
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
  void SetUp() override {
    lift::local::ApiGatewayConfig config;
    config.function.command = {LIFT_FAKE_FUNCTION};
    config.function.timeout = 5s;
    config.watch_interval = 50ms;
    config.log = [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    };
    gateway_ = std::make_unique<lift::local::ApiGatewayEmulator>(std::move(config));
    auto started = gateway_->start();
    ASSERT_TRUE(started) << started.error().message;
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_->port()));
  }

  void TearDown() override { gateway_->stop(); }

  std::size_t log_lines() {
    std::lock_guard lock(mutex_);
    return lines_.size();
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

}  // namespace
