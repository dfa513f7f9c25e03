#pragma once
// Parsing JSON text into a Boost.JSON DOM, for every layer that reads JSON from outside: events,
// request bodies, typed binding.

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <string_view>

#include "lift/core/result.hpp"

namespace lift::json {

// One complete JSON document as a DOM held by `storage` (the default resource when null).
// Numbers read exactly: a double is the one nearest its text, so what a client wrote reads back
// bit for bit (Boost.JSON's own parser may land an ulp off); a number too small for a double is
// zero, one too large (1e400) is refused rather than made infinite. Nesting deeper than 64
// levels and anything but whitespace after the document are refused. Errors: code "InvalidJson", status
// 400, naming the line and column of the problem.
Result<boost::json::value> parse_document(std::string_view text, boost::json::storage_ptr storage = {});

}  // namespace lift::json
