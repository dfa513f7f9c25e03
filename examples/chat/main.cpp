// examples/chat: a WebSocket chat (chat.hpp says what it answers) on API Gateway WebSocket APIs
// or `lift dev`:
//
//   CHAT_TABLE              the connection table (default "chat-connections"; created on first
//                           use when LIFT_DYNAMODB_ENDPOINT is memory: or a local endpoint)
//   LIFT_DYNAMODB_ENDPOINT  unset: DynamoDB; memory: the embedded engine; http://...: local
//   LIFT_JWT_JWKS | LIFT_JWT_SECRET, LIFT_JWT_ISSUER, LIFT_JWT_AUDIENCE
//                           require a token on $connect (lift/security/environment.hpp);
//                           unset: anonymous connections, with a warning at start-up

#include <string>

#include "chat.hpp"
#include "lift/app/database.hpp"
#include "lift/core/env.hpp"
#include "lift/lift.hpp"
#include "lift/middleware/observability.hpp"
#include "lift/security/environment.hpp"

int main() {
  lift::mw::Observability obs = lift::mw::observability_for("chat", "lift-examples");

  return lift::run([&obs]() -> lift::Result<lift::App> {
    LIFT_TRY(verifier, lift::security::jwt_verifier_from_environment());
    if (!verifier) obs.logger.warn("authentication is off: connections are anonymous; set LIFT_JWT_JWKS or LIFT_JWT_SECRET");

    lift::App app;
    app.use(lift::mw::recover(), lift::mw::request_id(), lift::mw::observability(obs));
    chat::Options options;
    options.table = lift::env_or("CHAT_TABLE", "chat-connections");
    options.verifier = std::move(verifier);
    options.metrics = &obs.metrics;
    LIFT_TRY_VOID(chat::add_routes(app, lift::dynamodb(), std::move(options)));
    return app;
  });
}
