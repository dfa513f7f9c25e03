#pragma once
// Middleware: the onion around every handler. A middleware gets the context and `next`; code
// before `next()` runs on the way in, code after it on the way out, and it may answer early by
// calling ctx.respond() and returning without calling next(). Errors travel back out as a
// failed Result, so outer middleware see (and may translate) what inner ones and the handler
// returned; the app renders whatever error reaches the top. A handler or middleware may also
// throw a lift::Error: it travels out exactly as if it had been returned.
//
//   app.use([](lift::Context& ctx, const lift::Next& next) -> lift::Result<void> {
//     auto began = std::chrono::steady_clock::now();
//     auto result = next();
//     ctx.set_header("server-timing", "app;dur=" + std::to_string(elapsed_ms(began)));
//     return result;
//   });

#include <cstddef>
#include <functional>
#include <span>

#include "lift/app/context.hpp"
#include "lift/core/result.hpp"

namespace lift {

class Next;
using Middleware = std::function<Result<void>(Context&, const Next&)>;
// What the chain ends in: the route's handler (or the 404/405 answer).
using Endpoint = std::function<Result<void>(Context&)>;

// Calls the rest of the chain. Cheap to copy; valid only during the call it was given to.
class Next {
 public:
  Next(std::span<const Middleware> rest, const Endpoint& endpoint, Context& ctx) noexcept
      : rest_(rest), endpoint_(&endpoint), ctx_(&ctx) {}
  Result<void> operator()() const;

 private:
  std::span<const Middleware> rest_;
  const Endpoint* endpoint_;
  Context* ctx_;
};

// Runs `chain` around `endpoint`.
Result<void> run_chain(std::span<const Middleware> chain, const Endpoint& endpoint, Context& ctx);

namespace mw {

// Middy-style shorthands. `before` runs on the way in: an error, or a response given with
// ctx.respond(), stops the chain there.
Middleware before(std::function<Result<void>(Context&)> hook);
// Runs on the way out after a success (not after an error).
Middleware after(std::function<void(Context&)> hook);
// Runs when an error comes back out; return success (after setting the response) to
// recover, or an error (the same or another) to pass on.
Middleware on_error(std::function<Result<void>(Context&, const Error&)> hook);

}  // namespace mw
}  // namespace lift
