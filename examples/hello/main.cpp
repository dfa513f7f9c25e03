// examples/hello: the smallest lift function.
//   GET /hello?name=X  ->  200 {"message":"hello, X"}

#include <string>

#include <boost/describe.hpp>

#include "lift/lift.hpp"

struct Greeting {
  std::string message;
};
BOOST_DESCRIBE_STRUCT(Greeting, (), (message))

int main() {
  return lift::run([] {
    lift::App app;
    app.get("/hello", [](lift::Context& ctx) {
      return Greeting{"hello, " + std::string(ctx.query("name").value_or("world"))};
    });
    return app;
  });
}
