#pragma once
// {{name}}'s WebSocket routes, for the function (main.cpp) and the tests (tests/app_test.cpp):
//
//   $connect      a client connects (wss://.../prod?name=ada): 200 accepts it; without a
//                 name it is refused with 400 (any status but 2xx refuses a connection)
//   $default      every message: answered with {"echo": <the message>, "connection": <id>},
//                 which API Gateway sends back to the client (a two-way route)
//   $disconnect   the connection closed (best effort: API Gateway may not always call it)
//
// To push messages to other connections, keep the connection ids (DynamoDB, see lift's
// DynamORM) and post to them with lift::aws::ApiGatewayManagementClient.

#include <string>

#include <boost/describe.hpp>

#include "lift/lift.hpp"

struct Welcome {
  std::string connection;
  std::string name;
};
BOOST_DESCRIBE_STRUCT(Welcome, (), (connection, name))

struct Echo {
  std::string echo;
  std::string connection;
};
BOOST_DESCRIBE_STRUCT(Echo, (), (echo, connection))

lift::App make_app();
