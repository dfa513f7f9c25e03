#pragma once
// The transport behind a ResponseStream. Private to the runtime layer; the production sink is
// a chunked HTTP request to the Runtime API (client.cpp), tests use an in-memory one.

#include <string_view>

#include "lift/core/result.hpp"

namespace lift::runtime::detail {

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Sends the request line and headers; called once, before the first write.
  virtual Result<void> begin(std::string_view content_type) = 0;
  // Sends one non-empty chunk.
  virtual Result<void> write(std::string_view bytes) = 0;
};

}  // namespace lift::runtime::detail
