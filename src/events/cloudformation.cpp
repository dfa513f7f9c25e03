// CloudFormation custom resources: the request model, the response document, and its PUT to
// the pre-signed ResponseURL. The PUT (and the HTTPS client under it) is reached only from the
// answer hooks, which only the routes of this source instantiate: a function without custom
// resource routes does not link the client for it.
#include "lift/events/cloudformation.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <boost/json/serialize.hpp>

#include "lift/aws/http_client.hpp"
#include "lift/aws/retry.hpp"
#include "lift/core/glob.hpp"
#include "lift/core/uuid.hpp"

namespace lift::events {

namespace {

// CloudFormation's limits on a response (the custom resource response reference).
constexpr std::size_t kMaxResponseBytes = 4096;
constexpr std::size_t kMaxPhysicalIdBytes = 1024;
// Without an invocation deadline, how long the PUT may take, retries included.
constexpr std::chrono::seconds kSendBudgetWithoutDeadline{10};

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

boost::json::object response_document(const boost::json::value& event, const Result<CustomResourceResponse>& outcome) {
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

std::chrono::steady_clock::time_point send_deadline(const AnswerContext& context) {
  const auto now = std::chrono::steady_clock::now();
  if (context.deadline == std::chrono::system_clock::time_point{}) return now + kSendBudgetWithoutDeadline;
  const auto left = context.deadline - std::chrono::system_clock::now();
  return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
}

// The PUT of the document, then the invocation's answer: the document, or why it was not sent.
Result<boost::json::value> respond(const boost::json::value& event, const Result<CustomResourceResponse>& outcome,
                                   const AnswerContext& context) {
  auto document = response_document(event, outcome);
  if (auto sent = send_custom_resource_response(string_member(event, "ResponseURL"), boost::json::serialize(document), context); !sent)
    return Error{sent.error().code, "the answer to CloudFormation was not sent: " + sent.error().message, 502};
  return boost::json::value(std::move(document));
}

}  // namespace

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
  return boost::json::serialize(response_document(event, outcome));
}

Result<void> send_custom_resource_response(std::string_view url, const std::string& document, const AnswerContext& context) {
  auto parsed = aws::parse_url(url);
  if (!parsed) return std::move(parsed).error();
  // The process's client (a function-local static: made once, thread-safe, on first use), so
  // that a warm function reuses its connection.
  static aws::HttpClient client;
  // The pre-signed URL signs no Content-Type: the header goes empty, as cfn-response sends it.
  const aws::HttpRequest request{"PUT", std::string(url), {{"Content-Type", ""}}, document};
  aws::RetryQuota quota;
  aws::RetryPolicy policy;
  policy.max_attempts = 5;
  const auto host = parsed->authority;  // the URL's query is a signature: never in messages
  const std::function<aws::Attempt<void>(std::chrono::milliseconds)> attempt = [&](std::chrono::milliseconds budget) {
    auto response = client.send(request, std::chrono::steady_clock::now() + budget);
    if (!response) {
      const auto kind = aws::classify_error(response.error());
      return aws::Attempt<void>{std::move(response).error(), kind};
    }
    if (response->status >= 200 && response->status < 300) return aws::Attempt<void>{Result<void>(), aws::FailureKind::fatal};
    Error refused{"CustomResourceResponseRefused",
                  host + " answered the PUT with HTTP " + std::to_string(response->status) + ": " + shorten(response->body, 200), 502};
    return aws::Attempt<void>{std::move(refused), aws::classify_failure(response->status, "")};
  };
  return aws::with_retries<void>(policy, quota, send_deadline(context), attempt);
}

bool CloudFormationCustomResource::matches(std::string_view pattern, const Record& event) noexcept {
  return glob_match(pattern, event.ResourceType);
}

Result<boost::json::value> CloudFormationCustomResource::answer(const boost::json::value& event, const Event&,
                                                                std::span<Result<Answer>> outcomes, const AnswerContext& context) {
  return respond(event, outcomes.front(), context);
}

Result<boost::json::value> CloudFormationCustomResource::refused(const boost::json::value& event, const Error& error,
                                                                 const AnswerContext& context) {
  if (!aws::parse_url(string_member(event, "ResponseURL"))) return error;  // nowhere to answer
  auto answered = respond(event, error, context);
  if (!answered) {
    return Error{answered.error().code, answered.error().message + " (it said " + error.code + ": " + error.message + ")",
                 answered.error().status};
  }
  return answered;
}

void CloudFormationCustomResource::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_cloudformation_custom_resource(event));
  out.add("request_type", string_member(event, "RequestType"));
  out.add("resource_type", string_member(event, "ResourceType"));
  out.add("logical_resource_id", string_member(event, "LogicalResourceId"));
  out.add("physical_resource_id", string_member(event, "PhysicalResourceId"));
  out.add("stack_id", string_member(event, "StackId"));
}

Result<boost::json::value> CloudFormationCustomResource::sample(const SampleOptions& options) {
  const auto& type = options.request_type;
  if (type != "Create" && type != "Update" && type != "Delete")
    return invalid_sample("the request type is Create, Update or Delete, not \"" + type + "\"");
  if (options.resource_type.empty() || options.logical_id.empty()) return invalid_sample("a custom resource has a type and a logical id");
  if (!aws::parse_url(options.response_url)) return invalid_sample("the response URL is not an http(s) URL");
  const std::string function = "arn:aws:lambda:us-east-1:123456789012:function:custom-resource-provider";
  boost::json::object event{{"RequestType", type},
                            {"ServiceToken", function},
                            {"ResponseURL", options.response_url},
                            {"StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/" + uuid()},
                            {"RequestId", uuid()},
                            {"LogicalResourceId", options.logical_id},
                            {"ResourceType", options.resource_type},
                            {"ResourceProperties", {{"ServiceToken", function}, {"TableName", "orders"}}}};
  if (type != "Create") event["PhysicalResourceId"] = options.logical_id + "-" + uuid().substr(0, 8);
  if (type == "Update") event["OldResourceProperties"] = {{"ServiceToken", function}, {"TableName", "orders-old"}};
  return boost::json::value(std::move(event));
}

}  // namespace lift::events
