#pragma once
// A local API Gateway in front of the Runtime API emulator (what `lift dev` serves): real
// HTTP/1.1 with keep-alive on 127.0.0.1, each request handed to the function as an HTTP API
// (payload 2.0) or REST API (payload 1.0) event and its answer read back as API Gateway reads
// it; a WebSocket API on the same port (ws://HOST:PORT/) with the Management API
// (`/@connections/{id}`) served locally; the function restarted when its executable changes.
//
//   lift::local::ApiGatewayEmulator gateway({.function = {.command = {"build/bin/examples/hello"}}});
//   if (auto started = gateway.start(); !started) return fail(started.error());
//   std::cout << gateway.url() << '\n';   // http://127.0.0.1:PORT
//
// A streamed answer in the HTTP-integration format (a Function URL's or a streaming REST API's)
// is passed on as it comes: the prelude as the status line and headers, each piece as a chunk;
// when the function fails after that, the connection is cut before the last chunk (as a
// Function URL does) and a line says why.
// Like API Gateway: a request body over 10 MB is answered 413 without invoking; an answer over
// 6 MB, a crash or an answer that cannot be read is 502 {"message":"Internal Server Error"}
// (with a log line saying why; the next request starts the function again); a timeout is 504;
// a request that is not HTTP/1.1 is 400 (431 for a header block over 64 KB), with a log line.
// On a specific address (127.0.0.1 by default) only requests whose Host names it, localhost,
// 127.0.0.1 or [::1] are served (403 otherwise: a web page could reach the API by DNS
// rebinding); on 0.0.0.0 or :: every name is. Everything a client can make it hold is bounded:
// open connections, request bodies held at once (a body that does not fit waits), messages
// waiting for a WebSocket client that does not read (429 LimitExceededException past that).
// WebSocket routes: $connect on the upgrade (a non-2xx answer refuses the handshake: a 4xx with its status, anything else with 403),
// `$request.body.action` selects the route of a message, $disconnect on close. The emulator
// is not told which routes the function has unless `websocket_routes` lists them; without the
// list an answer 404 means "no such route": a 404 to $connect accepts the connection (as API
// Gateway does without a $connect route) and a message routed to its action is handed to
// $default instead.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lift/core/result.hpp"
#include "lift/local/runtime_emulator.hpp"

namespace lift::local {

enum class ApiFlavor {
  http,  // HTTP API, payload format 2.0
  rest,  // REST API, payload format 1.0
};

struct ApiGatewayConfig {
  // The function behind the API. Its environment also gets
  // LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT=http://HOST:PORT (unless it sets that itself).
  FunctionConfig function{};
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: an ephemeral port (see port())
  ApiFlavor api = ApiFlavor::http;
  // Empty: "$default" for an HTTP API, "dev" for a REST API; WebSocket events use "dev" then.
  std::string stage{};
  std::string api_id = "1234567890";
  std::size_t max_request_bytes = 10 * 1024 * 1024;  // API Gateway's payload limit
  std::size_t max_response_bytes = 6 * 1024 * 1024;  // Lambda's buffered response limit
  // Connections open at once (HTTP and WebSocket), fewer when the process may open fewer
  // descriptors. At the limit, the connection that has waited longest for a request is closed
  // to make room; with none waiting, new connections wait in the listen backlog.
  std::size_t max_connections = 1000;
  // Request bytes held at once, from the body's first byte until its answer is written (0: twice
  // max_request_bytes). A body whose Content-Length does not fit waits for room; a chunked body
  // that does not fit is answered 429.
  std::size_t max_request_bytes_in_flight = 0;
  // Management API messages waiting for one WebSocket client (one that does not read); a post
  // past it is answered 429 LimitExceededException, as API Gateway answers for a full client.
  std::size_t max_websocket_backlog_bytes = 1024 * 1024;
  // Polls function.command[0] (mtime and size) and restarts the function once a change has
  // held still for one interval.
  bool watch = true;
  std::chrono::milliseconds watch_interval{300};
  // The WebSocket API's custom route keys; empty: unknown (see above).
  std::vector<std::string> websocket_routes{};
  // Receives the access log (one line per request or WebSocket event), notices and, with
  // pretty_logs, the function's output. Called from the server's threads, one line at a time.
  // Empty: lines go to stderr.
  std::function<void(std::string_view line)> log{};
  bool color = false;  // ANSI colors in the access log
  // Collects the function's output per invocation and shows JSON log lines as "LEVEL message";
  // otherwise the output passes straight through to stderr as it is written.
  bool pretty_logs = false;
};

// Thread safety: start() and stop() from one thread; requests are served concurrently, up to
// FunctionConfig::concurrency at once in the function (the rest wait in the emulator's queue).
class ApiGatewayEmulator {
 public:
  explicit ApiGatewayEmulator(ApiGatewayConfig config);
  ~ApiGatewayEmulator();  // stop()
  ApiGatewayEmulator(const ApiGatewayEmulator&) = delete;
  ApiGatewayEmulator& operator=(const ApiGatewayEmulator&) = delete;

  // Listens, starts the function and serves on background threads. Fails when the address
  // cannot be bound or the function cannot be started.
  Result<void> start();
  // Stops serving (open connections are closed) and stops the function. Idempotent.
  void stop();

  // The port listened on (the ephemeral one when the config said 0); 0 before start().
  [[nodiscard]] unsigned short port() const;
  // "http://HOST:PORT"
  [[nodiscard]] std::string url() const;
  // The Runtime API emulator behind the gateway (null before start()).
  [[nodiscard]] RuntimeEmulator* runtime();
  // WebSocket connections open right now.
  [[nodiscard]] std::size_t websocket_connections() const;
  // Connections (HTTP and WebSocket) open right now.
  [[nodiscard]] std::size_t open_connections() const;
  // Request bytes held right now (bodies read or being read, not yet answered).
  [[nodiscard]] std::size_t request_bytes_held() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lift::local
