#pragma once
// A synchronous HTTP/1.1 client for AWS endpoints: HTTPS with peer and host-name verification,
// kept-alive connections pooled per (scheme, host, port), HTTP proxies (CONNECT tunnels for
// https), a response size limit, and every exchange bounded by a deadline.
//
//   lift::aws::HttpClient client;
//   auto response = client.send({"GET", "https://example.com/", {}, {}},
//                               std::chrono::steady_clock::now() + std::chrono::seconds(2));
//   if (response && response->status == 200) std::cout << response->body;

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/aws/call_observer.hpp"
#include "lift/core/failure_kind.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// A request addressed by URL ("http://" or "https://"). Host, Content-Length and User-Agent
// are added when absent.
struct HttpRequest {
  std::string method{};
  std::string url{};
  std::vector<std::pair<std::string, std::string>> headers{};  // in order, duplicates allowed
  std::string body{};
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};

  // The first header of that name (case-insensitive), or an empty view.
  [[nodiscard]] std::string_view header(std::string_view name) const;
};

struct HttpClientOptions {
  // Bounds connecting (resolve, TCP, proxy tunnel, TLS handshake) within the request's deadline.
  std::chrono::milliseconds connect_timeout{3000};
  std::size_t max_response_bytes = 16 * 1024 * 1024;  // body; headers are limited to 64 KiB
  std::size_t max_idle_per_endpoint = 8;
  std::chrono::seconds idle_timeout{50};  // shorter than the usual 60 s server-side keep-alive
  // CA bundle; empty: SSL_CERT_FILE, then /etc/ssl/certs/ca-certificates.crt (Debian), then
  // /etc/pki/tls/certs/ca-bundle.crt (Amazon Linux 2023), then OpenSSL's default paths.
  std::string ca_file{};
  // "http://[user:password@]host:port" for every request; "" for none; unset: HTTPS_PROXY /
  // HTTP_PROXY (by the request's scheme), lower-case names too.
  std::optional<std::string> proxy{};
  // Comma-separated hosts or domain suffixes that bypass the proxy, "*" for all; unset: NO_PROXY.
  std::optional<std::string> no_proxy{};
  // Loopback hosts (localhost, 127.0.0.0/8, ::1) never use a proxy unless this is set.
  bool proxy_loopback = false;
  bool verify_peer = true;
  // Sees every service call made through this client (see call_observer.hpp); null: none.
  std::shared_ptr<CallObserver> observer{};
  // Runs before each attempt of every service call made through this client (each retry too),
  // on the caller's thread: an error it returns is that attempt's failure, classified and
  // retried as if the service had answered it; it may also delay the attempt. For fault
  // injection, e.g. over a lift::resilience::FaultPlan:
  //   [plan](const CallInfo& call) { return plan.apply(plan.decide_for_dependency(call.service)); }
  // Empty: none.
  std::function<Result<void>(const CallInfo&)> before_attempt{};
};

// Transport failures of HttpClient::send, by Error::code. Whether the retry policy may try
// again is answered by lift::classify_error() (lift/core/failure_kind.hpp), which holds the
// retryable ones.
using lift::kHttpTimeout;         // retryable
using lift::kHttpConnectFailed;   // retryable
using lift::kHttpConnectionLost;  // retryable
inline constexpr std::string_view kHttpTlsFailed = "Http.TlsFailed";                // not retryable
inline constexpr std::string_view kHttpResponseTooLarge = "Http.ResponseTooLarge";  // not retryable
inline constexpr std::string_view kHttpMalformedResponse = "Http.MalformedResponse";  // not retryable
inline constexpr std::string_view kHttpInvalidUrl = "Http.InvalidUrl";              // not retryable
inline constexpr std::string_view kHttpInvalidRequest = "Http.InvalidRequest";      // not retryable (bad method or header)
inline constexpr std::string_view kHttpProxyFailed = "Http.ProxyFailed";            // not retryable

// Thread safety: thread-safe; concurrent sends use separate connections of the keep-alive pool.
// One per process, shared by every worker of lift::run(app), is typical.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The whole exchange (resolve, connect, TLS, write, read) ends by `deadline`. Any HTTP status
  // is a successful exchange; errors are the transport failures above. A pooled connection that
  // the server closed is replaced and the request sent again once, when nothing was received.
  Result<HttpResponse> send(const HttpRequest& request, std::chrono::steady_clock::time_point deadline);

  // Receives a body piece by piece (pieces of at most 64 KiB); an error it returns ends the
  // exchange (the connection is closed) and is what send returns.
  using BodySink = std::function<Result<void>(std::string_view piece)>;
  // As send, but a 2xx answer's body goes to `sink` as it arrives, with no size limit (the
  // response's body stays empty), so a large download never sits in memory whole; any other
  // answer's body is read into the response as send reads it, up to max_response_bytes.
  Result<HttpResponse> send(const HttpRequest& request, std::chrono::steady_clock::time_point deadline, const BodySink& sink);

  // Produces a request body piece by piece: fills the start of `buffer` and returns how many
  // bytes it wrote, 0 at the end. An error it returns ends the exchange (the connection is
  // closed, so the server never sees a whole request) and is what send returns.
  using BodySource = std::function<Result<std::size_t>(std::span<char> buffer)>;
  // As send, but the body (request.body is ignored) is the `content_length` bytes `source`
  // produces, written as they come (at most 64 KiB held), so a large upload never sits in
  // memory whole. A source that ends early or gives more is Http.InvalidRequest (nothing
  // complete was sent). A pooled connection found closed is replaced only before the source
  // gave its first byte.
  Result<HttpResponse> send(const HttpRequest& request, std::uint64_t content_length, const BodySource& source,
                            std::chrono::steady_clock::time_point deadline);

  // The observer given in the options, or null.
  [[nodiscard]] const std::shared_ptr<CallObserver>& observer() const noexcept;
  // The before_attempt hook given in the options, or an empty function.
  [[nodiscard]] const std::function<Result<void>(const CallInfo&)>& before_attempt() const noexcept;

  // Connections opened so far (reused ones are not counted again); for diagnostics and tests.
  [[nodiscard]] std::size_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The parts of an http(s) URL that the client needs.
struct ParsedUrl {
  bool https = false;
  std::string host{};       // without IPv6 brackets
  std::uint16_t port = 0;   // defaulted from the scheme
  std::string authority{};  // the Host header: host, with ":port" unless it is the scheme's default
  std::string target{};     // path (at least "/") and query, as on the request line
};
// Errors: code "Http.InvalidUrl", status 400.
Result<ParsedUrl> parse_url(std::string_view url);

// "localhost", "::1" (brackets allowed) or an IPv4 literal in 127.0.0.0/8; "127.0.0.1.example.com"
// is a name, not loopback.
[[nodiscard]] bool is_loopback_host(std::string_view host);
// A loopback http endpoint: a local emulator (any signature is accepted; tables are safe to create).
[[nodiscard]] bool is_local_endpoint(const ParsedUrl& url);

}  // namespace lift::aws
