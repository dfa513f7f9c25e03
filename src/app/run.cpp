#include <cstdio>
#include <string>

#include <boost/json/serialize.hpp>

#include "lift/app/app.hpp"
#include "lift/core/env.hpp"

namespace lift {

namespace {

// `lift openapi FUNCTION` runs the function with LIFT_PRINT_OPENAPI=1 to read its routes.
bool printing_openapi() { return env_or("LIFT_PRINT_OPENAPI", "") == "1"; }

int print_openapi(const App& app) {
  const auto document = boost::json::serialize(app.openapi());
  std::fwrite(document.data(), 1, document.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

int serve(runtime::Runtime& runtime, App& app) {
  if (auto checked = app.check(); !checked) runtime.fail_init(runtime::ErrorReport::from(checked.error()));
  // Lambda has no way to say whether an invocation wants a stream; the function's URL (or API
  // integration) is set to stream or not as a whole, so an app with a streaming route streams
  // every answer.
  if (app.streams()) {
    return runtime.run(runtime::StreamingHandler(
        [&app](const runtime::Invocation& invocation, runtime::ResponseStream& stream) { return app.invoke_streaming(invocation, stream); }));
  }
  return runtime.run([&app](const runtime::Invocation& invocation) { return app.invoke(invocation); });
}

}  // namespace

int run(App& app, runtime::Options options) {
  if (printing_openapi()) return print_openapi(app);
  runtime::Runtime runtime(std::move(options));
  return serve(runtime, app);
}

namespace detail {

int run_built(const std::function<Result<App>()>& build, runtime::Options options) {
  if (printing_openapi()) {
    // No Runtime API to report to: the reason goes to stderr, the failure to the exit status.
    runtime::ErrorReport failure;
    try {
      auto app = build();
      if (app) return print_openapi(*app);
      failure = runtime::ErrorReport::from(app.error());
    } catch (...) {
      failure = runtime::Runtime::report_current_exception("Runtime.InitError");
    }
    const std::string line = "lift: the app could not be built: " + failure.type + ": " + failure.message + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
    return 1;
  }
  // The runtime first, so that what fails while building is reported as the init error.
  runtime::Runtime runtime(std::move(options));
  auto app = runtime.init(build);  // an exception or a failed Result: /init/error, exit status 1
  return serve(runtime, *app);
}

}  // namespace detail

void fail_init(const Error& error, runtime::Options options) {
  runtime::Runtime runtime(std::move(options));
  runtime.fail_init(runtime::ErrorReport::from(error));
}

}  // namespace lift
