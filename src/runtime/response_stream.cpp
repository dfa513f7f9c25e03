#include <string>

#include "lift/runtime/protocol.hpp"
#include "lift/runtime/runtime.hpp"
#include "stream_sink.hpp"

namespace lift::runtime {

Result<void> ResponseStream::set_content_type(std::string content_type) {
  if (started_) return Error{"Runtime.StreamAlreadyStarted", "the content type must be set before the first write", 500};
  if (content_type.empty() || content_type.find_first_of("\r\n") != std::string::npos)
    return Error{"Runtime.InvalidContentType", "invalid content type", 500};
  content_type_ = std::move(content_type);
  return ok();
}

Result<void> ResponseStream::start() {
  if (started_) return ok();
  if (auto begun = sink_->begin(content_type_); !begun) return begun;
  started_ = true;
  return ok();
}

Result<void> ResponseStream::begin_http(int status_code, const std::vector<std::pair<std::string, std::string>>& headers,
                                        const std::vector<std::string>& cookies) {
  if (started_) return Error{"Runtime.StreamAlreadyStarted", "begin_http must come before the first write", 500};
  if (status_code < 100 || status_code > 599)
    return Error{"Runtime.InvalidStatusCode", "HTTP status " + std::to_string(status_code) + " is out of range", 500};
  content_type_ = std::string(protocol::kHttpIntegrationContentType);
  std::string prelude = protocol::http_integration_prelude(status_code, headers, cookies);
  prelude.append(protocol::kPreludeDelimiterBytes, '\0');
  return write(prelude);
}

Result<void> ResponseStream::write(std::string_view bytes) {
  if (auto started = start(); !started) return started;
  // An empty chunk would end the HTTP body; there is nothing to send.
  if (bytes.empty()) return ok();
  if (auto written = sink_->write(bytes); !written) return written;
  bytes_written_ += bytes.size();
  return ok();
}

}  // namespace lift::runtime
