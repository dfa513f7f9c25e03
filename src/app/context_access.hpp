#pragma once
// What the app's dispatch sets on a Context: the event and its kind, the record being handled,
// the matched route; and the reuse of contexts between invocations. Internal to lift_app, so
// that handlers and middleware cannot set them.

#include <cstddef>
#include <string_view>
#include <typeinfo>

#include <boost/json/value.hpp>

#include "lift/app/context.hpp"

namespace lift::detail {

struct ContextAccess {
  static void set_route(Context& ctx, std::string_view pattern) noexcept { ctx.route_ = pattern; }

  // The writer of a streaming route while its chain runs (null after).
  static void set_writer(Context& ctx, ResponseWriter* writer) noexcept { ctx.writer_ = writer; }
  static ResponseWriter* writer(const Context& ctx) noexcept { return ctx.writer_; }

  static void set_event(Context& ctx, events::Kind kind, const boost::json::value* event) noexcept {
    ctx.kind_ = kind;
    ctx.event_ = event;
  }

  // An event read without a DOM: `text` must outlive the context.
  static void set_event_text(Context& ctx, events::Kind kind, std::string_view text) noexcept {
    ctx.kind_ = kind;
    ctx.event_ = nullptr;
    ctx.event_text_ = text;
  }

  // The record being handled, as JSON and typed; both must outlive the context.
  static void set_record(Context& ctx, const boost::json::value* raw, std::size_t index, const void* typed,
                         const std::type_info* type) noexcept {
    ctx.record_ = raw;
    ctx.record_index_ = index;
    ctx.typed_record_ = typed;
    ctx.typed_record_type_ = type;
  }

  // Ready for another invocation, as if constructed anew with an empty request, but keeping
  // the buffers of the request, the response and the values (the app reuses its contexts).
  static void reset(Context& ctx, const runtime::InvocationContext* invocation) noexcept;

  // The bytes the bodies' kept buffers hold (headers, paths and queries are small: every
  // event source caps them).
  static std::size_t retained_bytes(const Context& ctx) noexcept {
    return ctx.request_.body.capacity() + ctx.response_.body.capacity();
  }
};

}  // namespace lift::detail
