#pragma once
// How a message reaches a WebSocket connection: the API Gateway Management API (`@connections`)
// in production, an in-memory fake in tests and benchmarks.
//
//   auto poster = lift::websocket::ManagementApiPoster::create();   // endpoint from each event
//   lift::websocket::FakeManagementApi fake;                         // tests: records, plays Gone
//
// Thread safety: every poster may be called from any thread at once (a broadcast posts from
// several threads; AWS_LAMBDA_MAX_CONCURRENCY > 1 runs several invocations at once).

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/apigateway_management.hpp"
#include "lift/core/result.hpp"

namespace lift::websocket {

// API Gateway's largest message payload (its quotas: 128 KB a message, sent as frames of at
// most 32 KB, which the gateway splits itself). Larger messages are refused before any call.
inline constexpr std::size_t kMaxMessageBytes = 128 * 1024;

// Where a message goes: the API's management endpoint ("https://{domainName}/{stage}", from the
// event), and the connection.
struct Target {
  std::string endpoint;
  std::string connection_id;
};

class ConnectionPoster {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  virtual ~ConnectionPoster() = default;
  // The Management API's errors: aws::kApiGatewayGone for a closed connection above all.
  virtual Result<void> post(const Target& target, std::string_view data, Deadline deadline) = 0;
  virtual Result<void> disconnect(const Target& target, Deadline deadline) = 0;
};

// Over lift::aws::ApiGatewayManagementClient: one client per endpoint, made on first use and
// kept (LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT, which `lift dev` sets, wins over the event's).
class ManagementApiPoster final : public ConnectionPoster {
 public:
  // `base`: the options of every client (credentials, HTTP client, breaker); its endpoint is
  // replaced by each target's.
  static std::shared_ptr<ManagementApiPoster> create(aws::ApiGatewayManagementOptions base = {});
  explicit ManagementApiPoster(aws::ApiGatewayManagementOptions base);

  Result<void> post(const Target& target, std::string_view data, Deadline deadline) override;
  Result<void> disconnect(const Target& target, Deadline deadline) override;

 private:
  Result<std::shared_ptr<aws::ApiGatewayManagementClient>> client_for(const std::string& endpoint);

  aws::ApiGatewayManagementOptions base_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<aws::ApiGatewayManagementClient>, std::less<>> clients_;
};

// The Management API in memory, for tests and benchmarks: records what each connection was
// sent, answers Gone (410, as API Gateway does) for connections marked gone or disconnected,
// PayloadTooLarge (413) over kMaxMessageBytes.
class FakeManagementApi final : public ConnectionPoster {
 public:
  Result<void> post(const Target& target, std::string_view data, Deadline deadline) override;
  Result<void> disconnect(const Target& target, Deadline deadline) override;

  // Later posts to `connection_id` answer Gone.
  void mark_gone(const std::string& connection_id);
  // What `connection_id` was sent, in order.
  [[nodiscard]] std::vector<std::string> received(const std::string& connection_id) const;
  // Every post made (delivered or not).
  [[nodiscard]] std::size_t posts() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::set<std::string, std::less<>> gone_;
  std::map<std::string, std::vector<std::string>, std::less<>> received_;
  std::size_t posts_ = 0;
};

}  // namespace lift::websocket
