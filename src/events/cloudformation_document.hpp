#pragma once
// The response document of a custom resource, shared by cloudformation.cpp (the model, the
// document's text) and cloudformation_answer.cpp (its PUT).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/events/cloudformation.hpp"

namespace lift::events::detail {

// What custom_resource_response serializes (lift/events/cloudformation.hpp).
boost::json::object custom_resource_document(const boost::json::value& event, const Result<CustomResourceResponse>& outcome);

}  // namespace lift::events::detail
