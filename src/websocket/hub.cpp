#include "lift/websocket/hub.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include <boost/json.hpp>

#include "lift/app/database.hpp"
#include "lift/app/errors.hpp"
#include "lift/aws/apigateway_management.hpp"
#include "lift/core/log_line.hpp"
#include "lift/middleware/auth.hpp"
#include "lift/ratelimit/token_bucket.hpp"
#include "lift/resilience/errors.hpp"
#include "lift/security/errors.hpp"
#include "lift/security/token.hpp"

namespace lift::websocket {

namespace {

// The key of the restored connection among the context's values.
constexpr std::string_view kConnectionKey = "lift.websocket.connection";

Deadline deadline_of(const Context& ctx) {
  return lift::detail::request_deadline(ctx).value_or(std::chrono::steady_clock::now() + std::chrono::seconds(10));
}

// The management endpoint of the event being handled: "https://{domainName}/{stage}".
std::string event_endpoint(const Context& ctx) {
  if (ctx.request().websocket() == nullptr) return {};
  const auto* event = ctx.event().if_object();
  const auto* context = event != nullptr ? event->if_contains("requestContext") : nullptr;
  const auto* fields = context != nullptr ? context->if_object() : nullptr;
  if (fields == nullptr) return {};
  const auto* domain = fields->if_contains("domainName");
  const auto* stage = fields->if_contains("stage");
  if (domain == nullptr || !domain->is_string()) return {};
  return aws::management_endpoint(domain->get_string(), stage != nullptr && stage->is_string() ? std::string_view(stage->get_string()) : "");
}

// Three base64url segments: what a JWT looks like (the verifier decides whether it is one).
bool looks_like_jwt(std::string_view text) {
  if (std::count(text.begin(), text.end(), '.') != 2) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

void log_line(std::string_view level, std::string_view message, std::string_view connection, const Error* error,
              std::string_view route = {}) {
  boost::json::object line;
  line["level"] = level;
  line["message"] = message;
  line["connection_id"] = connection;
  if (!route.empty()) line["route"] = route;
  if (error != nullptr) {
    line["code"] = error->code;
    line["error"] = error->message;
  }
  std::string text = boost::json::serialize(line);
  text += '\n';
  write_log_line(stdout, text);
}

Error too_large(std::size_t size) {
  return Error{std::string(kMessageTooLarge),
               "a WebSocket message may carry at most " + std::to_string(kMaxMessageBytes) + " bytes (API Gateway's limit), not " +
                   std::to_string(size),
               413};
}

}  // namespace

Result<ConnectToken> connect_token(const http::Request& request, std::string_view parameter) {
  if (const auto authorization = request.header("authorization"); authorization && !trim(*authorization).empty()) {
    LIFT_TRY(token, security::bearer_token(*authorization));
    return ConnectToken{std::string(token), {}};
  }
  if (const auto offered = request.header("sec-websocket-protocol")) {
    std::string token;
    std::string other;
    std::string_view rest = *offered;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto value = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (token.empty() && looks_like_jwt(value)) token = std::string(value);
      else if (other.empty() && !value.empty()) other = std::string(value);
    }
    if (!token.empty()) return ConnectToken{token, other.empty() ? token : other};
  }
  if (const auto query = request.query_param(parameter); query && !query->empty()) return ConnectToken{std::string(*query), {}};
  return security::unauthorized(security::AuthReason::no_token, "a WebSocket connection needs a token (Authorization, "
                                                                "Sec-WebSocket-Protocol or the " + std::string(parameter) +
                                                                    " query parameter)");
}

Hub::Hub(ConnectionStore store, HubOptions options) : store_(std::move(store)), options_(std::move(options)) {}

Result<std::shared_ptr<Hub>> Hub::create(aws::DynamoDbClient& db, HubOptions options) {
  LIFT_TRY(store, ConnectionStore::create(db, options.store));
  if (options.send_concurrency == 0)
    return resilience::invalid_configuration("websocket hub", "send_concurrency", "must be at least 1");
  if (options.message_limit) {
    LIFT_TRY_VOID(ratelimit::validate(*options.message_limit, "the WebSocket message limit"));
    if (!options.limiter) {
      LIFT_TRY(bucket, ratelimit::TokenBucket::create());
      options.limiter = std::move(bucket);
    }
  }
  if (!options.poster) options.poster = ManagementApiPoster::create();
  return std::make_shared<Hub>(std::move(store), std::move(options));
}

void Hub::mount(const std::shared_ptr<Hub>& hub, App& app) {
  app.use([hub](Context& ctx, const Next& next) { return hub->on_message(ctx, next); });
  app.websocket("$connect", [hub](Context& ctx) -> Result<void> { return hub->on_connect(ctx); });
  app.websocket("$disconnect", [hub](Context& ctx) { hub->on_disconnect(ctx); });
}

const Connection* Hub::connection_of(const Context& ctx) noexcept { return ctx.get<Connection>(kConnectionKey); }

void Hub::count(std::string_view metric, std::size_t n) const {
  if (options_.metrics == nullptr || n == 0) return;
  (void)options_.metrics->add(metric, static_cast<double>(n), observability::Unit::count);
}

Result<void> Hub::on_connect(Context& ctx) const {
  const auto* ws = ctx.request().websocket();
  if (ws == nullptr) return errors::bad_request("not a WebSocket event");
  Connection connection;
  connection.id = ws->connection_id;
  std::string protocol;
  auto refuse = [&](Error error) -> Result<void> {
    count("WebSocketConnectionsRefused");
    log_line("WARN", "WebSocket connection refused", connection.id, &error);
    return error;
  };
  if (options_.verifier) {
    auto token = connect_token(ctx.request(), options_.token_parameter);
    if (!token) return refuse(std::move(token).error());
    auto jwt = options_.verifier->verify(token->token, deadline_of(ctx));
    if (!jwt) return refuse(std::move(jwt).error());
    auto principal = security::principal_from_claims(jwt->claims, options_.principal);
    if (principal.subject.empty())
      return refuse(security::unauthorized(security::AuthReason::missing_claim, "the token names no subject"));
    connection.user = principal.subject;
    connection.tenant = principal.tenant.value_or("");
    connection.roles = principal.roles;
    principal.method = "jwt";
    mw::set_principal(ctx, std::move(principal));
    protocol = std::move(token->protocol);
  }
  if (options_.on_connect) {
    if (auto accepted = options_.on_connect(ctx, connection); !accepted) return refuse(std::move(accepted).error());
  }
  LIFT_TRY(stored, store_.add(std::move(connection), deadline_of(ctx)));
  count("WebSocketConnectionsOpened");
  ctx.set(kConnectionKey, std::move(stored));
  if (!protocol.empty()) ctx.set_header("sec-websocket-protocol", protocol);
  return {};
}

void Hub::on_disconnect(Context& ctx) const {
  const auto* ws = ctx.request().websocket();
  if (ws == nullptr) return;
  const auto deadline = deadline_of(ctx);
  if (options_.on_disconnect) {
    auto known = store_.get(ws->connection_id, deadline);
    options_.on_disconnect(ctx, known ? &*known : nullptr);
  }
  if (auto removed = store_.remove(ws->connection_id, deadline); !removed) {
    // The TTL removes it later; the client is gone either way.
    log_line("ERROR", "a closed WebSocket connection could not be removed", ws->connection_id, &removed.error());
  }
  count("WebSocketConnectionsClosed");
}

Result<void> Hub::on_message(Context& ctx, const Next& next) const {
  const auto* ws = ctx.request().websocket();
  if (ws == nullptr || ws->event_type != "MESSAGE") return next();
  count("WebSocketMessagesIn");
  const std::string id = ws->connection_id;
  auto connection = store_.touch(id, deadline_of(ctx));
  if (!connection) {
    if (connection.error().code != kConnectionUnknown) return std::move(connection).error();
    log_line("WARN", "a message from a connection the store does not know", id, &connection.error(), ws->route_key);
    (void)reply_error(ctx, connection.error());
    return {};
  }
  if (!connection->user.empty()) {
    security::Principal principal;
    principal.subject = connection->user;
    if (!connection->tenant.empty()) principal.tenant = connection->tenant;
    principal.roles = connection->roles;
    principal.method = "websocket";
    mw::set_principal(ctx, std::move(principal));
  }
  ctx.set(kConnectionKey, std::move(*connection));

  if (options_.message_limit) {
    auto decision = options_.limiter->acquire("websocket:" + id, *options_.message_limit);
    if (!decision) {
      // The limit protects the function, not the client's correctness: a failing counter store lets messages through.
      log_line("ERROR", "the WebSocket message limit could not be counted; the message goes through", id, &decision.error());
    } else if (!decision->allowed) {
      count("WebSocketRateLimited");
      const Error limited{std::string(kRateLimited),
                          "too many messages: " + std::to_string(decision->limit) + " per " +
                              std::to_string(options_.message_limit->period.count()) + " s; retry in " +
                              std::to_string(decision->retry_after.count()) + " s",
                          429};
      log_line("WARN", "WebSocket message refused", id, &limited, ws->route_key);
      (void)reply_error(ctx, limited);
      return {};
    }
  }

  auto result = next();
  // No route matched: the gateway hands the message to $default, so the 404 goes back as it is.
  if (result || ctx.route().empty()) return result;
  log_line("WARN", "WebSocket message refused", id, &result.error(), ws->route_key);
  if (auto replied = reply_error(ctx, result.error()); !replied) {
    log_line("WARN", "the error could not be sent to the connection", id, &replied.error(), ws->route_key);
  }
  return {};
}

Result<void> Hub::reply(const Context& ctx, std::string_view data) const {
  const auto* ws = ctx.request().websocket();
  if (ws == nullptr) return errors::bad_request("reply() needs a WebSocket event");
  LIFT_TRY(report, send(ctx, ws->connection_id, data));
  if (!report.failed.empty()) return report.failed.front().second;
  return {};
}

Result<void> Hub::reply_error(const Context& ctx, const Error& error) const {
  return reply(ctx, errors::error_body(error, ctx.request_id()));
}

Result<SendReport> Hub::send(const Context& ctx, std::string_view connection_id, std::string_view data) const {
  return to_connections(ctx, {std::string(connection_id)}, data);
}

Result<SendReport> Hub::to_user(const Context& ctx, std::string_view user, std::string_view data) const {
  if (data.size() > kMaxMessageBytes) return too_large(data.size());
  LIFT_TRY(ids, store_.of_user(user, deadline_of(ctx)));
  return to_connections(ctx, std::move(ids), data);
}

Result<SendReport> Hub::to_tenant(const Context& ctx, std::string_view tenant, std::string_view data) const {
  if (data.size() > kMaxMessageBytes) return too_large(data.size());
  LIFT_TRY(ids, store_.of_tenant(tenant, deadline_of(ctx)));
  return to_connections(ctx, std::move(ids), data);
}

Result<SendReport> Hub::to_room(const Context& ctx, std::string_view room, std::string_view data) const {
  if (data.size() > kMaxMessageBytes) return too_large(data.size());
  LIFT_TRY(ids, store_.in_room(room, deadline_of(ctx)));
  return to_connections(ctx, std::move(ids), data);
}

Result<SendReport> Hub::to_all(const Context& ctx, std::string_view data) const {
  if (data.size() > kMaxMessageBytes) return too_large(data.size());
  LIFT_TRY(ids, store_.all(deadline_of(ctx)));
  return to_connections(ctx, std::move(ids), data);
}

Result<SendReport> Hub::to_connections(const Context& ctx, std::vector<std::string> ids, std::string_view data) const {
  if (data.size() > kMaxMessageBytes) return too_large(data.size());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  SendReport report;
  if (ids.empty()) return report;
  const auto deadline = deadline_of(ctx);
  const Target base{options_.endpoint.empty() ? event_endpoint(ctx) : options_.endpoint, {}};

  // One outcome per id, each written by the one thread that posted it.
  enum class Outcome : unsigned char { sent, gone, failed };
  std::vector<Outcome> outcomes(ids.size(), Outcome::failed);
  std::vector<Error> failures(ids.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < ids.size(); i = next++) {
      if (std::chrono::steady_clock::now() >= deadline) {
        failures[i] = errors::timeout("the invocation's deadline came before this message was sent");
        continue;
      }
      Target target = base;
      target.connection_id = ids[i];
      auto posted = options_.poster->post(target, data, deadline);
      if (posted) {
        outcomes[i] = Outcome::sent;
      } else if (posted.error().code == aws::kApiGatewayGone) {
        outcomes[i] = Outcome::gone;
        if (auto removed = store_.remove(ids[i], deadline); !removed)
          log_line("ERROR", "a gone WebSocket connection could not be removed", ids[i], &removed.error());
      } else {
        failures[i] = std::move(posted).error();
      }
    }
  };
  const std::size_t helpers = std::min(options_.send_concurrency, ids.size()) - 1;
  {
    std::vector<std::jthread> threads;
    threads.reserve(helpers);
    for (std::size_t t = 0; t < helpers; ++t) threads.emplace_back(work);
    work();
  }  // joined
  for (std::size_t i = 0; i < ids.size(); ++i) {
    switch (outcomes[i]) {
      case Outcome::sent: ++report.sent; break;
      case Outcome::gone: ++report.gone; break;
      case Outcome::failed:
        log_line("WARN", "a WebSocket message could not be sent", ids[i], &failures[i]);
        report.failed.emplace_back(std::move(ids[i]), std::move(failures[i]));
        break;
    }
  }
  count("WebSocketMessagesOut", report.sent);
  count("WebSocketGone", report.gone);
  return report;
}

Result<void> Hub::join(Context& ctx, std::string_view room) const {
  const auto* ws = ctx.request().websocket();
  if (ws == nullptr) return errors::bad_request("join() needs a WebSocket event");
  LIFT_TRY_VOID(store_.join(ws->connection_id, room, deadline_of(ctx)));
  if (auto* connection = ctx.get<Connection>(kConnectionKey)) connection->rooms.emplace(room);
  return {};
}

Result<void> Hub::leave(Context& ctx, std::string_view room) const {
  const auto* ws = ctx.request().websocket();
  if (ws == nullptr) return errors::bad_request("leave() needs a WebSocket event");
  LIFT_TRY_VOID(store_.leave(ws->connection_id, room, deadline_of(ctx)));
  if (auto* connection = ctx.get<Connection>(kConnectionKey)) connection->rooms.erase(std::string(room));
  return {};
}

Result<void> Hub::disconnect(const Context& ctx, std::string_view connection_id) const {
  const auto deadline = deadline_of(ctx);
  Target target{options_.endpoint.empty() ? event_endpoint(ctx) : options_.endpoint, std::string(connection_id)};
  auto closed = options_.poster->disconnect(target, deadline);
  if (!closed && closed.error().code != aws::kApiGatewayGone) return closed;
  return store_.remove(connection_id, deadline);
}

}  // namespace lift::websocket
