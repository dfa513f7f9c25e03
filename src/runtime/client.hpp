#pragma once
// A blocking client for one connection to the Lambda Runtime API (and the Extensions API).
// Private to the runtime layer: users see Runtime. Each worker owns one Client and with it
// one kept-alive TCP connection.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lift/core/result.hpp"
#include "lift/runtime/runtime.hpp"
#include "stream_sink.hpp"

namespace lift::runtime::detail {

class Client {
 public:
  // `endpoint` is host:port as in AWS_LAMBDA_RUNTIME_API; `post_timeout` bounds each wait of a
  // POST (Options::post_timeout; zero: none).
  Client(std::string endpoint, std::size_t max_event_bytes, std::chrono::milliseconds post_timeout);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // What GET /next returned. When the API sent something unusable, `rejected` says why and
  // `invocation.context` holds what could be read (a request id, if any, to report against).
  struct Next {
    Invocation invocation;
    std::optional<Error> rejected;
  };

  // GET /next; blocks for as long as it takes (the process may be frozen in between).
  // Errors are transport failures (code Runtime.TransportError) or a non-200 answer.
  Result<Next> next();
  // The same into `next`, whose strings keep their capacity from one invocation to the next
  // (the runtime's loop reads every event into the same one).
  Result<void> next(Next& next);

  // The POSTs below are sent once: after a failure once their bytes may have been read (the
  // connection failed, or the API went silent for the post timeout: Runtime.TransportError,
  // Runtime.Timeout), they are not sent again.

  // POST /invocation/{id}/response with a buffered body.
  Result<void> post_response(const InvocationContext& context, const Response& response);
  // POST /invocation/{id}/error.
  Result<void> post_error(const InvocationContext& context, const ErrorReport& report);
  // POST /init/error.
  Result<void> post_init_error(const ErrorReport& report);

  // POST /invocation/{id}/response as a chunked stream.
  class Stream final : public StreamSink {
   public:
    Result<void> begin(std::string_view content_type) override;
    Result<void> write(std::string_view bytes) override;
    // Ends the stream successfully (an empty stream if nothing was written).
    Result<void> finish();
    // Ends a started stream with the error in the trailers.
    Result<void> fail(const ErrorReport& report);
    [[nodiscard]] bool begun() const noexcept { return begun_; }
    // The failure that broke the stream's connection, if one did: what was sent may or may not
    // have reached the API, and the stream cannot go on.
    [[nodiscard]] const std::optional<Error>& lost() const noexcept { return lost_; }

   private:
    friend class Client;
    Stream(Client& client, const InvocationContext& context) : client_(client), context_(context) {}
    Result<void> end(const ErrorReport* report);
    Result<void> lose(Error error);  // the connection broke: the stream ends with `error`
    Client& client_;
    const InvocationContext& context_;
    bool begun_ = false;
    bool ended_ = false;
    std::optional<Error> lost_;
  };
  Stream open_stream(const InvocationContext& context) { return Stream(*this, context); }

  // Extensions API: registers an extension with no events (internal extensions get
  // SIGTERM-before-shutdown that way) and returns its identifier.
  Result<std::string> register_extension(std::string_view name);
  // Blocks until the next extension event; returns its JSON body.
  Result<std::string> next_extension_event(std::string_view identifier);

  // Unblocks a call in progress on another thread (it fails); used at shutdown.
  void interrupt();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lift::runtime::detail
