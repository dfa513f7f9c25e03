#pragma once
// What SQS and SNS messages share. A message attribute as SQS and SNS carry them beside a message body: a data type ("String",
// "Number", "Binary", or one of those followed by ".<custom label>", SNS also "String.Array")
// and a string or binary value.
//
//   attributes["tenant"] = lift::aws::MessageAttribute::string("acme");
//   attributes["retries"] = lift::aws::MessageAttribute::number("3");

#include <map>
#include <optional>
#include <string>

namespace lift::aws {

struct MessageAttribute {
  std::string data_type{};
  std::optional<std::string> string_value{};  // String, Number (decimal text), String.Array (JSON text)
  std::optional<std::string> binary_value{};  // Binary: the bytes (base64 only on the wire)

  static MessageAttribute string(std::string value) { return {"String", std::move(value), std::nullopt}; }
  static MessageAttribute number(std::string decimal) { return {"Number", std::move(decimal), std::nullopt}; }
  static MessageAttribute binary(std::string bytes) { return {"Binary", std::nullopt, std::move(bytes)}; }
  // SNS only: a JSON array of strings, numbers, booleans or nulls, as text ("[\"a\", 1]").
  static MessageAttribute string_array(std::string json_array) { return {"String.Array", std::move(json_array), std::nullopt}; }

  friend bool operator==(const MessageAttribute&, const MessageAttribute&) = default;
};

// By name; sorted, which is also the order SQS hashes them in.
using MessageAttributes = std::map<std::string, MessageAttribute>;

// An entry of an SQS or SNS batch the service refused, the others having gone through.
struct BatchEntryFailure {
  std::string id{};
  std::string code{};  // the service's code, as it gives it ("InvalidParameterValue", ...)
  std::string message{};
  bool sender_fault = false;  // true: sending it again as it is will fail again
};

}  // namespace lift::aws
