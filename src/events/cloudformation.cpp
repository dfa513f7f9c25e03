// CloudFormation custom resources: the request model and the response document. Its PUT to the
// pre-signed ResponseURL, the answer hooks and the sample are in cloudformation_answer.cpp.
#include "lift/events/cloudformation.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/serialize.hpp>

#include "cloudformation_document.hpp"
#include "lift/core/glob.hpp"

namespace lift::events {

namespace {

// CloudFormation's limits on a response (the custom resource response reference).
constexpr std::size_t kMaxResponseBytes = 4096;
constexpr std::size_t kMaxPhysicalIdBytes = 1024;

const boost::json::object& object_or_empty(const std::optional<boost::json::value>& value) noexcept {
  static const boost::json::object empty;
  return value && value->is_object() ? value->get_object() : empty;
}

// The id of the resource when the handler gave none: the request's, else for Create the
// RequestId (the same when CloudFormation sends the request again).
std::string default_physical_id(const boost::json::value& event) {
  if (auto id = string_member(event, "PhysicalResourceId"); !id.empty()) return std::string(id);
  if (auto id = string_member(event, "RequestId"); !id.empty()) return std::string(id);
  return "unknown-request";  // a malformed request without ids: CloudFormation needs a non-empty one
}

boost::json::object document_for(const boost::json::value& event, std::string_view status, std::string_view reason,
                                 std::string physical_id) {
  boost::json::object out;
  out["Status"] = status;
  if (!reason.empty()) out["Reason"] = reason;
  out["PhysicalResourceId"] = std::move(physical_id);
  out["StackId"] = string_member(event, "StackId");
  out["RequestId"] = string_member(event, "RequestId");
  out["LogicalResourceId"] = string_member(event, "LogicalResourceId");
  out["NoEcho"] = false;
  return out;
}

std::size_t serialized_size(const boost::json::object& document) { return boost::json::serialize(document).size(); }

// A FAILED document, its reason shortened to the longest that fits CloudFormation's limit
// (escapes make the document grow faster than the reason: searched, not computed).
boost::json::object failed_document(const boost::json::value& event, const std::string& reason) {
  auto out = document_for(event, "FAILED", reason, default_physical_id(event));
  if (serialized_size(out) <= kMaxResponseBytes) return out;
  std::size_t fits = 0, too_long = reason.size();
  while (too_long - fits > 1) {
    const std::size_t keep = fits + (too_long - fits) / 2;
    out["Reason"] = shorten(reason, keep);
    (serialized_size(out) <= kMaxResponseBytes ? fits : too_long) = keep;
  }
  out["Reason"] = shorten(reason, fits);
  return out;
}

}  // namespace

namespace detail {

boost::json::object custom_resource_document(const boost::json::value& event, const Result<CustomResourceResponse>& outcome) {
  if (!outcome) return failed_document(event, outcome.error().code + ": " + outcome.error().message);
  const auto& response = *outcome;
  if (response.PhysicalResourceId.size() > kMaxPhysicalIdBytes) {
    return failed_document(event, "the handler's PhysicalResourceId is " + std::to_string(response.PhysicalResourceId.size()) +
                                      " bytes; CloudFormation takes at most " + std::to_string(kMaxPhysicalIdBytes));
  }
  auto out = document_for(event, "SUCCESS", response.Reason,
                          response.PhysicalResourceId.empty() ? default_physical_id(event) : response.PhysicalResourceId);
  out["NoEcho"] = response.NoEcho;
  if (!response.Data.empty()) out["Data"] = response.Data;
  if (const auto size = serialized_size(out); size > kMaxResponseBytes) {
    return failed_document(event, "the response is " + std::to_string(size) + " bytes with its Data; CloudFormation takes at most " +
                                      std::to_string(kMaxResponseBytes));
  }
  return out;
}

}  // namespace detail

const boost::json::object& CloudFormationCustomResourceEvent::properties() const noexcept { return object_or_empty(ResourceProperties); }

const boost::json::object& CloudFormationCustomResourceEvent::old_properties() const noexcept {
  return object_or_empty(OldResourceProperties);
}

void lift_rules(lift::json::Rules<CloudFormationCustomResourceEvent>& r) {
  using E = CloudFormationCustomResourceEvent;
  r.field(&E::RequestType).required().one_of("Create", "Update", "Delete");
  r.field(&E::ResponseURL).required();
  r.field(&E::StackId).required();
  r.field(&E::RequestId).required();
  r.field(&E::LogicalResourceId).required();
  r.field(&E::ResourceType).required();
  r.check("PhysicalResourceId", [](const E& e) { return e.RequestType == "Create" || (e.PhysicalResourceId && !e.PhysicalResourceId->empty()); },
          "is required on Update and Delete");
}

Result<CloudFormationCustomResourceEvent> parse_cloudformation_custom_resource(const boost::json::value& event) {
  return parse_event<CloudFormationCustomResourceEvent>(event);
}

std::string custom_resource_response(const boost::json::value& event, const Result<CustomResourceResponse>& outcome) {
  return boost::json::serialize(detail::custom_resource_document(event, outcome));
}

bool CloudFormationCustomResource::matches(std::string_view pattern, const Record& event) noexcept {
  return glob_match(pattern, event.ResourceType);
}

void CloudFormationCustomResource::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_cloudformation_custom_resource(event));
  out.add("request_type", string_member(event, "RequestType"));
  out.add("resource_type", string_member(event, "ResourceType"));
  out.add("logical_resource_id", string_member(event, "LogicalResourceId"));
  out.add("physical_resource_id", string_member(event, "PhysicalResourceId"));
  out.add("stack_id", string_member(event, "StackId"));
}

}  // namespace lift::events
