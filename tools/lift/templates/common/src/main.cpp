// {{name}}: the function's entry point. The routes are in app.cpp, where the tests reach them
// too; lift::run builds the app with make_app in Lambda's init phase (an exception or error
// there reaches Lambda as the init error) and serves it until Lambda stops the environment.
#include "app.hpp"

int main() { return lift::run(make_app); }
