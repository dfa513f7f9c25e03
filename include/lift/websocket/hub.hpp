#pragma once
// A WebSocket API's connections managed for the app: stored on $connect (authenticated when a
// JWT verifier is given), removed on $disconnect, restored on every message (the principal back
// in ctx without a token per message), and messages sent to a connection, a user, a tenant, a
// room or everyone through the Management API.
//
//   LIFT_TRY(hub, lift::websocket::Hub::create(lift::dynamodb(), {.store = {.table = "chat"},
//                                                                   .verifier = verifier}));
//   hub->mount(app);                                   // $connect, $disconnect, the message middleware
//   app.websocket("sendmessage", [hub](lift::Context& ctx) -> lift::Result<void> {
//     const auto* me = lift::websocket::Hub::connection_of(ctx);
//     LIFT_TRY(report, hub->to_room(ctx, *me->rooms.begin(), R"({"text":"hi"})"));
//     return {};
//   });
//
// $connect. The token is read from, in order, the Authorization header (Bearer), the
// Sec-WebSocket-Protocol header (browsers cannot set headers on a WebSocket: `new
// WebSocket(url, ["access_token", jwt])`; the answer then selects the other protocol offered,
// or the token itself when it was the only one, as browsers require one of theirs back) and the
// `token` query parameter. With a verifier, a connection without a valid token is refused with
// 401 (403 when on_connect refuses it with 403), so the client's upgrade fails and nothing is
// stored; without one, connections are anonymous. on_connect may add rooms and metadata, or
// refuse with an error of its own.
//
// Messages (every route but $connect and $disconnect). The connection is read back from the
// store (one UpdateItem that also records last_seen) and its principal set for
// lift::mw::principal_of(ctx); a connection the store does not know is answered
// WebSocket.UnknownConnection. A per-connection rate limit refuses messages over it with
// WebSocket.RateLimited. An error a route returns is sent to the sender alone as the one error
// body ({"error":{"code","message","request_id"}}), logged, and the invocation succeeds: the
// connection is kept (API Gateway would otherwise answer the client an internal error).
//
// Sending. Messages over kMaxMessageBytes are WebSocket.MessageTooLarge before any call. A
// broadcast posts with at most send_concurrency posts at once and stops starting posts at the
// invocation's deadline (less a margin). A 410 Gone removes the connection from the store and is
// counted in SendReport::gone: it is no failure of the send. Other failures are listed (and
// logged, one line each).
//
// Metrics (EMF, when `metrics` is given): WebSocketConnectionsOpened, WebSocketConnectionsClosed,
// WebSocketConnectionsRefused, WebSocketMessagesIn, WebSocketMessagesOut, WebSocketGone,
// WebSocketRateLimited (Count).
//
// Thread safety: a Hub is immutable once created (its store, poster and limiter are
// thread-safe); share one across every worker of lift::run(app) (AWS_LAMBDA_MAX_CONCURRENCY > 1).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/app/app.hpp"
#include "lift/app/context.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/core/result.hpp"
#include "lift/observability/metrics.hpp"
#include "lift/ratelimit/limiter.hpp"
#include "lift/security/principal.hpp"
#include "lift/security/verifier.hpp"
#include "lift/websocket/poster.hpp"
#include "lift/websocket/store.hpp"

namespace lift::websocket {

struct HubOptions {
  StoreOptions store{};
  // Null: anonymous connections (Connection::user empty).
  std::shared_ptr<const security::JwtVerifier> verifier{};
  security::PrincipalOptions principal{};
  // The query parameter that may carry the token.
  std::string token_parameter = "token";
  // Called on $connect once the caller is known, before the connection is stored: may add rooms
  // and metadata, or refuse it by returning an error (its status, 401 or 403, goes to the client).
  std::function<Result<void>(Context&, Connection&)> on_connect{};
  // Called on $disconnect before the connection is removed (the stored connection; null when the
  // store did not know it).
  std::function<void(Context&, const Connection*)> on_disconnect{};
  // Messages a connection may send per period; unset: no limit.
  std::optional<ratelimit::Limit> message_limit{};
  // Counts message_limit. Null with a limit: a token bucket in this environment's memory (a
  // ratelimit::DynamoDbLimiter counts across environments).
  std::shared_ptr<ratelimit::Limiter> limiter{};
  // Posts in flight at once during one broadcast (at least 1).
  std::size_t send_concurrency = 16;
  // Null: the Management API (ManagementApiPoster).
  std::shared_ptr<ConnectionPoster> poster{};
  // The management endpoint for sends outside a WebSocket event (an SQS handler pushing to
  // users); empty: the event's "https://{domainName}/{stage}".
  std::string endpoint{};
  // Where the metrics go; null: none.
  observability::Metrics* metrics = nullptr;
};

// What a send did.
struct SendReport {
  std::size_t sent = 0;  // posts the Management API accepted
  std::size_t gone = 0;  // connections that were gone (removed from the store)
  std::vector<std::pair<std::string, Error>> failed{};  // other failures, by connection id
};

class Hub {
 public:
  // StoreInvalid for bad store options, InvalidConfiguration for a message_limit ratelimit
  // refuses or a send_concurrency of 0. `db` must outlive the hub.
  static Result<std::shared_ptr<Hub>> create(aws::DynamoDbClient& db, HubOptions options = {});

  // Registers $connect and $disconnect and the message middleware on `app` (which keeps the hub
  // alive). Register the app's own WebSocket routes after it.
  static void mount(const std::shared_ptr<Hub>& hub, App& app);

  // The sender of the message being handled (restored by the middleware); null elsewhere.
  static const Connection* connection_of(const Context& ctx) noexcept;

  // To the sender of the message being handled.
  Result<void> reply(const Context& ctx, std::string_view data) const;
  // The sender's error, as the one error body.
  Result<void> reply_error(const Context& ctx, const Error& error) const;

  Result<SendReport> send(const Context& ctx, std::string_view connection_id, std::string_view data) const;
  Result<SendReport> to_user(const Context& ctx, std::string_view user, std::string_view data) const;
  Result<SendReport> to_tenant(const Context& ctx, std::string_view tenant, std::string_view data) const;
  Result<SendReport> to_room(const Context& ctx, std::string_view room, std::string_view data) const;
  Result<SendReport> to_all(const Context& ctx, std::string_view data) const;
  // Sends to the given connections (what the others do once they have the ids).
  Result<SendReport> to_connections(const Context& ctx, std::vector<std::string> ids, std::string_view data) const;

  // The sender joins or leaves a room (the stored connection and ctx's copy both change).
  Result<void> join(Context& ctx, std::string_view room) const;
  Result<void> leave(Context& ctx, std::string_view room) const;
  // Closes a connection (the Management API's DELETE) and removes it from the store.
  Result<void> disconnect(const Context& ctx, std::string_view connection_id) const;

  [[nodiscard]] const ConnectionStore& store() const noexcept { return store_; }
  [[nodiscard]] const HubOptions& options() const noexcept { return options_; }

  Hub(ConnectionStore store, HubOptions options);

 private:
  Result<void> on_connect(Context& ctx) const;
  void on_disconnect(Context& ctx) const;
  Result<void> on_message(Context& ctx, const Next& next) const;
  void count(std::string_view metric, std::size_t n = 1) const;

  ConnectionStore store_;
  HubOptions options_;
};

// The token of a $connect request: Authorization (Bearer), Sec-WebSocket-Protocol (the value
// that looks like a JWT), then the query parameter `parameter`; `protocol` is what the answer's
// Sec-WebSocket-Protocol must select (empty when the token did not come that way). Errors:
// security's no_token (401) when none is present, malformed for an Authorization header that is
// not Bearer.
struct ConnectToken {
  std::string token;
  std::string protocol{};
};
Result<ConnectToken> connect_token(const http::Request& request, std::string_view parameter = "token");

}  // namespace lift::websocket
