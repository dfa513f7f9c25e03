#include <cstdio>
#include <string>

#include <boost/json/serialize.hpp>

#include "lift/app/app.hpp"
#include "lift/core/env.hpp"

namespace lift {

int run(App& app, runtime::Options options) {
  if (env_or("LIFT_PRINT_OPENAPI", "") == "1") {
    const auto document = boost::json::serialize(app.openapi());
    std::fwrite(document.data(), 1, document.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
  }
  runtime::Runtime runtime(std::move(options));
  if (auto checked = app.check(); !checked) runtime.fail_init(runtime::ErrorReport::from(checked.error()));
  return runtime.run([&app](const runtime::Invocation& invocation) { return app.invoke(invocation); });
}

void fail_init(const Error& error, runtime::Options options) {
  runtime::Runtime runtime(std::move(options));
  runtime.fail_init(runtime::ErrorReport::from(error));
}

}  // namespace lift
