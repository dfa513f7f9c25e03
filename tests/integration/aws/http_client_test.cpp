// HttpClient against real servers on 127.0.0.1: keep-alive pooling, a connection the server
// closed, deadlines, size limits, broken answers, TLS verification with a CA made at test
// time, and a CONNECT proxy.
#include "lift/aws/http_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>

#include "lift/aws/retry.hpp"
#include "support/local_server.hpp"
#include "support/test_certificates.hpp"

namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using namespace std::chrono_literals;
using lift::aws::HttpClient;
using lift::aws::HttpClientOptions;
using lift::aws::HttpRequest;
using lift::testing_support::HttpServerRequest;
using lift::testing_support::LocalServer;
using lift::testing_support::make_response;
using lift::testing_support::serve_http;
using Clock = std::chrono::steady_clock;

std::string url(const LocalServer& server, const std::string& path = "/", const char* scheme = "http", const char* host = "127.0.0.1") {
  return std::string(scheme) + "://" + host + ":" + std::to_string(server.port()) + path;
}

HttpClientOptions no_proxy_options() {
  HttpClientOptions options;
  options.proxy = "";  // the machine's proxy variables must not leak into the tests
  return options;
}

void write_raw(LocalServer::Socket& socket, std::string_view bytes) {
  boost::system::error_code ec;
  boost::asio::write(socket, boost::asio::buffer(bytes.data(), bytes.size()), ec);
}

// Reads one request (so the client is waiting for the answer) and returns it.
HttpServerRequest read_request(LocalServer::Socket& socket, boost::beast::flat_buffer& buffer) {
  HttpServerRequest request;
  boost::system::error_code ec;
  http::read(socket, buffer, request, ec);
  return request;
}

TEST(HttpClient, KeepAliveReusesOneConnection) {
  std::atomic<int> requests{0};
  LocalServer server([&](LocalServer::Socket& socket) {
    serve_http(socket, [&](const HttpServerRequest& request, int) {
      ++requests;
      return make_response(200, std::string(request.method_string()) + " " + std::string(request.target()) + " " + request.body());
    });
  });
  HttpClient client(no_proxy_options());
  for (int i = 0; i < 5; ++i) {
    auto response = client.send({"POST", url(server, "/echo?i=" + std::to_string(i)), {{"Content-Type", "text/plain"}}, "payload"},
                                Clock::now() + 2s);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "POST /echo?i=" + std::to_string(i) + " payload");
    EXPECT_EQ(response->header("content-type"), "text/plain");
    EXPECT_EQ(response->header("CONTENT-LENGTH"), std::to_string(response->body.size()));
  }
  EXPECT_EQ(requests.load(), 5);
  EXPECT_EQ(server.accepted(), 1u);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpClient, ConcurrentSendsUseSeparateConnections) {
  LocalServer server([](LocalServer::Socket& socket) {
    serve_http(socket, [](const HttpServerRequest&, int) {
      std::this_thread::sleep_for(50ms);  // keeps the connections busy at the same time
      return make_response(200, "ok");
    });
  });
  HttpClient client(no_proxy_options());
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        if (auto r = client.send({"GET", url(server), {}, {}}, Clock::now() + 3s); r && r->body == "ok") ++succeeded;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), 12);
  EXPECT_LE(server.accepted(), 4u);  // at most one per thread; the rest reused
}

TEST(HttpClient, ConnectionClosedByTheServerWhileIdleIsReplaced) {
  HttpClient client(no_proxy_options());
  LocalServer closing([](LocalServer::Socket& socket) {
    boost::beast::flat_buffer buffer;
    read_request(socket, buffer);
    write_raw(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");  // keep-alive, then closed
  });
  ASSERT_TRUE(client.send({"GET", url(closing), {}, {}}, Clock::now() + 2s));
  std::this_thread::sleep_for(50ms);
  auto again = client.send({"GET", url(closing), {}, {}}, Clock::now() + 2s);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->body, "ok");
  EXPECT_EQ(closing.accepted(), 2u);
}

TEST(HttpClient, RequestIsSentAgainWhenAPooledConnectionDiesBeforeAnswering) {
  std::atomic<int> connection_number{0};
  LocalServer server([&](LocalServer::Socket& socket) {
    const int number = ++connection_number;
    serve_http(socket, [&, number](const HttpServerRequest&, int served) {
      if (number == 1 && served == 1) {
        // The second request on the first connection: hang up without a byte of answer.
        ::shutdown(socket.native_handle(), SHUT_RDWR);
      }
      return make_response(200, "connection " + std::to_string(number));
    });
  });
  HttpClient client(no_proxy_options());
  auto first = client.send({"PUT", url(server), {}, "a"}, Clock::now() + 2s);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "connection 1");
  auto second = client.send({"PUT", url(server), {}, "b"}, Clock::now() + 2s);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->body, "connection 2");
  EXPECT_EQ(server.accepted(), 2u);
}

TEST(HttpClient, AFreshConnectionIsNotRetried) {
  LocalServer server([](LocalServer::Socket& socket) {
    boost::beast::flat_buffer buffer;
    read_request(socket, buffer);  // then closes without answering
  });
  HttpClient client(no_proxy_options());
  auto response = client.send({"GET", url(server), {}, {}}, Clock::now() + 2s);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.ConnectionLost");
  EXPECT_EQ(lift::aws::classify_error(response.error()), lift::aws::FailureKind::transient);
  EXPECT_EQ(server.accepted(), 1u);
}

TEST(HttpClient, SlowServerTimesOutWithinTheDeadline) {
  LocalServer server([](LocalServer::Socket& socket) {
    boost::beast::flat_buffer buffer;
    read_request(socket, buffer);
    read_request(socket, buffer);  // never answers; returns when the client gives up
  });
  HttpClient client(no_proxy_options());
  const auto start = Clock::now();
  auto response = client.send({"GET", url(server), {}, {}}, start + 300ms);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.Timeout");
  EXPECT_EQ(response.error().status, 504);
  EXPECT_EQ(lift::aws::classify_error(response.error()), lift::aws::FailureKind::timeout);
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 800ms);
}

TEST(HttpClient, SlowBodyTimesOutToo) {
  LocalServer server([](LocalServer::Socket& socket) {
    boost::beast::flat_buffer buffer;
    read_request(socket, buffer);
    write_raw(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part");
    read_request(socket, buffer);
  });
  HttpClient client(no_proxy_options());
  const auto start = Clock::now();
  auto response = client.send({"GET", url(server), {}, {}}, start + 300ms);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.Timeout");
  EXPECT_LT(Clock::now() - start, 800ms);
}

TEST(HttpClient, ADeadlineInThePastFailsAtOnce) {
  HttpClient client(no_proxy_options());
  auto response = client.send({"GET", "http://127.0.0.1:9/", {}, {}}, Clock::now() - 1s);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.Timeout");
}

TEST(HttpClient, OversizeResponsesAreRefused) {
  LocalServer server([](LocalServer::Socket& socket) {
    serve_http(socket, [](const HttpServerRequest& request, int) {
      if (request.target() == "/chunked") {
        auto response = make_response(200, std::string(5000, 'c'));
        response.chunked(true);
        return response;
      }
      return make_response(200, std::string(5000, 'x'));
    });
  });
  auto options = no_proxy_options();
  options.max_response_bytes = 4096;
  HttpClient client(options);
  for (const char* path : {"/", "/chunked"}) {
    auto response = client.send({"GET", url(server, path), {}, {}}, Clock::now() + 2s);
    ASSERT_FALSE(response) << path;
    EXPECT_EQ(response.error().code, "Http.ResponseTooLarge") << path;
    EXPECT_EQ(lift::aws::classify_error(response.error()), lift::aws::FailureKind::fatal);
  }
  options.max_response_bytes = 5000;  // exactly at the limit is fine
  HttpClient roomy(options);
  auto response = roomy.send({"GET", url(server, "/chunked"), {}, {}}, Clock::now() + 2s);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, std::string(5000, 'c'));
}

TEST(HttpClient, ChunkedAndCloseDelimitedBodies) {
  LocalServer server([](LocalServer::Socket& socket) {
    boost::beast::flat_buffer buffer;
    while (read_request(socket, buffer).target() == "/chunked") {
      write_raw(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Kind: chunks\r\n\r\n"
                        "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\n\r\n");
    }
    write_raw(socket, "HTTP/1.0 200 OK\r\n\r\nuntil the end");  // no length: the body ends at close
  });
  HttpClient client(no_proxy_options());
  auto chunked = client.send({"GET", url(server, "/chunked"), {}, {}}, Clock::now() + 2s);
  ASSERT_TRUE(chunked) << chunked.error().message;
  EXPECT_EQ(chunked->body, "hello, world");
  EXPECT_EQ(chunked->header("x-kind"), "chunks");
  auto delimited = client.send({"GET", url(server, "/close"), {}, {}}, Clock::now() + 2s);
  ASSERT_TRUE(delimited) << delimited.error().message;
  EXPECT_EQ(delimited->body, "until the end");
}

TEST(HttpClient, MalformedAnswersAreTypedErrors) {
  for (const std::string answer : {"HTTP/1.1 abc OK\r\n\r\n", "hello there\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
                                   "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                                   "HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n"}) {
    LocalServer server([&](LocalServer::Socket& socket) {
      boost::beast::flat_buffer buffer;
      read_request(socket, buffer);
      write_raw(socket, answer);
      read_request(socket, buffer);
    });
    HttpClient client(no_proxy_options());
    auto response = client.send({"GET", url(server), {}, {}}, Clock::now() + 2s);
    ASSERT_FALSE(response) << answer;
    EXPECT_EQ(response.error().code, "Http.MalformedResponse") << answer << ": " << response.error().message;
  }
}

TEST(HttpClient, RefusedConnectionIsConnectFailed) {
  std::uint16_t port = 0;
  {
    LocalServer closed([](LocalServer::Socket&) {});
    port = closed.port();
  }  // nothing listens there any more
  HttpClient client(no_proxy_options());
  auto response = client.send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, {}}, Clock::now() + 2s);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.ConnectFailed");
  EXPECT_EQ(lift::aws::classify_error(response.error()), lift::aws::FailureKind::transient);
}

TEST(HttpClient, UnknownHostIsConnectFailed) {
  HttpClient client(no_proxy_options());
  auto response = client.send({"GET", "http://no-such-host.invalid/", {}, {}}, Clock::now() + 5s);
  ASSERT_FALSE(response);
  EXPECT_TRUE(response.error().code == "Http.ConnectFailed" || response.error().code == "Http.Timeout") << response.error().code;
}

// TLS: a CA and leaf certificates made for this test run.
class HttpClientTls : public ::testing::Test {
 protected:
  struct Pki {
    fs::path dir;
    lift::testing_support::TestKeyPair ca, leaf, other;
  };

  static void SetUpTestSuite() {
    auto ca = lift::testing_support::make_test_ca();
    auto leaf = lift::testing_support::make_test_leaf(ca, "localhost", "DNS:localhost,IP:127.0.0.1");
    auto other = lift::testing_support::make_test_leaf(ca, "other.example", "DNS:other.example");
    pki_.emplace(Pki{fs::temp_directory_path() / ("lift-http-tls-" + std::to_string(::getpid())), ca, leaf, other});
    fs::create_directories(pki_->dir);
    std::ofstream(pki_->dir / "ca.pem") << ca.certificate_pem;
    std::ofstream(pki_->dir / "other-ca.pem") << lift::testing_support::make_test_ca("another CA").certificate_pem;
  }
  static void TearDownTestSuite() {
    fs::remove_all(pki_->dir);
    pki_.reset();
  }

  static std::unique_ptr<LocalServer> tls_server(const lift::testing_support::TestKeyPair& identity, std::atomic<int>* handshakes = nullptr) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    context->use_certificate_chain(boost::asio::buffer(identity.certificate_pem));
    context->use_private_key(boost::asio::buffer(identity.private_key_pem), ssl::context::pem);
    return std::make_unique<LocalServer>([context, handshakes](LocalServer::Socket& socket) {
      ssl::stream<LocalServer::Socket&> stream(socket, *context);
      boost::system::error_code ec;
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) return;
      if (handshakes != nullptr) ++*handshakes;
      serve_http(stream, [](const HttpServerRequest& request, int) {
        return make_response(200, "secure " + std::string(request.target()) + " host=" + std::string(request[http::field::host]));
      });
    });
  }

  static HttpClientOptions options_with(const std::string& ca_file) {
    auto options = no_proxy_options();
    options.ca_file = (pki_->dir / ca_file).string();
    return options;
  }

  static inline std::optional<Pki> pki_;
};

TEST_F(HttpClientTls, VerifiesAgainstTheCaFileByNameAndByAddress) {
  std::atomic<int> handshakes{0};
  auto server = tls_server(pki_->leaf, &handshakes);
  HttpClient client(options_with("ca.pem"));
  for (const char* host : {"localhost", "127.0.0.1", "localhost"}) {
    auto response = client.send({"GET", url(*server, "/x", "https", host), {}, {}}, Clock::now() + 3s);
    ASSERT_TRUE(response) << host << ": " << response.error().message;
    EXPECT_EQ(response->body, "secure /x host=" + std::string(host) + ":" + std::to_string(server->port()));
  }
  EXPECT_EQ(handshakes.load(), 2);  // one per endpoint; the second localhost call reused the first
}

TEST_F(HttpClientTls, AnotherCaIsRefused) {
  auto server = tls_server(pki_->leaf);
  HttpClient client(options_with("other-ca.pem"));
  auto response = client.send({"GET", url(*server, "/", "https", "localhost"), {}, {}}, Clock::now() + 3s);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.TlsFailed");
  EXPECT_NE(response.error().message.find("certificate"), std::string::npos) << response.error().message;
  EXPECT_EQ(lift::aws::classify_error(response.error()), lift::aws::FailureKind::fatal);
}

TEST_F(HttpClientTls, AWrongHostNameIsRefused) {
  auto server = tls_server(pki_->other);  // valid certificate, but for other.example
  HttpClient client(options_with("ca.pem"));
  for (const char* host : {"localhost", "127.0.0.1"}) {
    auto response = client.send({"GET", url(*server, "/", "https", host), {}, {}}, Clock::now() + 3s);
    ASSERT_FALSE(response) << host;
    EXPECT_EQ(response.error().code, "Http.TlsFailed") << host;
    EXPECT_NE(response.error().message.find("mismatch"), std::string::npos) << response.error().message;
  }
}

TEST_F(HttpClientTls, WithoutVerificationAnyCertificateIsAccepted) {
  auto server = tls_server(pki_->other);
  auto options = no_proxy_options();
  options.verify_peer = false;
  HttpClient client(options);
  auto response = client.send({"GET", url(*server, "/", "https", "127.0.0.1"), {}, {}}, Clock::now() + 3s);
  ASSERT_TRUE(response) << response.error().message;
}

TEST_F(HttpClientTls, AMissingCaFileIsATlsError) {
  auto server = tls_server(pki_->leaf);
  HttpClient client(options_with("no-such-ca.pem"));
  auto response = client.send({"GET", url(*server, "/", "https", "localhost"), {}, {}}, Clock::now() + 3s);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "Http.TlsFailed");
}

TEST_F(HttpClientTls, PlainHttpToATlsServerFails) {
  auto server = tls_server(pki_->leaf);
  HttpClient client(options_with("ca.pem"));
  auto response = client.send({"GET", url(*server, "/", "http", "localhost"), {}, {}}, Clock::now() + 2s);
  ASSERT_FALSE(response);
}

// A forwarding proxy: CONNECT opens a tunnel to 127.0.0.1; absolute-form requests are answered
// by the proxy itself, naming what it was asked for.
struct TestProxy {
  std::mutex mutex;
  std::vector<std::string> seen;  // "CONNECT localhost:1234", "GET http://..."
  const std::string required_authorization;
  std::unique_ptr<LocalServer> server;

  explicit TestProxy(std::string authorization = {}) : required_authorization(std::move(authorization)) {
    server = std::make_unique<LocalServer>([this](LocalServer::Socket& socket) {
      boost::beast::flat_buffer buffer;
      http::request_parser<http::empty_body> parser;
      boost::system::error_code ec;
      http::read_header(socket, buffer, parser, ec);
      if (ec) return;
      auto& request = parser.get();
      {
        std::lock_guard lock(mutex);
        seen.push_back(std::string(request.method_string()) + " " + std::string(request.target()));
      }
      if (!required_authorization.empty() && request[http::field::proxy_authorization] != required_authorization) {
        write_raw(socket, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      if (request.method() != http::verb::connect) {
        auto response = make_response(200, "proxied " + std::string(request.target()));
        response.keep_alive(false);
        http::write(socket, response, ec);
        return;
      }
      const std::string target(request.target());
      const auto port = static_cast<std::uint16_t>(std::stoi(target.substr(target.rfind(':') + 1)));
      LocalServer::Socket upstream(socket.get_executor());
      upstream.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
      if (ec) {
        write_raw(socket, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      write_raw(socket, "HTTP/1.1 200 Connection established\r\n\r\n");
      lift::testing_support::pipe_sockets(socket.native_handle(), upstream.native_handle());
    });
  }

  std::string address() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex);
    return seen;
  }
};

TEST_F(HttpClientTls, HttpsGoesThroughAConnectTunnel) {
  auto server = tls_server(pki_->leaf);
  TestProxy proxy;
  auto options = options_with("ca.pem");
  options.proxy = proxy.address();
  options.proxy_loopback = true;
  HttpClient client(options);
  for (int i = 0; i < 2; ++i) {
    auto response = client.send({"GET", url(*server, "/tunnelled", "https", "localhost"), {}, {}}, Clock::now() + 3s);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->body, "secure /tunnelled host=localhost:" + std::to_string(server->port()));
  }
  EXPECT_EQ(proxy.requests(), std::vector<std::string>{"CONNECT localhost:" + std::to_string(server->port())});
}

TEST_F(HttpClientTls, PlainHttpUsesTheAbsoluteFormWithProxyCredentials) {
  TestProxy proxy("Basic dXNlcjpzZWNyZXQ=");  // user:secret
  auto options = no_proxy_options();
  options.proxy = "http://user:secret@127.0.0.1:" + std::to_string(proxy.server->port());
  options.proxy_loopback = true;
  HttpClient client(options);
  auto response = client.send({"GET", "http://localhost:9/path?q=1", {}, {}}, Clock::now() + 3s);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, "proxied http://localhost:9/path?q=1");

  options.proxy = proxy.address();  // no credentials: refused
  HttpClient anonymous(options);
  auto refused = anonymous.send({"GET", "https://localhost:9/", {}, {}}, Clock::now() + 3s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "Http.ProxyFailed");
  EXPECT_NE(refused.error().message.find("407"), std::string::npos);
}

TEST_F(HttpClientTls, NoProxyAndLoopbackBypassTheProxy) {
  auto server = tls_server(pki_->leaf);
  TestProxy proxy;
  auto options = options_with("ca.pem");
  options.proxy = proxy.address();
  HttpClient loopback_direct(options);  // proxy_loopback is off by default
  ASSERT_TRUE(loopback_direct.send({"GET", url(*server, "/", "https", "localhost"), {}, {}}, Clock::now() + 3s));

  options.proxy_loopback = true;
  options.no_proxy = "example.com, .localhost,localhost:443";
  HttpClient listed(options);
  ASSERT_TRUE(listed.send({"GET", url(*server, "/", "https", "localhost"), {}, {}}, Clock::now() + 3s));
  options.no_proxy = "*";
  HttpClient all(options);
  ASSERT_TRUE(all.send({"GET", url(*server, "/", "https", "127.0.0.1"), {}, {}}, Clock::now() + 3s));
  EXPECT_TRUE(proxy.requests().empty());
}

TEST(HttpClientProxy, EnvironmentVariablesChooseTheProxy) {
  TestProxy proxy;
  ::setenv("HTTP_PROXY", proxy.address().c_str(), 1);
  ::setenv("NO_PROXY", "skip.example", 1);
  HttpClientOptions options;
  options.proxy_loopback = true;
  HttpClient client(options);
  ::unsetenv("HTTP_PROXY");
  ::unsetenv("NO_PROXY");
  auto response = client.send({"GET", "http://localhost:9/env", {}, {}}, Clock::now() + 3s);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, "proxied http://localhost:9/env");
  EXPECT_FALSE(client.send({"GET", "http://skip.example:9/", {}, {}}, Clock::now() + 1s));  // direct: no such host
  EXPECT_EQ(proxy.requests().size(), 1u);
}

}  // namespace
