// {{name}}: the function's entry point. The routes are in app.cpp, where the tests reach them
// too; lift::run serves them on the Lambda Runtime API until Lambda stops the environment.
#include "app.hpp"

int main() {
  lift::App app = make_app();
  return lift::run(app);
}
