// A WebSocket chat function for the local API Gateway tests, written as users write one:
// lift::App routes and the API Gateway Management client (pointed at the gateway by
// LIFT_APIGATEWAYMANAGEMENTAPI_ENDPOINT), with the open connections kept in this process.
//   $connect     refuses ?deny=1 with 401, else remembers the connection
//   $disconnect  forgets it and tells the others {"left": id}
//   sendMessage  {"from": id, "text": ...} to every other connection
//   whoami       {"you": id} back to the sender
//   $default     {"default": body} back to the sender

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "lift/aws/apigateway_management.hpp"
#include "lift/lift.hpp"

namespace json = boost::json;

namespace {

class Room {
 public:
  void join(const std::string& id) {
    std::lock_guard lock(mutex_);
    ids_.push_back(id);
  }
  void leave(const std::string& id) {
    std::lock_guard lock(mutex_);
    std::erase(ids_, id);
  }
  std::vector<std::string> others(const std::string& id) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& other : ids_) {
      if (other != id) out.push_back(other);
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> ids_;
};

lift::aws::ApiGatewayManagementClient::Deadline deadline_of(const lift::Context& ctx) {
  return std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(ctx.remaining_time(), std::chrono::seconds(5));
}

}  // namespace

int main() {
  Room room;
  auto client = lift::aws::ApiGatewayManagementClient::create({});
  if (!client) {
    std::fprintf(stderr, "no Management API endpoint: %s\n", client.error().message.c_str());
    return 1;
  }
  auto& api = *client;

  auto send = [&api](const lift::Context& ctx, const std::string& to, const json::object& message) {
    auto sent = api.post_to_connection(to, json::serialize(message), deadline_of(ctx));
    if (!sent) std::fprintf(stderr, "post to %s failed: %s\n", to.c_str(), sent.error().code.c_str());
    return sent;
  };

  lift::App app;
  app.websocket("$connect", [&room](lift::Context& ctx) -> lift::http::Response {
    if (ctx.query("deny") == "1") return lift::http::Response::json(401, R"({"message":"denied"})");
    room.join(ctx.request().websocket()->connection_id);
    return lift::http::Response::empty(200);
  });
  app.websocket("$disconnect", [&room, &send](lift::Context& ctx) {
    const auto& id = ctx.request().websocket()->connection_id;
    room.leave(id);
    for (const auto& other : room.others(id)) (void)send(ctx, other, {{"left", id}});
  });
  app.websocket("sendMessage", [&room, &send](lift::Context& ctx) {
    const auto& id = ctx.request().websocket()->connection_id;
    const auto body = json::parse(ctx.body());
    const auto* text = body.as_object().if_contains("text");
    for (const auto& other : room.others(id)) {
      (void)send(ctx, other, {{"from", id}, {"text", text != nullptr ? *text : json::value("")}});
    }
  });
  app.websocket("whoami", [&send](lift::Context& ctx) {
    (void)send(ctx, ctx.request().websocket()->connection_id, {{"you", ctx.request().websocket()->connection_id}});
  });
  app.websocket("$default", [&send](lift::Context& ctx) {
    (void)send(ctx, ctx.request().websocket()->connection_id, {{"default", std::string(ctx.body())}});
  });
  return lift::run(app);
}
