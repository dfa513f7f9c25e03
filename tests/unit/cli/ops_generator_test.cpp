// `lift ops`'s generator on a fixed OpenAPI document: the alarms (error rate as metric math over
// the middleware's Errors and Requests, p99 latency per route on the route dimension the
// middleware writes, Lambda throttles, dead-letter depth), the dashboard, the thresholds set by
// flags and by an overrides document, the refusal of bad settings, and the CloudFormation
// fragment (placeholders as parameters, Ref and Fn::Sub).

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <string>

#include "ops_generator.hpp"

namespace {

namespace bj = boost::json;
namespace ops = lift::cli::ops;

const bj::value kOpenApi = bj::parse(R"({
  "openapi": "3.1.0",
  "info": {"title": "shop", "version": "1"},
  "paths": {
    "/orders": {"get": {"operationId": "getOrders"}, "post": {"operationId": "postOrders"}},
    "/orders/{id}": {"parameters": [], "get": {"operationId": "getOrdersId"}, "delete": {"operationId": "deleteOrdersId"}},
    "/orders/id": {"get": {"operationId": "getOrdersId2"}}
  }
})");

std::vector<ops::Route> routes() {
  auto r = ops::routes_of_openapi(kOpenApi);
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : std::vector<ops::Route>{};
}

ops::Options shop() {
  ops::Options o;
  o.service = "shop";
  o.metrics_namespace = "Shop";
  return o;
}

bj::object document(const ops::Options& o) {
  auto d = ops::ops_document(routes(), o);
  EXPECT_TRUE(d) << d.error().message;
  return d ? *d : bj::object{};
}

const bj::object* alarm(const bj::object& doc, std::string_view id) {
  for (const auto& a : doc.at("alarms").as_array())
    if (a.as_object().at("id") == bj::value(id)) return &a.as_object();
  return nullptr;
}

std::string dimensions_of(const bj::value& dims) {
  std::string out;
  for (const auto& d : dims.as_array()) out += std::string(d.at("Name").as_string()) + "=" + std::string(d.at("Value").as_string()) + ";";
  return out;
}

TEST(OpsRoutes, ReadsEveryOperationOfTheDocument) {
  const auto r = routes();
  std::vector<std::string> keys;
  for (const auto& route : r) keys.push_back(route.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"GET /orders", "POST /orders", "GET /orders/{id}", "DELETE /orders/{id}", "GET /orders/id"}));
  EXPECT_EQ(ops::route_dimension("/orders/{id}"), "/orders/:id");
  EXPECT_EQ(ops::route_dimension("/a/{x}/b/{y}"), "/a/:x/b/:y");
  EXPECT_EQ(ops::route_dimension("/a/x{y}"), "/a/x{y}");  // not a whole segment: literal
  EXPECT_EQ(ops::route_dimension("/"), "/");
}

TEST(OpsRoutes, RefusesWhatIsNotAnOpenApiDocument) {
  for (const char* text : {R"([])", R"({"paths": {}})", R"({"openapi": "2.0"})", R"({"openapi": "3.1.0", "paths": []})",
                           R"({"openapi": "3.1.0", "paths": {"orders": {}}})", R"({"openapi": "3.1.0", "paths": {"/a": {"get": 1}}})",
                           "{\"openapi\": \"3.1.0\", \"paths\": {\"/\\u0001\": {}}}"}) {
    SCOPED_TRACE(text);
    const auto r = ops::routes_of_openapi(bj::parse(text));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "Ops.BadOpenApi");
  }
  // No paths: a function without HTTP routes (an SQS worker) has only the function's alarms.
  const auto none = ops::routes_of_openapi(bj::parse(R"({"openapi": "3.1.0"})"));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(OpsDocument, ErrorRateIsMetricMathOverTheServicesErrorsAndRequests) {
  const auto doc = document(shop());
  EXPECT_EQ(doc.at("version"), bj::value(1));
  EXPECT_EQ(doc.at("service"), bj::value("shop"));
  EXPECT_EQ(doc.at("namespace"), bj::value("Shop"));
  const auto* a = alarm(doc, "ErrorRateAlarm");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->at("kind"), bj::value("error-rate"));
  EXPECT_EQ(a->at("rollback"), bj::value(true));
  EXPECT_FALSE(a->contains("route"));
  const auto& p = a->at("properties").as_object();
  EXPECT_EQ(p.at("AlarmName"), bj::value("${FunctionName} error rate"));
  EXPECT_EQ(p.at("Threshold").to_number<double>(), 0.01);
  EXPECT_EQ(p.at("ComparisonOperator"), bj::value("GreaterThanThreshold"));
  EXPECT_EQ(p.at("TreatMissingData"), bj::value("notBreaching"));
  EXPECT_EQ(p.at("EvaluationPeriods"), bj::value(5));
  EXPECT_EQ(p.at("DatapointsToAlarm"), bj::value(3));
  EXPECT_FALSE(p.contains("MetricName"));  // metric math: Metrics only
  const auto& m = p.at("Metrics").as_array();
  ASSERT_EQ(m.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    const auto& stat = m[i].at("MetricStat").as_object();
    EXPECT_EQ(stat.at("Metric").at("Namespace"), bj::value("Shop"));
    EXPECT_EQ(stat.at("Metric").at("MetricName"), bj::value(i == 0 ? "Errors" : "Requests"));
    EXPECT_EQ(dimensions_of(stat.at("Metric").at("Dimensions")), "service=shop;");
    EXPECT_EQ(stat.at("Stat"), bj::value("Sum"));
    EXPECT_EQ(stat.at("Period"), bj::value(60));
    EXPECT_EQ(m[i].at("ReturnData"), bj::value(false));
  }
  EXPECT_EQ(m[2].at("Expression"), bj::value("IF(requests >= 10, FILL(errors, 0) / requests, 0)"));
  EXPECT_EQ(m[2].at("ReturnData"), bj::value(true));
}

TEST(OpsDocument, LatencyAlarmPerRouteOnTheMiddlewaresDimensions) {
  auto o = shop();
  ASSERT_TRUE(ops::add_route_p99(o.thresholds, "GET /orders/:id=250", routes()));
  ASSERT_TRUE(ops::add_route_p99(o.thresholds, "delete /orders/{id}=off", routes()));
  const auto doc = document(o);
  std::set<std::string> latency;
  for (const auto& a : doc.at("alarms").as_array())
    if (a.at("kind") == bj::value("latency-p99")) latency.insert(std::string(a.at("route").as_string()));
  EXPECT_EQ(latency, (std::set<std::string>{"GET /orders", "POST /orders", "GET /orders/{id}", "GET /orders/id"}));

  const auto* a = alarm(doc, "LatencyP99GetOrdersIdAlarm");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->at("route"), bj::value("GET /orders/{id}"));
  const auto& p = a->at("properties").as_object();
  EXPECT_EQ(p.at("Namespace"), bj::value("Shop"));
  EXPECT_EQ(p.at("MetricName"), bj::value("Latency"));
  EXPECT_EQ(dimensions_of(p.at("Dimensions")), "service=shop;route=/orders/:id;method=GET;status=2xx;");
  EXPECT_EQ(p.at("ExtendedStatistic"), bj::value("p99"));
  EXPECT_FALSE(p.contains("Statistic"));
  EXPECT_EQ(p.at("Threshold"), bj::value(250));
  // The literal /orders/id makes the same words: a numbered id.
  const auto* literal = alarm(doc, "LatencyP99GetOrdersId2Alarm");
  ASSERT_NE(literal, nullptr);
  EXPECT_EQ(literal->at("properties").at("Threshold"), bj::value(1000));
  EXPECT_EQ(dimensions_of(literal->at("properties").at("Dimensions")), "service=shop;route=/orders/id;method=GET;status=2xx;");

  std::set<std::string> ids;
  for (const auto& alarm_value : doc.at("alarms").as_array()) EXPECT_TRUE(ids.insert(std::string(alarm_value.at("id").as_string())).second);
}

TEST(OpsDocument, ThrottlesAndDeadLettersAreLambdasAndSqssMetrics) {
  auto o = shop();
  auto doc = document(o);
  EXPECT_EQ(alarm(doc, "DeadLetterDepthAlarm"), nullptr);
  EXPECT_EQ(bj::serialize(doc).find("DeadLetterQueueName"), std::string::npos);
  const auto* t = alarm(doc, "ThrottlesAlarm");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->at("rollback"), bj::value(false));
  EXPECT_EQ(t->at("properties").at("Namespace"), bj::value("AWS/Lambda"));
  EXPECT_EQ(t->at("properties").at("MetricName"), bj::value("Throttles"));
  EXPECT_EQ(dimensions_of(t->at("properties").at("Dimensions")), "FunctionName=${FunctionName};");
  EXPECT_EQ(t->at("properties").at("Statistic"), bj::value("Sum"));
  EXPECT_EQ(t->at("properties").at("ComparisonOperator"), bj::value("GreaterThanOrEqualToThreshold"));

  o.dead_letter_queue = true;
  doc = document(o);
  const auto* d = alarm(doc, "DeadLetterDepthAlarm");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->at("kind"), bj::value("dead-letter-depth"));
  EXPECT_EQ(d->at("rollback"), bj::value(false));
  EXPECT_EQ(d->at("properties").at("Namespace"), bj::value("AWS/SQS"));
  EXPECT_EQ(d->at("properties").at("MetricName"), bj::value("ApproximateNumberOfMessagesVisible"));
  EXPECT_EQ(dimensions_of(d->at("properties").at("Dimensions")), "QueueName=${DeadLetterQueueName};");
  EXPECT_EQ(d->at("properties").at("EvaluationPeriods"), bj::value(1));
}

TEST(OpsDocument, DashboardHasTheServiceLambdaAndEveryRoute) {
  const auto doc = document(shop());
  const auto& dashboard = doc.at("dashboard").as_object();
  EXPECT_EQ(dashboard.at("name"), bj::value("${FunctionName}"));
  const auto& widgets = dashboard.at("body").at("widgets").as_array();
  std::set<std::string> titles;
  for (const auto& w : widgets) {
    EXPECT_EQ(w.at("type"), bj::value("metric"));
    const auto x = w.at("x").to_number<int>(), width = w.at("width").to_number<int>();
    EXPECT_LE(x + width, 24);
    EXPECT_GT(w.at("height").to_number<int>(), 0);
    const auto& p = w.at("properties").as_object();
    EXPECT_EQ(p.at("region"), bj::value("${AWS::Region}"));
    titles.insert(std::string(p.at("title").as_string()));
    for (const auto& row : p.at("metrics").as_array()) ASSERT_TRUE(row.is_array());
  }
  for (const char* t : {"Requests and errors", "Error rate", "Cold starts", "Throttles and concurrency", "GET /orders",
                        "POST /orders", "GET /orders/{id}", "DELETE /orders/{id}", "GET /orders/id"})
    EXPECT_TRUE(titles.contains(t)) << t;
  const auto text = bj::serialize(dashboard);
  EXPECT_NE(text.find(R"(["Shop","ColdStart","function_name","${FunctionName}","service","shop"])"), std::string::npos);
  EXPECT_NE(text.find(R"(["AWS/Lambda","ConcurrentExecutions","FunctionName","${FunctionName}")"), std::string::npos);
  EXPECT_NE(text.find(R"(["Shop","Latency","service","shop","route","/orders/:id","method","DELETE","status","2xx",{"stat":"p99")"),
            std::string::npos);
}

TEST(OpsDocument, AFunctionNameReplacesThePlaceholder) {
  auto o = shop();
  o.function_name = "shop-prod";
  const auto text = bj::serialize(document(o));
  EXPECT_EQ(text.find("${FunctionName}"), std::string::npos);
  EXPECT_NE(text.find(R"("AlarmName":"shop-prod error rate")"), std::string::npos);
  EXPECT_NE(text.find(R"({"Name":"FunctionName","Value":"shop-prod"})"), std::string::npos);
}

TEST(OpsDocument, DescriptionsSayTheThresholds) {
  auto o = shop();
  o.thresholds.error_rate = 0.07;
  const auto doc = document(o);
  const std::string description(alarm(doc, "ErrorRateAlarm")->at("properties").at("AlarmDescription").as_string());
  EXPECT_NE(description.find("More than 7% of shop's requests failed"), std::string::npos) << description;
  EXPECT_NE(description.find("3 of 5 periods of 60 s"), std::string::npos) << description;
}

TEST(OpsOptions, BadSettingsAreRefusedWithTheReason) {
  const auto refused = [](const ops::Options& o, std::string_view reason) {
    const auto d = ops::ops_document(routes(), o);
    ASSERT_FALSE(d) << reason;
    EXPECT_EQ(d.error().code, "Ops.BadFlag");
    EXPECT_NE(d.error().message.find(reason), std::string::npos) << d.error().message;
  };
  auto o = shop();
  o.thresholds.error_rate = 1.5;
  refused(o, "error rate");
  o = shop();
  o.thresholds.error_rate = 0;
  refused(o, "error rate");
  o = shop();
  o.period_seconds = 45;
  refused(o, "multiple of 60");
  o = shop();
  o.evaluation_periods = 2;
  refused(o, "datapoints");
  o = shop();
  o.period_seconds = 3600;
  o.evaluation_periods = 25;
  o.datapoints_to_alarm = 1;
  refused(o, "one day");
  o = shop();
  o.metrics_namespace = "AWS/Lambda";
  refused(o, "namespace");
  o = shop();
  o.metrics_namespace = "bad$name";
  refused(o, "namespace");
  o = shop();
  o.service = "";
  refused(o, "service");
  o = shop();
  o.function_name = "a b";
  refused(o, "function name");
  o = shop();
  o.thresholds.p99_ms = -1;
  refused(o, "p99");

  ops::Thresholds t;
  for (const char* spec : {"GET /orders", "GET /nope=10", "GET /orders=fast", "GET /orders=0", "GET /orders=-5", "GET/orders=1",
                           "/orders=1", "GET /orders=1ms"}) {
    const auto added = ops::add_route_p99(t, spec, routes());
    ASSERT_FALSE(added) << spec;
    EXPECT_EQ(added.error().code, "Ops.BadFlag");
  }
  const auto unknown = ops::add_route_p99(t, "PUT /orders=10", routes());
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("its routes: GET /orders, POST /orders"), std::string::npos) << unknown.error().message;
  EXPECT_TRUE(t.route_p99_ms.empty());
}

TEST(OpsOptions, OverridesDocumentSetsWhatFlagsSet) {
  auto o = shop();
  const auto applied = ops::apply_overrides(o, bj::parse(R"({
      "service": "orders", "namespace": "Orders", "period": 120, "evaluationPeriods": 3, "datapointsToAlarm": 2,
      "errorRate": 0.05, "minRequests": 50, "p99Ms": 800, "throttles": 5, "deadLetterQueue": true, "deadLetterMessages": 10,
      "routes": {"GET /orders/:id": {"p99Ms": 120}, "POST /orders": {"p99Ms": null}}})"),
                                            routes());
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(o.service, "orders");
  EXPECT_EQ(o.metrics_namespace, "Orders");
  EXPECT_EQ(o.period_seconds, 120u);
  EXPECT_EQ(o.evaluation_periods, 3u);
  EXPECT_EQ(o.datapoints_to_alarm, 2u);
  EXPECT_EQ(o.thresholds.error_rate, 0.05);
  EXPECT_EQ(o.thresholds.min_requests, 50u);
  EXPECT_EQ(o.thresholds.p99_ms, 800);
  EXPECT_EQ(o.thresholds.throttles, 5);
  EXPECT_TRUE(o.dead_letter_queue);
  EXPECT_EQ(o.thresholds.dead_letter_messages, 10);
  EXPECT_EQ(o.thresholds.route_p99_ms.at("GET /orders/{id}"), std::optional<double>(120));
  EXPECT_EQ(o.thresholds.route_p99_ms.at("POST /orders"), std::nullopt);
  const auto doc = document(o);
  EXPECT_EQ(alarm(doc, "LatencyP99PostOrdersAlarm"), nullptr);
  EXPECT_EQ(alarm(doc, "ErrorRateAlarm")->at("properties").at("Metrics").at(2).at("Expression"),
            bj::value("IF(requests >= 50, FILL(errors, 0) / requests, 0)"));

  for (const char* bad : {R"([])", R"({"colour": "red"})", R"({"period": "60"})", R"({"period": 1.5})", R"({"errorRate": -1})",
                          R"({"deadLetterQueue": 1})", R"({"routes": {"GET /nope": {"p99Ms": 1}}})",
                          R"({"routes": {"GET /orders": 100}})", R"({"routes": {"GET /orders": {"p99Ms": 1, "x": 2}}})"}) {
    auto fresh = shop();
    const auto refused = ops::apply_overrides(fresh, bj::parse(bad), routes());
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, "Ops.BadFlag");
  }
}

TEST(OpsCloudFormation, AlarmsAndDashboardWithPlaceholdersAsParameters) {
  auto o = shop();
  o.dead_letter_queue = true;
  const auto doc = document(o);
  const auto fragment = ops::cloudformation_fragment(doc, {});
  ASSERT_TRUE(fragment) << fragment.error().message;
  const auto& parameters = fragment->at("Parameters").as_object();
  EXPECT_TRUE(parameters.contains("FunctionName"));
  EXPECT_TRUE(parameters.contains("DeadLetterQueueName"));
  EXPECT_EQ(parameters.at("MetricsNamespace").at("Default"), bj::value("Shop"));
  const auto& resources = fragment->at("Resources").as_object();
  EXPECT_EQ(resources.size(), doc.at("alarms").as_array().size() + 1);
  for (const auto& a : doc.at("alarms").as_array())
    EXPECT_EQ(resources.at(a.at("id").as_string()).at("Type"), bj::value("AWS::CloudWatch::Alarm"));

  const auto& latency = resources.at("LatencyP99GetOrdersIdAlarm").at("Properties").as_object();
  EXPECT_EQ(latency.at("AlarmName"), bj::parse(R"({"Fn::Sub": "${FunctionName} p99 GET /orders/{id}"})"));
  EXPECT_EQ(latency.at("Namespace"), bj::parse(R"({"Ref": "MetricsNamespace"})"));
  const auto& throttles = resources.at("ThrottlesAlarm").at("Properties").as_object();
  EXPECT_EQ(throttles.at("Namespace"), bj::value("AWS/Lambda"));
  EXPECT_EQ(throttles.at("Dimensions"), bj::parse(R"([{"Name": "FunctionName", "Value": {"Ref": "FunctionName"}}])"));
  EXPECT_EQ(resources.at("DeadLetterDepthAlarm").at("Properties").at("Dimensions"),
            bj::parse(R"([{"Name": "QueueName", "Value": {"Ref": "DeadLetterQueueName"}}])"));
  EXPECT_EQ(resources.at("ErrorRateAlarm").at("Properties").at("Metrics").at(0).at("MetricStat").at("Metric").at("Namespace"),
            bj::parse(R"({"Ref": "MetricsNamespace"})"));

  const auto& dashboard = resources.at("Dashboard").as_object();
  EXPECT_EQ(dashboard.at("Type"), bj::value("AWS::CloudWatch::Dashboard"));
  EXPECT_EQ(dashboard.at("Properties").at("DashboardName"), bj::parse(R"({"Ref": "FunctionName"})"));
  const std::string body(dashboard.at("Properties").at("DashboardBody").at("Fn::Sub").as_string());
  // Once the parameters are substituted, the body is the document's dashboard.
  std::string substituted = body;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{{"${MetricsNamespace}", "Shop"}}) {
    for (auto at = substituted.find(from); at != std::string::npos; at = substituted.find(from)) substituted.replace(at, from.size(), to);
  }
  EXPECT_EQ(bj::parse(substituted), doc.at("dashboard").at("body"));

  // The template's own function resource instead of a parameter.
  const auto in_template = ops::cloudformation_fragment(doc, {.function_resource = "ShopFunction", .id_prefix = ""});
  ASSERT_TRUE(in_template);
  EXPECT_FALSE(in_template->at("Parameters").as_object().contains("FunctionName"));
  EXPECT_EQ(in_template->at("Resources").at("ThrottlesAlarm").at("Properties").at("Dimensions"),
            bj::parse(R"([{"Name": "FunctionName", "Value": {"Ref": "ShopFunction"}}])"));
  const std::string sub_body(in_template->at("Resources").at("Dashboard").at("Properties").at("DashboardBody").at("Fn::Sub").as_string());
  EXPECT_NE(sub_body.find("${ShopFunction}"), std::string::npos);
  EXPECT_EQ(sub_body.find("${FunctionName}"), std::string::npos);

  EXPECT_FALSE(ops::cloudformation_fragment(doc, {.function_resource = "Shop-Function", .id_prefix = ""}));
  EXPECT_FALSE(ops::cloudformation_fragment(doc, {.function_resource = "", .id_prefix = "9Shop"}));
  const auto prefixed = ops::cloudformation_fragment(doc, {.function_resource = "", .id_prefix = "Shop"});
  ASSERT_TRUE(prefixed);
  EXPECT_TRUE(prefixed->at("Resources").as_object().contains("ShopErrorRateAlarm"));
  EXPECT_TRUE(prefixed->at("Resources").as_object().contains("ShopDashboard"));
  EXPECT_EQ(prefixed->at("Resources").as_object().size(), resources.size());
  EXPECT_FALSE(ops::cloudformation_fragment(bj::object{{"alarms", bj::array{}}}, {}));
}

TEST(OpsCloudFormation, LiteralDollarBracesAreEscapedForFnSub) {
  auto o = shop();
  o.service = "shop ${not a parameter}";
  const auto fragment = ops::cloudformation_fragment(document(o), {});
  ASSERT_TRUE(fragment);
  const std::string body(fragment->at("Resources").at("Dashboard").at("Properties").at("DashboardBody").at("Fn::Sub").as_string());
  EXPECT_NE(body.find("shop ${!not a parameter}"), std::string::npos);
  // A description without placeholders stays a plain string, unescaped.
  EXPECT_TRUE(fragment->at("Resources").at("ErrorRateAlarm").at("Properties").at("AlarmDescription").is_string());
}

TEST(OpsPretty, PrintsTheSameValueIndentedWithPlainNumbers) {
  const auto value = bj::parse(R"({"a": [1, 2.5, "x", {"b": null}], "c": {"d": 0.01, "e": 60}, "f": []})");
  const auto text = ops::pretty(value);
  EXPECT_EQ(bj::parse(text), value);
  EXPECT_NE(text.find("0.01"), std::string::npos);
  EXPECT_NE(text.find("\"e\": 60\n"), std::string::npos) << text;
  EXPECT_EQ(ops::pretty(bj::value(60.0)), "60\n");  // a whole double as CloudFormation expects it, not 6E1
  EXPECT_EQ(ops::pretty(bj::value(0.05)), "0.05\n");
  EXPECT_NE(text.find(R"([1, 2.5, "x", {"b":null}])"), std::string::npos) << text;
}

}  // namespace
