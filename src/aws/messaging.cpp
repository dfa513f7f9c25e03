#include "messaging.hpp"

#include <algorithm>
#include <string>

namespace lift::aws::detail {

Result<void> check_message_attributes(std::string_view prefix, const MessageAttributes& attributes, std::size_t max_count,
                                      bool string_array) {
  const auto refuse = [&](std::string why) { return Error{std::string(prefix) + ".InvalidParameterValue", std::move(why), 400}; };
  if (attributes.size() > max_count)
    return refuse("a message carries at most " + std::to_string(max_count) + " attributes, not " + std::to_string(attributes.size()));
  for (const auto& [name, attribute] : attributes) {
    if (name.empty() || name.size() > 256) return refuse("a message attribute's name must be 1 to 256 characters long");
    const std::string_view type = attribute.data_type;
    const std::string_view base = type.substr(0, type.find('.'));
    const bool array = string_array && (type == "String.Array" || type.starts_with("String.Array."));
    const bool binary = base == "Binary";
    if (!array && base != "String" && base != "Number" && !binary)
      return refuse("the message attribute '" + name + "' has the data type '" + attribute.data_type +
                    "', which is not String, Number or Binary" + (string_array ? " (or String.Array)" : ""));
    if (binary ? (!attribute.binary_value || attribute.string_value) : (!attribute.string_value || attribute.binary_value))
      return refuse("the message attribute '" + name + "' of type " + attribute.data_type + " needs " +
                    (binary ? "a binary value" : "a string value") + " and no other");
    if (!binary && attribute.string_value->empty())
      return refuse("the message attribute '" + name + "' has an empty value");
  }
  return {};
}

bool valid_batch_entry_id(std::string_view id) {
  return !id.empty() && id.size() <= 80 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace lift::aws::detail
