#include "lift/app/middleware.hpp"

#include <utility>

namespace lift {

Result<void> Next::operator()() const {
  if (ctx_->responded()) return {};  // an inner middleware may not pass on an answered request
  // A thrown lift::Error is the error the handler (or middleware) would have returned: every
  // layer outside sees it as a failed Result, as if it had been returned.
  try {
    if (rest_.empty()) return (*endpoint_)(*ctx_);
    return rest_.front()(*ctx_, Next(rest_.subspan(1), *endpoint_, *ctx_));
  } catch (Error& error) {
    return std::move(error);
  }
}

Result<void> run_chain(std::span<const Middleware> chain, const Endpoint& endpoint, Context& ctx) {
  return Next(chain, endpoint, ctx)();
}

namespace mw {

Middleware before(std::function<Result<void>(Context&)> hook) {
  return [hook = std::move(hook)](Context& ctx, const Next& next) -> Result<void> {
    auto result = hook(ctx);
    if (!result || ctx.responded()) return result;
    return next();
  };
}

Middleware after(std::function<void(Context&)> hook) {
  return [hook = std::move(hook)](Context& ctx, const Next& next) -> Result<void> {
    auto result = next();
    if (result) hook(ctx);
    return result;
  };
}

Middleware on_error(std::function<Result<void>(Context&, const Error&)> hook) {
  return [hook = std::move(hook)](Context& ctx, const Next& next) -> Result<void> {
    auto result = next();
    if (result) return result;
    return hook(ctx, result.error());
  };
}

}  // namespace mw
}  // namespace lift
