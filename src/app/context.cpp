#include "lift/app/context.hpp"

#include <utility>

namespace lift {

namespace {
const runtime::InvocationContext& no_invocation() {
  static const runtime::InvocationContext empty{};
  return empty;
}
const boost::json::value& null_event() {
  static const boost::json::value null;
  return null;
}
}  // namespace

Context::Context(http::Request request, const runtime::InvocationContext* invocation)
    : request_(std::move(request)), invocation_(invocation) {}

const runtime::InvocationContext& Context::invocation() const noexcept {
  return invocation_ != nullptr ? *invocation_ : no_invocation();
}

std::string_view Context::request_id() const noexcept {
  if (invocation_ != nullptr && !invocation_->request_id.empty()) return invocation_->request_id;
  return request_.request_id;
}

std::chrono::milliseconds Context::remaining_time() const {
  if (invocation_ == nullptr || invocation_->deadline == std::chrono::system_clock::time_point{})
    return std::chrono::hours(24);
  return invocation_->remaining();
}

const boost::json::value& Context::event() const noexcept { return event_ != nullptr ? *event_ : null_event(); }

}  // namespace lift
