#pragma once
// The process's DynamoDB client, for handlers and for tables built at init:
//
//   const lift::dynamorm::Table<Todo> todos(lift::dynamodb(), model);   // in main()
//   app.get("/health", [](lift::Context& ctx) { ... ctx.db().describe_table(...) ... });
//
// Made on first use from the environment and kept for the life of the process, so every
// invocation and every worker shares one connection pool and one credentials cache:
//   LIFT_DYNAMODB_ENDPOINT unset      DynamoDB in AWS_REGION (credentials as the AWS SDKs find them)
//   LIFT_DYNAMODB_ENDPOINT=memory:    the embedded engine (in-process; tests and `make demo`)
//   LIFT_DYNAMODB_ENDPOINT=http://... a local DynamoDB (dynalite, DynamoDB Local)
// Part of lift::lift (target lift::database); a function that never calls it links none of it.

#include "lift/aws/dynamodb.hpp"

namespace lift {

// A configuration that cannot work (an endpoint that is neither memory: nor an http(s) URL) is
// a deployment mistake, not a request's: it throws std::runtime_error naming the variable, which
// at init becomes Lambda's init error and in a handler a 500 through the recover middleware.
aws::DynamoDbClient& dynamodb();

// Whether LIFT_DYNAMODB_ENDPOINT names the embedded engine or a loopback endpoint, where a
// function may create the tables it needs on first use (never against AWS).
[[nodiscard]] bool dynamodb_is_local();

}  // namespace lift
