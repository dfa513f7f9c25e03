#pragma once
// {{name}}'s SQS handler, for the function (main.cpp) and the tests (tests/app_test.cpp).
// Each record's body is an order {"order_id": "...", "amount": 12.5}. A record whose body is
// not such an order, or breaks its rules, is reported in batchItemFailures, so SQS delivers
// that message again (and, after maxReceiveCount, moves it to the dead-letter queue); the
// other records of the batch are done. When every record of a batch fails, the invocation
// fails and Lambda retries the whole batch.

#include <string>

#include <boost/describe.hpp>

#include "lift/lift.hpp"

struct Order {
  std::string order_id;
  double amount = 0;
};
BOOST_DESCRIBE_STRUCT(Order, (), (order_id, amount))

inline void lift_rules(lift::json::Rules<Order>& r) {
  r.field(&Order::order_id).required().length(1, 64);
  r.field(&Order::amount).required().min(0);
}

lift::App make_app();
