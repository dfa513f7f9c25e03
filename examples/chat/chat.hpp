#pragma once
// examples/chat: a WebSocket chat on lift::websocket, apart from main() so that tests build the
// same app in-process.
//
//   ws://HOST/?room=ROOM&token=JWT   $connect: joins ROOM (default "lobby"). With a verifier the
//                                    token is required (Authorization, Sec-WebSocket-Protocol or
//                                    ?token=): missing or forged, the upgrade fails with 401.
//   {"action":"sendmessage","text":"..."}
//                                    {"from": USER, "room": ROOM, "text": ...} to every connection
//                                    of the sender's room, the sender included, no other room.
//                                    USER: the token's sub, else the connection id.
//   {"action":"join","room":"R"}     moves the sender to room R; {"joined": R} back to it.
//   anything else                    {"error":{"code","message"}} to the sender alone: not JSON,
//                                    no or an unknown action, text not a string or over 4 KB.
//
// Connections live in the table `Options::table` (lift::websocket::ConnectionStore's layout);
// one that vanished without $disconnect is removed by the first send that meets 410 Gone.

#include <cstddef>
#include <memory>
#include <string>

#include "lift/aws/dynamodb.hpp"
#include "lift/lift.hpp"
#include "lift/websocket/hub.hpp"

namespace chat {

// The longest text a message may carry.
inline constexpr std::size_t kMaxTextBytes = 4 * 1024;
inline constexpr std::string_view kDefaultRoom = "lobby";

struct Options {
  std::string table = "chat-connections";
  // Null: anonymous connections.
  std::shared_ptr<const lift::security::JwtVerifier> verifier{};
  // Null: the Management API.
  std::shared_ptr<lift::websocket::ConnectionPoster> poster{};
  // Create the table on first use; unset: when the client is local.
  std::optional<bool> create_table{};
  lift::observability::Metrics* metrics = nullptr;
};

// Adds the chat's WebSocket routes to `app`; `db` must outlive it. Errors: the hub's
// (lift::websocket::Hub::create).
lift::Result<std::shared_ptr<lift::websocket::Hub>> add_routes(lift::App& app, lift::aws::DynamoDbClient& db, Options options);

}  // namespace chat
