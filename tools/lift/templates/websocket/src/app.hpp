#pragma once
// {{name}}'s WebSocket routes, for the function (main.cpp) and the tests (tests/app_test.cpp).
// Connections are kept in a DynamoDB table that every execution environment of the function
// shares (lift::websocket's connection store), so a broadcast reaches every client wherever its
// connection was made:
//
//   $connect      wss://.../prod?name=ada: stored with its name; without a name it is refused
//                 with 400 (any status but 2xx refuses a connection)
//   $default      {"echo": <the message>, "connection": <id>} sent back to the sender
//   broadcast     {"action":"broadcast","text":"hi"}: {"from": <name>, "text": "hi"} to every
//                 connection; a connection that is gone is removed from the table
//   $disconnect   the connection is removed (API Gateway may not always call it: every item
//                 also expires, and the first send that meets 410 Gone removes it)
//
//   CONNECTIONS_TABLE       the table (default "{{name}}-connections"; created on first use when
//                           LIFT_DYNAMODB_ENDPOINT is memory: or a local endpoint)
//   LIFT_DYNAMODB_ENDPOINT  unset: DynamoDB; memory: the embedded engine; http://...: local

#include <memory>
#include <string>

#include <boost/describe.hpp>

#include "lift/aws/dynamodb.hpp"
#include "lift/lift.hpp"
#include "lift/websocket/hub.hpp"

struct Echo {
  std::string echo;
  std::string connection;
};
BOOST_DESCRIBE_STRUCT(Echo, (), (echo, connection))

struct Broadcast {
  std::string text;
};
BOOST_DESCRIBE_STRUCT(Broadcast, (), (text))

struct Said {
  std::string from;
  std::string text;
};
BOOST_DESCRIBE_STRUCT(Said, (), (from, text))

// The function's app: lift::dynamodb() and the API Gateway Management API.
lift::App make_app();
// The same routes over `db` (which must outlive the app) and `poster` (tests: an in-memory
// lift::websocket::FakeManagementApi).
lift::App make_app_for(lift::aws::DynamoDbClient& db, std::shared_ptr<lift::websocket::ConnectionPoster> poster);
