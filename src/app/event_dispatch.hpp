#pragma once
// The dispatch of a non-HTTP event to the app's source routes (event_dispatch.cpp): one
// generic path for every source. Internal to lift_app; the rules are documented in
// lift/app/event_routes.hpp.

#include <memory>
#include <span>

#include <boost/json/value.hpp>

#include "lift/app/event_routes.hpp"
#include "lift/core/result.hpp"

namespace lift::detail {

// The answer to Lambda for `dispatch.event`, or the error to report. Never throws.
Result<boost::json::value> dispatch_event(const EventDispatch& dispatch, std::span<const std::unique_ptr<SourceRoutesBase>> sources);

}  // namespace lift::detail
