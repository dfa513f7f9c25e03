#include "lift/aws/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <vector>
#include <unordered_map>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include "lift/core/base64.hpp"
#include "lift/core/env.hpp"
#include "lift/core/text.hpp"

namespace lift::aws {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::string_view kUserAgent = "lift/0.1";

Error http_error(std::string_view code, std::string message, int status = 502) {
  return Error{std::string(code), std::move(message), status};
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool is_field_value(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

bool is_loopback(std::string_view host) {
  if (iequals(host, "localhost") || host == "::1") return true;
  error_code ec;
  const auto address = net::ip::make_address(std::string(host), ec);
  return !ec && address.is_loopback();
}

// NO_PROXY entries: "*", a host, or a domain (".example.com" and "example.com" both match
// the domain and its subdomains); an optional ":port" on an entry is ignored.
bool bypasses_proxy(std::string_view host, std::string_view no_proxy) {
  while (!no_proxy.empty()) {
    const auto comma = no_proxy.find(',');
    auto entry = no_proxy.substr(0, comma);
    no_proxy = comma == std::string_view::npos ? std::string_view() : no_proxy.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry == "*") return true;
    if (entry.empty()) continue;
    if (entry.front() != '[' && std::count(entry.begin(), entry.end(), ':') == 1) entry = entry.substr(0, entry.find(':'));
    if (entry.front() == '[' && entry.back() == ']') entry = entry.substr(1, entry.size() - 2);
    if (entry.front() == '.') entry.remove_prefix(1);
    if (iequals(host, entry)) return true;
    if (host.size() > entry.size() && host[host.size() - entry.size() - 1] == '.' &&
        iequals(host.substr(host.size() - entry.size()), entry))
      return true;
  }
  return false;
}

std::string first_env(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = env(name); value && !value->empty()) return std::string(*value);
  }
  return {};
}

struct Proxy {
  ParsedUrl url;
  std::string authorization;  // Proxy-Authorization value, or empty
};

Result<Proxy> parse_proxy(std::string text) {
  if (text.find("://") == std::string::npos) text = "http://" + text;
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return http_error(kHttpProxyFailed, "the proxy '" + text + "' is not a URL", 400);
  if (parsed->scheme_id() != boost::urls::scheme::http)
    return http_error(kHttpProxyFailed, "only http:// proxies are supported, not '" + text + "'", 400);
  auto url = parse_url(text);
  if (!url) return http_error(kHttpProxyFailed, "the proxy '" + text + "' is not a URL: " + url.error().message, 400);
  Proxy proxy{std::move(*url), {}};
  if (parsed->has_userinfo()) proxy.authorization = "Basic " + base64::encode(std::string(parsed->userinfo()));
  return proxy;
}

// One connection and the I/O context that drives it; used by one thread at a time.
struct Connection {
  net::io_context io{1};
  tcp::socket socket{io};
  std::unique_ptr<beast::ssl_stream<tcp::socket>> tls;
  beast::flat_buffer buffer;
  Clock::time_point idle_since{};

  tcp::socket& lowest() { return tls ? tls->next_layer() : socket; }

  void close() {
    error_code ignored;
    lowest().close(ignored);
  }

  // True when the server closed the idle connection (or sent something unasked).
  bool stale() {
    auto& s = lowest();
    if (!s.is_open()) return true;
    pollfd p{s.native_handle(), POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  // Runs what was started until `done` or `deadline`; at the deadline the socket is closed so
  // that the pending operations end, and false is returned.
  bool run_until(const bool& done, Clock::time_point deadline, tcp::resolver* resolver = nullptr) {
    io.restart();
    while (!done && io.run_one_until(deadline) > 0) {
    }
    if (done) return true;
    if (resolver != nullptr) resolver->cancel();
    close();
    io.restart();
    io.run();
    return false;
  }

  template <class F>
  auto with_stream(F&& f) {
    if (tls) return f(*tls);
    return f(socket);
  }
};

std::string endpoint_key(const ParsedUrl& url) {
  return (url.https ? "https://" : "http://") + url.host + ":" + std::to_string(url.port);
}

bool is_connection_loss(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == net::error::connection_aborted ||
         ec == net::ssl::error::stream_truncated || ec == net::error::operation_aborted;
}

}  // namespace

std::string_view HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  // Four decimal octets, the first 127: "127.0.0.1.example.com" is a name, not loopback.
  int octets = 0;
  for (std::string_view rest = host; octets < 4; ++octets) {
    const auto dot = rest.find('.');
    const auto part = rest.substr(0, dot);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || ec != std::errc{} || end != part.data() + part.size() || value > 255) return false;
    if (octets == 0 && value != 127) return false;
    if (dot == std::string_view::npos) return octets == 3;
    rest.remove_prefix(dot + 1);
  }
  return false;
}

bool is_local_endpoint(const ParsedUrl& url) { return !url.https && is_loopback_host(url.host); }

Result<ParsedUrl> parse_url(std::string_view text) {
  const auto invalid = [&](std::string why) {
    return http_error(kHttpInvalidUrl, "invalid URL '" + std::string(text.substr(0, 200)) + "': " + why, 400);
  };
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return invalid(parsed.error().message());
  ParsedUrl url;
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
    return invalid("the scheme must be http or https");
  url.https = scheme == boost::urls::scheme::https;
  if (!parsed->has_authority() || parsed->encoded_host().empty()) return invalid("no host");
  if (parsed->host_type() == boost::urls::host_type::ipvfuture) return invalid("unsupported address form");
  url.host = parsed->host_address();
  if (url.host.empty() || !is_field_value(url.host) || url.host.find_first_of(" /@") != std::string::npos)
    return invalid("bad host");
  const std::uint16_t default_port = url.https ? 443 : 80;
  url.port = default_port;
  if (parsed->has_port()) {
    const auto digits = parsed->port();
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535)
      return invalid("bad port");
    url.port = static_cast<std::uint16_t>(value);
  }
  url.authority = std::string(parsed->encoded_host());
  if (url.port != default_port) url.authority += ":" + std::to_string(url.port);
  url.target = std::string(parsed->encoded_path());
  if (url.target.empty()) url.target = "/";
  if (url.target.front() != '/') return invalid("the path must start with '/'");
  if (parsed->has_query()) url.target.append("?").append(parsed->encoded_query());
  return url;
}

struct HttpClient::Impl {
  HttpClientOptions options;
  std::optional<Proxy> https_proxy, http_proxy;
  std::optional<Error> proxy_error;
  std::string no_proxy;

  // The TLS context is made on first use: loading a CA bundle costs milliseconds, which a
  // function that never calls out over HTTPS should not pay at cold start.
  std::once_flag tls_once;
  std::optional<ssl::context> tls_context;
  std::optional<Error> tls_error;

  std::mutex pool_mutex;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  std::atomic<std::size_t> opened{0};

  explicit Impl(HttpClientOptions o) : options(std::move(o)) {
    const auto configure = [this](const std::string& text, std::optional<Proxy>& target) {
      if (text.empty()) return;
      auto proxy = parse_proxy(text);
      if (proxy) target = std::move(*proxy);
      else proxy_error = std::move(proxy).error();
    };
    if (options.proxy) {
      configure(*options.proxy, https_proxy);
      http_proxy = https_proxy;
    } else {
      configure(first_env({"HTTPS_PROXY", "https_proxy"}), https_proxy);
      configure(first_env({"HTTP_PROXY", "http_proxy"}), http_proxy);
    }
    no_proxy = options.no_proxy ? *options.no_proxy : first_env({"NO_PROXY", "no_proxy"});
  }

  const Proxy* proxy_for(const ParsedUrl& url) const {
    const auto& proxy = url.https ? https_proxy : http_proxy;
    if (!proxy) return nullptr;
    if (!options.proxy_loopback && is_loopback(url.host)) return nullptr;
    if (bypasses_proxy(url.host, no_proxy)) return nullptr;
    return &*proxy;
  }

  Result<ssl::context*> tls() {
    std::call_once(tls_once, [this] {
      ssl::context context(ssl::context::tls_client);
      context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      error_code ec;
      if (options.verify_peer) {
        context.set_verify_mode(ssl::verify_peer, ec);
        std::string file = options.ca_file.empty() ? first_env({"SSL_CERT_FILE"}) : options.ca_file;
        if (file.empty()) {
          for (const char* candidate : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"}) {
            if (std::filesystem::exists(candidate, ec)) {
              file = candidate;
              break;
            }
          }
        }
        if (file.empty()) context.set_default_verify_paths(ec);
        else context.load_verify_file(file, ec);
        if (ec) {
          tls_error = http_error(kHttpTlsFailed, "cannot load the CA bundle '" + file + "': " + ec.message());
          return;
        }
      } else {
        context.set_verify_mode(ssl::verify_none, ec);
      }
      tls_context.emplace(std::move(context));
    });
    if (tls_error) return *tls_error;
    return &*tls_context;
  }

  std::unique_ptr<Connection> take_idle(const std::string& key) {
    std::lock_guard lock(pool_mutex);
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    auto& list = it->second;
    const auto now = Clock::now();
    while (!list.empty()) {
      auto connection = std::move(list.back());
      list.pop_back();
      if (now - connection->idle_since < options.idle_timeout && !connection->stale()) return connection;
    }
    return nullptr;
  }

  void give_back(const std::string& key, std::unique_ptr<Connection> connection) {
    if (options.max_idle_per_endpoint == 0) return;
    connection->idle_since = Clock::now();
    std::lock_guard lock(pool_mutex);
    auto& list = idle[key];
    if (list.size() >= options.max_idle_per_endpoint) list.erase(list.begin());  // the oldest goes
    list.push_back(std::move(connection));
  }

  Result<std::unique_ptr<Connection>> connect(const ParsedUrl& url, const Proxy* proxy, Clock::time_point deadline) {
    const auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
    const auto timed_out = [&](std::string_view step) {
      return http_error(kHttpTimeout, std::string(step) + " " + url.authority + " did not finish in time", 504);
    };
    auto connection = std::make_unique<Connection>();
    const ParsedUrl& peer = proxy != nullptr ? proxy->url : url;
    const std::string where = proxy != nullptr ? "the proxy " + peer.authority : peer.authority;

    // Resolve (IP literals need no lookup), then connect to the first address that answers.
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    if (const auto address = net::ip::make_address(peer.host, ec); !ec) {
      endpoints.emplace_back(address, peer.port);
    } else {
      tcp::resolver resolver(connection->io);
      bool done = false;
      resolver.async_resolve(peer.host, std::to_string(peer.port), [&](const error_code& e, tcp::resolver::results_type results) {
        ec = e;
        for (const auto& entry : results) endpoints.push_back(entry.endpoint());
        done = true;
      });
      if (!connection->run_until(done, connect_deadline, &resolver)) return timed_out("resolving");
      if (ec) return http_error(kHttpConnectFailed, "cannot resolve " + peer.host + ": " + ec.message());
    }
    {
      bool done = false;
      net::async_connect(connection->socket, endpoints, [&](const error_code& e, const tcp::endpoint&) {
        ec = e;
        done = true;
      });
      if (!connection->run_until(done, connect_deadline)) return timed_out("connecting to");
      if (ec) return http_error(kHttpConnectFailed, "cannot connect to " + where + ": " + ec.message());
      connection->socket.set_option(tcp::no_delay(true), ec);  // small requests; Nagle would add latency
    }
    ++opened;

    if (proxy != nullptr && url.https) {
      if (auto tunnel = open_tunnel(*connection, url, *proxy, connect_deadline); !tunnel) return std::move(tunnel).error();
    }
    if (url.https) {
      auto context = tls();
      if (!context) return std::move(context).error();
      connection->tls = std::make_unique<beast::ssl_stream<tcp::socket>>(std::move(connection->socket), **context);
      SSL* handle = connection->tls->native_handle();
      X509_VERIFY_PARAM* param = SSL_get0_param(handle);
      net::ip::make_address(url.host, ec);
      const bool literal = !ec;
      if (literal) {
        X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
      } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(handle, url.host.c_str());
        SSL_set_tlsext_host_name(handle, url.host.c_str());  // SNI
      }
      bool done = false;
      connection->tls->async_handshake(ssl::stream_base::client, [&](const error_code& e) {
        ec = e;
        done = true;
      });
      if (!connection->run_until(done, connect_deadline)) return timed_out("the TLS handshake with");
      if (ec) {
        if (ec.category() != net::error::get_ssl_category() && ec != net::ssl::error::stream_truncated)
          return http_error(kHttpConnectFailed, "the connection to " + url.authority + " failed during the TLS handshake: " + ec.message());
        std::string why = ec.message();
        if (const long verify = SSL_get_verify_result(handle); verify != X509_V_OK)
          why = X509_verify_cert_error_string(verify);
        return http_error(kHttpTlsFailed, "TLS with " + url.authority + " failed: " + why);
      }
    }
    return connection;
  }

  // HTTP CONNECT through the proxy; afterwards the socket is a byte pipe to the target.
  Result<void> open_tunnel(Connection& connection, const ParsedUrl& url, const Proxy& proxy, Clock::time_point deadline) {
    const std::string authority = (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
                                  std::to_string(url.port);
    http::request<http::empty_body> request{http::verb::connect, authority, 11};
    request.set(http::field::host, authority);
    request.set(http::field::user_agent, kUserAgent);
    if (!proxy.authorization.empty()) request.set(http::field::proxy_authorization, proxy.authorization);
    error_code ec;
    bool done = false;
    http::async_write(connection.socket, request, [&](const error_code& e, std::size_t) {
      ec = e;
      done = true;
    });
    const auto timeout = [&] { return http_error(kHttpTimeout, "the proxy tunnel to " + authority + " did not open in time", 504); };
    if (!connection.run_until(done, deadline)) return timeout();
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a CONNECT answer has no body, whatever its headers say
    parser.header_limit(kMaxHeaderBytes);
    if (!ec) {
      done = false;
      http::async_read_header(connection.socket, connection.buffer, parser, [&](const error_code& e, std::size_t) {
        ec = e;
        done = true;
      });
      if (!connection.run_until(done, deadline)) return timeout();
    }
    if (ec) return http_error(kHttpProxyFailed, "the proxy " + proxy.url.authority + " failed to open a tunnel: " + ec.message());
    const unsigned status = parser.get().result_int();
    if (status < 200 || status >= 300)
      return http_error(kHttpProxyFailed, "the proxy " + proxy.url.authority + " refused the tunnel to " + authority +
                                              " with HTTP " + std::to_string(status));
    if (connection.buffer.size() != 0)
      return http_error(kHttpProxyFailed, "the proxy sent data before the tunnel was used");
    return ok();
  }

  Result<HttpResponse> send(const HttpRequest& request, Clock::time_point deadline, const BodySink* sink = nullptr,
                            const BodySource* source = nullptr, std::uint64_t content_length = 0) {
    auto url = parse_url(request.url);
    if (!url) return std::move(url).error();
    if (!is_token(request.method)) return http_error(kHttpInvalidRequest, "invalid HTTP method '" + request.method.substr(0, 40) + "'", 400);
    if (proxy_error) return *proxy_error;
    const Proxy* proxy = proxy_for(*url);

    http::request<http::string_body> message;
    message.version(11);
    message.method_string(request.method);
    message.target(proxy != nullptr && !url->https ? "http://" + url->authority + url->target : url->target);
    bool has_host = false, has_agent = false;
    for (const auto& [name, value] : request.headers) {
      if (!is_token(name) || !is_field_value(value))
        return http_error(kHttpInvalidRequest, "invalid header '" + name.substr(0, 60) + "'", 400);
      has_host = has_host || iequals(name, "host");
      has_agent = has_agent || iequals(name, "user-agent");
      message.insert(name, value);
    }
    if (!has_host) message.set(http::field::host, url->authority);
    if (!has_agent) message.set(http::field::user_agent, kUserAgent);
    if (proxy != nullptr && !url->https && !proxy->authorization.empty())
      message.set(http::field::proxy_authorization, proxy->authorization);
    if (source == nullptr) {
      message.body() = request.body;
      message.prepare_payload();
    } else {
      message.content_length(content_length);
    }
    const bool head = iequals(request.method, "HEAD");
    // The streamed body: the header part of `message` with a body written piece by piece.
    std::optional<http::request<http::buffer_body>> streamed;
    if (source != nullptr) streamed.emplace(std::move(message.base()));
    std::uint64_t taken = 0;  // bytes the source has given: past the first, nothing is sent again
    const std::string key = endpoint_key(*url);

    for (int attempt = 0;; ++attempt) {
      if (Clock::now() >= deadline) return http_error(kHttpTimeout, "the deadline passed before " + url->authority + " answered", 504);
      auto connection = take_idle(key);
      const bool reused = connection != nullptr;
      if (!reused) {
        auto fresh = connect(*url, proxy, deadline);
        if (!fresh) return std::move(fresh).error();
        connection = std::move(*fresh);
      }
      const auto timeout = [&] { return http_error(kHttpTimeout, url->authority + " did not answer in time", 504); };

      error_code ec;
      bool done = false;
      if (streamed) {
        auto written = write_streamed(*connection, *streamed, *source, content_length, taken, deadline);
        if (!written) return std::move(written).error();
        ec = *written;
      } else {
        connection->with_stream([&](auto& stream) {
          http::async_write(stream, message, [&](const error_code& e, std::size_t) {
            ec = e;
            done = true;
          });
        });
        if (!connection->run_until(done, deadline)) return timeout();
      }
      // Writing to a connection the server closed while idle; nothing was sent to a live peer.
      if (ec && reused && attempt == 0 && taken == 0) continue;
      if (ec == net::error::timed_out) return timeout();
      if (ec) return http_error(kHttpConnectionLost, "sending to " + url->authority + " failed: " + ec.message());

      const auto read_failure = [&](const error_code& e, std::size_t limit) {
        if (e == http::error::body_limit || e == http::error::header_limit || e == http::error::buffer_overflow)
          return http_error(kHttpResponseTooLarge, "the answer of " + url->authority + " is larger than " +
                                                       std::to_string(e == http::error::body_limit ? limit : kMaxHeaderBytes) + " bytes");
        if (is_connection_loss(e))
          return http_error(kHttpConnectionLost, "the connection to " + url->authority + " was lost: " + e.message());
        return http_error(kHttpMalformedResponse, url->authority + " sent a malformed HTTP answer: " + e.message());
      };
      if (sink != nullptr) {
        auto streamed = read_streaming(*connection, *url, head, deadline, *sink, read_failure);
        if (!streamed && streamed.error().code == kRetryOnFreshConnection) {
          if (reused && attempt == 0) continue;
          return read_failure(boost::asio::error::connection_reset, 0);
        }
        if (streamed && streamed->second) give_back(key, std::move(connection));
        if (!streamed) return std::move(streamed).error();
        return std::move(streamed->first);
      }

      http::response_parser<http::string_body> parser;
      parser.header_limit(kMaxHeaderBytes);
      parser.body_limit(options.max_response_bytes);
      if (head) parser.skip(true);
      done = false;
      connection->with_stream([&](auto& stream) {
        http::async_read(stream, connection->buffer, parser, [&](const error_code& e, std::size_t) {
          ec = e;
          done = true;
        });
      });
      if (!connection->run_until(done, deadline)) return timeout();
      if (ec) {
        if (reused && attempt == 0 && !parser.got_some() && is_connection_loss(ec)) continue;
        return read_failure(ec, options.max_response_bytes);
      }

      auto& answer = parser.get();
      HttpResponse response;
      response.status = static_cast<int>(answer.result_int());
      response.headers.reserve(static_cast<std::size_t>(std::distance(answer.begin(), answer.end())));
      for (const auto& field : answer) response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      const bool reusable = parser.keep_alive() && connection->buffer.size() == 0;
      response.body = std::move(answer.body());
      if (reusable) give_back(key, std::move(connection));
      return response;
    }
  }

  // Writes `message`'s header, then the body `source` produces, piece by piece (at most 64 KiB
  // held), and checks that it is exactly `content_length` bytes. The source's own error, or a
  // body of another length, ends the exchange (the caller drops the connection, so the server
  // never sees a complete request); a transport failure is returned as an error_code
  // (net::error::timed_out past the deadline). `taken` counts the bytes the source gave.
  Result<error_code> write_streamed(Connection& connection, http::request<http::buffer_body>& message, const BodySource& source,
                                    std::uint64_t content_length, std::uint64_t& taken, Clock::time_point deadline) {
    http::request_serializer<http::buffer_body> serializer{message};
    error_code ec;
    bool done = false;
    const auto run = [&](auto&& start) -> bool {
      ec = {};
      done = false;
      connection.with_stream(start);
      if (!connection.run_until(done, deadline)) {
        ec = net::error::timed_out;
        return false;
      }
      if (ec == http::error::need_buffer) ec = {};  // the piece is written; the serializer wants the next
      return !ec;
    };
    const auto finished = [&](const error_code& e, std::size_t) {
      ec = e;
      done = true;
    };
    message.body().data = nullptr;
    message.body().size = 0;
    message.body().more = true;
    if (!run([&](auto& stream) { http::async_write_header(stream, serializer, finished); })) return ec;
    std::vector<char> buffer(64 * 1024);
    for (;;) {
      auto produced = source(std::span<char>(buffer));
      if (!produced) return std::move(produced).error();
      const std::size_t size = std::min(*produced, buffer.size());
      if (size == 0) break;
      taken += size;
      if (taken > content_length)
        return http_error(kHttpInvalidRequest, "the body source gave more than the " + std::to_string(content_length) + " bytes announced", 400);
      message.body().data = buffer.data();
      message.body().size = size;
      message.body().more = true;
      if (!run([&](auto& stream) { http::async_write(stream, serializer, finished); })) return ec;
    }
    if (taken != content_length)
      return http_error(kHttpInvalidRequest, "the body source ended after " + std::to_string(taken) + " of the " +
                                                 std::to_string(content_length) + " bytes announced", 400);
    message.body().data = nullptr;
    message.body().size = 0;
    message.body().more = false;
    run([&](auto& stream) { http::async_write(stream, serializer, finished); });
    return ec;
  }

  // Marks a read that failed before any byte of the answer arrived on a reused connection.
  static constexpr std::string_view kRetryOnFreshConnection = "Http.RetryOnFreshConnection";

  // Reads an answer whose 2xx body goes to `sink` piece by piece (no size limit: the sink holds
  // what it wants), any other body into the response (bounded by max_response_bytes). Returns
  // the response and whether the connection can be reused.
  template <class ReadFailure>
  Result<std::pair<HttpResponse, bool>> read_streaming(Connection& connection, const ParsedUrl& url, bool head, Clock::time_point deadline,
                                                       const BodySink& sink, const ReadFailure& read_failure) {
    constexpr std::size_t kPiece = 64 * 1024;
    const auto timeout = [&] { return http_error(kHttpTimeout, url.authority + " did not answer in time", 504); };
    http::response_parser<http::buffer_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(boost::none);
    if (head) parser.skip(true);
    error_code ec;
    bool done = false;
    connection.with_stream([&](auto& stream) {
      http::async_read_header(stream, connection.buffer, parser, [&](const error_code& e, std::size_t) {
        ec = e;
        done = true;
      });
    });
    if (!connection.run_until(done, deadline)) return timeout();
    if (ec) {
      if (!parser.got_some() && is_connection_loss(ec)) return Error{std::string(kRetryOnFreshConnection), "", 0};
      return read_failure(ec, options.max_response_bytes);
    }
    HttpResponse response;
    response.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    const bool to_sink = response.status >= 200 && response.status < 300;
    std::vector<char> piece(kPiece);
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      done = false;
      connection.with_stream([&](auto& stream) {
        http::async_read(stream, connection.buffer, parser, [&](const error_code& e, std::size_t) {
          ec = e;
          done = true;
        });
      });
      if (!connection.run_until(done, deadline)) return timeout();
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return read_failure(ec, options.max_response_bytes);
      const std::string_view got(piece.data(), piece.size() - parser.get().body().size);
      if (to_sink) {
        if (auto taken = sink(got); !taken) return std::move(taken).error();  // the connection is dropped mid-body
      } else {
        if (response.body.size() + got.size() > options.max_response_bytes) return read_failure(http::error::body_limit, options.max_response_bytes);
        response.body.append(got);
      }
    }
    const bool reusable = parser.keep_alive() && connection.buffer.size() == 0;
    return std::pair<HttpResponse, bool>{std::move(response), reusable};
  }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::send(const HttpRequest& request, std::chrono::steady_clock::time_point deadline) {
  return impl_->send(request, deadline);
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request, std::chrono::steady_clock::time_point deadline, const BodySink& sink) {
  return impl_->send(request, deadline, &sink);
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request, std::uint64_t content_length, const BodySource& source,
                                      std::chrono::steady_clock::time_point deadline) {
  return impl_->send(request, deadline, nullptr, &source, content_length);
}

std::size_t HttpClient::connections_opened() const { return impl_->opened.load(); }

const std::shared_ptr<CallObserver>& HttpClient::observer() const noexcept { return impl_->options.observer; }

const std::function<Result<void>(const CallInfo&)>& HttpClient::before_attempt() const noexcept {
  return impl_->options.before_attempt;
}

}  // namespace lift::aws
