#include "lift/aws/ssm.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_set>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "lift/core/env.hpp"
#include "service.hpp"

namespace lift::aws {
namespace {

namespace json = boost::json;

constexpr std::string_view kSsmPrefix = "SSM";
constexpr std::string_view kSsmContentType = "application/x-amz-json-1.1";

Result<json::object> answer_object(std::string_view body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  // No excerpt of the body: it may hold decrypted SecureString values, and messages get logged.
  if (ec || !value.is_object())
    return detail::malformed_answer(kSsmPrefix, "SSM answered with a body of " + std::to_string(body.size()) +
                                                 " bytes that is not a JSON object");
  return std::move(value.as_object());
}

Parameter read_parameter(detail::AnswerReader& read) {
  Parameter parameter;
  parameter.name = read.string("Name");
  parameter.type = read.string("Type");
  parameter.value = read.string("Value");
  parameter.version = read.integer("Version");
  parameter.arn = read.string("ARN");
  parameter.last_modified_date = read.timestamp("LastModifiedDate");
  parameter.selector = read.string("Selector");
  parameter.data_type = read.string("DataType");
  return parameter;
}

Error validation(std::string message) { return Error{std::string(kSsmValidation), std::move(message), 400}; }

}  // namespace

std::vector<std::string> Parameter::values() const {
  if (type != "StringList") return {value};
  std::vector<std::string> items;
  std::string_view rest = value;
  for (;;) {
    const auto comma = rest.find(',');
    items.emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) return items;
    rest.remove_prefix(comma + 1);
  }
}

std::string get_parameter_body(std::string_view name, bool with_decryption) {
  return json::serialize(json::object{{"Name", name}, {"WithDecryption", with_decryption}});
}

std::string get_parameters_body(std::span<const std::string> names, bool with_decryption) {
  json::array list;
  list.reserve(names.size());
  for (const auto& name : names) list.emplace_back(name);
  return json::serialize(json::object{{"Names", std::move(list)}, {"WithDecryption", with_decryption}});
}

Result<Parameter> parse_get_parameter(std::string_view body) {
  auto object = answer_object(body);
  if (!object) return std::move(object).error();
  detail::AnswerReader outer(kSsmPrefix, *object);
  const auto* inner = outer.object("Parameter");
  if (outer.failed()) return outer.error();
  if (inner == nullptr) return detail::malformed_answer(kSsmPrefix, "SSM answered GetParameter without a Parameter");
  detail::AnswerReader read(kSsmPrefix, *inner);
  auto parameter = read_parameter(read);
  if (read.failed()) return read.error();
  return parameter;
}

Result<Parameters> parse_get_parameters(std::string_view body) {
  auto object = answer_object(body);
  if (!object) return std::move(object).error();
  detail::AnswerReader read(kSsmPrefix, *object);
  Parameters result;
  if (const auto* list = read.array("Parameters")) {
    result.parameters.reserve(list->size());
    for (const auto& element : *list) {
      if (!element.is_object()) {
        read.fail("a Parameters entry that is not an object");
        break;
      }
      detail::AnswerReader entry(kSsmPrefix, element.as_object());
      result.parameters.push_back(read_parameter(entry));
      if (entry.failed()) return entry.error();
    }
  }
  result.invalid_parameters = read.strings("InvalidParameters");
  if (read.failed()) return read.error();
  return result;
}

Error parse_ssm_error(int http_status, std::string_view body, std::string_view error_type) {
  return detail::parse_json_error(kSsmPrefix, http_status, body, error_type);
}

struct SsmClient::Impl {
  explicit Impl(detail::ServiceClient::Config config) : service(std::move(config)) {}

  Result<HttpResponse> call(std::string operation, std::string body, Deadline deadline) {
    return service.send("POST", "", detail::json_protocol_headers(kSsmContentType, "AmazonSSM." + operation), std::move(body),
                        deadline, [](const HttpResponse& answer) {
                          return parse_ssm_error(answer.status, answer.body, answer.header("x-amzn-ErrorType"));
                        });
  }

  detail::ServiceClient service;
};

SsmClient::SsmClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SsmClient::SsmClient(SsmClient&&) noexcept = default;
SsmClient& SsmClient::operator=(SsmClient&&) noexcept = default;
SsmClient::~SsmClient() = default;

Result<SsmClient> SsmClient::create(SsmOptions options) {
  std::string region = !options.region.empty() ? std::move(options.region) : resolve_region().value_or("us-east-1");
  auto endpoint = detail::resolve_endpoint(std::move(options.endpoint), "LIFT_SSM_ENDPOINT", "ssm", region, "SSM");
  if (!endpoint) return std::move(endpoint).error();
  LIFT_TRY(faults, detail::resolve_faults(std::move(options.faults)));
  return SsmClient(std::make_unique<Impl>(detail::ServiceClient::Config{std::string(kSsmPrefix), "ssm", std::move(*endpoint),
                                                                        std::move(region), options.retry,
                                                                        std::move(options.http), std::move(options.credentials), std::move(options.breaker), std::move(faults)}));
}

const std::string& SsmClient::endpoint() const { return impl_->service.endpoint(); }
const std::string& SsmClient::region() const { return impl_->service.region(); }

Result<Parameter> SsmClient::get_parameter(std::string_view name, bool with_decryption, Deadline deadline) {
  if (name.empty()) return validation("GetParameter needs a parameter name");
  auto response = impl_->call("GetParameter", get_parameter_body(name, with_decryption), deadline);
  if (!response) return std::move(response).error();
  return parse_get_parameter(response->body);
}

Result<Parameters> SsmClient::get_parameters(std::span<const std::string> names, bool with_decryption, Deadline deadline) {
  std::vector<std::string> unique;
  unique.reserve(names.size());
  std::unordered_set<std::string_view> seen;
  for (const auto& name : names) {
    if (name.empty()) return validation("GetParameters was given an empty parameter name");
    if (seen.insert(name).second) unique.push_back(name);
  }
  Parameters merged;
  for (std::size_t start = 0; start < unique.size(); start += kSsmMaxNamesPerCall) {
    const auto chunk = std::span<const std::string>(unique).subspan(start, std::min(kSsmMaxNamesPerCall, unique.size() - start));
    auto response = impl_->call("GetParameters", get_parameters_body(chunk, with_decryption), deadline);
    if (!response) return std::move(response).error();
    auto answer = parse_get_parameters(response->body);
    if (!answer) return std::move(answer).error();
    std::move(answer->parameters.begin(), answer->parameters.end(), std::back_inserter(merged.parameters));
    std::move(answer->invalid_parameters.begin(), answer->invalid_parameters.end(), std::back_inserter(merged.invalid_parameters));
  }
  return merged;
}

}  // namespace lift::aws
