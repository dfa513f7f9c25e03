#pragma once
// Streaming routes: a handler that sends its answer's body piece by piece as it goes, through
// Lambda response streaming (a Function URL with InvokeMode RESPONSE_STREAM, an API Gateway
// REST API whose integration streams).
//
//   app.get("/report", lift::stream([](lift::Context& ctx, lift::ResponseWriter& out) -> lift::Result<void> {
//     ctx.set_header("content-type", "text/plain");
//     for (const auto& line : lines()) {
//       if (auto sent = out.write(line); !sent) return sent;
//     }
//     return {};
//   }));
//
// The status, headers and cookies are what ctx.response() holds when the handler first writes
// (or returns without writing): middleware runs before that, so authentication, CORS and the
// request id apply to the streamed answer; what middleware changes after the first write cannot
// reach the client. An error before the first write becomes the usual error answer; after it
// the client has the status already, so the error ends the stream (Lambda's error trailers).
// An app with a streaming route answers every invocation through the streaming transport
// (docs/streaming.md). Outside Lambda (App::handle, lift::testing) the pieces are collected into
// the response's body.

#include <cstddef>
#include <functional>
#include <string_view>
#include <utility>

#include "lift/app/context.hpp"
#include "lift/core/result.hpp"

namespace lift {

namespace runtime {
class ResponseStream;
}

// The body of a streaming route's answer. Made by the app for each request; valid during the
// handler's call only. Not shared between threads.
class ResponseWriter {
 public:
  // `stream` null: the pieces are collected into ctx.response().body (in-process calls).
  explicit ResponseWriter(Context& ctx, runtime::ResponseStream* stream = nullptr) noexcept : ctx_(&ctx), stream_(stream) {}
  ResponseWriter(const ResponseWriter&) = delete;
  ResponseWriter& operator=(const ResponseWriter&) = delete;

  // Sends `bytes` now as the next piece of the body; the first write sends the status, headers
  // and cookies first. Errors: InvalidStatus (a status outside 100..599, before anything is
  // sent), StreamClosed (a write after end()), or the transport's failure.
  Result<void> write(std::string_view bytes);
  // Sends the status, headers and cookies now, before any body.
  Result<void> flush() { return write({}); }
  // Ends the body: later writes fail with StreamClosed. The app ends it when the handler returns.
  void end() noexcept { ended_ = true; }

  // Whether the status and headers have been sent (or, collecting, the first write was made).
  [[nodiscard]] bool started() const noexcept { return started_; }
  [[nodiscard]] bool ended() const noexcept { return ended_; }
  // Whether the pieces go out as they are written (false: collected into the body).
  [[nodiscard]] bool streaming() const noexcept { return stream_ != nullptr; }
  [[nodiscard]] std::size_t bytes_written() const noexcept { return bytes_written_; }

 private:
  Context* ctx_;
  runtime::ResponseStream* stream_;
  bool started_ = false;
  bool ended_ = false;
  std::size_t bytes_written_ = 0;
};

// A streaming route's handler, as lift::stream makes it for app.get(...) and the others.
struct StreamHandler {
  std::function<Result<void>(Context&, ResponseWriter&)> handler;
};

// Marks a handler taking (lift::Context&, lift::ResponseWriter&) as a streaming route's.
template <class F>
  requires std::is_invocable_r_v<Result<void>, F&, Context&, ResponseWriter&>
StreamHandler stream(F&& handler) {
  return StreamHandler{std::forward<F>(handler)};
}

}  // namespace lift
