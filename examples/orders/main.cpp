// examples/orders as a Lambda function: the app is built in the init phase, where a failure is
// reported to Lambda's /init/error.
#include "lift/app/app.hpp"
#include "orders.hpp"

int main() { return lift::run(orders::make_app); }
