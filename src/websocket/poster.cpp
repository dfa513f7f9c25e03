#include "lift/websocket/poster.hpp"

#include <utility>

namespace lift::websocket {

std::shared_ptr<ManagementApiPoster> ManagementApiPoster::create(aws::ApiGatewayManagementOptions base) {
  return std::make_shared<ManagementApiPoster>(std::move(base));
}

ManagementApiPoster::ManagementApiPoster(aws::ApiGatewayManagementOptions base) : base_(std::move(base)) {}

Result<std::shared_ptr<aws::ApiGatewayManagementClient>> ManagementApiPoster::client_for(const std::string& endpoint) {
  std::lock_guard lock(mutex_);
  if (const auto found = clients_.find(endpoint); found != clients_.end()) return found->second;
  auto options = base_;
  options.endpoint = endpoint;
  LIFT_TRY(client, aws::ApiGatewayManagementClient::create(std::move(options)));
  auto shared = std::make_shared<aws::ApiGatewayManagementClient>(std::move(client));
  // A function serves one API (or a few): the map stays small.
  clients_.emplace(endpoint, shared);
  return shared;
}

Result<void> ManagementApiPoster::post(const Target& target, std::string_view data, Deadline deadline) {
  LIFT_TRY(client, client_for(target.endpoint));
  return client->post_to_connection(target.connection_id, data, deadline);
}

Result<void> ManagementApiPoster::disconnect(const Target& target, Deadline deadline) {
  LIFT_TRY(client, client_for(target.endpoint));
  return client->delete_connection(target.connection_id, deadline);
}

namespace {
Error gone(const std::string& id) {
  return Error{std::string(aws::kApiGatewayGone), "connection " + id + " is gone", 410};
}
}  // namespace

Result<void> FakeManagementApi::post(const Target& target, std::string_view data, Deadline /*deadline*/) {
  std::lock_guard lock(mutex_);
  ++posts_;
  if (gone_.contains(target.connection_id)) return gone(target.connection_id);
  if (data.size() > kMaxMessageBytes) return Error{std::string(aws::kApiGatewayPayloadTooLarge), "message too large", 413};
  received_[target.connection_id].emplace_back(data);
  return {};
}

Result<void> FakeManagementApi::disconnect(const Target& target, Deadline /*deadline*/) {
  std::lock_guard lock(mutex_);
  if (gone_.contains(target.connection_id)) return gone(target.connection_id);
  gone_.insert(target.connection_id);
  return {};
}

void FakeManagementApi::mark_gone(const std::string& connection_id) {
  std::lock_guard lock(mutex_);
  gone_.insert(connection_id);
}

std::vector<std::string> FakeManagementApi::received(const std::string& connection_id) const {
  std::lock_guard lock(mutex_);
  const auto found = received_.find(connection_id);
  return found == received_.end() ? std::vector<std::string>{} : found->second;
}

std::size_t FakeManagementApi::posts() const {
  std::lock_guard lock(mutex_);
  return posts_;
}

void FakeManagementApi::clear() {
  std::lock_guard lock(mutex_);
  gone_.clear();
  received_.clear();
  posts_ = 0;
}

}  // namespace lift::websocket
