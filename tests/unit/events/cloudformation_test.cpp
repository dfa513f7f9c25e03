// The CloudFormation custom resource model: AWS's samples, the response document (exact
// bodies, default ids, CloudFormation's size limits), routing, bad input and generated samples.
// The PUT of the document is tested against a local server in tests/unit/app.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "event_samples.hpp"
#include "generated_samples.hpp"
#include "lift/events/cloudformation.hpp"
#include "lift/json/convert.hpp"
#include "support/requirements.hpp"

namespace {

namespace ev = lift::events;
using Json = boost::json::value;

Json request(std::string type) {
  Json out{{"RequestType", type},
           {"ServiceToken", "arn:aws:lambda:us-east-1:1:function:f"},
           {"ResponseURL", "http://127.0.0.1:9/response?signature=x"},
           {"StackId", "arn:aws:cloudformation:us-east-1:1:stack/s/1"},
           {"RequestId", "req-1"},
           {"LogicalResourceId", "Database"},
           {"ResourceType", "Custom::Database"},
           {"ResourceProperties", {{"ServiceToken", "arn"}, {"TableName", "orders"}}}};
  if (type != "Create") out.as_object()["PhysicalResourceId"] = "db-1";
  return out;
}

TEST(CloudFormationModel, AwsSamplesParseAndWriteBackWhatTheyRead) {
  const auto samples = lift_test::aws_samples_of("cloudformation-custom-resource");
  if (samples.empty()) LIFT_SKIP_WITHOUT() << "sample events not available";
  // Three in events-new, and Create again in events/unknown.
  EXPECT_EQ(lift_test::expect_aws_samples_round_trip("cloudformation-custom-resource", ev::parse_cloudformation_custom_resource), 4u);
  for (const auto& s : samples) {
    SCOPED_TRACE(s.file);
    auto event = ev::parse_cloudformation_custom_resource(s.event);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->ResourceType, "Custom::MyType");
    EXPECT_TRUE(event->properties().at("MyProps").is_string());
    EXPECT_EQ(event->PhysicalResourceId.has_value(), event->RequestType != "Create");
    EXPECT_EQ(event->old_properties().empty(), event->RequestType != "Update");
  }
}

TEST(CloudFormationModel, BadInputIsInvalidEventNamingTheMember) {
  const auto without = [](Json json, const char* member) {
    json.as_object().erase(member);
    return json;
  };
  const auto with = [](Json json, const char* member, Json value) {
    json.as_object()[member] = std::move(value);
    return json;
  };
  for (const auto& [json, where] : std::vector<std::pair<Json, std::string>>{
           {without(request("Create"), "RequestId"), "RequestId: is required"},
           {without(request("Create"), "LogicalResourceId"), "LogicalResourceId: is required"},
           {without(request("Create"), "ResourceType"), "ResourceType: is required"},
           {with(request("Create"), "RequestType", "Upsert"), "RequestType: must be one of"},
           {without(request("Update"), "PhysicalResourceId"), "PhysicalResourceId: is required on Update and Delete"},
           {with(request("Delete"), "PhysicalResourceId", ""), "PhysicalResourceId: is required on Update and Delete"},
           {with(request("Create"), "StackId", 7), "StackId"},
       }) {
    auto parsed = ev::parse_cloudformation_custom_resource(json);
    ASSERT_FALSE(parsed) << json;
    EXPECT_EQ(parsed.error().code, "InvalidEvent");
    EXPECT_NE(parsed.error().message.find(where), std::string::npos) << parsed.error().message;
  }
  // Still detected, so that the request is answered.
  EXPECT_TRUE(ev::CloudFormationCustomResource::detect(without(request("Create"), "RequestId")));
  for (const char* json : {R"({"RequestType":"Create","ResponseURL":"u"})", R"({"RequestType":"Create","StackId":"s"})",
                           R"({"ResponseURL":"u","StackId":"s"})", R"({"RequestType":1,"ResponseURL":"u","StackId":"s"})"}) {
    EXPECT_FALSE(ev::CloudFormationCustomResource::detect(boost::json::parse(json))) << json;
  }
}

TEST(CloudFormationResponse, SuccessDocumentsAreExact) {
  // Create without an id from the handler: the RequestId; Update: the request's id.
  EXPECT_EQ(ev::custom_resource_response(request("Create"), ev::CustomResourceResponse{}),
            R"({"Status":"SUCCESS","PhysicalResourceId":"req-1","StackId":"arn:aws:cloudformation:us-east-1:1:stack/s/1",)"
            R"("RequestId":"req-1","LogicalResourceId":"Database","NoEcho":false})");
  EXPECT_EQ(ev::custom_resource_response(request("Update"), ev::CustomResourceResponse{}),
            R"({"Status":"SUCCESS","PhysicalResourceId":"db-1","StackId":"arn:aws:cloudformation:us-east-1:1:stack/s/1",)"
            R"("RequestId":"req-1","LogicalResourceId":"Database","NoEcho":false})");
  ev::CustomResourceResponse response{.PhysicalResourceId = "db-2", .Data = {{"Endpoint", "db.example.com"}, {"Port", "5432"}},
                                      .NoEcho = true, .Reason = "replaced"};
  EXPECT_EQ(ev::custom_resource_response(request("Update"), response),
            R"({"Status":"SUCCESS","Reason":"replaced","PhysicalResourceId":"db-2",)"
            R"("StackId":"arn:aws:cloudformation:us-east-1:1:stack/s/1","RequestId":"req-1","LogicalResourceId":"Database",)"
            R"("NoEcho":true,"Data":{"Endpoint":"db.example.com","Port":"5432"}})");
}

TEST(CloudFormationResponse, FailuresCarryTheErrorAsReason) {
  const lift::Result<ev::CustomResourceResponse> failed = lift::Error{"TableExists", "orders already exists", 409};
  EXPECT_EQ(ev::custom_resource_response(request("Create"), failed),
            R"({"Status":"FAILED","Reason":"TableExists: orders already exists","PhysicalResourceId":"req-1",)"
            R"("StackId":"arn:aws:cloudformation:us-east-1:1:stack/s/1","RequestId":"req-1","LogicalResourceId":"Database",)"
            R"("NoEcho":false})");
  EXPECT_EQ(boost::json::parse(ev::custom_resource_response(request("Delete"), failed)).at("PhysicalResourceId"), "db-1");
  // A request without ids still gets a non-empty one.
  EXPECT_EQ(boost::json::parse(ev::custom_resource_response(Json{{"ResponseURL", "u"}}, failed)).at("PhysicalResourceId"),
            "unknown-request");
}

TEST(CloudFormationResponse, CloudFormationsLimitsAreKept) {
  // A success too large for 4096 bytes: FAILED, saying so, without the Data.
  ev::CustomResourceResponse big;
  big.Data["Blob"] = std::string(5000, 'x');
  const auto too_big = boost::json::parse(ev::custom_resource_response(request("Create"), big));
  EXPECT_EQ(too_big.at("Status"), "FAILED");
  EXPECT_NE(std::string(too_big.at("Reason").as_string()).find("4096"), std::string::npos) << too_big;
  EXPECT_FALSE(too_big.as_object().contains("Data"));
  // Just under the limit goes as it is.
  ev::CustomResourceResponse fits;
  const auto overhead = ev::custom_resource_response(request("Create"), ev::CustomResourceResponse{.Data = {{"Blob", ""}}}).size();
  fits.Data["Blob"] = std::string(4096 - overhead, 'x');
  const auto exact = ev::custom_resource_response(request("Create"), fits);
  EXPECT_EQ(exact.size(), 4096u);
  EXPECT_EQ(boost::json::parse(exact).at("Status"), "SUCCESS");
  // An id over 1 KB: FAILED.
  ev::CustomResourceResponse long_id;
  long_id.PhysicalResourceId = std::string(1025, 'i');
  EXPECT_EQ(boost::json::parse(ev::custom_resource_response(request("Create"), long_id)).at("Status"), "FAILED");
  // A failure's reason is shortened until the document fits, escapes included.
  for (const std::string& message : {std::string(10000, 'r'), std::string(3000, '"'), std::string(2000, '\x01')}) {
    const lift::Result<ev::CustomResourceResponse> failed = lift::Error{"Boom", message, 500};
    const auto document = ev::custom_resource_response(request("Create"), failed);
    EXPECT_LE(document.size(), 4096u);
    EXPECT_GT(document.size(), 3000u);
    const auto json = boost::json::parse(document);
    EXPECT_EQ(json.at("Status"), "FAILED");
    EXPECT_TRUE(std::string(json.at("Reason").as_string()).starts_with("Boom: "));
    EXPECT_TRUE(std::string(json.at("Reason").as_string()).ends_with("..."));
  }
}

TEST(CloudFormationSource, RoutesByResourceType) {
  auto event = ev::parse_cloudformation_custom_resource(request("Create"));
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_TRUE(ev::CloudFormationCustomResource::matches("Custom::Database", *event));
  EXPECT_TRUE(ev::CloudFormationCustomResource::matches("Custom::*", *event));
  EXPECT_FALSE(ev::CloudFormationCustomResource::matches("Custom::Queue", *event));
  EXPECT_FALSE(ev::CloudFormationCustomResource::matches("Database", *event));
  EXPECT_EQ(ev::CloudFormationCustomResource::describe(*event), "the custom resource Database of type Custom::Database");
  const auto inspected = ev::inspect(request("Update"));
  EXPECT_EQ(inspected.at("source"), "cloudformation-custom-resource");
  EXPECT_EQ(inspected.at("request_type"), "Update");
  EXPECT_EQ(inspected.at("physical_resource_id"), "db-1");
  EXPECT_FALSE(inspected.contains("error"));
}

TEST(CloudFormationSource, GeneratedSamplesLookLikeAws) {
  const std::set<std::string> free_form{"ResourceProperties", "OldResourceProperties"};
  for (const char* type : {"Create", "Update", "Delete"}) {
    ev::CloudFormationCustomResourceSampleOptions options;
    options.request_type = type;
    lift_test::expect_sample_like_aws<ev::CloudFormationCustomResource>(options, free_form);
  }
  ev::CloudFormationCustomResourceSampleOptions options;
  options.request_type = "Upsert";
  EXPECT_EQ(ev::CloudFormationCustomResource::sample(options).error().code, "InvalidSample");
  options = {};
  options.response_url = "ftp://example.com/x";
  EXPECT_FALSE(ev::CloudFormationCustomResource::sample(options));
}

}  // namespace
