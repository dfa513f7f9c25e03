#pragma once
// AWS CloudFormation custom resources backed by a function: a Create, Update or Delete request
// for a resource of a template ("Custom::Database"), answered by a PUT of a response document
// to the request's pre-signed ResponseURL (an S3 URL), never by the function's return value.
//
//   auto request = lift::events::parse_cloudformation_custom_resource(json);
//   request->RequestType;                    // "Create"
//   request->properties().at("TableName");   // ResourceProperties (every value a string:
//                                            // CloudFormation sends numbers and booleans as text)
//
// Routed through App (app.custom_resource), lift sends the answer itself, whatever happens:
// CloudFormation waits an hour for an answer that never comes.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/events/common.hpp"

namespace lift::events {

struct CloudFormationCustomResourceEvent {
  std::string RequestType;  // "Create", "Update" or "Delete"
  std::string ServiceToken;
  std::string ResponseURL;  // pre-signed: where the answer is PUT
  std::string StackId;
  std::string RequestId;
  std::string LogicalResourceId;
  std::optional<std::string> PhysicalResourceId;  // Update and Delete: the id the resource was given
  std::string ResourceType;                       // "Custom::MyType" or "AWS::CloudFormation::CustomResource"
  std::optional<boost::json::value> ResourceProperties;
  std::optional<boost::json::value> OldResourceProperties;  // Update: the properties before

  // ResourceProperties (OldResourceProperties) as an object; empty when absent.
  [[nodiscard]] const boost::json::object& properties() const noexcept;
  [[nodiscard]] const boost::json::object& old_properties() const noexcept;
};
BOOST_DESCRIBE_STRUCT(CloudFormationCustomResourceEvent, (),
                      (RequestType, ServiceToken, ResponseURL, StackId, RequestId, LogicalResourceId, PhysicalResourceId,
                       ResourceType, ResourceProperties, OldResourceProperties))

// Required: RequestType (Create, Update or Delete), ResponseURL, StackId, RequestId,
// LogicalResourceId and ResourceType; PhysicalResourceId on Update and Delete.
void lift_rules(lift::json::Rules<CloudFormationCustomResourceEvent>& r);

Result<CloudFormationCustomResourceEvent> parse_cloudformation_custom_resource(const boost::json::value& event);

// What a custom resource handler returns when it succeeded (an error, or an exception, is a
// FAILED answer with the error as its reason). Every member may stay empty:
struct CustomResourceResponse {
  // The resource's id; empty: the request's (Update, Delete), or for Create the RequestId (what
  // the CDK provider framework does: stable when CloudFormation retries the request). A
  // different id on Update means the resource was replaced: CloudFormation then deletes the
  // old one.
  std::string PhysicalResourceId{};
  boost::json::object Data{};  // the attributes Fn::GetAtt reads
  bool NoEcho = false;         // mask Data where CloudFormation shows it
  std::string Reason{};        // optional on success
};

// The response document CloudFormation reads ({"Status":"SUCCESS"|"FAILED", "Reason",
// "PhysicalResourceId", "StackId", "RequestId", "LogicalResourceId", "NoEcho", "Data"}) for
// the request `event` (its raw JSON: a malformed request is still answered) and the handler's
// outcome. CloudFormation refuses documents over 4096 bytes and ids over 1 KB: a success that
// does not fit is answered FAILED saying so, a failure's reason is shortened to fit.
[[nodiscard]] std::string custom_resource_response(const boost::json::value& event, const Result<CustomResourceResponse>& outcome);

// PUTs `document` to the pre-signed `url` as CloudFormation expects (no Content-Type, a
// Content-Length), retrying connection failures and 5xx answers with backoff until the
// invocation's deadline minus a margin (without one, 10 s). Errors: the client's transport
// codes (lift/aws/http_client.hpp), "CustomResourceResponseRefused" for an answer other than
// 2xx, "aws.deadline_exceeded" when no time was left.
Result<void> send_custom_resource_response(std::string_view url, const std::string& document, const AnswerContext& context);

// The options of CloudFormationCustomResource::sample.
struct CloudFormationCustomResourceSampleOptions {
  std::string request_type = "Create";
  std::string resource_type = "Custom::Database";
  std::string logical_id = "Database";
  std::string response_url = "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/example";
};
BOOST_DESCRIBE_STRUCT(CloudFormationCustomResourceSampleOptions, (), (request_type, resource_type, logical_id, response_url))

// The source: one request per invocation, routed by its ResourceType ("Custom::Database",
// "Custom::*"). A handler returns nothing (a default success), a CustomResourceResponse, or
// an error; lift PUTs the response document to ResponseURL in every case: an error or an
// exception is FAILED with its reason, and so is a request no route takes, a malformed request
// that has a ResponseURL, or on_event failing on it (the refused hook, lift/events/source.hpp).
// Once the answer is sent the invocation succeeds with the document as its result (so that
// Lambda's retries of asynchronous invocations do not run the handler again); when it cannot be
// sent, the invocation fails with why.
struct CloudFormationCustomResource {
  static constexpr SourceInfo info{"cloudformation-custom-resource", "AWS CloudFormation custom resource requests"};
  using Event = CloudFormationCustomResourceEvent;
  using Record = Event;
  using Answer = CustomResourceResponse;
  static bool detect(const boost::json::value& event) noexcept {
    return !string_member(event, "RequestType").empty() && !string_member(event, "ResponseURL").empty() &&
           !string_member(event, "StackId").empty();
  }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = CloudFormationCustomResourceSampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"request_type", "Create, Update or Delete"},
      {"resource_type", "the resource's type in the template (\"Custom::...\")"},
      {"logical_id", "the resource's logical id in the template"},
      {"response_url", "where the answer is PUT (pre-signed S3 URL)"},
  };
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_cloudformation_custom_resource(event); }
  static std::span<const Record> records(const Event& event) noexcept { return {&event, 1}; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return {&event}; }
  static bool matches(std::string_view pattern, const Record& event) noexcept;
  static std::string describe(const Record& event) {
    return "the custom resource " + event.LogicalResourceId + " of type " + event.ResourceType;
  }
  static constexpr Failures failures = Failures::fail_invocation;
  static Result<boost::json::value> answer(const boost::json::value& event, const Event& typed, std::span<Result<Answer>> outcomes,
                                           const AnswerContext& context);
  static Result<boost::json::value> refused(const boost::json::value& event, const Error& error, const AnswerContext& context);
};
LIFT_EVENT_SOURCE(CloudFormationCustomResource);

}  // namespace lift::events
