#pragma once
// A scripted stand-in for the Runtime API, for unit tests of the runtime client: it answers
// each GET /next with the next scripted answer (well-formed or not), each POST with the next
// scripted post answer (accepting it once those are used up), and records what it received.
// Once the /next script is used up it hangs up on /next, so the runtime under test gives up
// and run() returns.

#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace lift::testing_support {

struct ScriptedAnswer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string raw;  // when set, these bytes are sent instead of an HTTP answer and the connection closed
  std::chrono::milliseconds delay{0};  // waits this long first (no invocation yet, or a frozen environment)
  bool hang_up = false;                // closes the kept-alive connection once the answer is sent
};

// How the fake answers one POST (/response, /error, /init/error, extension registration).
struct PostAnswer {
  int status = 202;                // an ordinary answer with this status...
  std::optional<std::string> raw;  // ...unless set: these bytes instead (empty: no answer at all)
  bool hang_up = false;            // then closes the connection; otherwise keeps reading from it
};
// Reads the request, then closes the connection without a word.
inline PostAnswer hang_up_after_reading() { return {202, std::string(), true}; }
// Reads the request and never answers (the connection stays open until the client leaves).
inline PostAnswer never_answer() { return {202, std::string(), false}; }
// An answer whose body is shorter than its Content-Length; the rest never comes.
inline PostAnswer short_answer() {
  return {202, std::string("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"sta"),
          false};
}

// An ordinary invocation: the three required headers plus `extra`.
inline ScriptedAnswer invocation(std::string request_id, std::string payload,
                                 std::vector<std::pair<std::string, std::string>> extra = {}) {
  ScriptedAnswer answer;
  answer.headers = {{"Lambda-Runtime-Aws-Request-Id", std::move(request_id)},
                    {"Lambda-Runtime-Deadline-Ms", "4102444800000"},
                    {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:test"}};
  for (auto& header : extra) answer.headers.push_back(std::move(header));
  answer.body = std::move(payload);
  return answer;
}

struct ReceivedRequest {
  int connection = 0;
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;
  bool chunked = false;

  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
        return v;
    }
    return {};
  }
};

class FakeRuntimeApi {
 public:
  explicit FakeRuntimeApi(std::vector<ScriptedAnswer> script, int post_status = 202)
      : script_(script.begin(), script.end()), post_status_(post_status) {
    namespace net = boost::asio;
    acceptor_.open(net::ip::tcp::v4());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~FakeRuntimeApi() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    boost::system::error_code ignored;
    // Closing does not wake a blocked accept(); shutting the listening socket down does.
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    accept_thread_.join();
    acceptor_.close(ignored);
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      for (auto& socket : sockets_) {
        if (socket->is_open()) socket->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      }
      threads.swap(connection_threads_);
    }
    for (auto& thread : threads) thread.join();
  }

  // The answers to the next POSTs, in order, before the default (`post_status`) applies again.
  void answer_posts(std::vector<PostAnswer> answers) {
    std::lock_guard lock(mutex_);
    post_script_.insert(post_script_.end(), answers.begin(), answers.end());
  }

  // Closes every open connection now, as a server that drops idle kept-alive connections does.
  void hang_up() {
    std::lock_guard lock(mutex_);
    boost::system::error_code ignored;
    for (auto& socket : sockets_) {
      if (socket->is_open()) socket->shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    }
  }

  [[nodiscard]] std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

  [[nodiscard]] std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  [[nodiscard]] std::vector<ReceivedRequest> requests_to(std::string_view suffix) const {
    std::vector<ReceivedRequest> matching;
    for (auto& r : requests()) {
      if (r.target.size() >= suffix.size() && r.target.compare(r.target.size() - suffix.size(), suffix.size(), suffix) == 0)
        matching.push_back(r);
    }
    return matching;
  }

 private:
  void accept_loop() {
    for (int id = 1;; ++id) {
      auto socket = std::make_shared<boost::asio::ip::tcp::socket>(acceptor_.get_executor());
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      std::lock_guard lock(mutex_);
      if (ec || stopping_) return;
      sockets_.push_back(socket);
      connection_threads_.emplace_back([this, socket, id] {
        serve(*socket, id);
        // Hang up for real: the socket object lives on in sockets_.
        std::lock_guard closing(mutex_);
        boost::system::error_code ignored;
        socket->close(ignored);
      });
    }
  }

  void serve(boost::asio::ip::tcp::socket& socket, int connection) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      boost::system::error_code ec;
      http::read(socket, buffer, parser, ec);
      if (ec) return;
      auto& request = parser.get();
      ReceivedRequest received{connection, std::string(request.method_string()), std::string(request.target()), {}, request.body(),
                               parser.chunked()};
      for (const auto& field : request) received.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));

      std::optional<ScriptedAnswer> answer;
      PostAnswer post{post_status_, std::nullopt, false};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(received);
        if (request.method() == http::verb::get && !script_.empty()) {
          answer = std::move(script_.front());
          script_.pop_front();
        } else if (request.method() != http::verb::get && !post_script_.empty()) {
          post = std::move(post_script_.front());
          post_script_.pop_front();
        }
      }
      if (request.method() == http::verb::get) {
        if (!answer) return;  // script used up: hang up
        if (answer->delay.count() > 0) std::this_thread::sleep_for(answer->delay);
        if (!answer->raw.empty()) {
          boost::asio::write(socket, boost::asio::buffer(answer->raw), ec);
          return;
        }
        http::response<http::string_body> response{static_cast<http::status>(answer->status), 11};
        for (auto& [name, value] : answer->headers) response.set(name, value);
        response.set(http::field::content_type, "application/json");
        response.body() = answer->body;
        response.prepare_payload();
        http::write(socket, response, ec);
        if (answer->hang_up) return;
      } else if (post.raw) {
        if (!post.raw->empty()) boost::asio::write(socket, boost::asio::buffer(*post.raw), ec);
        if (post.hang_up) return;
      } else {
        http::response<http::string_body> response{static_cast<http::status>(post.status), 11};
        response.set(http::field::content_type, "application/json");
        response.body() = post.status == 202 ? R"({"status":"OK"})" : R"({"errorMessage":"no","errorType":"Scripted"})";
        response.prepare_payload();
        http::write(socket, response, ec);
      }
      if (ec) return;
    }
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::deque<ScriptedAnswer> script_;
  int post_status_;
  std::deque<PostAnswer> post_script_;
  mutable std::mutex mutex_;
  bool stopping_ = false;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

}  // namespace lift::testing_support
