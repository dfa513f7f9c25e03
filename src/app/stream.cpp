#include "lift/app/stream.hpp"

#include <string>

#include "lift/app/handler.hpp"
#include "lift/http/adapters.hpp"
#include "lift/runtime/runtime.hpp"
#include "context_access.hpp"

namespace lift {

Result<void> ResponseWriter::write(std::string_view bytes) {
  if (ended_) return Error{"StreamClosed", "the response was written after its end", 500};
  auto& response = ctx_->response();
  // A HEAD request gets the status and headers only.
  const bool head = ctx_->request().method == "HEAD";
  if (!started_) {
    // Checked here rather than by the transport so that collecting and streaming agree.
    if (response.status < 100 || response.status > 599)
      return Error{"InvalidStatus", "HTTP status " + std::to_string(response.status) + " is not between 100 and 599", 500};
    if (stream_ != nullptr) {
      const auto fields = http::single_value_fields(response);
      if (auto begun = stream_->begin_http(response.status, fields.headers, fields.cookies); !begun) return begun;
      // What the handler put in the body before its first write goes first.
      if (!response.body.empty() && !head) {
        if (auto sent = stream_->write(response.body); !sent) return sent;
        bytes_written_ += response.body.size();
        response.body.clear();
      }
    }
    started_ = true;
  }
  if (bytes.empty() || head) return ok();
  if (stream_ == nullptr) {
    response.body.append(bytes);
  } else if (auto sent = stream_->write(bytes); !sent) {
    return sent;
  }
  bytes_written_ += bytes.size();
  return ok();
}

namespace detail {

BoundHandler bind_stream(StreamHandler handler) {
  BoundHandler bound;
  bound.streaming = true;
  bound.doc.success_status = "2XX";
  bound.endpoint = [fn = std::move(handler.handler)](Context& ctx) -> Result<void> {
    if (auto* writer = ContextAccess::writer(ctx)) return fn(ctx, *writer);
    // Called outside the app's dispatch: the pieces are collected.
    ResponseWriter collecting(ctx);
    auto result = fn(ctx, collecting);
    collecting.end();
    return result;
  };
  return bound;
}

}  // namespace detail

}  // namespace lift
