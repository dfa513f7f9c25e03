#include "lift/app/context.hpp"

#include <string_view>
#include <utility>

#include "lift/app/stream.hpp"
#include "lift/http/fields.hpp"
#include "context_access.hpp"
#include "lift/json/document.hpp"

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
  if (!request_id_.empty()) return request_id_;
  if (invocation_ != nullptr && !invocation_->request_id.empty()) return invocation_->request_id;
  return request_.request_id;
}

std::chrono::milliseconds Context::remaining_time() const {
  if (invocation_ == nullptr || invocation_->deadline == std::chrono::system_clock::time_point{})
    return runtime::kDeadlineHorizon;
  return invocation_->remaining();
}

namespace detail {

void ContextAccess::reset(Context& ctx, const runtime::InvocationContext* invocation) noexcept {
  ctx.request_.clear();
  ctx.response_.clear();
  ctx.invocation_ = invocation;
  ctx.event_ = nullptr;
  ctx.event_text_ = {};
  ctx.record_ = nullptr;
  ctx.record_index_ = 0;
  ctx.typed_record_ = nullptr;
  ctx.typed_record_type_ = nullptr;
  ctx.parsed_event_.reset();
  ctx.kind_ = events::Kind::unknown();
  ctx.route_ = {};
  ctx.request_id_.clear();
  ctx.responded_ = false;
  ctx.writer_ = nullptr;
  ctx.values_.clear();
  ctx.typed_values_.clear();
}

}  // namespace detail

bool Context::response_started() const noexcept { return writer_ != nullptr && writer_->streaming() && writer_->started(); }

const boost::json::value& Context::record() const noexcept { return record_ != nullptr ? *record_ : null_event(); }

const boost::json::value& Context::event() const {
  if (event_ != nullptr) return *event_;
  if (event_text_.empty()) return null_event();
  if (!parsed_event_) {
    // The text was read once already, so it is valid JSON.
    auto parsed = json::parse_document(event_text_);
    parsed_event_.emplace(parsed ? std::move(*parsed) : boost::json::value());
  }
  return *parsed_event_;
}

namespace detail {

bool is_json_content_type(std::string_view content_type) noexcept {
  auto media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  constexpr std::string_view kApplication = "application/";
  if (media.size() <= kApplication.size() || !http::iequals(media.substr(0, kApplication.size()), kApplication)) return false;
  const auto subtype = media.substr(kApplication.size());
  return http::iequals(subtype, "json") || (subtype.size() > 5 && http::iequals(subtype.substr(subtype.size() - 5), "+json"));
}

}  // namespace detail

}  // namespace lift
