#pragma once
// examples/orders: one function for an order's life. HTTP creates and reads orders; an SQS
// queue of shipping notices marks them shipped. Stored with DynamORM in ORDERS_TABLE
// (default "orders"), created on first use when the endpoint is local.

#include "lift/app/app.hpp"

namespace orders {

lift::App make_app();

}  // namespace orders
