#pragma once
// What SQS and SNS share about messages, private to the aws layer: checking message attributes
// before a call, and batch entry ids.

#include <cstddef>
#include <string_view>

#include "lift/aws/message_attribute.hpp"
#include "lift/core/result.hpp"

namespace lift::aws::detail {

// Errors coded "<prefix>.InvalidParameterValue" (400): more than `max_count` attributes, an
// empty name, a data type that is not String, Number or Binary (or String.Array when
// `string_array` is allowed, SNS), optionally followed by ".<label>", or a value that does
// not fit its type (a binary value for a string type, none at all).
Result<void> check_message_attributes(std::string_view prefix, const MessageAttributes& attributes, std::size_t max_count,
                                      bool string_array);

// A batch entry id as SQS and SNS want them: 1..80 letters, digits, '-' and '_'.
bool valid_batch_entry_id(std::string_view id);

}  // namespace lift::aws::detail
